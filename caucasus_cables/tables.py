"""Records -> Arrow tables. The Arrow schemas are derived from the record models, never written
by hand, so a field added to a model reaches the Parquet files, the dataset card and the
Croissant description without another edit.

Type mapping (``arrow_type``): ``str`` -> string, ``int`` -> int64, ``bool`` -> bool, a ``str``
enum -> string (its value; readable in every tool, unlike dictionary codes), ``date`` -> date32,
``datetime`` -> timestamp[us, UTC] (records hold UTC datetimes only), ``float`` -> float64,
a ``Literal`` like its values' type, a nested model -> struct,
``list[X]`` -> list<X>. A field is nullable exactly when its annotation admits ``None``; list
items never are.

Tables (``TABLES``): ``cables`` and ``news_articles`` hold one row per record with nested
lists of structs; ``cable_paragraphs``, ``cable_recipients`` and ``cable_references`` flatten one
list field of ``Cable`` each, keyed by ``cable_id`` and the 0-based ``index`` in that list, for
people who want flat data. Child tables are computed from the ``cables`` table with Arrow
kernels (no Python loop per row), so any batch of cable rows yields its child rows.

Entity tables (dataset 1.1.0): ``entities`` (the packaged gazetteer, one row per entity),
``mentions`` (``Cable.mentions`` and ``NewsArticle.mentions`` flattened, one row per mention,
cables first, each in id then text order) and ``links`` (document to document, sorted by
from, to, kind). They are not records of their own (``DERIVED_TABLES``).

Versions: a table or top-level field added after dataset 1.0.0 says so (``TableSpec.added_in``,
``Field(json_schema_extra={"added_in": ...})``), so ``table_schema(name, schema_version)`` and
``release_tables(schema_version)`` give the schema an older release was written with; the
current models read such a release because every added field has a default.

Everything here is pure: tables in, tables out; no IO.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from caucasus_cables._version import SCHEMA_VERSION
from caucasus_cables.records import Cable, Entity, Link, Mention, NewsArticle, Record

__all__ = [
    "CHILD_TABLES",
    "DERIVED_TABLES",
    "PARENT_TABLES",
    "TABLES",
    "TableSpec",
    "arrow_type",
    "child_table",
    "dumps_table",
    "entities_table",
    "field_added_in",
    "links_table",
    "mentions_table",
    "model_schema",
    "record_dump",
    "records_table",
    "release_tables",
    "table_for",
    "table_records",
    "table_schema",
    "to_tables",
    "version_key",
]


@dataclass(frozen=True)
class TableSpec:
    """One table of a release.

    ``model`` is the row model. A child table also names its ``parent`` table, the parent's
    ``list_field`` it flattens and its ``key`` column (the parent id). A ``derived`` table is
    no record's own: its rows come from the gazetteer, the links step, or (``sources``) the
    ``list_field`` of several parent tables. ``keys`` are the columns that identify a row (for
    Croissant); ``added_in`` is the schema version that introduced the table.
    """

    name: str
    model: type[Record]
    description: str
    parent: str | None = None
    list_field: str | None = None
    key: str | None = None
    derived: bool = False
    sources: tuple[str, ...] = ()
    keys: tuple[str, ...] = ("id",)
    added_in: str = "1.0.0"

    @property
    def is_child(self) -> bool:
        return self.parent is not None


INDEX_COLUMN = "index"
"""Position of a child row in its parent's list (0-based)."""


def _list_item_model(model: type[BaseModel], field: str) -> type[Record]:
    # The child's row model is whatever the parent's list field holds: derived, not restated.
    (item,) = typing.get_args(model.model_fields[field].annotation)
    return item


def _child(name: str, field: str, what: str) -> TableSpec:
    return TableSpec(
        name=name,
        model=_list_item_model(Cable, field),
        description=f"{what}, one row per entry of `cables.{field}`, keyed by `cable_id` and "
        f"`{INDEX_COLUMN}` (0-based position in the list).",
        parent="cables",
        list_field=field,
        key="cable_id",
    )


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "cables",
            Cable,
            "Diplomatic cables (State Department telegrams), one row per cable, every field of "
            "the telegram layout, with nested recipients, references and paragraphs.",
        ),
        TableSpec(
            "news_articles",
            NewsArticle,
            "News reports and interviews, one row per article, with curated publication facts "
            "and their provenance, nested quotes, captions and interview turns.",
        ),
        _child("cable_paragraphs", "paragraphs", "Cable body paragraphs"),
        _child("cable_recipients", "recipients", "Cable addressees (TO and INFO)"),
        _child("cable_references", "references", "Cable REF: entries"),
        TableSpec(
            "entities",
            Entity,
            "The gazetteer: places, people and organizations with stable ids (e.g. "
            "'place:tskhinvali'), canonical names, variants, Wikidata ids and sources.",
            derived=True,
            added_in="1.1.0",
        ),
        TableSpec(
            "mentions",
            Mention,
            "Every mention of a gazetteer entity in a cable or article body, one row per "
            "mention (`cables.mentions` and `news_articles.mentions` flattened), with offsets "
            "into the body and how the name was resolved.",
            list_field="mentions",
            derived=True,
            sources=("cables", "news_articles"),
            keys=("document_id", "start"),
            added_in="1.1.0",
        ),
        TableSpec(
            "links",
            Link,
            "Links between documents: a cable citing another (and the reverse), and documents "
            "reporting the same event, each with its evidence (REF entry, shared entities and "
            "dates, passages).",
            derived=True,
            keys=("from_id", "to_id", "kind"),
            added_in="1.1.0",
        ),
    )
}
"""Every table of a release, in card order (``cables`` first: the default config)."""

PARENT_TABLES: dict[str, type[Record]] = {
    name: spec.model for name, spec in TABLES.items() if not spec.is_child and not spec.derived
}
"""Tables with one row per record: name -> record model."""

DERIVED_TABLES: dict[str, TableSpec] = {name: spec for name, spec in TABLES.items() if spec.derived}
"""Tables that hold no records of their own: ``entities``, ``mentions``, ``links``."""

CHILD_TABLES: dict[str, TableSpec] = {name: spec for name, spec in TABLES.items() if spec.is_child}
"""Flattened tables derived from a parent's list field."""


def arrow_type(annotation: object) -> pa.DataType:
    """Arrow type for a model field annotation (``Optional`` and ``Annotated`` unwrapped).

    >>> arrow_type(list[int])
    ListType(list<item: int64 not null>)

    ``Literal`` values map like their Python type; ``float`` to float64 (the same IEEE double).
    Raises TypeError for types with no lossless column form (``Any``, ``dict``, sets, mixed
    unions...), so a new model field that cannot be stored fails the tests instead of being
    dropped.
    """
    inner, _ = _unwrap_optional(annotation)
    origin = typing.get_origin(inner)
    if origin is typing.Literal:
        kinds = {type(value) for value in typing.get_args(inner)}
        if len(kinds) != 1:
            raise TypeError(f"no Arrow type for mixed literal {annotation!r}")
        return arrow_type(kinds.pop())
    if origin is list:
        (item,) = typing.get_args(inner)
        return pa.list_(pa.field("item", arrow_type(item), nullable=False))
    if isinstance(inner, type):
        if issubclass(inner, BaseModel):
            return pa.struct(list(model_schema(inner)))
        if issubclass(inner, Enum):
            return pa.string()
        for python_type, arrow in _SCALARS:
            if issubclass(inner, python_type):
                return arrow
    raise TypeError(f"no Arrow type for annotation {annotation!r}")


# Order matters: bool before int (bool subclasses int), datetime before date (likewise).
_SCALARS: tuple[tuple[type, pa.DataType], ...] = (
    (bool, pa.bool_()),
    (int, pa.int64()),
    (float, pa.float64()),
    (str, pa.string()),
    (dt.datetime, pa.timestamp("us", tz="UTC")),
    (dt.date, pa.date32()),
)


def _unwrap_optional(annotation: object) -> tuple[object, bool]:
    """(annotation without None and Annotated, whether None was allowed)."""
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                raise TypeError(f"no Arrow type for union {annotation!r}")
            nullable = True
            annotation = args[0]
        else:
            return annotation, nullable


def _arrow_field(name: str, info: FieldInfo) -> pa.Field:
    _, nullable = _unwrap_optional(info.annotation)
    try:
        return pa.field(name, arrow_type(info.annotation), nullable=nullable)
    except TypeError as exc:
        raise TypeError(f"field {name!r}: {exc}") from exc


def version_key(version: str) -> tuple[int, ...]:
    """'1.10.0' -> (1, 10, 0), so versions compare as numbers.

    >>> version_key("1.10.0") > version_key("1.9.0")
    True
    """
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        raise ValueError(f"not a MAJOR.MINOR.PATCH version: {version!r}") from None


def field_added_in(info: FieldInfo) -> str:
    """Schema version that introduced a model field ('1.0.0' unless the field says otherwise
    with ``json_schema_extra={"added_in": ...}``)."""
    extra = info.json_schema_extra
    return extra.get("added_in", "1.0.0") if isinstance(extra, dict) else "1.0.0"


def _present(added_in: str, schema_version: str) -> bool:
    return version_key(added_in) <= version_key(schema_version)


@cache
def model_schema(model: type[BaseModel], schema_version: str = SCHEMA_VERSION) -> pa.Schema:
    """Arrow schema of a model: one field per model field, in declaration order (top-level
    fields added after ``schema_version`` left out).

    >>> from caucasus_cables.records import Source
    >>> model_schema(Source).names
    ['path', 'sha256', 'encoding']
    >>> "mentions" in model_schema(Cable).names, "mentions" in model_schema(Cable, "1.0.0").names
    (True, False)
    """
    return pa.schema(
        [
            _arrow_field(name, info)
            for name, info in model.model_fields.items()
            if _present(field_added_in(info), schema_version)
        ]
    )


def release_tables(schema_version: str = SCHEMA_VERSION) -> list[str]:
    """The tables a release of ``schema_version`` holds, in card order.

    >>> release_tables("1.0.0")[-1], release_tables("1.1.0")[-1]
    ('cable_references', 'links')
    """
    return [name for name, spec in TABLES.items() if _present(spec.added_in, schema_version)]


@cache
def table_schema(name: str, schema_version: str = SCHEMA_VERSION) -> pa.Schema:
    """Arrow schema of table ``name`` (one of ``TABLES``) as a release of ``schema_version``
    writes it; raises KeyError naming the choices, or when the table is newer than that.

    Child tables put the key (``cable_id``) and ``index`` before the row model's fields.
    """
    spec = _spec(name)
    if not _present(spec.added_in, schema_version):
        raise KeyError(
            f"table {name!r} was added in schema {spec.added_in}, after {schema_version}"
        )
    schema = model_schema(spec.model, schema_version)
    if not spec.is_child:
        return schema
    parent_id = table_schema(spec.parent, schema_version).field("id").with_name(spec.key)
    index = pa.field(INDEX_COLUMN, pa.int64(), nullable=False)
    return pa.schema([parent_id, index, *schema])


def _spec(name: str) -> TableSpec:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; choose one of: {', '.join(TABLES)}") from None


def table_for(record: Record) -> str:
    """Name of the parent table that holds records of this type."""
    for name, model in PARENT_TABLES.items():
        if isinstance(record, model):
            return name
    raise TypeError(f"no table holds {type(record).__name__} records")


def records_table(name: str, records: Sequence[Record]) -> pa.Table:
    """Arrow table of ``records`` (all of the table's model), in the order given."""
    return dumps_table(name, [record_dump(name, record) for record in records])


def record_dump(name: str, record: Record) -> dict:
    """The record as the row of table ``name`` (``model_dump()``, Python mode); raises
    TypeError when the table holds another model."""
    model = PARENT_TABLES[name]
    if not isinstance(record, model):
        raise TypeError(f"table {name!r} holds {model.__name__}, got {type(record).__name__}")
    # model_dump keeps enums as str-enum members; Arrow stores their value.
    return record.model_dump()


def dumps_table(name: str, dumps: Sequence[dict]) -> pa.Table:
    """Arrow table of records already dumped with ``record_dump`` (the build dumps each record
    once, for these rows and for its digest)."""
    return pa.Table.from_pylist(dumps, schema=table_schema(name))


def child_table(name: str, parents: pa.Table) -> pa.Table:
    """Child table ``name`` flattened from a ``cables`` table (or any batch of its rows).

    Rows come out in parent order, then list order, so sorted parents give sorted children.
    """
    spec = CHILD_TABLES[name]
    schema = table_schema(name)
    lists = parents.column(spec.list_field).combine_chunks()
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    parent_rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    index = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts, lengths)
    items = pc.list_flatten(lists)
    columns = [
        parents.column("id").take(pa.array(parent_rows)),
        pa.array(index, type=pa.int64()),
        *items.flatten(),
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def entities_table(entities: Iterable[Entity]) -> pa.Table:
    """The ``entities`` table, sorted by id."""
    rows = [entity.model_dump() for entity in sorted(entities, key=lambda e: e.id)]
    return pa.Table.from_pylist(rows, schema=table_schema("entities"))


def mentions_table(parents: pa.Table) -> pa.Table:
    """``mentions`` rows of a batch of ``cables`` or ``news_articles`` rows (their
    ``mentions`` lists flattened, in parent then text order)."""
    schema = table_schema("mentions")
    items = pc.list_flatten(parents.column("mentions").combine_chunks())
    return pa.Table.from_arrays(items.flatten(), schema=schema)


def links_table(links: Iterable[Link]) -> pa.Table:
    """The ``links`` table, sorted by (from_id, to_id, kind)."""
    ordered = sorted(links, key=lambda link: (link.from_id, link.to_id, link.kind.value))
    rows = [link.model_dump() for link in ordered]
    return pa.Table.from_pylist(rows, schema=table_schema("links"))


def to_tables(
    records: Iterable[Record],
    *,
    entities: Iterable[Entity] = (),
    links: Iterable[Link] = (),
) -> dict[str, pa.Table]:
    """Every table of a release from in-memory records (and the gazetteer's entities and the
    links, when given), each sorted by id.

    >>> from caucasus_cables.records import Cable
    >>> cable = Cable(id="07MOSCOW4307", station="MOSCOW", body="b", raw_text="r")
    >>> {name: t.num_rows for name, t in to_tables([cable]).items()}
    {'cables': 1, 'news_articles': 0, 'cable_paragraphs': 0, 'cable_recipients': 0, \
'cable_references': 0, 'entities': 0, 'mentions': 0, 'links': 0}
    """
    grouped: dict[str, list[Record]] = {name: [] for name in PARENT_TABLES}
    for record in records:
        grouped[table_for(record)].append(record)
    tables: dict[str, pa.Table] = {}
    for name, group in grouped.items():
        group.sort(key=lambda record: record.id)
        tables[name] = records_table(name, group)
    for name, spec in CHILD_TABLES.items():
        tables[name] = child_table(name, tables[spec.parent])
    tables["entities"] = entities_table(entities)
    tables["mentions"] = pa.concat_tables(
        [mentions_table(tables[source]) for source in TABLES["mentions"].sources]
    )
    tables["links"] = links_table(links)
    return {name: tables[name] for name in TABLES}


def table_records(name: str, table: pa.Table | pa.RecordBatch) -> Iterator[Record]:
    """Re-validate every row of a parent (or derived) table into its model (pydantic runs in
    full); rows of an older release lack the newer fields, which take their defaults.

    Raises pydantic.ValidationError on the first row that is not a valid record.
    """
    model = PARENT_TABLES[name] if name in PARENT_TABLES else DERIVED_TABLES[name].model
    for row in table.to_pylist():
        yield model.model_validate(row)
