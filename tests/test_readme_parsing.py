"""The README's "Parsing your own cables" examples run as written (docs kept true by tests)."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

SECTION = "## Parsing your own cables"


def section_examples(repo: Path) -> str:
    text = (repo / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    blocks = re.findall(r"```pycon\n(.*?)```", text[start:end], flags=re.DOTALL)
    assert blocks, "the parsing section has no pycon examples"
    return "\n".join(blocks)


def test_parsing_examples_run(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)  # the examples read seeds/ relative to the repository
    parser = doctest.DocTestParser()
    test = parser.get_doctest(section_examples(repo), {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 10
    assert result.failed == 0
