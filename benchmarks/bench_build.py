"""Build speed and memory on a Cablegate-size collection: where the time goes, how it scales.

Steps (issue 7):

1. **Corpus**: ``make_corpus.py N`` writes N generated cables under ``--work`` (skipped when the
   folder already holds them).
2. **Profile** (one process, the first ``--profile-n`` files): each stage of the build on its own
   (read, decode + parse, entities, Arrow rows, pandera checks, record digests, write the
   release), so the split shows which stage to make faster first. Process CPU seconds.
3. **End to end**: ``caucasus-cables build --input DIR --out OUT --workers W`` as a subprocess
   per worker count, with wall time, cables/s (per worker too) and the peak resident memory of
   the whole process tree (the build and its worker processes, summed, sampled every second).
4. **Load** on the built release (fresh process, ``CAUCASUS_CABLES_DATA`` pointing at it):
   ``load("cables", tags="GG")`` and ``load("cables", columns=[id, created, subject])``, the
   first call (which verifies every file's sha256 once per process) and a second call.

Results go to stdout and, with ``--results FILE``, to a Markdown report (machine, versions,
commands, figures). Usage::

    python benchmarks/bench_build.py N [--workers 1 2] [--work /tmp/cc-bench] [--seed 7]
        [--profile-n 5000] [--results benchmarks/RESULTS.md] [--keep]

The generated corpus and builds under ``--work`` are deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
CLI = Path(sys.executable).with_name("caucasus-cables")

LOAD_PROBE = """
import json, time
start = time.perf_counter()
from caucasus_cables import load
imported = time.perf_counter()
out = {"import_s": imported - start}
for label, kwargs in [("tags_GG", {"tags": "GG"}),
                      ("columns", {"columns": ["id", "created", "subject"]})]:
    for attempt in ("first", "second"):
        t = time.perf_counter()
        frame = load("cables", **kwargs)
        out[f"{label}_{attempt}_s"] = time.perf_counter() - t
        out[f"{label}_rows"] = len(frame)
print(json.dumps(out))
"""


# -- measuring ------------------------------------------------------------------------------


class TreeMemory:
    """Peak memory of a process and all its descendants, sampled in a thread: summed RSS, and
    summed PSS (proportional set size: a page shared by n processes counts 1/n in each, so
    the libraries every worker maps count once; what the tree really takes from the machine).
    """

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_bytes = 0
        self.peak_pss_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = _tree(self.pid)
            self.peak_bytes = max(self.peak_bytes, sum(map(_rss, pids)))
            self.peak_pss_bytes = max(self.peak_pss_bytes, sum(map(_pss, pids)))
            self._stop.wait(self.interval)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += children.get(pid, [])
    return found


def _pss(pid: int) -> int:
    return _proc_bytes(f"/proc/{pid}/smaps_rollup", "Pss:")


def _rss(pid: int) -> int:
    return _proc_bytes(f"/proc/{pid}/status", "VmRSS:")


def _proc_bytes(path: str, key: str) -> int:
    """The ``key`` line (in kB) of a /proc file, in bytes; 0 when the process is gone."""
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_build(input_dir: Path, out: Path, workers: int) -> dict:
    """One ``caucasus-cables build --input`` subprocess: wall seconds, peak tree RSS, manifest."""
    shutil.rmtree(out, ignore_errors=True)
    command = [
        str(CLI),
        "build",
        "--input",
        str(input_dir),
        "--out",
        str(out),
        "--workers",
        str(workers),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = TreeMemory(process.pid)
    output, _ = process.communicate()
    seconds = time.perf_counter() - start
    memory.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU of the build and its workers (waited-for descendants are counted in RUSAGE_CHILDREN):
    # what the build costs whatever else the machine runs.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode != 0:
        raise SystemExit(f"build failed ({process.returncode}):\n{output[-3000:]}")
    (release,) = [p for p in out.iterdir() if (p / "manifest.json").is_file()]
    manifest = json.loads((release / "manifest.json").read_text())
    return {
        "command": " ".join(command),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "peak_rss_mib": memory.peak_bytes / 2**20,
        "peak_pss_mib": memory.peak_pss_bytes / 2**20,
        "release": release,
        **manifest["inputs"],
    }


def run_load(data: Path) -> dict:
    env = dict(os.environ, CAUCASUS_CABLES_DATA=str(data))
    result = subprocess.run(
        [sys.executable, "-c", LOAD_PROBE], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def profile(input_dir: Path, limit: int) -> list[tuple[str, float]]:
    """CPU seconds per build stage for the first ``limit`` files, one process."""
    import tempfile

    from caucasus_cables.build import _check, _parse, decode, discover
    from caucasus_cables.catalog import sha256_bytes
    from caucasus_cables.records import Source
    from caucasus_cables.store import CardInfo, InputEntry, ReleaseWriter
    from caucasus_cables.store.manifest import dump_digest
    from caucasus_cables.tables import PARENT_TABLES, dumps_table, record_dump

    try:
        from caucasus_cables.entities.annotate import annotate
    except ImportError:  # before the entities step exists
        annotate = None

    stages: list[tuple[str, float]] = []

    def timed(name, function):
        start = time.process_time()
        result = function()
        stages.append((name, time.process_time() - start))
        return result

    # Discovery walks the whole folder (not only the profiled files): its line in the report
    # is per file of the folder.
    documents = timed(
        "discover (whole folder)", lambda: [d for d in discover(input_dir) if d.problem is None]
    )
    stages.append(("  (files in the folder)", float(len(documents))))
    documents = documents[:limit]
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

    records = timed("decode + parse (pydantic included)", parse_all)
    if annotate is not None:
        records = timed("entities (mentions per record)", lambda: [annotate(r)[0] for r in records])
    size = 1000
    batches = [records[i : i + size] for i in range(0, len(records), size)]
    dumps = timed(
        "Arrow rows (model_dump + from_pylist)",
        lambda: [[record_dump("cables", r) for r in batch] for batch in batches],
    )
    tables = timed(
        "  (from_pylist alone)",
        lambda: [{"cables": dumps_table("cables", d)} for d in dumps],
    )
    empty = {name: dumps_table(name, []) for name in PARENT_TABLES if name != "cables"}

    def checks():
        for batch_tables in tables:
            _check({**batch_tables, **empty})

    timed("pandera checks", checks)
    digests = timed("record digests", lambda: [dump_digest(d) for batch in dumps for d in batch])

    def write():
        with tempfile.TemporaryDirectory() as out, ReleaseWriter(Path(out), "0.0.0") as writer:
            position = 0
            for batch_tables in tables:
                rows = batch_tables["cables"]
                n = rows.num_rows
                ids = rows.column("id").to_pylist()
                inputs = [InputEntry(path=i) for i in ids]
                writer.add_records("cables", rows, inputs, digests[position : position + n])
                position += n
            writer.write(CardInfo(version="0.0.0"))

    timed("write (sort, Parquet, card, Croissant, manifest)", write)
    # "from_pylist alone" is part of the Arrow rows line above it in the report, not extra.
    return stages


# -- reporting ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import pyarrow
    import pydantic

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        ram = next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram_text = f"{int(ram) / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        ram_text = "unknown"
    return {
        "nproc": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": ram_text,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "pyarrow": pyarrow.__version__,
        "pydantic": pydantic.__version__,
    }


def report(args, info, corpus_seconds, stages, runs, loads) -> str:
    lines = ["# Build benchmark (issue 7)", ""]
    lines += ["## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += [f"- load average at start: {os.getloadavg()[0]:.2f}", ""]
    lines += ["## Commands", "", "```"]
    lines += [f"python benchmarks/bench_build.py {' '.join(sys.argv[1:])}"]
    lines += [f"python benchmarks/make_corpus.py {args.n} {args.work}/corpus --seed {args.seed}"]
    lines += [run["command"] for run in runs]
    lines += ["```", ""]
    lines += [f"Corpus: {args.n:,} generated cables, made in {corpus_seconds:.0f} s.", ""]
    if stages:
        files = dict(stages).pop("  (files in the folder)")
        stages = [(name, s) for name, s in stages if name != "  (files in the folder)"]
        n = min(args.profile_n, args.n)
        per_cable = {
            name: 1000 * s / (files if name.startswith("discover") else n) for name, s in stages
        }
        total = sum(v for name, v in per_cable.items() if not name.startswith("  "))
        lines += [f"## Profile (one process, first {n:,} files, CPU seconds)", ""]
        lines += ["| stage | s | ms/cable | share of ms/cable |", "|---|---:|---:|---:|"]
        for name, seconds in stages:
            ms = per_cable[name]
            share = "" if name.startswith("  ") else f"{100 * ms / total:.1f} %"
            lines.append(f"| {name.strip()} | {seconds:.2f} | {ms:.3f} | {share} |")
        lines += [f"| total | | {total:.3f} | |", ""]
    lines += ["## End to end", ""]
    lines += [
        "| workers | wall s | inputs | records | quarantined | cables/s | per worker "
        "| CPU s (tree) | cables per CPU-s | peak RSS (tree) | peak PSS (tree) "
        "| load avg before/after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        rate = run["inputs"] / run["seconds"]
        lines.append(
            f"| {run['workers']} | {run['seconds']:.1f} | {run['inputs']:,} | {run['records']:,} "
            f"| {run['quarantined']:,} | {rate:,.0f} | {rate / run['workers']:,.0f} "
            f"| {run['cpu_seconds']:,.0f} | {run['inputs'] / run['cpu_seconds']:,.0f} "
            f"| {run['peak_rss_mib']:,.0f} MiB | {run['peak_pss_mib']:,.0f} MiB "
            f"| {run['load_before']:.1f} / "
            f"{run['load_after']:.1f} |"
        )
    lines += [
        "",
        "cables per CPU-s is inputs / (user + sys CPU of the build and its workers): the "
        "per-core rate, whatever else ran on the machine at the time (the load average shows "
        "how busy it was).",
        "",
    ]
    if loads:
        lines += ["## Load (fresh process on the built release)", ""]
        lines += ["| query | rows | first call s | second call s |", "|---|---:|---:|---:|"]
        for label, text in [
            ("tags_GG", 'load("cables", tags="GG")'),
            ("columns", 'load("cables", columns=["id", "created", "subject"])'),
        ]:
            lines.append(
                f"| `{text}` | {loads[f'{label}_rows']:,} | {loads[f'{label}_first_s']:.2f} "
                f"| {loads[f'{label}_second_s']:.2f} |"
            )
        lines += ["", "The first call verifies every file's sha256 against the manifest.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="cables to generate")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--work", type=Path, default=Path("/tmp/cc-bench"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile-n", type=int, default=5000)
    parser.add_argument("--results", type=Path, default=None, help="write a Markdown report")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and builds")
    args = parser.parse_args()
    info = machine()
    print(json.dumps(info))
    corpus = args.work / "corpus"
    start = time.perf_counter()
    if not (corpus / "expected_ids.tsv").is_file():
        make = [sys.executable, str(HERE / "make_corpus.py"), str(args.n), str(corpus)]
        subprocess.run([*make, "--seed", str(args.seed)], check=True)
    corpus_seconds = time.perf_counter() - start
    stages = profile(corpus, args.profile_n) if args.profile_n else []
    for name, seconds in stages:
        print(f"  {name:<50} {seconds:7.2f} s")
    runs, loads = [], {}
    for workers in args.workers:
        run = run_build(corpus, args.work / f"out-w{workers}", workers)
        run["workers"] = workers
        runs.append(run)
        print({k: v for k, v in run.items() if k != "release"}, flush=True)
    if runs:
        loads = run_load(runs[-1]["release"].parent)
        print(loads)
    text = report(args, info, corpus_seconds, stages, runs, loads)
    if args.results:
        args.results.write_text(text + "\n", encoding="utf-8")
    print(text)
    if not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
