"""The word lists the news parser reads, shipped as CSV beside this module.

- ``news_credits.csv``: photo credits that may be glued to a caption (``APIranian ...``).
- ``news_agencies.csv``: news agencies and the spellings they appear under (``alias`` ->
  canonical ``agency``), for "Reuters reported" / "told ITAR-TASS".
- ``news_lexicon.csv``: words by ``kind``: ``title`` (office words stripped from names:
  "Foreign Minister Sergei Lavrov" -> "Sergei Lavrov"), ``role`` (byline roles, "Staff Writer"),
  ``not_name`` (capitalised words that never start a name: "The", weekdays),
  ``clause_opener`` (words opening an adverbial clause before the subject, "Speaking on ...,")
  and ``speech_verb`` ("said", "told", "called on").

Each row names its source, so a person can see why a word is there. The lists are data, not
code: adding an agency or a title is a one-line CSV change.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_PACKAGE = "caucasus_cables"
_FOLDER = "parse"


@dataclass(frozen=True)
class Lexicon:
    """Every word list the news parser uses, read once."""

    credits: tuple[str, ...]
    agencies: dict[str, str]
    """Alias as written -> canonical agency name."""
    titles: frozenset[str]
    roles: frozenset[str]
    not_names: frozenset[str]
    clause_openers: frozenset[str]
    """Lower-case."""
    speech_verbs: tuple[str, ...]
    """Lower-case, longest first (so "called on" is tried before "called")."""


def _rows(name: str) -> list[dict[str, str]]:
    text = files(_PACKAGE).joinpath(_FOLDER, name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def lexicon() -> Lexicon:
    """The word lists, read from the packaged CSV files on first use."""
    words: dict[str, set[str]] = {}
    for row in _rows("news_lexicon.csv"):
        words.setdefault(row["kind"], set()).add(row["word"])
    return Lexicon(
        credits=tuple(
            sorted((row["credit"] for row in _rows("news_credits.csv")), key=_longest_first)
        ),
        agencies={row["alias"]: row["agency"] for row in _rows("news_agencies.csv")},
        titles=frozenset(words.get("title", ())),
        roles=frozenset(words.get("role", ())),
        not_names=frozenset(words.get("not_name", ())),
        clause_openers=frozenset(w.lower() for w in words.get("clause_opener", ())),
        speech_verbs=tuple(sorted(words.get("speech_verb", ()), key=_longest_first)),
    )


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of ``words``, escaped, longest first ("APA" is tried before "AP")."""
    return "|".join(re.escape(w) for w in sorted(words, key=_longest_first))


def _longest_first(word: str) -> tuple[int, str]:
    return (-len(word), word)
