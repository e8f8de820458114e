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


# A page-break line run into the title: "... IN NEW YORK TRIPOLI 00000014 001.2 OF 002 ..."
# (08TRIPOLI14); the page-break line is the cable's station, its zero-padded serial, page of
# pages. Everything from the station on is page residue (the title's first line ends before).
_PAGE_BREAK_RUN_IN = re.compile(
    r"\s+0{3,}[0-9]{1,5}\s+[0-9]{3}(?:\.[0-9])?\s+OF\s+[0-9]{3}(?![0-9])"
)


def _cut_page_break(text: str, station: str | None) -> str:
    """Cut a page-break line run into the title, with the station words written before it."""
    run_in = _PAGE_BREAK_RUN_IN.search(text)
    if run_in is None:
        return text
    words = text[: run_in.start()].split()
    for k in range(1, min(4, len(words)) + 1):
        if station and "".join(words[-k:]).upper() == station:
            return " ".join(words[:-k])
    return " ".join(words)


def expected_subject(title: str | None, station: str | None = None) -> str | None:
    """Index title -> the subject's first line as comparable text; None for a null title.

    A ``REF:`` or ``Classified By:`` run into the title is cut off, and so is a page-break
    line of the cable's ``station`` (canonical, as in the refid) with what follows it.

    >>> expected_subject("LIBYA MAKES PROGRESS ON BANKING REFORM REF: TRIPOLI 126")
    'LIBYA MAKES PROGRESS ON BANKING REFORM'
    >>> expected_subject("PUTIN VISIT TO LIBYA EXPECTED TRIPOLI 00000297 001.2 OF 002", "TRIPOLI")
    'PUTIN VISIT TO LIBYA EXPECTED'
    """
    if title is None:
        return None
    text = _cut_page_break(normalize_subject(title), station)
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

_REFID_PARTS = re.compile(r"^(?P<yy>[0-9]{2})(?P<station>[A-Z][A-Z0-9]*?)(?P<serial>[0-9]+)$")


def refid_station(refid: str) -> str | None:
    """Station part of a refid: '08TRIPOLI14' -> 'TRIPOLI'; None when it is not one.

    >>> refid_station("09USUNNEWYORK306")
    'USUNNEWYORK'
    """
    m = _REFID_PARTS.match(refid)
    return m.group("station") if m else None


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

    expected = expected_subject(entry.get("subject"), refid_station(refid))
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


GOALS: dict[str, float] = {
    "refid": 99.5,
    "created_date": 99.5,
    "classification": 99.5,
    "origin": 99.5,
    "subject": 98.0,
    "tags": 98.0,
}
"""Agreement goals of issue 3 (created: the date), checked on the headline figures."""


# -- cables whose text gives no id ----------------------------------------------------------

NO_YEAR = "no year in the text"
NO_REFERENCE = "no reference id"
"""The two ParseError messages that say the text itself gives no id."""

# What would give a cable's year, looked for independently of the parser (so that "fails only
# when the text has no id" is checked, not assumed): a DTG ('311351Z AUG 07', any case), a
# weekday date line ('Tuesday, 02 November 2004, 08:39'), a 'Cable dated:' stamp, or an
# export row naming the cable ('04THEHAGUE2735', spaces allowed).
_ANY_DTG = re.compile(r"(?<![0-9])[0-9]{6}Z[ \t]+[A-Za-z]{3}[ \t]+[0-9]{2}(?![0-9])")
_ANY_DATE_LINE = re.compile(
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s+[0-9]{1,2}\s+[A-Za-z]+\s+[0-9]{4}"
)
_ANY_CABLE_DATED = re.compile(r"Cable dated:\s*[0-9]{4}-[0-9]{2}-[0-9]{2}")
# What would give station and serial: a 'STATION 004307' line before the SUBJECT, a DE line.
_ANY_SERIAL = re.compile(r"[A-Z]{3,} 0*[0-9]{3,6}\b")
_ANY_DE_LINE = re.compile(r"^\s*DE\s+R[A-Z]{3,6}\s+#[0-9]", re.MULTILINE)


def _export_row_pattern(refid: str) -> re.Pattern[str] | None:
    m = _REFID_PARTS.match(refid)
    if m is None:
        return None
    # The year glued to the station, as export rows write ids ('03ANKARA2521'): with a blank
    # between them the classification line 'SECTION 01 OF 03 ANKARA 002521' would match.
    station = r" ?".join(re.escape(c) for c in m.group("station"))
    return re.compile(rf"(?<![A-Za-z0-9]){m.group('yy')}{station} ?0*{m.group('serial')}(?![0-9])")


def id_evidence(text: str, refid: str, kind: str) -> list[str]:
    """What in ``text`` would give the id the parser said is not there; [] when nothing.

    ``kind`` is ``NO_YEAR`` (look for a year: DTG, date line, stamp, export row) or
    ``NO_REFERENCE`` (look for station and serial: a serial line before SUBJECT, a DE line,
    an export row).

    >>> id_evidence("UNCLAS SAN JOSE 001713\\n\\nSUBJECT: X", "05SANJOSE1713", NO_YEAR)
    []
    >>> id_evidence("P 271458Z JUL 05\\nUNCLAS SAN JOSE 001713", "05SANJOSE1713", NO_YEAR)
    ['DTG 271458Z JUL 05']
    """
    found: list[str] = []
    row = _export_row_pattern(refid)
    if row is not None and (m := row.search(text)):
        found.append(f"export row {m.group(0)!r}")
    if kind == NO_YEAR:
        for label, pattern in (
            ("DTG", _ANY_DTG),
            ("date line", _ANY_DATE_LINE),
            ("stamp", _ANY_CABLE_DATED),
        ):
            if m := pattern.search(text):
                found.append(f"{label} {m.group(0)}")
    else:
        header = text.split("SUBJECT", 1)[0].split("Subject", 1)[0]
        if m := _ANY_SERIAL.search(header):
            found.append(f"serial line {m.group(0)!r}")
        if m := _ANY_DE_LINE.search(text):
            found.append(f"DE line {m.group(0).strip()!r}")
    return found


# -- the whole corpus ---------------------------------------------------------------------


@dataclass
class Parsed:
    """One cable parsed from its text alone and, when the text gives no id, with ``id=``."""

    entry: Mapping[str, Any]
    record: Any = None
    """From the text alone (neutral source, no id); None when that failed."""
    error: str | None = None
    no_id: str | None = None
    """``NO_YEAR`` or ``NO_REFERENCE`` when the parser said the text gives no id."""
    evidence: list[str] = field(default_factory=list)
    """What would give the id after all (see ``id_evidence``); [] confirms the failure."""
    reparsed: Any = None
    """Parsed again with ``id=<refid>`` (``id_source`` 'argument'), for a text without id."""
    reparse_error: str | None = None

    @property
    def best(self) -> Any:
        """The record the headline figures compare: from the text, else the re-parsed one."""
        return self.record if self.record is not None else self.reparsed


@dataclass
class Report:
    """What ``run`` measured.

    ``fields``: per field over every cable, from the text alone (a text without id counts as a
    disagreement on every field). ``headline``: per field over the cables whose text gives the
    id plus those without one re-parsed with ``id=``; the refid row leaves the re-parsed out
    (their id is the argument), the created rows those whose text has no date at all.
    """

    cables: int = 0
    fields: dict[str, FieldSummary] = field(default_factory=dict)
    headline: dict[str, FieldSummary] = field(default_factory=dict)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    no_id: list[dict[str, Any]] = field(default_factory=list)
    unexplained_failures: list[dict[str, Any]] = field(default_factory=list)
    stale_known: list[dict[str, str]] = field(default_factory=list)
    origin_from_station: int = 0
    reparsed: int = 0
    dateless: int = 0

    def goal_met(self, name: str, *, adjusted: bool = True) -> bool | None:
        """Whether the headline figure of ``name`` meets its goal; None when it has none."""
        goal = GOALS.get(name)
        if goal is None:
            return None
        summary = self.headline[name]
        return (summary.adjusted if adjusted else summary.raw) >= goal

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: sorted, no paths, no timestamps."""

        def table(summaries: Mapping[str, FieldSummary]) -> dict[str, Any]:
            return {
                name: {
                    **asdict(summary),
                    "disagree": summary.disagree,
                    "agreement_raw": round(summary.raw, 2),
                    "agreement_adjusted": round(summary.adjusted, 2),
                    "agreement_given": round(summary.given, 2),
                    "goal": GOALS.get(name),
                }
                for name, summary in summaries.items()
            }

        return {
            "cables": self.cables,
            "parse_failures": len(self.failures),
            "no_id_in_text": self.no_id,
            "unexplained_failures": self.unexplained_failures,
            "reparsed_with_id": self.reparsed,
            "dateless_reparsed": self.dateless,
            "origin_from_station": self.origin_from_station,
            "fields": table(self.fields),
            "headline": table(self.headline),
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


def _try(parse: Callable[..., Any], text: str, **kwargs: Any) -> tuple[Any, str | None]:
    try:
        return parse(text, source=NEUTRAL_SOURCE, **kwargs), None
    except ValueError as exc:  # ParseError is a ValueError
        return None, f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # the parser promises never to raise these: report, go on
        return None, f"CRASH {type(exc).__name__}: {exc}"


def iter_parsed(
    corpus: Path, entries: Iterable[Mapping[str, Any]], parse: Callable[..., Any]
) -> Iterator[Parsed]:
    """Parse every entry's text alone; when the parser says the text gives no id, check that
    independently and parse again with ``id=<refid>``."""
    for entry in entries:
        refid = entry["refid"]
        text = read_cable_text(corpus, refid)
        record, error = _try(parse, text)
        parsed = Parsed(entry, record, error)
        if error is not None and not error.startswith("CRASH"):
            kind = NO_YEAR if NO_YEAR in error else NO_REFERENCE if NO_REFERENCE in error else None
            if kind is not None:
                parsed.no_id = kind
                parsed.evidence = id_evidence(text, refid, kind)
                parsed.reparsed, parsed.reparse_error = _try(parse, text, id=refid)
        yield parsed


def _add(
    summaries: Mapping[str, FieldSummary],
    results: list[FieldResult],
    known: Mapping[tuple[str, str], str],
    skip: Iterable[str] = (),
) -> list[FieldResult]:
    """Count ``results`` into ``summaries``; the disagreements back."""
    compared = {r.field for r in results}
    for name in FIELDS:
        if name not in compared or name in skip:
            summaries[name].skipped += 1
    disagreements = []
    for result in results:
        if result.field in skip:
            continue
        summary = summaries[result.field]
        summary.compared += 1
        reason = known.get((result.refid, result.field))
        if reason is not None:
            summary.known += 1
        if result.agrees:
            summary.agree += 1
            if reason is not None:
                summary.known_agree += 1
            continue
        if result.got is None:
            summary.missing += 1
        disagreements.append(result)
    return disagreements


def summarize(
    parsed: Iterable[Parsed | tuple[Mapping[str, Any], Any, str | None]],
    known: Mapping[tuple[str, str], str] | None = None,
) -> Report:
    """Compare every parsed cable (a ``Parsed``, or an (entry, record, error) triple) with its
    index entry and add up the figures."""
    known = known or {}
    parsed = (p if isinstance(p, Parsed) else Parsed(*p) for p in parsed)
    report = Report(
        fields={name: FieldSummary(name) for name in FIELDS},
        headline={name: FieldSummary(name) for name in FIELDS},
    )
    disagreeing: set[tuple[str, str]] = set()
    for item in parsed:
        refid = item.entry["refid"]
        report.cables += 1
        _add(report.fields, compare(item.entry, item.record), known)
        if item.error is not None:
            report.failures.append({"refid": refid, "error": item.error})
            if item.no_id is not None:
                report.no_id.append(
                    {
                        "refid": refid,
                        "kind": item.no_id,
                        "verified": not item.evidence,
                        "evidence": item.evidence,
                        "reparsed": item.reparsed is not None,
                    }
                )
            if item.no_id is None or item.evidence or item.reparsed is None:
                report.unexplained_failures.append(
                    {
                        "refid": refid,
                        "error": item.error,
                        "evidence": item.evidence,
                        "reparse_error": item.reparse_error,
                    }
                )
        record = item.best
        skip: set[str] = set()
        note: str | None = None
        if item.record is None and item.reparsed is not None:
            report.reparsed += 1
            note = "re-parsed with id="
            skip.add("refid")  # the id is the argument: nothing measured
            if item.reparsed.created is None and item.no_id == NO_YEAR and not item.evidence:
                report.dateless += 1
                skip.update(("created_date", "created_hour"))  # no date in the text at all
        results = compare(item.entry, record)
        report.origin_from_station += sum(
            1 for r in results if r.field == "origin" and r.note and r.field not in skip
        )
        for result in _add(report.headline, results, known, skip):
            reason = known.get((result.refid, result.field))
            disagreeing.add((result.refid, result.field))
            report.disagreements.append(
                {
                    "refid": result.refid,
                    "field": result.field,
                    "expected": _jsonable(result.expected),
                    "got": _jsonable(result.got),
                    "known": reason,
                    "note": "; ".join(n for n in (result.note, note) if n) or None,
                }
            )
    # A known index error that no longer shows as a disagreement is stale: the CSV must say
    # only what is still true.
    report.stale_known = [
        {"refid": refid, "field": name, "reason": reason}
        for (refid, name), reason in sorted(known.items())
        if (refid, name) not in disagreeing
    ]
    report.disagreements.sort(key=lambda d: (FIELDS.index(d["field"]), d["refid"]))
    report.failures.sort(key=lambda f: f["refid"])
    report.no_id.sort(key=lambda f: f["refid"])
    report.unexplained_failures.sort(key=lambda f: f["refid"])
    return report


def run(
    corpus: Path = CORPUS,
    *,
    parse: Callable[..., Any] | None = None,
    known: Mapping[tuple[str, str], str] | None = None,
) -> Report:
    """Parse every cable of ``corpus`` (neutral source, no id; ``id=`` for texts without one)
    and compare with its index."""
    if parse is None:
        # Imported here so the comparison rules load (and are tested) without the parser.
        from caucasus_cables import parse_cable

        parse = parse_cable
    if known is None:
        known = load_known_disagreements()
    return summarize(iter_parsed(corpus, load_index(corpus), parse), known)
