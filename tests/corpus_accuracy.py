"""Compare parsed cables with the metadata the corpus source recorded (``index.jsonl``).

Not a test file: an importable helper shared by ``benchmarks/accuracy.py`` (the report) and
the parser's floor test (``from corpus_accuracy import run``; pytest puts ``tests/`` on the
path). The comparison rules, each learned by reading the corpus against its index:

- **refid**: ``Cable.id`` against ``refid``, exactly.
- **created**: the index ``created`` is ``'YYYY-MM-DD HH:MM'``, but its minutes are the hour on
  the 12-hour clock (WikiLeaks page bug: DTG ``311351Z`` shows as ``13:01``; it holds for every
  cable with a DTG but one). So two fields: ``created_date`` compares the date,
  ``created_hour`` the date and hour of ``Cable.created`` (UTC).
- **classification**: the index holds the State Department database value, which folds some
  captions into the level. ``X//NOFORN`` is level X with the NOFORN caption in the header
  (portion markings such as ``(S/NF)`` alone do not make it: 13 SECRET cables have them).
  ``UNCLASSIFIED//FOR OFFICIAL USE ONLY`` is ``UNCLAS`` with the ``SENSITIVE`` caption (SBU:
  every such cable but one; the database had no separate SBU value), or ``UNCLAS`` with NOFORN
  (09EFTOLONDON2468); a FOUO caveat counts the same. The ``UNCLASSIFIED//FOR OFFICIAL USE
  ONLY`` lines above the header of some Mexico cables (06MEXICO680) are page residue.
- **origin**: ``reference.origin_name(Cable.origin)`` ('AMEMBASSY MOSCOW' -> 'Embassy
  Moscow'). When the text has no FM line (partial extracts), the origin the text gives is its
  station: ``reference.station_origin(Cable.station)`` names the post (counted separately).
- **subject**: WikiLeaks keeps the first line of a multi-line SUBJECT and drops a leading
  bracket or quote (``(C) RUSSIAN MISSILES`` -> ``C) RUSSIAN MISSILES``). Both sides are
  whitespace-collapsed and stripped of leading punctuation; a ``REF:`` or ``Classified By:``
  run into the index title is cut off (08TRIPOLI230); the record agrees when it equals the
  index title or continues it (the title is its first line). Case counts. Null titles skipped.
- **tags**: the index lists the page's tag links, with duplicates (01VATICAN3507 repeats its
  list three times) and null when none were linked. Upper-cased, stripped, compared as sets
  (order is not part of what the source recorded). Null skipped; an empty list is compared.

Every field is skipped when the index value is null. A record that failed to parse, or has no
value for a field the index has, counts as a disagreement (``got`` None). Known errors of the
index (``tests/data/corpus_known_disagreements.csv``: refid, field, reason) are counted apart:
the raw figure counts them as disagreements, the adjusted figure leaves them out.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from caucasus_cables.reference import origin_name, station_origin

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "cables"
KNOWN_DISAGREEMENTS = Path(__file__).resolve().parent / "data" / "corpus_known_disagreements.csv"

FIELDS = (
    "refid",
    "created_date",
    "created_hour",
    "classification",
    "origin",
    "subject",
    "tags",
)
NEUTRAL_SOURCE = "<cable>"
"""The ``source`` every cable is parsed with: the file name would give the id away."""

FOUO = "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
_FOUO_CAVEATS = frozenset({"SENSITIVE", "FOUO", "NOFORN"})


# -- classification ------------------------------------------------------------------------


def _name(value: Any) -> str:
    """Enum member or string -> its string value."""
    return str(getattr(value, "value", value))


def index_classification(classification: Any, caveats: Iterable[Any]) -> str | None:
    """Record classification and caveats -> the value the index would show.

    >>> index_classification("SECRET", ["SIPDIS", "NOFORN"])
    'SECRET//NOFORN'
    >>> index_classification("UNCLASSIFIED", ["SENSITIVE", "SIPDIS"])
    'UNCLASSIFIED//FOR OFFICIAL USE ONLY'
    >>> index_classification(None, []) is None
    True
    """
    if classification is None:
        return None
    level = _name(classification)
    names = {_name(c) for c in caveats}
    if level == "UNCLASSIFIED":
        return FOUO if names & _FOUO_CAVEATS else level
    return f"{level}//NOFORN" if "NOFORN" in names else level


# -- created ------------------------------------------------------------------------------

_INDEX_CREATED = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<hour>\d{2}):(?P<minute>\d{2})$")


def expected_created(entry: Mapping[str, Any]) -> tuple[date | None, tuple[date, int] | None]:
    """Index entry -> (date, (date, hour)); Nones where the index has no value.

    The index minutes are not used: they repeat the hour on a 12-hour clock.

    >>> expected_created({"created": "2007-08-31 13:01", "date": "2007-08-31"})
    (datetime.date(2007, 8, 31), (datetime.date(2007, 8, 31), 13))
    """
    created = entry.get("created")
    match = _INDEX_CREATED.match(created) if isinstance(created, str) else None
    if match:
        day = date.fromisoformat(match.group("date"))
        return day, (day, int(match.group("hour")))
    raw_date = entry.get("date")
    return (date.fromisoformat(raw_date) if raw_date else None), None


# -- origin -------------------------------------------------------------------------------


def record_origin(origin: str | None, station: str | None) -> tuple[str | None, bool]:
    """FM-line origin (or, without one, the station) -> (index-style origin, from station?).

    >>> record_origin("AMEMBASSY MOSCOW", "MOSCOW")
    ('Embassy Moscow', False)
    >>> record_origin(None, "VATICAN")
    ('Embassy Vatican', True)
    """
    if origin:
        return origin_name(origin), False
    post = station_origin(station) if station else None
    return (origin_name(post) if post else None), True


# -- subject ------------------------------------------------------------------------------

# WikiLeaks drops leading punctuation from titles: '(C) X' -> 'C) X', '"X" Y' -> 'X" Y'.
_LEADING_PUNCTUATION = re.compile(r"""^[\s(\[{"'“‘«]+""")
_RUN_IN = re.compile(r"\s+(?:REFS?|REFTEL|Classified\s+By)\s*:", re.IGNORECASE)


def normalize_subject(subject: str) -> str:
    """Collapse whitespace and drop leading brackets and quotes.

    >>> normalize_subject('  (C)  RUSSIAN   MISSILES ')
    'C) RUSSIAN MISSILES'
    """
    return _LEADING_PUNCTUATION.sub("", " ".join(subject.split()))


def expected_subject(title: str | None) -> str | None:
    """Index title -> the subject's first line as comparable text; None for a null title.

    >>> expected_subject("LIBYA MAKES PROGRESS ON BANKING REFORM REF: TRIPOLI 126")
    'LIBYA MAKES PROGRESS ON BANKING REFORM'
    """
    if title is None:
        return None
    text = normalize_subject(title)
    run_in = _RUN_IN.search(text)
    return text[: run_in.start()] if run_in else text


def subject_agrees(expected: str, got: str | None) -> bool:
    """True when ``got`` (the whole SUBJECT) is ``expected`` (its first line) or continues it.

    A continuation must start at a word boundary: the next character is a space, or the first
    line ended with '-' or '/' (a word split over the line end).

    >>> subject_agrees("RUSSIA/GEORGIA: BAKRADZE VISIT", "RUSSIA/GEORGIA: BAKRADZE VISIT FAILS")
    True
    >>> subject_agrees("RUSSIA/GEORGIA: BAKRADZE VISIT", "RUSSIA/GEORGIA: BAKRADZE VISITS")
    False
    """
    if got is None:
        return False
    text = normalize_subject(got)
    if text == expected:
        return True
    if not expected or not text.startswith(expected):
        return False
    return text[len(expected)] == " " or expected[-1] in "-/"


# -- tags ---------------------------------------------------------------------------------


def normalize_tags(tags: Iterable[str] | None) -> tuple[str, ...] | None:
    """Tags -> upper-case, stripped, empty ones dropped, first occurrence kept, in order.

    >>> normalize_tags(["prel", " GG", "PREL", "", "RS"])
    ('PREL', 'GG', 'RS')
    """
    if tags is None:
        return None
    seen: dict[str, None] = {}
    for tag in tags:
        code = tag.strip().upper()
        if code:
            seen.setdefault(code)
    return tuple(seen)


def tags_agree(expected: tuple[str, ...], got: tuple[str, ...] | None) -> bool:
    """Tags agree when the two sets of codes are equal."""
    return got is not None and set(expected) == set(got)


# -- one cable ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldResult:
    """The comparison of one field of one cable."""

    refid: str
    field: str
    expected: Any
    got: Any
    agrees: bool
    note: str | None = None


def _value(record: Any, name: str) -> Any:
    return getattr(record, name, None) if record is not None else None


def compare(entry: Mapping[str, Any], record: Any) -> list[FieldResult]:
    """Compare one index entry with one parsed record (None when parsing failed).

    Returns one result per field the index has a value for, in ``FIELDS`` order.
    """
    refid = entry["refid"]
    results: list[FieldResult] = []

    def add(name: str, expected: Any, got: Any, agrees: bool, note: str | None = None) -> None:
        results.append(FieldResult(refid, name, expected, got, agrees, note))

    got_id = _value(record, "id")
    add("refid", refid, got_id, got_id == refid)

    exp_date, exp_hour = expected_created(entry)
    created = _value(record, "created")
    got_date = created.date() if created is not None else None
    got_hour = (created.date(), created.hour) if created is not None else None
    if exp_date is not None:
        add("created_date", exp_date, got_date, got_date == exp_date)
    if exp_hour is not None:
        add("created_hour", exp_hour, got_hour, got_hour == exp_hour)

    if entry.get("classification") is not None:
        got = index_classification(
            _value(record, "classification"), _value(record, "caveats") or []
        )
        add("classification", entry["classification"], got, got == entry["classification"])

    if entry.get("origin") is not None:
        got, from_station = (None, False)
        if record is not None:
            got, from_station = record_origin(_value(record, "origin"), _value(record, "station"))
        add(
            "origin",
            entry["origin"],
            got,
            got == entry["origin"],
            "from station (no FM line)" if from_station else None,
        )

    expected = expected_subject(entry.get("subject"))
    if expected is not None:
        got = _value(record, "subject")
        add("subject", expected, got, subject_agrees(expected, got))

    expected_tags = normalize_tags(entry.get("tags"))
    if expected_tags is not None:
        got_tags = normalize_tags(_value(record, "tags")) if record is not None else None
        add("tags", expected_tags, got_tags, tags_agree(expected_tags, got_tags))
    return results


# -- the whole corpus ---------------------------------------------------------------------


def load_index(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """``index.jsonl`` entries, sorted by refid.

    Split on '\\n' only: titles may hold U+2028, which ``str.splitlines`` would break on.
    """
    text = (corpus / "index.jsonl").read_text(encoding="utf-8")
    entries = [json.loads(line) for line in text.split("\n") if line.strip()]
    return sorted(entries, key=lambda e: e["refid"])


def load_known_disagreements(path: Path = KNOWN_DISAGREEMENTS) -> dict[tuple[str, str], str]:
    """(refid, field) -> reason, from the CSV the parser maintains; {} when it is absent."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return {(row["refid"].strip(), row["field"].strip()): row["reason"] for row in rows}


def read_cable_text(corpus: Path, refid: str) -> str:
    """The cable file decoded as UTF-8, as given (CRLF conversions included)."""
    return (corpus / f"{refid}.txt").read_bytes().decode("utf-8")


@dataclass
class FieldSummary:
    """Agreement on one field over the corpus."""

    field: str
    compared: int = 0
    skipped: int = 0
    agree: int = 0
    missing: int = 0
    known: int = 0
    known_agree: int = 0

    @property
    def disagree(self) -> int:
        return self.compared - self.agree

    @property
    def raw(self) -> float:
        """Agreement % over every compared cable."""
        return 100.0 * self.agree / self.compared if self.compared else 100.0

    @property
    def given(self) -> float:
        """Agreement % over the cables where the parser gave a value (no text, no figure)."""
        base = self.compared - self.missing
        return 100.0 * self.agree / base if base else 100.0

    @property
    def adjusted(self) -> float:
        """Agreement % leaving out the cables whose index value is known to be wrong."""
        base = self.compared - self.known
        good = self.agree - self.known_agree
        return 100.0 * good / base if base else 100.0


@dataclass
class Report:
    """What ``run`` measured: per-field summaries, disagreements, and cables that failed."""

    cables: int = 0
    fields: dict[str, FieldSummary] = field(default_factory=dict)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    stale_known: list[dict[str, str]] = field(default_factory=list)
    origin_from_station: int = 0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: sorted, no paths, no timestamps."""
        return {
            "cables": self.cables,
            "parse_failures": len(self.failures),
            "origin_from_station": self.origin_from_station,
            "fields": {
                name: {
                    **asdict(summary),
                    "disagree": summary.disagree,
                    "agreement_raw": round(summary.raw, 2),
                    "agreement_adjusted": round(summary.adjusted, 2),
                    "agreement_given": round(summary.given, 2),
                }
                for name, summary in self.fields.items()
            },
            "disagreements": self.disagreements,
            "failures": self.failures,
            "stale_known_disagreements": self.stale_known,
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], date):
        return f"{value[0].isoformat()} {value[1]:02d}h"
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def iter_parsed(
    corpus: Path, entries: Iterable[Mapping[str, Any]], parse: Callable[..., Any]
) -> Iterator[tuple[Mapping[str, Any], Any, str | None]]:
    """Yield (entry, record or None, error message or None) for every entry."""
    for entry in entries:
        text = read_cable_text(corpus, entry["refid"])
        try:
            yield entry, parse(text, source=NEUTRAL_SOURCE), None
        except ValueError as exc:  # ParseError is a ValueError
            yield entry, None, f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # the parser promises never to raise these: report, go on
            yield entry, None, f"CRASH {type(exc).__name__}: {exc}"


def summarize(
    pairs: Iterable[tuple[Mapping[str, Any], Any, str | None]],
    known: Mapping[tuple[str, str], str] | None = None,
) -> Report:
    """Compare every (entry, record, error) and add up the figures."""
    known = known or {}
    report = Report(fields={name: FieldSummary(name) for name in FIELDS})
    for entry, record, error in pairs:
        report.cables += 1
        if error is not None:
            report.failures.append({"refid": entry["refid"], "error": error})
        results = compare(entry, record)
        compared = {r.field for r in results}
        for name in FIELDS:
            if name not in compared:
                report.fields[name].skipped += 1
        for result in results:
            summary = report.fields[result.field]
            summary.compared += 1
            reason = known.get((result.refid, result.field))
            if reason is not None:
                summary.known += 1
            if result.note and result.field == "origin":
                report.origin_from_station += 1
            if result.agrees:
                summary.agree += 1
                if reason is not None:
                    summary.known_agree += 1
                    report.stale_known.append(
                        {"refid": result.refid, "field": result.field, "reason": reason}
                    )
                continue
            if result.got is None:
                summary.missing += 1
            report.disagreements.append(
                {
                    "refid": result.refid,
                    "field": result.field,
                    "expected": _jsonable(result.expected),
                    "got": _jsonable(result.got),
                    "known": reason,
                    "note": result.note,
                }
            )
    report.disagreements.sort(key=lambda d: (FIELDS.index(d["field"]), d["refid"]))
    report.failures.sort(key=lambda f: f["refid"])
    report.stale_known.sort(key=lambda k: (k["refid"], k["field"]))
    return report


def run(
    corpus: Path = CORPUS,
    *,
    parse: Callable[..., Any] | None = None,
    known: Mapping[tuple[str, str], str] | None = None,
) -> Report:
    """Parse every cable of ``corpus`` (neutral source, no id) and compare with its index."""
    if parse is None:
        # Imported here so the comparison rules load (and are tested) without the parser.
        from caucasus_cables import parse_cable

        parse = parse_cable
    if known is None:
        known = load_known_disagreements()
    return summarize(iter_parsed(corpus, load_index(corpus), parse), known)
