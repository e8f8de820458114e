"""Instructions per cable for ``parse_cable``, counted by valgrind: a speed figure that does not
depend on what else the machine runs.

Timings on a shared host vary by 20 % or more from run to run and from day to day, so two
versions of the parser are best compared by the CPU instructions they execute. valgrind's
callgrind counts every instruction of the process; this script runs it twice, once parsing
no cable and once parsing every ``--step``-th corpus cable, and divides the difference by the
number of cables, so the interpreter's start-up and the imports cancel out. Both runs first
parse the same other slice of the corpus, so compiled patterns, reference tables and memo
caches are in the same state when the counted slice starts.

Usage::

    python benchmarks/parse_instructions.py [--corpus DIR] [--step 4]

Takes about five minutes (valgrind runs Python some fifty times slower). Exit status 0; 2
when the corpus or valgrind is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cables"
_COLLECTED = re.compile(r"Collected : ([0-9]+)")


def _parse_slice(corpus: Path, step: int, count: int) -> None:
    """Warm up on every 40th cable from the second on, then parse ``count`` cables of the
    slice taken every ``step``-th from the first (the part valgrind's two runs differ in)."""
    from caucasus_cables import ParseError, parse_cable

    files = sorted(corpus.glob("*.txt"))
    for path in files[1::40]:
        try:
            parse_cable(path.read_text(encoding="utf-8"), source="<cable>")
        except ParseError:
            pass
    texts = [path.read_text(encoding="utf-8") for path in files[::step][:count]]
    for text in texts:
        try:
            parse_cable(text, source="<cable>")
        except ParseError:
            pass


def _instructions(corpus: Path, step: int, count: int) -> int:
    """Instructions callgrind counts for a process that parses ``count`` cables."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--corpus",
        str(corpus),
        "--step",
        str(step),
        "--worker",
        str(count),
    ]
    # A fixed hash seed: with a random one, dict and set layouts change from run to run and
    # the count by a few per cent.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--step", type=int, default=4, help="count every N-th corpus cable")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        _parse_slice(args.corpus, args.step, args.worker)
        return 0
    cables = len(sorted(args.corpus.glob("*.txt"))[:: args.step])
    if not cables:
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    if shutil.which("valgrind") is None:
        print("valgrind not found (apt-get install valgrind)", file=sys.stderr)
        return 2
    base = _instructions(args.corpus, args.step, 0)
    total = _instructions(args.corpus, args.step, cables)
    print(f"{cables} cables (every {args.step}th of the corpus), memo caches warmed elsewhere")
    print(f"parse_cable incl. validation: {(total - base) / cables / 1e6:.3f} M instructions/cable")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
