"""How long ``import caucasus_cables; load("cables")`` takes, cold and warm.

Cold: a fresh Python process per repeat (nothing imported, nothing verified), timing the import
and the first ``load`` apart, and the whole command (interpreter start included) from outside.
The OS page cache is warm after the first repeat, as it is for a user who loads twice; the
median is reported. Warm: further ``load`` calls in one process, where checksums are not
recomputed (each file is verified once per process) and only the Parquet scan runs.

Usage::

    python benchmarks/load_speed.py [--repeat N] [--warm N] [--name TABLE] [--output FORM]
                                    [--data DIR] [--json FILE]

``--data`` points ``CAUCASUS_CABLES_DATA`` at a folder of releases (default: wherever the
installed package finds its data). Prints one line per measure: median, min and max seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Runs in the fresh process: prints import seconds, first-load seconds, warm-load seconds.
PROBE = """
import json, sys, time
start = time.perf_counter()
import caucasus_cables
imported = time.perf_counter()
table = caucasus_cables.load(sys.argv[1], output=sys.argv[2])
loaded = time.perf_counter()
warm = []
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    caucasus_cables.load(sys.argv[1], output=sys.argv[2])
    warm.append(time.perf_counter() - t)
print(json.dumps({"import": imported - start, "first_load": loaded - imported, "warm": warm,
                  "rows": len(table) if hasattr(table, "__len__") else table.num_rows}))
"""


def measure(repeat: int, warm: int, name: str, output: str, env: dict[str, str]) -> dict:
    """Run the probe ``repeat`` times in fresh processes; return every timing."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PROBE, name, output, str(warm)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        wall = time.perf_counter() - start
        runs.append({**json.loads(done.stdout.splitlines()[-1]), "process": wall})
    return {
        "repeat": repeat,
        "name": name,
        "output": output,
        "rows": runs[0]["rows"],
        "process": [r["process"] for r in runs],
        "import": [r["import"] for r in runs],
        "first_load": [r["first_load"] for r in runs],
        "import_and_first_load": [r["import"] + r["first_load"] for r in runs],
        "warm_load": [w for r in runs for w in r["warm"]],
    }


def format_report(result: dict) -> str:
    lines = [
        f"load({result['name']!r}, output={result['output']!r}): {result['rows']} rows; "
        f"{result['repeat']} fresh processes",
        f"{'measure':<36}{'median s':>10}{'min s':>10}{'max s':>10}",
    ]
    labels = {
        "process": "cold: whole process (python -c ...)",
        "import_and_first_load": "cold: import + first load()",
        "import": "cold: import caucasus_cables",
        "first_load": "cold: first load() (verifies sha256)",
        "warm_load": "warm: load() again, same process",
    }
    for key, label in labels.items():
        values = result[key]
        if values:
            lines.append(
                f"{label:<36}{statistics.median(values):>10.3f}{min(values):>10.3f}"
                f"{max(values):>10.3f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh processes (default 7)")
    parser.add_argument("--warm", type=int, default=5, help="warm loads per process (default 5)")
    parser.add_argument("--name", default="cables", help="table to load (default cables)")
    parser.add_argument("--output", default="pandas", help="output form (default pandas)")
    parser.add_argument("--data", type=Path, help="folder of releases (CAUCASUS_CABLES_DATA)")
    parser.add_argument("--json", type=Path, help="also write the timings as JSON")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.data is not None:
        env["CAUCASUS_CABLES_DATA"] = str(args.data.resolve())
    result = measure(args.repeat, args.warm, args.name, args.output, env)
    print(format_report(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
