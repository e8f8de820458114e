"""List filters (``tags``, ``tags_all``, ``caveats``...) read in two phases: the masks' columns
first, then the wanted columns only of the row groups with a hit.

The release is built from ``seeds/``, then its ``cables`` table is replaced by 48 rows cut
from the three seed cables (ids ``<seed id>`` and ``<seed id>01``...), written by the package's
own ``ShardWriter`` in row groups of 4 rows and shards of 4 row groups (3 shards, 12 row
groups), as the release layout cuts 1,000 and 50. Tags, classification and date are set per
row position (``_row_traits``) so that a rare tag sits in a few row groups only. Every result
is compared with a naive read of every row followed by a Python test of each row.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from caucasus_cables import build
from caucasus_cables.store.manifest import sha256_file
from caucasus_cables.store.parquet import ShardWriter, TableLayout

loader = importlib.import_module("caucasus_cables.load")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

ROWS = 48
LAYOUT = TableLayout(row_group_rows=4, groups_per_shard=4)
RARE = {5, 6, 20, 41}
"""Row positions holding the rare tag GG: row groups 1, 5 and 10 (of shards 0, 1 and 2)."""


def _row_traits(position: int) -> dict:
    """Tags, caveats, classification and date of the row at ``position`` (rows sorted by id)."""
    tags = ["GG"] if position in RARE else []
    if position % 3 == 0:
        tags.append("RS")
    if position % 5 == 0:
        tags.append("PREL")
    classes = ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET"]
    return {
        "tags": tags,
        "caveats": ["NOFORN"] if position % 7 == 0 else [],
        # Blocks of 8 rows: row groups with one classification each, so statistics can skip.
        "classification": classes[(position // 8) % 3],
        "created": dt.datetime(2006 + position // 12, 1 + position % 12, 15, tzinfo=dt.UTC),
    }


def _synthetic_cables(seed_rows: pa.Table) -> pa.Table:
    rows = []
    seeds = seed_rows.to_pylist()
    for n in range(ROWS):
        row = dict(seeds[n % len(seeds)])
        if n >= len(seeds):
            row["id"] = f"{row['id']}{n:02d}"
        rows.append(row)
    rows.sort(key=lambda r: r["id"])
    for position, row in enumerate(rows):
        row.update(_row_traits(position))
    return pa.Table.from_pylist(rows, schema=seed_rows.schema)


def _replace_cables(release: Path) -> None:
    """Rewrite ``cables`` in the small layout and update the manifest's entries for it."""
    manifest_path = release / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    old = manifest["tables"]["cables"]["files"]
    seed_rows = pa.concat_tables(pq.read_table(release / p) for p in old)
    for relative in old:
        (release / relative).unlink()
    table = _synthetic_cables(seed_rows)
    writer = ShardWriter(release, "cables", table.schema, LAYOUT, table.num_rows)
    writer.write(table)
    paths = writer.close()
    entries = [
        {
            "bytes": (release / p).stat().st_size,
            "path": p,
            "rows": rows,
            "sha256": sha256_file(release / p),
            "table": "cables",
        }
        for p, rows in zip(paths, writer.rows_per_file, strict=True)
    ]
    kept = [e for e in manifest["files"] if e["path"] not in old]
    manifest["files"] = sorted(kept + entries, key=lambda e: e["path"])
    manifest["tables"]["cables"] = {"rows": table.num_rows, "files": paths}
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("data")
    build(SEEDS, root, version="1.0.0")
    _replace_cables(root / "1.0.0")
    return root / "1.0.0"


@pytest.fixture(autouse=True)
def shipped(release, monkeypatch) -> Path:
    monkeypatch.setenv(loader.DATA_ENV, str(release.parent))
    return release


def _everything(release: Path, table: str = "cables") -> pa.Table:
    files = json.loads((release / "manifest.json").read_text())["tables"][table]["files"]
    return pa.concat_tables(pq.read_table(release / p) for p in files)


def _naive(release: Path, keep, columns=None) -> pa.Table:
    table = _everything(release)
    rows = table.filter(pa.array([bool(keep(r)) for r in table.to_pylist()]))
    return rows if columns is None else rows.select(columns)


def test_the_release_has_several_shards_and_row_groups(release):
    files = json.loads((release / "manifest.json").read_text())["tables"]["cables"]["files"]
    groups = [pq.ParquetFile(release / p).metadata.num_row_groups for p in files]
    assert groups == [4, 4, 4]
    ids = _everything(release).column("id").to_pylist()
    assert ids == sorted(ids) and len(set(ids)) == ROWS


FILTER_CASES = [
    # (filters, the same test written on one row, what it exercises)
    ({"tags": "GG"}, lambda r: "GG" in r["tags"], "rare tag"),
    ({"tags": ["GG", "PREL"]}, lambda r: {"GG", "PREL"} & set(r["tags"]), "any of two"),
    ({"tags_all": ["RS", "PREL"]}, lambda r: {"RS", "PREL"} <= set(r["tags"]), "all of two"),
    ({"tags": "ZZ"}, lambda r: False, "no hit"),
    ({"tags": "gg"}, lambda r: "GG" in r["tags"], "tag case"),
    (
        {"tags": "GG", "classification": "SECRET"},
        lambda r: "GG" in r["tags"] and r["classification"] == "SECRET",
        "tag and scalar",
    ),
    (
        {"tags": "RS", "classification": "confidential"},
        lambda r: "RS" in r["tags"] and r["classification"] == "CONFIDENTIAL",
        "tag and scalar skipping row groups",
    ),
    (
        {"tags": "RS", "date_from": "2008"},
        lambda r: "RS" in r["tags"] and r["created"].year >= 2008,
        "tag and date",
    ),
    (
        {"tags": "PREL", "contains": "dushanbe"},
        lambda r: (
            "PREL" in r["tags"]
            and any("dushanbe" in (r[c] or "").lower() for c in ("subject", "body"))
        ),
        "tag and text",
    ),
    (
        {"caveats": "NOFORN", "tags": "RS"},
        lambda r: "NOFORN" in r["caveats"] and "RS" in r["tags"],
        "two list columns",
    ),
    (
        {"where": pc.field("sections") > 1, "tags": "RS"},
        lambda r: (r["sections"] or 0) > 1 and "RS" in r["tags"],
        "expression and tag",
    ),
    ({"classification": "SECRET"}, lambda r: r["classification"] == "SECRET", "scalar only"),
]

COLUMNS = [None, ["id"], ["subject", "id"], ["id", "tags", "body"], ["paragraphs", "id"]]


@pytest.mark.parametrize("columns", COLUMNS, ids=lambda c: "all" if c is None else "+".join(c))
@pytest.mark.parametrize(
    "filters, keep", [c[:2] for c in FILTER_CASES], ids=[c[2] for c in FILTER_CASES]
)
def test_load_equals_a_naive_read(release, filters, keep, columns):
    expected = _naive(release, keep, columns)
    loaded = loader.load("cables", output="arrow", columns=columns, **filters)
    assert loaded.schema == expected.schema
    assert loaded.equals(expected)  # the same rows, in the same order, every column


@pytest.mark.parametrize(
    "filters, keep", [c[:2] for c in FILTER_CASES], ids=[c[2] for c in FILTER_CASES]
)
def test_streaming_equals_a_naive_read(release, filters, keep):
    expected = _naive(release, keep)
    named = dict(filters)
    where = named.pop("where", None)
    source = loader._source("cables", None)
    batches = list(loader._batches(source, loader._query(source, where, named), None))
    assert all(0 < b.num_rows <= LAYOUT.row_group_rows for b in batches)  # one group at most
    streamed = pa.concat_tables(batches) if batches else expected.slice(0, 0)
    assert streamed.equals(expected)
    records = loader.iter_records("cables", where=where, **named)
    assert [r.id for r in records] == expected.column("id").to_pylist()


def test_export_and_other_forms_agree(release, tmp_path, monkeypatch):
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf")
    expected = _naive(release, lambda r: "GG" in r["tags"]).column("id").to_pylist()
    assert len(expected) == len(RARE)
    out = tmp_path / "gg.parquet"
    assert loader.export("cables", out, tags="GG", columns=["id", "tags"]) == len(RARE)
    assert pq.read_table(out).column("id").to_pylist() == expected
    assert loader.load("cables", output="polars", tags="GG")["id"].to_list() == expected
    assert loader.load("cables", tags="GG")["id"].tolist() == expected
    assert list(loader.load("cables", output="hf", tags="GG", columns=["id"])["id"]) == expected


def test_child_table_through_a_parent_list_filter(release):
    parents = set(_naive(release, lambda r: "RS" in r["tags"]).column("id").to_pylist())
    paragraphs = _everything(release, "cable_paragraphs")
    expected = paragraphs.filter(pc.is_in(paragraphs["cable_id"], pa.array(sorted(parents))))
    assert expected.num_rows > 0
    assert loader.load("cable_paragraphs", output="arrow", tags="RS").equals(expected)


def _phase_two_groups(monkeypatch) -> list[tuple[str, list[int]]]:
    read: list[tuple[str, list[int]]] = []
    real = loader._read_groups

    def counting(fragment, groups, columns, schema):
        read.append((Path(fragment.path).name, list(groups)))
        return real(fragment, groups, columns, schema)

    monkeypatch.setattr(loader, "_read_groups", counting)
    return read


def test_row_groups_without_a_hit_are_not_read(monkeypatch):
    read = _phase_two_groups(monkeypatch)
    table = loader.load("cables", output="arrow", tags="GG")
    assert table.num_rows == len(RARE)
    # RARE rows 5, 6 / 20 / 41 sit in row group 1 of shard 0, 1 of shard 1, 2 of shard 2.
    assert read == [
        ("train-00000-of-00003.parquet", [1]),
        ("train-00001-of-00003.parquet", [1]),
        ("train-00002-of-00003.parquet", [2]),
    ]


def test_no_hit_reads_nothing_in_phase_two(monkeypatch):
    read = _phase_two_groups(monkeypatch)
    assert loader.load("cables", output="arrow", tags="ZZ", columns=["id"]).num_rows == 0
    assert read == []


def test_phase_one_reads_only_the_row_groups_the_statistics_leave(release, monkeypatch):
    candidates: list[tuple[str, list[int]]] = []
    real = loader._candidate_groups

    def spying(fragment, expression, schema):
        groups = real(fragment, expression, schema)
        candidates.append((Path(fragment.path).name, [g for g, _ in groups]))
        return groups

    monkeypatch.setattr(loader, "_candidate_groups", spying)
    read = _phase_two_groups(monkeypatch)
    # SECRET: rows 16-23 and 40-47 (see _row_traits); RS among them: rows 18, 21, 42, 45.
    table = loader.load("cables", output="arrow", tags="RS", classification="SECRET")
    keep = lambda r: "RS" in r["tags"] and r["classification"] == "SECRET"  # noqa: E731
    assert table.equals(_naive(release, keep))
    assert candidates == [
        ("train-00000-of-00003.parquet", []),
        ("train-00001-of-00003.parquet", [0, 1]),
        ("train-00002-of-00003.parquet", [2, 3]),
    ]
    assert read == [
        ("train-00001-of-00003.parquet", [0, 1]),
        ("train-00002-of-00003.parquet", [2, 3]),
    ]
