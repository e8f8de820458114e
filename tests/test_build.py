"""The build: seeds and collections in, a release out; nothing lost, nothing silently dropped."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from caucasus_cables import store
from caucasus_cables.build import (
    build,
    build_collection,
    build_release,
    check_build,
    decode,
    discover,
)
from caucasus_cables.catalog import iter_seed_documents, sha256_bytes
from caucasus_cables.entities.annotate import annotate
from caucasus_cables.errors import BuildError
from caucasus_cables.parse.cable import parse_cable
from caucasus_cables.parse.news import parse_news_article
from caucasus_cables.records import Cable, NewsArticle, Source
from caucasus_cables.store import compare_releases, read_manifest
from caucasus_cables.tables import CHILD_TABLES, TABLES, child_table, table_schema
from caucasus_cables.validate import validate_release

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_CABLE = SEEDS / "cables" / "07MOSCOW4307.txt"


@pytest.fixture(scope="module")
def seeds_release(tmp_path_factory) -> Path:
    manifest = build(SEEDS, tmp_path_factory.mktemp("data"))
    assert manifest.dataset_version
    return tmp_path_factory.getbasetemp() / "data0" / manifest.dataset_version


def seed_records() -> dict[str, Cable | NewsArticle]:
    """Each seed parsed directly, as the build should have recorded it."""
    records = {}
    for seed in iter_seed_documents(SEEDS):
        entry = seed.entry
        source = Source(path=entry.path, sha256=sha256_bytes(seed.data), encoding="utf-8")
        text = seed.data.decode("utf-8")
        if entry.kind.value == "cable":
            record = parse_cable(text, source=entry.path, id=entry.id, record_source=source)
        else:
            record = parse_news_article(
                text,
                metadata=entry.metadata,
                source=entry.path,
                id=entry.id,
                record_source=source,
            )
        records[record.id] = annotate(record)[0]
    return records


def test_seeds_become_five_records(seeds_release) -> None:
    manifest = read_manifest(seeds_release)
    assert manifest.inputs.model_dump() == {
        "inputs": 5,
        "records": 5,
        "quarantined": 0,
        "ledger": "inputs.jsonl",
    }
    assert manifest.tables["cables"].rows == 3 and manifest.tables["news_articles"].rows == 2
    cables = pq.read_table(seeds_release / "cables/train-00000-of-00001.parquet")
    assert cables.column("id").to_pylist() == ["07MOSCOW4307", "07MOSCOW4849", "08MOSCOW2629"]
    assert not (seeds_release / "quarantine.jsonl").exists()


def test_rebuild_is_byte_identical(seeds_release, tmp_path) -> None:
    again = build_release(SEEDS, tmp_path)
    assert again.status == "created"
    assert compare_releases(again.path, seeds_release) == []


def test_seed_release_validates(seeds_release) -> None:
    report = validate_release(seeds_release)
    assert report.ok, report.summary()
    assert set(report.checks.values()) == {"ok"}


def test_records_in_the_release_equal_the_parsed_seeds(seeds_release) -> None:
    expected = seed_records()
    for name, model in (("cables", Cable), ("news_articles", NewsArticle)):
        for row in pq.read_table(
            seeds_release / f"{name}/train-00000-of-00001.parquet"
        ).to_pylist():
            assert model.model_validate(row) == expected[row["id"]], row["id"]


def test_load_dataset_round_trips_every_nested_field(seeds_release, tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    expected = seed_records()
    covered: set[str] = set()
    for name, model in (("cables", Cable), ("news_articles", NewsArticle)):
        loaded = datasets.load_dataset(
            str(seeds_release), name, split="train", cache_dir=str(tmp_path)
        )
        assert loaded.features == datasets.Features.from_arrow_schema(table_schema(name))
        assert loaded.num_rows == sum(isinstance(r, model) for r in expected.values())
        for row in loaded:
            record = model.model_validate(row)
            assert record == expected[record.id], record.id
            covered |= {field for field, value in row.items() if value not in (None, [], False)}
    nested = {
        "routing",
        "recipients",
        "declassification",
        "classified_by",
        "references",
        "paragraphs",
        "parse_notes",
        "source",
        "provenance",
        "captions",
        "quotes",
        "interview",
        "created",
        "published",
    }
    assert nested <= covered, f"seeds leave {nested - covered} empty: the round trip misses them"


@pytest.mark.parametrize("name", list(CHILD_TABLES))
def test_load_dataset_child_configs(seeds_release, tmp_path, name) -> None:
    datasets = pytest.importorskip("datasets")
    loaded = datasets.load_dataset(str(seeds_release), name, split="train", cache_dir=str(tmp_path))
    cables = pq.read_table(seeds_release / "cables/train-00000-of-00001.parquet")
    assert loaded.to_list() == child_table(name, cables).to_pylist()


# -- quarantine and strict mode -----------------------------------------------------------------


def seeds_with(tmp_path: Path, name: str, data: bytes) -> Path:
    """A copy of seeds/ with one more cable file, listed in the catalog with its sha256."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "cables" / name).write_bytes(data)
    catalog = yaml.safe_load((seeds / "catalog.yaml").read_text())
    catalog["documents"].append(
        {"path": f"cables/{name}", "sha256": sha256_bytes(data), "kind": "cable"}
    )
    (seeds / "catalog.yaml").write_text(yaml.safe_dump(catalog))
    return seeds


def test_a_seed_that_fails_to_parse_fails_a_strict_build(tmp_path) -> None:
    seeds = seeds_with(tmp_path, "99NOTACABLE1.txt", b"Minutes of the tennis club meeting.\n")
    with pytest.raises(BuildError, match=r"cables/99NOTACABLE1\.txt: parse: ") as raised:
        build(seeds, tmp_path / "data")
    assert "--no-strict" in str(raised.value)
    assert not (tmp_path / "data" / "1.0.0").exists()
    assert list((tmp_path / "data").iterdir()) == [], "strict failure left files behind"


def test_a_seed_that_fails_to_parse_goes_to_quarantine(tmp_path) -> None:
    data = b"Minutes of the tennis club meeting.\n"
    seeds = seeds_with(tmp_path, "99NOTACABLE1.txt", data)
    manifest = build(seeds, tmp_path / "data", strict=False)
    assert (manifest.inputs.inputs, manifest.inputs.records, manifest.inputs.quarantined) == (
        6,
        5,
        1,
    )
    release = tmp_path / "data" / manifest.dataset_version
    (line,) = (release / "quarantine.jsonl").read_text().splitlines()
    entry = json.loads(line)
    assert entry["path"] == "cables/99NOTACABLE1.txt"
    assert entry["stage"] == "parse" and entry["sha256"] == sha256_bytes(data)
    assert "99NOTACABLE1" in entry["error"] or entry["error"]
    assert validate_release(release, with_datasets=False).ok


# -- collections --------------------------------------------------------------------------------


@pytest.fixture
def collection(tmp_path) -> Path:
    """A messy folder: nested, a BOM, cp1252, a duplicate, an empty file, a symlink out,
    a directory named like a cable, and a file that is not a .txt."""
    root = tmp_path / "in"
    (root / "2007").mkdir(parents=True)
    (root / "2008").mkdir()
    text = SEED_CABLE.read_bytes()
    (root / "2007" / "07MOSCOW4307.txt").write_bytes(text)
    (root / "2007" / "copy-of-4307.txt").write_bytes(text)
    bom = codecs.BOM_UTF8 + (SEEDS / "cables" / "07MOSCOW4849.txt").read_bytes()
    (root / "2007" / "07MOSCOW4849.txt").write_bytes(bom)
    windows = (SEEDS / "cables" / "08MOSCOW2629.txt").read_text("utf-8").encode("cp1252")
    (root / "2008" / "08MOSCOW2629.txt").write_bytes(windows)
    (root / "2008" / "empty.txt").write_bytes(b"")
    (root / "notes.md").write_text("not an input")
    (root / "folder.txt").mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_bytes(text)
    os.symlink(outside, root / "link-out.txt")
    return root


def test_discover_lists_every_txt_in_path_order(collection) -> None:
    documents = discover(collection)
    assert [(d.path, d.problem is not None) for d in documents] == [
        ("2007/07MOSCOW4307.txt", False),
        ("2007/07MOSCOW4849.txt", False),
        ("2007/copy-of-4307.txt", False),
        ("2008/08MOSCOW2629.txt", False),
        ("2008/empty.txt", False),
        ("folder.txt", True),
        ("link-out.txt", True),
    ]


def test_every_input_is_a_record_or_a_quarantine_line(collection, tmp_path) -> None:
    manifest = build_collection(collection, tmp_path / "out")
    release = tmp_path / "out" / manifest.dataset_version
    counts = manifest.inputs
    assert (counts.inputs, counts.records, counts.quarantined) == (7, 3, 4)
    quarantined = {
        q["path"]: q
        for q in map(json.loads, (release / "quarantine.jsonl").read_text().splitlines())
    }
    assert {p: q["stage"] for p, q in quarantined.items()} == {
        "2007/copy-of-4307.txt": "duplicate",
        "2008/empty.txt": "parse",
        "folder.txt": "read",
        "link-out.txt": "read",
    }
    assert "already taken by 2007/07MOSCOW4307.txt" in quarantined["2007/copy-of-4307.txt"]["error"]
    assert "outside the input folder" in quarantined["link-out.txt"]["error"]
    assert quarantined["link-out.txt"]["sha256"] is None, "the symlink target was read"
    assert "directory" in quarantined["folder.txt"]["error"]
    assert validate_release(release, with_datasets=False, with_croissant=False).ok


def test_encodings_are_detected_and_recorded(collection, tmp_path) -> None:
    manifest = build_collection(collection, tmp_path / "out")
    release = tmp_path / "out" / manifest.dataset_version
    rows = pq.read_table(release / "cables/train-00000-of-00001.parquet").to_pylist()
    sources = {r["id"]: r["source"] for r in rows}
    assert sources["07MOSCOW4307"] == {
        "path": "2007/07MOSCOW4307.txt",
        "sha256": sha256_bytes(SEED_CABLE.read_bytes()),
        "encoding": "utf-8",
    }
    assert sources["07MOSCOW4849"]["encoding"] == "utf-8-sig"
    assert sources["08MOSCOW2629"]["encoding"] == "cp1252"
    by_id = {r["id"]: r for r in rows}
    assert not by_id["07MOSCOW4849"]["raw_text"].startswith("\ufeff")
    assert by_id["08MOSCOW2629"]["raw_text"] == (SEEDS / "cables" / "08MOSCOW2629.txt").read_text(
        "utf-8"
    )


DECODE_CASES = [
    (b"plain ascii", ("plain ascii", "utf-8"), "ascii"),
    ("¶1. (C)".encode(), ("¶1. (C)", "utf-8"), "utf-8 pilcrow"),
    (codecs.BOM_UTF8 + b"x", ("x", "utf-8-sig"), "utf-8 with BOM"),
    ("¶1.".encode("utf-16"), ("¶1.", "utf-16"), "utf-16 with BOM"),
    (
        "O 311351Z AUG 07".encode("utf-16-le"),
        ("O 311351Z AUG 07", "utf-16-le"),
        "utf-16-le, no BOM",
    ),
    (
        "O 311351Z AUG 07".encode("utf-16-be"),
        ("O 311351Z AUG 07", "utf-16-be"),
        "utf-16-be, no BOM",
    ),
    (b"a\x00b\x00c", ("a\x00b\x00c", "utf-8"), "odd length with NULs stays bytes-as-text"),
    (b"\xb61. (C)", ("¶1. (C)", "cp1252"), "cp1252 pilcrow (PlusD PDF conversions)"),
    (b"\x81\xb6", ("\x81¶", "latin-1"), "byte undefined in cp1252 -> latin-1"),
]


@pytest.mark.parametrize(
    "data, expected", [c[:2] for c in DECODE_CASES], ids=[c[2] for c in DECODE_CASES]
)
def test_decode(data, expected) -> None:
    assert decode(data) == expected


def _small_collection(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    root.mkdir()
    for seed in (SEEDS / "cables").glob("*.txt"):
        shutil.copy(seed, root / seed.name)
    return root


def test_workers_and_spilling_do_not_change_a_byte(tmp_path) -> None:
    source = _small_collection(tmp_path)
    plain = build_release(source, tmp_path / "a", collection=True)
    parallel = build_release(source, tmp_path / "b", collection=True, workers=2)
    spilled = build_release(source, tmp_path / "c", collection=True, budget_bytes=1)
    assert compare_releases(parallel.path, plain.path) == []
    assert compare_releases(spilled.path, plain.path) == []


def test_an_interrupted_build_leaves_the_previous_version_intact(tmp_path, monkeypatch) -> None:
    source = _small_collection(tmp_path)
    out = tmp_path / "out"
    previous = build_release(source, out, collection=True, version="1.0.0")

    def crash(self, rows):
        raise KeyboardInterrupt("killed mid-write")

    monkeypatch.setattr(store.ShardWriter, "write", crash)
    with pytest.raises(KeyboardInterrupt):
        build_release(source, out, collection=True, version="1.1.0")
    assert sorted(p.name for p in out.iterdir()) == ["1.0.0"], "half a release was left"
    monkeypatch.undo()
    assert validate_release(previous.path, with_datasets=False, with_croissant=False).ok


def test_check_build_names_the_files_that_differ(tmp_path) -> None:
    source = _small_collection(tmp_path)
    published = build_release(source, tmp_path / "out", collection=True)
    assert check_build(source, tmp_path / "out", collection=True) == []
    card = published.path / "README.md"
    card.write_text(card.read_text() + "\nedited\n")
    assert check_build(source, tmp_path / "out", collection=True) == ["README.md"]
    with pytest.raises(BuildError, match="does not exist"):
        check_build(source, tmp_path / "elsewhere", collection=True)


def test_build_refuses_to_change_a_released_version(tmp_path) -> None:
    source = _small_collection(tmp_path)
    build_release(source, tmp_path / "out", collection=True)
    (source / "07MOSCOW4849.txt").unlink()
    with pytest.raises(BuildError, match="immutable: bump DATASET_VERSION"):
        build_release(source, tmp_path / "out", collection=True)


@pytest.mark.slow
def test_build_input_on_the_corpus_validates(corpus_dir) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        manifest = build_collection(corpus_dir, Path(tmp), workers=2)
        counts = manifest.inputs
        cables = len(list(corpus_dir.glob("*.txt")))
        assert counts.inputs == cables == counts.records + counts.quarantined
        assert counts.records >= 0.99 * cables, f"only {counts.records} of {cables} built"
        release = Path(tmp) / manifest.dataset_version
        report = validate_release(release)
        assert report.ok, report.summary()
        assert report.rows["cables"] == counts.records
        for line in (release / "quarantine.jsonl").read_text().splitlines():
            entry = json.loads(line)
            assert entry["stage"] in {"parse", "check"} and entry["error"], entry
        assert set(TABLES) == set(manifest.tables)


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from caucasus_cables import store
from caucasus_cables.build import build_release

real_write = store.ShardWriter.write

def slow_write(self, rows):
    real_write(self, rows)
    print("writing", flush=True)
    time.sleep(60)

store.ShardWriter.write = slow_write
build_release(Path(sys.argv[1]), Path(sys.argv[2]), collection=True, version="1.1.0")
"""


@pytest.mark.slow
def test_a_killed_build_leaves_the_previous_version_loadable(tmp_path) -> None:
    source = _small_collection(tmp_path)
    out = tmp_path / "out"
    previous = build_release(source, out, collection=True, version="1.0.0")
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(source), str(out)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "writing"  # mid-write now
    finally:
        process.kill()
        process.wait()
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == ["1.0.0"], "a half-written version became visible"
    assert validate_release(previous.path, with_datasets=False, with_croissant=False).ok
