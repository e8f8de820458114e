"""Field extractors for State Department telegrams: one public function per field.

Each function takes a whole cable or a fragment of one (a header line, a REF block, a
paragraph), returns the field's value, ``None`` or ``[]`` when the field is absent, and never
raises. ``caucasus_cables.parse_cable`` calls each of them once and builds the record.

Layouts seen in the Cablegate corpus (``../shared/corpus/cables``) and handled here:

- the full telegram: ``VZCZC`` transmission id, precedence pair with relay routing indicators,
  ``DE RUEHMO #4307/01 2431351``, ``ZNY CCCCC ZZH``, the DTG line (``O 311351Z AUG 07``,
  ``P R 041820Z JAN 10``), FM / TO / INFO, then the classification line
  (``C O N F I D E N T I A L SECTION 01 OF 02 MOSCOW 004307``) and the text (07MOSCOW4307);
- headers without the transmission lines (starting at the DTG, 04CAIRO8456), or with the
  office distribution (``ORIGIN DS-00``, ``INFO LOG-00 ...``) first (08STATE116943), or with an
  e-mail wrapper above them (``Subject: TRIPOLI 00000230 R CO 17-MAR-08 ...``, 08TRIPOLI230);
- partial extracts without any routing header ("This record is a partial extract of the
  original cable..."), sometimes with a ``Tuesday, 03 July 2001, 12:03`` line, a bare
  ``061428Z Jun 03`` DTG or a ``Cable dated:2005-05-23T14:26:00`` stamp (05SANAA1352);
- old ``PAGE 01 VATICA 03507 02 OF 04 031715Z`` headers repeated inside the text (01VATICAN3507);
- header lines glued together where the page lost its line breaks
  (``MOSCOW 002353SIPDISDEPT FOR ...``, 09MOSCOW2353) or lower-cased (``S e c r e t berlin
  001068``, 08BERLIN1068);
- CRLF PDF conversions with the original 70-column wrapping (06NEWDELHI5135), U+2028 line
  separators (09MEXICO2205), and pages that carry rows of the WikiLeaks export (06THEHAGUE1739):
  the first occurrence of a field wins, so rows after the cable's own header are never read.

Speed: patterns are compiled once and start with a literal wherever the layout allows (the
regex engine then skips ahead with a fast substring search; a leading character class or
look-behind makes it try every position, some thirty times slower). Header fields are matched
on an upper-cased copy of the header span, so one case-sensitive pattern covers 'Tags:',
'TAGS' and 'tags'. Patterns use no nested quantifiers and header fields are searched only in
the header span (``header_end``), so a 10 MB line cannot stall a build. The header/body split
and a few shared matches are memoised for the last few texts: ``parse_cable`` hands every
extractor the same string.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any, NamedTuple

from caucasus_cables.parse.text import (
    blank_page_breaks,
    could_hold_page_break,
    despace,
    is_page_break,
    page_break_spans,
    remove_page_breaks,
    section_continuations,
)
from caucasus_cables.records import (
    Caveat,
    Classification,
    ClassifiedBy,
    Declassification,
    Paragraph,
    Precedence,
    Recipient,
    RecipientRole,
    Reference,
    Routing,
)
from caucasus_cables.reference import canonical_station as _reference_station
from caucasus_cables.reference import routing_indicator_name

__all__ = [
    "ClassificationLine",
    "Repair",
    "canonical_cable_id",
    "caveats",
    "classification",
    "classification_line",
    "classified_by",
    "continuation_serials",
    "date_line",
    "de_station",
    "declassification",
    "dtg",
    "export_rows",
    "header_end",
    "info_recipients",
    "origin",
    "paragraphs",
    "partial",
    "precedence",
    "recipients",
    "references",
    "routing",
    "sections",
    "signed_by",
    "station_serial",
    "subject",
    "summary",
    "tags",
    "transmission_id",
]

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}

# How far header fields are looked for past the start of the text (or the classification
# line) when no paragraph marker ends the header earlier. The longest header in the corpus
# (an ALL DIPLOMATIC POSTS address list plus distribution lines) is under 9,000 characters.
_HEADER_LIMIT = 20_000

_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


class Repair(NamedTuple):
    """A normalisation an extractor made, for ``Cable.parse_notes``: field, message, offset."""

    field: str
    message: str
    offset: int | None = None


def _year4(yy: int) -> int:
    # Cables date from 1966 to 2010; DECL dates run to the 2050s.
    return 1900 + yy if yy >= 60 else 2000 + yy


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _datetime(year: int, month: int, day: int, hour: int, minute: int) -> datetime | None:
    try:
        return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)
    except ValueError:
        return None


# The same few station names recur in every cable (classification line, page breaks, REF
# citations): remember them rather than re-run the table lookup and its regex.
canonical_station = lru_cache(maxsize=4096)(_reference_station)


# Two or more spaces, written so that both spaces are a literal prefix ("  +" has only one):
# the engine then steps over single spaces itself instead of trying the pattern after every
# word (squeezing a paragraph takes a fifth less time). Same matches as "  +".
_SPACES = re.compile("   *")


def _collapse(value: str) -> str:
    """Runs of blanks and line breaks -> one space, ends stripped (str.replace is several times
    faster than ' '.join(value.split()) or a regex on paragraph-sized strings; only runs of
    spaces, rarer, go to a regex, which replaces all of them in one pass)."""
    if "\n" in value:
        value = value.replace("\n", " ")
    if "\t" in value or "\r" in value:
        value = value.replace("\t", " ").replace("\r", " ")
    if "  " in value:
        value = _SPACES.sub(" ", value)
    return value.strip()


class _Ctx:
    """What every extractor needs to know about one text, computed once: the layout (where
    the routing header, the header and the body start), the classification line and the
    upper-cased header span; ``memo`` keeps further values shared by several extractors."""

    __slots__ = (
        "body_start",
        "header_end",
        "layout",
        "line",
        "memo",
        "routing_end",
        "routing_start",
        "text",
        "upper",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.memo: dict[str, Any] = {}
        layout = _compute_layout(text)
        self.layout = layout
        routing_end, body_start = layout.routing_end, layout.body_start
        # Where header fields are looked for first (the classification line), 0 without one.
        self.routing_start = routing_end or 0
        # Where the routing header ends, bounded.
        self.routing_end = min(len(text), _HEADER_LIMIT) if routing_end is None else routing_end
        if body_start is not None:
            self.header_end = self.body_start = body_start
        else:
            self.header_end = min(len(text), (routing_end or 0) + _HEADER_LIMIT)
            # Body extractors start at the end of a header, at 0 in a fragment without one.
            self.body_start = len(text) if routing_end is not None else 0
        # The header span upper-cased, same length as the original (ASCII-only when needed).
        head = text[: self.header_end]
        upper = head.upper()
        if len(upper) != len(head):  # 'ß' -> 'SS' would shift every offset
            upper = head.translate(_ASCII_UPPER)
        self.upper = upper
        self.line = _classification_line_of(layout.classification)


# The context of the last few texts. Keyed by identity and holding the text itself, so a
# recycled id() can never return another text's values.
_MEMO: dict[int, _Ctx] = {}
_LAST: _Ctx | None = None  # one atomic reference: thread-safe reads


def _ctx(text: str) -> _Ctx:
    global _LAST
    last = _LAST
    if last is not None and last.text is text:
        return last
    entry = _MEMO.get(id(text))
    if entry is None or entry.text is not text:
        if len(_MEMO) >= 8:
            _MEMO.clear()
        entry = _Ctx(text)
        _MEMO[id(text)] = entry
    _LAST = entry
    return entry


def _memo(text: str) -> dict[str, Any]:
    return _ctx(text).memo


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _line_end(text: str, pos: int, end: int | None = None) -> int:
    end = len(text) if end is None else end
    nl = text.find("\n", pos, end)
    return end if nl < 0 else nl


def _starts_line(text: str, pos: int) -> bool:
    """Only blanks, quotes or commas between the line start and ``pos``."""
    if pos == 0 or text[pos - 1] == "\n":  # the usual case, known without a slice
        return True
    return not text[_line_start(text, pos) : pos].strip(" \t\"',")


class _LinePattern:
    """A pattern anchored at line starts, as ``re.compile("^" + body, re.MULTILINE)``, found fast.

    The regex engine tries a '^' pattern at every position of the text; a pattern that starts
    with a literal newline lets it skip from one line to the next (the FM line is found 2.5 times
    faster, the classification line 1.4 times). So the body is matched at ``pos`` when a line
    starts there, else searched after a newline. Matches found after a newline include it: use
    their groups and ``end()``, and ``line_start(m)`` for where the line starts.
    """

    def __init__(self, body: str, flags: int = 0) -> None:
        self.at = re.compile(body, flags | re.MULTILINE)
        self.nl = re.compile("\n" + body, flags | re.MULTILINE)

    def search(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
        if pos == 0 or text[pos - 1 : pos] == "\n":
            m = self.at.match(text, pos, endpos)
            if m is not None:
                return m
        return self.nl.search(text, pos, endpos)

    def finditer(self, text: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
        """Every match in order (the body never ends with a newline, so none overlap)."""
        if pos == 0 or text[pos - 1 : pos] == "\n":
            m = self.at.match(text, pos, endpos)
            if m is not None:
                yield m
                pos = m.end()
        yield from self.nl.finditer(text, pos, endpos)

    @staticmethod
    def line_start(m: re.Match[str]) -> int:
        start = m.start()
        return start + 1 if m.string[start : start + 1] == "\n" else start


# --------------------------------------------------------------------------------------------
# Layout: classification line, end of the routing header, start of the body
# --------------------------------------------------------------------------------------------


def _spaced(word: str) -> str:
    return r"[ \t]?".join(word)


# The classification line: CLASSIFICATION ["SECTION" NN "OF" NN] STATION SERIAL.
#   "C O N F I D E N T I A L SECTION 01 OF 02 MOSCOW 004307"   07MOSCOW4307
#   "UNCLAS SECTION 01 OF 02 MOSCOW 002629"                     08MOSCOW2629
#   "S e c r e t berlin 001068"                                 08BERLIN1068 (lower case)
#   "SS E C R E T ..." (doubled letter), "C ONFIDENTIAL ..." (stray blank)
#   "UNCLAS E F T O SECTION 01 OF 03 TRIPOLI 000648"            09TRIPOLI648 (EFTO caption;
#   without SECTION the WikiLeaks id keeps it: "UNCLAS E F T O LONDON 002187" -> EFTOLONDON)
#   "Cable dated:2009-09-14T13:52:00C O N F I D E N T I A L SECTION 01 OF 03 MOSCOW 002353SIPDIS"
#   (09MOSCOW2353: stamp and following lines glued on).
_CLASS_WORD = (
    rf"(?P<word>{_spaced('TOP')}[ \t]+{_spaced('SECRET')}|(?:S[ \t]?)?{_spaced('SECRET')}"
    rf"|{_spaced('CONFIDENTIAL')}|{_spaced('UNCLASSIFIED')}|UNCLAS)"
)
_CLASS_REST = (
    r"(?:[ \t]+E[ \t]?F[ \t]?T[ \t]?O(?=[ \t]+SECTION))?"
    r"(?:[ \t]+SECTION[ \t]+(?P<part>[0-9]{1,3})[ \t]+OF[ \t]+(?P<of>[0-9]{1,3}))?"
    r"[ \t]+(?P<station>[A-Za-z][A-Za-z'-]*(?:[ \t][A-Za-z][A-Za-z'-]*){0,4}?)"
    r"[ \t]+(?P<serial>[0-9]{3,7})(?![0-9])"
)
# An unpadded serial of one or two digits (the first cables of a year in the 1970s:
# "U N C L A S S I F I E D TEHRAN 14" is 72TEHRAN14) only when it ends the line, so that
# "CONFIDENTIAL PAGE 02 TEHRAN 05461" is never read as station PAGE, serial 02.
_CLASS_REST_SHORT = _CLASS_REST.replace(
    "(?P<serial>[0-9]{3,7})(?![0-9])",
    r"(?P<serial>[0-9]{3,7}(?![0-9])|[0-9]{1,2}(?=[ \t]*(?:\r?\n|\Z)))",
)
_CLASSIFICATION_LINE = _LinePattern(
    # The look-ahead (the first letter of 'ID:', 'Cable dated:' or a classification word)
    # rejects most lines (addressees, 'RUEHC/...') in one test.
    r"(?=[ \t\"',]*[ICSTU])[ \t\"',]*(?:(?:ID:[ \t]?[0-9]+[ \t]+)?Cable dated:[0-9T:-]{10,19})?"
    + _CLASS_WORD
    + _CLASS_REST_SHORT,
    re.IGNORECASE,
)
# After a CSV or TSV field of an export row: '...0092<TAB>C O N F I D E N T I A L SECTION 01 OF
# 02 BERN 001553' (06BERN1553), '3624","UNCLAS BUENOS AIRES 000062' (08BUENOSAIRES62). Costlier,
# so tried only where the text has a tab or '","' before the first plain match.
_CLASSIFICATION_IN_ROW = re.compile(
    r"^(?:[^\n\t]{0,400}\t|[^\n]{0,400}?\",\")[ \t\"']*" + _CLASS_WORD + _CLASS_REST,
    re.MULTILINE | re.IGNORECASE,
)
# In capitals anywhere in a line, with a zero-padded serial: a classification line run on after
# other text ('23064 11/19/2004 15:41 04BRUSSELS4944 C O N F I D E N T I A L BRUSSELS 004944').
_CLASSIFICATION_GLUED = re.compile(
    r"(?<![A-Za-z])" + _CLASS_WORD + _CLASS_REST.replace("[0-9]{3,7})", "0[0-9]{4,6})")
)
# Without a classification line the routing header ends at the first E.O., SUBJECT or TAGS line
# (08STATE43817: "Sipdis" / "Sensitive" / "E.o. 12958: n/a").
_ROUTING_END = _LinePattern(r"[ \t]*(?:E\.?O\.?[ \t]?1[0-9]{4}|SUBJECT|TAGS)", re.IGNORECASE)
# The first body paragraph, after a newline: "¶1.", "¶ 1.", "1. (C)", "1.(U)", "11. (SBU)"
# (a pilcrow read as 1).
_FIRST_PARAGRAPH = re.compile(
    r"\n[ \t]*(?:¶[ \t]*[0-9]{1,2}[ \t]*[.,)]|1[.,)][ \t]*\(|1\.[ \t]+[A-Z(]|11\.[ \t]*\()"
)
# Header lines after the classification line, for texts whose body has no paragraph markers:
# the body starts after the block holding the last of them.
_HEADER_FIELD = r"[ \t]*(?:SUBJ|REF|Classified[ \t]+By|TAGS?\b|E\.?[ \t]?O\.?[ \t]?1[0-9]{4})"
_HEADER_FIELD_LINE = re.compile(_HEADER_FIELD, re.IGNORECASE)
_HEADER_FIELD_LINES = _LinePattern(_HEADER_FIELD, re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class _Layout(NamedTuple):
    classification: re.Match[str] | None
    """The first classification line."""
    routing_end: int | None
    """Start of the classification line (or first header line after the routing header)."""
    body_start: int | None
    """Start of the first paragraph after it; None when no marker or header line says."""


def _find_classification_line(text: str) -> re.Match[str] | None:
    limit = min(len(text), _HEADER_LIMIT * 2)
    m = _CLASSIFICATION_LINE.search(text, 0, limit)
    end = _LinePattern.line_start(m) if m else limit
    if text.find("\t", 0, end) >= 0 or text.find('","', 0, end) >= 0:
        row = _CLASSIFICATION_IN_ROW.search(text, 0, end)
        if row is not None:
            m = row
    if m is None:
        m = _CLASSIFICATION_GLUED.search(text, 0, limit)
    if m is not None and m.group("station").upper().startswith("SECTION"):
        return None
    return m


def _layout(text: str) -> _Layout:
    """Where the routing header and the header end; memoised."""
    return _ctx(text).layout


def _compute_layout(text: str) -> _Layout:
    line = _find_classification_line(text)
    if line is not None:
        routing_end: int | None = line.start("word")
    else:
        m = _ROUTING_END.search(text, 0, min(len(text), _HEADER_LIMIT))
        routing_end = _LinePattern.line_start(m) if m else None
    start = routing_end or 0
    stop = min(len(text), start + _HEADER_LIMIT)
    body_start: int | None
    if start == 0 and _FIRST_PARAGRAPH.match("\n" + text[:40]):
        body_start = 0  # a fragment that starts with its first paragraph
    else:
        first = _FIRST_PARAGRAPH.search(text, max(0, start - 1), stop)
        body_start = first.start() + 1 if first else None
    if body_start is None and routing_end is not None:
        last = None
        zone = min(len(text), routing_end + 4000)
        for last in _HEADER_FIELD_LINES.finditer(text, routing_end, zone):  # noqa: B007
            pass
        if last is not None:
            blank = _BLANK_LINE.search(text, last.end(), zone)
            # No blank line after it (06TOKYO1363): the body starts on the next line.
            body_start = blank.end() if blank else _line_end(text, last.end()) + 1
    return _Layout(line, routing_end, body_start)


def _routing_end(text: str) -> int:
    """Offset where the routing header ends (the classification line), bounded."""
    return _ctx(text).routing_end


def header_end(text: str) -> int:
    """Offset where the header ends and the body begins: the first paragraph marker after the
    classification line ('¶1.', '1. (C)'), else the blank line after the last header field;
    for a fragment without either, the end of the text (bounded).

    >>> text = "UNCLAS MOSCOW 002629\\nSUBJECT: X\\n\\n1. (U) Body."
    >>> text[header_end(text):]
    '1. (U) Body.'
    """
    return _ctx(text).header_end


def _body_start(text: str) -> int:
    """Where body extractors start: the header's end, or 0 for a fragment without a header."""
    return _ctx(text).body_start


def _upper_header(text: str) -> str:
    """The header span upper-cased, same length as the original (ASCII-only when needed)."""
    return _ctx(text).upper


def _header_match(text: str, pattern: re.Pattern[str], accept: Any = None) -> re.Match[str] | None:
    """First match of an upper-case ``pattern`` in the header that ``accept(text, m)`` takes:
    after the classification line first, then before it.

    Searching from the classification line first skips wrappers put above a cable, such as
    the e-mail header of 08TRIPOLI230 ("Subject: TRIPOLI 00000230 R CO 17-MAR-08 ..."). The
    match is on the upper-cased copy: offsets are the text's, group values upper-case.

    Searched match by match rather than with ``finditer``: the first match after the
    classification line is usually the one, and one ``search`` finds it without an iterator.
    Header patterns start with a literal word, so no match is empty and searching on from a
    match's end finds what ``finditer`` would.
    """
    c = _ctx(text)
    upper = c.upper
    start = min(c.routing_start, len(upper))
    for lo, hi in ((start, len(upper)), (0, start)):
        m = pattern.search(upper, lo, hi)
        while m is not None:
            if accept is None or accept(text, m):
                return m
            m = pattern.search(upper, m.end(), hi)
    return None


def _later_matches(text: str, pattern: re.Pattern[str], after: int, accept: Any = None):
    """Further matches of an upper-case ``pattern`` in the header after offset ``after``."""
    upper = _upper_header(text)
    for m in pattern.finditer(upper, after, len(upper)):
        if accept is None or accept(text, m):
            yield m


# --------------------------------------------------------------------------------------------
# Reference ids
# --------------------------------------------------------------------------------------------

# "07MOSCOW4307", "07 MOSCOW 004307", "09USUN NEW YORK 306": two-digit year, station (letters,
# spaces inside), serial (leading zeros dropped).
_CABLE_ID = re.compile(
    r"[ \t]*(?P<year>[0-9]{2})[ \t_-]*(?P<station>[A-Za-z][A-Za-z ]{0,40}?)[ \t_-]*"
    r"(?P<serial>[0-9]{1,7})[ \t]*"
)


def canonical_cable_id(raw: str) -> str | None:
    """Reference id = YY STATION SERIAL -> canonical 'YYSTATIONSERIAL', without zeros or spaces.

    The station is made canonical by ``caucasus_cables.reference.canonical_station``
    ('USUN NEW YORK' -> 'USUNNEWYORK', 'SECSTATE' -> 'STATE'). None when ``raw`` is not a
    reference id.

    >>> canonical_cable_id("07 MOSCOW 004307")
    '07MOSCOW4307'
    >>> canonical_cable_id("09USUN NEW YORK 306")
    '09USUNNEWYORK306'
    >>> canonical_cable_id("MOSCOW 4307") is None
    True
    """
    if not isinstance(raw, str) or len(raw) > 80:
        return None
    m = _CABLE_ID.fullmatch(raw)
    if m is None:
        return None
    station = canonical_station(m.group("station"))
    if not station or not station[0].isalpha():
        return None
    return f"{m.group('year')}{station}{int(m.group('serial'))}"


def station_serial(text: str) -> tuple[str, int] | None:
    """(canonical station, serial) from the classification line, else a section-continuation
    line ('MOSCOW 00004307 002 OF 002'). None when neither is there.

    >>> station_serial("C O N F I D E N T I A L SECTION 01 OF 02 MOSCOW 004307")
    ('MOSCOW', 4307)
    >>> station_serial("USUN NEW YORK 00000027 002 OF 003")
    ('USUNNEWYORK', 27)
    """
    line = classification_line(text)
    if line is not None:
        station = canonical_station(line.station)
        if station:
            return station, line.serial
    for station_raw, serial, _, _ in section_continuations(text):
        station = canonical_station(station_raw)
        if station:
            return station, serial
    return None


def continuation_serials(text: str) -> list[tuple[str, int]]:
    """(canonical station, serial) of every section-continuation line, in order.

    >>> continuation_serials("x\\nNAIROBI 00004428  001.2 OF 002\\ny")
    [('NAIROBI', 4428)]
    """
    return [(canonical_station(raw), serial) for raw, serial, _, _ in section_continuations(text)]


def de_station(text: str) -> str | None:
    """Canonical station of the DE line's routing indicator (RUEHMO -> 'MOSCOW'); None when
    there is no DE line or the indicator is not in the reference table.

    >>> de_station("DE RUEHMO #4307/01 2431351")
    'MOSCOW'
    """
    m = _de_line(text)
    if m is None:
        return None
    name = routing_indicator_name(m.group("ri"))
    return canonical_station(name) if name else None


# Rows of the WikiLeaks export left in some pages, naming the cable and its date:
#   '21950,10/22/2004 15:09,04THEHAGUE2735,"Embassy The Hague",...'      04THEHAGUE2735 (CSV)
#   '2005-11-14 10:58:00<TAB>05MANAMA1672<TAB>Embassy Manama<TAB>...'     05MANAMA1672 (TSV)
#   'date: 3/2/2004 22:05' + 'refid: 04BOGOTA2313'                        04BOGOTA2313
#   '23064 11/19/2004 15:41 04BRUSSELS4944 C O N F I D E N T I A L ...'   04BRUSSELS4944
#   '2004-06-10', '', '04THEHAGUE1446' (one field a line)                 04THEHAGUE1446
# The look-behind comes after the first digit, not before it: a pattern that starts with a
# character class lets the engine skip to candidate positions, one that starts with a
# look-behind is tried at every position (2.5 times slower over a whole text).
_EXPORT_ID = re.compile(
    r"(?P<id>[0-9](?<![A-Za-z0-9][0-9])[0-9][A-Z]{3,30}[0-9]{1,6})(?![A-Za-z0-9])"
)
_EXPORT_DATE = re.compile(
    r"(?<![0-9])(?:(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})/(?P<y>[0-9]{4})"
    r"|(?P<y2>[0-9]{4})-(?P<m2>[0-9]{2})-(?P<d2>[0-9]{2}))"
    r"(?:[ T](?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}))?(?![0-9])"
)


def export_rows(text: str) -> list[tuple[str, date | None]]:
    """(reference id, when) of WikiLeaks export rows left in the text, in order.

    An id token ('04THEHAGUE2735') with the date written within 60 characters before it
    (m/d/yyyy or yyyy-mm-dd): a UTC ``datetime`` when a time follows the date, a ``date`` when
    not, None when no date is near. The rows may be another cable's: callers keep only the row
    whose id matches the text's station and serial.

    >>> export_rows('21950,10/22/2004 15:09,04THEHAGUE2735,"Embassy The Hague"')
    [('04THEHAGUE2735', datetime.datetime(2004, 10, 22, 15, 9, tzinfo=datetime.timezone.utc))]
    >>> export_rows("2004-06-10\\n\\n04THEHAGUE1446")
    [('04THEHAGUE1446', datetime.date(2004, 6, 10))]
    """
    rows: list[tuple[str, date | None]] = []
    for m in _EXPORT_ID.finditer(text):
        cid = canonical_cable_id(m.group("id"))
        if cid is None:
            continue
        when: date | None = None
        for d in _EXPORT_DATE.finditer(text, max(0, m.start() - 60), m.start()):
            if d.group("y"):
                ymd = (int(d.group("y")), int(d.group("m")), int(d.group("d")))
            else:
                ymd = (int(d.group("y2")), int(d.group("m2")), int(d.group("d2")))
            if d.group("hour"):
                when = _datetime(*ymd, int(d.group("hour")), int(d.group("minute")))
            else:
                when = _date(*ymd)
        rows.append((cid, when))
    return rows


_PARTIAL_BANNER = "partial extract of the original cable"


def partial(text: str) -> bool:
    """True when the text is a 'partial extract of the original cable' placeholder.

    >>> partial("This record is a partial extract of the original cable. The full text ...")
    True
    """
    return _PARTIAL_BANNER in text[:400].lower()


# --------------------------------------------------------------------------------------------
# Routing header: VZCZC line, precedence pair, DE line, security line, DTG, FM, TO, INFO
# --------------------------------------------------------------------------------------------

# "VZCZCXR05660": format line 1, the transmission identifier (VZCZC + channel + sequence).
_TRANSMISSION_ID = re.compile(r"VZCZC[A-Z0-9]{2,12}")


def transmission_id(text: str) -> str | None:
    """Transmission id = "VZCZC" CHANNEL SEQUENCE on a line of its own, e.g. 'VZCZCXR05660'.

    None for texts without a routing header (partial extracts, DTG-first headers).

    >>> transmission_id("VZCZCXR05660\\nOO RUEHDBU")
    'VZCZCXR05660'
    """
    end = _routing_end(text)
    for m in _TRANSMISSION_ID.finditer(text, 0, end):
        if _starts_line(text, m.start()) and not text[m.end() : _line_end(text, m.end())].strip():
            return m.group(0)
    return None


# "OO RUEHDBU" / "PP RUEHIK RUEHLN RUEHPOD": precedence prosigns (action, info) + relays.
_PRECEDENCE_PAIR = _LinePattern(
    r"[ \t]*(?P<pair>[ZOPR]{2})(?P<relays>(?:[ \t]+R[A-Z]{3,6})*)[ \t]*$"
)
# "DE RUEHMO #4307/01 2431351": originating routing indicator, station serial / section,
# Julian day-of-year and time.
_DE_LINE = _LinePattern(
    r"[ \t]*DE[ \t]+(?P<ri>R[A-Z]{3,6})[ \t]+#(?P<serial>[0-9]{1,5})"
    r"(?:/(?P<section>[0-9]{1,3}))?[ \t]+(?P<julian>[0-9]{7})\b"
)
# "ZNY CCCCC ZZH" (classified) / "ZNR UUUUU ZZH" (unclassified): format line 4.
_SECURITY_LINE = re.compile(r"ZN[YR][ \t]+(?P<classes>[A-Z]{5})[ \t]+ZZH\b")


def _de_line(text: str) -> re.Match[str] | None:
    """The DE line in the routing header (routing and de_station both read it); memoised."""
    return _routing_line(text, "de", _DE_LINE)


def _routing_line(text: str, key: str, pattern: _LinePattern) -> re.Match[str] | None:
    """The first match of ``pattern`` in the routing header, memoised under ``key``."""
    memo = _memo(text)
    if key not in memo:
        memo[key] = pattern.search(text, 0, _routing_end(text))
    return memo[key]


def routing(text: str) -> Routing | None:
    """Transmission header = precedence pair + relays, "DE" RI "#"SERIAL["/"SECTION] JULIAN,
    security line.

    None when the text has none of these lines (partial extracts, DTG-first headers).

    >>> r = routing("VZCZCXR05660\\nOO RUEHDBU\\nDE RUEHMO #4307/01 2431351\\nZNY CCCCC ZZH")
    >>> r.origin_routing_indicator, r.station_serial, r.section, r.julian_datetime
    ('RUEHMO', 4307, 1, '2431351')
    """
    fields = _routing(text)
    return Routing(**fields) if fields is not None else None


_NO_DE = (None, None, None, None)  # ri, serial, section, julian of a header without a DE line


def _routing(text: str) -> dict[str, Any] | None:
    """``routing`` as the keyword dict of ``Routing`` (validated once, inside the ``Cable``)."""
    end = _routing_end(text)
    pair = _PRECEDENCE_PAIR.search(text, 0, end)
    de = _de_line(text)
    security = _SECURITY_LINE.search(text, 0, end)
    if not (pair or de or security):
        return None
    ri, serial, section, julian = de.group("ri", "serial", "section", "julian") if de else _NO_DE
    return {
        "precedence_pair": pair.group("pair") if pair else None,
        "relay_indicators": pair.group("relays").split() if pair else [],
        "origin_routing_indicator": ri,
        "station_serial": int(serial) if serial else None,
        "section": (int(section) or None) if section else None,  # '/00' is no section
        "julian_datetime": julian,
        "security_line": _collapse(security.group(0)) if security else None,
    }


# "O 311351Z AUG 07", "P R 041820Z JAN 10": precedence prosign(s), then DTG = DDHHMM "Z" MON YY
# (UTC). Partial extracts may carry a bare "061428Z Jun 03" line (03ANKARA3694); operating
# signals may follow: "P 071355Z JUL 08 ZDK CTG NUMEROUS SERVICES" (08CAIRO1416), "ZFF4", "CCY".
_DTG_BODY = (
    # (The look-ahead, a prosign or the day's first digit, rejects most lines in one test.)
    r"(?=[ \t]*[ZOPR0-9])[ \t]*(?:(?P<precedence>[ZOPR])(?:[ \t]+[ZOPR])?[ \t]+)?"
    r"(?P<day>[0-9]{2})(?P<hour>[0-9]{2})(?P<minute>[0-9]{2})Z[ \t]+"
    r"(?P<month>[A-Za-z]{3})[ \t]+(?P<year>[0-9]{2})(?:[ \t]+[A-Z][A-Z0-9]{1,5}\b[^\n]*)?[ \t]*$"
)
_DTG_LINE = _LinePattern(_DTG_BODY)
# Old PAGE 01 headers run the DTG into the FM and TO lines on one line:
# "/38 O 031203Z JUL 01 FM AMEMBASSY VATICAN TO SECSTATE WASHDC IMMEDIATE" (01VATICAN3507).
_DTG_INLINE = re.compile(
    r"(?<![A-Z0-9])(?P<precedence>[ZOPR])(?:[ \t]+[ZOPR])?[ \t]+"
    r"(?P<day>[0-9]{2})(?P<hour>[0-9]{2})(?P<minute>[0-9]{2})Z[ \t]+"
    r"(?P<month>[A-Z]{3})[ \t]+(?P<year>[0-9]{2})[ \t]+FM[ \t]+(?P<origin>[A-Z][A-Z .'-]{1,60}?)"
    r"[ \t]+TO[ \t]"
)


def _dtg_inline(text: str) -> re.Match[str] | None:
    memo = _memo(text)
    if "dtg_inline" not in memo:
        found = None
        if " FM " in text:
            found = _DTG_INLINE.search(text)
        memo["dtg_inline"] = found
    return memo["dtg_inline"]


def _dtg_match(text: str) -> re.Match[str] | None:
    """The first DTG of the text: a DTG line in the header, else anywhere, else an inline one."""
    memo = _memo(text)
    if "dtg" not in memo:
        end = _routing_end(text)
        m = _DTG_LINE.search(text, 0, end)
        if m is None and end < len(text):
            m = _DTG_LINE.nl.search(text, end - 1 if end else 0)
        if m is None:
            m = _dtg_inline(text)
        memo["dtg"] = m
    return memo["dtg"]


def dtg(text: str) -> datetime | None:
    """DTG = [PRECEDENCE [PRECEDENCE]] DDHHMM "Z" MON YY, in UTC.

    The first DTG line of the routing header, else the first DTG line anywhere (partial extracts
    keep a bare one), else one run into an old PAGE 01 header. None when there is none or the
    date is impossible ('321351Z AUG 07').

    >>> dtg("O 311351Z AUG 07")
    datetime.datetime(2007, 8, 31, 13, 51, tzinfo=datetime.timezone.utc)
    >>> dtg("FM AMEMBASSY MOSCOW") is None
    True
    """
    m = _dtg_match(text)
    if m is None:
        return None
    day, hour, minute, month_name, year = m.group("day", "hour", "minute", "month", "year")
    month = _MONTHS.get(month_name.upper())
    if month is None:
        return None
    return _datetime(_year4(int(year)), month, int(day), int(hour), int(minute))


_PROSIGNS = {
    "Z": Precedence.FLASH,
    "O": Precedence.IMMEDIATE,
    "P": Precedence.PRIORITY,
    "R": Precedence.ROUTINE,
}


def precedence(text: str) -> Precedence | None:
    """Precedence = the prosign before the DTG (Z flash, O immediate, P priority, R routine).

    With two prosigns ('O P 121513Z DEC 08': action and info precedence) the first counts.
    None without a DTG or a prosign.

    >>> precedence("P R 041820Z JAN 10")
    <Precedence.PRIORITY: 'PRIORITY'>
    >>> precedence("061428Z Jun 03") is None
    True
    """
    m = _dtg_match(text)
    if m is None or not m.group("precedence"):
        return None
    return _PROSIGNS[m.group("precedence")]


# "Tuesday, 02 November 2004, 08:39": the date line WikiLeaks put under a partial-extract
# banner (01VATICAN3507); "Cable dated:2005-05-23T14:26:00" (05SANAA1352) is another stamp.
_WEEKDAY_LINE = re.compile(
    r"day,[ \t]+(?P<day>[0-9]{1,2})[ \t]+(?P<month>[A-Z][a-z]+)[ \t]+(?P<year>[0-9]{4}),[ \t]+"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
)
_WEEKDAYS = ("Mon", "Tues", "Wednes", "Thurs", "Fri", "Satur", "Sun")
_CABLE_DATED = re.compile(
    r"Cable dated:[ \t]*(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
)


def date_line(text: str) -> datetime | None:
    """Creation stamp of a text without a DTG: "Tuesday, 03 July 2001, 12:03" or
    "Cable dated:2005-05-23T14:26:00" (UTC, as the DTG it was copied from). None if absent.

    >>> date_line("Tuesday, 03 July 2001, 12:03")
    datetime.datetime(2001, 7, 3, 12, 3, tzinfo=datetime.timezone.utc)
    """
    end = _routing_end(text)
    for m in _WEEKDAY_LINE.finditer(text, 0, end):
        start = _line_start(text, m.start())
        if text[start : m.start()].strip() not in _WEEKDAYS:
            continue
        month = _MONTHS.get(m.group("month")[:3].upper())
        if month is None:
            return None
        return _datetime(
            int(m.group("year")),
            month,
            int(m.group("day")),
            int(m.group("hour")),
            int(m.group("minute")),
        )
    m = _CABLE_DATED.search(text, 0, end)
    if m:
        return _datetime(*(int(m.group(k)) for k in ("year", "month", "day", "hour", "minute")))
    return None


# "FM AMEMBASSY MOSCOW": format line 6, the originator's plain-language address.
_FM_LINE = _LinePattern(r"[ \t]*FM[ \t]+(?P<origin>[A-Za-z][^\n]*?)[ \t]*$")


def _fm_line(text: str) -> re.Match[str] | None:
    """The FM line in the routing header (origin and the addressees both read it); memoised."""
    return _routing_line(text, "fm", _FM_LINE)


def origin(text: str) -> str | None:
    """Originator = "FM" PLAIN-LANGUAGE-ADDRESS, e.g. 'AMEMBASSY MOSCOW' (whitespace collapsed).

    Also read from an old PAGE 01 header where the DTG, FM and TO run on one line. None for
    texts without an FM line (partial extracts).

    >>> origin("O 311351Z AUG 07\\nFM AMEMBASSY MOSCOW\\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 3484")
    'AMEMBASSY MOSCOW'
    """
    m = _fm_line(text)
    if m:
        return _collapse(m.group("origin"))
    inline = _dtg_inline(text)
    return _collapse(inline.group("origin")) if inline else None


# An addressee line: [RI "/"] NAME [PRECEDENCE] [MCN], e.g. "RUEHC/SECSTATE WASHDC IMMEDIATE 3484",
# "RUCNCIS/CIS COLLECTIVE PRIORITY", "AMEMBASSY BUENOS AIRES PRIOITY" (typo, 08BRASILIA93),
# "CIA WASHINGTON DC//NHTC// 0000". Parsed with string operations: one regex per line was the
# most expensive step of the header for long address lists.
_PRECEDENCE_WORDS = {
    "IMMEDIATE": Precedence.IMMEDIATE,
    "PRIORITY": Precedence.PRIORITY,
    "ROUTINE": Precedence.ROUTINE,
    "FLASH": Precedence.FLASH,
}
# Typos seen in the corpus, read as the word meant.
_PRECEDENCE_TYPOS = {
    "PIORITY": Precedence.PRIORITY,
    "PRIOITY": Precedence.PRIORITY,
    "PRIORTY": Precedence.PRIORITY,
    "PRIORIY": Precedence.PRIORITY,
    "PRORITY": Precedence.PRIORITY,
    "PRIORITIY": Precedence.PRIORITY,
    "PRIOIRTY": Precedence.PRIORITY,
    "IMMEDIAT": Precedence.IMMEDIATE,
    "IMEDIATE": Precedence.IMMEDIATE,
    "IMMEDAITE": Precedence.IMMEDIATE,
    "IMMEIDATE": Precedence.IMMEDIATE,
}
# Lines that end the address list when the page lost the blank line before the next part.
_HEADER_STOP = re.compile(
    r"(?:[\"',]*(?:C ?O ?N ?F ?I ?D|S ?E ?C ?R ?E ?T\b|UNCLAS|E\.?O\.?[ ]?1|SUBJ|TAGS|"
    r"SIPDIS|[0-9]+[\t ]|Cable dated|ID:))",
    re.IGNORECASE,
)


# First characters of addressee lines that cannot start a header line: skip the regex.
_NOT_STOP_FIRST = frozenset("RrAaNnDdJjHhWwLlBbFfGgKkMmOoPpQqVvXxYyZz")

# An addressee read: routing indicator, name, precedence, MCN, the precedence typo as written.
_Addressee = tuple[str | None, str, Precedence | None, int | None, str | None]


@lru_cache(maxsize=8192)
def _address_line(line: str, mcn_cut: bool) -> _Addressee:
    """The addressee on one stripped line of the TO/INFO block (after the TO or INFO word).

    Memoised: the same lines ('RUEAIIA/CIA WASHDC', collectives) recur in cable after cable,
    and the result does not depend on where the line is (the caller adds role and offset).
    ``mcn_cut``: the caller cut a trailing MCN off the line ('... IMMEDIATE 3484'), so that
    lines differing only in it share one entry; the name is then '' when nothing but the MCN
    followed the routing indicator. Lines are bounded by the header span.
    """
    ri = None
    head, slash, rest = line.partition("/")
    if slash and 4 <= len(head) <= 8 and head[0] == "R" and head.isalpha() and head.isupper():
        ri, line = head, rest
    tokens = line.split()
    mcn = None
    if mcn_cut:
        if not tokens:
            return ri, "", None, None, None
    elif len(tokens) > 1 and tokens[-1].isdigit() and len(tokens[-1]) <= 5:
        mcn = int(tokens.pop())
    prec = None
    typo = None
    if len(tokens) > 1:
        word = tokens[-1].upper()
        prec = _PRECEDENCE_WORDS.get(word)
        if prec is None and word in _PRECEDENCE_TYPOS:
            prec = _PRECEDENCE_TYPOS[word]
            typo = tokens[-1]
        if prec is not None:
            tokens.pop()
            if len(tokens) > 1 and tokens[-1].upper() == "NIACT":
                tokens.pop()
    return ri, " ".join(tokens), prec, mcn, typo


def _addressee(line: str) -> _Addressee:
    """The addressee on a line: [RI "/"] NAME [PRECEDENCE] [MCN]."""
    if not line[-1].isdigit():  # no MCN: half the lines, spared the split
        return _address_line(line, False)
    body, blank, number = line.rpartition(" ")
    if not (blank and number.isdigit() and len(number) <= 5):
        return _address_line(line, False)
    # The MCN is cut off before the cache (it differs from cable to cable). It is one only
    # after something else; alone after the routing indicator it is the name.
    ri, name, prec, _, typo = _address_line(body, True)
    if not name:
        return ri, number, None, None, None
    return ri, name, prec, int(number), typo


def _addressees(text: str) -> tuple[list[dict[str, Any]], list[Repair]]:
    """TO and INFO addressees of the routing header, in order, with typo repairs; as keyword
    dicts of ``Recipient`` (validated once, inside the ``Cable``)."""
    memo = _memo(text)
    if "addressees" in memo:
        return memo["addressees"]
    end = _routing_end(text)
    fm = _fm_line(text)
    start = fm.end() + 1 if fm else 0
    out: list[dict[str, Any]] = []
    repairs: list[Repair] = []
    role: RecipientRole | None = None
    offset = start
    for raw in text[start:end].split("\n"):
        line_offset = offset
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            if role is not None and out:
                break
            continue
        if line.startswith(("TO ", "TO\t", "INFO ", "INFO\t")):
            word, _, line = line.partition(" ") if " " in line else line.partition("\t")
            role = RecipientRole.TO if word == "TO" else RecipientRole.INFO
            line = line.strip()
        elif role is None:
            if fm is None:
                continue
            break
        if not line or (line[0] not in _NOT_STOP_FIRST and _HEADER_STOP.match(line)):
            break
        ri, name, prec, mcn, typo = _addressee(line)
        if name:
            out.append(
                {
                    "role": role,
                    "name": name,
                    "routing_indicator": ri,
                    "precedence": prec,
                    "mcn": mcn,
                }
            )
        if typo is not None:
            message = f"precedence {typo!r} read as {prec.value}"
            repairs.append(Repair("recipients", message, line_offset))
    memo["addressees"] = (out, repairs)
    return out, repairs


def recipients(text: str) -> list[Recipient]:
    """Action addressees = "TO" ADDRESSEE {ADDRESSEE}, one a line, until "INFO".

    ADDRESSEE = [RI "/"] NAME [PRECEDENCE] [MCN]. Typos in the precedence word ('PIORITY') are
    read as the word meant. [] when there is no TO line.

    >>> text = "FM AMEMBASSY MOSCOW\\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 3484"
    >>> [r.name for r in recipients(text)]
    ['SECSTATE WASHDC']
    """
    return [Recipient(**r) for r in _addressees(text)[0] if r["role"] is RecipientRole.TO]


def info_recipients(text: str) -> list[Recipient]:
    """Information addressees = "INFO" ADDRESSEE {ADDRESSEE}, one a line, after the TO block.

    [] when there is no INFO block.

    >>> [r.routing_indicator for r in info_recipients(
    ...     "TO RUEHC/SECSTATE WASHDC IMMEDIATE 3484\\nINFO RUCNCIS/CIS COLLECTIVE PRIORITY\\n"
    ...     "RUEHXD/MOSCOW POLITICAL COLLECTIVE PRIORITY")]
    ['RUCNCIS', 'RUEHXD']
    """
    return [Recipient(**r) for r in _addressees(text)[0] if r["role"] is RecipientRole.INFO]


# --------------------------------------------------------------------------------------------
# Classification line, caveats, sections
# --------------------------------------------------------------------------------------------


class ClassificationLine(NamedTuple):
    """The parts of a classification line, with where it is in the text."""

    classification: Classification
    raw_classification: str
    section: int | None
    sections: int | None
    station: str
    serial: int
    start: int
    end: int


_CLASS_WORDS = {
    "TOPSECRET": Classification.TOP_SECRET,
    "SECRET": Classification.SECRET,
    "SSECRET": Classification.SECRET,
    "CONFIDENTIAL": Classification.CONFIDENTIAL,
    "UNCLASSIFIED": Classification.UNCLASSIFIED,
    "UNCLAS": Classification.UNCLASSIFIED,
}


def classification_line(text: str) -> ClassificationLine | None:
    """Classification line = CLASSIFICATION ["SECTION" N "OF" M] STATION SERIAL.

    The first one in the text (later sections repeat it). The classification may be letter-
    spaced, lower-case or doubled ('SS E C R E T'). None when there is none.

    >>> line = classification_line("C O N F I D E N T I A L SECTION 01 OF 02 MOSCOW 004307")
    >>> line.classification.value, line.sections, line.station, line.serial
    ('CONFIDENTIAL', 2, 'MOSCOW', 4307)
    """
    return _ctx(text).line


@lru_cache(maxsize=64)
def _class_of_word(raw: str) -> Classification:
    """'C O N F I D E N T I A L', 'S e c r e t', 'SS E C R E T' -> the classification (the
    few spellings recur in every cable, hence the cache)."""
    return _CLASS_WORDS.get(despace(raw).upper(), Classification.SECRET)


def _classification_line_of(m: re.Match[str] | None) -> ClassificationLine | None:
    if m is None:
        return None
    word, part, of, station, serial = m.group("word", "part", "of", "station", "serial")
    return ClassificationLine(
        classification=_class_of_word(word),
        raw_classification=word,
        section=int(part) if part else None,
        sections=int(of) if of else None,
        station=_collapse(station),
        serial=int(serial),
        start=m.start("word"),
        end=m.end(),
    )


_SECURITY_CLASSES = {
    "UUUUU": Classification.UNCLASSIFIED,
    "CCCCC": Classification.CONFIDENTIAL,
    "SSSSS": Classification.SECRET,
    "TTTTT": Classification.TOP_SECRET,
}


def classification(text: str) -> Classification | None:
    """Overall classification from the classification line ('UNCLAS' -> UNCLASSIFIED).

    Falls back to the security line of the routing header ('ZNY CCCCC ZZH' -> CONFIDENTIAL).
    None when the text states neither.

    >>> classification("S E C R E T SECTION 01 OF 03 ANKARA 002521").value
    'SECRET'
    >>> classification("ZNR UUUUU ZZH").value
    'UNCLASSIFIED'
    """
    line = classification_line(text)
    if line is not None:
        return line.classification
    m = _SECURITY_LINE.search(text, 0, _routing_end(text))
    return _SECURITY_CLASSES.get(m.group("classes")) if m else None


def sections(text: str) -> int | None:
    """Number of sections = M of "SECTION N OF M" on the classification line; None if absent.

    >>> sections("UNCLAS SECTION 01 OF 02 MOSCOW 002629")
    2
    >>> sections("C O N F I D E N T I A L MOSCOW 004849") is None
    True
    """
    line = classification_line(text)
    return line.sections if line is not None and line.sections else None


# Handling captions between the classification line and the E.O./TAGS/SUBJECT lines, as
# words of their own or glued on ('LONDON 000255NOFORNSIPDISPLEASE PASS', 10LONDON255); looked
# for with str.find on the upper-cased zone, the zone being short.
_CAVEAT_WORDS = (
    ("SENSITIVE", Caveat.SENSITIVE),
    ("SIPDIS", Caveat.SIPDIS),
    ("NOFORN", Caveat.NOFORN),
    ("NOFORM", Caveat.NOFORN),
    ("NOT RELEASABLE TO FOREIGN NATIONALS", Caveat.NOFORN),
    ("EXDIS", Caveat.EXDIS),
    ("NODIS", Caveat.NODIS),
    ("LIMDIS", Caveat.LIMDIS),
    ("STADIS", Caveat.STADIS),
    ("ORCON", Caveat.ORCON),
    ("FOR OFFICIAL USE ONLY", Caveat.FOUO),
    ("FOUO", Caveat.FOUO),
    ("PROPIN", Caveat.PROPIN),
    ("NOCONTRACT", Caveat.NOCONTRACT),
)
# "REL NATO", "REL TO USA, GBR": releasability, a word of its own.
_REL_CAVEAT = re.compile(r"REL[ \t]+(?:TO[ \t]+)?[A-Z]{2,}")
# Where the caveat zone ends: the E.O. line, a TAGS/SUBJECT line or 'TAGS:'/'SUBJECT:'.
_ZONE_END = re.compile(r"E\.[ \t]?O\.?[ \t]?1[0-9]{4}|EO[ \t]+1[0-9]{4}|TAGS?\b|SUBJ")
_COLON_AFTER = re.compile(r"(?:ECT)?[ \t]*:")


def _caveat_zone(c: _Ctx) -> tuple[int, int]:
    line = c.line
    start = line.start if line else 0
    upper = c.upper
    limit = min(len(upper), start + 3000)
    for m in _ZONE_END.finditer(upper, line.end if line else 0, limit):
        if (
            m.group(0)[0] == "E"
            or _starts_line(c.text, m.start())
            or _COLON_AFTER.match(upper, m.end()) is not None
        ):
            return start, m.start()
    return start, limit


@lru_cache(maxsize=1024)
def _caveats_in(zone: str) -> tuple[Caveat, ...]:
    """The caveats of an upper-cased zone (or part of one), by first appearance."""
    found: list[tuple[int, Caveat]] = []
    for word, caveat in _CAVEAT_WORDS:
        at = zone.find(word)
        if at >= 0:
            found.append((at, caveat))
    for m in _REL_CAVEAT.finditer(zone):
        if m.start() == 0 or not zone[m.start() - 1].isalpha():
            found.append((m.start(), Caveat.REL))
            break
    # No two words start at one offset (none is a prefix of another, none starts with R like
    # REL), so the sort never compares two caveats.
    found.sort()
    return tuple(dict.fromkeys(caveat for _, caveat in found))


def caveats(text: str) -> list[Caveat]:
    """Handling captions after the classification (SENSITIVE, SIPDIS, NOFORN, EXDIS, NODIS...).

    Looked for from the classification line up to the E.O., TAGS or SUBJECT line; in order of
    first appearance, without repeats. 'UNCLAS ... SENSITIVE' is Sensitive But Unclassified.

    >>> caveats("UNCLAS MOSCOW 002629\\n\\nSENSITIVE\\nSIPDIS\\n\\nE.O. 12958: N/A")
    [<Caveat.SENSITIVE: 'SENSITIVE'>, <Caveat.SIPDIS: 'SIPDIS'>]
    """
    c = _ctx(text)
    start, end = _caveat_zone(c)
    line = c.line
    if line is None or end < line.end:
        return list(_caveats_in(c.upper[start:end]))
    # Within the classification line a caveat can only be (part of) the station: the other
    # parts (classification word, SECTION nn OF nn, serial) hold none and end in blanks or
    # digits, which no caveat word has. So the zone is read as the station, then what follows
    # the line; both repeat from cable to cable where the whole zone (with the serial) does not.
    s0, s1 = c.layout.classification.span("station")
    head = _caveats_in(c.upper[s0:s1])
    tail = _caveats_in(c.upper[line.end : end])
    return list(dict.fromkeys(head + tail)) if head else list(tail)


# --------------------------------------------------------------------------------------------
# E.O. line, Classified By
# --------------------------------------------------------------------------------------------

# "E.O. 12958: DECL: 08/31/2017", "EO 12958 DECL: 2020/02/23", "E.O.12356: DECL:OADR",
# "E.o. 12958: decl: 08/06/2033", "E.O. 12958: DNG: CO 03/31/2018", "E.O. 12958: N/A TAGS: ..."
# (matched upper-cased; one pattern: the plain form is taken only where no letter comes before).
_EO_LINE = re.compile(r"(?:E\.[ \t]?O\.?|EO)[ \t]*:?[ \t]*(?P<eo>1[0-9]{4})[ \t]*:?[ \t]*")
_EO_REST_END = re.compile(r"TAGS?\b|SUBJ")
# m/d/y ("08/31/2017", "6/3/08", "12-29-13") or y/m/d ("2020/02/23").
_DECL_DATE = re.compile(
    r"(?<![0-9])(?:(?P<y1>[0-9]{4})[/.-](?P<m1>[0-9]{1,2})[/.-](?P<d1>[0-9]{1,2})"
    r"|(?P<m2>[0-9]{1,2})[/.-](?P<d2>[0-9]{1,2})[/.-](?P<y2>[0-9]{4}|[0-9]{2}))(?![0-9])"
)
_DECL_KEYWORD = re.compile(r"^DECL(?:ASSIFY)?[ \t]*(?:ON)?[ \t]*:?[ \t]*", re.IGNORECASE)


def _not_after_letter(text: str, m: re.Match[str]) -> bool:
    return m.start() == 0 or not text[m.start() - 1].isalpha()


def declassification(text: str) -> Declassification | None:
    """E.O. line = "E.O." ORDER ":" ("DECL:" DATE | "N/A" | "OADR" | "X1" | downgrade ...).

    DATE is m/d/y (two- or four-digit year) or y/m/d. What is not a date is kept as written in
    ``exemption`` ('N/A', 'OADR', 'DNG: CO'). None when there is no E.O. line.

    >>> d = declassification("E.O. 12958: DECL: 08/31/2017")
    >>> d.executive_order, d.date.isoformat(), d.exemption
    ('12958', '2017-08-31', None)
    >>> declassification("E.O. 12958: N/A").exemption
    'N/A'
    """
    fields = _declassification(text)
    return Declassification(**fields) if fields is not None else None


def _eo_context(text: str, m: re.Match[str]) -> bool:
    return m.string[m.start() + 1] == "." or _not_after_letter(text, m)


def _declassification(text: str) -> dict[str, Any] | None:
    """``declassification`` as the keyword dict of ``Declassification``."""
    # The earliest E.O. after the classification line, else the earliest before it. The two
    # forms never overlap ('E.' / 'EO'), so one search finds what the earlier of two would.
    m = _header_match(text, _EO_LINE, _eo_context)
    if m is None:
        return None
    upper = m.string
    rest_end = _line_end(text, m.end(), len(upper))
    stop = _EO_REST_END.search(upper, m.end(), min(rest_end, m.end() + 120))
    if stop is not None:
        rest_end = stop.start()
    rest = text[m.end() : min(rest_end, m.end() + 120)]
    value, exemption = _decl_rest(rest)
    return {
        "executive_order": m.group("eo"),
        "date": value,
        "exemption": exemption,
        "raw": _collapse(text[m.start() : m.end()] + rest),
    }


@lru_cache(maxsize=1024)
def _decl_rest(rest: str) -> tuple[date | None, str | None]:
    """The date and the exemption of what follows 'E.O. 12958:' ('DECL: 08/31/2017', 'N/A'),
    which recur from cable to cable."""
    value: date | None = None
    exemption = rest
    d = _DECL_DATE.search(rest)
    if d:
        if d.group("y1"):
            value = _date(int(d.group("y1")), int(d.group("m1")), int(d.group("d1")))
        else:
            year = d.group("y2")
            value = _date(
                int(year) if len(year) == 4 else _year4(int(year)),
                int(d.group("m2")),
                int(d.group("d2")),
            )
        exemption = rest[: d.start()] + rest[d.end() :]
    exemption = _collapse(_DECL_KEYWORD.sub("", exemption.strip())).strip(" .,;:")
    return value, exemption or None


# "Classified By: Political Minister-Counselor Alice G. Wells. Reason: 1.4 (b, d)"
_CLASSIFIED_BY = re.compile(r"CLASSIFIED[ \t]+BY[ \t]*:?[ \t]*")
_CLASSIFIED_BY_ANY_CASE = re.compile(r"Classified[ \t]+By[ \t]*:?[ \t]*", re.IGNORECASE)
# "1.4 (b) and (d)", "1.4(B), (D)", "1.4 (b,d)", "1.4 (b/d)", "1.5 (D)", "1.4 b, d", "1.4 B & D".
# (The look-behinds come after the first character: see _EXPORT_ID.)
_REASON_NUMBER = re.compile(r"(?P<n>[1-9])(?<![0-9.][1-9])[ \t]*\.[ \t]*(?P<m>[0-9])(?![0-9])")
_REASON_LETTER = re.compile(r"(?P<x>[a-hA-H])(?<![A-Za-z][a-hA-H])(?![A-Za-z])")
_REASON_KEYWORD = re.compile(
    r"[ \t,.;]*(?:\b(?:for|under)[ \t]+)?\b(?:reasons?|per|e\.?o\.?[ \t]*12958)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
# Characters of the part of a match before its keyword: [ \t,.;] and 'for' / 'under'.
_BEFORE_KEYWORD = frozenset(" \t,.;forundeFORUNDE")


def _before_reason_keyword(rest: str) -> str:
    """``_REASON_KEYWORD.sub("", rest)``: the text before the leftmost match (which runs to the
    end). The pattern is tried at every offset; in ASCII text the search starts where the
    first keyword and the run of [ \t,.;] and 'for'/'under' letters before it start, as no
    match can start earlier."""
    lo = 0
    if rest.isascii():  # lower() then keeps offsets, and IGNORECASE is plain ASCII case
        low = rest.lower()
        hits = [i for i in (low.find(w) for w in ("reason", "per", "eo", "e.o")) if i >= 0]
        if not hits:
            return rest
        lo = min(hits)
        while lo > 0 and rest[lo - 1] in _BEFORE_KEYWORD:
            lo -= 1
    m = _REASON_KEYWORD.search(rest, lo)
    return rest if m is None else rest[: m.start()]


# What may follow a blank or page-break line inside a wrapped Classified By line.
_REASON_RESUMES = re.compile(r"[0-9.(,]|(?:reasons?|for|and|per)\b", re.IGNORECASE)
# A reason wrapped across lines: "Reason: 1" + newline + ".4 (b, d)" (07MOSCOW4307).
_WRAPPED_REASON = re.compile(r"(?<![0-9.])([1-9])[ \t]*\n[ \t]*\.[ \t]*([0-9])")
# Words of titles, never part of the classifier's name.
_TITLE_WORDS = frozenset(
    """
    A/DCM ACTING AMBASSADOR AMB AMB. ASSISTANT CDA CHARGE CHARGE' CHIEF CONSUL COUNSELOR
    COUNSELLOR DCM DEPUTY DIRECTOR ECONOMIC GENERAL HEAD MINISTER MINISTER-COUNSELOR OFFICER
    POLITICAL POLCOUNS POLOFF ECONCOUNS SECRETARY SECTION UNDER D'AFFAIRES D’AFFAIRES CHARGÉ
    MISSION USEU PDAS IO ARSO RSO DAS SCI/C A/S CG PRINCIPAL OFFICE AFFAIRES MANAGEMENT
    """.split()
)
_NAME_TOKEN = re.compile(r"(?:[A-Z][A-Za-z'’-]+|[A-Z]\.|[A-Z][a-z]+\.)")


def _is_name_token(token: str) -> bool:
    return (
        _NAME_TOKEN.fullmatch(token) is not None
        and token.upper() not in _TITLE_WORDS
        and "/" not in token
    )


@lru_cache(maxsize=1024)
def _split_name_title(who: str) -> tuple[str | None, str | None]:
    """'Political Minister-Counselor Alice G. Wells' -> ('Alice G. Wells', 'Political ...');
    'Kathleen Doherty, Economic Counselor' -> ('Kathleen Doherty', 'Economic Counselor').
    Memoised: a post's classifiers sign many cables."""
    who = who.strip(" \t.,;:")
    if not who:
        return None, None
    if "," in who:
        first, _, second = who.partition(",")
        first, second = first.strip(" ."), second.strip(" .")
        first_tokens = first.split()
        if 2 <= len(first_tokens) <= 4 and all(_is_name_token(t) for t in first_tokens):
            return first, second or None
    tokens = who.split()
    i = len(tokens)
    while i > 0 and _is_name_token(tokens[i - 1]):
        i -= 1
    name_tokens = tokens[i:]
    title = " ".join(tokens[:i]).strip(" ,.") or None
    if len(name_tokens) < 2 and not (name_tokens and title):
        return None, who
    return " ".join(name_tokens), title


@lru_cache(maxsize=1024)
def _reasons(rest: str) -> tuple[str, ...]:
    """Reasons in ``rest`` from its first number on ('1.4 (b) and (d).' recurs: memoised)."""
    reasons: list[str] = []
    numbers = list(_REASON_NUMBER.finditer(rest))
    for i, num in enumerate(numbers):
        stop = numbers[i + 1].start() if i + 1 < len(numbers) else min(len(rest), num.end() + 40)
        prefix = f"{num.group('n')}.{num.group('m')}"
        for letter in _REASON_LETTER.finditer(rest, num.end(), stop):
            reason = f"{prefix}({letter.group('x').lower()})"
            if reason not in reasons:
                reasons.append(reason)
        if not any(r.startswith(prefix) for r in reasons):
            reasons.append(prefix)
    return tuple(reasons)


def _classified_by_with_repairs(text: str) -> tuple[dict[str, Any] | None, list[Repair]]:
    """``classified_by`` as the keyword dict of ``ClassifiedBy``, with repairs."""
    m = _header_match(text, _CLASSIFIED_BY, _not_after_letter)
    if m is not None and text[m.end() : _line_end(text, m.end())].rstrip().endswith("..."):
        # A copy cut short ("for reasons 1.5 (b...", 09THEHAGUE271): a later complete one wins.
        for later in _later_matches(text, _CLASSIFIED_BY, m.end(), _not_after_letter):
            if not text[later.end() : _line_end(text, later.end())].rstrip().endswith("..."):
                m = later
                break
    if m is None:
        # Some cables classify in the first paragraph: "¶1. (U) CLASSIFIED BY CDA ..."
        end = header_end(text)
        limit = min(len(text), end + 1500)
        m = None
        for word in ("LASSIFIED", "lassified"):
            at = text.find(word, max(end, 1), limit)
            while at > 0 and m is None:
                m = _CLASSIFIED_BY_ANY_CASE.match(text, at - 1)
                at = text.find(word, at + 9, limit)
            if m is not None:
                break
        if m is None:
            return None, []
    repairs: list[Repair] = []
    # The line, then wrapped continuation lines while the reason is incomplete; blank and
    # page-break lines in between are skipped ("..., REASONS" / "PAGE 02 RUEHFRA0170 S E C R E T"
    # / "1.4 (B) AND (D).", 07PARIS170).
    line_end = _line_end(text, m.end())
    block = text[m.start() : line_end]
    pos = line_end
    skipped = False
    for _ in range(8):
        if pos >= len(text):
            break
        nxt_end = _line_end(text, pos + 1)
        nxt = text[pos + 1 : nxt_end].strip()
        flat = block.replace("\n", " ")
        number = _REASON_NUMBER.search(flat)
        complete = number is not None and _REASON_LETTER.search(flat, number.end())
        if not nxt or is_page_break(nxt):
            if complete:
                break
            skipped = True
            pos = nxt_end
            continue
        continues = nxt[:1] in {",", ".", "(", "&", ")"} or nxt[:4].lower() == "and "
        if len(nxt) > 100 or _FIRST_PARAGRAPH.match("\n" + nxt):
            break
        if complete and not continues:
            break
        if skipped and not _REASON_RESUMES.match(nxt):
            break
        block = f"{block}\n{nxt}"
        pos = nxt_end
    raw = flat = _collapse(block)
    wrapped = _WRAPPED_REASON.search(block) if "\n" in block else None
    if wrapped:
        repairs.append(
            Repair(
                "classified_by",
                f"reason wrapped across lines {block[wrapped.start() : wrapped.end()]!r} "
                f"read as '{wrapped.group(1)}.{wrapped.group(2)}'",
                m.start() + wrapped.start(),
            )
        )
        joined = f"{wrapped.group(1)}.{wrapped.group(2)}"
        block = block[: wrapped.start()] + joined + block[wrapped.end() :]
        flat = _collapse(block)
    rest = flat[_CLASSIFIED_BY_ANY_CASE.match(flat).end() :]
    while True:  # "Classified By: Classified by: Daniel Fried" (08STATE56861)
        again = _CLASSIFIED_BY_ANY_CASE.match(rest)
        if again is None:
            break
        rest = rest[again.end() :]
    numbers = _REASON_NUMBER.search(rest)
    who = _before_reason_keyword(rest)
    if numbers and who == rest:
        who = rest[: numbers.start()]
    name, title = _split_name_title(who)
    # _reasons reads from the first number on, and the character before it (look-behind):
    # what comes earlier (the name) is cut off so that the reasons part alone is the key.
    reasons = list(_reasons(rest[max(0, numbers.start() - 1) :])) if numbers else []
    return {"name": name, "title": title, "reasons": reasons, "raw": raw}, repairs


def classified_by(text: str) -> ClassifiedBy | None:
    """ "Classified By:" [TITLE] NAME ["," TITLE] ("Reason(s)" | "for reasons") N.N (x) ...

    Reasons are normalised to 'N.N(x)' ('1.4 (b, d)' -> ['1.4(b)', '1.4(d)']); a number
    wrapped across lines ('Reason: 1' / '.4 (b, d)') is rejoined. Looked for in the header,
    then in the first paragraph. None when there is no such line.

    >>> c = classified_by("Classified By: Political M/C Alice G. Wells. Reasons 1.4 (B/D)")
    >>> c.name, c.title, c.reasons
    ('Alice G. Wells', 'Political M/C', ['1.4(b)', '1.4(d)'])
    """
    fields = _classified_by_with_repairs(text)[0]
    return ClassifiedBy(**fields) if fields is not None else None


# --------------------------------------------------------------------------------------------
# TAGS, SUBJECT, REF
# --------------------------------------------------------------------------------------------

# "TAGS: PREL PBTS MARR", "TAGS PREL, PHUM", "Tags: knnp, dprk", "TAGS; ...", "TAG: ...",
# "TAGS: [PREL](#) [PGOV](#)" (markdown links), also run on after "DECL: 05/21/2015TAGS:" or
# "E.O. 12958: N/A TAGS: ..." (matched upper-cased).
_TAGS_LINE = re.compile(r"TAGS?(?![A-Z])[ \t]*(?P<colon>[:;.])?[ \t]*")
_TAGS_END = re.compile(r"SUBJ|E\.O\.")
_TAG_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]{1,40})\]\([^)\n]{0,200}\)")
_TAGS_CONTINUATION = re.compile(
    r"[ \t]*[A-Z0-9]{2,}(?:[ \t]*,[ \t]*[A-Z0-9]{2,}|[ \t]+[A-Z0-9]{2,})*[ \t]*,?[ \t]*"
)


def _tags_context(text: str, m: re.Match[str]) -> bool:
    pos = m.start()
    if _starts_line(text, pos):
        return True
    before = text[pos - 1]
    if before.isdigit() or text[max(0, pos - 4) : pos].rstrip().endswith("N/A"):
        return True
    return m.group("colon") == ":" and not before.isalpha()


def tags(text: str) -> list[str]:
    """TAGS line = ("TAGS" | "TAG" | "Tags") [":" | ";"] CODE {("," | " ") CODE}.

    Codes upper-cased, de-duplicated, in order written; markdown links ('[PGOV](#)') unwrapped;
    SIPDIS (a caveat, not a tag) dropped. A line ending in a comma continues on the next.
    [] when there is no TAGS line.

    >>> tags("TAGS: [PREL](#) [PGOV](#) [PINR](#) [TI](#) [RS](#)")
    ['PREL', 'PGOV', 'PINR', 'TI', 'RS']
    >>> tags("Tags: knnp, dprk, sy, iaea, parm, prel")
    ['KNNP', 'DPRK', 'SY', 'IAEA', 'PARM', 'PREL']
    """
    m = _header_match(text, _TAGS_LINE, _tags_context)
    if m is None:
        return []
    upper = m.string  # the upper-cased header the match was found in
    start = m.end()
    end = _line_end(text, start, len(upper))
    stop = _TAGS_END.search(upper, start, end)
    value = text[start : stop.start() if stop else end]
    if stop is None and value.rstrip().endswith(","):
        nxt = text[end + 1 : _line_end(text, end + 1, len(upper))]
        if _TAGS_CONTINUATION.fullmatch(nxt):
            value = f"{value} {nxt}"
    if "](" in value:
        value = _MARKDOWN_LINK.sub(r" \1 ", value)
    out: list[str] = []
    for token in _TAG_TOKEN.findall(value):
        code = token.upper()
        if code != "SIPDIS" and code not in out:
            out.append(code)
    return out


# "SUBJECT: RUSSIA CAMPAIGNS FOR INTERNATIONAL SUPPORT ON" + "GEORGIA" (08MOSCOW2629),
# "SUBJ: ...", "Subject: (s) germany requests ...", run into "REF:" or "Classified By:".
_SUBJECT_LINE = re.compile(r"SUBJ(?:ECT)?(?![A-Z])[ \t]*(?P<colon>[:.-])?[ \t]*")
_SUBJECT_INLINE_END = re.compile(
    r"[ \t]+(?:REFS?|REFTEL|REF\(S\))[ \t]*:|[ \t]*Classified[ \t]+By\b"
    r"|[ \t]+(?:ENTIRE[ \t]+TEXT[ \t]+)?SENSITIVE[ \t]+BUT[ \t]+UNCLASS"
    r"|[ \t]+(?:E\.O\.[ \t]?1[0-9]{4})",
    re.IGNORECASE,
)
# A page-break line run into the SUBJECT line: "... IN NEW YORK TRIPOLI 00000014 001.2 OF 002"
# (08TRIPOLI14); the station before the serial is cut off too.
_PAGE_BREAK_RUN_IN = re.compile(
    r"[ \t]+0{3,}[0-9]{1,5}[ \t]+[0-9]{3}(?:\.[0-9])?[ \t]+OF[ \t]+[0-9]{3}(?![0-9])"
)
_SUBJECT_STOP = re.compile(
    r"[ \t]*(?:(?:REFS?|REFTEL|REF\(S\)|REFERENCES?)(?![A-Za-z])|Classified[ \t]+By|"
    r"¶|[0-9]{1,2}[.,)][ \t]*\(|[0-9]{1,2}\.[ \t]|E\.?[ \t]?O\.?[ \t]?1[0-9]{4}|TAGS?\b|"
    r"SUMMARY|BEGIN SUMMARY|-{3,}|\(?[A-Z]\)?[.)][ \t]|PAGE[ \t][0-9])",
    re.IGNORECASE,
)


def _subject_inline_end(line: str) -> re.Match[str] | None:
    """``_SUBJECT_INLINE_END.search(line)``; an ASCII line without any of its keywords is
    passed over without running the pattern, which is tried at every offset."""
    if line.isascii():
        low = line.lower()
        if "ref" not in low and "classified" not in low and "sensitive" not in low:
            if "e.o." not in low:
                return None
    return _SUBJECT_INLINE_END.search(line)


def _subject_context(text: str, m: re.Match[str]) -> bool:
    pos = m.start()
    if _starts_line(text, pos):
        return True
    before = text[pos - 1]
    # Glued on a lower-case or digit ending ("...dprk, sy, iaea, parm, prelSubject: ..."), or
    # "SUBJECT:" after a blank (header lines run together on one line).
    return before.islower() or before.isdigit() or (m.group("colon") == ":" and before in " \t")


def _strip_station(value: str, text: str) -> str:
    """Drop the station written before a run-in page-break serial (the text's own station,
    else the last word)."""
    line = classification_line(text)
    if line is not None and value.upper().endswith(" " + line.station.upper()):
        return value[: -len(line.station) - 1].rstrip()
    return value.rsplit(" ", 1)[0] if " " in value else value


def subject(text: str) -> str | None:
    """SUBJECT = ("SUBJECT" | "SUBJ") [":"] TEXT {continuation line}, joined, whitespace collapsed.

    Continuation lines run to a blank line or the next header line (REF, Classified By, a
    paragraph marker); an inline 'REF:' or 'Classified By:' ends it too, and so does a
    page-break line run into it. None when absent.

    >>> subject("SUBJECT: RUSSIA CAMPAIGNS FOR SUPPORT ON\\nGEORGIA\\n\\nREF: MOSCOW 2618")
    'RUSSIA CAMPAIGNS FOR SUPPORT ON GEORGIA'
    """
    m = _header_match(text, _SUBJECT_LINE, _subject_context)
    if m is None:
        return None
    value = _subject_at(text, m)
    if value and value.endswith("..."):
        # A copy cut short ("SIX SUSPECTS ARRESTED FOR JIHAD RECRUITM...", 06THEHAGUE2415):
        # prefer a later, complete copy of the same subject (an export row of this cable).
        for later in _later_matches(text, _SUBJECT_LINE, m.end(), _subject_context):
            other = _subject_at(text, later)
            if other and len(other) > len(value) - 3 and other.startswith(value[:-3]):
                return other
    return value or None


def _subject_at(text: str, m: re.Match[str]) -> str:
    end = header_end(text)
    pos = _line_end(text, m.end(), end)
    parts = [text[m.end() : pos]]
    stop = _subject_inline_end(parts[0])
    if stop:
        parts[0] = parts[0][: stop.start()]
    else:
        # Continuation lines until a blank line or the next header line (at most 4 more).
        for _ in range(4):
            if pos >= end:
                break
            line_end = _line_end(text, pos + 1, end)
            line = text[pos + 1 : line_end]
            pos = line_end
            if not line.strip():  # the usual end (and never a page break)
                break
            if is_page_break(line):
                continue
            if _SUBJECT_STOP.match(line):
                break
            inline = _subject_inline_end(line)
            if inline:
                parts.append(line[: inline.start()])
                break
            parts.append(line)
    value = _collapse(" ".join(parts))
    # The serial's zero padding is a literal the pattern (blanks first) cannot skip to.
    run_in = _PAGE_BREAK_RUN_IN.search(value) if "000" in value else None
    if run_in:
        value = _strip_station(value[: run_in.start()], text)
    return value


# "REF: MOSCOW 4008 (EXDIS)", "REF: A. MOSCOW 2860 B. MOSCOW 06 12711", "Refs: (A) State 348254",
# "REFTEL", "REF(S):"; the block runs until a blank line followed by something else. Matched
# upper-cased; at a line start, or run into the line before as "REF:".
_REF_START = re.compile(r"REF(?:S|TELS?|\(S\)|ERENCES?)?(?![A-Z])[ \t]*(?P<colon>[:.])?[ \t]*")
_REF_STOP = re.compile(
    r"[ \t]*(?:Classified[ \t]+By|¶[ \t]*[0-9]|[0-9]{1,2}[.,)][ \t]*\(|1\.[ \t]|SUMMARY|"
    r"BEGIN SUMMARY|-{3,}|SUBJECT|TAGS|E\.O\.)",
    re.IGNORECASE,
)
_REF_INLINE_STOP = re.compile(r"Classified[ \t]+By\b|\b1\.[ \t]*\(", re.IGNORECASE)
# Entry labels: "A.", "A)", "(A)", "¶B." (WikiLeaks put a pilcrow before line-initial letters),
# at the start of the block or after a blank, ';' or ','. That character starts the second
# pattern (rather than a look-behind) so that the engine skips from one blank to the next; it
# is never part of the label before, which ends in '.' or ')'.
_REF_LABEL_BODY = r"¶?(?:\((?P<l1>[A-Za-z])\)|(?P<l2>[A-Za-z])[.)])(?=[ \t\n])"
_REF_LABEL = re.compile(_REF_LABEL_BODY)
_REF_LABEL_AFTER = re.compile(r"[\s;,]" + _REF_LABEL_BODY)
# A reference id written as one token: "09BAMAKO280" (10BAMAKO52).
# (The look-behind comes after the first digit: see _EXPORT_ID.)
_GLUED_ID = re.compile(
    r"[0-9](?<![A-Za-z0-9][0-9])[0-9](?P<station>[A-Z]{4,})[0-9]{1,6}(?![A-Za-z0-9])"
)
# One citation: [YEAR] STATION [YEAR] SERIAL ["/" YY] ["(" YY ")"]; serial may use letter O.
# The look-behind only spares the engine the tries inside a word: a citation whose station
# starts there would have been found from the word's first letter (no match ends before a
# letter), so the matches are the same.
_CITATION = re.compile(
    r"(?:(?P<y1>'?[0-9]{2}|(?:19|20)[0-9]{2})[ \t]+)?"
    r"(?<![A-Za-z])(?P<station>[A-Za-z][A-Za-z'-]*(?:[ \t][A-Za-z][A-Za-z'-]*){0,3}?)[ \t]+"
    r"(?:(?P<y2>[0-9]{2})[ \t]+)?(?P<serial>[0-9][0-9O]{0,6}|O[0-9][0-9O]{0,5})(?![0-9A-Za-z])"
    r"(?:/(?P<y3>[0-9]{2})(?![0-9]))?(?:[ \t]*\((?P<y4>[0-9]{2})\))?"
)
# A further serial of the same station: "BRASILIA 2799 AND 2764".
_MORE_SERIAL = re.compile(r"[ \t]*(?:,|AND|&)[ \t]*(?P<serial>[0-9]{2,7})(?![0-9A-Za-z/])", re.I)
_REF_NOTE = re.compile(r"\((?P<note>[A-Z][A-Z /-]{2,20})\)")
# Words that are never (part of) a station in a REF citation: e-mails, telcons, dates...
_NOT_STATIONS = frozenset(
    """
    AND OR OF A AN IN ON AT TO FOR FROM BY DATED DTG PARA PARAS PARAGRAPH MEMCON MEMCONS
    TELCON TELCONS EMAIL EMAILS E-MAIL E-MAILS LETTER FAX NOTE CABLE CABLES REFTEL REF REFS
    SEPTEL IIR TDX TD DOC PAGE DAILY REPORT DESK DEPT DEPARTMENT UNCLAS SUMMER FALL WINTER
    SPRING JANUARY FEBRUARY MARCH APRIL MAY JUNE JULY AUGUST SEPTEMBER OCTOBER NOVEMBER
    DECEMBER JAN FEB MAR APR JUN JUL AUG SEP SEPT OCT NOV DEC NO NUMBER SECTION
    """.split()
)


def _ref_context(text: str, m: re.Match[str]) -> bool:
    return _starts_line(text, m.start()) or (
        m.group("colon") == ":" and text[m.start() - 1] in " \t"
    )


def _reference_block(text: str) -> tuple[int, str] | None:
    c = _ctx(text)
    if "REF" not in c.upper:  # a header without "REF" (486 of 1,357 cables): one string search
        return None
    m = _header_match(text, _REF_START, _ref_context)
    if m is None:
        return None
    end = c.header_end
    line_end = text.find("\n", m.end(), end)
    if line_end < 0:
        line_end = end
    lines = [text[m.end() : line_end]]
    pos = line_end
    blank = False
    for _ in range(30):
        if pos >= end:
            break
        line_end = text.find("\n", pos + 1, end)
        if line_end < 0:
            line_end = end
        line = text[pos + 1 : line_end]
        pos = line_end
        if not line.strip():
            blank = True
            continue
        if is_page_break(line):
            continue
        if _REF_STOP.match(line):
            break
        # After a blank line only a lettered entry continues the block.
        if blank and not _REF_LABEL.match(line.strip()):
            break
        blank = False
        lines.append(line)
    block = "\n".join(lines)
    block = block[: _inline_stop(block)]
    if could_hold_page_break(block) and page_break_spans(block):  # most blocks cannot
        # "B. TRIPOLI 1038 TRIPOLI 00001066 001.2 OF 004" (07TRIPOLI1066)
        block = remove_page_breaks(block)
    return m.end(), block


def _inline_stop(block: str) -> int:
    """Where ``_REF_INLINE_STOP`` first matches in ``block``, else its length. Without '1.' and,
    in ASCII (where IGNORECASE is plain ASCII case), without 'classified' in any case, there
    is no match: the search, which has no literal to skip ahead with, is left out."""
    if block.isascii() and "1." not in block and "classified" not in block.lower():
        return len(block)
    stop = _REF_INLINE_STOP.search(block)
    return len(block) if stop is None else stop.start()


_ENTRY_SPLIT = re.compile(r"[;\n]")


def _ref_labels(block: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, letter) of every entry label: at the start of the block, then after a
    blank, ';' or ','."""
    # Every label ends in '.' or ')': a block with neither (about half) needs no search.
    if "." not in block and ")" not in block:
        return
    pos = 0
    m = _REF_LABEL.match(block)
    if m is not None:
        yield 0, m.end(), m.group("l1") or m.group("l2")
        pos = m.end()
    for m in _REF_LABEL_AFTER.finditer(block, pos):
        yield m.start() + 1, m.end(), m.group("l1") or m.group("l2")


def _split_entries(block: str) -> list[tuple[str | None, str]]:
    """Split a REF block into (label, entry) pairs; labels must run A, B, C..."""
    cuts: list[tuple[int, int, str]] = []
    expected = "A"
    for start, end, letter in _ref_labels(block):
        label = letter.upper()
        if label == expected:
            cuts.append((start, end, label))
            expected = chr(ord(expected) + 1)
        elif cuts and label == cuts[-1][2] and start - cuts[-1][1] <= 2:
            # "A. (A) DANILOVICH-NORIEGA TELCON": the same label written twice.
            cuts[-1] = (cuts[-1][0], end, label)
    if not cuts:
        return [(None, p) for p in _ENTRY_SPLIT.split(block) if p.strip()]
    entries: list[tuple[str | None, str]] = []
    for i, (_start, stop, label) in enumerate(cuts):
        nxt = cuts[i + 1][0] if i + 1 < len(cuts) else len(block)
        entries.append((label, block[stop:nxt]))
    return entries


def _year_of(m: re.Match[str], default: int | None) -> int | None:
    for value in m.group("y1", "y2", "y3", "y4"):
        if value:
            return int(value.lstrip("'")) % 100
    return default % 100 if default is not None else None


# The usual entry, "MOSCOW 4008 (EXDIS)" or " 06 TBILISI 2601 ": blanks, [YY] STATION SERIAL, then
# no digit. Every _CITATION alternative it leaves out (an apostrophe, a second year, a letter O,
# "/YY", "(YY)", a further serial) needs a character this shape forbids, so _cited_general finds
# the same one citation; it skips the two scans and the per-match work.
_SIMPLE_CITATION = re.compile(
    r"[ \t\n]*(?:(?P<y1>[0-9]{2})[ \t]+)?(?P<station>[A-Za-z]+(?:[ \t][A-Za-z]+){0,3})"
    r"[ \t]+(?P<serial>[0-9]{1,7})(?![0-9A-Za-z/])"
)
_DIGIT = re.compile("[0-9]")


def _cited(entry: str, year: int | None, offset: int) -> tuple[list[str], list[Repair]]:
    """Reference ids cited in one REF entry."""
    m = _SIMPLE_CITATION.match(entry)
    if m is None or _DIGIT.search(entry, m.end()) is not None:
        return _cited_general(entry, year, offset)
    words = m.group("station").upper().split()
    if not _NOT_STATIONS.isdisjoint(words):  # skipped or trimmed: the general path decides
        return _cited_general(entry, year, offset)
    y1 = m.group("y1")
    if y1:
        yy = int(y1)
    elif year is None:
        return [], []
    else:
        yy = year % 100
    return [f"{yy:02d}{canonical_station(' '.join(words))}{int(m.group('serial'))}"], []


def _cited_general(entry: str, year: int | None, offset: int) -> tuple[list[str], list[Repair]]:
    """Reference ids cited in one REF entry, any shape."""
    cited: list[str] = []
    repairs: list[Repair] = []
    for glued in _GLUED_ID.finditer(entry):
        cid = canonical_cable_id(glued.group(0))
        if cid is not None and glued.group("station") not in _NOT_STATIONS:
            cited.append(cid)
    if cited:
        return cited, repairs
    for m in _CITATION.finditer(entry):
        # ASCII letters, "'" and "-" in words that start with a letter, one blank or tab apart.
        words = m.group("station").upper().split()
        while words and words[0] in _NOT_STATIONS:
            words.pop(0)
        if not words or not _NOT_STATIONS.isdisjoint(words):
            continue
        station_raw = " ".join(words)
        yy = _year_of(m, year)
        serial = m.group("serial")
        if "O" in serial:
            fixed = serial.replace("O", "0")
            repairs.append(Repair("references", f"serial {serial!r} read as {fixed!r}", offset))
            serial = fixed
        if yy is None:
            continue
        station = canonical_station(station_raw)
        cited.append(f"{yy:02d}{station}{int(serial)}")
        pos = m.end()
        more = _MORE_SERIAL.match(entry, pos)
        while more:
            cited.append(f"{yy:02d}{station}{int(more.group('serial'))}")
            more = _MORE_SERIAL.match(entry, more.end())
    return cited, repairs


def _references_with_repairs(
    text: str, year: int | None
) -> tuple[list[dict[str, Any]], list[Repair]]:
    """``references`` as keyword dicts of ``Reference``, with repairs."""
    found = _reference_block(text)
    if found is None:
        return [], []
    offset, block = found
    refs: list[dict[str, Any]] = []
    repairs: list[Repair] = []
    for label, entry in _split_entries(block):
        raw = _collapse(entry).strip(" ;,")
        if not raw:
            continue
        note_match = _REF_NOTE.search(entry)
        note = note_match.group("note").strip() if note_match else None
        cited, more = _cited(entry, year, offset)
        repairs += more
        if not cited:
            refs.append({"label": label, "raw": raw, "id": None, "note": note})
        for cid in dict.fromkeys(cited):
            refs.append({"label": label, "raw": raw, "id": cid, "note": note})
    return refs, repairs


def references(text: str, *, year: int | None = None) -> list[Reference]:
    """REF block = ("REF" | "REFS" | "REFTEL") [":"] ENTRY {ENTRY}; ENTRY = [LABEL] CITATION.

    CITATION = [YY] STATION [YY] SERIAL ["/" YY] ["(" YY ")"] ["(" NOTE ")"]; a citation
    without a year takes ``year`` (the citing cable's, four or two digits); without either its
    ``id`` is None. 'BRASILIA 2799 AND 2764' cites two cables. Entries that cite no cable
    (memcons, e-mails) are kept with ``id`` None. [] when there is no REF block.

    >>> [(r.id, r.note) for r in references("REF: MOSCOW 4008 (EXDIS)", year=2007)]
    [('07MOSCOW4008', 'EXDIS')]
    >>> [r.id for r in references("REF: A. MOSCOW 2860 B. MOSCOW 06 12711", year=2007)]
    ['07MOSCOW2860', '06MOSCOW12711']
    """
    return [Reference(**fields) for fields in _references_with_repairs(text, year)[0]]


# --------------------------------------------------------------------------------------------
# Body: paragraphs, summary, signature
# --------------------------------------------------------------------------------------------

# Paragraph marker at a line start: "¶1.", "¶ 5.", "1. (C)", "4, (C)" (OCR'd period), "11. (SBU)"
# (OCR'd pilcrow: 08MOSCOW2629), "1.(U)"; then an optional portion marking. Matched after a
# newline: a literal first character lets the engine skip ahead fast.
_MARKER_BODY = (
    r"[ \t]*(?:(?P<pilcrow>¶)[ \t]*)?(?P<number>[0-9]{1,4})[ \t]*(?P<punct>[.,)])"
    r"(?:[ \t]*(?P<marking>\([A-Za-z/ ]{1,24}\)))?[ \t]*"
)
# The look-ahead (what a marker's first character can be) rejects most lines in one test.
_MARKER_NL = re.compile("\n(?=[ \t¶0-9])" + _MARKER_BODY)
# Portion markings: "(C)", "(SBU)", "(S/NF)", "(S//NF)", "(C/REL NATO)", "(U//FOUO)", "(u)".
_MARKING = re.compile(
    r"\((?P<level>TS|S|C|U|SBU)(?:[ ]?/{1,2}[ ]?(?P<caveat>[A-Z][A-Z /]{0,20}))?\)", re.I
)
_MARKING_CAVEATS = {"NOFORN": "NF", "NF": "NF", "FOUO": "FOUO"}
_DASHES = re.compile(r"[ \t]*(?:(?:-[ \t]*){3,}|[=_*]{3,}[ \t]*)")
# What a line must start with to be a list item or a blank line: a blank, a bullet or "(", or
# two characters of which the second is ".", ")" or a digit. A wrapped line of text starts with
# two letters: the look-ahead rejects it in one test, where the alternatives after it try one
# another (the paragraph step's searches take a third less time).
_ITEM_OR_BLANK_AHEAD = r"(?=[ \t\n*•(-]|[A-Za-z0-9][.)0-9])"
# List items keep their line break: "-- ", "- ", "* ", "• ", "(a) ", "a) ", "A. ", "1. ", "12) ".
_LIST_LINE = re.compile(
    r"\n" + _ITEM_OR_BLANK_AHEAD + r"[ \t]*(?:-{1,2}[ \t]|\*[ \t]|•|\(?[A-Za-z0-9]\)[ \t]"
    r"|[A-Za-z]\.[ \t]|[0-9]{1,2}[.)][ \t])"
)
_BLOCK_SPLIT = re.compile(r"\n[ \t]*\n")
# Either of the two above, in one search: a paragraph with neither is one block to collapse.
_SPLIT_OR_LIST = re.compile(
    r"\n" + _ITEM_OR_BLANK_AHEAD + r"[ \t]*(?:(?P<blank>\n)|-{1,2}[ \t]|\*[ \t]|•"
    r"|\(?[A-Za-z0-9]\)[ \t]|[A-Za-z]\.[ \t]|[0-9]{1,2}[.)][ \t])"
)
# A heading underlined (or framed) by dashes at the end of a paragraph: the grammar that
# _underlined_heading() matches with string operations (the regex, tried at every line
# break of the paragraph's tail, cost more).
_UNDERLINED_HEADING = re.compile(
    r"\n(?:[ \t]*-{3,}[ \t]*\n)?(?P<heading>[^\n]{1,100})\n[ \t]*-{3,}[ \t]*$"
)
_SENTENCE_END = (".", "!", "?", ":", '"', "”", ")", "]", ";")
_DASH_CHARS = frozenset("-=_*")


@lru_cache(maxsize=512)
def _normalise_marking(raw: str) -> str | None:
    """'(S/NF)' -> 'S//NF', '(C/REL NATO)' -> 'C//REL NATO', '(u)' -> 'U'; None if not one."""
    m = _MARKING.fullmatch(_collapse(raw))
    if m is None:
        return None
    level = m.group("level").upper()
    caveat = m.group("caveat")
    if not caveat:
        return level
    caveat = _collapse(caveat.upper().replace("/", " "))
    return f"{level}//{_MARKING_CAVEATS.get(caveat, caveat)}"


def _is_dashes(block: str) -> bool:
    return block[:1] in "-=_* \t" and _DASHES.fullmatch(block) is not None


# SIPDIS in either of its two spellings. A pattern with a literal first character: one scan,
# where `"SIPDIS" in body or "Sipdis" in body` made two slower ones (str's search of a short
# needle is slower here than the engine's skip to its first character).
_SIPDIS = re.compile("S(?:IPDIS|ipdis)")


def _clean_body(body: str, station: str | None = None) -> str:
    """Page-break lines and SIPDIS blanked out, keeping offsets: a SIPDIS line becomes a blank
    line, a SIPDIS inside a sentence a few spaces; the paragraph assembly rejoins both.
    ``station`` (as the classification line writes it) finds continuations run into text."""
    body = blank_page_breaks(body, station)
    if _SIPDIS.search(body) is not None:
        body = body.replace("SIPDIS", "      ").replace("Sipdis", "      ")
    return body


def _blocks(chunk: str) -> list[str]:
    """Blank-line separated blocks, stripped, empty ones dropped."""
    return [b.strip() for b in _BLOCK_SPLIT.split(chunk) if b and not b.isspace()]


def _last_block(chunk: str) -> str | None:
    """``_blocks(chunk)[-1]`` without stripping the blocks before it; None without blocks."""
    for part in reversed(_BLOCK_SPLIT.split(chunk)):
        if part and not part.isspace():
            return part.strip()
    return None


def _squeeze(flat_text: str) -> str:
    """``_collapse`` of text already read from ``flat`` and stripped: runs of spaces. No
    ``"  " in`` pre-check: it scans slower than the pattern, which returns the text itself when
    nothing matches."""
    return _SPACES.sub(" ", flat_text)


def _join_lines(block: str) -> str:
    """Join wrapped lines with a space; keep a line break before list items ('-- ', 'A. ')."""
    if "\n" not in block or _LIST_LINE.search(block) is None:
        return _collapse(block)
    out = ""
    for raw in block.split("\n"):
        line = _collapse(raw)
        if not line:
            continue
        if not out:
            out = line
        elif _LIST_LINE.match("\n" + line):
            out = f"{out}\n{line}"
        else:
            out = f"{out} {line}"
    return out


def _heading_lines(block: str) -> list[str]:
    return [ln.strip() for ln in block.split("\n") if ln.strip() and not _is_dashes(ln)]


def _heading_of(block: str) -> str | None:
    """The heading a (stripped, non-empty) block is, dashes and blanks stripped; None when it is
    not one: a single line (bar dash rules) of at most 100 characters that is not a header
    field or SIPDIS and does not end like a sentence ('.', ',', ';', ':', bar an ellipsis)."""
    if len(block) > 300:
        return None
    line = _heading_line(block)
    if (
        line is None
        or len(line) > 100
        or _HEADER_FIELD_LINE.match(line)
        or line.upper() == "SIPDIS"
    ):
        return None
    if line.endswith("...") or not line.endswith((".", ",", ";", ":")):
        return _collapse(line).strip(" -")
    return None


def _heading_line(block: str) -> str | None:
    """The one line of a stripped, non-empty block that is not a dash rule; None when it has
    none or several."""
    if "\n" not in block:  # one line, stripped already
        return None if _is_dashes(block) else block
    if _two_text_lines(block):
        return None
    lines = _heading_lines(block)
    return lines[0] if len(lines) == 1 else None


def _two_text_lines(block: str) -> bool:
    """True when a stripped block's first and last lines are two lines of text (not dash rules),
    so that ``_heading_lines`` would find two or more: the usual answer for a short paragraph,
    found without splitting it into lines."""
    last = block.rfind("\n")
    return last >= 0 and block[:1] not in "-=_*" and block[last + 1 : last + 2] not in "-=_* \t"


def _joined_parts(parts: list[str]) -> str:
    """Blocks of one paragraph (each joined and collapsed): rejoined with a space where a
    sentence was cut (by a page break or a SIPDIS line), else kept apart by a blank line."""
    if len(parts) == 1:  # the usual paragraph, once the heading after it is cut off
        return parts[0]
    out: list[str] = []
    previous = ""
    for part in parts:
        if previous:
            apart = previous.endswith(_SENTENCE_END) and not part[:1].islower()
            out.append("\n\n" if apart else " ")
        out.append(part)
        previous = part
    return "".join(out)


def _paragraph_text(blocks: list[str]) -> str:
    """Blocks of one paragraph, as ``_blocks`` gives them: rules dropped, lines joined, then
    ``_joined_parts``."""
    parts = []
    for block in blocks:
        # _is_dashes and _join_lines, inlined for the usual block (no rule, no list item);
        # a stripped block starts with one of "-=_*" when it is a rule.
        if block[0] in _DASH_CHARS and _is_dashes(block):
            continue
        if "\n" not in block or _LIST_LINE.search(block) is None:
            # _collapse of a stripped block: its ends stay text, so its final strip is moot.
            parts.append(_squeeze(_flat(block)))
        else:
            parts.append(_join_lines(block))
    return _joined_parts(parts)


def _accept_marker(
    m: re.Match[str], expected: int, seen: bool, later: list[int]
) -> tuple[int | None, str | None]:
    """Paragraph number of a marker match (None to reject it) and a repair message if any.

    ``later`` holds the numbers of the next few candidate markers: a skipped number is taken
    only when the expected one does not follow ("...at paragraph\n¶3.  End summary.\n\n¶2."
    in 05SANJOSE1772 is a wrapped sentence, not paragraph 3).
    """
    raw, pilcrow_mark, punct = m.group("number", "pilcrow", "punct")
    number = int(raw)
    if number == expected and raw[0] != "0" and punct == "." and "¶ " not in m.group(0):
        return number, None  # the common case: the next number as '¶N.' or 'N.'
    pilcrow = pilcrow_mark is not None
    marked = m.group("marking") is not None
    if len(raw) > 1 and raw.startswith("0"):
        return None, None  # "¶0200." is a time, not paragraph 200
    if (
        len(raw) == 2
        and raw[0] == "1"
        and number != expected
        and int(raw[1]) == expected
        and not pilcrow
    ):
        # "11. (SBU)" for "¶1. (SBU)": the pilcrow was read as the digit 1 (08MOSCOW2629).
        return expected, f"marker '{raw}.' read as '¶{expected}.' (pilcrow read as 1)"
    if number == expected or (not seen and number == 1):
        pass
    elif (pilcrow or marked) and expected < number <= expected + (3 if seen else 20):
        if expected in later:
            return None, None
        # A skipped number ("1, 2, 4"), or a partial extract starting at "¶2. (C)" (05BRASILIA1621).
    else:
        return None, None
    if m.group("punct") == ",":
        return number, f"marker '{raw},' read as '{number}.' (comma for period)"
    if pilcrow and m.group(0).lstrip()[1:2] in (" ", "\t"):
        return number, f"marker '¶ {raw}.' read as '¶{number}.'"
    return number, None


def _is_rule_line(line: str) -> bool:
    """A line of three or more dashes between blanks: ``[ \t]*-{3,}[ \t]*``."""
    core = line.strip(" \t")
    return len(core) >= 3 and not core.strip("-")


def _underlined_heading(chunk: str) -> tuple[int, str] | None:
    """(start, heading) of ``_UNDERLINED_HEADING.search(chunk, len(chunk) - 300)`` found with
    string operations: the last line a rule, the one before it the heading (1 to 100
    characters), optionally a rule above it; every line break at or after the search start."""
    lo = max(0, len(chunk) - 300)
    under = chunk.rfind("\n")
    if under < lo or not _is_rule_line(chunk[under + 1 :]):
        return None
    above = chunk.rfind("\n", 0, under)
    if above < lo or not 1 <= under - above - 1 <= 100:
        return None
    frame = chunk.rfind("\n", 0, above)
    start = frame if frame >= lo and _is_rule_line(chunk[frame + 1 : above]) else above
    return start, chunk[above + 1 : under]


def _blocks_text(chunk: str, more: bool, next_heading: str | None) -> tuple[str, str | None]:
    """(text, heading of the next paragraph or None) of a paragraph's stripped chunk that starts
    with a rule or holds blank lines or list items; ``more`` when another paragraph follows
    (whose heading, the chunk's last block, may close it) and ``next_heading`` when an
    underlined one was already cut off the chunk."""
    parts = _BLOCK_SPLIT.split(chunk)
    if len(parts) == 1:  # no blank line: a list, or a rule
        return (_join_lines(chunk) if not _is_dashes(chunk) else ""), next_heading
    blocks = [b.strip() for b in parts if b and not b.isspace()]
    if next_heading is None and more:
        # The chunk's ends are not blank, so a blank line in it leaves a block on either side.
        next_heading = _heading_of(blocks[-1])
        if next_heading is not None:
            blocks.pop()
    return _paragraph_text(blocks), next_heading


def _closing_heading(body: str, hit: re.Match[str], stop: int) -> str | None:
    """The heading that closes a paragraph's chunk (ending at ``stop``) whose first blank line or
    list item is ``hit``, when that is its only blank line (the usual paragraph followed by a
    heading): ``_blocks_text`` would take the block after it for the next paragraph's heading.
    None when that block is not a heading, or for another layout."""
    if hit.lastgroup != "blank":
        return None
    tail = body[hit.end() : stop].strip()
    # A heading has at most 300 characters: the search for another blank line stays short (but
    # for blanked page breaks before it).
    if len(tail) > 300 or _BLOCK_SPLIT.search(body, hit.end(), stop) is not None:
        return None
    return _heading_of(tail)


def _marker_numbers(
    candidates: list[re.Match[str]], offset: int, repairs: list[Repair]
) -> list[tuple[re.Match[str], int]]:
    """The accepted markers among the candidate matches, with their paragraph numbers; repairs
    (read '11.' as '¶1.', ...) are added to ``repairs``."""
    markers: list[tuple[re.Match[str], int]] = []
    expected = 1
    for k, m in enumerate(candidates):
        # All four groups in one call: cheaper than three looked up by name.
        pilcrow, raw, punct, _ = m.groups()
        # raw == str(expected) is int(raw) == expected without a leading zero; the only '¶' of
        # a match is its pilcrow group.
        if punct == "." and raw == str(expected) and (pilcrow is None or "¶ " not in m.group(0)):
            markers.append((m, expected))  # the common case, as _accept_marker takes it
            expected += 1
            continue
        later = [int(c.group("number")) for c in candidates[k + 1 : k + 4]]
        number, repair = _accept_marker(m, expected, bool(markers), later)
        if number is None:
            continue
        if repair:
            repairs.append(Repair("paragraphs", repair, offset + m.start()))
        markers.append((m, number))
        expected = number + 1
    return markers


def _flat(body: str) -> str:
    """The body with line breaks, tabs and CRs as spaces, same offsets: a paragraph of wrapped
    lines (the common case) is then one slice of it with runs of spaces squeezed, instead of a
    slice, a strip and the clean-up of its own."""
    flat = body.replace("\n", " ")
    if "\t" in flat or "\r" in flat:
        flat = flat.replace("\t", " ").replace("\r", " ")
    return flat


def _paragraphs_with_repairs(text: str) -> tuple[list[dict[str, Any]], list[Repair]]:
    """Paragraphs as keyword dicts of ``Paragraph`` (validated once, inside the ``Cable``)."""
    offset = _body_start(text)
    # A leading newline so that every marker follows one; body[k] is text[offset + k - 1].
    line = classification_line(text)
    station = line.station if line is not None else None
    body = "\n" + _clean_body(text[offset:], station)
    repairs: list[Repair] = []
    markers = _marker_numbers(list(_MARKER_NL.finditer(body)), offset, repairs)
    if not markers:
        texts = [_join_lines(b) for b in _blocks(body)]
        return [{"text": t} for t in texts if t], repairs

    paragraphs: list[dict[str, Any]] = []
    flat = _flat(body)
    # A heading right before the first marker ("SUMMARY", '"Only Moderately Offensive"').
    first_start = markers[0][0].start()
    lead = _blocks(body[:first_start]) if first_start > 0 else []
    if not lead and offset > 0:
        # The header's last block before the first marker ("SUMMARY" in 07MOSCOW4307), unless
        # it is a header field or a REF entry ("D) 05 BRASILIA 2902", 06BRASILIA1255).
        last = _last_block(_clean_body(text[max(0, offset - 200) : offset]))
        lead = [last] if last and not _REF_LABEL.match(last) else []
    heading = _heading_of(lead[-1]) if lead else None
    if lead and first_start > 0:
        # Unnumbered text between the header and the first marker is a paragraph of its own.
        own = lead[:-1] if heading else lead
        if own:
            paragraphs.append({"text": _paragraph_text(own)})
    last = len(markers) - 1
    stops = [m.start() for m, _ in markers[1:]]
    stops.append(len(body))
    split_or_list = _SPLIT_OR_LIST.search
    for i, (m, number) in enumerate(markers):
        start = m.end()
        # The stripped chunk is body[start:stop] once the blanks at both ends are cut off.
        paragraph_text = flat[start : stops[i]].rstrip()
        stop = start + len(paragraph_text)
        paragraph_text = paragraph_text.lstrip()
        start = stop - len(paragraph_text)
        more = i < last
        next_heading = None
        if paragraph_text[-1:] == "-" and more:
            # A heading underlined (or framed) by dashes right under the text, with no blank
            # line between: "... notetaker.\nHigher Education Funding\n-----" (05DUBLIN286).
            chunk = body[start:stop]
            underlined = _underlined_heading(chunk)
            if underlined is not None and underlined[0] > 0:
                next_heading = _collapse(underlined[1]).strip(" -")
                stop = start + len(chunk[: underlined[0]].rstrip())
                paragraph_text = flat[start:stop]
        if paragraph_text[:1] in _DASH_CHARS:  # a rule first
            paragraph_text, next_heading = _blocks_text(body[start:stop], more, next_heading)
        elif (hit := split_or_list(body, start, stop)) is not None:  # blank lines or list items
            closing = _closing_heading(body, hit, stop) if more and next_heading is None else None
            if closing is not None:
                # The text, then the next paragraph's heading after a blank line: the text is
                # one block without list items (the first of them would have been the hit).
                next_heading = closing
                paragraph_text = _squeeze(flat[start : hit.start()].rstrip())
            else:
                paragraph_text, next_heading = _blocks_text(body[start:stop], more, next_heading)
        else:
            paragraph_text = _squeeze(paragraph_text)
        marking = m.group("marking")
        paragraphs.append(
            {
                "number": number,
                "classification": _normalise_marking(marking) if marking else None,
                "classification_raw": marking,
                "heading": heading,
                "text": paragraph_text,
            }
        )
        heading = next_heading
    return paragraphs, repairs


def paragraphs(text: str) -> list[Paragraph]:
    """Body paragraphs = MARKER [MARKING] TEXT, MARKER = ["¶"] N "." ; headings kept apart.

    Markers are accepted when they continue the numbering ('¶0200.' is a time, not paragraph
    200); OCR'd forms are read as meant ('11. (SBU)' for '¶1.', '4, (C)' for '4.'). Page-break
    lines and SIPDIS are removed; a block cut mid-sentence is rejoined. Given a whole cable,
    the header is skipped. [] for an empty text.

    >>> found = paragraphs("¶1. (S/NF) One.\\n\\n¶2. (U) Two.")
    >>> [(p.number, p.classification, p.text) for p in found]
    [(1, 'S//NF', 'One.'), (2, 'U', 'Two.')]
    """
    return [Paragraph(**row) for row in _paragraphs_with_repairs(text)[0]]


# "SUMMARY: ... END SUMMARY.", "Summary and comment: ...", "BEGIN SUMMARY", "End summary and
# comment", a "SUMMARY" heading line before "¶1." (07MOSCOW4307). The word is found with
# str.find in its three usual cases, then checked with these patterns: much faster than a
# case-blind regex over the body or lower-casing it.
_SUMMARY_AT = re.compile(
    r"SUMMARY(?:[ \t]+AND[ \t]+(?:COMMENTS?|ACTION[ \t]+REQUESTS?|RECOMMENDATIONS?))?"
    r"(?:(?P<colon>[ \t]*[:.-]+[ \t]*)|[ \t-]*(?:\n|$))",
    re.IGNORECASE,
)
_SUMMARY_LEAD = re.compile(r"[ \t\-(]*(?:BEGIN[ \t]+)?", re.IGNORECASE)
_SUMMARY_END = re.compile(r"\(?END[ \t]+(?:OF[ \t]+)?$", re.IGNORECASE)
_SUMMARY_END_TAIL = re.compile(r"SUMMARY\b[^.\n]{0,40}?[.)]*", re.IGNORECASE)
# The word in its three cases, found by what follows its first letter: "ummary" covers
# "Summary" and "summary" in one scan, "UMMARY" covers "SUMMARY" (the letter before is checked).
_SUMMARY_TAILS = (("ummary", "Ss"), ("UMMARY", "S"))
_LEADING_MARKER = re.compile(
    r"[ \t\n]*(?:¶?[ \t]*[0-9]{1,2}[.,][ \t]*)?(?:\([A-Za-z/ ]{1,24}\)[ \t]*)?"
)


def _find_summary_words(text: str, start: int, end: int) -> Iterator[int]:
    """Offsets of 'SUMMARY', 'Summary' or 'summary' in text[start:end], in order.

    Two scans instead of three, and each stops where the earliest hit so far is (callers mostly
    stop at the first), so a case absent from the text is not looked for past it. Hits never
    overlap (no case of the word has an 's' after its first letter), so the next word is
    looked for 7 characters on, and every range is scanned once: linear time.
    """
    pos = start + 1  # where a tail may start: one after the word's first letter
    while True:
        first = -1
        stop = end
        for tail, heads in _SUMMARY_TAILS:
            i = text.find(tail, pos, stop)
            while i >= 0 and text[i - 1] not in heads:
                i = text.find(tail, i + 6, stop)
            if i >= 0:
                # The other tail is wanted only if its word starts before this one.
                first, stop = i, i + 5
        if first < 0:
            return
        yield first - 1
        pos = first + 7


def _summary_start(text: str, start: int, limit: int) -> re.Match[str] | None:
    for at in _find_summary_words(text, start, limit):
        before = text[at - 1] if at > 0 else "\n"
        if before.isalnum() or _SUMMARY_END.search(text, max(0, at - 8), at):
            continue
        m = _SUMMARY_AT.match(text, at)
        if m is None:
            continue
        if m.group("colon"):
            return m
        if _SUMMARY_LEAD.fullmatch(text, _line_start(text, at), at):
            return m
    return None


def _summary_end(text: str, start: int, limit: int) -> tuple[int, int] | None:
    """(start, end) of the first 'END SUMMARY' (any case, '(End summary and comment.)')."""
    for at in _find_summary_words(text, start, limit):
        end_word = _SUMMARY_END.search(text, max(start, at - 10), at)
        if end_word is not None:
            tail = _SUMMARY_END_TAIL.match(text, at)
            return end_word.start(), tail.end() if tail else at + 7
    return None


def _clean_summary(text: str, chunk: str) -> str:
    """``_clean_body`` of a summary chunk. Most chunks have nothing to blank (no page break
    can be there, no SIPDIS): then the station lookup and the scans are spared."""
    if could_hold_page_break(chunk) or _SIPDIS.search(chunk) is not None:
        line = classification_line(text)
        return _clean_body(chunk, line.station if line is not None else None)
    return chunk


def summary(text: str) -> str | None:
    """SUMMARY = ("SUMMARY" [":"] | "BEGIN SUMMARY") TEXT ("END SUMMARY" | end of paragraph).

    The text between the markers, paragraph markers and page breaks removed, whitespace
    collapsed. Without an END SUMMARY the paragraph that opens with 'Summary:' is the summary.
    None when no summary is marked.

    >>> summary("¶1. (C) Summary: Talks failed. End summary.\\n\\n¶2. (C) More.")
    'Talks failed.'
    """
    start_at = max(0, _body_start(text) - 40)
    m = _summary_start(text, start_at, min(len(text), start_at + 8000))
    if m is None:
        return None
    end = _summary_end(text, m.end(), min(len(text), m.end() + 12000))
    if end is not None:
        chunk = text[m.end() : end[0]]
    else:
        nxt = _MARKER_NL.search(text, m.end())
        chunk = text[m.end() : nxt.start() if nxt else min(len(text), m.end() + 5000)]
    chunk = _clean_summary(text, chunk)
    chunk = chunk[_LEADING_MARKER.match(chunk).end() :]
    if "\n" in chunk:  # a paragraph marker starts a line
        chunk = _MARKER_NL.sub(" ", chunk)
    value = _collapse(chunk).strip(" -")
    return value or None


# The signature: the last line, short names ("Burns", "BEYRLE", "van Voorst", "SANDERS/WELLS"),
# or a name run on after the last sentence ("... on Darfur. Tueller", "... February 12.SCOBEY").
_NAME_WORD = r"(?:[A-Z][A-Za-z'’.-]+|van|de|von|da|del|la|le|al|el|bin|[A-Z]\.)"
_SIGNATURE = re.compile(rf"{_NAME_WORD}(?:[ \t]{_NAME_WORD}){{0,3}}")
_SIGNATURE_INLINE = re.compile(
    r"(?:(?<=[.!?\"”)\]])|(?<=X )|(?<=[a-z] ))[ \t]*(?P<name>[A-Z][A-Z'-]{2,}|[A-Z][a-z'-]{2,})$"
)
# Trailers after the signature: '====CABLE ENDS====', 'NNNN', 'BT', CSV/TSV residue.
_TRAILER = re.compile(r"=*CABLE ENDS=*|NNNN|Nnnn|BT|[\"\\ ]*|\.?")
_NAME_SEPARATOR = re.compile(r"[ \t]*/[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*")
_NOT_SIGNATURES = frozenset(
    """
    END SUMMARY COMMENT SIPDIS CONFIDENTIAL SECRET UNCLASSIFIED NOFORN UNCLAS BT NNNN TEXT
    NOTE THANKS MINIMIZE CONSIDERED ACCORDINGLY ONLY USE
    """.split()
)


def _name_pieces(name: str) -> list[str]:
    """Names joined by '/', ' and ' or '&' split apart, blanks stripped, empty ones dropped."""
    if "/" not in name and "&" not in name and "and" not in name:
        # No separator can match (each needs one of these): one piece, the regex spared.
        name = name.strip()
        return [name] if name else []
    return [p.strip() for p in _NAME_SEPARATOR.split(name) if p.strip()]


def _are_names(pieces: list[str]) -> bool:
    """Every piece one to four name words, none of them a word that ends cables."""
    for piece in pieces:
        if _SIGNATURE.fullmatch(piece) is None:
            return False
    # Name words are ASCII letters and punctuation: upper-casing the joined pieces gives the
    # words of each upper-cased.
    return _NOT_SIGNATURES.isdisjoint(" ".join(pieces).upper().split())


def _inline_name_zone(last: str) -> int:
    """Where ``_SIGNATURE_INLINE`` is searched from in the (stripped) last line: its last
    60 characters, and not before the run of blanks before the last word, since a match is
    blanks then a name without blanks up to the end (its look-behind still sees before)."""
    blank = max(last.rfind(" "), last.rfind("\t"))
    if blank < 0:
        return max(0, len(last) - 60)
    return max(len(last) - 60, len(last[:blank].rstrip(" \t")), 0)


def signed_by(text: str) -> list[str]:
    """Signature = the name(s) on the last line, as written ('Burns', 'BEYRLE', 'van Voorst').

    A short line of one to four name words after the last paragraph, or a name run on after
    the last sentence ('... xxxxxxxxxxxx. CLINTON'). Names joined by '/' or ' and ' are split.
    Trailers ('NNNN', '=====CABLE ENDS=====') are skipped. [] when the text ends without one.

    >>> signed_by("¶7. (C) The end.\\n\\nBurns")
    ['Burns']
    >>> signed_by("... to discuss common goals on Darfur. Tueller")
    ['Tueller']
    """
    end = len(text)
    last = previous = ""
    for _ in range(8):  # skip trailers, page breaks and blank lines at the end
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip().rstrip('\\"').strip()
        end = start - 1
        if line and not _TRAILER.fullmatch(line) and not _is_dashes(line):
            if not is_page_break(line):
                last = line
                break
        if end < 0:
            break
    if not last:
        return []
    if end > 0:
        start = text.rfind("\n", 0, end) + 1
        previous = text[start:end].strip()
    name = last.rstrip(" .")
    pieces = _name_pieces(name) if len(name) <= 40 else []
    if pieces and _are_names(pieces) and not previous.endswith(":"):
        return pieces
    m = _SIGNATURE_INLINE.search(last, _inline_name_zone(last))
    if m is not None and m.group("name").upper() not in _NOT_SIGNATURES:
        before = last[: m.start("name")]
        # A capitalised last word counts only after the end of a sentence; an all-capitals
        # one also after mixed-case text or a redaction ('... Website: XXXXXXXXXXXX LEBARON').
        if m.group("name").isupper() or before.rstrip().endswith((".", "!", "?", '"', "”")):
            if not (
                m.group("name").isupper() and before.isupper() and before.rstrip()[-1:].isalpha()
            ):
                return [m.group("name")]
    return []
