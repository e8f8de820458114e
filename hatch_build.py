"""Hatchling build hook: the wheel carries the built releases, ``data/<version>/``, as
``caucasus_cables/_data/<version>/``, where ``caucasus_cables.load`` finds them offline.

Why a hook and not a static ``force-include`` of ``data``:

- a static force-include fails every build, editable installs too, while ``data/`` does not
  exist (hatchling >= 1.19), and a fresh clone installs before it builds (README, "Two
  commands");
- an editable install would copy a snapshot of ``data/`` into site-packages that nothing reads
  (the source package reads ``data/`` in place), so editable builds ship no data;
- only the files each ``manifest.json`` lists, and the manifest, are shipped, each checked
  against its sha256: never a half-written build (``.1.0.0.building-*``), a stray file or a
  changed one.

A regular wheel with no release in ``data/`` is refused: it would install a loader with nothing
to load.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGED = "caucasus_cables/_data"


class ShipReleasesHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        data = Path(self.root) / "data"
        manifests = sorted(
            p for p in data.glob("*/manifest.json") if not p.parent.name.startswith(".")
        )
        if not manifests:
            raise RuntimeError(
                f"no release in {data} to ship in the wheel: run 'caucasus-cables build' first"
            )
        for manifest in manifests:
            release = manifest.parent
            build_data["force_include"][str(manifest)] = f"{PACKAGED}/{release.name}/manifest.json"
            for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
                path = release / entry["path"]
                if not path.is_file() or _sha256(path) != entry["sha256"]:
                    raise RuntimeError(
                        f"{path} is missing or differs from {manifest}: rebuild the release"
                    )
                build_data["force_include"][str(path)] = (
                    f"{PACKAGED}/{release.name}/{entry['path']}"
                )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
