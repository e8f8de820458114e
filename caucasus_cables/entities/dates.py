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
    for match in _STATED.finditer(text):
        day = _calendar_day(match, anchor)
        if day is not None:
            found.append(StatedDate(match.start(), match.end(), match.group(), day))
    return found


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; blank lines also end sentences.

    >>> text = "Popov met the U.S. envoy. He left.\\n\\nNew paragraph"
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['Popov met the U.S. envoy.', 'He left.', 'New paragraph']
    """
    cuts = {0, len(text)}
    for match in _SENTENCE_END.finditer(text):
        before = max(0, match.start() - 8)
        if match.group()[0] == "." and _ABBREVIATION.search(text, before, match.start()):
            continue
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
