"""Parquet with fixed writer settings, rows sorted by id, in bounded memory.

Byte-identical rebuilds need every writer choice pinned: format version, zstd level, which
columns carry statistics, page and row-group sizes, and the Arrow schema stored in the file.
``created_by`` is written by pyarrow ("parquet-cpp-arrow version X") and cannot be set, so
bytes are reproducible for one pyarrow version; the manifest's content hash is what stays
equal across versions.

Rows arrive in input order, in batches, possibly from several processes. ``SortedRows`` keeps
them in memory up to a budget, then spills each full buffer as a sorted run (Arrow IPC,
uncompressed) and finally merges the runs by id, so a collection of any size is sorted with
memory bounded by the budget, not the corpus. ``ShardWriter`` cuts the sorted stream into
fixed-size row groups and ``train-NNNNN-of-MMMMM.parquet`` shards.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from caucasus_cables.errors import BuildError

__all__ = [
    "LONG_TEXT_COLUMNS",
    "ShardWriter",
    "SortedRows",
    "TableLayout",
    "parquet_options",
    "shard_name",
]

ZSTD_LEVEL = 3
"""zstd's default level: about 4x smaller than the text, fast enough for 250k cables."""

LONG_TEXT_COLUMNS = frozenset({"raw_text", "body", "summary", "lead", "title", "subject"})
"""Free-text columns: min/max statistics on them help no query, so none are written."""


@dataclass(frozen=True)
class TableLayout:
    """Rows per row group and per shard for one table (shards hold whole row groups)."""

    row_group_rows: int
    groups_per_shard: int

    @property
    def shard_rows(self) -> int:
        return self.row_group_rows * self.groups_per_shard

    def shards(self, rows: int) -> int:
        """Number of shards for ``rows`` rows; an empty table still gets one (empty) file."""
        return max(1, math.ceil(rows / self.shard_rows))


RECORD_LAYOUT = TableLayout(row_group_rows=1_000, groups_per_shard=50)
"""Records (a cable is ~10-20 kB in memory): 1,000 per group, 50,000 per shard."""

CHILD_LAYOUT = TableLayout(row_group_rows=20_000, groups_per_shard=25)
"""Flattened rows (a paragraph is well under 1 kB): 20,000 per group, 500,000 per shard."""


def shard_name(index: int, count: int) -> str:
    """Hugging Face shard name, e.g. ``train-00000-of-00001.parquet``."""
    return f"train-{index:05d}-of-{count:05d}.parquet"


def parquet_options(schema: pa.Schema) -> dict[str, object]:
    """The fixed ``pq.ParquetWriter`` keyword arguments for a table with ``schema``.

    Statistics go on the top-level scalar columns users filter on (id, created, station,
    classification...), never on free text; ``sorting_columns`` records that rows are sorted
    by the first column (the id, or the parent id then index for child tables).
    """
    stat_columns = [
        field.name
        for field in schema
        if not pa.types.is_nested(field.type) and field.name not in LONG_TEXT_COLUMNS
    ]
    sort_keys = 2 if schema.names[1:2] == ["index"] else 1
    return {
        "version": "2.6",
        "compression": "zstd",
        "compression_level": ZSTD_LEVEL,
        "use_dictionary": True,
        "write_statistics": stat_columns,
        "data_page_version": "1.0",
        "use_compliant_nested_type": True,
        "store_schema": True,
        "write_page_index": False,
        "write_page_checksum": True,
        "sorting_columns": [pq.SortingColumn(i) for i in range(sort_keys)],
        "write_batch_size": 1024,
        "data_page_size": 1 << 20,
    }


class ShardWriter:
    """Writes a sorted stream of rows of one table into fixed row groups and shards.

    ``total_rows`` must be known up front (the shard count is in every file name). ``write``
    accepts tables of any length; rows are re-cut into row groups of exactly
    ``layout.row_group_rows`` (the last may be shorter). Returns the written paths (relative
    to ``root``) from ``close``.
    """

    def __init__(
        self, root: Path, table: str, schema: pa.Schema, layout: TableLayout, total_rows: int
    ) -> None:
        self.root = root
        self.table = table
        self.schema = schema
        self.layout = layout
        self.total_rows = total_rows
        self.count = layout.shards(total_rows)
        self.options = parquet_options(schema)
        self.paths: list[str] = []
        self.rows_per_file: list[int] = []
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._rows_in_shard = 0
        self._written = 0
        # Encoding and compressing (pyarrow, without the GIL) run in one background thread per
        # writer, in order, so the tables of a release are written side by side and beside the
        # caller's merge; at most ``IN_FLIGHT`` groups wait, so memory stays bounded.
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"parquet-{table}")
        self._pending_io: deque[Future] = deque()
        (root / table).mkdir(parents=True, exist_ok=True)

    def write(self, rows: pa.Table) -> None:
        """Append sorted rows (the caller guarantees order across calls)."""
        if rows.num_rows == 0:
            return
        self._pending.append(rows)
        self._pending_rows += rows.num_rows
        group = self.layout.row_group_rows
        if self._pending_rows >= group:
            buffered = pa.concat_tables(self._pending)
            full = (buffered.num_rows // group) * group
            for start in range(0, full, group):
                self._write_group(buffered.slice(start, group))
            rest = buffered.slice(full)
            self._pending = [rest] if rest.num_rows else []
            self._pending_rows = rest.num_rows

    def close(self) -> list[str]:
        """Flush the last row group, write any empty shard owed, and return the paths."""
        if self._pending_rows:
            self._write_group(pa.concat_tables(self._pending))
            self._pending, self._pending_rows = [], 0
        if self._written != self.total_rows:
            raise BuildError(
                f"{self.table}: wrote {self._written} rows, expected {self.total_rows}"
            )
        if self._writer is None and not self.paths:
            self._open()  # an empty table is one valid, empty file
        self._close_shard()
        self._drain(0)
        self._io.shutdown(wait=True)
        if len(self.paths) != self.count:
            raise BuildError(f"{self.table}: wrote {len(self.paths)} shards, expected {self.count}")
        return self.paths

    def _write_group(self, rows: pa.Table) -> None:
        if self._writer is None:
            self._open()
        assert self._writer is not None
        self._submit(_write_group, self._writer, rows, self.schema)
        self._rows_in_shard += rows.num_rows
        self._written += rows.num_rows
        if self._rows_in_shard >= self.layout.shard_rows:
            self._close_shard()

    def _open(self) -> None:
        relative = f"{self.table}/{shard_name(len(self.paths), self.count)}"
        self.paths.append(relative)
        self._writer = pq.ParquetWriter(self.root / relative, self.schema, **self.options)
        self._rows_in_shard = 0

    def _close_shard(self) -> None:
        if self._writer is not None:
            self._submit(self._writer.close)
            self._writer = None
            self.rows_per_file.append(self._rows_in_shard)

    IN_FLIGHT = 2
    """Row groups queued for the background thread before ``write`` waits."""

    def _submit(self, function: Callable[..., None], *args: object) -> None:
        self._pending_io.append(self._io.submit(function, *args))
        self._drain(self.IN_FLIGHT)

    def _drain(self, keep: int) -> None:
        # result() re-raises an error of the background thread here, in the caller.
        while len(self._pending_io) > keep:
            self._pending_io.popleft().result()


def _write_group(writer: pq.ParquetWriter, rows: pa.Table, schema: pa.Schema) -> None:
    # Cast checks the rows against the table schema (names, types, nullability) and
    # combine_chunks makes one contiguous group whatever the input batching was.
    writer.write_table(rows.cast(schema).combine_chunks(), row_group_size=rows.num_rows)


class SortedRows:
    """Rows of one table, collected in any order, given back sorted by ``key``.

    Buffers up to ``budget_bytes`` of Arrow data in memory; beyond that each buffer is sorted
    and spilled to ``spill_dir`` as a run, and ``sorted_batches`` merges the runs. Ids must be
    unique (the build removes duplicates before adding rows): a repeated id is a BuildError.
    """

    RUN_BATCH_ROWS = 16
    """Rows per batch inside a spilled run: what the merge holds in memory per run (16 cables
    are about 0.4 MB; 250,000 cables at the default budget make ~100 runs, merged in ~40 MB
    after the workers have exited; 64 rows a batch made that 160 MB, the largest part of the
    build's peak that grew with the collection)."""

    SPILL_TAKE_ROWS = 1024
    """Rows copied in sorted order at a time while spilling (~25 MB of cables)."""

    def __init__(self, schema: pa.Schema, spill_dir: Path, *, budget_bytes: int, key: str = "id"):
        self.schema = schema
        self.spill_dir = spill_dir
        self.budget_bytes = budget_bytes
        self.key = key
        self.rows = 0
        self._buffer: list[pa.Table] = []
        self._buffered_bytes = 0
        self._runs: list[Path] = []

    @property
    def spilled_runs(self) -> int:
        return len(self._runs)

    def add(self, rows: pa.Table) -> None:
        """Add rows (any order)."""
        if rows.num_rows == 0:
            return
        self._buffer.append(rows)
        self._buffered_bytes += rows.nbytes
        self.rows += rows.num_rows
        if self._buffered_bytes >= self.budget_bytes:
            self._spill()

    def sorted_batches(self, rows_per_batch: int) -> Iterator[pa.Table]:
        """All rows sorted by key, in tables of ``rows_per_batch`` rows (the last shorter)."""
        if not self._runs:
            table = self._sorted_buffer()
            _check_unique(table.column(self.key).to_pylist())
            for start in range(0, table.num_rows, rows_per_batch):
                yield table.slice(start, rows_per_batch)
            return
        self._spill()
        yield from self._merge(rows_per_batch)

    def _sorted_buffer(self) -> pa.Table:
        table = pa.concat_tables(self._buffer) if self._buffer else self.schema.empty_table()
        self._buffer, self._buffered_bytes = [], 0
        return table.sort_by(self.key)

    def _spill(self) -> None:
        if not self._buffer:
            return
        table = pa.concat_tables(self._buffer)
        self._buffer, self._buffered_bytes = [], 0
        # Sort the indices, not the rows, and copy SPILL_TAKE_ROWS rows at a time into the run:
        # a sorted copy of the whole buffer would double the memory the budget allows (and
        # much smaller takes cost more than the copy: a take has a fixed cost per column).
        order = pc.sort_indices(table.column(self.key))
        self.spill_dir.mkdir(parents=True, exist_ok=True)
        path = self.spill_dir / f"run-{len(self._runs):05d}.arrow"
        # Uncompressed: lz4 costs per column buffer, and a run batch of 16 rows has hundreds of
        # small buffers; it made spilling and merging ~5x slower (0.30 against 0.05 ms a row)
        # for half the temporary disk (runs take about the rows' Arrow size: ~25 kB a cable).
        options = pa.ipc.IpcWriteOptions(compression=None)
        with (
            pa.OSFile(str(path), "wb") as sink,
            pa.ipc.new_file(sink, table.schema, options=options) as writer,
        ):
            for start in range(0, len(order), self.SPILL_TAKE_ROWS):
                rows = table.take(order.slice(start, self.SPILL_TAKE_ROWS))
                for batch in rows.to_batches(max_chunksize=self.RUN_BATCH_ROWS):
                    writer.write_batch(batch)
        self._runs.append(path)
        del table, order
        # Hand the freed buffers back to the system (mimalloc and jemalloc keep them otherwise).
        pa.default_memory_pool().release_unused()

    def _merge(self, rows_per_batch: int) -> Iterator[pa.Table]:
        cursors = [_RunCursor(path, self.key) for path in self._runs]
        heap = [(cursor.current_id, n) for n, cursor in enumerate(cursors) if not cursor.done]
        heapq.heapify(heap)
        pieces: list[list] = []  # [batch, start, length], contiguous rows of one run batch
        count = 0
        previous: str | None = None
        while heap:
            record_id, n = heapq.heappop(heap)
            if previous is not None and record_id <= previous:
                _check_unique([previous, record_id])
            previous = record_id
            cursor = cursors[n]
            last = pieces[-1] if pieces else None
            if last is not None and last[0] is cursor.batch and last[1] + last[2] == cursor.pos:
                last[2] += 1
            else:
                pieces.append([cursor.batch, cursor.pos, 1])
            count += 1
            cursor.advance()
            if not cursor.done:
                heapq.heappush(heap, (cursor.current_id, n))
            if count == rows_per_batch:
                yield _from_pieces(pieces, self.schema)
                pieces, count = [], 0
        if pieces:
            yield _from_pieces(pieces, self.schema)


def _check_unique(sorted_ids: list[str]) -> None:
    for a, b in pairwise(sorted_ids):
        if a == b:
            raise BuildError(f"id {a!r} was added twice; duplicates must be removed first")


def _from_pieces(pieces: list[list], schema: pa.Schema) -> pa.Table:
    batches = [batch.slice(start, length) for batch, start, length in pieces]
    return pa.Table.from_batches(batches, schema=schema)


class _RunCursor:
    """Reads one spilled run a batch at a time (regular reads, not a memory map)."""

    def __init__(self, path: Path, key: str) -> None:
        self._file = pa.OSFile(str(path), "rb")
        self._reader = pa.ipc.open_file(self._file)
        self._key = key
        self._next_batch = 0
        self.batch: pa.RecordBatch | None = None
        self.ids: list[str] = []
        self.pos = 0
        self.done = False
        self._load()

    @property
    def current_id(self) -> str:
        return self.ids[self.pos]

    def advance(self) -> None:
        self.pos += 1
        if self.pos >= len(self.ids):
            self._load()

    def _load(self) -> None:
        while self._next_batch < self._reader.num_record_batches:
            self.batch = self._reader.get_batch(self._next_batch)
            self._next_batch += 1
            if self.batch.num_rows:
                self.ids = self.batch.column(self._key).to_pylist()
                self.pos = 0
                return
        self.done = True
        self.batch = None
        self._file.close()
