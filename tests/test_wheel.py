"""The wheel carries the data: build it, list it, install it into a fresh virtual environment
outside the repository, and load every dataset in every output form there, offline.

The wheel is built from a copy of the project (package, pyproject.toml, hatch_build.py, README)
with the repository's ``data/`` when it holds a release (CI builds it before the tests), else a
release built from ``seeds/`` for this test. The fresh environment gets the wheel with
``pip install --no-deps --no-index``; its dependencies (pyarrow, pandas, datasets...) come from
the environment running the tests through a ``.pth`` line added after the new environment's own
site-packages, which is the ``--system-site-packages`` idea for a parent that is itself a
virtual environment. Only files the new environment's own site-packages holds can be
``caucasus_cables``: the test asserts that ``caucasus_cables.__file__`` is inside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from caucasus_cables import build

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

PROJECT_FILES = ("pyproject.toml", "hatch_build.py", "README.md", ".gitignore")

# Runs inside the fresh environment: load everything, every way, and report as JSON.
INSIDE = r"""
import doctest, json, re, sys
from pathlib import Path

import caucasus_cables as cc

report = {"module": cc.__file__, "data_dir": str(cc.data_dir()), "versions": cc.versions()}
about = cc.info()
rows = {}
for name in cc.list_datasets():
    forms = ["pandas", "arrow", "polars", "hf"]
    if name in ("cables", "news_articles"):
        forms.append("records")
    for output in forms:
        loaded = cc.load(name, output=output)
        count = (
            len(loaded) if output in ("pandas", "records")
            else loaded.height if output == "polars"
            else loaded.num_rows
        )
        rows[f"{name}/{output}"] = [count, about.rows[name]]
report["rows"] = rows
report["filtered"] = cc.load("cables", tags="GG", columns=["id"])["id"].tolist()
report["cable"] = cc.get_cable("07MOSCOW4307").subject

readme = Path(sys.argv[1]).read_text(encoding="utf-8")
start = readme.index("## Quick start: loading the data")
end = readme.find("\n## ", start + 5)
section = readme[start : end if end > 0 else None]
blocks = re.findall(r"```pycon\n(.*?)```", section, re.DOTALL)
test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "README", "README.md", 0)
runner = doctest.DocTestRunner()
runner.run(test, out=sys.stderr.write)
report["readme"] = list(runner.summarize(verbose=False))
print(json.dumps(report))
"""


def _release_dirs(data: Path) -> list[Path]:
    return sorted(
        p.parent for p in data.glob("*/manifest.json") if not p.parent.name.startswith(".")
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("build", reason="the 'build' package is in the [dev] extra")
    pytest.importorskip("hatchling", reason="hatchling is in the [dev] extra")
    project = tmp_path_factory.mktemp("project")
    for name in PROJECT_FILES:
        if (REPO / name).exists():
            shutil.copy2(REPO / name, project / name)
    shutil.copytree(
        REPO / "caucasus_cables",
        project / "caucasus_cables",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_data"),
    )
    if _release_dirs(REPO / "data"):
        shutil.copytree(REPO / "data", project / "data")
    else:
        build(REPO / "seeds", project / "data")
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=project,
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("caucasus_cables-*.whl")
    return built


def test_wheel_carries_every_release_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = REPO / "data" if _release_dirs(REPO / "data") else None
    packaged = sorted({n.split("/")[2] for n in names if n.startswith("caucasus_cables/_data/")})
    assert packaged, "no release in the wheel"
    for version in packaged:
        manifest = json.loads(
            zipfile.ZipFile(wheel).read(f"caucasus_cables/_data/{version}/manifest.json")
        )
        expected = {f"caucasus_cables/_data/{version}/{f['path']}" for f in manifest["files"]}
        shipped = {n for n in names if n.startswith(f"caucasus_cables/_data/{version}/")}
        assert shipped == expected | {f"caucasus_cables/_data/{version}/manifest.json"}
    if data is not None:
        assert packaged == [p.name for p in _release_dirs(data)]
    assert "caucasus_cables/load.py" in names and "caucasus_cables/reference/tags.csv" in names
    assert not any(n.startswith("data/") or "__pycache__" in n for n in names)


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh environment outside the repository with only the wheel installed."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    parent = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "zz_test_dependencies.pth").write_text("\n".join(parent) + "\n")
    return root


def _clean_env(root: Path, tmp: Path) -> dict[str, str]:
    env = {
        "PATH": f"{root / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp),
        "HF_HOME": str(tmp / "hf"),
        "HF_DATASETS_CACHE": str(tmp / "hf" / "datasets"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "PYTHONNOUSERSITE": "1",
    }
    return {**env, **{k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR")}}


def test_installed_wheel_loads_everything_offline(venv, tmp_path):
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", INSIDE, str(REPO / "README.md")],
        cwd=tmp_path,
        env=_clean_env(venv, tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert Path(report["module"]).is_relative_to(venv), report["module"]
    assert Path(report["data_dir"]) == Path(report["module"]).parent / "_data"
    assert report["rows"], "nothing loaded"
    for form, (count, expected) in report["rows"].items():
        assert count == expected, form
    assert len(report["rows"]) == 34  # 8 tables x 4 table forms + records of 2 parent tables
    assert report["filtered"][:1] == ["07MOSCOW4307"]
    assert report["cable"] == "RUSSIA/GEORGIA: BAKRADZE VISIT FAILS TO EASE TENSIONS"
    failed, attempted = report["readme"]
    assert attempted >= 15 and failed == 0, done.stderr[-3000:]


def test_installed_command_line(venv, tmp_path):
    done = subprocess.run(
        [str(venv / "bin" / "caucasus-cables"), "info", "cables"],
        cwd=tmp_path,
        env=_clean_env(venv, tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "cables/train-00000-of-" in done.stdout
