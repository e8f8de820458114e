"""Table rules (pandera) for every table of a release, and the checks that span tables.

pydantic has already validated each record on its own; these rules are about what only shows in
a table: unique ids, ids that agree with dates, portion markings that agree with the overall
classification, child rows whose parent exists. Each table has a ``DataFrameModel``; the
cross-table rules are small schemas built on the fly from the parent table (``isin`` on the key)
or run on a frame that joins paragraphs to their cable's classification.

Only the columns a rule reads are converted to pandas (never ``raw_text`` or ``body``), so
checking stays cheap, and the same functions check a whole table or one batch of rows: the
build checks each batch as it is parsed (a failing row quarantines its record), ``validate``
checks what was written.

``table_failures`` returns every failure (nothing raised); ``check_tables`` is the validator:
it returns its input unchanged or raises IntegrityError listing the failures.

Entity tables (1.1.0): ``entities``, ``mentions`` and ``links`` have models too; the rules
that need other tables run in ``cross_table_failures`` when those tables are given: every
mention's offsets lie inside its document's ``body`` and ``body[start:end] == text``
(``mention_failures``, on parent rows, the only place the body is read), every entity id and
candidate exists in ``entities``, and every link's endpoints exist (``link_failures``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute
from pandera.errors import SchemaErrors
from pandera.typing.pandas import Series

from caucasus_cables.errors import IntegrityError
from caucasus_cables.records import (
    Caveat,
    Classification,
    DatePrecision,
    EntityKind,
    Genre,
    IdSource,
    LinkKind,
    Precedence,
    RecipientRole,
    Resolution,
)
from caucasus_cables.records.cable import CABLE_ID_PATTERN, TAG_PATTERN
from caucasus_cables.records.entities import ENTITY_ID_PATTERN
from caucasus_cables.records.news import LANGUAGE_PATTERN, NEWS_ID_PATTERN
from caucasus_cables.tables import CHILD_TABLES, DERIVED_TABLES, INDEX_COLUMN, PARENT_TABLES

__all__ = [
    "CABLE_YEARS",
    "CableParagraphsSchema",
    "CableRecipientsSchema",
    "CableReferencesSchema",
    "CablesSchema",
    "EntitiesSchema",
    "Failure",
    "LinksSchema",
    "MentionsSchema",
    "NewsArticlesSchema",
    "ParagraphMarkingSchema",
    "check_tables",
    "cross_table_failures",
    "link_failures",
    "mention_failures",
    "table_failures",
]

CABLE_YEARS = (1960, 2011)
"""Inclusive range of years a cable's DTG may fall in (Cablegate spans 1966-2010)."""

PORTION_MARKING_PATTERN = r"^(?:TS|SBU|S|C|U)(?://\S.*)?$"
"""A normalised portion marking: level, then caveats after '//' ('S//NF', 'C//REL NATO')."""

_LEVEL = {"U": 0, "SBU": 0, "C": 1, "S": 2, "TS": 3}
"""Portion-marking level -> rank; SBU is unclassified (sensitive but unclassified)."""

_CLASSIFICATION_LEVEL = {
    Classification.UNCLASSIFIED.value: 0,
    Classification.CONFIDENTIAL.value: 1,
    Classification.SECRET.value: 2,
    Classification.TOP_SECRET.value: 3,
}


def _values(enum: type) -> list[str]:
    return [member.value for member in enum]


def _id_year(ids: pd.Series) -> pd.Series:
    """Four-digit year of cable ids ('07MOSCOW4307' -> 2007; '98...' -> 1998); NA if unreadable."""
    yy = pd.to_numeric(ids.astype("str").str.slice(0, 2), errors="coerce")
    return (yy + 1900).where(yy >= 60, yy + 2000)


def _within(marking: object, classification: object) -> bool:
    """A portion marking ('S//NF') is not above the cable's classification ('CONFIDENTIAL');
    true when either is absent or unknown (other rules check their values)."""
    if not isinstance(marking, str) or not isinstance(classification, str):
        return True
    level = _LEVEL.get(marking.split("//", 1)[0])
    ceiling = _CLASSIFICATION_LEVEL.get(classification)
    return level is None or ceiling is None or level <= ceiling


def _marking_rank(marking: object) -> int | None:
    """Level of a portion marking ('S//NF' -> 2); None when absent or unknown."""
    if not isinstance(marking, str):
        return None
    return _LEVEL.get(marking.split("//", 1)[0])


_TAG = re.compile(TAG_PATTERN)
_CAVEATS = frozenset(_values(Caveat))


class CablesSchema(pa.DataFrameModel):
    """``cables``: one row per cable."""

    id: Series[str] = pa.Field(unique=True, str_matches=CABLE_ID_PATTERN)
    id_source: Series[str] = pa.Field(isin=_values(IdSource))
    precedence: Series[str] = pa.Field(isin=_values(Precedence), nullable=True)
    created: Series[pd.DatetimeTZDtype("us", "UTC")] = pa.Field(nullable=True)
    station: Series[str] = pa.Field(str_matches=r"^[A-Z][A-Z0-9]*$")
    classification: Series[str] = pa.Field(isin=_values(Classification), nullable=True)
    caveats: Series[object]
    sections: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    tags: Series[object]

    @pa.check("created", name=f"created within {CABLE_YEARS[0]}-{CABLE_YEARS[1]}")
    def created_in_range(cls, created: Series) -> Series[bool]:
        years = created.dt.year
        return created.isna() | years.between(*CABLE_YEARS)

    @pa.check("tags", element_wise=True, name="tags match the tag pattern")
    def tags_match(cls, tags) -> bool:
        return all(isinstance(tag, str) and _TAG.match(tag) for tag in tags)

    @pa.check("caveats", element_wise=True, name="caveats are known captions")
    def caveats_known(cls, caveats) -> bool:
        return all(caveat in _CAVEATS for caveat in caveats)

    @pa.dataframe_check(name="id year == created year")
    def id_year_is_created_year(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["created"].isna() | (frame["created"].dt.year == _id_year(frame["id"]))

    class Config:
        strict = False


class _ChildSchema(pa.DataFrameModel):
    cable_id: Series[str] = pa.Field(str_matches=CABLE_ID_PATTERN)
    index: Series[int] = pa.Field(ge=0)

    class Config:
        strict = False
        unique = ("cable_id", INDEX_COLUMN)


class CableParagraphsSchema(_ChildSchema):
    """``cable_paragraphs``: one row per body paragraph."""

    number: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    classification: Series[str] = pa.Field(nullable=True, str_matches=PORTION_MARKING_PATTERN)


class CableRecipientsSchema(_ChildSchema):
    """``cable_recipients``: one row per TO/INFO addressee."""

    role: Series[str] = pa.Field(isin=_values(RecipientRole))
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    precedence: Series[str] = pa.Field(isin=_values(Precedence), nullable=True)
    mcn: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)


class CableReferencesSchema(_ChildSchema):
    """``cable_references``: one row per REF: entry."""

    id: Series[str] = pa.Field(nullable=True, str_matches=CABLE_ID_PATTERN)
    raw: Series[str] = pa.Field(str_length={"min_value": 1})


class ParagraphMarkingSchema(pa.DataFrameModel):
    """Paragraphs joined to their cable's classification: no (S) paragraph in a C cable."""

    cable_id: Series[str]
    classification: Series[str] = pa.Field(nullable=True)
    cable_classification: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="paragraph classification not above cable_classification")
    def marking_within_classification(cls, frame: pd.DataFrame) -> Series[bool]:
        # Vectorised: rank the few distinct markings once, then compare whole columns (object
        # dtype, since either column may be entirely null, where pandas' .str fails). Unknown
        # or absent on either side passes, as in ``_within``.
        markings = frame["classification"].astype(object)
        ranks = markings.map({m: _marking_rank(m) for m in markings.dropna().unique()})
        ceilings = frame["cable_classification"].astype(object).map(_CLASSIFICATION_LEVEL)
        return ranks.isna() | ceilings.isna() | (ranks <= ceilings)

    class Config:
        strict = False


class NewsArticlesSchema(pa.DataFrameModel):
    """``news_articles``: one row per article."""

    id: Series[str] = pa.Field(unique=True, str_matches=NEWS_ID_PATTERN)
    genre: Series[str] = pa.Field(isin=_values(Genre))
    published: Series[object] = pa.Field(nullable=True)
    published_precision: Series[str] = pa.Field(isin=_values(DatePrecision), nullable=True)
    language: Series[str] = pa.Field(str_matches=LANGUAGE_PATTERN)
    translated_from: Series[str] = pa.Field(nullable=True, str_matches=LANGUAGE_PATTERN)

    @pa.dataframe_check(name="published and published_precision both set or both null")
    def precision_iff_published(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["published"].isna() == frame["published_precision"].isna()

    @pa.dataframe_check(name="published within published_precision (month: day 1; year: 1 January)")
    def published_within_precision(cls, frame: pd.DataFrame) -> Series[bool]:
        published = pd.to_datetime(frame["published"])
        precision = frame["published_precision"]
        first_of_month = published.dt.day == 1
        first_of_year = first_of_month & (published.dt.month == 1)
        return (
            published.isna()
            | (precision == DatePrecision.DAY.value)
            | ((precision == DatePrecision.MONTH.value) & first_of_month)
            | ((precision == DatePrecision.YEAR.value) & first_of_year)
        ).fillna(False)

    @pa.dataframe_check(name="translated_from differs from language")
    def translated_from_other_language(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["translated_from"].isna() | (frame["translated_from"] != frame["language"])

    class Config:
        strict = False


_DOCUMENT_KINDS = ["cable", "news_article"]


class EntitiesSchema(pa.DataFrameModel):
    """``entities``: one row per gazetteer entity."""

    id: Series[str] = pa.Field(unique=True, str_matches=ENTITY_ID_PATTERN)
    kind: Series[str] = pa.Field(isin=_values(EntityKind))
    canonical: Series[str] = pa.Field(str_length={"min_value": 1})

    @pa.dataframe_check(name="id prefix matches kind")
    def prefix_matches_kind(cls, frame: pd.DataFrame) -> Series[bool]:
        prefix = frame["id"].str.split(":").str[0]
        return prefix == frame["kind"].map({"place": "place", "person": "person"}).fillna("org")

    class Config:
        strict = False


class MentionsSchema(pa.DataFrameModel):
    """``mentions``: one row per mention."""

    document_id: Series[str]
    document_kind: Series[str] = pa.Field(isin=_DOCUMENT_KINDS)
    entity_id: Series[str] = pa.Field(nullable=True, str_matches=ENTITY_ID_PATTERN)
    start: Series[int] = pa.Field(ge=0)
    end: Series[int] = pa.Field(ge=1)
    resolution: Series[str] = pa.Field(isin=_values(Resolution))

    @pa.dataframe_check(name="start < end")
    def start_before_end(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["start"] < frame["end"]

    @pa.dataframe_check(name="entity_id null exactly when resolution is unresolved")
    def unresolved_iff_null(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["entity_id"].isna() == (frame["resolution"] == Resolution.UNRESOLVED.value)

    class Config:
        strict = False
        unique = ("document_id", "start")


class LinksSchema(pa.DataFrameModel):
    """``links``: one row per directed link."""

    from_id: Series[str]
    to_id: Series[str]
    from_kind: Series[str] = pa.Field(isin=_DOCUMENT_KINDS)
    to_kind: Series[str] = pa.Field(isin=_DOCUMENT_KINDS)
    kind: Series[str] = pa.Field(isin=_values(LinkKind))

    @pa.dataframe_check(name="from_id differs from to_id")
    def not_a_loop(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["from_id"] != frame["to_id"]

    class Config:
        strict = False
        unique = ("from_id", "to_id", "kind")


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "cables": CablesSchema,
    "news_articles": NewsArticlesSchema,
    "cable_paragraphs": CableParagraphsSchema,
    "cable_recipients": CableRecipientsSchema,
    "cable_references": CableReferencesSchema,
    "entities": EntitiesSchema,
    "mentions": MentionsSchema,
    "links": LinksSchema,
}
"""Table name -> its pandera model."""


@dataclass(frozen=True)
class Failure:
    """One failed rule: which table, rule and column, and the record it belongs to.

    ``record_id`` is the id of the parent record (a cable's id for child rows), so the build
    can quarantine that record; None when the failure is about the table as a whole.
    """

    table: str
    check: str
    column: str | None
    record_id: str | None
    value: str | None

    def __str__(self) -> str:
        where = self.table if self.record_id is None else f"{self.table}[{self.record_id}]"
        column = f".{self.column}" if self.column and self.column != self.table else ""
        value = f": {self.value}" if self.value is not None else ""
        return f"{where}{column}: {self.check}{value}"


def table_failures(tables: Mapping[str, pyarrow.Table]) -> list[Failure]:
    """Every rule failure in ``tables`` (name -> table, any subset of a release's tables):
    each table's own model, then the cross-table rules (``cross_table_failures``)."""
    failures: list[Failure] = []
    for name, table in tables.items():
        if name in SCHEMAS:
            failures += _model_failures(name, SCHEMAS[name], table)
    return failures + cross_table_failures(tables)


def cross_table_failures(tables: Mapping[str, pyarrow.Table]) -> list[Failure]:
    """Rules that need ``cables`` beside a child table: every child key exists in
    ``cables.id``; no paragraph is marked above its cable's classification. ``cables`` needs
    only its ``id`` and ``classification`` columns here.

    With the entity tables: parent rows that have ``body`` and ``mentions`` columns get
    ``mention_failures`` (against ``entities`` when given); ``mentions`` rows name existing
    entities; ``links`` join documents of the given parent tables."""
    failures = _entity_failures(tables)
    parents = tables.get("cables")
    if parents is None:
        return failures
    parent_ids = parents.column("id")
    for name, spec in CHILD_TABLES.items():
        if name in tables:
            failures += _orphan_failures(name, tables[name], spec.key, parent_ids)
    if "cable_paragraphs" in tables:
        failures += _marking_failures(parents, tables["cable_paragraphs"])
    return failures


def check_tables(tables: Mapping[str, pyarrow.Table]) -> Mapping[str, pyarrow.Table]:
    """Validator: return ``tables`` unchanged, or raise IntegrityError listing the failures."""
    failures = table_failures(tables)
    if failures:
        shown = "\n  ".join(str(f) for f in failures[:20])
        more = f"\n  ... and {len(failures) - 20} more" if len(failures) > 20 else ""
        raise IntegrityError(f"{len(failures)} table rule failure(s):\n  {shown}{more}")
    return tables


def _frame(table: pyarrow.Table, columns: list[str]) -> pd.DataFrame:
    # Nullable ints stay ints (pandas would make them floats); only the needed columns move.
    present = [c for c in columns if c in table.column_names]
    return table.select(present).to_pandas(
        types_mapper={pyarrow.int64(): pd.Int64Dtype()}.get, date_as_object=True
    )


def _model_failures(
    name: str, model: type[pa.DataFrameModel], table: pyarrow.Table
) -> list[Failure]:
    schema = model.to_schema()
    key = _record_key(name)
    frame = _frame(table, list(dict.fromkeys([key, *schema.columns])))
    return _run(name, schema, frame, key)


def _record_key(name: str) -> str:
    if name in DERIVED_TABLES:
        return DERIVED_TABLES[name].keys[0]
    return "id" if name in PARENT_TABLES else CHILD_TABLES[name].key


def _run(name: str, schema: pa.DataFrameSchema, frame: pd.DataFrame, key: str) -> list[Failure]:
    if frame.empty:
        return []  # no rows, no rule to break (column types are the Arrow schema's job)
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        return _failures_from(name, exc.failure_cases, frame, key)
    return []


def _failures_from(name: str, cases: pd.DataFrame, frame: pd.DataFrame, key: str) -> list[Failure]:
    failures: dict[tuple[str, object], Failure] = {}
    for case in cases.itertuples(index=False):
        row = None if case.index is None or pd.isna(case.index) else case.index
        record_id = str(frame.at[row, key]) if row in frame.index else None
        check = str(case.check)
        if case.schema_context == "DataFrameSchema":
            # A frame-wide rule reports every column of a failing row: keep one failure per
            # row, showing the columns the rule names.
            if (check, row) not in failures:
                failures[check, row] = Failure(
                    name, check, None, record_id, _named_values(check, frame, row)
                )
            continue
        column = case.column if isinstance(case.column, str) else None
        value = None if case.failure_case is None else str(case.failure_case)
        failures[check, len(failures)] = Failure(name, check, column, record_id, value)
    return list(failures.values())


def _named_values(check: str, frame: pd.DataFrame, row: object) -> str | None:
    if row not in frame.index:
        return None
    words = set(re.findall(r"\w+", check))
    shown = [f"{c}={frame.at[row, c]}" for c in frame.columns if c in words]
    return ", ".join(shown) or None


def _orphan_failures(
    name: str, table: pyarrow.Table, key: str, parent_ids: pyarrow.ChunkedArray
) -> list[Failure]:
    known = set(parent_ids.to_pylist())
    exists = pa.Check(lambda keys: keys.isin(known), name=f"{key} exists in cables.id")
    schema = pa.DataFrameSchema({key: pa.Column(str, exists)})
    return _run(name, schema, _frame(table, [key]), key)


def _entity_failures(tables: Mapping[str, pyarrow.Table]) -> list[Failure]:
    entities = tables.get("entities")
    known = None if entities is None else set(entities.column("id").to_pylist())
    failures: list[Failure] = []
    for name in PARENT_TABLES:
        parents = tables.get(name)
        if parents is not None and {"id", "body", "mentions"} <= set(parents.column_names):
            failures += mention_failures(name, parents, known)
    if known is not None and "mentions" in tables:
        failures += _unknown_entities(tables["mentions"], known)
    present = [tables[name] for name in PARENT_TABLES if name in tables]
    if "links" in tables and len(present) == len(PARENT_TABLES):
        ids = {i for table in present for i in table.column("id").to_pylist()}
        failures += link_failures(tables["links"], ids)
    return failures


def _entity_problems(mention: Mapping, known: set[str] | None) -> list[str]:
    if known is None:
        return []
    wanted = [mention["entity_id"]] if mention["entity_id"] is not None else []
    return [
        f"entity id {entity_id} not in entities"
        for entity_id in [*wanted, *mention["candidates"]]
        if entity_id not in known
    ]


def mention_failures(
    table: str, parents: pyarrow.Table | pyarrow.RecordBatch, entity_ids: set[str] | None = None
) -> list[Failure]:
    """Nested mentions of ``cables`` or ``news_articles`` rows (columns ``id``, ``body``,
    ``mentions``): offsets inside the body, ``body[start:end] == text``, ``document_id`` the
    row's id, and (with ``entity_ids``) every entity id and candidate known."""
    mentions = _single_array(parents.column("mentions"))
    flat = pyarrow.compute.list_flatten(mentions)
    owners = pyarrow.compute.list_parent_indices(mentions).to_pylist()
    ids = parents.column("id").to_pylist()
    bodies = parents.column("body").to_pylist()
    # Find the few suspect mentions with whole-column work, then spell out their problems one
    # by one as before: reading every mention into a dict was most of this check's time.
    suspects = set(_unknown_entity_rows(flat, entity_ids))
    columns = [pyarrow.compute.struct_field(flat, name).to_pylist() for name in _MENTION_SPAN]
    rows = zip(owners, *columns, strict=True)
    for index, (owner, document_id, start, end, text) in enumerate(rows):
        body = bodies[owner]
        if (
            document_id != ids[owner]
            or not 0 <= start < end <= len(body or "")
            or body[start:end] != text
        ):
            suspects.add(index)
    failures: list[Failure] = []
    for index in sorted(suspects):
        record_id, body, mention = ids[owners[index]], bodies[owners[index]], flat[index].as_py()
        start, end, text = mention["start"], mention["end"], mention["text"]
        problems = _entity_problems(mention, entity_ids)
        if mention["document_id"] != record_id:
            problems.append(f"document_id {mention['document_id']} is not the record's id")
        if not 0 <= start < end <= len(body or ""):
            problems.append(f"offsets {start}..{end} outside the body ({len(body or '')})")
        elif body[start:end] != text:
            problems.append(f"body[{start}:{end}] is {body[start:end]!r}, not {text!r}")
        failures += [Failure(table, problem, "mentions", record_id, text) for problem in problems]
    return failures


_MENTION_SPAN = ("document_id", "start", "end", "text")


def _single_array(column: pyarrow.Array | pyarrow.ChunkedArray) -> pyarrow.Array:
    """One contiguous array, so that parent indices count rows of the whole column."""
    if isinstance(column, pyarrow.ChunkedArray):
        return column.combine_chunks()
    return column


def _unknown_entity_rows(flat: pyarrow.StructArray, known: set[str] | None) -> list[int]:
    """Indices of the mentions whose ``entity_id`` or one of whose ``candidates`` is not in
    ``known`` (none when ``known`` is None)."""
    if known is None or len(flat) == 0:
        return []
    compute = pyarrow.compute
    value_set = pyarrow.array(sorted(known), type=pyarrow.string())
    entity_id = compute.struct_field(flat, "entity_id")
    unknown = compute.and_(
        compute.is_valid(entity_id),
        compute.invert(compute.is_in(entity_id, value_set=value_set)),
    )
    candidates = compute.struct_field(flat, "candidates")
    # A null candidate is unknown too, as ``_entity_problems`` has it.
    strange = compute.invert(compute.is_in(compute.list_flatten(candidates), value_set=value_set))
    parents = compute.list_parent_indices(candidates)
    holders = compute.take(parents, compute.indices_nonzero(strange))
    return compute.indices_nonzero(unknown).to_pylist() + holders.to_pylist()


def _unknown_entities(mentions: pyarrow.Table, known: set[str]) -> list[Failure]:
    failures = []
    rows = mentions.select(["document_id", "entity_id", "candidates", "text"]).to_pylist()
    for row in rows:
        failures += [
            Failure("mentions", problem, "entity_id", row["document_id"], row["text"])
            for problem in _entity_problems(row, known)
        ]
    return failures


def link_failures(links: pyarrow.Table, document_ids: set[str]) -> list[Failure]:
    """Links whose ``from_id`` or ``to_id`` is not a document of the release."""
    failures = []
    for row in links.select(["from_id", "to_id"]).to_pylist():
        for column in ("from_id", "to_id"):
            if row[column] not in document_ids:
                failures.append(
                    Failure(
                        "links",
                        f"{column} exists in cables or news_articles",
                        column,
                        row["from_id"],
                        row[column],
                    )
                )
    return failures


def _marking_failures(cables: pyarrow.Table, paragraphs: pyarrow.Table) -> list[Failure]:
    levels = dict(
        zip(
            cables.column("id").to_pylist(),
            cables.column("classification").to_pylist(),
            strict=True,
        )
    )
    frame = _frame(paragraphs, ["cable_id", "classification"])
    frame["cable_classification"] = frame["cable_id"].map(levels)
    return _run("cable_paragraphs", ParagraphMarkingSchema.to_schema(), frame, "cable_id")
