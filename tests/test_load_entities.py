"""Entities, mentions and links in the build, the release, the validator and the loader (issue 9),
and the versioning that comes with them: release 1.0.0 (no entity tables) still validates and
loads beside 1.1.0."""

from __future__ import annotations

import importlib
import pickle
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from caucasus_cables import EntityLookupError, LoadError, build
from caucasus_cables.checks import link_failures, mention_failures, table_failures
from caucasus_cables.cli import app
from caucasus_cables.entities import entities, find_mentions
from caucasus_cables.entities.annotate import annotate
from caucasus_cables.entities.links import LinkSummary
from caucasus_cables.parse.cable import parse_cable
from caucasus_cables.records import Cable, Entity, LinkKind, Mention, Resolution
from caucasus_cables.store.croissant import CROISSANT_NAME
from caucasus_cables.tables import (
    DERIVED_TABLES,
    mentions_table,
    records_table,
    release_tables,
    table_schema,
)
from caucasus_cables.validate import _unreadable_by_models, validate_release

loader = importlib.import_module("caucasus_cables.load")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHIPPED = REPO / "data"
SCO_ARTICLE = "2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe"


@pytest.fixture(scope="module")
def data_root(tmp_path_factory) -> Path:
    """The shipped 1.0.0 (copied as it is) beside a fresh 1.1.0 built from the seeds."""
    root = tmp_path_factory.mktemp("data")
    shutil.copytree(SHIPPED / "1.0.0", root / "1.0.0")
    build(SEEDS, root, version="1.1.0")
    return root


@pytest.fixture
def data(data_root, monkeypatch) -> Path:
    monkeypatch.setenv(loader.DATA_ENV, str(data_root))
    return data_root


# -- the build -----------------------------------------------------------------------------


def _rows(release: Path, table: str) -> pa.Table:
    return pq.read_table(release / table)


def test_release_has_the_entity_tables(data_root) -> None:
    release = data_root / "1.1.0"
    assert _rows(release, "entities").num_rows == len(entities())
    per_document = _rows(release, "mentions").group_by("document_id").aggregate([])
    # Every seed names at least one gazetteer entity (07MOSCOW4307: Russia, Georgia, Popov...).
    assert per_document.num_rows == 5


def test_mentions_table_is_the_records_mentions_flattened(data_root) -> None:
    release = data_root / "1.1.0"
    flattened = pa.concat_tables(
        mentions_table(_rows(release, name)) for name in ("cables", "news_articles")
    )
    assert _rows(release, "mentions").equals(flattened)


def test_every_stored_mention_is_its_body_text(data_root) -> None:
    cables = _rows(data_root / "1.1.0", "cables").to_pylist()
    for cable in cables:
        assert cable["mentions"], cable["id"]
        for mention in cable["mentions"]:
            assert cable["body"][mention["start"] : mention["end"]] == mention["text"]
            assert mention["document_id"] == cable["id"]


def test_built_mentions_are_find_mentions_of_the_parsed_cable(data_root) -> None:
    # The build step adds nothing the library function would not find on its own.
    text = (SEEDS / "cables" / "07MOSCOW4307.txt").read_text(encoding="utf-8")
    cable = parse_cable(text)
    expected = find_mentions(
        cable.body,
        paragraphs=[p.text for p in cable.paragraphs],
        document_id="07MOSCOW4307",
        document_kind="cable",
    )
    (row,) = [r for r in _rows(data_root / "1.1.0", "cables").to_pylist() if r["id"] == cable.id]
    assert [Mention.model_validate(m) for m in row["mentions"]] == expected


def test_kokoity_in_07moscow4307_paragraph_and_resolution(data_root) -> None:
    # 07MOSCOW4307 ¶2: "...had previously prevailed upon Kokoity to avoid..." (Kokoity, in full
    # 'Eduard Kokoity', is named by surname only, a form that names one person).
    rows = _rows(data_root / "1.1.0", "mentions").to_pylist()
    kokoity = [r for r in rows if r["entity_id"] == "person:eduard-kokoity"]
    assert {r["document_id"] for r in kokoity} == {"07MOSCOW4307"}
    assert {r["text"] for r in kokoity} == {"Kokoity"}


def test_sco_summit_link_in_the_release(data_root) -> None:
    links = _rows(data_root / "1.1.0", "links").to_pylist()
    pairs = {(link["from_id"], link["to_id"], link["kind"]) for link in links}
    assert pairs == {
        ("08MOSCOW2629", SCO_ARTICLE, "same_event"),
        (SCO_ARTICLE, "08MOSCOW2629", "same_event"),
    }
    evidence = links[0]["evidence"]
    assert evidence["entities"] == ["org:shanghai-cooperation-organization"]
    assert [str(d) for d in evidence["dates"]] == ["2008-08-28"]
    texts = [p["text"] for p in evidence["passages"]]
    assert any("during its August 28 summit (reftel)" in t for t in texts)
    assert any(t.startswith("Thursday's SCO declaration") for t in texts)


def test_link_summary_is_small_and_picklable() -> None:
    # Workers send summaries back to the parent process: no body, and pickle round-trips.
    text = (SEEDS / "cables" / "08MOSCOW2629.txt").read_text(encoding="utf-8")
    record, summary = annotate(parse_cable(text))
    assert isinstance(summary, LinkSummary) and summary.id == "08MOSCOW2629"
    assert record.mentions and "org:shanghai-cooperation-organization" in summary.entities
    assert pickle.loads(pickle.dumps(summary)) == summary
    assert len(pickle.dumps(summary)) < len(record.body)


# -- table rules ---------------------------------------------------------------------------


def _cable_with(mentions: list[dict]) -> pa.Table:
    body = "Kokoity met Popov in Tskhinval."
    cable = Cable(id="07MOSCOW1", station="MOSCOW", body=body, raw_text=body)
    rows = records_table("cables", [cable]).to_pylist()
    rows[0]["mentions"] = mentions
    return pa.Table.from_pylist(rows, schema=table_schema("cables"))


def _mention(text: str, start: int, entity_id: str | None = "person:eduard-kokoity") -> dict:
    return {
        "document_id": "07MOSCOW1",
        "document_kind": "cable",
        "entity_id": entity_id,
        "candidates": [],
        "text": text,
        "start": start,
        "end": start + len(text),
        "paragraph": 0,
        "resolution": Resolution.NAME.value,
    }


MENTION_CASES = [
    # (mention row, the problem the rule reports, what is wrong)
    (_mention("Kokoity", 0), None, "right"),
    (_mention("Kokoity", 1), "body[1:8] is 'okoity '", "offset one off"),
    (_mention("Tskhinval", 40), "outside the body", "past the end"),
    (_mention("Kokoity", 0, "person:nobody"), "entity id person:nobody", "unknown entity"),
]


@pytest.mark.parametrize(
    "mention, problem", [c[:2] for c in MENTION_CASES], ids=[c[2] for c in MENTION_CASES]
)
def test_mention_failures(mention: dict, problem: str | None) -> None:
    failures = mention_failures("cables", _cable_with([mention]), {e.id for e in entities()})
    if problem is None:
        assert failures == []
    else:
        assert len(failures) == 1 and problem in failures[0].check
        assert (failures[0].table, failures[0].record_id) == ("cables", "07MOSCOW1")


def test_link_to_a_document_not_in_the_release_fails() -> None:
    links = pa.table({"from_id": ["08MOSCOW2629"], "to_id": ["08MOSCOW9999"]})
    (failure,) = link_failures(links, {"08MOSCOW2629"})
    assert failure.column == "to_id" and failure.value == "08MOSCOW9999"


def test_duplicate_mention_rows_fail_the_mentions_model(data_root) -> None:
    mentions = _rows(data_root / "1.1.0", "mentions")
    doubled = pa.concat_tables([mentions.slice(0, 1), mentions.slice(0, 1)])
    assert any(
        "unique" in f.check or "duplicate" in f.check.lower()
        for f in table_failures({"mentions": doubled})
    )


# -- versions ------------------------------------------------------------------------------


def test_release_tables_by_schema_version() -> None:
    assert "mentions" not in release_tables("1.0.0")
    assert set(release_tables("1.1.0")) - set(release_tables("1.0.0")) == set(DERIVED_TABLES)
    with pytest.raises(KeyError, match=r"added in schema 1\.1\.0"):
        table_schema("links", "1.0.0")


@pytest.mark.parametrize("table", ["cables", "news_articles", "cable_paragraphs"])
def test_schema_of_1_0_0_is_what_the_shipped_files_hold(table: str) -> None:
    stored = pq.read_schema(next((SHIPPED / "1.0.0" / table).glob("*.parquet")))
    assert stored.equals(table_schema(table, "1.0.0"), check_metadata=False)
    assert not stored.equals(table_schema(table), check_metadata=False) or table.startswith(
        "cable_"
    )


def test_models_must_be_able_to_read_an_old_release() -> None:
    assert _unreadable_by_models("cables", table_schema("cables", "1.0.0")) is None
    without_body = pa.schema([f for f in table_schema("cables", "1.0.0") if f.name != "body"])
    assert "['body']" in _unreadable_by_models("cables", without_body)
    extra = table_schema("cables").append(pa.field("sentiment", pa.float64()))
    assert "['sentiment']" in _unreadable_by_models("cables", extra)


@pytest.mark.slow
@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_both_releases_validate(data_root, version: str) -> None:
    report = validate_release(data_root / version, with_datasets=False)
    assert report.ok, report.summary()
    if version == "1.1.0":
        assert report.rows["mentions"] > 0 and report.rows["links"] == 2


def test_1_0_0_records_load_with_empty_mentions(data) -> None:
    old = loader.load("cables", version="1.0.0", output="records")
    assert [c.id for c in old] == ["07MOSCOW4307", "07MOSCOW4849", "08MOSCOW2629"]
    assert all(cable.mentions == [] for cable in old)
    assert "mentions" not in loader.load("cables", version="1.0.0").columns
    assert "mentions" not in loader.list_datasets("1.0.0")


# -- the loader ----------------------------------------------------------------------------


def test_load_entity_tables(data) -> None:
    assert loader.list_datasets()[-3:] == ["entities", "mentions", "links"]
    found = loader.load("entities", output="records", id="place:tskhinvali")
    assert [type(e) for e in found] == [Entity] and found[0].canonical == "Tskhinvali"
    same_event = loader.load("links", output="records", kind="same_event")
    assert {link.kind for link in same_event} == {LinkKind.SAME_EVENT}


@pytest.mark.parametrize("name", ["Kokoity", "Kokoyty", "person:eduard-kokoity"])
def test_mentions_of_any_spelling(data, name: str) -> None:
    rows = loader.mentions_of(name)
    assert list(rows.columns) == list(loader.MENTIONS_OF_COLUMNS)
    assert set(rows["document_id"]) == {"07MOSCOW4307"}
    assert str(rows["date"].iloc[0]) == "2007-08-31"  # DTG 311351Z AUG 07
    for passage, text in zip(rows["passage"], rows["text"], strict=True):
        assert text in passage


def test_mentions_of_unknown_name_lists_close_matches(data) -> None:
    with pytest.raises(EntityLookupError) as caught:
        loader.mentions_of("Tskhinvalli")
    assert "unknown entity 'Tskhinvalli'" in str(caught.value)
    assert "place:tskhinvali" in caught.value.candidates


def test_timeline_orders_both_kinds_by_date(data) -> None:
    every = loader.timeline()
    assert every["date"].astype(str).tolist() == sorted(every["date"].astype(str))
    assert set(every["document_kind"]) == {"cable", "news_article"} and len(every) == 5
    sco = loader.timeline("SCO")
    assert sco["document_id"].tolist() == [SCO_ARTICLE, "08MOSCOW2629"]  # 29 Aug, 3 Sep 2008
    assert (sco["mentions"] > 0).all()


@pytest.mark.parametrize(
    "start, end, expected",
    [
        ("2008", None, [SCO_ARTICLE, "08MOSCOW2629", "2024-09-10-eadaily-kulakhmetov-interview"]),
        (None, "2007", ["07MOSCOW4307", "07MOSCOW4849"]),
        ("2008-09", "2008-09", ["08MOSCOW2629"]),
    ],
    ids=["from 2008", "to 2007", "September 2008"],
)
def test_timeline_bounds(data, start, end, expected) -> None:
    assert loader.timeline(start=start, end=end)["document_id"].tolist() == expected


def test_timeline_of_a_release_without_mentions_says_so(data) -> None:
    with pytest.raises(LoadError, match=r"version 1.0.0 has no entity mentions"):
        loader.timeline("SCO", version="1.0.0")


def test_croissant_keys_and_reference(data_root) -> None:
    import json

    document = json.loads((data_root / "1.1.0" / CROISSANT_NAME).read_text(encoding="utf-8"))
    sets = {r["@id"]: r for r in document["recordSet"]}
    assert sets["mentions"]["key"] == [
        {"@id": "mentions/document_id"},
        {"@id": "mentions/start"},
    ]
    (entity_id,) = [f for f in sets["mentions"]["field"] if f["@id"] == "mentions/entity_id"]
    assert entity_id["references"] == {"field": {"@id": "entities/id"}}


def test_card_lists_the_most_mentioned_entities(data_root) -> None:
    card = (data_root / "1.1.0" / "README.md").read_text(encoding="utf-8")
    assert "### Most mentioned entities" in card
    assert "| Russia | `place:russia` | 5 |" in card  # every seed names Russia


# -- the command line ----------------------------------------------------------------------


def test_cli_mentions(data) -> None:
    result = CliRunner().invoke(app, ["mentions", "Kokoyty"])
    assert result.exit_code == 0, result.output
    assert "mention(s) in 1 document(s)" in result.output
    assert "07MOSCOW4307" in result.output


def test_cli_mentions_unknown_name(data) -> None:
    result = CliRunner().invoke(app, ["mentions", "Tskhinvalli"])
    assert result.exit_code == 1
    assert "close matches" in result.output
