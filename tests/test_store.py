"""The writer: fixed Parquet settings, sorted shards, card, chart, Croissant, manifest, atomic."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from record_samples import moscow_4307, sample_records

from caucasus_cables import store
from caucasus_cables.errors import BuildError, IntegrityError
from caucasus_cables.store import (
    CardInfo,
    InputEntry,
    QuarantineEntry,
    ReleaseWriter,
    compare_releases,
    read_manifest,
    record_digest,
)
from caucasus_cables.store.card import Statistics, features_yaml, render_chart
from caucasus_cables.store.manifest import content_hash, sha256_file
from caucasus_cables.store.parquet import ShardWriter, SortedRows, TableLayout
from caucasus_cables.tables import (
    CHILD_TABLES,
    PARENT_TABLES,
    TABLES,
    records_table,
    table_for,
    table_schema,
)

INFO = CardInfo(version="1.0.0", sources=("Hand-built test records.",))


def write_release(out: Path, records=None, *, quarantine=(), version="1.0.0"):
    records = sample_records() if records is None else records
    with ReleaseWriter(out, version) as writer:
        for record in records:
            name = table_for(record)
            writer.add_records(
                name,
                records_table(name, [record]),
                [InputEntry(path=f"in/{record.id}.txt", sha256="a" * 64, bytes=10)],
                [record_digest(record)],
            )
        for entry in quarantine:
            writer.add_quarantine(entry, 3)
        writer.write(INFO)
        return writer.publish()


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    broken = QuarantineEntry(
        path="in/broken.txt", sha256="b" * 64, stage="parse", error="not a cable", line=1
    )
    return write_release(tmp_path_factory.mktemp("out"), quarantine=[broken]).path


def test_release_layout(release) -> None:
    files = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "cable_paragraphs/train-00000-of-00001.parquet",
        "cable_recipients/train-00000-of-00001.parquet",
        "cable_references/train-00000-of-00001.parquet",
        "cables/train-00000-of-00001.parquet",
        "croissant.json",
        "documents_per_year.png",
        "entities/train-00000-of-00001.parquet",
        "inputs.jsonl",
        "links/train-00000-of-00001.parquet",
        "manifest.json",
        "mentions/train-00000-of-00001.parquet",
        "news_articles/train-00000-of-00001.parquet",
        "quarantine.jsonl",
    ]
    assert not list(release.parent.glob(".*")), "temporary folder left behind"
    assert release.stat().st_mode & 0o777 == 0o755


def test_two_writes_are_byte_identical(release, tmp_path) -> None:
    broken = QuarantineEntry(
        path="in/broken.txt", sha256="b" * 64, stage="parse", error="not a cable", line=1
    )
    # Records arrive in another order: the files must not care.
    again = write_release(tmp_path, list(reversed(sample_records())), quarantine=[broken]).path
    assert compare_releases(again, release) == []


def test_parquet_writer_settings_are_fixed(release) -> None:
    path = release / "cables/train-00000-of-00001.parquet"
    parquet = pq.ParquetFile(path)
    metadata = parquet.metadata
    assert metadata.created_by.startswith("parquet-cpp-arrow version ")
    assert parquet.schema_arrow.equals(table_schema("cables"))
    group = metadata.row_group(0)
    assert {group.column(i).compression for i in range(group.num_columns)} == {"ZSTD"}
    stats = {group.column(i).path_in_schema: group.column(i).is_stats_set for i in range(5)}
    assert stats["id"] and stats["created"]
    raw_text = group.column(parquet.schema_arrow.get_field_index("raw_text"))
    assert not raw_text.is_stats_set, "free text must carry no statistics"
    assert [c.column_index for c in group.sorting_columns] == [0]
    assert pq.read_table(path).column("id").to_pylist() == ["07MOSCOW4307", "08MOSCOW2629"]


def test_shards_and_row_groups_follow_the_layout(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(store, "RECORD_LAYOUT", TableLayout(row_group_rows=1, groups_per_shard=1))
    release = write_release(tmp_path).path
    manifest = read_manifest(release)
    assert manifest.tables["cables"].files == [
        "cables/train-00000-of-00002.parquet",
        "cables/train-00001-of-00002.parquet",
    ]
    first = pq.read_table(release / "cables/train-00000-of-00002.parquet")
    assert first.column("id").to_pylist() == ["07MOSCOW4307"]


def test_an_empty_table_is_one_empty_file(tmp_path) -> None:
    release = write_release(tmp_path, [moscow_4307()]).path
    empty = pq.read_table(release / "news_articles/train-00000-of-00001.parquet")
    assert empty.num_rows == 0 and empty.schema.equals(table_schema("news_articles"))


def test_sorted_rows_spill_and_merge(tmp_path) -> None:
    ids = [f"{i:06d}" for i in range(2_000)]
    random.Random(7).shuffle(ids)
    schema = pa.schema([pa.field("id", pa.string(), nullable=False), ("n", pa.int64())])
    rows = SortedRows(schema, tmp_path / "spill", budget_bytes=4_000)
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        rows.add(pa.table({"id": chunk, "n": [int(i) for i in chunk]}, schema=schema))
    batches = list(rows.sorted_batches(300))
    assert rows.spilled_runs > 5
    assert [b.num_rows for b in batches] == [300] * 6 + [200]
    merged = pa.concat_tables(batches)
    assert merged.column("id").to_pylist() == sorted(ids)
    assert merged.column("n").to_pylist() == list(range(2_000))


@pytest.mark.parametrize("budget", [1 << 30, 100], ids=["in memory", "spilled"])
def test_sorted_rows_refuse_a_repeated_id(tmp_path, budget) -> None:
    schema = pa.schema([pa.field("id", pa.string(), nullable=False)])
    rows = SortedRows(schema, tmp_path / "spill", budget_bytes=budget)
    rows.add(pa.table({"id": ["b", "a"]}, schema=schema))
    rows.add(pa.table({"id": ["a"]}, schema=schema))
    with pytest.raises(BuildError, match="'a' was added twice"):
        list(rows.sorted_batches(10))


def test_shard_writer_checks_the_row_count(tmp_path) -> None:
    schema = pa.schema([pa.field("id", pa.string(), nullable=False)])
    writer = ShardWriter(tmp_path, "t", schema, TableLayout(10, 1), total_rows=3)
    writer.write(pa.table({"id": ["a", "b"]}, schema=schema))
    with pytest.raises(BuildError, match="wrote 2 rows, expected 3"):
        writer.close()


def test_an_error_inside_the_writer_leaves_nothing(tmp_path) -> None:
    with pytest.raises(RuntimeError), ReleaseWriter(tmp_path, "1.0.0") as writer:
        writer.add_quarantine(QuarantineEntry(path="x.txt", stage="read", error="gone"))
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_an_input_counted_twice_is_refused(tmp_path) -> None:
    with ReleaseWriter(tmp_path, "1.0.0") as writer:
        writer.add_quarantine(QuarantineEntry(path="x.txt", stage="read", error="gone"))
        with pytest.raises(BuildError, match=r"input counted twice: x\.txt"):
            writer.add_quarantine(QuarantineEntry(path="x.txt", stage="parse", error="bad"))


def test_publishing_the_same_records_again_is_a_no_op(release, tmp_path) -> None:
    first = write_release(tmp_path)
    again = write_release(tmp_path)
    assert (first.status, again.status) == ("created", "unchanged")
    assert again.differences == []
    assert [p.name for p in tmp_path.iterdir()] == ["1.0.0"]


def test_a_released_version_with_other_records_is_never_overwritten(tmp_path) -> None:
    published = write_release(tmp_path)
    before = sha256_file(published.path / "manifest.json")
    changed = [moscow_4307(subject="ANOTHER SUBJECT")]
    with pytest.raises(BuildError, match=r"bump DATASET_VERSION in caucasus_cables/_version\.py"):
        write_release(tmp_path, changed)
    assert sha256_file(published.path / "manifest.json") == before
    assert write_release(tmp_path, changed, version="1.1.0").status == "created"


def test_manifest_lists_every_file_with_its_checksum(release) -> None:
    manifest = read_manifest(release)
    listed = {entry.path: entry for entry in manifest.files}
    on_disk = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()} - {
        "manifest.json"
    }
    assert set(listed) == on_disk
    for path, entry in listed.items():
        assert entry.sha256 == sha256_file(release / path), path
        assert entry.bytes == (release / path).stat().st_size
    assert listed["cables/train-00000-of-00001.parquet"].rows == 2
    assert manifest.inputs.model_dump() == {
        "inputs": 4,
        "records": 3,
        "quarantined": 1,
        "ledger": "inputs.jsonl",
    }
    digests = [(table_for(r), r.id, record_digest(r)) for r in sample_records()]
    assert manifest.content_sha256 == content_hash(digests)
    assert (manifest.dataset_version, manifest.name) == ("1.0.0", "caucasus-cables")


def test_ledger_and_quarantine_lines(release) -> None:
    ledger = [json.loads(line) for line in (release / "inputs.jsonl").read_text().splitlines()]
    assert [(e["path"], e["table"], e["id"], e["quarantined"]) for e in ledger] == [
        ("in/07MOSCOW4307.txt", "cables", "07MOSCOW4307", None),
        ("in/08MOSCOW2629.txt", "cables", "08MOSCOW2629", None),
        (
            "in/2024-09-10-eadaily-kulakhmetov-interview.txt",
            "news_articles",
            "2024-09-10-eadaily-kulakhmetov-interview",
            None,
        ),
        ("in/broken.txt", None, None, "parse"),
    ]
    (line,) = (release / "quarantine.jsonl").read_text().splitlines()
    assert json.loads(line) == {
        "path": "in/broken.txt",
        "sha256": "b" * 64,
        "stage": "parse",
        "error": "not a cable",
        "line": 1,
    }


def test_read_manifest_names_the_file(tmp_path) -> None:
    with pytest.raises(IntegrityError, match=r"manifest\.json: missing"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(IntegrityError, match=r"manifest\.json: not a valid manifest"):
        read_manifest(tmp_path)


def _card_header(release: Path) -> dict:
    text = (release / "README.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_card_header_has_one_config_per_table_with_the_schema_features(release) -> None:
    datasets = pytest.importorskip("datasets")
    header = _card_header(release)
    # The entity tables are empty here (no gazetteer or links given): files, not configs.
    assert [c["config_name"] for c in header["configs"]] == list(PARENT_TABLES) + list(CHILD_TABLES)
    assert header["configs"][0] == {
        "config_name": "cables",
        "data_files": [{"split": "train", "path": "cables/train-*.parquet"}],
        "default": True,
    }
    for info in header["dataset_info"]:
        schema = table_schema(info["config_name"])
        # The same YAML datasets itself writes for these features (list:, not sequence:).
        expected = datasets.Features.from_arrow_schema(schema)._to_yaml_list()
        assert info["features"] == expected == features_yaml(schema)
    assert header["license"] == "other" and header["language"] == ["en"]
    assert header["size_categories"] == ["n<1K"] and header["pretty_name"]
    assert header["task_categories"]


def test_card_prose_has_statistics_and_field_descriptions(release) -> None:
    text = (release / "README.md").read_text(encoding="utf-8")
    for line in [
        "| 2007 | 1 | 0 |",
        "| 2024 | 0 | 1 |",
        "| CONFIDENTIAL | 1 |",
        "| AMEMBASSY MOSCOW | 2 |",
        "| PREL | 2 |",
        "| EADaily | 1 |",
        "![Documents per year, cables and news articles](documents_per_year.png)",
        "| `routing.station_serial` | int64, nullable | Station serial number from the DE line, "
        "e.g. 4307. |",
        "| `interview.turns[].role` | string | question or answer. One of: `question`, `answer`. |",
        "- Inputs: 4; records: 3; quarantined: 1.",
        "## Citation",
        "## Limitations",
    ]:
        assert line in text, line
    assert str(release.parent) not in text, "absolute path in the card"


def test_features_yaml_matches_datasets_for_every_scalar_type() -> None:
    datasets = pytest.importorskip("datasets")
    schema = pa.schema(
        [
            ("s", pa.string()),
            ("i", pa.int64()),
            ("f", pa.float64()),
            ("b", pa.bool_()),
            ("d", pa.date32()),
            ("t", pa.timestamp("us", tz="UTC")),
            ("l", pa.list_(pa.struct([("x", pa.int64()), ("y", pa.list_(pa.string()))]))),
        ]
    )
    assert features_yaml(schema) == datasets.Features.from_arrow_schema(schema)._to_yaml_list()


def test_chart_bytes_are_deterministic(release) -> None:
    stats = Statistics()
    stats.update("cables", records_table("cables", [moscow_4307()]))
    first, second = render_chart(stats), render_chart(stats)
    assert first == second and first.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Software" not in first and b"matplotlib" not in first


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib, under mlcroissant
def test_croissant_is_valid_and_matches_the_files(release) -> None:
    mlcroissant = pytest.importorskip("mlcroissant")
    document = json.loads((release / "croissant.json").read_text())
    assert document["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    mlcroissant.Dataset(jsonld=document)  # raises ValidationError on any error
    objects = [d for d in document["distribution"] if d["@type"] == "cr:FileObject"]
    for node in objects:
        assert node["sha256"] == sha256_file(release / node["contentUrl"])
    assert [r["@id"] for r in document["recordSet"]] == list(TABLES)
    cables = document["recordSet"][0]
    paragraphs = next(f for f in cables["field"] if f["name"] == "paragraphs")
    assert paragraphs["isArray"] is True
    assert [s["name"] for s in paragraphs["subField"]] == [
        "number",
        "classification",
        "classification_raw",
        "heading",
        "text",
    ]
    assert paragraphs["subField"][4]["source"]["transform"] == [{"jsonPath": "text"}]
    child = document["recordSet"][2]
    assert child["key"] == [{"@id": "cable_paragraphs/cable_id"}, {"@id": "cable_paragraphs/index"}]
