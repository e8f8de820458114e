"""Messy inputs: the parsers raise nothing but ParseError, never hang, and the build turns every
file (any encoding, line ending, or not a file at all) into a record or a quarantine line.

Property tests run on arbitrary text and on real cables (seeds and the development corpus)
with random mutations (``broken_inputs.MUTATIONS``). Hypothesis is derandomized with bounded
examples, so CI sees the same inputs on every run. ``parse_cable`` turns any unexpected
exception into a ParseError whose message starts with "unexpected": such a message is a parser
bug hidden by the safety net, so the tests fail on it too.
"""

from __future__ import annotations

import builtins
import codecs
import importlib
import inspect
import json
import os
import random
import time
from functools import cache
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from broken_inputs import (
    CORPUS,
    FILE_KINDS,
    JUNK_LINES,
    MUTATIONS,
    SEED_CABLES,
    corpus_files,
    mutate,
    shift_year,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caucasus_cables import extract
from caucasus_cables.build import Document, build_collection, decode, process_document
from caucasus_cables.checks import CABLE_YEARS
from caucasus_cables.errors import ParseError
from caucasus_cables.parse.cable import parse_cable
from caucasus_cables.parse.news import parse_news_article
from caucasus_cables.records import Cable, NewsArticle

SEED_NEWS = SEED_CABLES.parent / "news"
# The module, not the function ``caucasus_cables.build`` that the package re-exports.
build_module = importlib.import_module("caucasus_cables.build")
FIXTURE_CABLES = Path(__file__).parent / "fixtures" / "cables"
TIME_BOUND = 5.0
"""Seconds one call may take on a 10 MB input: a guard against catastrophic backtracking
(the cable parser takes well under 1 s), not a benchmark."""

DETERMINISTIC = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

EXTRACTORS = {
    name: getattr(extract, name)
    for name in extract.__all__
    if inspect.isfunction(getattr(extract, name))
}


def test_every_public_extractor_is_covered() -> None:
    # A new public extractor joins the property tests automatically; this pins the count so a
    # rename that drops one from __all__ is noticed.
    assert len(EXTRACTORS) >= 27
    assert {"dtg", "tags", "subject", "references", "paragraphs", "header_end"} <= set(EXTRACTORS)


@cache
def cable_texts() -> tuple[str, ...]:
    """Seeds, then every 7th corpus cable (about 200 layouts), as text."""
    files = sorted(SEED_CABLES.glob("*.txt")) + corpus_files()[::7]
    return tuple(decode(path.read_bytes())[0] for path in files)


@cache
def news_texts() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in sorted(SEED_NEWS.glob("*.txt")))


def parse_cable_or_parse_error(text: str) -> Cable | None:
    """The contract: a Cable, or a ParseError that is not a hidden crash."""
    try:
        cable = parse_cable(text, source="<mutated>")
    except ParseError as error:
        assert not error.message.startswith("unexpected"), error.message
        assert error.message
        return None
    assert isinstance(cable, Cable)
    assert cable.raw_text == text
    return cable


def parse_news_or_parse_error(text: str) -> NewsArticle | None:
    try:
        article = parse_news_article(text, source="<mutated>")
    except ParseError as error:
        assert error.message
        return None
    assert isinstance(article, NewsArticle)
    return article


def every_extractor(text: str) -> None:
    """Extractors raise nothing at all (absent is None or [])."""
    for name, function in EXTRACTORS.items():
        try:
            function(text)
        except Exception as error:  # pragma: no cover - the failure message names it
            pytest.fail(f"extract.{name} raised {type(error).__name__}: {error}")


@st.composite
def mutated(draw, texts) -> str:
    """A real text with one to three random mutations (truncation at any character, deleted or
    duplicated lines, shuffled header lines, inserted junk)."""
    text = draw(st.sampled_from(texts()))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    return mutate(text, rng, draw(st.integers(1, 3)))[0]


junk_or_text = st.lists(st.sampled_from(JUNK_LINES) | st.text(max_size=80), max_size=20).map(
    "\n".join
)


# -- arbitrary text -----------------------------------------------------------------------------


@DETERMINISTIC
@given(st.text(max_size=2000) | junk_or_text)
def test_parse_cable_on_arbitrary_text(text: str) -> None:
    parse_cable_or_parse_error(text)


@DETERMINISTIC
@given(st.text(max_size=2000) | junk_or_text)
def test_parse_news_article_on_arbitrary_text(text: str) -> None:
    parse_news_or_parse_error(text)


@pytest.mark.parametrize("name", sorted(EXTRACTORS))
@settings(DETERMINISTIC, max_examples=100)
@given(text=st.text(max_size=1000) | junk_or_text)
def test_each_extractor_on_arbitrary_text(name: str, text: str) -> None:
    EXTRACTORS[name](text)


# -- real texts, mutated ------------------------------------------------------------------------


@settings(DETERMINISTIC, max_examples=400)
@given(mutated(cable_texts))
def test_parse_cable_on_mutated_cables(text: str) -> None:
    parse_cable_or_parse_error(text)


@settings(DETERMINISTIC, max_examples=150)
@given(mutated(cable_texts))
def test_every_extractor_on_mutated_cables(text: str) -> None:
    every_extractor(text)


@settings(DETERMINISTIC, max_examples=150)
@given(mutated(news_texts))
def test_parse_news_article_on_mutated_articles(text: str) -> None:
    parse_news_or_parse_error(text)


@settings(DETERMINISTIC, max_examples=100)
@given(mutated(cable_texts))
def test_parse_news_article_on_mutated_cables(text: str) -> None:
    # A cable handed to the news parser by mistake: a record or a ParseError, nothing else.
    parse_news_or_parse_error(text)


@settings(DETERMINISTIC, max_examples=300)
@given(st.data())
def test_a_cable_cut_at_any_byte_is_a_record_or_a_quarantine_line(data) -> None:
    """Truncation in bytes (mid-character too), through the build's own read-decode-parse."""
    raw = data.draw(st.sampled_from(cable_texts())).encode("utf-8")
    cut = raw[: data.draw(st.integers(0, len(raw)))]
    outcome = process_document(Document(path="cut.txt", data=cut))
    if outcome.record is None:
        entry = outcome.quarantine
        assert entry.stage in {"parse", "decode"} and entry.error, entry
        assert "unexpected" not in entry.error, entry.error
    else:
        assert outcome.record.source.path == "cut.txt"
        assert outcome.record.source.encoding in {"utf-8", "cp1252", "latin-1"}


def test_the_mutations_change_the_text() -> None:
    text = cable_texts()[0]
    rng = random.Random(7)
    for name, mutation in MUTATIONS.items():
        changed = [mutation(text, rng) != text for _ in range(5)]
        assert any(changed), f"{name} never changed the text"


# -- no hang ------------------------------------------------------------------------------------

TEN_MB = 10_000_000


def _ten_mb_inputs() -> dict[str, str]:
    header = (SEED_CABLES / "07MOSCOW4849.txt").read_text(encoding="utf-8")
    return {
        "one letter": "A" * TEN_MB,
        "header then one line of header words": header
        + "\n"
        + "SUBJECT REF TAGS 1.4 (b) " * (TEN_MB // 25),
        "spaced classification repeated": "C O N F I D E N T I A L " * (TEN_MB // 24),
        "REF letters repeated": "REF: " + "A. STATE 12345 " * (TEN_MB // 15),
        "DTG repeated": "O 311351Z AUG 07 " * (TEN_MB // 17),
        "paragraph markers repeated": "1. (C) " * (TEN_MB // 7),
        "header then newlines": header + "\n" * TEN_MB,
    }


def _timed(function, text: str) -> float:
    start = time.perf_counter()
    try:
        function(text)
    except ParseError:
        pass
    return time.perf_counter() - start


@pytest.mark.slow
def test_cable_parser_and_extractors_are_bounded_on_ten_megabytes() -> None:
    slow = {}
    for label, text in _ten_mb_inputs().items():
        for name, function in {"parse_cable": parse_cable, **EXTRACTORS}.items():
            seconds = _timed(function, text)
            if seconds > TIME_BOUND:
                slow[f"{name} on {label}"] = round(seconds, 1)
    assert not slow, f"over {TIME_BOUND} s on a 10 MB input: {slow}"


@pytest.mark.slow
def test_news_parser_is_bounded_and_linear() -> None:
    # The news parser tokenises every word in Python (_news_speech), about 1.3 s per MB of
    # capitalised words: linear, not a hang. Check 10 MB without words, and that time grows
    # linearly with words (quadratic growth would be 16x for 4x the text, linear about 4x).
    # ~3 s on 10 MB of one letter on an idle machine: 3x the bound, so a busy CI runner passes.
    assert _timed(parse_news_article, "A" * TEN_MB) < 3 * TIME_BOUND
    assert _timed(parse_news_article, "\n" * TEN_MB) < 3 * TIME_BOUND
    words = "SUBJECT REF TAGS 1.4 (b) "
    small = _timed(parse_news_article, words * (250_000 // len(words)))
    large = _timed(parse_news_article, words * (1_000_000 // len(words)))
    assert large < TIME_BOUND
    assert large < 8 * small + 0.5, (small, large)


# -- files on disk: encodings, line endings, things that are not files --------------------------


def _distinct_seed_cables(count: int) -> list[tuple[str, bytes]]:
    """(file name, bytes) of ``count`` cables with distinct ids: the seed and golden-fixture
    cables, then the same with the DTG moved back by decades."""
    paths = {p.name: p for p in [*SEED_CABLES.glob("*.txt"), *FIXTURE_CABLES.glob("*.txt")]}
    out = []
    for back in range(5):
        for path in sorted(paths.values()):
            shifted = shift_year(path.read_bytes(), path.name, back)
            if shifted is not None:
                out.append((shifted[1], shifted[0]))
    assert len(out) >= count
    return out[:count]


@pytest.fixture(scope="module")
def messy_build(tmp_path_factory):
    """One collection with each kind of damaged file (``broken_inputs.FILE_KINDS``), each made
    from a different cable so ids never collide, built leniently."""
    tmp = tmp_path_factory.mktemp("messy")
    root = tmp / "in"
    root.mkdir()
    rng = random.Random(8)
    expected = {}
    for (name, data), kind in zip(_distinct_seed_cables(len(FILE_KINDS)), FILE_KINDS, strict=True):
        file = f"{kind.name.replace(' ', '-').replace('*', 'x')}--{name}"
        kind.make(root, file, data.decode("utf-8"), rng, tmp / "outside")
        expected[file] = kind
    manifest = build_collection(root, tmp / "out")
    release = tmp / "out" / manifest.dataset_version
    rows = pq.read_table(release / "cables" / "train-00000-of-00001.parquet").to_pylist()
    quarantine = release / "quarantine.jsonl"
    lines = quarantine.read_text().splitlines() if quarantine.exists() else []
    return manifest, expected, rows, [json.loads(line) for line in lines]


@pytest.mark.parametrize("kind", FILE_KINDS, ids=[k.name for k in FILE_KINDS])
def test_each_damaged_file_is_a_record_or_a_clear_quarantine_line(messy_build, kind) -> None:
    _, expected, rows, quarantined = messy_build
    (path,) = [p for p, k in expected.items() if k is kind]
    records = {r["source"]["path"]: r for r in rows}
    lines = {q["path"]: q for q in quarantined}
    assert (path in records) != (path in lines), f"{path}: lost or counted twice"
    if path in records:
        encoding = records[path]["source"]["encoding"]
        assert kind.outcome == "either" or kind.outcome.startswith("record:"), (path, encoding)
        assert encoding.startswith(kind.outcome.removeprefix("record:").removeprefix("either"))
    else:
        entry = lines[path]
        assert kind.outcome == "either" or kind.outcome.startswith("quarantine:"), entry
        assert entry["stage"].startswith(kind.outcome.removeprefix("quarantine:").split(":")[0])
        assert len(entry["error"]) > 10 and "unexpected" not in entry["error"], entry


def test_the_messy_build_accounts_for_every_input(messy_build) -> None:
    manifest, expected, rows, quarantined = messy_build
    counts = manifest.inputs
    assert counts.inputs == len(expected) == counts.records + counts.quarantined
    assert counts.records == len(rows) and counts.quarantined == len(quarantined)
    assert all(not r["source"]["path"].startswith("/") for r in rows)


def test_decoded_text_equals_the_clean_text(messy_build) -> None:
    """A BOM, UTF-16, CRLF or CR changes the bytes, not the cable: the fields match the clean
    UTF-8 cable, and cp1252 / latin-1 keep the pilcrow as '¶'."""
    _, expected, rows, _ = messy_build
    clean = {name: data.decode() for name, data in _distinct_seed_cables(len(FILE_KINDS))}
    for row in rows:
        path = row["source"]["path"]
        kind = expected[path]
        original = clean[path.split("--", 1)[1]]
        parsed = parse_cable(original)
        if kind.name in {"utf-8 BOM", "utf-16 BOM"}:
            assert row["raw_text"] == original, kind.name
        if kind.name in {"utf-8 BOM", "utf-16 BOM", "CRLF", "CR"}:
            for field in ("id", "subject", "tags", "classification", "signed_by"):
                assert row[field] == getattr(parsed, field) or (
                    row[field] == parsed.model_dump(mode="json")[field]
                ), (kind.name, field)
            assert len(row["paragraphs"]) == len(parsed.paragraphs), kind.name
        if kind.name in {"cp1252", "latin-1"}:
            assert "¶" in row["raw_text"] and "\ufffd" not in row["raw_text"][:200], kind.name
        if kind.name == "cp1252":
            assert "\u201cQuoted\u201d" in row["raw_text"]


ENCODING_CASES = [
    # (bytes of the file, encoding recorded, text, why)
    (codecs.BOM_UTF8 + "¶1.".encode(), "utf-8-sig", "¶1.", "UTF-8 with BOM"),
    ("¶1.".encode("utf-16"), "utf-16", "¶1.", "UTF-16 with BOM"),
    ("¶1. \u201cx\u201d".encode("cp1252"), "cp1252", "¶1. \u201cx\u201d", "cp1252: B6, 93/94"),
    (b"\xb61. \x81", "latin-1", "¶1. \x81", "latin-1: B6 and a byte cp1252 lacks"),
    # A latin-1 file without such a byte is also valid cp1252, and reads the same in both for
    # 0xA0-0xFF (the pilcrow included): recorded as cp1252, text unchanged.
    ("¶1. é".encode("latin-1"), "cp1252", "¶1. é", "latin-1 that is valid cp1252"),
    ("¶1.".encode(), "utf-8", "¶1.", "UTF-8 pilcrow C2 B6"),
]


@pytest.mark.parametrize(
    "data, encoding, text",
    [c[:3] for c in ENCODING_CASES],
    ids=[c[3] for c in ENCODING_CASES],
)
def test_pilcrow_in_each_encoding(data, encoding, text) -> None:
    assert decode(data) == (text, encoding)


def _one_file_build(tmp_path: Path, name: str = "07MOSCOW4307.txt") -> Path:
    root = tmp_path / "in"
    root.mkdir()
    (root / name).write_bytes((SEED_CABLES / "07MOSCOW4307.txt").read_bytes())
    return root


def test_an_unreadable_file_is_quarantined_with_the_reason(tmp_path, monkeypatch) -> None:
    # CI runs as root, where chmod 000 does not stop reading: simulate the failure where the
    # build opens the file instead (an OSError from open, as a permission problem raises).
    root = _one_file_build(tmp_path)
    real_open = builtins.open

    def refusing_open(file, mode="r", *args, **kwargs):
        if str(file).endswith("07MOSCOW4307.txt") and "b" in mode:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(build_module, "open", refusing_open, raising=False)
    manifest = build_collection(root, tmp_path / "out")
    assert (manifest.inputs.records, manifest.inputs.quarantined) == (0, 1)
    line = json.loads(
        (tmp_path / "out" / manifest.dataset_version / "quarantine.jsonl").read_text()
    )
    assert line["stage"] == "read" and line["error"] == "cannot read: Permission denied"
    assert line["path"] == "07MOSCOW4307.txt" and line["sha256"] is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 files")
def test_a_chmod_000_file_is_quarantined(tmp_path) -> None:
    root = _one_file_build(tmp_path)
    (root / "07MOSCOW4307.txt").chmod(0)
    try:
        manifest = build_collection(root, tmp_path / "out")
    finally:
        (root / "07MOSCOW4307.txt").chmod(0o644)
    assert (manifest.inputs.records, manifest.inputs.quarantined) == (0, 1)


def test_a_fifo_is_never_opened(tmp_path, monkeypatch) -> None:
    # Opening a FIFO for reading blocks until a writer comes: the build must not try.
    root = tmp_path / "in"
    root.mkdir()
    os.mkfifo(root / "pipe.txt")
    manifest = build_collection(root, tmp_path / "out")
    line = json.loads(
        (tmp_path / "out" / manifest.dataset_version / "quarantine.jsonl").read_text()
    )
    assert manifest.inputs.quarantined == 1
    assert (line["stage"], line["error"]) == ("read", "not a regular file")


@pytest.mark.slow
def test_a_real_fifty_megabyte_file_is_quarantined_unread(tmp_path, monkeypatch) -> None:
    root = _one_file_build(tmp_path)
    block = (SEED_CABLES / "07MOSCOW4307.txt").read_bytes()
    with open(root / "big.txt", "wb") as handle:
        for _ in range(50_000_000 // len(block) + 1):
            handle.write(block)
    manifest = build_collection(root, tmp_path / "out")
    assert (manifest.inputs.records, manifest.inputs.quarantined) == (1, 1)
    line = json.loads(
        (tmp_path / "out" / manifest.dataset_version / "quarantine.jsonl").read_text()
    )
    assert line["path"] == "big.txt" and line["stage"] == "read"
    assert "over the 33,554,432-byte limit" in line["error"]


def test_corpus_is_used_when_present() -> None:
    # The property tests above draw from the corpus when it is there; say so when it is not.
    if not CORPUS.is_dir():
        pytest.skip(f"development corpus not found at {CORPUS}: seeds only")
    assert len(cable_texts()) > 150


# -- batches that lose every row (found by the fault-injection test) ----------------------------


def test_a_batch_whose_rows_are_all_duplicates(tmp_path, monkeypatch) -> None:
    # One document per batch: the second batch's only row repeats the first's id, so every row
    # of that batch is dropped (pyarrow's take([]) used to fail on the untyped empty list).
    monkeypatch.setattr(build_module, "BATCH_DOCUMENTS", 1)
    root = _one_file_build(tmp_path)
    (root / "copy.txt").write_bytes((root / "07MOSCOW4307.txt").read_bytes())
    manifest = build_collection(root, tmp_path / "out")
    assert (manifest.inputs.records, manifest.inputs.quarantined) == (1, 1)


def test_a_batch_whose_rows_all_fail_the_table_checks(tmp_path) -> None:
    # A DTG a year before the checks' range: a valid record that fails a table rule, alone in
    # its batch, so the batch keeps no row.
    root = tmp_path / "in"
    root.mkdir()
    yy = f"{(CABLE_YEARS[0] - 1) % 100:02d}"
    data = (SEED_CABLES / "07MOSCOW4307.txt").read_bytes().replace(b"AUG 07", b"AUG " + yy.encode())
    (root / f"{yy}MOSCOW4307.txt").write_bytes(data)
    manifest = build_collection(root, tmp_path / "out")
    assert (manifest.inputs.records, manifest.inputs.quarantined) == (0, 1)
    release = tmp_path / "out" / manifest.dataset_version
    line = json.loads((release / "quarantine.jsonl").read_text())
    assert line["stage"] == "check" and f"created within {CABLE_YEARS[0]}" in line["error"]
