"""Speed of ``parse_cable`` on the development corpus: cables per second, one core.

Every file of ``../shared/corpus/cables`` is read into memory first (reading is not timed),
then parsed in one process and one thread, record validation included (``parse_cable``
returns a validated pydantic ``Cable``). Texts without a year raise ``ParseError`` quickly;
they are timed too (a build meets them as well). The best of ``--repeat`` rounds is reported,
as CPU time of this process (wall time too): other load on the machine inflates wall time.

Every round starts with the package's memo caches emptied (``functools.lru_cache`` of
stations, E.O. remainders, reasons...): a round then costs what one pass over 1,357 new
cables costs, not a re-parse of strings already seen. ``--warm`` keeps them, for comparison.

Usage::

    python benchmarks/parse_speed.py [--corpus DIR] [--repeat 5] [--goal 3000] [--warm]

Exit status 0; 2 when the corpus is missing.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import pydantic

from caucasus_cables import ParseError, parse_cable

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cables"


def _memo_caches() -> list:
    """Every ``functools.lru_cache`` of the package's modules (module-level functions)."""
    caches = []
    for name, module in sorted(sys.modules.items()):
        if name == "caucasus_cables" or name.startswith("caucasus_cables."):
            caches += [
                f for f in vars(module).values() if callable(getattr(f, "cache_clear", None))
            ]
    return caches


def _round(texts: list[str], caches: list) -> tuple[float, float, int]:
    """(cpu seconds, wall seconds, records) for one pass over the texts, ``caches`` emptied
    first."""
    for cache in caches:
        cache.cache_clear()
    records = 0
    wall = time.perf_counter()
    cpu = time.process_time()
    for text in texts:
        try:
            parse_cable(text, source="<cable>")
            records += 1
        except ParseError:
            pass
    return time.process_time() - cpu, time.perf_counter() - wall, records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--goal", type=float, default=3000.0, help="cables/s to reach")
    parser.add_argument("--warm", action="store_true", help="keep memo caches between rounds")
    args = parser.parse_args(argv)
    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    texts = [f.read_bytes().decode("utf-8") for f in files]
    megabytes = sum(len(t) for t in texts) / 1e6
    caches = [] if args.warm else _memo_caches()
    _round(texts, caches)  # warm up: reference tables, compiled patterns
    rounds = [_round(texts, caches) for _ in range(max(1, args.repeat))]
    cpu = min(r[0] for r in rounds)
    wall = min(r[1] for r in rounds)
    records = rounds[0][2]
    rate = len(texts) / cpu
    print(f"python {platform.python_version()}, pydantic {pydantic.VERSION}, one core")
    kept = "kept between rounds" if args.warm else f"{len(caches)} emptied every round"
    print(f"memo caches: {kept}")
    print(f"corpus: {len(texts)} cables, {megabytes:.1f} M characters, {records} parsed")
    print(f"best of {len(rounds)}: cpu {cpu:.3f} s, wall {wall:.3f} s")
    print(
        f"parse_cable incl. validation: {rate:,.0f} cables/s (cpu), "
        f"{len(texts) / wall:,.0f} cables/s (wall), {megabytes / cpu:.1f} M chars/s"
    )
    print(
        f"per cable: {1e6 * cpu / len(texts):.0f} us; goal {args.goal:,.0f} cables/s: "
        f"{'met' if rate >= args.goal else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
