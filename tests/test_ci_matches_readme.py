"""CI must install and test exactly as README.md tells a user to (its two commands)."""

from __future__ import annotations

import re
from pathlib import Path


def readme_commands(repo: Path) -> list[str]:
    text = (repo / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.DOTALL)


def test_readme_has_the_two_commands(repo: Path) -> None:
    commands = readme_commands(repo)
    assert len(commands) == 2
    setup, tests = commands
    assert "pip install" in setup and "caucasus-cables build" in setup
    assert "pytest" in tests


def test_ci_runs_the_readme_commands_verbatim(repo: Path) -> None:
    ci = (repo / ".ci" / "run").read_text(encoding="utf-8")
    for command in readme_commands(repo):
        assert command in ci, f".ci/run does not run the README command: {command}"
