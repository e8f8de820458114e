"""The loader's commands: exit code and one line each (the logic is tested in test_load.py),
and every ``caucasus-cables`` line of the README's quick start."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from caucasus_cables import build
from caucasus_cables.cli import app

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def data_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("data")
    build(REPO / "seeds", root, version="1.0.0")
    return root


@pytest.fixture(autouse=True)
def shipped(data_root, monkeypatch) -> Path:
    monkeypatch.setenv("CAUCASUS_CABLES_DATA", str(data_root))
    return data_root


def invoke(*args: str):
    return runner.invoke(app, list(args))


CASES = [
    # (arguments, exit code, a line the output must contain)
    (["info"], 0, "  cables                    3 rows"),
    (["info", "cable_paragraphs"], 0, "  cable_paragraphs         18 rows"),
    (["info", "cables", "--version", "v1.0.0"], 0, "caucasus-cables 1.0.0 (schema"),
    (["info", "cabels"], 1, "unknown dataset 'cabels'; choose one of: cables, news_articles"),
    (["info", "--version", "9.9.9"], 1, "unknown version '9.9.9'; shipped versions: 1.0.0"),
    (["show", "07MOSCOW4307"], 0, "RUSSIA/GEORGIA: BAKRADZE VISIT FAILS TO EASE TENSIONS"),
    (["show", "07moscow4849"], 0, "PREL (Political Affairs--External Political Relations)"),
    (["show", "08MOSCOW2629", "--raw"], 0, "UNCLAS SECTION 01 OF 02 MOSCOW 002629"),
    (["show", "2024-09-10-eadaily-kulakhmetov-interview"], 0, "Outlet     EADaily"),
    (["show", "07MOSCOW430"], 1, "did you mean '07MOSCOW4307'?"),
    (["export", "-o", "x.jsonl", "-f", "jsonl", "--where", "tags=GG"], 0, "wrote 2 rows of cables"),
    (
        ["export", "-o", "x.csv", "--format", "csv", "-w", "tags=TI,AM", "-w", "date_to=2007"],
        0,
        "wrote 1 rows",
    ),
    (
        ["export", "cable_paragraphs", "-o", "p.parquet", "-w", "contains=Kudryavtsev, October"],
        0,
        "wrote 1 rows of cable_paragraphs",
    ),
    (["export", "-o", "x.xml", "-f", "xml"], 2, "'xml' is not one of: jsonl, csv, parquet"),
    (["export", "-o", "x.csv", "-f", "csv", "-w", "tags"], 2, "'tags' is not KEY=VALUE"),
    (["export", "-o", "x.csv", "-f", "csv", "-w", "tag=GG"], 1, "unknown filter 'tag' for cables"),
    (["export", "-o", "x.csv", "-f", "csv", "-c", "id,subjet"], 1, "cables has no column 'subjet'"),
    (
        ["publish", "--repo-id", "my-org/caucasus-cables", "--dry-run"],
        0,
        "dry run: would upload 13 files",
    ),
    (["publish", "--repo-id", "caucasus-cables", "--dry-run"], 1, "is not 'owner/name'"),
]


@pytest.mark.parametrize("args, code, line", CASES, ids=[" ".join(args) for args, _, _ in CASES])
def test_commands(args, code, line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert line in result.output


def test_export_writes_what_it_says(tmp_path):
    out = tmp_path / "georgia.parquet"
    result = invoke("export", "cables", "-o", str(out), "-w", "tags_all=GG,AM", "-c", "id,tags")
    assert result.exit_code == 0
    assert pq.read_table(out).to_pylist() == [
        {"id": "08MOSCOW2629", "tags": ["PGOV", "PREL", "ECON", "AM", "GG", "TU", "UZ", "RS"]}
    ]  # TAGS: PGOV PREL ECON AM GG TU UZ RS


def test_export_jsonl_rows_are_records(tmp_path):
    out = tmp_path / "cables.jsonl"
    assert (
        invoke(
            "export", "-o", str(out), "-f", "jsonl", "-w", "classification=unclassified"
        ).exit_code
        == 0
    )
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["id"] == "08MOSCOW2629" and row["created"] == "2008-09-03T06:46:00Z"


def test_publish_dry_run_lists_every_file_and_uploads_nothing(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # importing it would fail
    result = invoke("publish", "--repo-id", "my-org/caucasus-cables", "--dry-run")
    assert result.exit_code == 0
    assert "https://huggingface.co/datasets/my-org/caucasus-cables" in result.output
    assert "then tag v1.0.0" in result.output
    assert "  manifest.json  " in result.output


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("## Quick start: loading the data")
    end = text.find("\n## ", start + 5)
    section = text[start : end if end > 0 else None]
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", section, re.DOTALL):
        lines += [line for line in block.splitlines() if line.startswith("caucasus-cables ")]
    return lines


def test_readme_commands_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    commands = readme_commands()
    assert len(commands) >= 4
    for command in commands:
        args = shlex.split(command, comments=True)[1:]
        assert "--dry-run" in args or args[0] != "publish"  # never upload from a test
        result = invoke(*args)
        assert result.exit_code == 0, f"{command}: {result.output}"
