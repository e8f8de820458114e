"""Check a built release folder end to end, and say which file is wrong.

``validate_release(path)`` runs, in order:

1. **manifest**: ``manifest.json`` parses, names this version, and agrees with itself;
2. **checksums**: every listed file exists with its size and sha256, and nothing unlisted is
   there. When a file's sha256 differs, ``croissant.json`` (which records the Parquet
   checksums too) decides who is wrong: if the file matches Croissant, the manifest was edited;
3. **schema**: every Parquet file opens and its Arrow schema equals the schema derived from the
   record models *as of the release's schema version* (``manifest.schema_version``: an older
   release lacks the tables and fields added since, ``tables.table_schema(name, version)``),
   and the current models can read it (every column they miss is a field with a default); the
   card's YAML would silently cast types and null-fill columns, so the files are checked;
4. **records**: every row of ``cables`` and ``news_articles`` re-validates as a pydantic record,
   ids are sorted and unique across shards, and the content hash recomputed from the records
   equals the manifest's;
5. **tables**: the pandera rules (``checks``) hold for every table, each child table equals
   the one derived from ``cables``, and (1.1.0 on) ``mentions`` equals the records' mentions
   flattened, every mention's offsets and text match its body, every entity id exists in
   ``entities`` and every link joins two documents of the release;
6. **card**: the README's YAML ``configs`` and ``dataset_info.features`` match the schemas;
7. **ledger**: ``inputs.jsonl`` and ``quarantine.jsonl`` account for every input;
8. **load_dataset**: ``datasets.load_dataset(path, config)`` works offline for every config and
   returns the Parquet rows, with the expected features;
9. **croissant**: ``croissant.json`` passes mlcroissant's validation and its checksums match.

Rows are read one row group at a time, so memory does not grow with the release. Checks 8 and
9 need the optional ``datasets`` and ``mlcroissant`` packages; without them they are reported
as skipped, not passed.
"""

from __future__ import annotations

import json
import logging
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from itertools import zip_longest
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from pydantic import ValidationError

from caucasus_cables._version import SCHEMA_VERSION
from caucasus_cables.checks import (
    cross_table_failures,
    link_failures,
    mention_failures,
    table_failures,
)
from caucasus_cables.errors import IntegrityError
from caucasus_cables.store import CARD_NAME
from caucasus_cables.store.card import config_tables, features_yaml
from caucasus_cables.store.croissant import CROISSANT_NAME
from caucasus_cables.store.manifest import (
    INPUTS_NAME,
    MANIFEST_NAME,
    QUARANTINE_NAME,
    InputEntry,
    Manifest,
    QuarantineEntry,
    content_hash,
    read_manifest,
    record_digest,
    sha256_file,
)
from caucasus_cables.tables import (
    CHILD_TABLES,
    DERIVED_TABLES,
    PARENT_TABLES,
    TABLES,
    child_table,
    mentions_table,
    release_tables,
    table_schema,
    version_key,
)

__all__ = ["Problem", "ValidationReport", "validate_release"]

CHECKS = (
    "manifest",
    "checksums",
    "schema",
    "records",
    "tables",
    "card",
    "ledger",
    "load_dataset",
    "croissant",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a release: the file, the check that found it, and what."""

    file: str | None
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.file or '(release)'}: {self.check}: {self.message}"


@dataclass
class ValidationReport:
    """Outcome of ``validate_release``: ``ok`` when no check found a problem.

    ``checks`` maps each check to ``ok``, ``failed`` or ``skipped: <why>``.
    """

    path: str
    problems: list[Problem] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    content_sha256: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, file: str | None, check: str, message: str) -> None:
        self.problems.append(Problem(file, check, message))

    def summary(self) -> str:
        """A readable report: verdict, problems (each naming its file), then each check."""
        verdict = "valid" if self.ok else f"INVALID ({len(self.problems)} problem(s))"
        lines = [f"{self.path}: {verdict}"]
        lines += [f"  {problem}" for problem in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        if self.rows:
            lines.append("  rows: " + ", ".join(f"{t} {n:,}" for t, n in self.rows.items()))
        lines.append("  checks: " + ", ".join(f"{c} {s}" for c, s in self.checks.items()))
        return "\n".join(lines)

    def to_json(self) -> str:
        """The report as JSON (for ``--report FILE``)."""
        data = {
            "path": self.path,
            "ok": self.ok,
            "problems": [asdict(p) for p in self.problems],
            "checks": self.checks,
            "rows": self.rows,
            "content_sha256": self.content_sha256,
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


def validate_release(
    path: Path, *, with_datasets: bool = True, with_croissant: bool = True
) -> ValidationReport:
    """Run every check on the release folder ``path``; never raises for a bad release.

    ``with_datasets`` / ``with_croissant`` turn off the two slow checks that need optional
    packages (they are then reported as skipped).
    """
    report = ValidationReport(path=str(path))
    if not path.is_dir():
        report.add(None, "manifest", f"{path} is not a folder")
        report.checks = dict.fromkeys(CHECKS, "failed")
        return report
    _Validator(path, report).run(with_datasets=with_datasets, with_croissant=with_croissant)
    return report


class _Validator:
    def __init__(self, root: Path, report: ValidationReport) -> None:
        self.root = root
        self.report = report
        self.manifest: Manifest | None = None
        self.unreadable: set[str] = set()
        self.schema_version = SCHEMA_VERSION

    @property
    def tables(self) -> list[str]:
        """The tables a release of this schema version holds."""
        return release_tables(self.schema_version)

    def run(self, *, with_datasets: bool, with_croissant: bool) -> None:
        steps = [
            ("manifest", self.check_manifest),
            ("checksums", self.check_checksums),
            ("schema", self.check_schemas),
            ("records", self.check_records),
            ("tables", self.check_child_tables),
            ("card", self.check_card),
            ("ledger", self.check_ledger),
            ("load_dataset", self.check_load_dataset if with_datasets else None),
            ("croissant", self.check_croissant if with_croissant else None),
        ]
        for name, step in steps:
            if step is None:
                self.report.checks[name] = "skipped: turned off"
                continue
            before = len(self.report.problems)
            skipped = step()
            if isinstance(skipped, str):
                self.report.checks[name] = f"skipped: {skipped}"
            else:
                failed = len(self.report.problems) > before
                self.report.checks[name] = "failed" if failed else "ok"

    # -- 1. manifest ---------------------------------------------------------------------------

    def check_manifest(self) -> None:
        try:
            self.manifest = read_manifest(self.root)
        except IntegrityError as exc:
            self.report.add(MANIFEST_NAME, "manifest", str(exc).removeprefix(f"{MANIFEST_NAME}: "))
            return
        manifest = self.manifest
        try:
            newer = version_key(manifest.schema_version) > version_key(SCHEMA_VERSION)
        except ValueError:
            newer = True
        if newer:
            self.report.add(
                MANIFEST_NAME,
                "manifest",
                f"schema version {manifest.schema_version} is not one this package knows "
                f"(it reads up to {SCHEMA_VERSION}); upgrade caucasus-cables",
            )
        else:
            self.schema_version = manifest.schema_version
        if manifest.dataset_version != self.root.name:
            self.report.add(
                MANIFEST_NAME,
                "manifest",
                f"says dataset version {manifest.dataset_version} but the folder is "
                f"{self.root.name}",
            )
        if set(manifest.tables) != set(self.tables):
            self.report.add(
                MANIFEST_NAME,
                "manifest",
                f"tables {sorted(manifest.tables)} differ from {sorted(self.tables)} (schema "
                f"{self.schema_version})",
            )
        listed = {entry.path: entry for entry in manifest.files}
        for table, entry in manifest.tables.items():
            shard_rows = 0
            for file in entry.files:
                if file not in listed:
                    self.report.add(MANIFEST_NAME, "manifest", f"{table} shard {file} not in files")
                else:
                    shard_rows += listed[file].rows or 0
            if shard_rows != entry.rows:
                self.report.add(
                    MANIFEST_NAME,
                    "manifest",
                    f"{table} has {entry.rows} rows but its files list {shard_rows}",
                )
        counts = manifest.inputs
        records = sum(manifest.tables[t].rows for t in PARENT_TABLES if t in manifest.tables)
        if counts.records != records or counts.inputs != counts.records + counts.quarantined:
            self.report.add(
                MANIFEST_NAME,
                "manifest",
                f"counts do not add up: {counts.inputs} inputs, {counts.records} records "
                f"({records} rows), {counts.quarantined} quarantined",
            )

    # -- 2. checksums --------------------------------------------------------------------------

    def check_checksums(self) -> str | None:
        if self.manifest is None:
            return "no manifest"
        croissant_sums = self._croissant_checksums()
        present = {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}
        for entry in self.manifest.files:
            file = self.root / entry.path
            if not file.is_file():
                self.report.add(entry.path, "checksums", "listed in manifest.json but missing")
                self.unreadable.add(entry.path)
                continue
            actual = sha256_file(file)
            size = file.stat().st_size
            if actual == entry.sha256 and size == entry.bytes:
                continue
            self.unreadable.add(entry.path)
            if croissant_sums.get(entry.path) == actual:
                self.report.add(
                    MANIFEST_NAME,
                    "checksums",
                    f"lists sha256 {entry.sha256[:12]}... ({entry.bytes} bytes) for "
                    f"{entry.path}, but the file and croissant.json agree on {actual[:12]}... "
                    f"({size} bytes): manifest.json was edited",
                )
                self.unreadable.discard(entry.path)
            else:
                self.report.add(
                    entry.path,
                    "checksums",
                    f"sha256 {actual[:12]}... ({size} bytes) differs from manifest.json "
                    f"({entry.sha256[:12]}..., {entry.bytes} bytes): the file was changed, "
                    "truncated or replaced",
                )
        listed = {entry.path for entry in self.manifest.files} | {MANIFEST_NAME}
        for extra in sorted(present - listed):
            self.report.add(extra, "checksums", "not listed in manifest.json")
        return None

    def _croissant_checksums(self) -> dict[str, str]:
        try:
            document = json.loads((self.root / CROISSANT_NAME).read_bytes())
            return {
                node["contentUrl"]: node["sha256"]
                for node in document.get("distribution", [])
                if node.get("@type") == "cr:FileObject" and "sha256" in node
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    # -- 3. schema -----------------------------------------------------------------------------

    def shards(self, table: str) -> list[str]:
        if self.manifest is not None and table in self.manifest.tables:
            return list(self.manifest.tables[table].files)
        return sorted(
            p.relative_to(self.root).as_posix() for p in (self.root / table).glob("*.parquet")
        )

    def check_schemas(self) -> None:
        for table in self.tables:
            expected = table_schema(table, self.schema_version)
            unreadable = _unreadable_by_models(table, expected)
            if unreadable:
                self.report.add(table, "schema", unreadable)
            for shard in self.shards(table):
                parquet = self._open(shard)
                if parquet is None:
                    continue
                actual = parquet.schema_arrow
                if not actual.equals(expected, check_metadata=False):
                    self.report.add(shard, "schema", _schema_difference(actual, expected))
                    self.unreadable.add(shard)
                entry = self.manifest.file(shard) if self.manifest else None
                rows = parquet.metadata.num_rows
                if entry is not None and entry.rows != rows:
                    self.report.add(
                        shard, "schema", f"has {rows} rows, manifest.json says {entry.rows}"
                    )

    def _open(self, shard: str) -> pq.ParquetFile | None:
        try:
            return pq.ParquetFile(self.root / shard)
        except (OSError, pa.ArrowException) as exc:
            if shard not in self.unreadable or (self.root / shard).is_file():
                self.report.add(shard, "schema", f"not a readable Parquet file: {exc}")
            self.unreadable.add(shard)
            return None

    def batches(
        self, table: str, columns: list[str] | None = None
    ) -> Iterator[tuple[str, pa.Table]]:
        """(shard, row group) for every readable shard of ``table``, in order."""
        for shard in self.shards(table):
            if shard in self.unreadable:
                continue
            parquet = self._open(shard)
            if parquet is None:
                continue
            try:
                for group in range(parquet.num_row_groups):
                    yield shard, parquet.read_row_group(group, columns=columns)
            except (OSError, pa.ArrowException) as exc:
                self.report.add(shard, "records", f"cannot read rows: {exc}")
                self.unreadable.add(shard)

    # -- 4. records (and the parent tables' pandera rules) ------------------------------------

    def check_records(self) -> None:
        digests: list[tuple[str, str, str]] = []
        complete = True
        for table in PARENT_TABLES:
            # Fields added after this release's schema are not part of its content hash.
            present = table_schema(table, self.schema_version).names
            newer = [name for name in PARENT_TABLES[table].model_fields if name not in present]
            rows = 0
            previous: str | None = None
            for shard, batch in self.batches(table):
                ids = batch.column("id").to_pylist()
                previous = self._check_order(shard, ids, previous)
                for record in _records(table, batch, shard, self.report):
                    if record is not None:
                        digests.append((table, record.id, record_digest(record, newer)))
                for failure in table_failures({table: batch}):
                    self.report.add(shard, "tables", str(failure))
                rows += batch.num_rows
            complete &= all(s not in self.unreadable for s in self.shards(table))
            self.report.rows[table] = rows
        self.report.content_sha256 = content_hash(digests)
        if self.manifest is not None and complete:
            if self.report.content_sha256 != self.manifest.content_sha256:
                self.report.add(
                    MANIFEST_NAME,
                    "records",
                    f"content_sha256 {self.manifest.content_sha256[:12]}... differs from the "
                    f"hash of the records ({self.report.content_sha256[:12]}...)",
                )

    def _check_order(self, shard: str, ids: list[str], previous: str | None) -> str | None:
        for record_id in ids:
            if previous is not None and record_id <= previous:
                word = "repeated" if record_id == previous else "out of order"
                self.report.add(
                    shard, "records", f"id {record_id} {word} (ids must be sorted, unique)"
                )
            previous = record_id
        return previous

    # -- 5. child tables -----------------------------------------------------------------------

    def check_child_tables(self) -> None:
        for name, spec in CHILD_TABLES.items():
            rows = 0

            def stored(name: str = name) -> Iterator[pa.Table]:
                nonlocal rows
                for shard, batch in self.batches(name):
                    rows += batch.num_rows
                    for failure in table_failures({name: batch}):
                        self.report.add(shard, "tables", str(failure))
                    yield batch

            derived = (
                child_table(name, batch)
                for _, batch in self.batches(spec.parent, columns=["id", spec.list_field])
            )
            shards = self.shards(name) + self.shards(spec.parent)
            if any(shard in self.unreadable for shard in shards):
                continue  # already reported; comparing would only repeat it
            mismatch = _streams_differ(stored(), derived, table_schema(name))
            self.report.rows[name] = rows
            if mismatch:
                where = self.shards(name)[0] if self.shards(name) else name
                self.report.add(
                    where, "tables", f"differs from cables.{spec.list_field}: {mismatch}"
                )
        columns = ["id", "classification", "paragraphs"]
        for shard, batch in self.batches("cables", columns=columns):
            paragraphs = child_table("cable_paragraphs", batch)
            for failure in cross_table_failures({"cables": batch, "cable_paragraphs": paragraphs}):
                self.report.add(shard, "tables", str(failure))
        if "mentions" in self.tables:
            self.check_entity_tables()

    def check_entity_tables(self) -> None:
        """``entities``, ``mentions``, ``links``: own rules, then against the records (one
        pass over the records' ``id``, ``body`` and ``mentions``, one row group at a time)."""
        small: dict[str, list[pa.Table]] = {"entities": [], "links": []}
        for name in DERIVED_TABLES:
            self.report.rows[name] = 0
            for shard, batch in self.batches(name):
                self.report.rows[name] += batch.num_rows
                if name in small:  # mentions is compared as a stream below
                    small[name].append(batch)
                for failure in table_failures({name: batch}):
                    self.report.add(shard, "tables", str(failure))
        entity_ids = {i for t in small["entities"] for i in t.column("id").to_pylist()}
        document_ids: set[str] = set()

        def derived() -> Iterator[pa.Table]:
            for table in TABLES["mentions"].sources:
                for shard, batch in self.batches(table, columns=["id", "body", "mentions"]):
                    document_ids.update(batch.column("id").to_pylist())
                    for failure in mention_failures(table, batch, entity_ids):
                        self.report.add(shard, "tables", str(failure))
                    yield mentions_table(batch)

        expected = derived()
        stored = (batch for _, batch in self.batches("mentions"))
        mismatch = _streams_differ(stored, expected, table_schema("mentions"))
        for _ in expected:  # finish the pass: the link check needs every document id
            pass
        if mismatch:
            where = (self.shards("mentions") or ["mentions"])[0]
            self.report.add(where, "tables", f"differs from the records' mentions: {mismatch}")
        where = (self.shards("links") or ["links"])[0]
        for links in small["links"]:
            for failure in link_failures(links, document_ids):
                self.report.add(where, "tables", str(failure))

    # -- 6. card -------------------------------------------------------------------------------

    def check_card(self) -> None:
        try:
            text = (self.root / CARD_NAME).read_text(encoding="utf-8")
            header = yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") else None
        except (OSError, UnicodeDecodeError, IndexError, yaml.YAMLError) as exc:
            self.report.add(CARD_NAME, "card", f"no readable YAML header: {exc}")
            return
        if not isinstance(header, dict):
            self.report.add(CARD_NAME, "card", "no YAML header between '---' lines")
            return
        expected = self.config_tables()
        configs = {c.get("config_name"): c for c in header.get("configs", [])}
        if list(configs) != expected:
            self.report.add(CARD_NAME, "card", f"configs {list(configs)} differ from {expected}")
        if expected and not configs.get(expected[0], {}).get("default"):
            self.report.add(CARD_NAME, "card", f"{expected[0]} is not the default config")
        infos = {i.get("config_name"): i for i in header.get("dataset_info", [])}
        for table in expected:
            features = infos.get(table, {}).get("features")
            if features != features_yaml(table_schema(table, self.schema_version)):
                self.report.add(
                    CARD_NAME, "card", f"dataset_info features of {table} differ from the schema"
                )

    def config_tables(self) -> list[str]:
        """Tables the card must offer as configs: those with rows (all, without a manifest)."""
        if self.manifest is None:
            return list(self.tables)
        return config_tables({name: entry.rows for name, entry in self.manifest.tables.items()})

    # -- 7. ledger -----------------------------------------------------------------------------

    def check_ledger(self) -> str | None:
        if self.manifest is None:
            return "no manifest"
        ledger = _read_jsonl(self.root / INPUTS_NAME, InputEntry, INPUTS_NAME, self.report)
        quarantine = []
        if (self.root / QUARANTINE_NAME).exists():
            quarantine = _read_jsonl(
                self.root / QUARANTINE_NAME, QuarantineEntry, QUARANTINE_NAME, self.report
            )
        counts = self.manifest.inputs
        records = [e for e in ledger if e.table is not None]
        rejected = [e for e in ledger if e.quarantined is not None]
        if (len(ledger), len(records), len(rejected)) != (
            counts.inputs,
            counts.records,
            counts.quarantined,
        ) or len(records) + len(rejected) != len(ledger):
            self.report.add(
                INPUTS_NAME,
                "ledger",
                f"{len(ledger)} inputs ({len(records)} records, {len(rejected)} quarantined) "
                f"but manifest.json counts {counts.inputs} ({counts.records}, "
                f"{counts.quarantined})",
            )
        if sorted(q.path for q in quarantine) != sorted(e.path for e in rejected):
            self.report.add(
                QUARANTINE_NAME if quarantine else INPUTS_NAME,
                "ledger",
                "quarantine.jsonl and the quarantined inputs in inputs.jsonl disagree",
            )
        return None

    # -- 8. load_dataset -----------------------------------------------------------------------

    def check_load_dataset(self) -> str | None:
        try:
            import datasets
        except ImportError:
            return "the 'datasets' package is not installed (pip install caucasus-cables[hf])"
        with tempfile.TemporaryDirectory(prefix="caucasus-cables-hf-") as cache, _quiet_datasets():
            for table in self.config_tables():
                if any(s in self.unreadable for s in self.shards(table)):
                    continue
                try:
                    loaded = datasets.load_dataset(
                        str(self.root), table, split="train", cache_dir=cache
                    )
                except Exception as exc:  # datasets raises many types; all mean "cannot load"
                    self.report.add(
                        CARD_NAME, "load_dataset", f"{table}: {type(exc).__name__}: {exc}"
                    )
                    continue
                expected = datasets.Features.from_arrow_schema(
                    table_schema(table, self.schema_version)
                )
                if loaded.features != expected:
                    self.report.add(
                        CARD_NAME, "load_dataset", f"{table}: features differ from the schema"
                    )
                mismatch = _streams_differ(
                    iter([loaded.data.table]), (b for _, b in self.batches(table)), None
                )
                if mismatch:
                    self.report.add(table, "load_dataset", f"{table}: rows differ: {mismatch}")
        return None

    # -- 9. croissant --------------------------------------------------------------------------

    def check_croissant(self) -> str | None:
        path = self.root / CROISSANT_NAME
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            self.report.add(CROISSANT_NAME, "croissant", f"not readable JSON: {exc}")
            return None
        sets = [r.get("@id") for r in document.get("recordSet", [])]
        if sets != self.tables:
            self.report.add(
                CROISSANT_NAME, "croissant", f"recordSets {sets} differ from {self.tables}"
            )
        for relative, sha in self._croissant_checksums().items():
            file = self.root / relative
            if relative in self.unreadable:
                continue  # reported by the checksum step
            if not file.is_file() or sha256_file(file) != sha:
                self.report.add(CROISSANT_NAME, "croissant", f"sha256 of {relative} does not match")
        try:
            import mlcroissant
        except ImportError:
            return "the 'mlcroissant' package is not installed"
        try:
            with warnings.catch_warnings(), _log_level("absl", logging.ERROR):
                # rdflib, under mlcroissant, warns about its own deprecated internals, and
                # mlcroissant logs recommendations (e.g. datePublished, which a reproducible
                # build leaves out) as warnings; errors still raise.
                warnings.simplefilter("ignore", DeprecationWarning)
                mlcroissant.Dataset(jsonld=document)
        except mlcroissant.ValidationError as exc:
            self.report.add(CROISSANT_NAME, "croissant", str(exc).strip())
        return None


@contextmanager
def _quiet_datasets() -> Iterator[None]:
    """No progress bars from ``datasets`` while validating (restored afterwards)."""
    import datasets

    was_disabled = datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if not was_disabled:
            datasets.enable_progress_bars()


@contextmanager
def _log_level(name: str, level: int) -> Iterator[None]:
    logger = logging.getLogger(name)
    before = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(before)


def _records(table: str, batch: pa.Table, shard: str, report: ValidationReport) -> Iterator:
    """Each row of ``batch`` as a validated record, or None (with a problem) when invalid."""
    model = PARENT_TABLES[table]
    for row in batch.to_pylist():
        try:
            yield model.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            report.add(shard, "records", f"{row.get('id')}: {where}: {first['msg']}")
            yield None


def _unreadable_by_models(table: str, schema: pa.Schema) -> str | None:
    """Why today's model cannot read rows of ``schema`` (a release's table), or None: a
    column it does not know, or a field it needs that the release lacks and has no default."""
    spec = TABLES[table]
    if spec.is_child:
        return None  # child rows are read through their parent records
    fields = spec.model.model_fields
    unknown = [name for name in schema.names if name not in fields]
    required = [n for n, info in fields.items() if n not in schema.names and info.is_required()]
    if not unknown and not required:
        return None
    return (
        f"the current {spec.model.__name__} model cannot read this release's {table}: "
        f"columns it does not know {unknown}, fields without a default the release lacks "
        f"{required}"
    )


def _schema_difference(actual: pa.Schema, expected: pa.Schema) -> str:
    missing = [n for n in expected.names if n not in actual.names]
    extra = [n for n in actual.names if n not in expected.names]
    if missing or extra:
        return f"columns differ from the models (missing {missing}, unexpected {extra})"
    for wanted in expected:
        found = actual.field(wanted.name)
        if not found.equals(wanted):
            return (
                f"column {wanted.name!r} is {found.type} (nullable={found.nullable}), expected "
                f"{wanted.type} (nullable={wanted.nullable})"
            )
    return "column order differs from the models"


COMPARE_ROWS = 10_000
"""Rows per chunk when comparing two streams of tables."""


def _streams_differ(
    left: Iterator[pa.Table], right: Iterator[pa.Table], schema: pa.Schema | None
) -> str | None:
    """Compare two streams of tables row for row, whatever their batching: a description of
    the first difference, or None. Both are cast to ``schema`` (default: the left's)."""
    offset = 0
    for a, b in zip_longest(_rechunk(left), _rechunk(right)):
        if a is None or b is None:
            extra = "right" if a is None else "left"
            return f"row counts differ (the {extra} side has rows after row {offset})"
        if a.num_rows != b.num_rows:
            return f"row counts differ after row {offset + min(a.num_rows, b.num_rows)}"
        target = schema or a.schema
        try:
            a, b = a.cast(target), b.cast(target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as exc:
            return f"rows from {offset} cannot be compared: {exc}"
        if not a.equals(b):
            return f"rows {offset}-{offset + a.num_rows - 1} differ"
        offset += a.num_rows
    return None


def _rechunk(tables: Iterator[pa.Table], size: int = COMPARE_ROWS) -> Iterator[pa.Table]:
    buffer: list[pa.Table] = []
    rows = 0
    for table in tables:
        buffer.append(table)
        rows += table.num_rows
        while rows >= size:
            whole = pa.concat_tables(buffer)
            yield whole.slice(0, size)
            rest = whole.slice(size)
            buffer, rows = [rest], rest.num_rows
    if rows:
        yield pa.concat_tables(buffer)


def _read_jsonl(path: Path, model: type, name: str, report: ValidationReport) -> list:
    entries = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        report.add(name, "ledger", f"not readable: {exc}")
        return entries
    for number, line in enumerate(lines, 1):
        try:
            entries.append(model.model_validate_json(line))
        except ValidationError as exc:
            report.add(name, "ledger", f"line {number}: {exc.errors()[0]['msg']}")
    return entries
