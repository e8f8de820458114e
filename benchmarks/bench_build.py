"""Build speed and memory on a folder of cables: where the time goes, and how it scales.

Two measurements:

1. **Profile** (one process, in this interpreter): the corpus passes through each stage of the
   build on its own (read bytes, decode + parse, Arrow tables + pandera checks, record
   digests, write the release), so the split shows which stage to make faster first.
2. **End to end**: ``build_collection(--input)`` in a fresh subprocess per worker count, with
   wall time, cables/s, cables/s per worker and peak resident memory of the main process and
   of the largest worker (``getrusage``), imports included.

Usage::

    python benchmarks/bench_build.py [--input DIR] [--workers 1 2] [--skip-profile]

The default input is the development corpus (``../shared/corpus/cables``). Issue 7's
``make_corpus.py`` generates larger collections to pass as ``--input``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "cables"

END_TO_END = """
import json, resource, sys, tempfile, time
from pathlib import Path
from caucasus_cables.build import build_collection
with tempfile.TemporaryDirectory() as out:
    start = time.perf_counter()
    manifest = build_collection(Path(sys.argv[1]), Path(out), workers=int(sys.argv[2]))
    seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "inputs": manifest.inputs.inputs,
    "records": manifest.inputs.records,
    "quarantined": manifest.inputs.quarantined,
    "main_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def profile(input_dir: Path) -> list[tuple[str, float]]:
    """Seconds spent in each stage for the whole folder, one process."""
    from caucasus_cables.build import BATCH_DOCUMENTS, _check, _parse, decode, discover
    from caucasus_cables.catalog import sha256_bytes
    from caucasus_cables.records import Source
    from caucasus_cables.store import CardInfo, InputEntry, ReleaseWriter, record_digest
    from caucasus_cables.tables import PARENT_TABLES, records_table, table_for

    stages: list[tuple[str, float]] = []

    def timed(name, function):
        start = time.perf_counter()
        result = function()
        stages.append((name, time.perf_counter() - start))
        return result

    documents = timed("discover", lambda: [d for d in discover(input_dir) if d.problem is None])
    data = timed("read", lambda: [Path(d.file).read_bytes() for d in documents])

    def parse_all():
        records = []
        for document, raw in zip(documents, data, strict=True):
            text, encoding = decode(raw)
            source = Source(path=document.path, sha256=sha256_bytes(raw), encoding=encoding)
            try:
                records.append(_parse(document, text, source))
            except ValueError:
                continue
        return records

    records = timed("decode + parse", parse_all)
    batches = [records[i : i + BATCH_DOCUMENTS] for i in range(0, len(records), BATCH_DOCUMENTS)]

    def tables_and_checks():
        out = []
        for batch in batches:
            tables = {
                name: records_table(name, [r for r in batch if table_for(r) == name])
                for name in PARENT_TABLES
            }
            _check(tables)
            out.append(tables)
        return out

    tables = timed("tables + checks", tables_and_checks)
    digests = timed("digests", lambda: [record_digest(r) for r in records])

    def write():
        with tempfile.TemporaryDirectory() as out, ReleaseWriter(Path(out), "0.0.0") as writer:
            position = 0
            for batch_tables in tables:
                for name, rows in batch_tables.items():
                    n = rows.num_rows
                    ids = rows.column("id").to_pylist()
                    writer.add_records(
                        name,
                        rows,
                        [InputEntry(path=i) for i in ids],
                        digests[position : position + n],
                    )
                    position += n
            writer.write(CardInfo(version="0.0.0"))

    timed("write (sort, Parquet, card, Croissant, manifest)", write)
    return stages


def end_to_end(input_dir: Path, workers: int) -> dict:
    """One fresh-process ``build_collection`` run."""
    result = subprocess.run(
        [sys.executable, "-c", END_TO_END, str(input_dir), str(workers)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=CORPUS, help="folder of cable .txt files")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--skip-profile", action="store_true")
    args = parser.parse_args()
    if not args.input.is_dir():
        print(f"no input folder at {args.input}", file=sys.stderr)
        return 2
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    print(f"input: {args.input}")
    if not args.skip_profile:
        stages = profile(args.input)
        total = sum(seconds for _, seconds in stages)
        print(f"\nprofile, one process ({total:.2f} s):")
        for name, seconds in stages:
            print(f"  {name:<50} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    print("\nend to end (build --input, fresh process, imports and worker start-up included):")
    for workers in args.workers:
        run = end_to_end(args.input, workers)
        rate = run["inputs"] / run["seconds"]
        print(
            f"  workers={workers}: {run['seconds']:.2f} s, {run['inputs']:,} inputs "
            f"({run['records']:,} records, {run['quarantined']:,} quarantined), "
            f"{rate:,.0f} cables/s, {rate / workers:,.0f} per worker; peak RSS main "
            f"{run['main_rss_mib']:.0f} MiB, largest worker {run['worker_rss_mib']:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
