"""Shared clean-up for cable and news texts: line endings, page-break lines, spaced words,
whitespace.

Every function is pure (text in, text out), never raises on odd input and runs in time linear
in the input: patterns are anchored to line starts and use no nested quantifiers, so one 10 MB
line cannot stall a build. The cable parser and the news parser both import from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "blank_page_breaks",
    "collapse_whitespace",
    "could_hold_page_break",
    "despace",
    "is_page_break",
    "line_number",
    "normalize_newlines",
    "page_break_spans",
    "remove_page_breaks",
    "section_continuations",
    "strip_trailing_spaces",
]


def normalize_newlines(text: str) -> str:
    """CRLF, lone CR and the Unicode line separator U+2028 become LF.

    PlusD PDF conversions use CRLF; some WikiLeaks pages kept U+2028 for line breaks
    (09MEXICO2205).

    >>> normalize_newlines("A\\r\\nB\\rC\\u2028D")
    'A\\nB\\nC\\nD'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return text


_TRAILING_SPACES = re.compile(r"[ \t]+$", re.MULTILINE)


def strip_trailing_spaces(text: str) -> str:
    """Remove spaces and tabs at the end of every line (WikiLeaks pages keep many).

    >>> strip_trailing_spaces("SIPDIS \\nE.O. 12958: N/A\\t")
    'SIPDIS\\nE.O. 12958: N/A'
    """
    return _TRAILING_SPACES.sub("", text)


_WHITESPACE = re.compile(r"\s+")


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace (newlines included) become one space; ends are stripped.

    >>> collapse_whitespace("  RUSSIA CAMPAIGNS FOR INTERNATIONAL SUPPORT ON\\nGEORGIA ")
    'RUSSIA CAMPAIGNS FOR INTERNATIONAL SUPPORT ON GEORGIA'
    """
    return _WHITESPACE.sub(" ", text).strip()


def despace(text: str) -> str:
    """Remove the blanks of a letter-spaced word: 'C O N F I D E N T I A L' -> 'CONFIDENTIAL'.

    >>> despace("S E C R E T")
    'SECRET'
    """
    return _WHITESPACE.sub("", text)


# Page-break and section-continuation lines that telegram printers insert into the body:
#   "MOSCOW 00004307 002 OF 002"         07MOSCOW4307 (station, 8-digit serial, page of pages)
#   "NAIROBI 00004428  001.2 OF 002"     07NAIROBI4427 (a corrected copy numbers pages 001.2)
#   "PAGE 02 VATICA 03507 01 OF 04 031719Z"   01VATICAN3507 (old PAGE nn headers; text may
#                                              follow the time on the same line)
#   "PAGE 02 RUEHFRA0170 S E C R E T"          07PARIS170 (routing indicator, serial, spaced
#                                              classification)
# The continuation line is found from its tail (an 8-digit zero-padded serial, "NNN OF NNN" at
# the line end; 'of' in lower-case cables such as 07ANKARA1091), then the station before it is
# checked. The tail starts with a literal "00", which the regex engine finds fast; matching from
# every line start instead costs thirty times more. A continuation run into text has the same
# part from the serial on: one scan for that part finds both forms.
_CONTINUATION = re.compile(
    r"00(?P<serial>[0-9]{6})[ \t]+[0-9]{3}(?:\.[0-9])?[ \t]+(?P<of>[Oo][Ff])[ \t]+[0-9]{3}"
)
# What may follow the pages to the end of a whole continuation line.
_LINE_TAIL = re.compile(r"[ \t\\\"]*$", re.MULTILINE)
_CONTINUATION_STATION = re.compile(r"[ \t]*(?P<station>[A-Za-z][A-Za-z .'-]{0,40}?)[ \t]+")
_ASCII_DIGITS = frozenset("0123456789")
_PAGE_LINE = re.compile(
    r"^[ \t]*PAGE[ \t]+[0-9]{2,3}[ \t]+(?:"
    r"[A-Z][A-Z .'-]{0,40}?[ \t]+[0-9]{3,8}[ \t]+[0-9]{2}[ \t]+OF[ \t]+[0-9]{2}[ \t]+"
    r"[0-9]{6}Z?[ \t]*"
    r"|R[A-Z]{3,6}[0-9]{4}(?:[ \t]+[A-Z]){0,12}[ \t]*$)",
    re.MULTILINE,
)
# The pre-check for _PAGE_LINE (3 cables in 1,357 have one). A literal pattern: the engine scans
# for its first character, twice as fast as `"PAGE " in text` (str's search of a needle ending
# in a blank stops at every blank).
_PAGE_WORD = re.compile("PAGE ")


def section_continuations(text: str) -> list[tuple[str, int, int, int]]:
    """(station as written, serial, start, end) of every section-continuation line.

    >>> section_continuations("about\\n\\nMOSCOW 00004307 002 OF 002\\n\\n(reftel).")
    [('MOSCOW', 4307, 7, 33)]
    """
    # No '"00" in text' pre-check: the pattern's literal "00" already lets the engine skip
    # ahead, faster than str's search for a two-character needle.
    return _continuation_lines(text, _CONTINUATION.finditer(text))


def _continuation_lines(
    text: str, matches: Iterable[re.Match[str]]
) -> list[tuple[str, int, int, int]]:
    """``section_continuations`` of the continuation matches found in ``text``."""
    lines = (_continuation_line(text, m) for m in matches)
    return [line for line in lines if line is not None]


def _continuation_line(text: str, m: re.Match[str]) -> tuple[str, int, int, int] | None:
    """(station as written, serial, start, end) when the continuation ``m`` ends its line and
    a station alone starts it; else None."""
    tail = _LINE_TAIL.match(text, m.end())
    if tail is None:
        return None
    start = text.rfind("\n", 0, m.start()) + 1
    head = _CONTINUATION_STATION.fullmatch(text, start, m.start())
    if head is None:
        return None
    return head.group("station").upper(), int(m.group("serial")), start, tail.end()


def _blanks_before(text: str, pos: int) -> int:
    """Where the run of blanks (spaces, tabs) that ends at ``pos`` starts."""
    while pos > 0 and text[pos - 1] in " \t":
        pos -= 1
    return pos


def _run_in_start(text: str, m: re.Match[str], words: list[str]) -> int | None:
    """Where ``WORD[ \t]+...WORD[ \t]+`` then the continuation ``m`` ("OF" in capitals, no
    digit after it) starts, ``words`` being the station's; None when they do not precede it.

    Read backwards from ``m``: the words hold no blanks, so the blanks before each are one run
    and the start is unique. Each run of blanks read lies after the previous continuation:
    reading back stays linear in the text."""
    end = m.end()
    if m.group("of") != "OF" or text[end : end + 1] in _ASCII_DIGITS:
        return None
    pos = m.start()
    for word in reversed(words):
        start = _blanks_before(text, pos)
        if start == pos or not text.endswith(word, 0, start):
            return None
        pos = start - len(word)
    if words:
        return pos
    start = _blanks_before(text, pos)  # a station of blanks: the blanks alone
    return start if start < pos else None


def page_break_spans(text: str, station: str | None = None) -> list[tuple[int, int]]:
    """(start, end) of page-break text: whole continuation lines, and the 'PAGE nn ...' prefix
    up to the time of old page headers (text after it on the line is kept), in order.

    With the cable's ``station`` as its classification line writes it, a continuation run into
    a line of text is found too: "... offers MOSCOW 00003335 002 OF 004 Medvedev an ..."
    (06MOSCOW3335, where the page's line breaks were lost). The page-break line gives the
    station ten characters: "USUN NEW Y", "ADDIS ABAB".
    """
    continuations = list(_CONTINUATION.finditer(text))
    spans = [(start, end) for _, _, start, end in _continuation_lines(text, continuations)]
    if _PAGE_WORD.search(text) is not None:
        spans.extend(m.span() for m in _PAGE_LINE.finditer(text))
    if continuations and station and station[:10] in text:
        words = station[:10].split()
        starts = ((_run_in_start(text, m, words), m.end()) for m in continuations)
        spans.extend((start, end) for start, end in starts if start is not None)
    if len(spans) > 1:
        spans.sort()
        merged = [spans[0]]
        for start, end in spans[1:]:
            if start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        spans = merged
    return spans


def could_hold_page_break(text: str) -> bool:
    """False when ``text`` holds no page-break line for certain: every kind has a '00'-padded
    serial or the word 'PAGE'. A cheap test before ``page_break_spans`` on short texts.

    >>> could_hold_page_break("MOSCOW 4307 (EXDIS)"), could_hold_page_break("MOSCOW 00004307 002")
    (False, True)
    """
    return "00" in text or "PAGE" in text


def is_page_break(line: str) -> bool:
    """True for a whole page-break line such as 'MOSCOW 00004307 002 OF 002'.

    >>> is_page_break("MOSCOW 00004307 002 OF 002")
    True
    >>> is_page_break("MOSCOW 4008 (EXDIS)")
    False
    """
    if not could_hold_page_break(line):
        return False
    return any(not (line[:start] + line[end:]).strip() for start, end in page_break_spans(line))


def remove_page_breaks(text: str, station: str | None = None) -> str:
    """Drop page-break lines; for 'PAGE nn ...' headers keep any text after the time.

    >>> remove_page_breaks("bringing this about\\n\\nMOSCOW 00004307 002 OF 002\\n\\n(reftel).")
    'bringing this about\\n\\n\\n\\n(reftel).'
    """
    out, pos = [], 0
    for start, end in page_break_spans(text, station):
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def blank_page_breaks(text: str, station: str | None = None) -> str:
    """Like ``remove_page_breaks`` but replacing them with spaces, so offsets stay valid.

    >>> blank_page_breaks("x\\nMOSCOW 00004307 002 OF 002\\ny") == "x\\n" + " " * 26 + "\\ny"
    True
    """
    spans = page_break_spans(text, station)
    if not spans:
        return text
    out, pos = [], 0
    for start, end in spans:
        out.append(text[pos:start])
        out.append(" " * (end - start))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def line_number(text: str, index: int) -> int:
    """1-based line number of character ``index`` in ``text``.

    >>> line_number("a\\nb\\nc", 2)
    2
    """
    return text.count("\n", 0, max(0, index)) + 1
