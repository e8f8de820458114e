"""Damaged releases: ``validate`` and ``load`` catch every kind of damage in every file.

``test_validate.py`` and ``test_load.py`` show each kind of damage on one file; here each kind
is applied to every file of a release (each Parquet shard of every table, the manifest, the
card, croissant.json, the ledgers), and ``load()`` must refuse (IntegrityError naming the file)
whatever it would have read from it: it never returns rows from a file that fails its checksum.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
from pathlib import Path

import pytest

from caucasus_cables.build import build
from caucasus_cables.errors import IntegrityError
from caucasus_cables.store.manifest import read_manifest
from caucasus_cables.validate import validate_release

# The module (the package re-exports the function ``load`` under the same name).
loader = importlib.import_module("caucasus_cables.load")
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("data")
    return out / build(SEEDS, out).dataset_version


def listed_files(release: Path) -> list[str]:
    return sorted(entry.path for entry in read_manifest(release).files)


def parquet_files(release: Path) -> list[str]:
    return [p for p in listed_files(release) if p.endswith(".parquet")]


def flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


DAMAGE = {"flipped byte": flip, "truncated": cut, "missing": Path.unlink}


@pytest.fixture
def copy(built, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "data"
    shutil.copytree(built, root / built.name)
    monkeypatch.setenv(loader.DATA_ENV, str(root))
    return root / built.name


def _table(relative: str) -> str:
    return relative.split("/", 1)[0]


def test_every_file_is_covered(built) -> None:
    files = listed_files(built)
    assert len(parquet_files(built)) >= 5
    assert {"README.md", "croissant.json", "inputs.jsonl"} <= set(files)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_validate_names_each_damaged_file(built, copy, damage) -> None:
    for relative in listed_files(built):
        shutil.rmtree(copy)
        shutil.copytree(built, copy)
        DAMAGE[damage](copy / relative)
        report = validate_release(copy, with_datasets=False, with_croissant=False)
        assert not report.ok, f"{damage} {relative} not detected"
        assert any(p.file == relative for p in report.problems), (relative, report.summary())


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_load_refuses_every_damaged_parquet_file(built, copy, damage) -> None:
    for relative in parquet_files(built):
        shutil.rmtree(copy)
        shutil.copytree(built, copy)
        DAMAGE[damage](copy / relative)
        for output in ("arrow", "pandas"):
            with pytest.raises(IntegrityError) as caught:
                loader.load(_table(relative), output=output)
            assert caught.value.path == f"{copy.name}/{relative}", (damage, relative)


def test_load_refuses_a_swapped_file(built, copy) -> None:
    a, b = parquet_files(built)[:2]
    data = (copy / a).read_bytes()
    (copy / a).write_bytes((copy / b).read_bytes())
    (copy / b).write_bytes(data)
    for relative in (a, b):
        with pytest.raises(IntegrityError, match=r"manifest\.json") as caught:
            loader.load(_table(relative))
        assert caught.value.path == f"{copy.name}/{relative}"


def test_an_edited_manifest_checksum_refuses_the_file(built, copy) -> None:
    relative = parquet_files(built)[0]
    manifest = json.loads((copy / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["path"] == relative:
            entry["sha256"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest, indent=2))
    with pytest.raises(IntegrityError, match=r"differs from manifest\.json") as caught:
        loader.load(_table(relative))
    assert caught.value.path == f"{copy.name}/{relative}"
    report = validate_release(copy, with_datasets=False, with_croissant=False)
    assert any(p.file == "manifest.json" for p in report.problems), report.summary()


def test_a_file_changed_after_it_was_verified_is_checked_again(built, copy) -> None:
    # load() remembers verified files by size, mtime, ctime and inode: a same-size change with
    # the old mtime put back still changes the ctime, so the file is hashed again.
    relative = next(p for p in parquet_files(built) if p.startswith("cables/"))
    assert len(loader.load("cables")) >= 1
    path = copy / relative
    stat = path.stat()
    flip(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(IntegrityError, match=r"differs from manifest\.json"):
        loader.load("cables")
