"""A Cablegate-size benchmark collection, generated from the real cables of the development corpus.

Every generated file is a real cable from ``../shared/corpus/cables`` varied the way a large
release varies: a new serial (classification line, DE line and section-continuation lines agree),
a new date-time group in the same year (DTG, DE-line Julian date and WikiLeaks date line agree),
body paragraphs shuffled and resized (sentences dropped or repeated; paragraph markers and their
portion markings stay in place, so markings still agree with the classification), and header
variants the parser meets in real cables (spaced or plain classification word, TAGS separated
by spaces or commas, one or two DTG prosigns). The expected id of every file is known by
construction and written to ``expected_ids.tsv`` (``path<TAB>id``, sorted by path).

Files are named by number (``00012/0012345.txt``), not by id, so the id must come from the text.
Only templates whose generated variants parse back to the expected id and date (checked with
``parse_cable`` on two variants per template) are sampled; CRLF files (PlusD conversions) are
left out. Ids are unique. The output is deterministic for a given ``--seed``.

Usage::

    python benchmarks/make_corpus.py N OUT [--seed S] [--corpus DIR] [--verify]

``--verify`` parses every generated file (slow: ~0.5 ms each) and fails on any mismatch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from caucasus_cables import ParseError, parse_cable
from caucasus_cables.checks import table_failures
from caucasus_cables.records import IdSource
from caucasus_cables.tables import to_tables

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cables"
EXPECTED_NAME = "expected_ids.tsv"
FILES_PER_FOLDER = 1000

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_NAMES = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# "O 311351Z AUG 07" / "P R 031442Z SEP 08" on a line of its own (the first one is the cable's).
_DTG = re.compile(
    r"^(?P<lead>[ \t]*(?P<pre>[ZOPR])(?P<second>[ \t]+[ZOPR])?[ \t]+)"
    r"[0-9]{6}Z[ \t]+[A-Za-z]{3}[ \t]+(?P<yy>[0-9]{2})\b",
    re.MULTILINE,
)
# "DE RUEHMO #4307/01 2431351": serial modulo 10,000, then Julian day-of-year and HHMM.
_DE = re.compile(
    r"^(?P<lead>[ \t]*DE[ \t]+R[A-Z]{3,6}[ \t]+#)(?P<serial>[0-9]{1,5})"
    r"(?P<mid>(?:/[0-9]{1,3})?[ \t]+)(?P<julian>[0-9]{7})\b",
    re.MULTILINE,
)
# "Tuesday, 02 November 2004, 08:39" under a partial-extract banner.
_DATE_LINE = re.compile(
    r"^(?P<lead>[ \t]*)[A-Z][a-z]+day,[ \t]+[0-9]{1,2}[ \t]+[A-Z][a-z]+[ \t]+[0-9]{4},[ \t]+"
    r"[0-9]{2}:[0-9]{2}",
    re.MULTILINE,
)
_CABLE_DATED = re.compile(r"Cable dated:[ \t]*[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")
_SPACED_WORDS = {
    "CONFIDENTIAL": "C O N F I D E N T I A L",
    "SECRET": "S E C R E T",
    "UNCLASSIFIED": "U N C L A S S I F I E D",
}
_CLASS_WORD = re.compile(
    r"^(?P<word>C O N F I D E N T I A L|CONFIDENTIAL|S E C R E T|SECRET"
    r"|U N C L A S S I F I E D|UNCLASSIFIED)(?= )",
    re.MULTILINE,
)
_TAGS = re.compile(
    r"^(?P<lead>TAGS:?[ \t]+)(?P<tags>[A-Z0-9_-]+(?:[ \t]+[A-Z0-9_-]+)+)[ \t]*$", re.M
)
# A numbered body paragraph: marker, optional portion marking, then the text.
_PARAGRAPH = re.compile(
    r"^(?P<head>¶?[0-9]{1,2}\.[ \t]*(?:\([A-Z/ ]{1,12}\)[ \t]*)?)(?P<text>\S.*)$", re.S
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t]+(?=[A-Z\"])")


@dataclass(frozen=True)
class Template:
    """One real cable and what its id is made of (two-digit year, canonical station)."""

    name: str
    text: str
    yy: int
    station: str
    serial: int
    created: dt.datetime


@cache
def load_templates(corpus: Path) -> list[Template]:
    """Real cables whose id and date come from their text, whose variants parse back, and
    that pass the build's table rules (cached: parsing the corpus takes seconds)."""
    templates, cables = [], []
    for path in sorted(corpus.glob("*.txt")):
        data = path.read_bytes()
        if b"\r" in data:
            continue
        text = data.decode("utf-8")
        try:
            cable = parse_cable(text, source=f"x/{path.stem.lower()}.txt")
        except ParseError:
            continue
        if cable.id_source is not IdSource.TEXT or cable.created is None:
            continue
        serial = int(re.search(r"[0-9]+$", cable.id).group())
        template = Template(
            path.name, text, int(cable.id[:2]), cable.station, serial, cable.created
        )
        if all(_round_trips(template, random.Random(k)) for k in (1, 2)):
            templates.append(template)
            cables.append(cable)
    # A cable the build's table rules reject (a (S) paragraph in a CONFIDENTIAL cable) would be
    # quarantined in every copy: leave it out.
    rejected = {f.record_id for f in table_failures(to_tables(cables))}
    return [t for t, c in zip(templates, cables, strict=True) if c.id not in rejected]


def _round_trips(template: Template, rng: random.Random) -> bool:
    for force in (True, False):
        text, serial, created = vary(template, rng, rng.randint(1, 999_999), force=force)
        try:
            cable = parse_cable(text, source="x/0.txt")
        except ParseError:
            return False
        expected = f"{template.yy:02d}{template.station}{serial}"
        if cable.id != expected or cable.created != created:
            return False
    return True


def vary(
    template: Template, rng: random.Random, serial: int, *, force: bool | None = None
) -> tuple[str, int, dt.datetime]:
    """A variant of ``template`` with ``serial``: (text, serial, created).

    ``force`` True applies every header variant, False none, None each with probability 1/2.
    """
    created = _new_created(template.created, rng)
    text = _vary_body(template.text, rng)
    text = _vary_header(text, rng, force)
    text = _set_serial(text, template.serial, serial)
    text = _set_created(text, created)
    return text, serial, created


def _new_created(old: dt.datetime, rng: random.Random) -> dt.datetime:
    day = dt.date(old.year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    return dt.datetime(
        day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), tzinfo=dt.UTC
    )


def _vary_body(text: str, rng: random.Random) -> str:
    blocks = text.split("\n\n")
    numbered = [(i, m) for i, b in enumerate(blocks) if (m := _PARAGRAPH.match(b))]
    if len(numbered) < 2:
        return text
    bodies = [m.group("text") for _, m in numbered]
    if rng.random() < 0.5:
        rng.shuffle(bodies)
    for (i, m), body in zip(numbered, bodies, strict=True):
        blocks[i] = m.group("head") + _resize(body, rng)
    return "\n\n".join(blocks)


def _resize(paragraph: str, rng: random.Random) -> str:
    """Drop or repeat sentences (the mean length stays about the same)."""
    sentences = _SENTENCE_END.split(paragraph)
    if len(sentences) < 2 or "\n" in paragraph:
        return paragraph
    roll = rng.random()
    if roll < 0.3:
        keep = sorted(rng.sample(range(len(sentences)), max(1, len(sentences) // 2)))
        sentences = [sentences[k] for k in keep]
    elif roll < 0.6:
        extra = rng.sample(sentences, max(1, len(sentences) // 2))
        sentences = sentences + extra
    return " ".join(sentences)


def _vary_header(text: str, rng: random.Random, force: bool | None) -> str:
    def flip() -> bool:
        return rng.random() < 0.5 if force is None else force

    if flip():
        text = _CLASS_WORD.sub(lambda m: _toggle_spacing(m.group("word")), text, count=1)
    if flip():
        text = _TAGS.sub(lambda m: m.group("lead") + ", ".join(m.group("tags").split()), text, 1)
    if flip():
        text = _DTG.sub(
            lambda m: m.group(0).replace(m.group("lead"), _toggle_prosign(m), 1), text, count=1
        )
    return text


def _toggle_spacing(word: str) -> str:
    if " " in word:
        return word.replace(" ", "")
    return _SPACED_WORDS[word]


def _toggle_prosign(m: re.Match[str]) -> str:
    pre = m.group("pre")
    return f"{pre} " if m.group("second") else f"{pre} R "


def _set_serial(text: str, old: int, new: int) -> str:
    # The serial after an upper-case station word: classification line ('MOSCOW 004307') and
    # section-continuation lines ('MOSCOW 00004307 002 OF 002'), zero padding kept.
    def padded(m: re.Match[str]) -> str:
        digits = m.group(0)
        return f"{new:0{len(digits)}d}" if digits.startswith("0") else str(new)

    text = re.sub(rf"(?<=[A-Z][ \t])0*{old}(?![0-9])", padded, text)
    return _DE.sub(
        lambda m: (
            f"{m.group('lead')}{new % 10_000:0{len(m.group('serial'))}d}{m.group('mid')}"
            f"{m.group('julian')}"
        ),
        text,
        count=1,
    )


def _set_created(text: str, created: dt.datetime) -> str:
    hhmm = f"{created.hour:02d}{created.minute:02d}"
    dtg = f"{created.day:02d}{hhmm}Z {_MONTHS[created.month - 1]} {created.year % 100:02d}"
    text = _DTG.sub(lambda m: m.group("lead") + dtg, text, count=1)
    julian = f"{created.timetuple().tm_yday:03d}{hhmm}"
    text = _DE.sub(lambda m: m.group("lead") + m.group("serial") + m.group("mid") + julian, text, 1)
    line = (
        f"{_WEEKDAY_NAMES[created.weekday()]}, {created.day:02d} "
        f"{_MONTH_NAMES[created.month - 1]} {created.year}, {created.hour:02d}:{created.minute:02d}"
    )
    text = _DATE_LINE.sub(lambda m: m.group("lead") + line, text, count=1)
    return _CABLE_DATED.sub(f"Cable dated:{created:%Y-%m-%dT%H:%M}", text, count=1)


def relative_path(n: int) -> str:
    """Where file number ``n`` goes: a thousand files per folder."""
    return f"{n // FILES_PER_FOLDER:05d}/{n:07d}.txt"


def make_corpus(
    n: int, out: Path, *, seed: int = 0, corpus: Path = CORPUS, verify: bool = False
) -> dict[str, str]:
    """Write ``n`` cable files under ``out`` and ``out/expected_ids.tsv``; return path -> id."""
    templates = load_templates(corpus)
    if not templates:
        raise SystemExit(f"no usable cables in {corpus}")
    rng = random.Random(seed)
    taken: set[str] = set()
    expected: dict[str, str] = {}
    out.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        template = rng.choice(templates)
        top = max(9_999, 2 * template.serial)
        while True:
            serial = rng.randint(1, top)
            cable_id = f"{template.yy:02d}{template.station}{serial}"
            if cable_id not in taken:
                break
            top *= 2
        taken.add(cable_id)
        text, _, created = vary(template, rng, serial)
        relative = relative_path(k)
        path = out / relative
        if k % FILES_PER_FOLDER == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        expected[relative] = cable_id
        if verify:
            cable = parse_cable(text, source=relative)
            if cable.id != cable_id or cable.created != created:
                raise SystemExit(f"{relative} (from {template.name}): parsed {cable.id}")
    lines = "".join(f"{p}\t{i}\n" for p, i in sorted(expected.items()))
    (out / EXPECTED_NAME).write_text(lines, encoding="utf-8")
    return expected


def read_expected(out: Path) -> dict[str, str]:
    """``expected_ids.tsv`` of a generated collection as path -> id."""
    lines = (out / EXPECTED_NAME).read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of cable files to write")
    parser.add_argument("out", type=Path, help="output folder (created)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--verify", action="store_true", help="parse every file back (slow)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    expected = make_corpus(args.n, args.out, seed=args.seed, corpus=args.corpus, verify=args.verify)
    print(f"wrote {len(expected):,} cables to {args.out} ({EXPECTED_NAME} lists their ids)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
