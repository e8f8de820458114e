"""Records -> Arrow tables: schemas derived from the models, child tables, lossless round trip."""

from __future__ import annotations

import datetime as dt
import typing
from enum import Enum
from typing import Annotated, Any, Literal

import pyarrow as pa
import pytest
from pydantic import AfterValidator, Field
from record_samples import kulakhmetov, moscow_2629, moscow_4307, sample_records

from caucasus_cables.records import Cable, NewsArticle, Paragraph, Record
from caucasus_cables.tables import (
    CHILD_TABLES,
    TABLES,
    arrow_type,
    child_table,
    model_schema,
    records_table,
    table_records,
    table_schema,
    to_tables,
)


class Colour(str, Enum):
    RED = "red"


class Inner(Record):
    n: int


UTC = Annotated[dt.datetime, AfterValidator(lambda v: v)]

ARROW_TYPES = [
    # (annotation, expected Arrow type, what it is)
    (str, pa.string(), "str"),
    (int, pa.int64(), "int"),
    (bool, pa.bool_(), "bool (before int: bool subclasses int)"),
    (Colour, pa.string(), "str enum -> its value"),
    (dt.date, pa.date32(), "date"),
    (dt.datetime, pa.timestamp("us", tz="UTC"), "datetime"),
    (UTC | None, pa.timestamp("us", tz="UTC"), "Optional[Annotated[datetime]] (Cable.created)"),
    (str | None, pa.string(), "optional str"),
    (float, pa.float64(), "float"),
    (Literal["cable", "news_article"] | None, pa.string(), "literal of str (entities' kinds)"),
    (list[str], pa.list_(pa.field("item", pa.string(), nullable=False)), "list[str]"),
    (Inner, pa.struct([pa.field("n", pa.int64(), nullable=False)]), "nested model"),
    (
        list[Inner],
        pa.list_(
            pa.field("item", pa.struct([pa.field("n", pa.int64(), nullable=False)]), nullable=False)
        ),
        "list of models",
    ),
]


@pytest.mark.parametrize(
    "annotation, expected", [c[:2] for c in ARROW_TYPES], ids=[c[2] for c in ARROW_TYPES]
)
def test_arrow_type(annotation, expected) -> None:
    assert arrow_type(annotation) == expected


@pytest.mark.parametrize(
    "annotation",
    [Any, dict[str, int], set[str], int | str, Literal["a", 1]],
    ids=["Any", "dict", "set", "union", "mixed literal"],
)
def test_types_without_a_lossless_column_are_refused(annotation) -> None:
    with pytest.raises(TypeError, match="no Arrow type"):
        arrow_type(annotation)


def test_a_new_model_field_flows_into_the_schema() -> None:
    class Extended(Record):
        id: str
        mentions: list[Inner] = Field(default_factory=list)
        score: int | None = None

    schema = model_schema(Extended)
    assert schema.names == ["id", "mentions", "score"]
    assert not schema.field("id").nullable and schema.field("score").nullable
    assert pa.types.is_list(schema.field("mentions").type)


@pytest.mark.parametrize("model", [Cable, NewsArticle], ids=["Cable", "NewsArticle"])
def test_schema_follows_every_model_field_and_its_optionality(model) -> None:
    schema = model_schema(model)
    assert schema.names == list(model.model_fields)
    for name, info in model.model_fields.items():
        admits_none = type(None) in typing.get_args(info.annotation)
        assert schema.field(name).nullable == admits_none, name


def test_cable_schema_keeps_raw_text_and_nested_lists_of_structs() -> None:
    schema = table_schema("cables")
    assert schema.field("raw_text").type == pa.string()
    assert not schema.field("raw_text").nullable
    for name in ("recipients", "references", "paragraphs", "parse_notes"):
        assert pa.types.is_struct(schema.field(name).type.value_type), name
    assert schema.field("created").type == pa.timestamp("us", tz="UTC")


def test_child_schemas_put_the_key_first() -> None:
    assert table_schema("cable_paragraphs").names == [
        "cable_id",
        "index",
        *Paragraph.model_fields,
    ]
    assert set(CHILD_TABLES) == {"cable_paragraphs", "cable_recipients", "cable_references"}


def test_unknown_table_names_the_choices() -> None:
    with pytest.raises(KeyError, match=r"cabels.*choose one of: cables, news_articles"):
        table_schema("cabels")


def test_to_tables_sorts_by_id_and_derives_children() -> None:
    tables = to_tables(sample_records())
    assert list(tables) == list(TABLES)
    assert tables["cables"].column("id").to_pylist() == ["07MOSCOW4307", "08MOSCOW2629"]
    assert tables["news_articles"].num_rows == 1
    paragraphs = tables["cable_paragraphs"]
    assert paragraphs.select(["cable_id", "index", "number"]).to_pylist() == [
        {"cable_id": "07MOSCOW4307", "index": 0, "number": 1},
        {"cable_id": "07MOSCOW4307", "index": 1, "number": 2},
        {"cable_id": "07MOSCOW4307", "index": 2, "number": None},
        {"cable_id": "08MOSCOW2629", "index": 0, "number": 1},
    ]
    assert tables["cable_recipients"].column("mcn").to_pylist() == [3484, None]
    assert tables["cable_references"].to_pylist() == [
        {
            "cable_id": "07MOSCOW4307",
            "index": 0,
            "label": None,
            "raw": "MOSCOW 4008 (EXDIS)",
            "id": "07MOSCOW4008",
            "note": "EXDIS",
        },
    ]


def test_child_table_of_a_sliced_batch() -> None:
    cables = records_table("cables", [moscow_4307(), moscow_2629()])
    second = child_table("cable_paragraphs", cables.slice(1))
    assert second.to_pylist() == [
        {
            "cable_id": "08MOSCOW2629",
            "index": 0,
            "number": 1,
            "classification": "SBU",
            "classification_raw": None,
            "heading": None,
            "text": "Summary ...",
        },
    ]


@pytest.mark.parametrize("record", sample_records(), ids=lambda r: r.id)
def test_records_round_trip_through_arrow(record) -> None:
    name = "news_articles" if isinstance(record, NewsArticle) else "cables"
    table = records_table(name, [record])
    assert table.schema.equals(table_schema(name))
    (back,) = table_records(name, table)
    assert back == record
    assert back.model_dump(mode="json") == record.model_dump(mode="json")


def test_records_table_refuses_the_wrong_model() -> None:
    with pytest.raises(TypeError, match="holds Cable, got NewsArticle"):
        records_table("cables", [kulakhmetov()])
