"""Safety: no code execution from data, nothing read or written outside the given folders.

- the package never unpickles, ``eval``s, ``exec``s or ``yaml.load``s (an AST scan of every
  module, so a comment or a docstring mentioning them does not count);
- ``build --input`` never follows a symlink out of the input folder and writes only under
  ``--out``; paths in records and ledgers are relative;
- ``data/`` holds plain data (Parquet, JSON, the card, a figure), never a loading script.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
from importlib.resources import files
from pathlib import Path, PurePosixPath

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from caucasus_cables.cli import app

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(str(files("caucasus_cables")))
SEED_CABLE = REPO / "seeds" / "cables" / "07MOSCOW4307.txt"

FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "cloudpickle", "joblib"}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
# yaml functions that can build arbitrary Python objects; safe_load / safe_dump are fine.
UNSAFE_YAML = {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"}


def package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def unsafe_uses(source: str) -> list[str]:
    """Imports of pickle-like modules, calls of eval/exec/compile/__import__, and unsafe yaml
    loaders, as 'line: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")[0]]
            if node.module == "yaml":
                names += [f"yaml.{a.name}" for a in node.names if a.name in UNSAFE_YAML]
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                names = [func.id]
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "yaml"
                and func.attr in UNSAFE_YAML
            ):
                names = [f"yaml.{func.attr}"]
            else:
                continue
        else:
            continue
        found += [
            f"{node.lineno}: {name}"
            for name in names
            if name in FORBIDDEN_MODULES or name in FORBIDDEN_CALLS or name.startswith("yaml.")
        ]
    return found


UNSAFE_SNIPPETS = [
    ("import pickle", "import pickle"),
    ("from pickle import loads", "from pickle"),
    ("eval('1')", "eval"),
    ("exec('x = 1')", "exec"),
    ("yaml.load(text)", "yaml.load"),
    ("yaml.full_load(text)", "yaml.full_load"),
    ("from yaml import unsafe_load", "yaml.unsafe_load"),
    ("import marshal", "import marshal"),
]


@pytest.mark.parametrize(
    "source", [s for s, _ in UNSAFE_SNIPPETS], ids=[i for _, i in UNSAFE_SNIPPETS]
)
def test_the_scanner_finds_each_unsafe_use(source) -> None:
    assert unsafe_uses(source), source


def test_the_scanner_allows_safe_yaml_and_mentions() -> None:
    assert unsafe_uses("yaml.safe_load(text)\nyaml.safe_dump(x)\n'eval in a string'") == []


def test_no_pickle_eval_exec_or_unsafe_yaml_in_the_package() -> None:
    modules = package_modules()
    assert len(modules) > 20
    problems = {
        str(path.relative_to(PACKAGE)): unsafe_uses(path.read_text(encoding="utf-8"))
        for path in modules
    }
    assert {k: v for k, v in problems.items() if v} == {}


def test_no_dataset_loading_scripts_in_data() -> None:
    # A Hub dataset with a .py loading script runs code on load_dataset(); ours is plain data.
    data = REPO / "data"
    if not data.is_dir():
        pytest.skip("no data/ folder in this checkout")
    allowed = {".parquet", ".json", ".jsonl", ".md", ".png"}
    found = [p for p in data.rglob("*") if p.is_file()]
    assert found
    odd = [str(p.relative_to(data)) for p in found if p.suffix not in allowed]
    assert odd == [], f"files that are not plain data in data/: {odd}"
    assert all((release / "manifest.json").is_file() for release in data.iterdir())


# -- build --input: symlinks, writes, paths -----------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and mtime (symlinks not followed)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        out[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return out


@pytest.fixture
def trap(tmp_path) -> Path:
    """tmp/in: a cable, a symlink to a secret file outside, a symlink to an outside folder of
    cables, and a symlink inside the folder (allowed); tmp/secret/ and tmp/out/ beside it."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    shutil.copy(SEED_CABLE, root / "07MOSCOW4307.txt")
    secret = tmp_path / "secret"
    secret.mkdir()
    shutil.copy(REPO / "seeds" / "cables" / "07MOSCOW4849.txt", secret / "07MOSCOW4849.txt")
    os.symlink(secret / "07MOSCOW4849.txt", root / "leak.txt")
    os.symlink(secret, root / "leakdir")
    os.symlink(secret, root / "leakdir.txt")
    os.symlink("../../secret/07MOSCOW4849.txt", root / "sub" / "relative-leak.txt")
    os.symlink(root / "07MOSCOW4307.txt", root / "sub" / "alias.txt")
    return tmp_path


def test_build_input_reads_and_writes_only_where_told(trap) -> None:
    before = {name: snapshot(trap / name) for name in ("in", "secret")}
    result = CliRunner().invoke(
        app, ["build", "--input", str(trap / "in"), "--out", str(trap / "out")]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in trap.iterdir()) == ["in", "out", "secret"], "wrote elsewhere"
    assert {name: snapshot(trap / name) for name in ("in", "secret")} == before
    (release,) = (trap / "out").iterdir()
    assert not any(p.name.startswith(".") for p in release.rglob("*")), "a temporary was left"
    rows = pq.read_table(release / "cables" / "train-00000-of-00001.parquet").to_pylist()
    assert [r["id"] for r in rows] == ["07MOSCOW4307"], "read a cable through a symlink out"
    lines = [json.loads(x) for x in (release / "quarantine.jsonl").read_text().splitlines()]
    reasons = {q["path"]: (q["stage"], q["error"], q["sha256"]) for q in lines}
    assert reasons["leak.txt"][0] == "read" and "outside the input folder" in reasons["leak.txt"][1]
    assert reasons["sub/relative-leak.txt"][2] is None, "the target outside was read"
    assert reasons["leakdir.txt"][0] == "read" and reasons["leakdir.txt"][2] is None
    assert reasons["sub/alias.txt"][0] == "duplicate", "a symlink inside the folder is read"
    assert not any(p.startswith("leakdir/") for p in reasons), "entered a symlinked folder"


def _relative(path: str) -> bool:
    return not PurePosixPath(path).is_absolute() and ".." not in PurePosixPath(path).parts


def test_paths_in_records_and_ledgers_are_relative(trap) -> None:
    out = trap / "out"
    result = CliRunner().invoke(app, ["build", "--input", str(trap / "in"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (release,) = out.iterdir()
    rows = pq.read_table(release / "cables" / "train-00000-of-00001.parquet").to_pylist()
    assert all(_relative(r["source"]["path"]) for r in rows)
    for ledger in ("inputs.jsonl", "quarantine.jsonl"):
        for line in (release / ledger).read_text().splitlines():
            assert _relative(json.loads(line)["path"]), line
    manifest = json.loads((release / "manifest.json").read_text())
    assert all(_relative(entry["path"]) for entry in manifest["files"])
    for path in release.rglob("*"):
        if path.suffix in {".json", ".jsonl", ".md"}:
            text = path.read_text(encoding="utf-8")
            assert str(trap) not in text, f"{path.name} holds an absolute path"


@pytest.mark.parametrize("version", ["../escape", "/tmp/abs", "a/b"])
def test_a_version_cannot_point_outside_out(tmp_path, version) -> None:
    # The release folder is <out>/<version>: a version with a path in it must not leave --out.
    from caucasus_cables.build import build_collection

    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(SEED_CABLE, root / "07MOSCOW4307.txt")
    out = tmp_path / "out"
    out.mkdir()
    try:
        build_collection(root, out, version=version)
    except Exception:
        pass
    inside = out.resolve()
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.resolve() != p]
    assert not written
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.resolve().is_relative_to(root.resolve()):
            assert path.resolve().is_relative_to(inside), f"written outside --out: {path}"
    assert not Path("/tmp/abs").exists()
