"""Accuracy of ``parse_cable`` on the development corpus, against the source's metadata.

Parses every cable in ``../shared/corpus/cables/`` with a neutral ``source`` and no ``id=``,
so the figures measure what the text gives, and compares refid, created (date; date and hour),
classification (with NOFORN), origin, subject (first line) and tags with ``index.jsonl``. The
rules are in ``tests/corpus_accuracy.py`` (shared with the parser's floor test). Known errors
of the index (``tests/data/corpus_known_disagreements.csv``) are counted apart: "raw" counts
them as disagreements, "adjusted" leaves them out.

A text that gives no id (no year: no DTG, date line or export row; or no station and serial)
makes ``parse_cable`` raise, rightly. Each such failure is checked against the text with
patterns independent of the parser, then the cable is parsed again with ``id=<refid>``, as a
user with a file named by the id would, so that its other fields are measured too. The
headline table (goals, PASS/FAIL) counts the cables whose text gives the id plus the re-parsed
ones; the text-only table counts every cable from its text alone.

Usage::

    python benchmarks/accuracy.py [--corpus DIR] [--known CSV] [--json FILE] [--quiet]

Prints per field: agreement %, n compared, n skipped (index null), the goal and PASS/FAIL,
then the cables without id, stale known rows and every disagreement (refid, field, expected,
got). Exit status 0; 2 when the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import corpus_accuracy  # noqa: E402  (lives in tests/, shared with the floor test)


def _table(summaries: dict[str, corpus_accuracy.FieldSummary], report=None) -> list[str]:
    head = f"{'field':<15}{'raw %':>8}{'adj. %':>8}{'given %':>9}{'compared':>10}{'skipped':>9}"
    head += f"{'disagree':>10}{'missing':>9}{'known':>7}"
    if report is not None:
        head += f"{'goal %':>8}{'raw':>6}{'adj.':>6}"
    lines = [head]
    for summary in summaries.values():
        line = (
            f"{summary.field:<15}{summary.raw:>8.2f}{summary.adjusted:>8.2f}{summary.given:>9.2f}"
            f"{summary.compared:>10}{summary.skipped:>9}{summary.disagree:>10}"
            f"{summary.missing:>9}{summary.known:>7}"
        )
        if report is not None:
            goal = corpus_accuracy.GOALS.get(summary.field)
            if goal is None:
                line += f"{'-':>8}{'':>6}{'':>6}"
            else:
                verdicts = [report.goal_met(summary.field, adjusted=a) for a in (False, True)]
                line += f"{goal:>8.1f}" + "".join(f"{'PASS' if v else 'FAIL':>6}" for v in verdicts)
        lines.append(line)
    return lines


def format_report(report: corpus_accuracy.Report, *, list_disagreements: bool = True) -> str:
    """The report as text: the headline table with goals, the text-only table, the cables
    whose text gives no id (checked), failures, stale known rows and disagreements."""
    verified = sum(1 for f in report.no_id if f["verified"])
    lines = [
        f"cables: {report.cables}   parse failures from the text alone: {len(report.failures)}"
        f"   of which no id in the text: {len(report.no_id)} ({verified} checked: nothing in"
        f" the text gives it)   other failures: {len(report.unexplained_failures)}",
        "",
        "HEADLINE: cables whose text gives the id, plus the "
        f"{report.reparsed} without one re-parsed with id=<refid> (id_source 'argument')",
        f"  refid leaves the re-parsed out (their id is the argument); created leaves out the "
        f"{report.dateless} re-parsed texts with no date at all (no DTG, date line or export row)",
        f"  origin from station (no FM line): {report.origin_from_station}",
        "",
        *_table(report.headline, report),
        "",
        "TEXT ONLY: every cable parsed from its text alone (neutral source, no id=); a text "
        "without id counts as a disagreement on every field",
        "",
        *_table(report.fields),
        "",
        "raw = agree / compared; adj. = the same without known index errors",
        "(corpus_known_disagreements.csv); given = agree / (compared - missing).",
        "skipped = index value null (or left out, see above); missing = no value from the parser.",
        f"no cable fails unless its text has no id: "
        f"{'PASS' if not report.unexplained_failures else 'FAIL'}",
    ]
    if report.no_id:
        lines += ["", f"no id in the text ({len(report.no_id)}; re-parsed with id=<refid>):"]
        for f in report.no_id:
            status = "checked" if f["verified"] else "NOT CONFIRMED: " + "; ".join(f["evidence"])
            reparsed = "" if f["reparsed"] else "  (re-parse FAILED)"
            lines.append(f"  {f['refid']:<20} {f['kind']}: {status}{reparsed}")
    if report.unexplained_failures:
        lines += ["", f"other failures ({len(report.unexplained_failures)}):"]
        lines += [f"  {f['refid']}: {f['error']}" for f in report.unexplained_failures]
    if report.stale_known:
        lines += ["", "known disagreements that no longer disagree (remove them from the CSV):"]
        lines += [f"  {k['refid']} {k['field']}: {k['reason']}" for k in report.stale_known]
    if list_disagreements and report.disagreements:
        lines += ["", f"disagreements in the headline figures ({len(report.disagreements)}):"]
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
