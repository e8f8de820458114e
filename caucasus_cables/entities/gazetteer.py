"""The packaged gazetteer: places, people and organizations with stable ids, and name lookup.

The data are CSV files shipped in this package (``places.csv``, ``people.csv``,
``organizations.csv``), derived from the compiled reference files of the project
(``../shared/reference/``: gazetteer.csv, people.csv, organizations.csv) with every row's sources
kept, plus rows and variants added for forms the seed documents use (``row_origin`` says which;
``SOURCES.md`` has the details and licence notes). ``senses.csv`` lists the forms that must not be
resolved on sight (a common surname, 'Georgia', 'Java', 'RSO') with the context that supports
each sense; the mention finder reads it.

Country codes in the reference's variant lists ('GG (State Dept TAGS / FIPS 10-4)') are moved to
``codes`` so that two-letter codes are never matched in running text.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from pydantic import ValidationError

from caucasus_cables.errors import EntityLookupError, IntegrityError
from caucasus_cables.records.entities import (
    ENTITY_ID_PATTERN,
    WIKIDATA_QID_PATTERN,
    Entity,
    EntityKind,
)

ENTITY_FILES: dict[str, EntityKind] = {
    "places.csv": EntityKind.PLACE,
    "people.csv": EntityKind.PERSON,
    "organizations.csv": EntityKind.ORGANIZATION,
}
"""Packaged entity tables and the kind of entity each holds."""

SENSES_FILE = "senses.csv"

ENTITY_COLUMNS = [
    "id", "canonical", "type", "wikidata_qid", "variants", "codes", "role_at_time", "source",
    "notes", "row_origin",
]  # fmt: skip
SENSE_COLUMNS = [
    "form", "entity_id", "scope", "cues", "counter_cues", "unresolved", "source", "note",
]  # fmt: skip

# Upper-case copies of names let ALL-CAPS text (cable subjects, signatures) match; short forms
# are left out because 'GAL' or 'AQU' in capitals is more often something else.
_MIN_LETTERS_FOR_UPPER = 4

Scope = Literal["paragraph", "document"]


@dataclass(frozen=True)
class Sense:
    """One entity an ambiguous form may name, and the context that decides it.

    ``entity_cues`` are entity ids: satisfied when the entity is named (resolved) within the
    scope. ``cues`` and ``counter_cues`` are phrases looked up as whole words, case-sensitive.
    ``keep_unresolved`` False means an undecided match is not reported: bare 'MFA' or 'RSO' is
    usually some other ministry or the embassy's Regional Security Officer, not a candidate.
    """

    form: str
    entity_id: str
    scope: Scope
    cues: tuple[str, ...] = ()
    entity_cues: tuple[str, ...] = ()
    counter_cues: tuple[str, ...] = ()
    keep_unresolved: bool = True


@dataclass(frozen=True)
class Gazetteer:
    """Entities with lookup tables for the mention finder and ``resolve_entity``."""

    entities: tuple[Entity, ...]
    by_id: Mapping[str, Entity]
    forms: Mapping[str, tuple[str, ...]]
    """Form as it may be written (whitespace single spaces) -> ids of the entities it names."""
    senses: Mapping[str, tuple[Sense, ...]]
    """Case-folded form -> the senses of a form that needs context (from ``senses.csv``)."""
    names: Mapping[str, tuple[str, ...]]
    """Case-folded name (canonical or variant) -> entity ids, for ``resolve_entity``."""


def _read_csv(name: str, columns: list[str]) -> list[dict[str, str]]:
    text = resources.files("caucasus_cables.entities").joinpath(name).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != columns:
        raise IntegrityError(f"columns {reader.fieldnames} differ from {columns}", path=name)
    rows = list(reader)
    for number, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            raise IntegrityError(f"line {number}: wrong number of cells", path=name)
    return rows


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _entity(row: dict[str, str], kind: EntityKind, path: str) -> Entity:
    try:
        return Entity(
            id=row["id"],
            kind=kind,
            type=row["type"],
            canonical=row["canonical"],
            variants=_split(row["variants"]),
            codes=_split(row["codes"]),
            wikidata_qid=row["wikidata_qid"] or None,
            role=row["role_at_time"] or None,
            source=row["source"],
            notes=row["notes"] or None,
        )
    except ValidationError as exc:
        raise IntegrityError(
            f"row {row.get('id')!r} is not a valid entity: {exc}", path=path
        ) from exc


def normalise_form(text: str) -> str:
    """Collapse whitespace runs to one space, so a name broken across lines finds its form."""
    return " ".join(text.split())


def _upper_copy(form: str) -> str | None:
    letters = sum(ch.isalpha() for ch in form)
    if letters < _MIN_LETTERS_FOR_UPPER or not any(ch.islower() for ch in form):
        return None
    return form.upper()


def _sense(row: dict[str, str], by_id: Mapping[str, Entity]) -> Sense:
    cues = _split(row["cues"])
    entity_cues = tuple(cue for cue in cues if re.match(ENTITY_ID_PATTERN, cue))
    for entity_id in (row["entity_id"], *entity_cues):
        if entity_id not in by_id:
            raise IntegrityError(
                f"form {row['form']!r}: unknown entity id {entity_id!r}", path=SENSES_FILE
            )
    if row["scope"] not in ("paragraph", "document") or row["unresolved"] not in ("keep", "drop"):
        raise IntegrityError(
            f"form {row['form']!r}: scope must be paragraph or document, unresolved keep or drop",
            path=SENSES_FILE,
        )
    return Sense(
        form=row["form"],
        entity_id=row["entity_id"],
        scope=row["scope"],  # type: ignore[arg-type]
        cues=tuple(cue for cue in cues if cue not in entity_cues),
        entity_cues=entity_cues,
        counter_cues=tuple(_split(row["counter_cues"])),
        keep_unresolved=row["unresolved"] == "keep",
    )


def build_gazetteer() -> Gazetteer:
    """Read the packaged CSV files into a :class:`Gazetteer`; checks ids and cross-references.

    Raises IntegrityError when a row is malformed, an id repeats, or ``senses.csv`` names an
    entity that does not exist.
    """
    entities: list[Entity] = []
    for name, kind in ENTITY_FILES.items():
        entities.extend(_entity(row, kind, name) for row in _read_csv(name, ENTITY_COLUMNS))
    entities.sort(key=lambda entity: entity.id)
    by_id: dict[str, Entity] = {}
    for entity in entities:
        if entity.id in by_id:
            raise IntegrityError(f"entity id {entity.id!r} appears twice")
        by_id[entity.id] = entity

    forms: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    for entity in entities:
        for name in (entity.canonical, *entity.variants):
            form = normalise_form(name)
            forms.setdefault(form, set()).add(entity.id)
            names.setdefault(form.casefold(), set()).add(entity.id)
    for form, ids in list(forms.items()):
        upper = _upper_copy(form)
        if upper is not None:
            forms.setdefault(upper, set()).update(ids)

    senses: dict[str, list[Sense]] = {}
    for row in _read_csv(SENSES_FILE, SENSE_COLUMNS):
        sense = _sense(row, by_id)
        senses.setdefault(normalise_form(sense.form).casefold(), []).append(sense)
    return Gazetteer(
        entities=tuple(entities),
        by_id=by_id,
        forms={form: tuple(sorted(ids)) for form, ids in sorted(forms.items())},
        senses={form: tuple(rows) for form, rows in sorted(senses.items())},
        names={name: tuple(sorted(ids)) for name, ids in sorted(names.items())},
    )


@functools.cache
def gazetteer() -> Gazetteer:
    """The packaged gazetteer, read once per process."""
    return build_gazetteer()


def entities() -> list[Entity]:
    """Every entity of the packaged gazetteer, sorted by id.

    >>> [e.id for e in entities() if e.canonical == "Tskhinvali"]
    ['place:tskhinvali']
    """
    return list(gazetteer().entities)


def resolve_entity(name: str) -> Entity:
    """The entity a name, variant, entity id or Wikidata QID stands for (case-insensitive).

    Raises EntityLookupError for an unknown name (the message lists close matches) and for a
    name several entities share (the message lists them; pass an entity id instead).

    >>> resolve_entity("Tskhinval").id
    'place:tskhinvali'
    >>> resolve_entity("kokoyty").canonical
    'Eduard Kokoity'
    >>> try:
    ...     resolve_entity("Kokoyti")
    ... except EntityLookupError as exc:
    ...     print(exc.candidates)
    ['person:eduard-kokoity']
    """
    gaz = gazetteer()
    wanted = normalise_form(name)
    if wanted in gaz.by_id:
        return gaz.by_id[wanted]
    if re.match(WIKIDATA_QID_PATTERN, wanted):
        matches = [e.id for e in gaz.entities if e.wikidata_qid == wanted]
    else:
        matches = list(gaz.names.get(wanted.casefold(), ()))
    if len(matches) == 1:
        return gaz.by_id[matches[0]]
    if matches:
        raise EntityLookupError(
            f"ambiguous entity name {name!r}: it names {', '.join(matches)}; pass one of these ids",
            name=name,
            candidates=matches,
        )
    close = _close_matches(wanted, gaz)
    hint = (
        "close matches: " + ", ".join(f"{shown!r} ({entity_id})" for shown, entity_id in close)
        if close
        else "no close matches; see caucasus_cables.entities.entities() for the names known"
    )
    raise EntityLookupError(
        f"unknown entity {name!r}; {hint}",
        name=name,
        candidates=sorted({entity_id for _, entity_id in close}),
    )


def _close_matches(wanted: str, gaz: Gazetteer, limit: int = 5) -> list[tuple[str, str]]:
    """(name as written, entity id) for the names closest to ``wanted``, best first."""
    written: dict[str, tuple[str, str]] = {}
    for entity in gaz.entities:
        for shown in (entity.canonical, *entity.variants):
            written.setdefault(shown.casefold(), (shown, entity.id))
    folded = difflib.get_close_matches(wanted.casefold(), sorted(written), n=limit, cutoff=0.7)
    return [written[key] for key in folded]
