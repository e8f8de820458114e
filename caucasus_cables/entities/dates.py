"""Dates a text states ('August 28', '28 August 2008', 'Thursday') and the sentences around them.

Used to find documents that report the same event: a cable writing "its August 28 summit" and a
newspaper writing "a meeting in Dushanbe on Thursday" the next day both point at 2008-08-28.

A date without a year takes the year that puts it nearest the document's own date (a cable of
3 September 2008 writing 'August 28' means 2008). A weekday takes the nearest such day to the
document's date, before or after (a Friday paper's 'Thursday' is the day before, its 'Monday'
three days later). Without a document date only dates with a year are read. Ranges
('October 4-7', 'August 7-8, 2008') give their first day. Numeric dates ('08/31/2017') are
not read: in cables they are declassification dates, not events.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _title_or_caps(words: list[str]) -> str:
    # Month and day names are capitalised or, in cables, all caps; 'may' and 'march' in lower
    # case are verbs.
    forms = sorted({form for word in words for form in (word.title(), word.upper())}, key=len)
    return "|".join(re.escape(form) for form in reversed(forms))


_FULL_MONTHS = [name for name in _MONTHS if len(name) > 4 or name in ("may", "june", "july")]
_SHORT_MONTHS = [name.title() for name in _MONTHS if name not in _FULL_MONTHS]
# Abbreviations count in title case only: all-caps 'DEC 06' in a cable is December 2006.
_MONTH = (
    rf"(?P<month>{_title_or_caps(_FULL_MONTHS)}"
    rf"|(?:{'|'.join(sorted(_SHORT_MONTHS, key=len, reverse=True))})\.?)"
)
_MONTH2 = _MONTH.replace("?P<month>", "?P<month2>")
_DAY = r"(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?(?:\s*[-–]\s*[0-3]?[0-9])?"
_DAY2 = _DAY.replace("?P<day>", "?P<day2>")
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)[0-9]{2}))?"
_YEAR2 = _YEAR.replace("?P<year>", "?P<year2>")

# "August 28", "Aug. 28, 2008", "August 7-8, 2008" | "28 August 2008" | "Thursday"
_STATED = re.compile(
    rf"(?<!\w)(?:{_MONTH}\s+{_DAY}{_YEAR}(?![\w-])"
    rf"|{_DAY2}\s+{_MONTH2}{_YEAR2}(?![\w-])"
    rf"|(?P<weekday>{_title_or_caps(_WEEKDAYS)})(?!\w))"
)

# Every stated date starts at a month or weekday name, or at the day number a few characters
# before one ('28 August'), and every such name starts a word with one of these three letters
# ('Aug', 'AUG', 'Thu'). The engine finds these literals fast where it would try ``_STATED``,
# which opens with a look-behind, at every position; ``_STATED`` then runs only there. The
# word-boundary test follows the first letter so that the pattern opens with a literal.
_NAME_PREFIXES = sorted(
    {name[:3] for word in (*_MONTHS, *_WEEKDAYS) for name in (word.title(), word.upper())}
)
_NAME_START = re.compile(
    "|".join(
        re.escape(first)
        + r"(?<!\w[\s\S])(?:"
        + "|".join(p[1:] for p in _NAME_PREFIXES if p[0] == first)
        + ")"
        for first in sorted({p[0] for p in _NAME_PREFIXES})
    )
)
# What a day number and the space before a month name consist of ('28 ', '7-8 ', '4th ').
_DAY_CHARACTERS = frozenset("0123456789stndrh-–")
_DIGITS = frozenset("0123456789")
_SPACES = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())  # all of '\s'
# Every character a stated date can hold: letters of the names, the day and year digits and
# suffixes, dashes, the comma before a year, the period after 'Aug.', and spaces. A date never
# runs across a character outside this set.
_DATE_CHARACTERS = "".join(
    sorted(
        {char for word in (*_MONTHS, *_WEEKDAYS) for char in word.title() + word.upper()}
        | set("0123456789stndrh-–,.")
        | set(_SPACES)
    )
)
_DAY_RUN = "".join(sorted(_DAY_CHARACTERS | set(_SPACES)))

# Sentence ends: '.', '!' or '?' (and closing quotes or brackets) before whitespace and a
# capital, digit, quote or pilcrow. Abbreviations that end in a period do not end sentences.
_SENTENCE_END = re.compile(r"""[.!?]["'”’)\]]*(?=\s+["'“‘(\[¶]?[A-Z0-9¶])""")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|U\.S|U\.N|D\.C|Mr|Mrs|Ms|Dr|Gen|Amb|St|No|Lt|Col|Sen|Rep|Gov|Prof|Jan|Feb|Aug"
    r"|Sept?|Oct|Nov|Dec|a\.m|p\.m|vs|i\.e|e\.g)$"
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class StatedDate(NamedTuple):
    """A date written in a text: where, how, and the calendar day it means."""

    start: int
    end: int
    text: str
    date: dt.date


def _year_nearest(month: int, day: int, anchor: dt.date) -> dt.date | None:
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(options, key=lambda d: (abs((d - anchor).days), d), default=None)


def _weekday_nearest(weekday: int, anchor: dt.date) -> dt.date:
    back = (anchor.weekday() - weekday) % 7
    forward = (7 - back) % 7
    return anchor - dt.timedelta(days=back) if back <= forward else anchor + dt.timedelta(forward)


def _calendar_day(match: re.Match[str], anchor: dt.date | None) -> dt.date | None:
    if match["weekday"]:
        if anchor is None:
            return None
        return _weekday_nearest(_WEEKDAYS.index(match["weekday"].lower()), anchor)
    month = _MONTHS[(match["month"] or match["month2"]).rstrip(".").lower()]
    day = int(match["day"] or match["day2"])
    year = match["year"] or match["year2"]
    if year is not None:
        try:
            return dt.date(int(year), month, day)
        except ValueError:
            return None
    return _year_nearest(month, day, anchor) if anchor is not None else None


def stated_dates(text: str, anchor: dt.date | None) -> list[StatedDate]:
    """The calendar dates ``text`` states, in order; ``anchor`` is the document's own date.

    >>> [(d.text, d.date.isoformat()) for d in stated_dates(
    ...     "during its August 28 summit; on Thursday; 26 August 2008", dt.date(2008, 9, 3))]
    [('August 28', '2008-08-28'), ('Thursday', '2008-09-04'), ('26 August 2008', '2008-08-26')]
    """
    found = []
    for match in _stated_matches(text):
        day = _calendar_day(match, anchor)
        if day is not None:
            found.append(StatedDate(match.start(), match.end(), match.group(), day))
    return found


def stated_dates_near(
    text: str, anchor: dt.date | None, offsets: Iterable[int]
) -> list[StatedDate]:
    """The dates of ``stated_dates(text, anchor)`` in the blocks of ``text`` between two
    line breaks in a row ('\\n\\n') that hold one of ``offsets``, reading only those blocks.

    A sentence never runs across a blank line, so this holds every date stated in a sentence
    that holds one of ``offsets`` (each the offset of a letter or digit).

    >>> text = "Met on Monday.\\n\\nThe SCO met on August 28. And on Friday."
    >>> [d.text for d in stated_dates_near(text, dt.date(2008, 9, 3), [text.index("SCO")])]
    ['August 28', 'Friday']
    """
    found = []
    for low, high in _blocks_around(text, sorted(offsets)):
        for match in _stated_matches(text, *_reading_window(text, low, high)):
            if match.start() >= high:
                break
            day = _calendar_day(match, anchor) if match.start() >= low else None
            if day is not None:
                found.append(StatedDate(match.start(), match.end(), match.group(), day))
    return found


def _blocks_around(text: str, offsets: list[int]) -> list[tuple[int, int]]:
    """The blocks between '\\n\\n's holding the sorted ``offsets``, in order, each once."""
    blocks: list[tuple[int, int]] = []
    for offset in offsets:
        if blocks and offset < blocks[-1][1]:
            continue
        low = text.rfind("\n\n", 0, offset)
        high = text.find("\n\n", offset)
        blocks.append((max(low, 0), len(text) if high < 0 else high))
    return blocks


def _reading_window(text: str, low: int, high: int) -> tuple[int, int]:
    """Where to look for the names of the dates that start in ``[low, high)``.

    From the last character before ``low`` that no date can hold, so that no date runs
    across the start (the matches from there are those of the whole text); up to the end of
    the run of day characters and spaces at ``high`` and a name's three letters, so that
    '28' before ``high`` still finds its 'August' after it.
    """
    # Runs are short (a few words): strip a slice first, the whole text if it is all run.
    start = low
    while start > 0:
        head = text[max(0, start - 64) : start]
        kept = head.rstrip(_DATE_CHARACTERS)
        start -= len(head) - len(kept)
        if kept:
            break
    end = high
    while end < len(text):
        tail = text[end : end + 64]
        kept = tail.lstrip(_DAY_RUN)
        end += len(tail) - len(kept)
        if kept:
            break
    return start, min(end + 3, len(text))


def _stated_matches(text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
    """``_STATED.finditer(text)``, trying ``_STATED`` only where a match can start, for the
    names found in ``text[start:end]``; ``start`` must not fall inside a date.

    A match starts at a name found by ``_NAME_START`` or, day first, at a digit in the run of
    day characters and spaces right before such a name. Trying those positions in order and
    skipping the ones inside the previous match gives what ``finditer`` gives.
    """
    position = start  # end of the last match: matches do not overlap
    for name in _NAME_START.finditer(text, start, len(text) if end is None else end):
        name_start = name.start()
        if name_start < position:
            continue
        for candidate in (*_day_starts(text, name_start, position), name_start):
            if candidate >= position and (match := _STATED.match(text, candidate)) is not None:
                position = match.end()
                yield match


def _day_starts(text: str, name_start: int, floor: int) -> list[int]:
    """Digits from which '28 ', '7-8 ' or '4th ' could run up to the name at ``name_start``
    (a superset: ``_STATED`` decides), at or after ``floor``."""
    if name_start == 0 or not text[name_start - 1].isspace():
        return []
    first = name_start - 1
    while first > floor and (text[first - 1] in _DAY_CHARACTERS or text[first - 1].isspace()):
        first -= 1
    return [index for index in range(first, name_start - 1) if text[index] in _DIGITS]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; blank lines also end sentences.

    >>> text = "Popov met the U.S. envoy. He left.\\n\\nNew paragraph"
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['Popov met the U.S. envoy.', 'He left.', 'New paragraph']
    """
    cuts = {0, len(text)}
    for match in _SENTENCE_END.finditer(text):
        if _ends_sentence(text, match):
            cuts.add(match.end())
    for match in _BLANK_LINE.finditer(text):
        cuts.update(match.span())
    spans = []
    edges = sorted(cuts)
    for first, last in itertools.pairwise(edges):
        piece = text[first:last]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            spans.append((first + lead, last - trail))
    return spans


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Whether a ``_SENTENCE_END`` match ends a sentence: not the period of an abbreviation."""
    before = max(0, match.start() - 8)
    return match.group()[0] != "." or not _ABBREVIATION.search(text, before, match.start())


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The span of ``sentence_spans(text)`` that holds ``offset``, the offset of a letter or a
    digit, found by reading only around it.

    >>> text = "Popov met the U.S. envoy. He left on Monday.\\n\\nNew paragraph"
    >>> text[slice(*sentence_at(text, text.index("Monday")))]
    'He left on Monday.'
    """
    return _sentence_start(text, offset), _sentence_end(text, offset)


# Characters a sentence end ('.', '."', '?)') is made of.
_END_MARKS = frozenset(".!?\"'”’)]")


def _sentence_start(text: str, offset: int) -> int:
    # The last cut at or before ``offset``, looked for in a window that grows until it holds
    # one. Sentence-end and blank-line matches depend only on the text around them, so those
    # found in the window are the ones ``sentence_spans`` finds there, as long as none is cut
    # in two by the window's start: it is moved back over whitespace and sentence-end marks.
    width = 256
    while True:
        low = max(0, offset - width)
        while low > 0 and (text[low - 1] in _END_MARKS or text[low - 1].isspace()):
            low -= 1
        cut = 0 if low == 0 else -1
        for match in _BLANK_LINE.finditer(text, low, offset):
            cut = match.end()
        ends = []
        for match in _SENTENCE_END.finditer(text, low):
            if match.start() >= offset:
                break
            ends.append(match)
        for match in reversed(ends):  # the last one that ends a sentence, if after the blank
            if match.end() <= cut:
                break
            if _ends_sentence(text, match):
                cut = match.end()
                break
        if cut >= 0:
            piece = text[cut:offset]
            return cut + len(piece) - len(piece.lstrip())
        width *= 4


def _sentence_end(text: str, offset: int) -> int:
    # The first cut after ``offset``: the next sentence end, or a blank line before it.
    cut = len(text)
    for match in _SENTENCE_END.finditer(text, offset):
        if _ends_sentence(text, match):
            cut = match.end()
            break
    # A sentence end is followed by whitespace, so a blank line before it ends before it.
    blank = _BLANK_LINE.search(text, offset, cut)
    if blank is not None:
        cut = blank.start()
    return offset + len(text[offset:cut].rstrip())
