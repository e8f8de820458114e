"""``caucasus-cables build`` and ``validate``: exit codes and one line of output each."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from caucasus_cables._version import DATASET_VERSION
from caucasus_cables.catalog import sha256_bytes
from caucasus_cables.cli import app

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("data")
    result = runner.invoke(app, ["build", "--seeds", str(SEEDS), "--out", str(data)])
    assert result.exit_code == 0, result.output
    assert f"built {data / DATASET_VERSION}: 5 inputs = 5 records + 0 quarantined" in (
        result.output
    )
    return data


@pytest.fixture
def out(built, tmp_path) -> Path:
    """A copy of the built data folder that a test may damage."""
    copy = tmp_path / "data"
    shutil.copytree(built, copy)
    return copy


def test_second_build_is_a_no_op(out) -> None:
    result = runner.invoke(app, ["build", "--seeds", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("unchanged (same records):")


def test_check_passes_then_names_a_changed_file(out) -> None:
    args = ["build", "--seeds", str(SEEDS), "--out", str(out), "--check"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "matches a fresh build byte for byte" in result.output
    card = out / DATASET_VERSION / "README.md"
    card.write_text(card.read_text() + "edited\n")
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "differs from a fresh build: README.md" in result.output


def test_validate_passes_and_writes_a_json_report(built, tmp_path) -> None:
    out = built
    report = tmp_path / "report.json"
    result = runner.invoke(app, ["validate", str(out / DATASET_VERSION), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"{out / DATASET_VERSION}: valid"
    assert json.loads(report.read_text())["ok"] is True


def test_validate_fails_naming_the_corrupted_file(out) -> None:
    shard = out / DATASET_VERSION / "cables" / "train-00000-of-00001.parquet"
    data = bytearray(shard.read_bytes())
    data[100] ^= 0xFF
    shard.write_bytes(bytes(data))
    result = runner.invoke(app, ["validate", str(out / DATASET_VERSION)])
    assert result.exit_code == 1
    assert "cables/train-00000-of-00001.parquet: checksums: sha256" in result.output


def test_strict_build_exits_1_naming_the_bad_seed(tmp_path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    data = b"not a cable at all\n"
    (seeds / "cables" / "99BAD1.txt").write_bytes(data)
    catalog = yaml.safe_load((seeds / "catalog.yaml").read_text())
    catalog["documents"].append(
        {"path": "cables/99BAD1.txt", "sha256": sha256_bytes(data), "kind": "cable"}
    )
    (seeds / "catalog.yaml").write_text(yaml.safe_dump(catalog))
    args = ["build", "--seeds", str(seeds), "--out", str(tmp_path / "data")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "cables/99BAD1.txt: parse:" in result.output
    result = runner.invoke(app, [*args, "--no-strict"])
    assert result.exit_code == 0, result.output
    assert "1 input(s) quarantined" in result.output


def test_build_input_collection(tmp_path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    for cable in (SEEDS / "cables").glob("*.txt"):
        shutil.copy(cable, folder / cable.name)
    (folder / "junk.txt").write_text("")
    args = ["build", "--input", str(folder), "--out", str(tmp_path / "o"), "--workers", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "4 inputs = 3 records + 1 quarantined" in result.output
    result = runner.invoke(app, [*args, "--strict"])
    assert result.exit_code == 1
    assert "junk.txt: parse:" in result.output
