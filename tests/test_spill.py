"""Bounded main-process memory: the ledger and digests spill sorted runs, inputs are listed
lazily, and none of it changes a byte of the release."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from record_samples import sample_records

from caucasus_cables import store
from caucasus_cables.build import discover, iter_documents
from caucasus_cables.errors import BuildError
from caucasus_cables.store import (
    CardInfo,
    InputEntry,
    QuarantineEntry,
    ReleaseWriter,
    compare_releases,
    record_digest,
)
from caucasus_cables.store.spill import SpilledItems
from caucasus_cables.tables import records_table, table_for

INFO = CardInfo(version="1.0.0", sources=("Hand-built test records.",))


def _release(out: Path) -> Path:
    with ReleaseWriter(out, "1.0.0") as writer:
        # Reverse order, so spilled runs have to be merged to come out sorted.
        for record in reversed(sample_records()):
            name = table_for(record)
            writer.add_records(
                name,
                records_table(name, [record]),
                [InputEntry(path=f"in/{record.id}.txt", sha256="a" * 64, bytes=10)],
                [record_digest(record)],
            )
        for path in ("in/zz-broken.txt", "in/0-broken.txt", "in/m-broken.txt"):
            writer.add_quarantine(QuarantineEntry(path=path, stage="parse", error="bad"), 3)
        writer.write(INFO)
        return writer.publish().path


@pytest.mark.parametrize("buffer_items", [1, 3, 7, 1000], ids=lambda n: f"buffer={n}")
def test_spilled_items_come_back_sorted(tmp_path, buffer_items) -> None:
    rng = random.Random(buffer_items)
    items = [(f"p{rng.randrange(500):03d}", rng.random()) for _ in range(200)]
    spilled = SpilledItems(tmp_path / "spill", buffer_items=buffer_items)
    for item in items:
        spilled.add(item)
    assert spilled.count == 200
    assert list(spilled.sorted_items()) == sorted(items)
    assert list(spilled.sorted_items()) == sorted(items)  # readable twice


def test_spilling_changes_no_byte_of_the_release(tmp_path, monkeypatch) -> None:
    in_memory = _release(tmp_path / "memory")
    monkeypatch.setattr(store, "SPILL_ITEMS", 2)
    spilled = _release(tmp_path / "spilled")
    assert compare_releases(spilled, in_memory) == []


def test_an_input_counted_twice_across_spilled_runs_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(store, "SPILL_ITEMS", 2)
    with ReleaseWriter(tmp_path, "1.0.0") as writer:
        for path in ("x.txt", "y.txt", "z.txt", "x.txt"):  # x.txt's first line is on disk
            writer.add_quarantine(QuarantineEntry(path=path, stage="read", error="gone"))
        with pytest.raises(BuildError, match=r"input counted twice: x\.txt"):
            writer.write(INFO)
    assert list(tmp_path.iterdir()) == []


def test_inputs_are_listed_lazily_in_path_order(tmp_path) -> None:
    # '.' and '-' sort before '/', so "a.b/..." and "a-/..." come before "a/...": a walk that
    # listed each folder's files before its subfolders would get this wrong.
    names = ["a.txt", "a/x.txt", "a/b/y.txt", "a.b/y.txt", "a-/z.txt", "ab.txt", "B.txt"]
    for name in names:
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    os.symlink(tmp_path / "in" / "a", tmp_path / "in" / "link.txt")  # a folder link: listed
    documents = list(iter_documents(tmp_path / "in"))
    paths = [d.path for d in documents]
    assert paths == sorted([*names, "link.txt"])
    assert [d.path for d in documents if d.problem] == ["link.txt"]
    assert [d.path for d in discover(tmp_path / "in")] == paths
