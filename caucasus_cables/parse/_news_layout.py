"""Layout of a plain-text news article: which lines are the title, lead, byline, captions,
body paragraphs and interview turns.

Works on lines, not on any one outlet's markup: every rule below is a shape that plain-text news
takes, and each pattern sits right above the function that uses it. Word lists (photo credits,
agencies, office titles) come from the CSV files read by ``_news_lexicon``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from caucasus_cables.errors import ParseError
from caucasus_cables.parse._news_lexicon import alternation, lexicon
from caucasus_cables.records.news import Caption, TurnRole

# A headline is short and rarely ends in a full stop; a lead is one or two sentences.
HEADLINE_MAX_WORDS = 30
SHORT_SENTENCE_WORDS = 12
LEAD_MAX_WORDS = 70
# Hard-wrapped text (lines broken at a fixed width) has no line longer than this.
WRAP_MAX_WIDTH = 100
# Bylines, deks and "Interview by" lines sit among the first few paragraphs.
HEAD_UNITS = 4


@dataclass(frozen=True)
class Unit:
    """One paragraph-sized piece of the text and the 1-based line it starts on."""

    line: int
    text: str


@dataclass
class Layout:
    """The structure of one article, before names and quotes are read."""

    first_line: Unit
    headline: str | None = None
    """The text's own headline; None when its first line is a lead or unusable."""
    lead: str | None = None
    byline: str | None = None
    authors: list[str] = field(default_factory=list)
    interviewer_line: str | None = None
    interviewer: str | None = None
    dateline: str | None = None
    dateline_agency: str | None = None
    captions: list[Caption] = field(default_factory=list)
    paragraphs: list[Unit] = field(default_factory=list)
    turns: list[tuple[TurnRole, str]] = field(default_factory=list)


# C0 controls other than tab, newline, vertical tab, form feed and carriage return; DEL; and
# U+FFFD, which a lenient decoder leaves where bytes were not valid text.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


def check_text(text: object) -> str:
    """The text with a BOM dropped and line ends made ``\\n``; ParseError when it is not text.

    Raises ParseError (with the line) for a non-str input, an empty or blank text, and a
    binary-looking text (a NUL byte, another control character, or U+FFFD from undecodable bytes).
    """
    if not isinstance(text, str):
        raise ParseError(
            f"expected text (str), got {type(text).__name__}; decode the file first",
            field="text",
        )
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("empty text: no title and no body", field="text", line=1)
    bad = _BINARY.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise ParseError(
            f"binary-looking text: {_describe(bad.group())} at column {column}; "
            "expected plain UTF-8 text",
            field="text",
            line=line,
        )
    return text


def _describe(char: str) -> str:
    if char == "\x00":
        return "NUL byte"
    if char == "\ufffd":
        return "undecodable bytes (U+FFFD replacement character)"
    return f"control character U+{ord(char):04X}"


# Runs of spaces, tabs and no-break spaces inside a line collapse to one space.
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")


def units(text: str) -> list[Unit]:
    """Paragraphs of a checked text: every non-blank line, or, when the text is hard-wrapped,
    every blank-line-separated block joined into one line (turn markers still start a new one).
    """
    blocks = _blocks(text)
    if not _hard_wrapped(blocks):
        return [unit for block in blocks for unit in block]
    joined: list[Unit] = []
    for block in blocks:
        current: Unit | None = None
        for unit in block:
            if current is None or turn_marker(unit.text) is not None:
                if current is not None:
                    joined.append(current)
                current = unit
            else:
                glue = "" if current.text.endswith("-") else " "
                current = Unit(current.line, current.text + glue + unit.text)
        if current is not None:
            joined.append(current)
    return joined


def _blocks(text: str) -> list[list[Unit]]:
    blocks: list[list[Unit]] = [[]]
    for number, raw in enumerate(text.split("\n"), start=1):
        line = _SPACES.sub(" ", raw).strip()
        if line:
            blocks[-1].append(Unit(number, line))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _hard_wrapped(blocks: list[list[Unit]]) -> bool:
    # Wrapped text: short lines, and most lines that continue in the same block fill the width.
    width = max(len(unit.text) for block in blocks for unit in block)
    inner = [unit for block in blocks for unit in block[:-1]]
    if width > WRAP_MAX_WIDTH or len(inner) < 3:
        return False
    full = sum(len(unit.text) >= width - 25 for unit in inner)
    return full * 3 >= len(inner) * 2


# "— What were the prerequisites?" (EADaily seed), "– ...", "- ...", "-- ...": dash turns;
# "Q: ..." / "A: ..." / "Question: ..." / "Answer: ...": marked turns.
_DASH_TURN = re.compile(r"^(?:[—–]\s*|--?\s+)(?P<rest>\S.*)$")
_QA_TURN = re.compile(r"^(?P<marker>Q|A|Question|Answer)\s*:\s*(?P<rest>\S.*)$")


def turn_marker(text: str) -> tuple[TurnRole | None, str] | None:
    """``(role, text without marker)`` for an interview turn line, else None.

    Dash turns have no role of their own (they alternate); ``Q:``/``A:`` turns carry it.
    """
    qa = _QA_TURN.match(text)
    if qa is not None:
        role = TurnRole.QUESTION if qa["marker"].startswith("Q") else TurnRole.ANSWER
        return role, qa["rest"]
    dash = _DASH_TURN.match(text)
    if dash is not None:
        return None, dash["rest"]
    return None


# "By Nikolaus von Twickel", "By Anna Smirnova and Ivan Petrov, Staff Writers".
_BYLINE = re.compile(r"^By\s+(?P<names>\S.{0,150})$")
# "Interview by Anna Smirnova", "Interviewed by ...", "Interviewer: ...".
_INTERVIEWER = re.compile(r"^(?:Interview(?:ed)?\s+by|Interviewer\s*:)\s+(?P<names>\S.{0,80})$")
_NAME_SEPARATORS = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*")
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’-]*\.?|(?:von|van|de|der|den|du|da|di|del|la|le|al)$)")


def byline(text: str) -> list[str] | None:
    """Authors of a ``By ...`` line, in order; None when the line is not a byline.

    Parts naming a role ("Staff Writer") or an outlet ("The Moscow Times") are dropped; a part
    that does not read as a name ("By the end of the year") means the line is not a byline.
    """
    match = _BYLINE.match(text)
    return None if match is None else _names(match["names"])


def interviewer(text: str) -> str | None:
    """The interviewer named by an ``Interview by ...`` line, else None."""
    match = _INTERVIEWER.match(text)
    names = None if match is None else _names(match["names"])
    return names[0] if names else None


def _names(listed: str) -> list[str] | None:
    lex = lexicon()
    names = []
    for part in _NAME_SEPARATORS.split(listed.strip().rstrip(".")):
        tokens = part.split()
        if not tokens:
            continue
        if not all(_NAME_TOKEN.match(token) for token in tokens) or len(tokens) > 5:
            return None
        if tokens[0] in lex.not_names or any(t.rstrip("s") in lex.roles for t in tokens):
            continue
        names.append(part)
    return names or None


# "DUSHANBE (Reuters) - ", "TBILISI, Georgia (AP) — ", "ST. PETERSBURG, Aug. 29 -- ",
# "MOSCOW — ": an upper-case place, optional qualifier, optional (agency), a dash.
_DATELINE = re.compile(
    r"""^(?P<place>[A-Z][A-Z'.]+(?:[ -][A-Z][A-Z'.]*)*)
        (?:,\s[^()\-–—]{1,40}?)?
        (?:\s\((?P<agency>[^()]{2,40})\))?
        \s(?:--?|–|—)\s""",
    re.VERBOSE,
)


def dateline(text: str) -> tuple[str, str | None] | None:
    """``(place, agency or None)`` when a paragraph opens with a dateline, else None."""
    match = _DATELINE.match(text)
    if match is None:
        return None
    return match["place"], match["agency"]


# A credit glued to the caption's first word: "APIranian President ..." (Moscow Times seed).
# The next word must be Capitalised with at least two lower-case letters, or a short capitalised
# function word, so "APEC leaders" and "APIs" stay whole.
_AFTER_CREDIT = r"(?=[A-Z][a-z]{2,}|(?:A|An|As|At|In|On)\s)"
# A staff credit: "Igor Tabakov / MT", one to four capitalised words or initials, a slash, an
# outlet code. Only an initial may carry a full stop, so "Moscow." ends the caption instead.
_STAFF_CREDIT = r"[A-Z](?:[\w'’-]*|\.)(?:\s[A-Z](?:[\w'’-]*|\.)){0,3}\s?/\s?[A-Z]{2,6}"
# "... Photo: Reuters", "... (Photo by Igor Tabakov)", "... Credit: AFP".
_PHOTO_SUFFIX = (
    r"^(?P<text>.+?)\s*\(?\b(?:Photo(?:graph)?|Credit)(?::\s*|\s+by\s+)"
    r"(?P<credit>[A-Z][^().!?]{1,59}?)\)?\s*$"
)


@cache
def _caption_forms() -> tuple[re.Pattern[str], ...]:
    known = alternation(lexicon().credits)
    return (
        re.compile(rf"^(?P<credit>{known}){_AFTER_CREDIT}(?P<text>.+)$"),
        re.compile(rf"^(?P<credit>{_STAFF_CREDIT}){_AFTER_CREDIT}(?P<text>.+)$"),
        re.compile(rf"^(?P<credit>{_STAFF_CREDIT})\s+(?P<text>[A-Z].+)$"),
        re.compile(_PHOTO_SUFFIX),
        re.compile(rf"^(?P<text>.+?)\s+(?P<credit>{_STAFF_CREDIT})$"),
        re.compile(rf"^(?P<text>.+[.!?])\s*(?P<credit>{known})$"),
    )


def caption(text: str) -> tuple[str, str] | None:
    """``(caption text, credit)`` when a line is a photo caption with a credit, else None."""
    for form in _caption_forms():
        match = form.match(text)
        if match is not None and match["text"].strip():
            return match["text"].strip(), match["credit"].strip()
    return None


def _words(text: str) -> int:
    return len(text.split())


def reads_as_headline(text: str) -> bool:
    """Short, and no full stop unless very short: "Medvedev Disappointed in Dushanbe"."""
    words = _words(text)
    return words <= HEADLINE_MAX_WORDS and (not text.endswith(".") or words <= SHORT_SENTENCE_WORDS)


def title_problem(unit: Unit) -> str | None:
    """Why the first paragraph cannot be a title (or a lead standing for one); None if it can."""
    text = unit.text
    if turn_marker(text) is not None:
        return "the text opens with an interview turn, not a headline"
    if byline(text) is not None:
        return "the text opens with a byline, not a headline"
    if dateline(text) is not None:
        return "the text opens with a dateline, so the headline is missing"
    if caption(text) is not None:
        return "the text opens with a photo caption, not a headline"
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "\"“«'‘"):
        return f"the first line starts mid-sentence ({text[:30]!r})"
    if _words(text) > LEAD_MAX_WORDS:
        return (
            f"the first line is a {_words(text)}-word paragraph, too long for a headline "
            f"(<= {HEADLINE_MAX_WORDS} words) or a lead (<= {LEAD_MAX_WORDS} words)"
        )
    return None


def read_layout(text: str, *, has_curated_title: bool = False) -> Layout:
    """Split a checked text into title, lead, byline, captions, body and turns.

    Raises ParseError when the text has no usable first line (and the catalog gives no title)
    or nothing is left for the body.
    """
    paragraphs = units(text)
    first = paragraphs[0]
    layout = Layout(first_line=first)
    problem = title_problem(first)
    lead_parts: list[str] = []
    if problem is None:
        rest = paragraphs[1:]
        if reads_as_headline(first.text):
            layout.headline = first.text
        else:
            lead_parts.append(first.text)
    elif has_curated_title:
        rest = paragraphs
    else:
        raise ParseError(f"no title: {problem}", field="title", line=first.line)
    body = _take_head_lines(rest, layout)
    body = _take_captions(body, layout)
    lead_parts.extend(_take_lead(body, layout))
    layout.lead = "\n\n".join(lead_parts) or None
    if not layout.paragraphs:
        last = paragraphs[-1]
        raise ParseError(
            "no body: nothing follows the title, lead and byline", field="body", line=last.line
        )
    return layout


def _take_head_lines(rest: list[Unit], layout: Layout) -> list[Unit]:
    # Byline and "Interview by" lines: among the first few paragraphs, or the very last one.
    # What precedes a byline at the head (captions aside) is a dek, so it is marked for the lead.
    kept = []
    for index, unit in enumerate(rest):
        near = index < HEAD_UNITS or index == len(rest) - 1
        authors = byline(unit.text) if near and layout.byline is None else None
        named = interviewer(unit.text) if near and layout.interviewer is None else None
        if authors is not None:
            layout.byline, layout.authors = unit.text, authors
            if index < HEAD_UNITS:
                kept = [_Dek(u.line, u.text) if caption(u.text) is None else u for u in kept]
        elif named is not None:
            layout.interviewer_line, layout.interviewer = unit.text, named
        else:
            kept.append(unit)
    return kept


@dataclass(frozen=True)
class _Dek(Unit):
    """A paragraph set off above the byline: part of the lead, not the body."""


def _take_captions(rest: list[Unit], layout: Layout) -> list[Unit]:
    # A caption's paragraph index is that of the body paragraph it precedes; it is fixed once
    # the lead is known, so positions are kept as "number of non-caption units before it".
    kept: list[Unit] = []
    for unit in rest:
        found = None if isinstance(unit, _Dek) else caption(unit.text)
        if found is None:
            kept.append(unit)
        else:
            layout.captions.append(Caption(text=found[0], credit=found[1], paragraph=len(kept)))
    return kept


def _take_lead(rest: list[Unit], layout: Layout) -> list[str]:
    # The lead is set off from the body by a byline (deks above it), by the first interview turn,
    # or by a dateline opening the body; paragraphs before those are the lead.
    lead_count = sum(isinstance(u, _Dek) for u in rest)
    turns = _turns(rest[lead_count:])
    if turns is not None:
        lead_count += turns[0]
        layout.turns = turns[1]
    else:
        for offset, unit in enumerate(rest[lead_count : lead_count + HEAD_UNITS]):
            found = dateline(unit.text)
            if found is not None:
                layout.dateline, layout.dateline_agency = found
                lead_count += offset
                break
    layout.paragraphs = [Unit(u.line, u.text) for u in rest[lead_count:]]
    layout.captions = [_shift(c, lead_count, len(layout.paragraphs)) for c in layout.captions]
    return [u.text for u in rest[:lead_count]]


def _shift(found: Caption, lead_count: int, body_count: int) -> Caption:
    index = max(0, (found.paragraph or 0) - lead_count)
    return Caption(
        text=found.text, credit=found.credit, paragraph=index if index < body_count else None
    )


def _turns(body: list[Unit]) -> tuple[int, list[tuple[TurnRole, str]]] | None:
    """``(paragraphs before the first turn, turns)`` when the body is an interview, else None.

    ``Q:``/``A:`` turns carry their role. Dash turns alternate question/answer from the first
    one, and count as an interview only when at least two are marked and at least half the
    questions contain a "?" (a dashed list in a report does not).
    """
    marks = [(i, turn_marker(u.text)) for i, u in enumerate(body)]
    marked = [(i, m) for i, m in marks if m is not None]
    if len(marked) < 2:
        return None
    first = marked[0][0]
    turns: list[tuple[TurnRole, list[str]]] = []
    for index, mark in marks[first:]:
        if mark is None:
            turns[-1][1].append(body[index].text)
            continue
        role = mark[0]
        if role is None:
            role = TurnRole.QUESTION if len(turns) % 2 == 0 else TurnRole.ANSWER
        turns.append((role, [mark[1]]))
    questions = [" ".join(parts) for role, parts in turns if role is TurnRole.QUESTION]
    answers = [parts for role, parts in turns if role is TurnRole.ANSWER]
    if not answers or sum("?" in q for q in questions) * 2 < len(questions):
        return None
    return first, [(role, "\n\n".join(parts)) for role, parts in turns]
