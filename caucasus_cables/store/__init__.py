"""The only writer: a release folder (``<out>/<version>/``) that is a complete Hugging Face
dataset repository.

A release holds one folder of Parquet shards per table, ``README.md`` (dataset card with YAML
header, statistics and field descriptions), the chart it shows, ``croissant.json``,
``inputs.jsonl`` (every input and what became of it), ``quarantine.jsonl`` (only when an input
was rejected) and ``manifest.json`` (every file's sha256, the counts and the content hash).

``ReleaseWriter`` takes record rows in any order and any batch size, keeps memory bounded
(``parquet.SortedRows`` spills sorted runs), and writes everything into a temporary folder
inside the output folder. ``publish`` then renames it into place in one step, so a reader
never sees half a release and an interrupted build leaves the previous version untouched.
Released versions are immutable: publishing over an existing version with other records is
refused; with the same records it is a no-op.

>>> from caucasus_cables.store import RELEASE_FILES
>>> RELEASE_FILES[-1]
'manifest.json'
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from caucasus_cables._version import DATASET_VERSION, SCHEMA_VERSION, __version__
from caucasus_cables.errors import BuildError, IntegrityError
from caucasus_cables.store.card import CHART_NAME, CardInfo, Statistics, field_rows, render_card
from caucasus_cables.store.croissant import CROISSANT_NAME, croissant
from caucasus_cables.store.manifest import (
    CONTENT_HASH_METHOD,
    INPUTS_NAME,
    MANIFEST_NAME,
    QUARANTINE_NAME,
    FileEntry,
    InputCounts,
    InputEntry,
    Manifest,
    QuarantineEntry,
    TableEntry,
    content_hash,
    dumps,
    jsonl,
    read_manifest,
    record_digest,
    sha256_file,
)
from caucasus_cables.store.parquet import (
    CHILD_LAYOUT,
    RECORD_LAYOUT,
    ShardWriter,
    SortedRows,
    parquet_options,
)
from caucasus_cables.store.spill import SpilledItems
from caucasus_cables.tables import (
    CHILD_TABLES,
    DERIVED_TABLES,
    PARENT_TABLES,
    TABLES,
    child_table,
    mentions_table,
    table_schema,
)

__all__ = [
    "CARD_NAME",
    "RELEASE_FILES",
    "CardInfo",
    "FileEntry",
    "InputEntry",
    "Manifest",
    "Published",
    "QuarantineEntry",
    "ReleaseWriter",
    "compare_releases",
    "parquet_options",
    "read_manifest",
    "record_digest",
    "sha256_file",
]

CARD_NAME = "README.md"
RELEASE_FILES = (CHART_NAME, CARD_NAME, CROISSANT_NAME, INPUTS_NAME, QUARANTINE_NAME, MANIFEST_NAME)
"""The non-Parquet files of a release, in the order they are written (quarantine optional)."""

DEFAULT_BUDGET_BYTES = 128 << 20
"""Arrow bytes of rows held in memory before sorted runs spill to disk (all tables together).
Larger budgets make fewer, longer runs but no faster build: spilling costs the same per row."""

SPILL_ITEMS = 20_000
"""Ledger lines and record digests held in memory (each) before a sorted run spills: ~5 MB."""

TMP_PREFIX = "."
"""Temporary release folders are hidden (``.<version>.building-*``) so listings skip them."""


@dataclass(frozen=True)
class Published:
    """What ``publish`` did: ``created`` the version, or found it ``unchanged``.

    ``differences`` lists files that differ although the records are identical (for example
    Parquet bytes from another pyarrow, or edited card prose); the old files are kept.
    """

    path: Path
    status: str
    manifest: Manifest
    differences: list[str] = field(default_factory=list)


class ReleaseWriter:
    """Collects a release's rows and inputs, writes every file, then publishes atomically.

    Use as a context manager: leaving the block without ``publish`` (an error, a strict-mode
    refusal) removes the temporary folder and leaves ``out`` as it was.
    """

    def __init__(
        self,
        out: Path,
        version: str = DATASET_VERSION,
        *,
        budget_bytes: int = DEFAULT_BUDGET_BYTES,
    ) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.version = version
        self.final = out / version
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{version}.building-", dir=out))
        per_table = max(1 << 20, budget_bytes // len(PARENT_TABLES))
        self._rows = {
            name: SortedRows(table_schema(name), self.tmp / ".spill" / name, budget_bytes=per_table)
            for name in PARENT_TABLES
        }
        self._child_rows: Counter = Counter()
        # Whole derived tables handed over at the end of the build (entities, links).
        self._given: dict[str, pa.Table] = {}
        # (table, id, record digest) per record and (path, inputs.jsonl line) per input: both
        # spill sorted runs beside the rows', so the main process does not grow with the inputs.
        self._digests = SpilledItems(self.tmp / ".spill" / ".digests", buffer_items=SPILL_ITEMS)
        self._ledger = SpilledItems(self.tmp / ".spill" / ".ledger", buffer_items=SPILL_ITEMS)
        # Paths of the ledger lines not yet spilled: a path counted twice is refused at once
        # when both are in memory, else when the runs are merged (before anything is written).
        self._recent_paths: set[str] = set()
        self._quarantine: list[QuarantineEntry] = []
        self._manifest: Manifest | None = None

    # -- collecting ---------------------------------------------------------------------------

    def add_records(
        self, table: str, rows: pa.Table, inputs: Iterable[InputEntry], digests: Iterable[str]
    ) -> None:
        """Add rows of a parent table with, per row in order, its input and record digest."""
        inputs, digests = list(inputs), list(digests)
        ids = rows.column("id").to_pylist()
        if not len(ids) == len(inputs) == len(digests):
            raise BuildError(
                f"{table}: {len(ids)} rows, {len(inputs)} inputs, {len(digests)} digests"
            )
        self._rows[table].add(rows)
        for record_id, entry, digest in zip(ids, inputs, digests, strict=True):
            self._note_input(entry.model_copy(update={"table": table, "id": record_id}))
            self._digests.add((table, record_id, digest))
        for name, spec in CHILD_TABLES.items():
            if spec.parent == table:
                lengths = pc.list_value_length(rows.column(spec.list_field))
                self._child_rows[name] += pc.sum(lengths).as_py() or 0
        for name, spec in DERIVED_TABLES.items():
            if table in spec.sources:
                lengths = pc.list_value_length(rows.column(spec.list_field))
                self._child_rows[name] += pc.sum(lengths).as_py() or 0

    def add_table(self, table: str, rows: pa.Table) -> None:
        """Give a whole derived table (``entities``, ``links``), already sorted; a derived
        table never given is written empty."""
        if table not in DERIVED_TABLES or DERIVED_TABLES[table].sources:
            raise BuildError(f"{table} is not a table that is given whole")
        self._given[table] = rows

    def add_quarantine(self, entry: QuarantineEntry, size: int | None = None) -> None:
        """Record a rejected input (it gets a ledger line too)."""
        self._quarantine.append(entry)
        self._note_input(
            InputEntry(path=entry.path, sha256=entry.sha256, bytes=size, quarantined=entry.stage)
        )

    def _note_input(self, entry: InputEntry) -> None:
        if entry.path in self._recent_paths:
            raise BuildError(f"input counted twice: {entry.path}")
        self._ledger.add((entry.path, jsonl([entry])))
        if self._ledger.buffered():
            self._recent_paths.add(entry.path)
        else:  # the buffer was just spilled
            self._recent_paths.clear()

    @property
    def quarantined(self) -> list[QuarantineEntry]:
        return sorted(self._quarantine, key=lambda q: q.path)

    @property
    def counts(self) -> dict[str, int]:
        records = sum(rows.rows for rows in self._rows.values())
        return {
            "inputs": self._ledger.count,
            "records": records,
            "quarantined": len(self._quarantine),
        }

    # -- writing ------------------------------------------------------------------------------

    def write(self, info: CardInfo) -> Manifest:
        """Write every file of the release into the temporary folder; return the manifest.

        Raises BuildError when the accounting does not add up (inputs != records +
        quarantined), which would mean an input was lost.
        """
        counts = self.counts
        if counts["inputs"] != counts["records"] + counts["quarantined"]:
            raise BuildError(
                f"{counts['inputs']} inputs but {counts['records']} records + "
                f"{counts['quarantined']} quarantined: an input was lost"
            )
        stats = Statistics()
        tables, files = self._write_tables(stats)
        digest = content_hash(self._digests.sorted_items(), presorted=True)
        self._write_ledger()
        shutil.rmtree(self.tmp / ".spill", ignore_errors=True)
        rows = {name: entry.rows for name, entry in tables.items()}
        download: Counter = Counter()
        memory: Counter = Counter()
        for entry in files:
            download[entry.table] += entry.bytes
            memory[entry.table] += _uncompressed_bytes(self.tmp / entry.path)
        (self.tmp / CHART_NAME).write_bytes(_chart(stats))
        self._write_text(
            CARD_NAME, render_card(info, stats, rows, download, memory, counts, digest)
        )
        self._write_text(CROISSANT_NAME, dumps(self._croissant(info, files, tables, digest)))
        if self._quarantine:
            self._write_text(QUARANTINE_NAME, jsonl(self.quarantined))
        files += [self._file_entry(name) for name in RELEASE_FILES if name != MANIFEST_NAME]
        files = sorted((f for f in files if f is not None), key=lambda f: f.path)
        manifest = Manifest(
            name=info.name,
            dataset_version=self.version,
            schema_version=SCHEMA_VERSION,
            package_version=__version__,
            content_sha256=digest,
            content_hash_method=CONTENT_HASH_METHOD,
            inputs=InputCounts(**counts, ledger=INPUTS_NAME),
            tables=tables,
            files=files,
        )
        self._write_text(MANIFEST_NAME, dumps(manifest.model_dump(mode="json")))
        self._manifest = manifest
        return manifest

    def _write_tables(self, stats: Statistics) -> tuple[dict[str, TableEntry], list[FileEntry]]:
        tables: dict[str, TableEntry] = {}
        files: list[FileEntry] = []
        # Tables flattened from several parents (mentions) span the parents' loop below.
        flattened = {
            name: ShardWriter(
                self.tmp, name, table_schema(name), CHILD_LAYOUT, self._child_rows[name]
            )
            for name, spec in DERIVED_TABLES.items()
            if spec.sources
        }
        for name, rows in self._rows.items():
            writer = ShardWriter(self.tmp, name, table_schema(name), RECORD_LAYOUT, rows.rows)
            children = {
                child: ShardWriter(
                    self.tmp, child, table_schema(child), CHILD_LAYOUT, self._child_rows[child]
                )
                for child, spec in CHILD_TABLES.items()
                if spec.parent == name
            }
            for batch in rows.sorted_batches(RECORD_LAYOUT.row_group_rows):
                writer.write(batch)
                stats.update(name, batch)
                for child, child_writer in children.items():
                    child_writer.write(child_table(child, batch))
                for derived, derived_writer in flattened.items():
                    if name in DERIVED_TABLES[derived].sources:
                        mentions = mentions_table(batch)
                        derived_writer.write(mentions)
                        stats.update(derived, mentions)
            for table, shard_writer in [(name, writer), *children.items()]:
                self._close_shards(table, shard_writer, tables, files)
        for table, shard_writer in flattened.items():
            self._close_shards(table, shard_writer, tables, files)
        for table in DERIVED_TABLES:
            if table in flattened:
                continue
            given = self._given.get(table, table_schema(table).empty_table())
            shard_writer = ShardWriter(
                self.tmp, table, table_schema(table), CHILD_LAYOUT, given.num_rows
            )
            shard_writer.write(given)
            stats.update(table, given)
            self._close_shards(table, shard_writer, tables, files)
        return {name: tables[name] for name in TABLES}, files

    def _close_shards(
        self,
        table: str,
        shard_writer: ShardWriter,
        tables: dict[str, TableEntry],
        files: list[FileEntry],
    ) -> None:
        paths = shard_writer.close()
        tables[table] = TableEntry(rows=shard_writer.total_rows, files=paths)
        for path, count in zip(paths, shard_writer.rows_per_file, strict=True):
            entry = self._file_entry(path)
            files.append(entry.model_copy(update={"table": table, "rows": count}))

    def _write_ledger(self) -> None:
        # One line per input, sorted by path, streamed from the spilled runs.
        previous = None
        with (self.tmp / INPUTS_NAME).open("w", encoding="utf-8", newline="\n") as handle:
            for path, line in self._ledger.sorted_items():
                if path == previous:
                    raise BuildError(f"input counted twice: {path}")
                previous = path
                handle.write(line)

    def _write_text(self, name: str, text: str) -> None:
        (self.tmp / name).write_text(text, encoding="utf-8", newline="\n")

    def _file_entry(self, relative: str) -> FileEntry | None:
        path = self.tmp / relative
        if not path.is_file():
            return None
        return FileEntry(path=relative, sha256=sha256_file(path), bytes=path.stat().st_size)

    def _croissant(
        self,
        info: CardInfo,
        files: list[FileEntry],
        tables: dict[str, TableEntry],
        digest: str,
    ) -> dict:
        descriptions = {name: _descriptions(name) for name in TABLES}
        return croissant(
            name=info.name,
            description=info.summary,
            version=self.version,
            license_text=(
                "Cable texts: US government works (17 U.S.C. 105); news texts: copyright of "
                "their publishers, included for research; structure and code: MIT. See README.md."
            ),
            cite_as=(
                f"{info.pretty_name} (caucasus-cables), dataset version {self.version}, "
                f"content hash {digest}"
            ),
            files=files,
            tables=tables,
            descriptions=descriptions,
        )

    # -- publishing ---------------------------------------------------------------------------

    def publish(self) -> Published:
        """Move the written release to ``<out>/<version>`` in one rename.

        When that version exists: a no-op if its records are the same (content hash), with any
        differing files listed; a BuildError otherwise (released versions are immutable).
        """
        if self._manifest is None:
            raise BuildError("write() the release before publishing it")
        manifest = self._manifest
        if not self.final.exists():
            try:
                # mkdtemp made the folder private (0700); a release is for everyone to read.
                os.chmod(self.tmp, 0o755)
                os.rename(self.tmp, self.final)
            except OSError as exc:
                raise BuildError(f"could not move the release into {self.final}: {exc}") from exc
            return Published(self.final, "created", manifest)
        differences = compare_releases(self.tmp, self.final)
        try:
            existing = read_manifest(self.final).content_sha256
        except IntegrityError:
            existing = None
        self.discard()
        if existing != manifest.content_sha256:
            shown = ", ".join(differences[:10]) + (" ..." if len(differences) > 10 else "")
            raise BuildError(
                f"{self.final} already exists with other records (content hash {existing}, "
                f"this build {manifest.content_sha256}; differing files: {shown}). Released "
                "versions are immutable: bump DATASET_VERSION in caucasus_cables/_version.py "
                "(see the policy in CHANGELOG.md) and build again."
            )
        return Published(self.final, "unchanged", manifest, differences)

    def discard(self) -> None:
        """Remove the temporary folder (idempotent)."""
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> ReleaseWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


def _descriptions(table: str) -> dict[str, str]:
    spec = TABLES[table]
    schema = table_schema(table)
    described: dict[str, str] = {}
    if spec.is_child:
        described[spec.key] = f"Id of the parent record in {spec.parent}."
        described["index"] = f"0-based position in {spec.parent}.{spec.list_field}."
        schema = pa.schema(list(schema)[2:])
    for name, _, description in field_rows(spec.model, schema):
        described[name.replace("[].", ".")] = description
    return described


def _uncompressed_bytes(path: Path) -> int:
    # The size Hugging Face calls num_bytes, read from the Parquet footer (deterministic).
    metadata = pq.read_metadata(path)
    return sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))


def _chart(stats: Statistics) -> bytes:
    from caucasus_cables.store.card import render_chart

    return render_chart(stats)


def compare_releases(new: Path, old: Path) -> list[str]:
    """Relative paths that differ between two release folders (missing on either side, or
    different bytes). ``manifest.json`` is compared without ``package_version``: a new package
    release that rebuilds the same data does not change the data.
    """
    new_files = _relative_files(new)
    old_files = _relative_files(old)
    differing = sorted(new_files ^ old_files)
    for relative in sorted(new_files & old_files):
        a, b = new / relative, old / relative
        if relative == MANIFEST_NAME:
            if _manifest_without_package(a) != _manifest_without_package(b):
                differing.append(relative)
        elif a.stat().st_size != b.stat().st_size or sha256_file(a) != sha256_file(b):
            differing.append(relative)
    return sorted(differing)


def _relative_files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not p.relative_to(root).as_posix().startswith(TMP_PREFIX)
    }


def _manifest_without_package(path: Path) -> Mapping | bytes:
    try:
        data = json.loads(path.read_bytes())
    except ValueError:
        return path.read_bytes()
    if isinstance(data, dict):
        data.pop("package_version", None)
    return data
