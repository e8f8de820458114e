"""Accuracy of ``parse_cable`` on the development corpus, against the source's metadata.

Parses every cable in ``../shared/corpus/cables/`` with a neutral ``source`` and no ``id=``,
so the figures measure what the text gives, and compares refid, created (date; date and hour),
classification (with NOFORN), origin, subject (first line) and tags with ``index.jsonl``. The
rules are in ``tests/corpus_accuracy.py`` (shared with the parser's floor test). Known errors
of the index (``tests/data/corpus_known_disagreements.csv``) are counted apart: "raw" counts
them as disagreements, "adjusted" leaves them out.

Usage::

    python benchmarks/accuracy.py [--corpus DIR] [--known CSV] [--json FILE] [--quiet]

Prints per field: agreement %, n compared, n skipped (index null), then every disagreement
(refid, field, expected, got). Exit status 0; 2 when the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import corpus_accuracy  # noqa: E402  (lives in tests/, shared with the floor test)


def format_report(report: corpus_accuracy.Report, *, list_disagreements: bool = True) -> str:
    """The report as text: a table per field, then failures and disagreements."""
    lines = [
        f"cables: {report.cables}   parse failures: {len(report.failures)}   "
        f"origin from station (no FM line): {report.origin_from_station}",
        "",
        f"{'field':<15}{'raw %':>8}{'adj. %':>8}{'given %':>9}{'compared':>10}{'skipped':>9}"
        f"{'disagree':>10}{'missing':>9}{'known':>7}",
    ]
    for summary in report.fields.values():
        lines.append(
            f"{summary.field:<15}{summary.raw:>8.2f}{summary.adjusted:>8.2f}{summary.given:>9.2f}"
            f"{summary.compared:>10}{summary.skipped:>9}{summary.disagree:>10}"
            f"{summary.missing:>9}{summary.known:>7}"
        )
    lines += [
        "",
        "raw = agree / compared; adj. = the same without known index errors",
        "(corpus_known_disagreements.csv); given = agree / (compared - missing).",
        "skipped = index value null; missing = no value from the parser (a disagreement).",
    ]
    if report.failures:
        lines += ["", f"parse failures ({len(report.failures)}):"]
        lines += [f"  {f['refid']}: {f['error']}" for f in report.failures]
    if report.stale_known:
        lines += ["", "known disagreements that now agree (check the CSV):"]
        lines += [f"  {k['refid']} {k['field']}: {k['reason']}" for k in report.stale_known]
    if list_disagreements and report.disagreements:
        lines += ["", f"disagreements ({len(report.disagreements)}):"]
        for d in report.disagreements:
            tag = f"  [known: {d['known']}]" if d["known"] else ""
            note = f"  ({d['note']})" if d["note"] else ""
            lines.append(
                f"  {d['refid']:<20} {d['field']:<14} expected={d['expected']!r} "
                f"got={d['got']!r}{note}{tag}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=corpus_accuracy.CORPUS)
    parser.add_argument("--known", type=Path, default=corpus_accuracy.KNOWN_DISAGREEMENTS)
    parser.add_argument("--json", type=Path, help="write the report as JSON to this file")
    parser.add_argument("--quiet", action="store_true", help="summary only, no disagreements")
    args = parser.parse_args(argv)
    if not (args.corpus / "index.jsonl").is_file():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    known = corpus_accuracy.load_known_disagreements(args.known)
    report = corpus_accuracy.run(args.corpus, known=known)
    print(format_report(report, list_disagreements=not args.quiet))
    if args.json:
        text = json.dumps(report.to_json(), indent=2, ensure_ascii=False, sort_keys=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
