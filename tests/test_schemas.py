"""The committed JSON Schemas are exactly what the models generate (no drift)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from caucasus_cables.cli import app
from caucasus_cables.schemas import schema_documents, schema_drift, write_schemas


def test_committed_schemas_match_models(repo: Path) -> None:
    committed = repo / "schemas"
    for name, text in schema_documents().items():
        assert (committed / name).read_text(encoding="utf-8") == text, (
            f"schemas/{name} is stale: run 'caucasus-cables schemas'"
        )
    assert schema_drift(committed) == []


def test_drift_is_detected(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    assert schema_drift(tmp_path) == []
    cable = tmp_path / "cable.schema.json"
    data = json.loads(cable.read_text())
    data["properties"]["id"]["description"] = "edited by hand"
    cable.write_text(json.dumps(data))
    (tmp_path / "extra.schema.json").write_text("{}")
    assert schema_drift(tmp_path) == ["cable.schema.json", "extra.schema.json"]


def test_schema_lists_enums_and_required_fields() -> None:
    cable = json.loads(schema_documents()["cable.schema.json"])
    assert cable["$defs"]["Precedence"]["enum"] == ["FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE"]
    assert {"id", "station", "body", "raw_text"} <= set(cable["required"])
    assert cable["additionalProperties"] is False


def test_cli_check_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["schemas", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "schema drift" in result.output
    assert runner.invoke(app, ["schemas", "--out", str(tmp_path)]).exit_code == 0
    result = runner.invoke(app, ["schemas", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
