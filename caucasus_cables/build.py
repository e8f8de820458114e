"""Inputs -> records -> checked tables -> a published release.

Two entry points share one pipeline:

- ``build(seeds, out)`` reads ``seeds/`` through the catalog (checksums verified, curated news
  facts attached) and is strict by default: any rejected input fails the build.
- ``build_collection(input_dir, out)`` takes any folder of cable ``.txt`` files (recursive, no
  catalog), is lenient by default, and can parse on several cores (``workers``).

The pipeline works on batches of documents so a collection of any size streams through in
bounded memory:

1. read bytes (never through a symlink that leaves the input folder; nothing over
   ``MAX_INPUT_BYTES``), hash, decode (a BOM or UTF-16's NULs decide, else UTF-8, cp1252,
   latin-1; the encoding used goes into ``Source.encoding``);
2. parse into a record (pydantic validates it); the parse step is a pure function of one
   document, so batches run in worker processes;
3. check the batch's rows as tables (pandera, ``checks.table_failures``): a failing row
   quarantines its record;
4. drop ids already taken by an earlier input (in path order), quarantining the later ones;
5. hand rows to ``store.ReleaseWriter``, which sorts, shards and writes them, then publishes.

Every input ends as a record or as a quarantine line (stage read, decode, parse, check or
duplicate); the writer checks that the numbers add up before publishing.
"""

from __future__ import annotations

import codecs
import multiprocessing
import os
import tempfile
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from caucasus_cables._version import DATASET_VERSION
from caucasus_cables.catalog import DocumentKind, iter_seed_documents, sha256_bytes
from caucasus_cables.checks import table_failures
from caucasus_cables.entities.annotate import annotate, entity_tables
from caucasus_cables.entities.link_store import LinkCollector, LinkEntry, link_entry
from caucasus_cables.errors import BuildError, ParseError
from caucasus_cables.parse.cable import parse_cable
from caucasus_cables.parse.news import parse_news_article
from caucasus_cables.records import Record, Source
from caucasus_cables.store import (
    CardInfo,
    InputEntry,
    Manifest,
    Published,
    QuarantineEntry,
    ReleaseWriter,
    compare_releases,
)
from caucasus_cables.store.manifest import dump_digest
from caucasus_cables.tables import (
    CHILD_TABLES,
    PARENT_TABLES,
    child_table,
    dumps_table,
    record_dump,
    table_for,
)

__all__ = [
    "MAX_INPUT_BYTES",
    "Document",
    "Progress",
    "build",
    "build_collection",
    "build_release",
    "check_build",
    "decode",
    "discover",
    "iter_documents",
]

MAX_INPUT_BYTES = 32 << 20
"""Inputs above 32 MiB are quarantined unread: the longest real cable is well under 1 MiB."""

BATCH_DOCUMENTS = 500
"""Most documents per batch, the unit of work a worker process parses and checks. The table
checks cost ~0.15 s per batch whatever its size plus ~0.06 ms a document, so larger batches
check faster (500: 0.36 ms a document; 1,000: 0.2 ms), but memory follows the batch: measured
on 10,000 generated cables with 2 workers, a worker peaked at 411 MiB with batches of 1,000 and
284 MiB with 500 (the whole build 1,188 -> 946 MiB) for 4 % more CPU time."""

MIN_BATCH_DOCUMENTS = 100


def batch_size(documents: int, workers: int) -> int:
    """Documents per batch: as large as allowed, but with several workers small enough that
    each gets about four batches (else one worker idles while the other parses).

    >>> batch_size(250_000, 2), batch_size(1_357, 2), batch_size(1_357, 1)
    (500, 170, 500)
    """
    if workers <= 1:
        return BATCH_DOCUMENTS
    share = -(-documents // (4 * workers))
    return max(MIN_BATCH_DOCUMENTS, min(BATCH_DOCUMENTS, share))


class Progress(Protocol):
    """Receives the number of inputs once, then how many were processed, batch by batch."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


@dataclass(frozen=True)
class Document:
    """One input: where it is (``path`` relative to the input folder, '/' separated), how to
    parse it, and either its bytes or the file to read them from.

    ``problem`` is set when discovery already knows the input cannot be read (a directory named
    like a file, a symlink leaving the input folder); it is quarantined at the read stage.
    """

    path: str
    kind: DocumentKind = DocumentKind.CABLE
    file: str | None = None
    data: bytes | None = None
    id: str | None = None
    metadata: Mapping[str, Any] | None = None
    problem: str | None = None


@dataclass
class _Outcome:
    document: Document
    sha256: str | None = None
    size: int | None = None
    record: Record | None = None
    quarantine: QuarantineEntry | None = None
    summary: Any = None  # entities.links.LinkSummary of the annotated record


@dataclass
class BatchResult:
    """What one batch became: checked rows per table (with their inputs and digests, row by
    row) and quarantine entries with input sizes."""

    tables: dict[str, pa.Table] = field(default_factory=dict)
    inputs: dict[str, list[InputEntry]] = field(default_factory=dict)
    digests: dict[str, list[str]] = field(default_factory=dict)
    quarantine: list[tuple[QuarantineEntry, int | None]] = field(default_factory=list)
    links: dict[str, list[LinkEntry]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(v) for v in self.inputs.values()) + len(self.quarantine)


# -- Entry points -----------------------------------------------------------------------------


def build(
    seeds: Path,
    out: Path,
    *,
    strict: bool = True,
    version: str = DATASET_VERSION,
    progress: Progress | None = None,
) -> Manifest:
    """Build ``<out>/<version>/`` from the catalogued seeds; return its manifest.

    Raises CatalogError when the catalog and the files disagree, BuildError when ``strict``
    and an input was quarantined (nothing is published then), or when ``<out>/<version>``
    already holds other records (released versions are immutable).
    """
    return build_release(seeds, out, strict=strict, version=version, progress=progress).manifest


def build_collection(
    input_dir: Path,
    out: Path,
    *,
    strict: bool = False,
    workers: int = 1,
    version: str = DATASET_VERSION,
    progress: Progress | None = None,
    budget_bytes: int | None = None,
) -> Manifest:
    """Build ``<out>/<version>/`` from every ``*.txt`` cable under ``input_dir`` (recursive).

    Lenient by default: unreadable or unparsable files go to ``quarantine.jsonl`` and the
    release is published without them. ``workers`` > 1 parses in that many processes.
    """
    return build_release(
        input_dir,
        out,
        collection=True,
        strict=strict,
        workers=workers,
        version=version,
        progress=progress,
        budget_bytes=budget_bytes,
    ).manifest


def build_release(
    source: Path,
    out: Path,
    *,
    collection: bool = False,
    strict: bool | None = None,
    workers: int = 1,
    version: str = DATASET_VERSION,
    progress: Progress | None = None,
    budget_bytes: int | None = None,
) -> Published:
    """``build`` / ``build_collection`` returning what publishing did (``store.Published``:
    ``status`` created or unchanged, the manifest, files that differ)."""
    if strict is None:
        strict = not collection
    documents: Iterable[Document]
    if collection:
        # Listed twice, lazily: once to count (the card, the progress bar and the batch size
        # need the total), once to read, so no list of every input is ever held.
        total = sum(1 for _ in iter_documents(source))
        documents = iter_documents(source)
        info = CardInfo(
            version=version,
            sources=(f"A local collection of {total:,} cable text files.",),
            built_from=f"a folder of cable text files (`{source.name}/`)",
            command="caucasus-cables build --input DIR",
        )
    else:
        documents = list(seed_documents(source))
        total = len(documents)
        info = CardInfo(version=version, built_from=_SEEDS_BUILT_FROM)
    kwargs = {} if budget_bytes is None else {"budget_bytes": budget_bytes}
    with _build_memory_pool(), ReleaseWriter(out, version, **kwargs) as writer:
        sources = _run(documents, total, writer, workers=workers, progress=progress)
        # Arrow buffers freed by the parse phase go back to the system before the write phase.
        pa.default_memory_pool().release_unused()
        if not collection:
            info = CardInfo(version=version, built_from=_SEEDS_BUILT_FROM, sources=sources)
        quarantined = writer.quarantined
        if strict and quarantined:
            raise BuildError(_strict_message(quarantined))
        writer.write(info)
        return writer.publish()


@contextmanager
def _build_memory_pool() -> Iterator[None]:
    """Arrow allocations from jemalloc during a build, where pyarrow has it (Linux, macOS);
    the caller's default pool is restored after.

    pyarrow's default mimalloc keeps pages the build frees (a batch, a row group, a merge
    buffer: hundreds of MB over a build): on 20,000 generated cables the write phase peaked
    at ~670 MiB with mimalloc, ~440 MiB with jemalloc, same output.
    """
    previous = pa.default_memory_pool()
    if not _use_jemalloc():
        yield
        return
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def _use_jemalloc() -> bool:
    """Make jemalloc pyarrow's default pool; False where pyarrow lacks it (Windows). Also the
    initializer of spawned workers, which start with pyarrow's default pool."""
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:
        return False
    return True


def check_build(
    source: Path,
    out: Path,
    *,
    collection: bool = False,
    strict: bool | None = None,
    workers: int = 1,
    version: str = DATASET_VERSION,
) -> list[str]:
    """Rebuild into a temporary folder and compare with ``<out>/<version>`` byte for byte.

    Returns the relative paths that differ (empty: the committed release is reproducible).
    Raises BuildError when ``<out>/<version>`` does not exist.
    """
    committed = out / version
    if not committed.is_dir():
        raise BuildError(f"{committed} does not exist; run 'caucasus-cables build' first")
    with tempfile.TemporaryDirectory(prefix="caucasus-cables-check-") as tmp:
        published = build_release(
            source,
            Path(tmp),
            collection=collection,
            strict=strict,
            workers=workers,
            version=version,
        )
        return compare_releases(published.path, committed)


_SEEDS_BUILT_FROM = (
    "the seed documents in `seeds/`, each listed with its sha256 in `seeds/catalog.yaml`"
)

_CABLE_SOURCE = (
    'Cables: the WikiLeaks "Cablegate" release of US State Department cables (2010-2011), '
    "as kept in public mirrors of its HTML pages; the text of each cable is stored verbatim in "
    "`raw_text`."
)


def _strict_message(quarantined: Sequence[QuarantineEntry]) -> str:
    lines = [f"  {q.path}: {q.stage}: {q.error}" for q in quarantined[:20]]
    more = f"\n  ... and {len(quarantined) - 20} more" if len(quarantined) > 20 else ""
    return (
        f"{len(quarantined)} input(s) quarantined, and the build is strict, so nothing was "
        "published:\n" + "\n".join(lines) + more + "\nFix the inputs, or build with --no-strict "
        "to publish the release without them (they are listed in quarantine.jsonl)."
    )


# -- Inputs -----------------------------------------------------------------------------------


def seed_documents(seeds: Path) -> Iterator[Document]:
    """The catalogued seeds (checked against ``catalog.yaml``) as documents, in path order."""
    for seed in iter_seed_documents(seeds):
        entry = seed.entry
        yield Document(
            path=entry.path, kind=entry.kind, data=seed.data, id=entry.id, metadata=entry.metadata
        )


def discover(input_dir: Path) -> list[Document]:
    """Every ``*.txt`` under ``input_dir`` (recursive, sorted by relative path) as a cable.

    Directory symlinks are not entered. A file symlink is read only when its target is a
    regular file inside ``input_dir``; one that leaves the folder, dangles or names a
    non-file becomes a document with a ``problem`` (quarantined, not read). A directory named
    ``*.txt`` is such a document too; its contents are still searched.
    """
    return list(iter_documents(input_dir))


def iter_documents(input_dir: Path) -> Iterator[Document]:
    """``discover``, lazily: the same documents in the same order, one folder listed at a time
    (memory grows with the depth and the largest folder, not with the collection)."""
    if not input_dir.is_dir():
        raise BuildError(f"{input_dir} is not a folder")
    root = input_dir.resolve()
    yield from _walk(root, root)


def _walk(root: Path, here: Path, prefix: str = "") -> Iterator[Document]:
    # Sorting a folder's entries by name, a subfolder as "name/", then descending into each
    # subfolder in turn gives exactly the order of all relative paths sorted as strings: a
    # subfolder's paths all start with "name/" and no file name contains "/".
    # Paths are plain strings and file types come from the listing (no stat per file): on a
    # collection of 250,000 files, pathlib and two stats a file cost the main process ~100 s.
    try:
        with os.scandir(here) as listing:
            entries = [(e.name, _is_dir(e), e.is_symlink(), _is_file(e)) for e in listing]
    except OSError:
        return  # as os.walk: a folder that cannot be listed is skipped
    keyed = sorted((name + "/" if d else name, name, d, link, f) for name, d, link, f in entries)
    folder = os.fspath(here)
    for _, name, is_dir, link, is_file in keyed:
        if is_dir:
            path = here / name
            if name.lower().endswith(".txt"):
                yield _odd_entry(root, path)
            if not link:
                yield from _walk(root, path, f"{prefix}{name}/")
        elif name.lower().endswith(".txt"):
            file = os.path.join(folder, name)
            # A regular file that is no symlink needs no more checks.
            problem = None if is_file and not link else _file_problem(root, Path(file))
            yield Document(path=prefix + name, file=file, problem=problem)


def _is_dir(entry: os.DirEntry) -> bool:
    # As os.walk: a symlink to a folder counts as a folder (listed, not entered).
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _odd_entry(root: Path, path: Path) -> Document:
    relative = path.relative_to(root).as_posix()
    if path.is_symlink():
        problem = "a symlink to a directory, not a file (not followed)"
    else:
        problem = "a directory named like a cable file, not a file"
    return Document(path=relative, problem=problem)


def _file_problem(root: Path, path: Path) -> str | None:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return "a symlink to a file outside the input folder (not followed)"
        if not target.exists():
            return "a dangling symlink"
        path = target
    if not path.is_file():
        return "not a regular file"
    return None


def read_document(document: Document) -> tuple[bytes | None, str | None]:
    """The document's bytes, or None and the reason it cannot be read."""
    if document.problem is not None:
        return None, document.problem
    if document.data is not None:
        return document.data, None
    if document.file is None:
        return None, "no bytes and no file to read"
    try:
        size = os.stat(document.file).st_size
        if size > MAX_INPUT_BYTES:
            return None, (
                f"{size:,} bytes, over the {MAX_INPUT_BYTES:,}-byte limit for one document "
                "(not read)"
            )
        with open(document.file, "rb") as handle:
            return handle.read(), None
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding that decoded it: a BOM decides (UTF-8, UTF-16); text where every
    other byte is NUL is UTF-16 without a BOM; otherwise UTF-8, else cp1252 (Windows text:
    PlusD PDF conversions), else latin-1, which takes any bytes.

    >>> decode("¶1. (C)".encode("cp1252"))
    ('¶1. (C)', 'cp1252')

    Raises UnicodeDecodeError only for UTF-16 (by BOM or by its NULs) that does not decode.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16), utf16
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _utf16_without_bom(data: bytes) -> str | None:
    # ASCII-range text in UTF-16 has a NUL in every other byte; a text file never does. Look
    # at the first 4 kB only: enough to tell, and cheap on a large file.
    head = data[:4096]
    if len(head) < 4 or len(data) % 2:
        return None
    if head[1::2].count(0) > 0.9 * (len(head) // 2):
        return "utf-16-le"
    if head[0::2].count(0) > 0.9 * (len(head) // 2):
        return "utf-16-be"
    return None


# -- One document, one batch (pure but for reading files; runs in worker processes) ----------


def process_document(document: Document) -> _Outcome:
    """Read, decode and parse one document; never raises (failures become quarantine)."""
    outcome = _Outcome(document)
    data, problem = read_document(document)
    if data is None:
        outcome.quarantine = _quarantine(document, None, "read", problem or "unreadable")
        return outcome
    outcome.sha256, outcome.size = sha256_bytes(data), len(data)
    try:
        text, encoding = decode(data)
    except UnicodeDecodeError as exc:
        outcome.quarantine = _quarantine(document, outcome.sha256, "decode", str(exc))
        return outcome
    source = Source(path=document.path, sha256=outcome.sha256, encoding=encoding)
    try:
        outcome.record = _parse(document, text, source)
    except ParseError as exc:
        outcome.quarantine = _quarantine(
            document, outcome.sha256, "parse", str(exc), exc.line if exc.line else None
        )
    except Exception as exc:  # a parser bug must not lose the input: quarantine it, say so
        message = f"unexpected {type(exc).__name__} in the parser: {exc}"
        outcome.quarantine = _quarantine(document, outcome.sha256, "parse", message)
    if outcome.record is not None:
        outcome.record, outcome.summary = annotate(outcome.record)
    return outcome


def _parse(document: Document, text: str, source: Source) -> Record:
    if document.kind is DocumentKind.NEWS_ARTICLE:
        return parse_news_article(
            text,
            metadata=document.metadata,
            source=document.path,
            id=document.id,
            record_source=source,
        )
    return parse_cable(text, source=document.path, id=document.id, record_source=source)


def _quarantine(
    document: Document, sha256: str | None, stage: str, error: str, line: int | None = None
) -> QuarantineEntry:
    return QuarantineEntry(
        path=document.path,
        sha256=sha256,
        stage=stage,
        error=error,
        line=line if line and line >= 1 else None,
    )


@dataclass
class _Kept:
    """An accepted record as a batch keeps it: its row, its digest and its input, not the
    pydantic object (dropped once dumped, so a batch holds one copy of its rows, not two)."""

    outcome: _Outcome
    record_id: str
    digest: str


def process_batch(documents: Sequence[Document]) -> BatchResult:
    """Parse a batch, drop ids repeated within it, check its rows as tables, and return the
    surviving rows (in input order) with their inputs and digests, plus quarantine entries."""
    result = BatchResult()
    kept: dict[str, list[_Kept]] = defaultdict(list)
    dumps: dict[str, list[dict]] = defaultdict(list)
    seen: dict[tuple[str, str], str] = {}
    for outcome in map(process_document, documents):
        if outcome.record is None:
            result.quarantine.append((outcome.quarantine, outcome.size))
            continue
        table = table_for(outcome.record)
        key = (table, outcome.record.id)
        if key in seen:
            result.quarantine.append((_duplicate(outcome, seen[key]), outcome.size))
            continue
        seen[key] = outcome.document.path
        # One model_dump per record serves both its Arrow row and its digest.
        dump = record_dump(table, outcome.record)
        kept[table].append(_Kept(outcome, outcome.record.id, dump_digest(dump)))
        dumps[table].append(dump)
        outcome.record = None
    tables = {name: dumps_table(name, dumps.pop(name, [])) for name in PARENT_TABLES}
    failing = _check(tables)
    for name in PARENT_TABLES:
        accepted = kept.get(name, [])
        keep = []
        for row, entry in enumerate(accepted):
            reasons = failing.get((name, entry.record_id))
            if reasons:
                outcome = entry.outcome
                check = _quarantine(outcome.document, outcome.sha256, "check", "; ".join(reasons))
                result.quarantine.append((check, outcome.size))
            else:
                keep.append(row)
        if len(keep) != len(accepted):
            # typed indices: pyarrow cannot take an empty, untyped (null) list
            tables[name] = tables[name].take(pa.array(keep, pa.int64()))
            accepted = [accepted[row] for row in keep]
        result.tables[name] = tables[name]
        result.inputs[name] = [_input_entry(entry.outcome) for entry in accepted]
        result.digests[name] = [entry.digest for entry in accepted]
        result.links[name] = [link_entry(entry.outcome.summary) for entry in accepted]
    return result


def _check(tables: Mapping[str, pa.Table]) -> dict[tuple[str, str], list[str]]:
    """(parent table, record id) -> failed rules, for a batch's parent tables."""
    every = dict(tables)
    for name, spec in CHILD_TABLES.items():
        every[name] = child_table(name, tables[spec.parent])
    failing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for failure in table_failures(every):
        if failure.record_id is None:
            raise BuildError(f"table rule failed for the whole batch: {failure}")
        parent = (
            CHILD_TABLES[failure.table].parent if failure.table in CHILD_TABLES else failure.table
        )
        reason = str(failure)
        if reason not in failing[parent, failure.record_id]:
            failing[parent, failure.record_id].append(reason)
    return failing


def _duplicate(outcome: _Outcome, first: str) -> QuarantineEntry:
    return _quarantine(
        outcome.document,
        outcome.sha256,
        "duplicate",
        f"id {outcome.record.id} is already taken by {first}; the earlier input (in path "
        "order) is kept",
    )


def _input_entry(outcome: _Outcome) -> InputEntry:
    return InputEntry(path=outcome.document.path, sha256=outcome.sha256, bytes=outcome.size)


# -- Driving the batches ----------------------------------------------------------------------


def _run(
    documents: Iterable[Document],
    total: int,
    writer: ReleaseWriter,
    *,
    workers: int,
    progress: Progress | None,
) -> tuple[str, ...]:
    """Feed every document (``total`` of them) through ``process_batch`` into ``writer``;
    return source lines."""
    if progress is not None:
        progress.start(total)
    batches = _batches(documents, batch_size(total, workers))
    # table -> id -> path of the input that took it (per table: no key tuple per record)
    taken: dict[str, dict[str, str]] = defaultdict(dict)
    sources: set[str] = set()
    # Links need every document: the main process keeps each one's id, kind and entities, and
    # the summaries that can make a link go to a file (~2 kB a document would grow with N).
    collector = LinkCollector(writer.tmp / ".spill" / "links.jsonl")
    for result in _ordered_map(process_batch, batches, workers):
        for entry, size in result.quarantine:
            writer.add_quarantine(entry, size)
        for name, rows in result.tables.items():
            rows, inputs, digests = _drop_taken(name, rows, result, taken[name], writer)
            writer.add_records(name, rows, inputs, digests)
            sources.update(_source_lines(name, rows))
            kept = set(rows.column("id").to_pylist())
            for link in result.links.get(name, ()):
                if link.id in kept:
                    collector.add(link)
        if progress is not None:
            progress.advance(result.size)
        del result
    del taken
    for name, table in entity_tables(collector.links()).items():
        writer.add_table(name, table)
    return tuple(sorted(sources))


def _batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


def _drop_taken(
    name: str,
    rows: pa.Table,
    result: BatchResult,
    taken: dict[str, str],
    writer: ReleaseWriter,
) -> tuple[pa.Table, list[InputEntry], list[str]]:
    """Remove rows whose id an earlier batch already took (quarantining them)."""
    inputs, digests = result.inputs[name], result.digests[name]
    keep = []
    for i, (record_id, entry) in enumerate(zip(rows.column("id").to_pylist(), inputs, strict=True)):
        first = taken.get(record_id)
        if first is None:
            taken[record_id] = entry.path
            keep.append(i)
            continue
        writer.add_quarantine(
            QuarantineEntry(
                path=entry.path,
                sha256=entry.sha256,
                stage="duplicate",
                error=f"id {record_id} is already taken by {first}; the earlier input (in path "
                "order) is kept",
            ),
            entry.bytes,
        )
    if len(keep) == len(inputs):
        return rows, inputs, digests
    indices = pa.array(keep, pa.int64())  # typed: an empty list would be null-typed
    return rows.take(indices), [inputs[i] for i in keep], [digests[i] for i in keep]


def _source_lines(table: str, rows: pa.Table) -> set[str]:
    if table == "cables":
        return {_CABLE_SOURCE} if rows.num_rows else set()
    lines = set()
    outlets, urls = rows.column("outlet").to_pylist(), rows.column("url").to_pylist()
    for outlet, url in zip(outlets, urls, strict=True):
        name = outlet or "Unknown outlet"
        lines.add(f"News: {name}, <{url}>" if url else f"News: {name}")
    return lines


def _ordered_map(
    function: Callable[[Sequence[Document]], BatchResult],
    batches: Iterable[Sequence[Document]],
    workers: int,
) -> Iterator[BatchResult]:
    """``map`` in input order; with ``workers`` > 1 in that many processes, at most two
    batches per worker in flight so results never pile up in memory."""
    if workers <= 1:
        yield from map(function, batches)
        return
    # spawn, not fork: pyarrow's thread pools do not survive a fork.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_use_jemalloc)
    try:
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.submit(function, batch))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
