"""``parse_cable``: a cable's text in, a validated ``Cable`` record out.

Every field extractor of ``caucasus_cables.extract`` is called once, on the same string, so
the header/body split they share is computed once. Sub-records (routing, addressees, E.O.
line, Classified By, references, paragraphs) come as keyword dicts from the extractors'
private forms and are validated once, inside the ``Cable`` (one pydantic call instead of one
per sub-record). The reference id is then derived:

1. station and serial from the classification line (or a section-continuation line),
   cross-checked with the DE line of the routing header, which wins when they disagree (it
   carries the DTG, hence the year); without a classification line the DE line names them;
2. the year from the DTG, else a date line ('Tuesday, 03 July 2001, 12:03'), else the
   WikiLeaks export row naming this very station and serial;
3. when the text carries no year at all: the caller's ``id=``, else a file name that is a valid
   reference id (``source='cables/05SANJOSE1713.txt'``), each checked against the station and
   serial the text gives. ``id_source`` says which; nothing is guessed.

Repairs (typos, OCR'd markers, wrapped reasons) and cross-check disagreements go to
``parse_notes``. Whatever the input, the only exception raised is ``ParseError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from pydantic import ValidationError

from caucasus_cables import extract
from caucasus_cables.errors import ParseError
from caucasus_cables.parse.text import line_number, normalize_newlines
from caucasus_cables.records import Cable, IdSource, Paragraph, ParseNote, Source
from caucasus_cables.reference import station_origin

__all__ = ["parse_cable"]

# A file name that is a reference id: "05SANJOSE1713.txt", "cables/07MOSCOW4307.txt".
_ID_FILE_NAME = re.compile(r"(?:^|[/\\])(?P<id>[0-9]{2}[A-Z][A-Z0-9]*?[0-9]+)(?:\.[A-Za-z]+)?$")
_ID_PARTS = re.compile(r"^(?P<yy>[0-9]{2})(?P<station>[A-Z][A-Z0-9]*?)(?P<serial>[0-9]+)$")

Note = Callable[..., None]


def parse_cable(
    text: str,
    *,
    source: str | None = None,
    id: str | None = None,
    record_source: Source | None = None,
) -> Cable:
    """Parse one cable's text into a validated ``Cable`` record.

    ``source`` names the input in error messages and, when its file name is a valid reference
    id, supplies the id for a text that lacks the year. ``id`` does the same explicitly (it is
    tried before the file name). Either is checked against the station and serial the text
    gives; a text that gives the whole id keeps it (a disagreeing ``id`` is noted).
    ``record_source`` is stored on the record as is.

    Raises ``ParseError`` (a ``ValueError``) naming the source, the line and what is missing
    when the text is empty, is not a cable, or no reference id can be derived; never any other
    exception.

    >>> cable = parse_cable("O 311351Z AUG 07\\nFM AMEMBASSY MOSCOW\\n\\n"
    ...     "C O N F I D E N T I A L MOSCOW 004307\\n\\n1. (C) Text.\\n\\nBurns")
    >>> cable.id, cable.created.isoformat(), cable.signed_by
    ('07MOSCOW4307', '2007-08-31T13:51:00+00:00', ['Burns'])
    """
    try:
        return _parse(text, source=source, id_argument=id, record_source=record_source)
    except ParseError as exc:
        raise exc.with_source(source) from None
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ())) or None
        raise ParseError(
            f"the parsed record is invalid: {first.get('msg', exc)}", field=where, source=source
        ) from exc
    except Exception as exc:  # the contract: nothing but ParseError escapes
        raise ParseError(f"unexpected {type(exc).__name__}: {exc}", source=source) from exc


def _parse(
    text: object,
    *,
    source: str | None,
    id_argument: str | None,
    record_source: Source | None,
) -> Cable:
    if not isinstance(text, str):
        raise ParseError(f"expected the cable text as str, got {type(text).__name__}")
    if not text or text.isspace():
        raise ParseError("empty text: not a cable", line=1)
    t = normalize_newlines(text)
    notes: list[ParseNote] = []

    def note(field: str, message: str, offset: int | None = None) -> None:
        line = line_number(t, offset) if offset is not None else None
        notes.append(ParseNote(field=field, message=message, line=line))

    line = extract.classification_line(t)
    located = extract.station_serial(t)
    routing = extract._routing(t)
    origin = extract.origin(t)
    created = extract.dtg(t)
    from_dtg = created is not None
    if created is None:
        created = extract.date_line(t)
        if created is not None:
            note("created", "no DTG; created taken from the date line")
    if located is None and created is None and origin is None and routing is None:
        raise ParseError(
            "not a cable: no classification line ('C O N F I D E N T I A L MOSCOW 004307'), "
            f"DTG or FM line (the text starts {_quote(t)})",
            field="id",
            line=1,
        )

    located, other_text = _reconcile_de_line(t, line, located, routing, note)
    yy = created.year % 100 if created is not None else None
    if yy is None and located is not None:
        yy, created = _export_row(t, located, note)
    cable_id, station, id_source = _derive_id(
        t, line, located, yy, source=source, id_argument=id_argument, note=note
    )

    classification = line.classification if line else extract.classification(t)
    if other_text and line is not None:
        # The text under this routing header is another cable's: its classification line does
        # not describe the telegram the header (and the id) belong to.
        own = extract.classification(t[: line.start])
        if own is not None and own is not classification:
            note(
                "classification",
                f"{own.value} from the routing header's security line; the classification "
                f"line ({classification.value}) belongs to the other cable's text",
            )
            classification = own

    if origin is None:
        post = station_origin(station)
        if post is not None:
            origin = post
            note("origin", f"no FM line; origin {post!r} named from the station {station!r}")

    refs, repairs = extract._references_with_repairs(t, int(cable_id[:2]))
    classified_by, more = extract._classified_by_with_repairs(t)
    repairs += more
    addressees, more = extract._addressees(t)
    repairs += more
    paragraphs, more = extract._paragraphs_with_repairs(t)
    repairs += more
    for repair in repairs:
        note(repair.field, repair.message, repair.offset)
    signed = extract.signed_by(t)
    paragraphs = _without_signature(paragraphs, signed)

    return Cable(
        id=cable_id,
        id_source=id_source,
        transmission_id=extract.transmission_id(t),
        precedence=extract.precedence(t) if from_dtg else None,
        created=created,
        origin=origin,
        station=station,
        routing=routing,
        recipients=addressees,
        classification=classification,
        caveats=extract.caveats(t),
        sections=line.sections if line is not None and line.sections else None,
        declassification=extract._declassification(t),
        classified_by=classified_by,
        tags=extract.tags(t),
        subject=extract.subject(t),
        references=refs,
        summary=extract.summary(t),
        paragraphs=paragraphs,
        body=_body(paragraphs, signed),
        signed_by=signed,
        partial=extract.partial(t),
        parse_notes=notes,
        source=record_source,
        raw_text=text,
    )


def _quote(t: str) -> str:
    first = " ".join(t.strip().split("\n", 1)[0].split())
    return repr(first[:60] + ("..." if len(first) > 60 else ""))


def _split_id(cable_id: str) -> tuple[int, str, int] | None:
    m = _ID_PARTS.match(cable_id)
    if m is None:
        return None
    return int(m.group("yy")), m.group("station"), int(m.group("serial"))


def _reconcile_de_line(
    t: str,
    line: extract.ClassificationLine | None,
    located: tuple[str, int] | None,
    routing: dict | None,
    note: Note,
) -> tuple[tuple[str, int] | None, bool]:
    """Cross-check station and serial with the DE line: ((station, serial), other text?).

    The DE line writes the serial modulo 10,000 ('STATE 156011' is '#6011'). When it disagrees
    with the classification line (07NAIROBI4427: a corrected copy typed 4428; 07PARIS2725:
    another cable's text under this header) the routing header wins, since the DTG, hence the
    year, comes from it too. Without a classification line the DE line names station and
    serial itself (10BEIJING207). 'other text' is True when even the stations differ.
    """
    serial = routing["station_serial"] if routing is not None else None
    if serial is None or routing is None:
        return located, False
    ri = routing["origin_routing_indicator"]
    de_station = extract.de_station(t)
    if located is None:
        if de_station:
            note(
                "id", f"no classification line; station and serial from the DE line {ri} #{serial}"
            )
            return (de_station, serial), False
        return None, False
    station, class_serial = located
    if serial == class_serial % 10_000:
        return located, False
    offset = line.start if line is not None else None
    if de_station is None:
        note(
            "id",
            f"DE line serial #{serial} differs from the classification line {station} "
            f"{class_serial}; routing indicator {ri} is not in the table, kept the latter",
            offset,
        )
        return located, False
    note(
        "id",
        f"DE line {ri} #{serial} ({de_station}) differs from the classification line "
        f"{station} {class_serial}; the routing header, which gives the DTG, wins",
        offset,
    )
    return (de_station, serial), de_station != station


def _export_row(t: str, located: tuple[str, int], note: Note) -> tuple[int | None, datetime | None]:
    """(two-digit year, created) from the WikiLeaks export row naming this station and serial."""
    station, serial = located
    for cid, when in extract.export_rows(t):
        parts = _split_id(cid)
        if parts is None or (parts[1], parts[2]) != (station, serial):
            continue
        if isinstance(when, datetime):
            note("created", f"no DTG or date line; created from the export row of {cid!r}")
            return parts[0], when
        if isinstance(when, date):
            note(
                "created",
                f"no DTG or date line; the export row of {cid!r} gives the date "
                f"{when.isoformat()} without a time, created left empty",
            )
        note("id", f"no DTG or date line; year {parts[0]:02d} from the export row {cid!r}")
        return parts[0], None
    return None, None


def _derive_id(
    t: str,
    line: extract.ClassificationLine | None,
    located: tuple[str, int] | None,
    yy: int | None,
    *,
    source: str | None,
    id_argument: str | None,
    note: Note,
) -> tuple[str, str, IdSource]:
    """(id, station, id_source) from the text, else from the argument or the file name."""
    given: list[tuple[str, IdSource, str]] = []
    if id_argument is not None:
        canonical = extract.canonical_cable_id(str(id_argument))
        if canonical is None:
            raise ParseError(f"id argument {id_argument!r} is not a reference id", field="id")
        given.append((canonical, IdSource.ARGUMENT, "id argument"))
    if source:
        m = _ID_FILE_NAME.search(str(source))
        canonical = extract.canonical_cable_id(m.group("id")) if m else None
        if canonical is not None:
            given.append((canonical, IdSource.FILE_NAME, "file name"))

    if located is not None and yy is not None:
        text_id = f"{yy:02d}{located[0]}{located[1]}"
        for other, _kind, label in given:
            if other != text_id:
                note("id", f"{label} {other!r} disagrees with the text; kept {text_id!r}")
        return text_id, located[0], IdSource.TEXT

    for other, kind, label in given:
        parts = _split_id(other)
        if parts is None:
            continue
        other_yy, station, serial = parts
        if located is not None and (station, serial) != located:
            raise ParseError(
                f"{label} {other!r} disagrees with the station and serial of the text "
                f"({located[0]} {located[1]})",
                field="id",
                line=_line_of(t, line),
            )
        if yy is not None and yy != other_yy:
            raise ParseError(f"{label} {other!r} disagrees with the text's year", field="id")
        what = "no year in the text" if located is not None else "no station and serial in the text"
        note("id", f"{what}; id {other!r} taken from the {label}")
        return other, station, kind

    if located is None:
        raise ParseError(
            "no reference id: no classification line ('C O N F I D E N T I A L MOSCOW 004307'), "
            "section-continuation line or DE line names the station and serial; pass id=",
            field="id",
            line=1,
        )
    raise ParseError(
        f"no year in the text for {located[0]} {located[1]}: no DTG ('O 311351Z AUG 07'), "
        "date line or export row; pass id= or a source file named by the reference id",
        field="id",
        line=_line_of(t, line),
    )


def _line_of(t: str, line: extract.ClassificationLine | None) -> int:
    """Line number of the classification line for an error message (1 without one); counted
    only when an error needs it, as counting line breaks costs a pass over the header."""
    return line_number(t, line.start) if line is not None else 1


# Every field of a Paragraph, as ``dict(paragraph)`` gives them.
_PARAGRAPH_FIELDS = dict.fromkeys(Paragraph.model_fields)


def _without_signature(paragraphs: list[dict], signed: list[str]) -> list[dict]:
    """Drop the signature from the end of the last paragraph's text (paragraphs as the keyword
    dicts of ``Paragraph``, validated with the ``Cable``)."""
    if not signed or not paragraphs:
        return paragraphs
    last = paragraphs[-1]
    text = last["text"]
    if not text.endswith(signed[-1]):
        return paragraphs  # every written form below ends with the last name
    for written in (" ".join(signed), "/".join(signed), " and ".join(signed), "\n".join(signed)):
        if text.endswith(written) and len(text) > len(written):
            trimmed = {**_PARAGRAPH_FIELDS, **last, "text": text[: -len(written)].rstrip()}
            return [*paragraphs[:-1], trimmed]
    return paragraphs


def _body(paragraphs: list[dict], signed: list[str]) -> str:
    """Headings, numbered paragraphs ('1. (C) ...') and the signature, blank-line separated."""
    blocks: list[str] = []
    for p in paragraphs:
        heading = p.get("heading")
        if heading:
            blocks.append(heading)
        number = p.get("number")
        marking = p.get("classification_raw")
        text = p["text"]
        if number is not None:
            text = f"{number}. {marking} {text}" if marking else f"{number}. {text}"
        elif marking:
            text = f"{marking} {text}"
        blocks.append(text.strip())
    if signed:
        blocks.append("\n".join(signed))
    return "\n\n".join([b for b in blocks if b])
