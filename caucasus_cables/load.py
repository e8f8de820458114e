"""Read the shipped releases: ``load()``, ``iter_records()``, ``get_cable()``, ``info()``.

This module only reads. It never parses text and never touches the network: every table comes
from a release folder (``<version>/``, written by ``caucasus_cables.store``) whose
``manifest.json`` is the registry. ``list_datasets()``, ``info()`` and the checksum check all
read the manifest, and a file is used only after its sha256 matched the manifest's.

Where the releases are (``data_dir()``), first match wins:

1. the folder named by the environment variable ``CAUCASUS_CABLES_DATA`` (an explicit choice:
   when it holds no release that is an error, not a reason to look elsewhere);
2. ``caucasus_cables/_data/`` inside the installed package: the wheel carries the repository's
   ``data/`` there (``hatch_build.py``), so ``pip install caucasus-cables`` and ``load()`` work
   offline;
3. ``data/`` of the source checkout the package is imported from (an editable install or a
   clone on ``sys.path``): the folder beside the package directory, when a ``pyproject.toml``
   is there too. Editable installs read it in place, so a rebuild is seen at once.

Checksums are verified once per process and file: a verified file is remembered with its size,
mtime, ctime and inode, so the next ``load()`` only ``stat``s it. A file that fails is never
remembered as good and its rows are never returned: the IntegrityError names it.

Filters (``**filters`` or ``where={...}``) are pushed down to the Parquet scan as pyarrow
expressions (row groups are skipped by their statistics, ids and scalars compared in Arrow):
a scalar column equals one of the values given, ``date_from``/``date_to`` bound the table's
date, ``contains`` searches its text columns. "List contains" filters (``tags`` and other
lists of strings) are Arrow masks, read in two phases: first only the columns they test (and the
expression) in the row groups the statistics leave, then the wanted columns only of the row
groups holding a hit. On a child table (``cable_paragraphs`` ...), a filter that names none of
its columns selects the parent cables first.

Output forms: ``pandas`` (DataFrame), ``arrow`` (pyarrow Table), ``polars`` (DataFrame), ``hf``
(a ``datasets.Dataset`` from ``datasets.load_dataset`` on the release folder) and ``records``
(``Cable`` / ``NewsArticle`` objects, re-validated by pydantic). ``polars`` and ``datasets``
are imported only when their form is asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import json
import os
import re
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from caucasus_cables.entities.dates import sentence_spans
from caucasus_cables.entities.gazetteer import resolve_entity
from caucasus_cables.errors import IntegrityError, LoadError
from caucasus_cables.records import Cable, Record
from caucasus_cables.reference import TagInfo, canonical_station, describe_tag
from caucasus_cables.store.manifest import MANIFEST_NAME, FileEntry, Manifest, read_manifest
from caucasus_cables.store.manifest import sha256_file as _sha256_file
from caucasus_cables.store.parquet import LONG_TEXT_COLUMNS
from caucasus_cables.tables import DERIVED_TABLES, PARENT_TABLES, TABLES, table_records

__all__ = [
    "DATA_ENV",
    "EXPORT_FORMATS",
    "OUTPUTS",
    "DatasetInfo",
    "FileInfo",
    "TableInfo",
    "TagInfo",
    "data_dir",
    "describe_tag",
    "export",
    "find_record",
    "get_cable",
    "info",
    "iter_records",
    "list_datasets",
    "load",
    "mentions_of",
    "timeline",
    "verified_release",
    "versions",
]

DATA_ENV = "CAUCASUS_CABLES_DATA"
"""Environment variable naming a folder of release folders; overrides the shipped data."""

OUTPUTS = ("pandas", "arrow", "polars", "hf", "records")
"""The forms ``load()`` returns."""

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
"""The file formats ``export()`` writes."""

_PACKAGED = "_data"
"""Where the wheel puts the repository's ``data/`` inside the package."""

_DATE_COLUMNS = {"cables": "created", "news_articles": "published"}
"""The column ``date_from`` / ``date_to`` bound, per table."""

_TEXT_COLUMNS = {
    "cables": ("subject", "body"),
    "news_articles": ("title", "lead", "body"),
    "cable_paragraphs": ("heading", "text"),
    "cable_recipients": ("name",),
    "cable_references": ("raw", "note"),
}
"""The columns ``contains`` searches, per table (``raw_text`` would also match headers)."""

_SPECIAL_FILTERS = ("contains", "date_from", "date_to")

_FREE_TEXT = LONG_TEXT_COLUMNS | {"text", "heading"}
"""Columns searched with ``contains``, never compared whole."""


# -- Locating the releases --------------------------------------------------------------------


def data_dir() -> Path:
    """The folder that holds the release folders (``<version>/``), found in the order the
    module docstring gives: ``$CAUCASUS_CABLES_DATA``, the package's ``_data/``, the source
    checkout's ``data/``.

    Raises LoadError naming every place looked at when none holds a release.
    """
    override = os.environ.get(DATA_ENV)
    if override:
        folder = Path(override).expanduser()
        if not _release_names(folder):
            raise LoadError(
                f"{DATA_ENV}={override} holds no release (a folder <version>/ with "
                f"{MANIFEST_NAME}); build one with 'caucasus-cables build --out {override}' "
                f"or unset {DATA_ENV}"
            )
        return folder
    looked = []
    for folder in _candidate_dirs():
        if _release_names(folder):
            return folder
        looked.append(str(folder))
    raise LoadError(
        "no shipped data found; looked in "
        + ", ".join([f"${DATA_ENV} (unset)", *looked])
        + ". Reinstall caucasus-cables, run 'caucasus-cables build' in a source checkout, "
        f"or set {DATA_ENV} to a folder of releases."
    )


def _candidate_dirs() -> Iterator[Path]:
    package = files("caucasus_cables")
    if not isinstance(package, Path):  # a zipped package: nothing on disk to scan
        return
    yield package / _PACKAGED
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file():
        yield checkout / "data"


def _release_names(folder: Path) -> list[str]:
    """Names of the release folders in ``folder`` (hidden ones, e.g. a build in progress, are
    skipped), oldest version first."""
    if not folder.is_dir():
        return []
    names = [
        p.name
        for p in folder.iterdir()
        if not p.name.startswith(".") and (p / MANIFEST_NAME).is_file()
    ]
    return sorted(names, key=_version_key)


def _version_key(version: str) -> tuple:
    # "1.10.0" after "1.9.0": numeric parts compare as numbers, others as text after them.
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.+-]", version))


def versions() -> list[str]:
    """The dataset versions shipped, oldest first (the last is what ``load()`` reads by default).

    Raises LoadError when no data is found (see ``data_dir``).
    """
    return _release_names(data_dir())


def _release(version: str | None) -> tuple[Path, Manifest]:
    """(release folder, its manifest) for ``version`` (None: the newest; a leading 'v' is
    accepted, as in the Hub tag 'v1.0.0')."""
    root = data_dir()
    shipped = _release_names(root)
    if version is None:
        chosen = shipped[-1]
    else:
        chosen = version[1:] if version[:1] in "vV" and version[1:2].isdigit() else version
        if chosen not in shipped:
            raise LoadError(
                f"unknown version {version!r}; shipped versions: {', '.join(shipped)}"
                + _hint(chosen, shipped),
                name=version,
                choices=shipped,
            )
    folder = root / chosen
    manifest = _manifest(folder)
    if manifest.dataset_version != chosen:
        raise IntegrityError(
            f"says dataset version {manifest.dataset_version} but sits in folder {chosen}/; "
            "not loading it",
            path=f"{chosen}/{MANIFEST_NAME}",
        )
    return folder, manifest


_MANIFESTS: dict[Path, tuple[tuple[int, int], Manifest]] = {}


def _manifest(release: Path) -> Manifest:
    """The release's manifest, parsed once per process while the file is unchanged."""
    stat = (release / MANIFEST_NAME).stat()
    key = (stat.st_size, stat.st_mtime_ns)
    cached = _MANIFESTS.get(release)
    if cached is not None and cached[0] == key:
        return cached[1]
    manifest = read_manifest(release)
    _MANIFESTS[release] = (key, manifest)
    return manifest


def _hint(asked: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(asked, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown(what: str, asked: str, choices: Sequence[str]) -> LoadError:
    """'unknown <what> <asked>; choose one of: ...' with the closest choice, if any."""
    return LoadError(
        f"unknown {what} {asked!r}; choose one of: {', '.join(choices)}" + _hint(asked, choices),
        name=asked,
        choices=list(choices),
    )


# -- Checksums --------------------------------------------------------------------------------

_VERIFIED: dict[Path, tuple[tuple[int, int, int, int], str]] = {}
"""File -> (size, mtime, ctime, inode when it was hashed, the sha256 it had). Only files whose
sha256 matched their manifest are here."""


def _verify(release: Path, manifest: Manifest, relative_paths: Iterable[str]) -> list[Path]:
    """Check each file against the manifest (size, then sha256) and return their paths.

    Hashes a file only when it is new to this process or its stat changed. Raises
    IntegrityError naming the first file that is missing, not listed, or differs.
    """
    entries = {entry.path: entry for entry in manifest.files}
    paths = []
    for relative in relative_paths:
        where = f"{release.name}/{relative}"
        entry = entries.get(relative)
        if entry is None:
            raise IntegrityError(f"not listed in {MANIFEST_NAME}; not loading it", path=where)
        path = release / relative
        _verify_file(path, entry, where)
        paths.append(path)
    return paths


def _verify_file(path: Path, entry: FileEntry, where: str) -> None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise IntegrityError(f"missing, but listed in {MANIFEST_NAME}", path=where) from None
    key = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    if _VERIFIED.get(path) == (key, entry.sha256):
        return
    _VERIFIED.pop(path, None)
    if stat.st_size != entry.bytes:
        raise IntegrityError(
            f"{stat.st_size} bytes but {MANIFEST_NAME} says {entry.bytes}: the file was changed "
            "or truncated, so nothing was loaded; reinstall the package or rebuild the release",
            path=where,
        )
    digest = _sha256_file(path)
    if digest != entry.sha256:
        raise IntegrityError(
            f"sha256 {digest} differs from {MANIFEST_NAME} ({entry.sha256}): the file was "
            "changed or corrupted, so nothing was loaded; reinstall the package or rebuild the "
            "release",
            path=where,
        )
    _VERIFIED[path] = (key, digest)


# -- Tables and columns -----------------------------------------------------------------------


def list_datasets(version: str | None = None) -> list[str]:
    """The tables of a release (the ``name`` values ``load()`` takes), ``cables`` first.

    >>> list_datasets()[:2]
    ['cables', 'news_articles']
    """
    _, manifest = _release(version)
    return _ordered_tables(manifest)


def _ordered_tables(manifest: Manifest) -> list[str]:
    known = [name for name in TABLES if name in manifest.tables]
    return known + sorted(set(manifest.tables) - set(known))


def _check_table(name: str, manifest: Manifest) -> None:
    if name not in manifest.tables:
        raise _unknown("dataset", name, _ordered_tables(manifest))


@dataclass(frozen=True)
class _Source:
    """One table of one release, its files verified."""

    release: Path
    manifest: Manifest
    table: str
    paths: list[Path]

    @property
    def version(self) -> str:
        return self.release.name

    @cached_property
    def schema(self) -> pa.Schema:
        # The files' own schema, not today's models: an older release keeps its columns.
        return pq.read_schema(self.paths[0])

    def dataset(self) -> ds.Dataset:
        return ds.dataset([str(p) for p in self.paths], format="parquet")


def _source(name: str, version: str | None) -> _Source:
    release, manifest = _release(version)
    _check_table(name, manifest)
    return _table_source(release, manifest, name)


def _table_source(release: Path, manifest: Manifest, name: str) -> _Source:
    paths = _verify(release, manifest, manifest.tables[name].files)
    return _Source(release, manifest, name, paths)


def _check_columns(columns: Sequence[str], schema: pa.Schema, table: str) -> list[str]:
    if isinstance(columns, str):
        columns = [columns]
    for column in columns:
        if column not in schema.names:
            raise LoadError(
                f"{table} has no column {column!r}; columns: {', '.join(schema.names)}"
                + _hint(column, schema.names),
                name=column,
                choices=list(schema.names),
            )
    return list(dict.fromkeys(columns))


# -- Filters ----------------------------------------------------------------------------------


Mask = Callable[[pa.Table], np.ndarray]


@dataclass
class _Query:
    """A compiled filter: an expression pushed down to the scan, and masks applied after it
    (each with the columns it needs)."""

    expression: pc.Expression | None = None
    masks: list[tuple[str, Mask]] = field(default_factory=list)

    def add(self, expression: pc.Expression) -> None:
        self.expression = expression if self.expression is None else self.expression & expression


def _filter_names(table: str, schema: pa.Schema) -> list[str]:
    names = [n for n in _SPECIAL_FILTERS if _special_applies(n, table)]
    for column in schema:
        if column.name in _FREE_TEXT:
            continue
        if _is_scalar(column.type) or _is_string_list(column.type):
            names.append(column.name)
        if _is_string_list(column.type):
            names.append(f"{column.name}_all")
    return sorted(names)


def _special_applies(key: str, table: str) -> bool:
    if key in ("date_from", "date_to"):
        return table in _DATE_COLUMNS
    return key == "contains" and table in _TEXT_COLUMNS


def _is_scalar(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind)


def _is_string_list(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) and pa.types.is_string(kind.value_type)


def _applies(key: str, table: str, schema: pa.Schema) -> bool:
    return key in _filter_names(table, schema)


def _merge_filters(where: Any, filters: Mapping[str, Any]) -> tuple[pc.Expression | None, dict]:
    """Split ``where`` (a pyarrow expression, or a mapping of filters) and ``**filters``."""
    if where is None:
        return None, dict(filters)
    if isinstance(where, pc.Expression):
        return where, dict(filters)
    if isinstance(where, Mapping):
        both = set(where) & set(filters)
        if both:
            raise LoadError(f"filter(s) given twice, in where and as keywords: {sorted(both)}")
        return None, {**where, **filters}
    raise LoadError(
        f"where must be a pyarrow expression or a mapping of filters, got {type(where).__name__}"
    )


def _query(source: _Source, where: Any, filters: Mapping[str, Any]) -> _Query:
    """The compiled filters of one call: ``where`` and ``**filters`` together."""
    expression, named = _merge_filters(where, filters)
    query = _compile(source, named)
    if expression is not None:
        query.add(expression)
    return query


def _compile(source: _Source, filters: Mapping[str, Any]) -> _Query:
    """Turn named filters into a pushed-down expression plus list masks.

    A child table's own columns win; any other filter that applies to its parent selects the
    parent rows, and the child rows of those parents are kept.
    """
    query = _Query()
    spec = TABLES.get(source.table)
    parent: _Source | None = None
    inherited: dict[str, Any] = {}
    for key, value in filters.items():
        if _applies(key, source.table, source.schema):
            _add_filter(query, source, key, value)
            continue
        if spec is not None and spec.parent is not None:
            parent = parent or _table_source(source.release, source.manifest, spec.parent)
            if _applies(key, parent.table, parent.schema):
                inherited[key] = value
                continue
        choices = _filter_names(source.table, source.schema)
        advice = "; search free text with contains=" if key in _FREE_TEXT else _hint(key, choices)
        raise LoadError(
            f"unknown filter {key!r} for {source.table}; filters: {', '.join(choices)}" + advice,
            name=key,
            choices=choices,
        )
    if parent is not None and inherited:
        assert spec is not None and spec.key is not None
        ids = _read(parent, _compile(parent, inherited), ["id"]).column("id")
        query.add(pc.field(spec.key).isin(ids.combine_chunks()))
    return query


def _add_filter(query: _Query, source: _Source, key: str, value: Any) -> None:
    table, schema = source.table, source.schema
    if key == "contains":
        for term in _as_list(value):
            hits = [
                pc.match_substring(pc.field(column), str(term), ignore_case=True)
                for column in _TEXT_COLUMNS[table]
                if column in schema.names
            ]
            if not hits:
                raise LoadError(f"{table} has no text columns to search", name=key)
            expression = hits[0]
            for hit in hits[1:]:
                expression = expression | hit
            query.add(expression)
        return
    if key in ("date_from", "date_to"):
        query.add(_date_bound(schema.field(_DATE_COLUMNS[table]), key, value))
        return
    column = key if key in schema.names else key.removesuffix("_all")
    kind = schema.field(column).type
    if _is_string_list(kind):
        values = _values(table, column, value, kind.value_type)
        match_all = column != key
        query.masks.append((column, lambda t: _list_mask(t[column], values, match_all)))
        return
    values = _values(table, column, value, kind)
    present = [v for v in values if v is not None]
    expression = pc.field(column).isin(pa.array(present, type=kind))
    if None in values:
        expression = expression | pc.field(column).is_null()
    query.add(expression)


def _as_list(value: Any) -> list:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _values(table: str, column: str, value: Any, kind: pa.DataType) -> list:
    """Filter values for a column, normalised: enum members by value in any case, stations
    canonical, tags and origins upper-case, numbers and booleans from text (the CLI passes
    text)."""
    enum = _enum_of(table, column)
    out: list = []
    for raw in _as_list(value):
        if raw is None:
            out.append(None)
        elif enum is not None:
            out.append(_enum_value(enum, raw, column))
        elif column == "station":
            out.append(canonical_station(str(raw)))
        elif column in ("tags", "origin"):
            out.append(" ".join(str(raw).split()).upper())
        else:
            out.append(_typed(raw, column, kind))
    return out


def _typed(raw: Any, column: str, kind: pa.DataType) -> Any:
    if pa.types.is_boolean(kind):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise LoadError(f"{column} is true or false, got {raw!r}", name=str(raw))
    if pa.types.is_integer(kind):
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise LoadError(f"{column} is a whole number, got {raw!r}", name=str(raw)) from None
    return str(raw)


def _enum_of(table: str, column: str) -> type[Enum] | None:
    """The Enum a column's values come from (also for a list of enums), or None."""
    spec = TABLES.get(table)
    if spec is None or column not in spec.model.model_fields:
        return None
    annotation = spec.model.model_fields[column].annotation
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, Enum):
            return current
        stack.extend(typing.get_args(current))
    return None


def _enum_value(enum: type[Enum], raw: Any, column: str) -> str:
    if isinstance(raw, enum):
        return raw.value
    # "top secret", "TOP_SECRET" and "topsecret" all mean Classification.TOP_SECRET.
    wanted = _loose(str(raw))
    for member in enum:
        if wanted in (_loose(member.value), _loose(member.name)):
            return member.value
    choices = [m.value for m in enum]
    raise LoadError(
        f"{column} {raw!r} is not one of: {', '.join(choices)}" + _hint(str(raw), choices),
        name=str(raw),
        choices=choices,
    )


def _loose(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


def _list_mask(column: pa.ChunkedArray, values: list[str], match_all: bool) -> np.ndarray:
    """Rows whose list holds any of ``values`` (or, ``match_all``, every one of them)."""
    lists = column.combine_chunks()
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy()

    def holding(wanted: list[str]) -> np.ndarray:
        hit = pc.is_in(flat, value_set=pa.array(wanted, type=pa.string()))
        hit = hit.to_numpy(zero_copy_only=False).astype(bool)
        return np.bincount(parents[hit], minlength=len(lists)) > 0

    if not match_all:
        return holding(values)
    keep = np.ones(len(lists), dtype=bool)
    for value in dict.fromkeys(values):
        keep &= holding([value])
    return keep


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def _period(value: Any, key: str) -> tuple[dt.datetime, dt.datetime]:
    """The half-open UTC interval a date filter value names: '2008' a year, '2008-08' a month,
    '2008-08-29' or a date a day, a datetime (or ISO date-time text) one instant."""
    if isinstance(value, dt.datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        instant = instant.astimezone(dt.timezone.utc)
        return instant, instant + dt.timedelta(microseconds=1)
    if isinstance(value, dt.date):
        start = dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
        return start, start + dt.timedelta(days=1)
    text = str(value).strip()
    match = _PARTIAL_DATE.match(text)
    try:
        if match is None:
            return _period(dt.datetime.fromisoformat(text.replace("Z", "+00:00")), key)
        year, month, day = (int(g) if g else None for g in match.groups())
        if month is None:
            return _utc(year, 1, 1), _utc(year + 1, 1, 1)
        if day is None:
            end = _utc(year + 1, 1, 1) if month == 12 else _utc(year, month + 1, 1)
            return _utc(year, month, 1), end
        return _period(dt.date(year, month, day), key)
    except ValueError:
        raise LoadError(
            f"{key} {value!r} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or an ISO date-time",
            name=str(value),
        ) from None


def _utc(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=dt.timezone.utc)


def _date_bound(column: pa.Field, key: str, value: Any) -> pc.Expression:
    """``date_from``: the column is at or after the period's start; ``date_to``: before its
    end (both inclusive of the period named). Rows without a date never match."""
    start, end = _period(value, key)
    target = pc.field(column.name)
    if pa.types.is_timestamp(column.type):
        if key == "date_from":
            return target >= pa.scalar(start, type=column.type)
        return target < pa.scalar(end, type=column.type)
    # A date column (news: day precision): a bound inside a day includes that day.
    if key == "date_from":
        return target >= pa.scalar(start.date(), type=column.type)
    last = end - dt.timedelta(microseconds=1)
    return target <= pa.scalar(last.date(), type=column.type)


# -- Reading ----------------------------------------------------------------------------------


def _read(source: _Source, query: _Query, columns: Sequence[str] | None) -> pa.Table:
    wanted = None if columns is None else _check_columns(columns, source.schema, source.table)
    if not query.masks:
        return source.dataset().to_table(columns=wanted, filter=query.expression)
    parts = list(_masked_rows(source, query, wanted))
    if not parts:
        table = source.dataset().schema.empty_table()
        return table if wanted is None else table.select(wanted)
    return pa.concat_tables(parts)


def _batches(source: _Source, query: _Query, columns: Sequence[str] | None) -> Iterator[pa.Table]:
    """The filtered rows as tables of at most one row group each (bounded memory)."""
    wanted = None if columns is None else _check_columns(columns, source.schema, source.table)
    if query.masks:
        yield from _masked_rows(source, query, wanted)
        return
    scanner = source.dataset().scanner(columns=wanted, filter=query.expression)
    for batch in scanner.to_batches():
        if batch.num_rows:
            yield pa.Table.from_batches([batch])


# List masks are not expressions, so they cannot skip row groups by statistics. They read in
# two phases instead: phase 1 reads only the columns the masks test (and evaluates the pushed-
# down expression) in the row groups whose statistics the expression leaves; phase 2 reads the
# wanted columns only of the row groups with a hit and keeps the hit rows. A cable's raw text,
# body and paragraphs are ~95% of its bytes, so a rare tag costs the row groups it is in.

_KEEP = "__caucasus_cables_keep__"
"""Phase 1's name for the pushed-down expression evaluated as a column."""


def _masked_rows(source: _Source, query: _Query, wanted: list[str] | None) -> Iterator[pa.Table]:
    """The rows that pass ``query`` (expression and masks), in file and row order, a table
    per scan batch (at most one row group): the rows a full scan and then the masks give."""
    dataset = source.dataset()
    for fragment in dataset.get_fragments():
        hits = _hits(fragment, query, dataset.schema)
        if not hits:
            continue
        # Positions of the hit rows in the hit row groups read one after the other.
        positions, offset = [], 0
        for _, size, rows in hits:
            positions.append(rows + offset)
            offset += size
        wanted_rows = np.concatenate(positions)
        start = 0
        for batch in _read_groups(fragment, [g for g, _, _ in hits], wanted, dataset.schema):
            end = start + batch.num_rows
            low, high = np.searchsorted(wanted_rows, [start, end])
            if high > low:
                yield pa.Table.from_batches([batch.take(pa.array(wanted_rows[low:high] - start))])
            start = end


def _hits(
    fragment: ds.ParquetFileFragment, query: _Query, schema: pa.Schema
) -> list[tuple[int, int, np.ndarray]]:
    """Phase 1: (row group id, its rows, positions of its rows that pass) for each row group
    of the file with at least one passing row. One scan of the masks' columns over the row
    groups whose statistics do not rule the expression out."""
    groups = _candidate_groups(fragment, query.expression, schema)
    if not groups:
        return []
    projection = {column: pc.field(column) for column, _ in query.masks}
    if query.expression is not None:
        projection[_KEEP] = query.expression
    subset = fragment.subset(row_group_ids=[group for group, _ in groups])
    tested = subset.to_table(schema=schema, columns=projection)
    keep = np.ones(tested.num_rows, dtype=bool)
    if query.expression is not None:
        # A null (unknown) result drops the row, as a scan filter does.
        keep &= tested[_KEEP].fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    for _, mask in query.masks:
        keep &= mask(tested)
    hits = []
    start = 0
    for group, size in groups:
        rows = np.flatnonzero(keep[start : start + size])
        if rows.size:
            hits.append((group, size, rows))
        start += size
    return hits


def _candidate_groups(
    fragment: ds.ParquetFileFragment, expression: pc.Expression | None, schema: pa.Schema
) -> list[tuple[int, int]]:
    """(row group id, rows) of the row groups of the file whose statistics do not rule
    ``expression`` out, in order."""
    pieces = fragment.split_by_row_group(expression, schema=schema)
    return [(piece.row_groups[0].id, piece.row_groups[0].num_rows) for piece in pieces]


def _read_groups(
    fragment: ds.ParquetFileFragment,
    groups: list[int],
    columns: list[str] | None,
    schema: pa.Schema,
) -> Iterator[pa.RecordBatch]:
    """Phase 2: the ``columns`` (all when None) of the row groups ``groups`` of one file, in
    order, streamed."""
    return fragment.subset(row_group_ids=groups).to_batches(schema=schema, columns=columns)


def load(
    name: str = "cables",
    *,
    version: str | None = None,
    output: str = "pandas",
    columns: Sequence[str] | None = None,
    where: Any = None,
    **filters: Any,
) -> Any:
    """One table of a shipped release, filtered, in the form asked for.

    ``name`` is one of ``list_datasets()``; ``version`` defaults to the newest shipped (see
    ``versions()``); ``output`` is one of ``OUTPUTS``; ``columns`` selects columns (all when
    None; not with ``records``). Filters, as keywords or in ``where={...}``, all must hold:

    - a column name (string, integer or boolean column): equals the value or one of a list;
      ``None`` matches missing values. Enum columns (``classification``, ``precedence``,
      ``genre``...) take their values in any case; ``station`` takes any spelling
      (``"USUN NEW YORK"``); ``origin`` is the FM line (``"AMEMBASSY MOSCOW"``);
    - a list-of-strings column (``tags``, ``caveats``, ``authors``...): holds any of the
      values; ``<column>_all`` (``tags_all``): holds all of them;
    - ``date_from`` / ``date_to``: the record's date (cables ``created``, news ``published``)
      is within the period, inclusive: ``"2008"``, ``"2008-08"``, ``"2008-08-29"``, a date or
      a datetime; records without a date are left out;
    - ``contains``: the text columns (cables: subject, body; news: title, lead, body) contain
      the text, ignoring case (a list: every text).

    On ``cable_paragraphs``, ``cable_recipients`` and ``cable_references`` a filter that is not
    one of their columns selects the cables (``load("cable_paragraphs", tags="GG")``).
    ``where`` may also be a pyarrow expression (``pyarrow.compute.field("sections") > 1``); a
    column named like an argument of ``load`` goes in ``where`` (``where={"name": ...}``).

    >>> load("cables", tags="GG", date_from="2008", columns=["id", "subject"]).to_dict("records")
    [{'id': '08MOSCOW2629', 'subject': 'RUSSIA CAMPAIGNS FOR INTERNATIONAL SUPPORT ON GEORGIA'}]

    Raises LoadError for an unknown dataset, version, column, filter or filter value (naming
    the valid ones), IntegrityError when a file differs from the manifest (naming the file; no
    data is returned then).
    """
    if output not in OUTPUTS:
        raise _unknown("output", output, OUTPUTS)
    if output == "records":
        if columns is not None:
            raise LoadError("output='records' gives whole records; leave columns out")
        return list(iter_records(name, version=version, where=where, **filters))
    source = _source(name, version)
    query = _query(source, where, filters)
    if output == "hf":
        return _load_hf(source, query, columns)
    table = _read(source, query, columns)
    if output == "arrow":
        return table
    if output == "polars":
        import polars

        return polars.from_arrow(table)
    return table.to_pandas()


def _load_hf(source: _Source, query: _Query, columns: Sequence[str] | None) -> Any:
    """``datasets.load_dataset`` on the release folder, the filter pushed down to its scan."""
    import datasets

    if columns is not None:
        columns = _check_columns(columns, source.schema, source.table)
    expression = query.expression
    if query.masks:
        # List masks are not expressions: turn the matching rows into an id filter.
        ids = _read(source, query, ["id"]).column("id").combine_chunks()
        expression = pc.field("id").isin(ids)
    options: dict[str, Any] = {}
    if expression is not None:
        options["filters"] = expression
        # The card records the unfiltered split size; a filtered load cannot match it.
        options["verification_mode"] = "no_checks"
    if columns is not None:
        options["columns"] = list(columns)
    loaded = datasets.load_dataset(str(source.release), source.table, split="train", **options)
    return loaded if columns is None else loaded.select_columns(list(columns))


def iter_records(
    name: str = "cables", *, version: str | None = None, where: Any = None, **filters: Any
) -> Iterator[Record]:
    """Stream the records of ``cables`` or ``news_articles`` (or the ``Entity``, ``Mention``
    and ``Link`` rows of ``entities``, ``mentions``, ``links``), re-validated by pydantic, one
    row group in memory at a time. Filters as in ``load()``.

    Checks (dataset, version, checksums, filters) run when called, before the first record.

    >>> next(iter_records("news_articles", genre="interview")).outlet
    'EADaily'

    Raises LoadError for a child table (its rows are parts of a Cable: read
    ``Cable.paragraphs``...), and what ``load()`` raises.
    """
    source = _source(name, version)
    if name not in PARENT_TABLES and name not in DERIVED_TABLES:
        raise LoadError(
            f"{name} rows are parts of a record, not records: load it as a table "
            f"(output='pandas', 'arrow', 'polars' or 'hf'), or load the records of "
            f"{', '.join(PARENT_TABLES)}",
            name=name,
            choices=list(PARENT_TABLES),
        )
    query = _query(source, where, filters)
    return _stream_records(source, query)


def _stream_records(source: _Source, query: _Query) -> Iterator[Record]:
    for batch in _batches(source, query, None):
        yield from table_records(source.table, batch)


def get_cable(id: str, *, version: str | None = None) -> Cable:
    """The cable with reference id ``id`` (case and surrounding spaces ignored).

    >>> get_cable("07moscow4307").subject
    'RUSSIA/GEORGIA: BAKRADZE VISIT FAILS TO EASE TENSIONS'

    Raises LoadError when the release has no such cable, suggesting close ids.
    """
    return typing.cast(Cable, _get(id, ["cables"], version))


def find_record(id: str, *, version: str | None = None) -> Record:
    """The cable or news article with this id (a cable id in any case).

    >>> find_record("2024-09-10-eadaily-kulakhmetov-interview").genre.value
    'interview'

    Raises LoadError when neither table has it, suggesting close ids.
    """
    return _get(id, ["cables", "news_articles"], version)


def _get(asked: str, tables: list[str], version: str | None) -> Record:
    candidates: list[str] = []
    for table in tables:
        # Cable ids are upper-case; news ids are lower-case slugs.
        wanted = asked.strip().upper() if table == "cables" else asked.strip()
        for record in iter_records(table, version=version, id=wanted):
            return record
        source = _source(table, version)
        ids = _read(source, _Query(), ["id"]).column("id").to_pylist()
        # Close ids share their first characters (a cable's year, a news article's date).
        candidates += [i for i in ids if i[:2].upper() == wanted[:2].upper()]
    what = " or ".join(t.removesuffix("s").replace("_", " ") for t in tables)
    by_case = {c.casefold(): c for c in candidates}
    close = difflib.get_close_matches(asked.strip().casefold(), list(by_case), n=1)
    hint = f"; did you mean {by_case[close[0]]!r}?" if close else ""
    raise LoadError(f"no {what} {asked!r} in version {source.version}{hint}", name=asked)


# -- Info -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    """One file of a release as its manifest lists it."""

    path: str
    sha256: str
    bytes: int
    rows: int | None = None


@dataclass(frozen=True)
class TableInfo:
    """One table (Hugging Face config) of a release."""

    name: str
    rows: int
    description: str
    columns: tuple[str, ...]
    files: tuple[FileInfo, ...]


@dataclass(frozen=True)
class DatasetInfo:
    """What a release says about itself: versions, counts, checksums, licence, citation.

    ``tables`` holds every table, or only the one ``info(name)`` asked for (``description``
    is then that table's). ``path`` is the release folder on this machine.
    """

    name: str
    version: str
    schema_version: str
    package_version: str
    content_sha256: str
    description: str
    license: str
    citation: str
    inputs: int
    records: int
    quarantined: int
    tables: dict[str, TableInfo]
    path: Path

    @property
    def rows(self) -> dict[str, int]:
        """Table name -> rows."""
        return {name: table.rows for name, table in self.tables.items()}

    def summary(self) -> str:
        """A readable summary: versions, content hash, tables with rows (and, for one table,
        its files with their sha256), licence and citation."""
        lines = [
            f"{self.name} {self.version} (schema {self.schema_version}, built by "
            f"caucasus-cables {self.package_version})",
            f"content sha256 {self.content_sha256}",
            f"records {self.records} from {self.inputs} inputs ({self.quarantined} quarantined)",
            "",
            self.description,
            "",
        ]
        width = max(len(name) for name in self.tables)
        for table in self.tables.values():
            lines.append(f"  {table.name:<{width}}  {table.rows:>9,} rows")
        if len(self.tables) == 1:
            (table,) = self.tables.values()
            lines.append(f"  columns: {', '.join(table.columns)}")
            for entry in table.files:
                lines.append(f"  {entry.path}  {entry.bytes:,} bytes  sha256 {entry.sha256}")
        lines += ["", f"License: {self.license}", "", "Citation:", self.citation]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def info(name: str | None = None, version: str | None = None) -> DatasetInfo:
    """What a release holds, from its manifest, card and Croissant file (all verified).

    >>> info().rows["cables"] >= 1, info("cables").description.startswith("Diplomatic cables")
    (True, True)

    Raises LoadError for an unknown dataset or version, IntegrityError for a changed file.
    """
    release, manifest = _release(version)
    if name is not None:
        _check_table(name, manifest)
    names = [name] if name is not None else _ordered_tables(manifest)
    croissant = json.loads(_verified_text(release, manifest, "croissant.json") or "{}")
    card = _verified_text(release, manifest, "README.md") or ""
    tables = {}
    for table in names:
        entry = manifest.tables[table]
        shards = [manifest.file(path) for path in entry.files]
        paths = _verify(release, manifest, entry.files)
        tables[table] = TableInfo(
            name=table,
            rows=entry.rows,
            description=TABLES[table].description if table in TABLES else "",
            columns=tuple(pq.read_schema(paths[0]).names),
            files=tuple(
                FileInfo(s.path, s.sha256, s.bytes, s.rows) for s in shards if s is not None
            ),
        )
    description = tables[name].description if name is not None else croissant.get("description", "")
    return DatasetInfo(
        name=manifest.name,
        version=manifest.dataset_version,
        schema_version=manifest.schema_version,
        package_version=manifest.package_version,
        content_sha256=manifest.content_sha256,
        description=description,
        license=croissant.get("license", "see README.md"),
        citation=_citation(card) or croissant.get("citeAs", ""),
        inputs=manifest.inputs.inputs,
        records=manifest.inputs.records,
        quarantined=manifest.inputs.quarantined,
        tables=tables,
        path=release,
    )


def verified_release(version: str | None = None) -> tuple[Path, list[FileInfo]]:
    """The folder of a release and every file of it, each checked against the manifest's
    sha256 (``manifest.json`` itself last), for tools that ship the release as it is.

    Raises LoadError for an unknown version, IntegrityError naming the first file that differs.
    """
    release, manifest = _release(version)
    listed = [entry.path for entry in manifest.files]
    _verify(release, manifest, listed)
    own = release / MANIFEST_NAME
    entries = [FileInfo(e.path, e.sha256, e.bytes, e.rows) for e in manifest.files]
    entries.append(FileInfo(MANIFEST_NAME, _sha256_file(own), own.stat().st_size))
    return release, entries


def _verified_text(release: Path, manifest: Manifest, relative: str) -> str | None:
    if manifest.file(relative) is None:
        return None
    (path,) = _verify(release, manifest, [relative])
    return path.read_text(encoding="utf-8")


_BIBTEX = re.compile(r"^## Citation\s*\n+```bibtex\n(?P<entry>.*?)\n```", re.MULTILINE | re.DOTALL)


def _citation(card: str) -> str | None:
    match = _BIBTEX.search(card)
    return match.group("entry") if match else None


# -- Entities ---------------------------------------------------------------------------------

_DOCUMENT_TABLES = {"cable": "cables", "news_article": "news_articles"}
_TITLE_COLUMNS = {"cables": "subject", "news_articles": "title"}

TIMELINE_COLUMNS = ("date", "document_id", "document_kind", "title", "mentions")
MENTIONS_OF_COLUMNS = (
    "date", "document_id", "document_kind", "title", "entity_id", "text", "start", "end",
    "paragraph", "resolution", "passage",
)  # fmt: skip


def _entity_release(version: str | None, entity: str | None) -> tuple[Manifest, Any]:
    _, manifest = _release(version)
    if "mentions" not in manifest.tables:
        raise LoadError(
            f"version {manifest.dataset_version} has no entity mentions (added in dataset "
            "1.1.0); load a newer version",
            name=manifest.dataset_version,
        )
    # Raises EntityLookupError (unknown: close matches listed; ambiguous: the ids listed).
    found = resolve_entity(entity) if entity is not None else None
    return manifest, found


def _documents(version: str, ids: set[str] | None, start: Any, end: Any) -> pa.Table:
    """(date, document_id, document_kind, title, body) of both kinds, optionally only ``ids``
    and within [start, end] (documents without a date left out when a bound is given)."""
    parts = []
    for kind, table in _DOCUMENT_TABLES.items():
        filters: dict[str, Any] = {}
        if start is not None:
            filters["date_from"] = start
        if end is not None:
            filters["date_to"] = end
        if ids is not None:
            filters["id"] = sorted(ids) or [""]
        date_column, title = _DATE_COLUMNS[table], _TITLE_COLUMNS[table]
        rows = load(
            table,
            version=version,
            output="arrow",
            columns=["id", date_column, title, "body"],
            **filters,
        )
        dates = rows.column(date_column)
        if pa.types.is_timestamp(dates.type):
            dates = pc.cast(dates, pa.date32())
        parts.append(
            pa.table(
                {
                    "date": dates,
                    "document_id": rows.column("id"),
                    "document_kind": pa.array([kind] * rows.num_rows, pa.string()),
                    "title": rows.column(title),
                    "body": rows.column("body"),
                }
            )
        )
    return pa.concat_tables(parts)


def _date_order(table: pa.Table) -> Any:
    """As a pandas DataFrame in date order, undated documents last, then by id."""
    frame = table.to_pandas().sort_values("document_id")
    return frame.sort_values("date", kind="stable", na_position="last").reset_index(drop=True)


def timeline(
    entity: str | None = None,
    start: Any = None,
    end: Any = None,
    *,
    version: str | None = None,
) -> Any:
    """Documents of both kinds (cables and news articles) in date order, as a pandas DataFrame
    with columns ``date``, ``document_id``, ``document_kind``, ``title`` and ``mentions``.

    ``entity`` (a name, variant, entity id or Wikidata QID, as ``resolve_entity`` takes)
    keeps the documents that mention it, ``mentions`` then counting its mentions in each;
    ``start`` / ``end`` bound the date inclusively (``"2008"``, ``"2008-08"``,
    ``"2008-08-29"``, a date), leaving out undated documents. A cable's date is the day of its
    date-time group (UTC), an article's its publication day; undated documents come last.

    >>> timeline("SCO")[["date", "document_id"]].astype(str).values.tolist()
    [['2008-08-29', '2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe'], \
['2008-09-03', '08MOSCOW2629']]

    Raises EntityLookupError for a name that is not one entity (the message lists close
    matches), LoadError for a release without mentions (before 1.1.0) or a bad date.
    """
    manifest, found = _entity_release(version, entity)
    counts: Counter[str] | None = None
    if found is not None:
        mentions = load(
            "mentions",
            version=manifest.dataset_version,
            output="arrow",
            columns=["document_id"],
            entity_id=found.id,
        )
        counts = Counter(mentions.column("document_id").to_pylist())
    ids = None if counts is None else set(counts)
    documents = _documents(manifest.dataset_version, ids, start, end).drop_columns(["body"])
    per_document = [(counts or {}).get(i, 0) for i in documents.column("document_id").to_pylist()]
    if counts is None:
        per_document = [None] * documents.num_rows
    documents = documents.append_column("mentions", pa.array(per_document, pa.int64()))
    return _date_order(documents)


def mentions_of(name: str, *, version: str | None = None) -> Any:
    """Every passage that mentions the entity ``name`` (a name, variant, entity id or Wikidata
    QID, case-insensitive), as a pandas DataFrame in date order, one row per mention: the
    document (``date``, ``document_id``, ``document_kind``, ``title``), the mention (``text``
    as written, ``start``/``end`` offsets into the body, ``paragraph``, ``resolution``) and
    ``passage``, the sentence around it.

    >>> rows = mentions_of("Kokoyty")
    >>> sorted(set(rows["text"])), rows["document_id"].iloc[0]
    (['Kokoity'], '07MOSCOW4307')

    Raises EntityLookupError when ``name`` is not one entity (unknown: close matches listed;
    shared by several: their ids listed), LoadError for a release without mentions.
    """
    manifest, found = _entity_release(version, name)
    mentions = load(
        "mentions",
        version=manifest.dataset_version,
        output="arrow",
        columns=["document_id", "entity_id", "text", "start", "end", "paragraph", "resolution"],
        entity_id=found.id,
    )
    ids = set(mentions.column("document_id").to_pylist())
    documents = {
        row["document_id"]: row
        for row in _documents(manifest.dataset_version, ids, None, None).to_pylist()
    }
    rows = []
    for mention in mentions.to_pylist():
        document = documents[mention["document_id"]]
        rows.append(
            {
                "date": document["date"],
                "document_id": mention["document_id"],
                "document_kind": document["document_kind"],
                "title": document["title"],
                **{k: v for k, v in mention.items() if k != "document_id"},
                "passage": _passage(document["body"], mention["start"], mention["end"]),
            }
        )
    import pandas

    frame = pandas.DataFrame(rows, columns=list(MENTIONS_OF_COLUMNS))
    order = frame.sort_values(["document_id", "start"]).sort_values(
        "date", kind="stable", na_position="last"
    )
    return order.reset_index(drop=True)


def _passage(body: str, start: int, end: int) -> str:
    """The sentence(s) of ``body`` holding [start, end), whitespace collapsed."""
    first, last = start, end
    for sentence_start, sentence_end in sentence_spans(body):
        if sentence_start <= start < sentence_end:
            first = sentence_start
        if sentence_start < end <= sentence_end:
            last = sentence_end
            break
    return " ".join(body[first:last].split())


# -- Export -----------------------------------------------------------------------------------


def export(
    name: str,
    out: Path | str,
    *,
    format: str = "parquet",
    version: str | None = None,
    columns: Sequence[str] | None = None,
    where: Any = None,
    **filters: Any,
) -> int:
    """Write one table, filtered as in ``load()``, to ``out``; return the number of rows.

    ``format``: ``parquet`` (types kept), ``jsonl`` (one JSON object per row, dates in ISO
    8601) or ``csv`` (nested columns as JSON text). Rows stream one row group at a time, into
    a temporary file beside ``out`` that is renamed into place when complete.

    Raises LoadError for an unknown format, and what ``load()`` raises.
    """
    if format not in EXPORT_FORMATS:
        raise _unknown("format", format, EXPORT_FORMATS)
    source = _source(name, version)
    query = _query(source, where, filters)
    out = Path(out)
    if columns is not None:
        columns = _check_columns(columns, source.schema, source.table)
    schema = source.schema
    if columns is not None:
        schema = pa.schema([schema.field(c) for c in columns])
    tmp = out.with_name(f".{out.name}.partial")
    try:
        rows = _WRITERS[format](tmp, schema, _batches(source, query, columns))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return rows


def _write_parquet(path: Path, schema: pa.Schema, batches: Iterator[pa.Table]) -> int:
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_table(batch)
            rows += batch.num_rows
    return rows


def _write_jsonl(path: Path, schema: pa.Schema, batches: Iterator[pa.Table]) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for batch in batches:
            for row in batch.to_pylist():
                handle.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")
                rows += 1
    return rows


def _write_csv(path: Path, schema: pa.Schema, batches: Iterator[pa.Table]) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(schema.names)
        for batch in batches:
            for row in batch.to_pylist():
                writer.writerow(_csv_cell(row[name]) for name in schema.names)
                rows += 1
    return rows


_WRITERS = {"parquet": _write_parquet, "jsonl": _write_jsonl, "csv": _write_csv}


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, (dt.date, dt.datetime)):
        return _json_default(value)
    return value
