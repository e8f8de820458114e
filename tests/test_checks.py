"""pandera rules: valid tables pass; each rule fails on a table that breaks it, naming it."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pyarrow as pa
import pytest
from record_samples import kulakhmetov, moscow_2629, moscow_4307, sample_records

from caucasus_cables.checks import check_tables, cross_table_failures, table_failures
from caucasus_cables.errors import IntegrityError
from caucasus_cables.records import Cable, NewsArticle, Paragraph, Recipient, Reference
from caucasus_cables.tables import to_tables


def _set(table: pa.Table, column: str, values: list) -> pa.Table:
    index = table.schema.get_field_index(column)
    return table.set_column(
        index, table.schema.field(index), pa.array(values, table.schema.field(index).type)
    )


def _with(name: str, column: str, values: list):
    """A mutation: replace one column of one table (bypasses pydantic, as a bad file would)."""

    def mutate(tables: dict) -> dict:
        return {**tables, name: _set(tables[name], column, values)}

    return mutate


def _records(*records):
    return lambda tables: to_tables(records)


BROKEN = [
    # (mutation of valid tables, table, expected rule in the failure, record named, rule)
    (
        _with("cables", "id", ["07MOSCOW4307", "07MOSCOW4307"]),
        "cables",
        "field_uniqueness",
        "07MOSCOW4307",
        "unique cable ids",
    ),
    (
        _with("cables", "classification", ["CONFIDENTIAL", "RESTRICTED"]),
        "cables",
        "isin",
        "08MOSCOW2629",
        "classification enum",
    ),
    (
        _with("cables", "precedence", ["IMMEDIATE", "URGENT"]),
        "cables",
        "isin",
        "08MOSCOW2629",
        "precedence enum",
    ),
    (
        _with("cables", "id_source", ["guess", "text"]),
        "cables",
        "isin",
        "07MOSCOW4307",
        "id_source enum",
    ),
    (
        _records(moscow_4307(created=datetime(2008, 1, 2, tzinfo=timezone.utc))),
        "cables",
        "id year == created year",
        "07MOSCOW4307",
        "id year == created year",
    ),
    (
        _records(moscow_4307(id="59MOSCOW1", created=datetime(1959, 5, 1, tzinfo=timezone.utc))),
        "cables",
        "created within 1960-2011",
        "59MOSCOW1",
        "created before 1960",
    ),
    (
        _records(moscow_4307(id="12MOSCOW1", created=datetime(2012, 5, 1, tzinfo=timezone.utc))),
        "cables",
        "created within 1960-2011",
        "12MOSCOW1",
        "created after 2011",
    ),
    (
        _with("cables", "tags", [["PREL", "gg"], ["RS"]]),
        "cables",
        "tags match the tag pattern",
        "07MOSCOW4307",
        "lower-case tag",
    ),
    (
        _with("cables", "caveats", [["SIPDIS", "SECRETISH"], []]),
        "cables",
        "caveats are known captions",
        "07MOSCOW4307",
        "unknown caveat",
    ),
    (
        _with("cables", "station", ["moscow", "MOSCOW"]),
        "cables",
        "str_matches",
        "07MOSCOW4307",
        "station pattern",
    ),
    (
        _records(moscow_4307(paragraphs=[Paragraph(number=1, classification="S//NF", text="x")])),
        "cable_paragraphs",
        "paragraph classification not above cable_classification",
        "07MOSCOW4307",
        "(S) paragraph in a CONFIDENTIAL cable",
    ),
    (
        _records(moscow_2629(paragraphs=[Paragraph(number=1, classification="C", text="x")])),
        "cable_paragraphs",
        "paragraph classification not above cable_classification",
        "08MOSCOW2629",
        "(C) paragraph in an UNCLASSIFIED cable",
    ),
    (
        _with("cable_paragraphs", "classification", ["C", "C", "SECRET", "SBU"]),
        "cable_paragraphs",
        "str_matches",
        "07MOSCOW4307",
        "portion marking pattern",
    ),
    (
        _with("cable_paragraphs", "index", [0, 0, 2, 0]),
        "cable_paragraphs",
        "unique",
        "07MOSCOW4307",
        "duplicate (cable_id, index)",
    ),
    (
        _with("cable_recipients", "cable_id", ["07MOSCOW4307", "09MOSCOW1"]),
        "cable_recipients",
        "cable_id exists in cables.id",
        "09MOSCOW1",
        "child key without parent",
    ),
    (
        _with("cable_recipients", "role", ["to", "cc"]),
        "cable_recipients",
        "isin",
        "07MOSCOW4307",
        "recipient role enum",
    ),
    (
        _with("cable_references", "id", ["MOSCOW4008"]),
        "cable_references",
        "str_matches",
        "07MOSCOW4307",
        "reference id pattern",
    ),
    (
        _with("news_articles", "id", ["Not A Slug"]),
        "news_articles",
        "str_matches",
        "Not A Slug",
        "news id pattern",
    ),
    (
        _with("news_articles", "genre", ["gossip"]),
        "news_articles",
        "isin",
        "2024-09-10-eadaily-kulakhmetov-interview",
        "genre enum",
    ),
    (
        _with("news_articles", "language", ["english"]),
        "news_articles",
        "str_matches",
        "2024-09-10-eadaily-kulakhmetov-interview",
        "language code",
    ),
    (
        _records(kulakhmetov(published=date(2024, 9, 10), published_precision="month")),
        "news_articles",
        "published within published_precision",
        "2024-09-10-eadaily-kulakhmetov-interview",
        "month precision but day 10",
    ),
    (
        _records(kulakhmetov(published=date(2024, 9, 1), published_precision="year")),
        "news_articles",
        "published within published_precision",
        "2024-09-10-eadaily-kulakhmetov-interview",
        "year precision but September",
    ),
    (
        _records(kulakhmetov(published=None, published_precision="day")),
        "news_articles",
        "both set or both null",
        "2024-09-10-eadaily-kulakhmetov-interview",
        "precision without a date",
    ),
    (
        _records(kulakhmetov(translated_from="en")),
        "news_articles",
        "translated_from differs from language",
        "2024-09-10-eadaily-kulakhmetov-interview",
        "translated from its own language",
    ),
]


@pytest.fixture
def valid() -> dict:
    return to_tables(sample_records())


def test_valid_tables_pass_and_the_validator_returns_its_input(valid) -> None:
    assert table_failures(valid) == []
    assert check_tables(valid) is valid


def test_records_with_every_optional_field_empty_pass() -> None:
    # All-null columns trip pandas' .str accessor; the rules must not.
    cable = Cable(
        id="07MOSCOW4307",
        station="MOSCOW",
        body="b",
        raw_text="r",
        paragraphs=[Paragraph(text="x")],
        recipients=[Recipient(role="to", name="X")],
        references=[Reference(raw="r")],
    )
    article = NewsArticle(id="a", title="t", genre="report", language="en", body="b", raw_text="r")
    assert table_failures(to_tables([cable, article])) == []


def test_month_precision_on_the_first_passes() -> None:
    tables = to_tables([kulakhmetov(published=date(2024, 9, 1), published_precision="month")])
    assert table_failures(tables) == []


@pytest.mark.parametrize(
    "mutate, table, rule, record_id", [c[:4] for c in BROKEN], ids=[c[4] for c in BROKEN]
)
def test_each_rule_fails_on_a_table_that_breaks_it(valid, mutate, table, rule, record_id) -> None:
    failures = table_failures(mutate(valid))
    assert failures, "the broken table passed"
    assert any(
        f.table == table and rule in f.check and f.record_id == record_id for f in failures
    ), [str(f) for f in failures]


def test_check_tables_raises_an_integrity_error_listing_failures(valid) -> None:
    broken = _with("cables", "classification", ["CONFIDENTIAL", "RESTRICTED"])(valid)
    with pytest.raises(IntegrityError, match=r"cables\[08MOSCOW2629\]\.classification"):
        check_tables(broken)


def test_cross_table_rules_need_only_id_and_classification(valid) -> None:
    slim = valid["cables"].select(["id", "classification"])
    orphan = _set(valid["cable_references"], "cable_id", ["99MOSCOW1"])
    failures = cross_table_failures({"cables": slim, "cable_references": orphan})
    assert [(f.table, f.record_id) for f in failures] == [("cable_references", "99MOSCOW1")]


def test_failure_messages_show_the_values_the_rule_names() -> None:
    tables = to_tables([moscow_4307(created=datetime(2008, 1, 2, tzinfo=timezone.utc))])
    (failure,) = table_failures(tables)
    assert str(failure) == (
        "cables[07MOSCOW4307]: id year == created year: id=07MOSCOW4307, "
        "created=2008-01-02 00:00:00+00:00"
    )
