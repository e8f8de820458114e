"""``validate_release``: a valid release passes; each kind of damage is caught, its file named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from caucasus_cables.build import build
from caucasus_cables.store.manifest import sha256_file
from caucasus_cables.store.parquet import parquet_options
from caucasus_cables.validate import validate_release

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CABLES = "cables/train-00000-of-00001.parquet"
NEWS = "news_articles/train-00000-of-00001.parquet"
PARAGRAPHS = "cable_paragraphs/train-00000-of-00001.parquet"
RECIPIENTS = "cable_recipients/train-00000-of-00001.parquet"
REFERENCES = "cable_references/train-00000-of-00001.parquet"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("data")
    manifest = build(SEEDS, out)
    return out / manifest.dataset_version


@pytest.fixture
def release(built, tmp_path) -> Path:
    copy = tmp_path / built.name
    shutil.copytree(built, copy)
    return copy


def _edit_json(path: Path, edit) -> None:
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data, indent=2))


def _manifest_entry(data: dict, relative: str) -> dict:
    return next(e for e in data["files"] if e["path"] == relative)


def flip_byte(release: Path) -> None:
    path = release / CABLES
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def truncate(release: Path) -> None:
    path = release / NEWS
    path.write_bytes(path.read_bytes()[:-100])


def remove_shard(release: Path) -> None:
    (release / PARAGRAPHS).unlink()


def swap_files(release: Path) -> None:
    a, b = release / RECIPIENTS, release / REFERENCES
    data = a.read_bytes()
    a.write_bytes(b.read_bytes())
    b.write_bytes(data)


def edit_manifest_checksum(release: Path) -> None:
    _edit_json(
        release / "manifest.json",
        lambda m: _manifest_entry(m, CABLES).update(sha256="0" * 64),
    )


def edit_manifest_content_hash(release: Path) -> None:
    _edit_json(release / "manifest.json", lambda m: m.update(content_sha256="1" * 64))


def edit_manifest_rows(release: Path) -> None:
    _edit_json(release / "manifest.json", lambda m: m["tables"]["cables"].update(rows=4))


def delete_manifest(release: Path) -> None:
    (release / "manifest.json").unlink()


def add_unlisted_file(release: Path) -> None:
    (release / "cables" / "train-00001-of-00001.parquet").write_bytes(b"PAR1")


def rewrite(release: Path, relative: str, table: pa.Table) -> None:
    """Replace a Parquet file and update every checksum, so only the content is wrong."""
    path = release / relative
    pq.write_table(table, path, **parquet_options(table.schema))
    sha, size = sha256_file(path), path.stat().st_size

    def manifest(data: dict) -> None:
        _manifest_entry(data, relative).update(sha256=sha, bytes=size)

    def croissant(data: dict) -> None:
        for node in data["distribution"]:
            if node.get("contentUrl") == relative:
                node.update(sha256=sha, contentSize=f"{size} B")

    _edit_json(release / "croissant.json", croissant)
    _edit_json(release / "manifest.json", manifest)
    document = release / "croissant.json"
    _edit_json(
        release / "manifest.json",
        lambda m: _manifest_entry(m, "croissant.json").update(
            sha256=sha256_file(document), bytes=document.stat().st_size
        ),
    )


def retype_column(release: Path) -> None:
    table = pq.read_table(release / RECIPIENTS)
    index = table.schema.get_field_index("mcn")
    rewrite(release, RECIPIENTS, table.set_column(index, "mcn", pc.cast(table["mcn"], pa.string())))


def invalid_record(release: Path) -> None:
    table = pq.read_table(release / CABLES)
    ids = table["id"].to_pylist()
    ids[0] = "07moscow4307"
    index = table.schema.get_field_index("id")
    rewrite(release, CABLES, table.set_column(index, table.schema.field(index), pa.array(ids)))


def break_a_table_rule(release: Path) -> None:
    # A TOP SECRET portion marking inside a CONFIDENTIAL cable: valid record, broken rule.
    table = pq.read_table(release / CABLES)
    rows = table.to_pylist()
    rows[0]["paragraphs"][0]["classification"] = "TS"
    rewrite(release, CABLES, pa.Table.from_pylist(rows, schema=table.schema))


DAMAGE = [
    # (damage, file the report must name, check that finds it, what happens)
    (flip_byte, CABLES, "checksums", "a flipped byte in a Parquet file"),
    (truncate, NEWS, "checksums", "a truncated Parquet file"),
    (remove_shard, PARAGRAPHS, "checksums", "a missing shard"),
    (swap_files, RECIPIENTS, "checksums", "two files swapped"),
    (add_unlisted_file, "cables/train-00001-of-00001.parquet", "checksums", "an unlisted file"),
    (edit_manifest_checksum, "manifest.json", "checksums", "an edited checksum in the manifest"),
    (edit_manifest_content_hash, "manifest.json", "records", "an edited content hash"),
    (edit_manifest_rows, "manifest.json", "manifest", "an edited row count"),
    (delete_manifest, "manifest.json", "manifest", "no manifest"),
    (retype_column, RECIPIENTS, "schema", "a column retyped (checksums updated)"),
    (invalid_record, CABLES, "records", "a row that is not a valid record"),
    (break_a_table_rule, CABLES, "tables", "a paragraph marked above its cable"),
]


def test_a_built_release_is_valid(built) -> None:
    report = validate_release(built)
    assert report.ok, report.summary()
    assert report.checks == dict.fromkeys(report.checks, "ok") and len(report.checks) == 9
    assert report.rows["cables"] == 3
    assert report.summary().splitlines()[0] == f"{built}: valid"


@pytest.mark.parametrize("damage, file, check", [c[:3] for c in DAMAGE], ids=[c[3] for c in DAMAGE])
def test_damage_is_caught_and_the_file_named(release, damage, file, check) -> None:
    damage(release)
    report = validate_release(release, with_datasets=False)
    assert not report.ok
    assert any(p.file == file and p.check == check for p in report.problems), report.summary()
    assert f"  {file}: {check}: " in report.summary()
    assert report.checks[check] == "failed"


def test_the_json_report(release) -> None:
    flip_byte(release)
    data = json.loads(validate_release(release, with_datasets=False).to_json())
    assert data["ok"] is False
    assert {"file": CABLES, "check": "checksums"}.items() <= data["problems"][0].items()


def test_a_missing_folder_is_a_problem_not_an_exception(tmp_path) -> None:
    report = validate_release(tmp_path / "nope")
    assert not report.ok and "is not a folder" in report.summary()


def test_optional_checks_can_be_turned_off(built) -> None:
    report = validate_release(built, with_datasets=False, with_croissant=False)
    assert report.ok
    assert report.checks["load_dataset"] == "skipped: turned off"
