"""Find the gazetteer's places, people and organizations in a document body.

Approach: every name and variant of the gazetteer (plus an ALL-CAPS copy of each, for cable
subjects and signatures) goes into one regular expression, compiled once, shaped as a trie so the
engine reads each position in time proportional to the name length, not the number of names.
Spaces inside a name match any whitespace run (cable lines wrap inside names). Matches are
case-sensitive, must start and end at word boundaries ('Georgia' is not found in 'Georgian';
'Russia' is found in "Russia's") and the longest name at a position wins ('Republic of South
Ossetia' over 'South Ossetia', 'Moscow Carnegie Center' over 'Moscow'). Demonyms ('Georgian',
'Ossetian') are not mentions of places.

A form that names one entity and is not listed in ``senses.csv`` resolves at once. Other forms
(a common surname such as 'Popov', 'Georgia', 'Java', 'RSO', or a form two entities share) are
resolved in this order, and otherwise kept unresolved with their candidates:

1. context: exactly one sense has its cues (phrases, or entities already named) in the
   paragraph or document and none of its counter-cues;
2. earlier mention: exactly one candidate was already named earlier in the document
   ('Popov' after 'Yuriy Popov').

A sense whose counter-cues alone are present is rejected; when every sense is rejected the form
names something outside the gazetteer (Java the island) and is not reported at all. Forms whose
senses say ``unresolved=drop`` ('MFA', 'RSO') are not reported when undecided either: most of
their uses name things outside the gazetteer (other ministries, Regional Security Officers).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import TypeAdapter

from caucasus_cables.entities.gazetteer import Sense, gazetteer, normalise_form
from caucasus_cables.records.entities import DocumentKindName, Mention, Resolution

# Resolving one ambiguous form can satisfy another's cue (Kolesnikov's cue is Nazarov, himself
# resolved by context); a few rounds reach the fixed point for any chain in senses.csv.
_MAX_ROUNDS = 4

_MENTIONS = TypeAdapter(list[Mention])

# Blank lines separate blocks, the paragraph unit when the caller gives none.
_BLANK_LINES = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*)+")


def _trie_pattern(forms: Iterable[str]) -> str:
    """A regex matching exactly the given forms, longest first at each position, each starting
    at a word boundary.

    Built as a trie: shared prefixes are written once, so 'Tskhinval', 'Tskhinvali' and
    'Tskhinval(i)' become 'Tskhinval(?:\\(i\\)|i)?'. A space matches any whitespace run.
    """
    trie: dict[str, dict] = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}
    # The word-boundary test sits after each name's first letter, not in front of the whole
    # pattern: a pattern that opens with a choice of literal characters lets the engine skip
    # in C to the next position holding one of them (about 2.5 times faster on the corpus);
    # '(?<!\\w[\\s\\S])' there is the same test as '(?<!\\w)' before the letter.
    branches = [
        re.escape(char) + r"(?<!\w[\s\S])" + _node_pattern(child)
        for char, child in sorted(trie.items())
        if char
    ]
    return "|".join(branches)


def _node_pattern(node: dict[str, dict]) -> str:
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _node_pattern(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy '?': the engine tries the longer name first and falls back to the shorter one only
    # when the longer one does not end at a word boundary.
    return f"(?:{body})?" if "" in node else body


@functools.cache
def _matcher() -> re.Pattern[str]:
    pattern = _trie_pattern(gazetteer().forms)
    return re.compile(rf"(?:{pattern})(?!\w)")


@functools.cache
def _ascii_matcher() -> tuple[re.Pattern[str], frozenset[str]]:
    """``_matcher`` without the names that start with a letter outside ASCII ('Élysée',
    'Абхазия', 'აფხაზეთი'), and those first letters.

    The trie's first level has one branch per first letter, so in a text holding none of
    those letters the two patterns find the same matches; the narrower one is faster (the
    engine tests each character against a small table instead of a big one).
    """
    forms = [form for form in gazetteer().forms if form[0].isascii()]
    others = frozenset(form[0] for form in gazetteer().forms if not form[0].isascii())
    return re.compile(rf"(?:{_trie_pattern(forms)})(?!\w)"), others


def _matcher_for(body: str) -> re.Pattern[str]:
    """``_matcher()``, or the faster ``_ascii_matcher`` when no name can start in ``body``
    with a letter outside ASCII."""
    narrow, others = _ascii_matcher()
    try:
        body.encode("latin-1")  # fails on any letter above U+00FF: Cyrillic, Georgian
    except UnicodeEncodeError:
        return _matcher()
    if any(letter in body for letter in others if letter <= "\xff"):
        return _matcher()
    return narrow


@functools.cache
def _phrase(phrase: str) -> re.Pattern[str]:
    first, *rest = phrase.split()
    # The word-boundary test follows the first word (a fixed-width look back over it) so the
    # pattern opens with that word as a literal, which the engine finds by a fast string scan.
    return re.compile(
        re.escape(first)
        + rf"(?<!\w[\s\S]{{{len(first)}}})"
        + "".join(r"\s+" + re.escape(word) for word in rest)
        + r"(?!\w)"
    )


@dataclass(slots=True)
class _Candidate:
    """A matched form on its way to becoming a Mention."""

    start: int
    end: int
    text: str
    paragraph: int | None
    block: tuple[int, int]
    senses: tuple[Sense, ...] = ()
    entity_id: str | None = None
    resolution: Resolution = Resolution.UNRESOLVED
    dropped: bool = False
    candidates: list[str] = field(default_factory=list)


def paragraph_spans(body: str, paragraphs: Sequence[str] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each paragraph in ``body``, in order.

    With ``paragraphs`` None, paragraphs are runs of non-blank lines. Otherwise each paragraph
    text is looked up in ``body`` after the previous one, verbatim or, failing that, with any
    whitespace between its words (re-wrapped text). Raises ValueError when one is not there.

    >>> paragraph_spans("One.\\n\\nTwo\\nlines.")
    [(0, 4), (6, 16)]
    >>> paragraph_spans("A b\\nc.", ["A b c."])
    [(0, 6)]
    """
    if paragraphs is None:
        return _blocks(body)
    spans = []
    position = 0
    for index, paragraph in enumerate(paragraphs):
        start = _find(body, paragraph, position)
        if start >= 0:
            end = start + len(paragraph)
        else:
            words = paragraph.split()
            match = re.compile(r"\s+".join(map(re.escape, words))).search(body, position)
            if not words or match is None:
                raise ValueError(
                    f"paragraph {index} ({paragraph[:40]!r}...) is not in the body after "
                    f"offset {position}"
                )
            start, end = match.span()
        spans.append((start, end))
        position = end
    return spans


def _find(text: str, part: str, position: int) -> int:
    """``text.find(part, position)``, faster for a long ``part`` (a paragraph): its head is
    looked for, then the whole compared there (``str.find`` first reads all of a long needle).
    """
    head = part[:32]
    start = text.find(head, position)
    while start >= 0 and not text.startswith(part, start):
        start = text.find(head, start + 1)
    return start


def _blocks(body: str) -> list[tuple[int, int]]:
    """(start, end) of each run of non-blank lines, without surrounding whitespace."""
    cuts = [0]
    for match in _BLANK_LINES.finditer(body):
        cuts.extend(match.span())
    cuts.append(len(body))
    spans = []
    for first, last in zip(cuts[::2], cuts[1::2], strict=True):
        piece = body[first:last]
        if piece.strip():
            spans.append(
                (first + len(piece) - len(piece.lstrip()), last - len(piece) + len(piece.rstrip()))
            )
    return spans


class _Spans:
    """Finds the span holding an offset, for spans in text order that do not overlap (each
    starts at or after the end of the one before, as ``paragraph_spans`` makes them)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [first for first, _ in spans]

    def locate(self, offset: int) -> int | None:
        """Index of the span holding ``offset``, None when none does.

        Only the last span starting at or before ``offset`` can hold it: every later span
        starts after ``offset``, every earlier one ends at or before that span's start.
        """
        index = bisect.bisect_right(self.starts, offset) - 1
        if index >= 0 and offset < self.spans[index][1]:
            return index
        return None


@functools.cache
def _reading(text: str) -> tuple[str | None, tuple[Sense, ...]]:
    """What a matched text means before any context: (entity id, ()) for a form that names one
    entity on sight, else (None, the senses to decide among).

    Cached by the text as written: the same few hundred forms recur across documents.
    """
    gaz = gazetteer()
    form = normalise_form(text)
    ids = gaz.forms[form]
    senses = gaz.senses.get(form.casefold(), ())
    if len(ids) == 1 and not senses:
        return ids[0], ()
    # A form two entities share, with no senses row, resolves by earlier mention only.
    listed = {sense.entity_id for sense in senses}
    extra = tuple(Sense(form, eid, "document") for eid in ids if eid not in listed)
    return None, senses + extra


def _candidates(body: str, spans: list[tuple[int, int]]) -> list[_Candidate]:
    found = []
    paragraphs = _Spans(spans)
    blocks: _Spans | None = None  # the body's blocks, made when a match is in no paragraph
    for match in _matcher_for(body).finditer(body):
        text = match.group()
        start, end = match.span()
        paragraph = paragraphs.locate(start)
        if paragraph is not None:
            block = spans[paragraph]
        else:
            if blocks is None:
                blocks = _Spans(_blocks(body))
            index = blocks.locate(start)
            block = blocks.spans[index] if index is not None else (0, len(body))
        entity_id, senses = _reading(text)
        resolution = Resolution.UNRESOLVED if entity_id is None else Resolution.NAME
        found.append(_Candidate(start, end, text, paragraph, block, senses, entity_id, resolution))
    return found


class _Context:
    """Answers 'is this cue present in this scope' for one document, with a cache."""

    def __init__(self, body: str, found: list[_Candidate]) -> None:
        self.body = body
        self.found = found
        self._phrases: dict[tuple[str, int, int], bool] = {}

    def scope(self, sense: Sense, candidate: _Candidate) -> tuple[int, int]:
        return candidate.block if sense.scope == "paragraph" else (0, len(self.body))

    def has_phrase(self, phrase: str, span: tuple[int, int]) -> bool:
        key = (phrase, *span)
        if key not in self._phrases:
            self._phrases[key] = _phrase(phrase).search(self.body, *span) is not None
        return self._phrases[key]

    def has_entity(self, entity_id: str, span: tuple[int, int], itself: _Candidate) -> bool:
        return any(
            other is not itself
            and other.entity_id == entity_id
            and span[0] <= other.start < span[1]
            for other in self.found
        )

    def supports(self, sense: Sense, candidate: _Candidate) -> bool:
        span = self.scope(sense, candidate)
        return any(self.has_phrase(cue, span) for cue in sense.cues) or any(
            self.has_entity(cue, span, candidate) for cue in sense.entity_cues
        )

    def opposes(self, sense: Sense, candidate: _Candidate) -> bool:
        span = self.scope(sense, candidate)
        return any(self.has_phrase(cue, span) for cue in sense.counter_cues)


def _decide(candidate: _Candidate, context: _Context, *, final: bool) -> bool:
    """Try to resolve one ambiguous candidate; True when it is decided."""
    support = {s.entity_id for s in candidate.senses if context.supports(s, candidate)}
    oppose = {s.entity_id for s in candidate.senses if context.opposes(s, candidate)}
    supported = support - oppose
    open_ids = sorted({s.entity_id for s in candidate.senses} - (oppose - support))
    if len(supported) == 1:
        candidate.entity_id = supported.pop()
        candidate.resolution = Resolution.CONTEXT
        return True
    if not open_ids:
        candidate.dropped = True
        return True
    earlier = {
        other.entity_id
        for other in context.found
        if other.start < candidate.start and other.entity_id in open_ids
    }
    if len(earlier) == 1:
        candidate.entity_id = earlier.pop()
        candidate.resolution = Resolution.EARLIER_MENTION
        return True
    if final:
        candidate.candidates = open_ids
        candidate.dropped = not any(s.keep_unresolved for s in candidate.senses)
    return final


def find_mentions(
    body: str,
    *,
    paragraphs: Sequence[str] | None = None,
    document_id: str | None = None,
    document_kind: DocumentKindName | None = None,
) -> list[Mention]:
    """Mentions of gazetteer entities in ``body``, in text order.

    ``paragraphs`` are the record's paragraph texts, in order, each found in ``body``; a
    mention's ``paragraph`` is the index of the one holding it. Without them, runs of non-blank
    lines count as paragraphs. Offsets are into ``body``: ``body[m.start:m.end] == m.text``.
    Raises ValueError when a paragraph is not in the body.

    >>> for m in find_mentions("Yuriy Popov went to Tskhinval. Popov left."):
    ...     print(m.start, m.text, m.entity_id, m.resolution.value)
    0 Yuriy Popov person:yuri-popov name
    20 Tskhinval place:tskhinvali name
    31 Popov person:yuri-popov earlier_mention
    >>> m = find_mentions("Representative Popov spoke.")[0]
    >>> m.entity_id, m.candidates, m.resolution.value
    (None, ['person:yuri-popov'], 'unresolved')
    """
    spans = paragraph_spans(body, paragraphs)
    found = _candidates(body, spans)
    context = _Context(body, found)
    pending = [candidate for candidate in found if candidate.senses]
    for round_ in range(_MAX_ROUNDS):
        final = round_ == _MAX_ROUNDS - 1
        still = [c for c in pending if not _decide(c, context, final=final)]
        if len(still) == len(pending) and not final:
            # Nothing changed this round, so no later round can change anything either.
            still = [c for c in still if not _decide(c, context, final=True)]
        pending = still
        if not pending:
            break
    # One validation call for the whole list: the same checks as ``Mention(...)`` for each,
    # without paying the model's call overhead fourteen times a cable.
    return _MENTIONS.validate_python(
        [
            {
                "document_id": document_id,
                "document_kind": document_kind,
                "entity_id": candidate.entity_id,
                "candidates": candidate.candidates,
                "text": candidate.text,
                "start": candidate.start,
                "end": candidate.end,
                "paragraph": candidate.paragraph,
                "resolution": candidate.resolution,
            }
            for candidate in found
            if not candidate.dropped
        ]
    )
