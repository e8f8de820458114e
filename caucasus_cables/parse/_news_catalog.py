"""Catalog facts for a news article: read a catalog entry's ``metadata`` into typed values, each
with the provenance the record lists, and derive a stable id when none is given.

The catalog holds what the text does not say (outlet, URL, date, language); each value is
``curated`` (checked against ``source_url``) or ``inferred`` (reasoned, with a ``note``). A
catalog value that is null means "a person looked and it is unknown"; the text may still fill it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from caucasus_cables.errors import ParseError
from caucasus_cables.records.common import ProvenanceKind
from caucasus_cables.records.news import DatePrecision, FieldProvenance

# Catalog key -> record field it fills (the provenance entry's ``field``).
CATALOG_FIELDS = {
    "authors": "authors",
    "interview.interviewer": "interview.interviewer",
    "interviewer": "interview.interviewer",
    "language": "language",
    "outlet": "outlet",
    "published": "published",
    "title": "title",
    "translated_from": "translated_from",
    "url": "url",
}


@dataclass(frozen=True)
class Fact:
    """One catalog value, typed for its record field, and where it comes from."""

    value: Any
    provenance: FieldProvenance
    precision: DatePrecision | None = None


def catalog_facts(metadata: Mapping[str, Any] | None) -> dict[str, Fact]:
    """Record field -> Fact for every key of ``metadata``.

    ``metadata`` maps a field name to a ``CatalogValue`` or a plain mapping with the same keys
    (value, kind, source_url, note, precision). Raises ParseError (field ``metadata``) for an
    unknown key, a ``parsed`` or unknown kind, or a value of the wrong type.
    """
    facts: dict[str, Fact] = {}
    for key in sorted(metadata or {}):
        target = CATALOG_FIELDS.get(key)
        if target is None:
            raise ParseError(
                f"unknown catalog field {key!r}; expected one of {', '.join(CATALOG_FIELDS)}",
                field="metadata",
            )
        facts[target] = _fact(target, _as_dict(metadata[key]))
    return facts


def _as_dict(entry: Any) -> dict[str, Any]:
    if isinstance(entry, Mapping):
        return dict(entry)
    names = ("value", "kind", "source_url", "note", "precision")
    return {name: getattr(entry, name, None) for name in names}


def _fact(target: str, entry: dict[str, Any]) -> Fact:
    kind = _kind(target, entry.get("kind"))
    provenance = FieldProvenance(
        field=target, kind=kind, source_url=entry.get("source_url"), note=entry.get("note")
    )
    value = entry.get("value")
    if target == "published":
        date, precision = _published(value, entry.get("precision"))
        return Fact(date, provenance, precision)
    if target == "authors":
        return Fact(_authors(value), provenance)
    if value is not None and not isinstance(value, str):
        raise ParseError(f"catalog {target} must be text or null, got {value!r}", field="metadata")
    return Fact(value, provenance)


def _kind(target: str, kind: Any) -> ProvenanceKind:
    try:
        parsed = ProvenanceKind(getattr(kind, "value", kind))
    except ValueError:
        parsed = None
    if parsed is None or parsed is ProvenanceKind.PARSED:
        raise ParseError(
            f"catalog {target} has kind {kind!r}; expected 'curated' or 'inferred'",
            field="metadata",
        )
    return parsed


def _authors(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ParseError(
        f"catalog authors must be a name or a list of names, got {value!r}", field="metadata"
    )


# "2008-08-29", "2008-08", "2008": a date to the day, month or year.
_PARTIAL_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


def _published(value: Any, precision: Any) -> tuple[dt.date | None, DatePrecision | None]:
    """The publication date and its precision; the precision defaults to what the value shows."""
    if value is None:
        return None, None
    stated = DatePrecision(getattr(precision, "value", precision)) if precision else None
    if isinstance(value, dt.datetime):
        return value.date(), stated or DatePrecision.DAY
    if isinstance(value, dt.date):
        return value, stated or DatePrecision.DAY
    match = _PARTIAL_DATE.match(str(value))
    if match is None:
        raise ParseError(
            f"catalog published must be a date (YYYY-MM-DD, YYYY-MM or YYYY), got {value!r}",
            field="metadata",
        )
    shown = (
        DatePrecision.DAY
        if match["day"]
        else (DatePrecision.MONTH if match["month"] else DatePrecision.YEAR)
    )
    try:
        date = dt.date(int(match["year"]), int(match["month"] or 1), int(match["day"] or 1))
    except ValueError as exc:
        raise ParseError(f"catalog published is not a date: {value!r}", field="metadata") from exc
    return date, stated or shown


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# Keep derived ids readable: the title part is cut at a word boundary.
_TITLE_SLUG_MAX = 60


def derive_id(published: dt.date | None, outlet: str | None, title: str, raw: str) -> str:
    """A stable id from date, outlet and title: "2008-08-29-moscow-times-medvedev-...".

    A leading "The" of the outlet is dropped. When neither outlet nor title leaves any ASCII
    letters, the id falls back to "news-" and the first 12 hex digits of the text's SHA-256.
    """
    outlet_slug = _slug(re.sub(r"^the\s+", "", outlet or "", flags=re.IGNORECASE))
    title_slug = _slug(title)
    if len(title_slug) > _TITLE_SLUG_MAX:
        title_slug = title_slug[: _TITLE_SLUG_MAX + 1].rsplit("-", 1)[0]
    named = [part for part in (outlet_slug, title_slug) if part]
    if not named:
        return "news-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]
    date = [published.isoformat()] if published is not None else []
    return "-".join(date + named)
