"""The entity step's fast paths give exactly what the plain regexes give (issue 7).

Each fast path (candidate positions found by ``str.find`` or a literal-led pattern, sentences
found around one offset, dates read only near given offsets, a narrower mention pattern) is
compared with the slow, obvious computation it replaces: on snippets chosen for their edge
cases, on random texts built from those edges, and on every body of the development corpus.
"""

from __future__ import annotations

import bisect
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caucasus_cables import parse_cable
from caucasus_cables.entities import dates, links, mentions
from caucasus_cables.errors import ParseError

ANCHOR = dt.date(2008, 9, 3)

# Pieces whose joins make the cases the fast paths must get right: dates run across blank
# lines and sentence ends ('Mar. 5', 'August\n\n28'), day-first dates ('28 August'),
# abbreviations that do not end sentences, 'ref' in any case, letters outside Latin-1.
PIECES = [
    "August", "AUGUST", "Aug.", "Mar.", "Sept.", "May", "may", "Thursday", "THURSDAY", "MON",
    "Monday", "Tue", "28", "7", "4th", "-", "–", ",", " 2008", " ", "  ", "\n", "\n\n",
    " \n \n", "\t", ". ", "! ", '." ', ".) ", "’ ", "U.S.", "Mr.", "e.g.", "No.", "p.m.", "A",
    "b", "x", "k", "Q", "(", ":", "¶", "\u3000", "ref", "REF", "rEf", "Ref", "reftel",
    "REFTEL A", "refs A and B", "(ref b)", "/ref", "xref", "É", "İ", "ſ", "Абхазия",
    "Tskhinvali", "SCO", "Popov", "Georgia",
]  # fmt: skip

texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _corpus_bodies() -> list[str]:
    folder = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cables"
    if not folder.is_dir():
        pytest.skip(f"development corpus not found at {folder}")
    bodies = []
    for path in sorted(folder.glob("*.txt")):
        try:
            bodies.append(parse_cable(path.read_text(encoding="utf-8"), id=path.stem).body)
        except ParseError:
            continue
    return bodies


@pytest.fixture(scope="module")
def corpus_bodies() -> list[str]:
    return _corpus_bodies()


# -- the checks, each against the computation it replaces ---------------------------------------


def check_stated_dates(text: str) -> None:
    slow = [(m.span(), m.group()) for m in dates._STATED.finditer(text)]
    assert [(m.span(), m.group()) for m in dates._stated_matches(text)] == slow


def check_sentence_at(text: str) -> None:
    spans = dates.sentence_spans(text)
    starts = [start for start, _ in spans]
    for offset in (index for index, char in enumerate(text) if char.isalnum()):
        expected = spans[bisect.bisect_right(starts, offset) - 1]
        assert dates.sentence_at(text, offset) == expected, offset


def check_stated_dates_near(text: str, offsets: list[int]) -> None:
    blocks = set()
    for offset in offsets:
        low, high = text.rfind("\n\n", 0, offset), text.find("\n\n", offset)
        blocks.add((max(low, 0), len(text) if high < 0 else high))
    expected = [
        stated
        for stated in dates.stated_dates(text, ANCHOR)
        if any(low <= stated.start < high for low, high in blocks)
    ]
    assert dates.stated_dates_near(text, ANCHOR, offsets) == expected


def check_reftel(text: str) -> None:
    slow = [(m.span(), m.groupdict()) for m in links._REFTEL.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in links._reftel_matches(text)] == slow


def check_matcher(text: str) -> None:
    slow = [(m.span(), m.group()) for m in mentions._matcher().finditer(text)]
    fast = mentions._matcher_for(text)
    assert [(m.span(), m.group()) for m in fast.finditer(text)] == slow


SNIPPETS = [
    # (text, why it is here)
    ("during its August 28 summit; on Thursday; 26 August 2008", "08MOSCOW2629 ¶1 and more"),
    ("Brussels, 8 August 2008 Dr. Mr. C. Bisogniero", "08USNATO277, day first"),
    ("They met Mar. 5 and left Mar. 9, 2008.", "a date across a sentence end"),
    ("on August\n\n28 they met; 28\n\nAugust", "dates across blank lines"),
    ("Popov met the U.S. envoy. He left on Monday.\n\nNew paragraph", "sentence_at doctest"),
    ('Popov said the U.S. "knows as well as we do." We assured him.', "07MOSCOW4307 ¶3"),
    ("Mr\n. Popov left. Then", "'$' before a newline in the abbreviation test"),
    ("as reported (ref B), and reftel A said; REF: MOSCOW 2618; rEfTeL C", "ref in any case"),
    ("İİ reftel A and İ ref B", "a letter that lowers to two characters"),
    ("Абхазия and Tskhinvali; Élysée Palace met", "names outside ASCII"),
    ("Élysée and Tskhinvali", "É alone: Latin-1 but a non-ASCII first letter"),
]


@pytest.mark.parametrize("text", [c[0] for c in SNIPPETS], ids=[c[1] for c in SNIPPETS])
def test_snippets(text: str) -> None:
    check_stated_dates(text)
    check_sentence_at(text)
    check_stated_dates_near(text, [i for i, char in enumerate(text) if char.isalnum()][::3])
    check_reftel(text)
    check_matcher(text)


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.integers(min_value=0, max_value=400), max_size=4))
def test_random_texts(text: str, picks: list[int]) -> None:
    check_stated_dates(text)
    check_sentence_at(text)
    alnum = [i for i, char in enumerate(text) if char.isalnum()]
    if alnum:
        check_stated_dates_near(text, sorted({alnum[pick % len(alnum)] for pick in picks}))
    check_reftel(text)
    check_matcher(text)


@given(st.text(alphabet="ab \n", max_size=60), st.text(alphabet="ab \n", max_size=40))
def test_find_paragraph(text: str, part: str) -> None:
    for position in range(len(text) + 2):
        assert mentions._find(text, part, position) == text.find(part, position)


@pytest.mark.slow
def test_corpus_bodies(corpus_bodies: list[str]) -> None:
    for body in corpus_bodies:
        check_stated_dates(body)
        check_reftel(body)
        check_matcher(body)
        named = [m.start for m in mentions.find_mentions(body) if m.entity_id is not None]
        check_stated_dates_near(body, named)
        spans = dates.sentence_spans(body)
        starts = [start for start, _ in spans]
        for stated in dates.stated_dates(body, ANCHOR):
            expected = spans[bisect.bisect_right(starts, stated.start) - 1]
            assert dates.sentence_at(body, stated.start) == expected
