"""Who is named and who speaks in a news text: person names, quotes with speakers, agencies.

Names are runs of capitalised words ("Foreign Minister Sergei Lavrov"); office titles from the
lexicon are stripped and the last two name words kept ("Sergei Lavrov"), with an initial,
particle or patronymic between them. A bare surname ("Lavrov said") resolves to the first full
mention with that surname anywhere in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from caucasus_cables.parse._news_lexicon import alternation, lexicon
from caucasus_cables.records.news import Quote

_PARTICLES = frozenset(
    {"von", "van", "de", "der", "den", "du", "da", "di", "del", "la", "le", "al"}
)
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovna|evna)$")
_PRONOUNS = frozenset({"he", "she"})
_DETERMINERS = frozenset({"a", "an", "the"})
# A speaker phrase longer than this is a clause, not a name ("It was unrealistic for ...").
_SPEAKER_MAX_WORDS = 8
# Attribution is looked for this far before and after a quote (longer "sentences" are run-ons),
# so a paragraph with many quotes costs linear time.
_BEFORE_WINDOW = 1000
_AFTER_WINDOW = 300
_VERB_WINDOW = 200

# A word: letters, with inner apostrophes or hyphens ("Georgia's", "ITAR-TASS", "O'Brien").
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Between two words of one name: spaces, or ". " after an initial or a title ("Mr.", "Gen.").
_SPACE = re.compile(r"\s+")
_DOT_SPACE = re.compile(r"\.\s+")


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int


def _runs(text: str) -> list[list[_Token]]:
    """Runs of capitalised words (with inner particles), each ended by punctuation, a lower-case
    word, or a possessive ("Thursday's" ends its run as "Thursday")."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    pending: list[_Token] = []  # particles waiting for a capitalised word
    for match in _WORD.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        possessive = word.endswith(("'s", "’s"))
        token = _Token(word[:-2] if possessive else word, start, end)
        last = (pending or current)[-1] if (pending or current) else None
        joined = last is not None and _joined(last.word, text[last.end : start])
        if not joined:
            runs.append(current)
            current, pending = [], []
        if token.word[0].isupper():
            current.extend(pending)
            current.append(token)
            pending = []
        elif token.word in _PARTICLES and current:
            pending.append(token)
        else:
            runs.append(current)
            current, pending = [], []
        if possessive:
            runs.append(current)
            current, pending = [], []
    runs.append(current)
    return [run for run in runs if run]


def _joined(previous: str, gap: str) -> bool:
    if _SPACE.fullmatch(gap):
        return True
    dotted = len(previous) == 1 or previous in lexicon().titles
    return dotted and _DOT_SPACE.fullmatch(gap) is not None


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _person(run: list[_Token]) -> list[str]:
    """Name words of a run once titles and non-name words are stripped; [] when none are left.

    "French Foreign Minister Bernard Kouchner" -> [Bernard, Kouchner]; "President Medvedev" ->
    [Medvedev]; "SCO" -> [] (an acronym is an organisation, not a person).
    """
    lex = lexicon()
    words = [t.word for t in run]
    while words and words[0] in lex.not_names:
        words.pop(0)
    titles = [i for i, w in enumerate(words) if w in lex.titles]
    if titles:
        words = words[titles[-1] + 1 :]
    if not words or any(_is_acronym(w) for w in words):
        return []
    named = [i for i, w in enumerate(words) if w not in _PARTICLES and len(w) > 1]
    if len(named) < 2:
        return [words[named[0]]] if named else []
    start = named[-2]
    if len(named) > 2 and _PATRONYMIC.search(words[start]):
        start = named[-3]
    if start > 0 and words[start - 1] in _PARTICLES:
        start -= 1
    return [w + "." if len(w) == 1 else w for w in words[start:]]


def mentions(texts: Iterable[str]) -> list[str]:
    """Full names (two or more words) in reading order, each once."""
    found: dict[str, None] = {}
    for text in texts:
        for run in _runs(text):
            name = _person(run)
            if len(name) >= 2:
                found.setdefault(" ".join(name), None)
    return list(found)


def resolve(surname: str, known: list[str]) -> str | None:
    """The first full mention ending in ``surname``: "Lipman" -> "Masha Lipman"; else None."""
    return next((name for name in known if name.split()[-1] == surname), None)


@dataclass(frozen=True)
class Speaker:
    """Who a quote is attributed to; ``person`` says whether a later "he" may refer to it."""

    name: str
    person: bool


@dataclass(frozen=True)
class _Attribution:
    speaker: Speaker | None


_NOT_ATTRIBUTED = None


def _speaker(phrase: str, known: list[str], last: Speaker | None) -> _Attribution | None:
    """The speaker a subject phrase names; None when the phrase is not a speaker at all.

    "Lipman" -> Masha Lipman (first full mention); "he"/"she" -> the last named speaker;
    "Thursday's SCO declaration" -> "SCO declaration"; "a Kremlin spokesman" -> "Kremlin
    spokesman"; "the ministry" -> itself;
    an agency ("Reuters") or a clause ("which has already") -> None.
    """
    phrase = phrase.strip(" ,:;")
    words = phrase.split()
    if not words or len(words) > _SPEAKER_MAX_WORDS:
        return _NOT_ATTRIBUTED
    if len(words) == 1 and words[0].lower() in _PRONOUNS:
        return _Attribution(last)
    if not (words[0][0].isupper() or words[0].lower() in _DETERMINERS):
        return _NOT_ATTRIBUTED
    runs = _runs(phrase)
    if not runs:
        short = len(words) <= 4 and words[0].lower() in _DETERMINERS
        return _Attribution(Speaker(phrase, person=False)) if short else _NOT_ATTRIBUTED
    run = runs[-1]
    if " ".join(t.word for t in run) in lexicon().agencies:
        return _NOT_ATTRIBUTED
    name = _person(run)
    if len(name) >= 2:
        return _Attribution(Speaker(" ".join(name), person=True))
    if len(name) == 1 and run[-1].end == len(phrase):
        full = resolve(name[0], known)
        return _Attribution(Speaker(full or name[0], person=True))
    # An organisation or a thing: the run and the words after it ("SCO declaration").
    return _Attribution(Speaker(phrase[run[0].start :], person=False))


@cache
def _verbs() -> str:
    return alternation(lexicon().speech_verbs)


@cache
def _after_patterns() -> tuple[re.Pattern[str], ...]:
    verbs = _verbs()
    return (
        # '"...," Lipman said.'  '"...," he said.'  '"...," Lipman, an analyst, said.'
        re.compile(
            rf"^\s*(?P<who>[^,;:()\"“”«»]{{1,60}}?)(?:,[^;:\"“”«»]{{1,100}}?,)?\s+(?:{verbs})\b"
        ),
        # '"...," said Masha Lipman, a political analyst.'  '"...," according to Lipman.'
        re.compile(rf"^\s*(?:{verbs})\b\s+(?P<who>[^,;:.!?()\"“”«»]{{1,60}})"),
    )


@cache
def _before_pattern() -> re.Pattern[str]:
    # 'said, "'  'saying: "'  'told journalists in Paris that "'  'called on Europe "':
    # a speech verb, up to four words of object, an optional "that", ",", ":" right before.
    return re.compile(rf"\b(?:{_verbs()})\b(?:\s+[\w'’-]{{1,30}}){{0,4}}?(?:\s+that)?\s*[,:]?\s*$")


# Quoted spans: straight quotes pair up in order; curly and guillemet quotes pair by shape.
_CURLY = re.compile(r"“[^“”]*”|«[^«»]*»")
# A sentence ends at . ! or ? (maybe after a closing quote) before a capital or opening quote.
_BOUNDARY = re.compile(r"[.!?][\"”»’]?\s+(?=[\"“«(\[]?[A-Z0-9])")
# ... unless the full stop ends an abbreviation or an initial ("Mr.", "U.S.", "George W.").
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Jan|Feb|Aug|Sept?|Oct|Nov|Dec|No|vs)"
    r"|\b[A-Z]|(?:[A-Z]\.)+[A-Z])$"
)


def _quote_spans(paragraph: str) -> list[tuple[int, int]]:
    straight = [i for i, char in enumerate(paragraph) if char == '"']
    spans = [(straight[i], straight[i + 1] + 1) for i in range(0, len(straight) - 1, 2)]
    spans += [(m.start(), m.end()) for m in _CURLY.finditer(paragraph)]
    outer: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if not outer or start >= outer[-1][1]:
            outer.append((start, end))
    return outer


def _inside(position: int, spans: list[tuple[int, int]], span_starts: list[int]) -> bool:
    index = bisect_right(span_starts, position) - 1
    return index >= 0 and spans[index][0] < position < spans[index][1]


def _sentence_starts(paragraph: str, spans: list[tuple[int, int]]) -> list[int]:
    span_starts = [start for start, _ in spans]
    starts = [0]
    for match in _BOUNDARY.finditer(paragraph):
        inside = _inside(match.end(), spans, span_starts)
        # Look back a few characters only, so a long paragraph costs linear time.
        abbreviated = _ABBREVIATION.search(paragraph, max(0, match.start() - 12), match.start())
        if not inside and not abbreviated:
            starts.append(match.end())
    return starts


def _mask(text: str, spans: list[tuple[int, int]], offset: int) -> str:
    """``text`` (found at ``offset``) with the quoted ``spans`` in it blanked out."""
    pieces, cursor = [], 0
    for start, end in spans:
        blank_from, blank_to = max(start - offset, cursor), min(end - offset, len(text))
        if blank_from < blank_to:
            pieces += [text[cursor:blank_from], " " * (blank_to - blank_from)]
            cursor = blank_to
    pieces.append(text[cursor:])
    return "".join(pieces)


def _after(tail: str, known: list[str], last: Speaker | None) -> _Attribution | None:
    for pattern in _after_patterns():
        match = pattern.match(tail)
        if match is not None:
            found = _speaker(match["who"], known, last)
            if found is not None:
                return found
    return _NOT_ATTRIBUTED


def _before(
    paragraph: str,
    spans: list[tuple[int, int]],
    bounds: _Bounds,
    number: int,
    known: list[str],
    last: Speaker | None,
) -> _Attribution | None:
    # From the start of the sentence (at most _BEFORE_WINDOW back) to quote ``number``.
    start = spans[number][0]
    begin = max(bounds.starts[bisect_right(bounds.starts, start) - 1], start - _BEFORE_WINDOW)
    prefix = paragraph[begin:start]
    # The verb is at most four words before the quote: search the end of the prefix only.
    verb = _before_pattern().search(prefix, max(0, len(prefix) - _VERB_WINDOW))
    if verb is None:
        return _NOT_ATTRIBUTED
    earlier = spans[bisect_right(bounds.ends, begin) : number]
    before_verb = _mask(prefix[: verb.start()], earlier, begin)
    subject = before_verb[before_verb.rfind(",") + 1 :]
    if subject.strip():
        # "Saakashvili called on Europe", "Thursday's SCO declaration said,"
        return _speaker(subject, known, last)
    # "Dogolev, when asked ..., appeared ..., saying:" -> the sentence's subject, after any
    # opening clause ("Speaking on Lithuanian television from Tbilisi, Saakashvili ...").
    openers = lexicon().clause_openers
    for segment in before_verb.split(","):
        words = segment.split()
        if words and words[0].lower() not in openers:
            return _speaker(segment, known, last)
    return _NOT_ATTRIBUTED


def _tail(paragraph: str, spans: list[tuple[int, int]], bounds: _Bounds, number: int) -> str:
    # From the end of quote ``number`` to the end of its sentence or the next quote.
    end = spans[number][1]
    following = bisect_right(bounds.starts, end)
    stop = bounds.starts[following] if following < len(bounds.starts) else len(paragraph)
    if number + 1 < len(spans):
        stop = min(stop, spans[number + 1][0])
    return paragraph[end : min(stop, end + _AFTER_WINDOW)]


@dataclass(frozen=True)
class _Bounds:
    starts: list[int]
    """Sentence starts, ascending."""
    ends: list[int]
    """Quote ends, ascending."""


def quotes(paragraphs: list[str], known: list[str]) -> list[Quote]:
    """Direct quotations with speakers, in order.

    A quoted span counts when it is attributed: after it ('"...," Lipman said', '"...," said
    X'), before it in the same sentence ('X said, "..."', 'saying: "..."', 'told ... that
    "..."'), or as the continuation of an attributed quote in the same paragraph. Unattributed
    spans (scare quotes, names of things) are not quotes. "he"/"she" resolve to the last named
    speaker; a surname to its first full mention.
    """
    found: list[Quote] = []
    last: Speaker | None = None
    for index, paragraph in enumerate(paragraphs):
        spans = _quote_spans(paragraph)
        bounds = _Bounds(_sentence_starts(paragraph, spans), [end for _, end in spans])
        previous: _Attribution | None = None
        for number, (start, end) in enumerate(spans):
            inner = paragraph[start + 1 : end - 1].strip()
            text = inner.rstrip(",").strip()
            if not text:
                continue
            attribution = _NOT_ATTRIBUTED
            if inner.endswith((",", "?", "!", "—", "-")):
                tail = _tail(paragraph, spans, bounds, number)
                attribution = _after(tail, known, last)
            if attribution is None:
                attribution = _before(paragraph, spans, bounds, number, known, last)
            if attribution is None:
                attribution = previous
            if attribution is None:
                continue
            speaker = attribution.speaker
            found.append(
                Quote(text=text, speaker=speaker.name if speaker else None, paragraph=index)
            )
            if speaker is not None and speaker.person:
                last = speaker
            previous = attribution
    return found


@cache
def _agency_patterns() -> tuple[re.Pattern[str], ...]:
    names = alternation(list(lexicon().agencies))
    return (
        # "Reuters reported", "Interfax news agency said"
        re.compile(
            rf"\b(?P<agency>{names})(?:\s+news\s+agency)?\s+"
            r"(?:reported|reports|said|says|quoted|cited|wrote|writes)\b"
        ),
        # "told ITAR-TASS", "according to Interfax", "quoted by RIA Novosti"
        re.compile(
            r"\b(?:told|according\s+to|reported\s+by|quoted\s+by|cited\s+by|quoting|citing"
            rf"|in\s+an\s+interview\s+with)\s+(?:the\s+)?(?P<agency>{names})\b"
        ),
        # "the Interfax news agency", "news agency Regnum"
        re.compile(
            rf"\b(?P<agency>{names})\s+news\s+agency\b|\bnews\s+agency\s+(?P<named>{names})\b"
        ),
    )


def agencies(texts: Iterable[str], dateline_agency: str | None = None) -> list[str]:
    """Agencies cited, by canonical name, each once, in order of first citation.

    The agency of a dateline ("DUSHANBE (Reuters) -") comes first; then "X reported",
    "told X", "according to X" and "X news agency" in reading order. A photo credit is not a
    citation.
    """
    aliases = lexicon().agencies
    cited: dict[str, None] = {}
    if dateline_agency:
        cited[aliases.get(dateline_agency, dateline_agency)] = None
    for text in texts:
        hits = []
        for pattern in _agency_patterns():
            for match in pattern.finditer(text):
                alias = match["agency"] or match.groupdict().get("named")
                hits.append((match.start(), aliases[alias]))
        for _, agency in sorted(hits):
            cited.setdefault(agency, None)
    return list(cited)


# A name in a lead marked as the person interviewed: an appositive (", Marat Kulakhmetov,"),
# a name with a description and a verb of saying ("X, the ambassador, said"), or a name right
# before a verb of saying ("X told").
_DESCRIBED_SPEAKER = re.compile(r"^(?:,\s(?:a|an|the)\s[^,]{1,80},)?\s(?:said|says|told|tells)\b")


def interviewee(texts: Iterable[str]) -> str | None:
    """The person interviewed: the first full name in the lead (or title) that is an appositive
    ("The Russian Ambassador to South Ossetia, Marat Kulakhmetov, in an interview ... said"),
    or the subject of a verb of saying ("X, the ambassador, said"; "X told"). None otherwise.
    """
    for text in texts:
        for run in _runs(text):
            name = _person(run)
            if len(name) < 2:
                continue
            before = text[max(0, run[0].start - 2) : run[0].start]
            after = text[run[-1].end : run[-1].end + 120]
            appositive = before == ", " and after.startswith(",")
            if appositive or _DESCRIBED_SPEAKER.match(after):
                return " ".join(name)
    return None
