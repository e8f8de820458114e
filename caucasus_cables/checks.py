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
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.errors import SchemaErrors
from pandera.typing.pandas import Series

from caucasus_cables.errors import IntegrityError
from caucasus_cables.records import (
    Caveat,
    Classification,
    DatePrecision,
    Genre,
    IdSource,
    Precedence,
    RecipientRole,
)
from caucasus_cables.records.cable import CABLE_ID_PATTERN, TAG_PATTERN
from caucasus_cables.records.news import LANGUAGE_PATTERN, NEWS_ID_PATTERN
from caucasus_cables.tables import CHILD_TABLES, INDEX_COLUMN, PARENT_TABLES

__all__ = [
    "CABLE_YEARS",
    "CableParagraphsSchema",
    "CableRecipientsSchema",
    "CableReferencesSchema",
    "CablesSchema",
    "Failure",
    "NewsArticlesSchema",
    "ParagraphMarkingSchema",
    "check_tables",
    "cross_table_failures",
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
        # Row by row in Python: either column may be entirely null, where pandas' .str fails.
        pairs = zip(frame["classification"], frame["cable_classification"], strict=True)
        return pd.Series([_within(marking, cable) for marking, cable in pairs], index=frame.index)

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


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "cables": CablesSchema,
    "news_articles": NewsArticlesSchema,
    "cable_paragraphs": CableParagraphsSchema,
    "cable_recipients": CableRecipientsSchema,
    "cable_references": CableReferencesSchema,
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
    only its ``id`` and ``classification`` columns here."""
    parents = tables.get("cables")
    if parents is None:
        return []
    failures: list[Failure] = []
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
