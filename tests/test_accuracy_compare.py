"""The accuracy benchmark's comparison rules, on small hand-made records.

Expected values are the corpus index entries (``index.jsonl``) of the cables named in ``ids``;
the records are built by hand from what those cables' texts say.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from corpus_accuracy import (
    FIELDS,
    FOUO,
    compare,
    expected_created,
    expected_subject,
    index_classification,
    normalize_tags,
    record_origin,
    subject_agrees,
    summarize,
    tags_agree,
)

from caucasus_cables import Cable, Classification
from caucasus_cables.records.cable import Caveat

UTC = timezone.utc


def make_cable(**fields) -> Cable:
    """A Cable with only the fields the benchmark compares; the rest minimal."""
    base = {"body": "", "raw_text": ""}
    return Cable(**{**base, **fields})


# 07MOSCOW1537: 'O 061139Z APR 07', 'FM AMEMBASSY MOSCOW', 'C O N F I D E N T I A L SECTION 01
# OF 02 MOSCOW 001537', 'TAGS: PINR MARR MCAP PREL PGOV RS', 'SUBJECT: NEW RUSSIAN DEFENSE
# MINISTER STILL AN ENIGMA'. The index repeats the tag list twice.
MOSCOW1537_INDEX = {
    "refid": "07MOSCOW1537",
    "subject": "NEW RUSSIAN DEFENSE MINISTER STILL AN ENIGMA",
    "date": "2007-04-06",
    "created": "2007-04-06 11:11",
    "classification": "CONFIDENTIAL",
    "origin": "Embassy Moscow",
    "tags": ["PINR", "MARR", "MCAP", "PREL", "PGOV", "RS"] * 2,
}
MOSCOW1537 = make_cable(
    id="07MOSCOW1537",
    station="MOSCOW",
    created=datetime(2007, 4, 6, 11, 39, tzinfo=UTC),
    origin="AMEMBASSY MOSCOW",
    classification=Classification.CONFIDENTIAL,
    caveats=[Caveat.SIPDIS],
    subject="NEW RUSSIAN DEFENSE MINISTER STILL AN ENIGMA",
    tags=["PINR", "MARR", "MCAP", "PREL", "PGOV", "RS"],
)


def test_a_correct_record_agrees_on_every_field() -> None:
    results = compare(MOSCOW1537_INDEX, MOSCOW1537)
    assert [r.field for r in results] == list(FIELDS)
    assert all(r.agrees for r in results), [r for r in results if not r.agrees]


def test_a_failed_parse_disagrees_on_every_field() -> None:
    results = compare(MOSCOW1537_INDEX, None)
    assert [r.field for r in results] == list(FIELDS)
    assert not any(r.agrees for r in results)
    assert all(r.got is None for r in results)


def test_null_index_values_are_skipped() -> None:
    # 07KINGSTON482: the index has no created, classification or origin; 06MOSCOW3335 no title.
    entry = {
        **MOSCOW1537_INDEX,
        "created": None,
        "date": None,
        "classification": None,
        "origin": None,
        "subject": None,
        "tags": None,
    }
    assert [r.field for r in compare(entry, MOSCOW1537)] == ["refid"]


def test_empty_index_tags_are_compared_not_skipped() -> None:
    entry = {**MOSCOW1537_INDEX, "tags": []}
    (tags,) = [r for r in compare(entry, MOSCOW1537) if r.field == "tags"]
    assert not tags.agrees


CLASSIFICATION_CASES = [
    # (record classification, caveats, index value, cable that shows it)
    ("CONFIDENTIAL", ["SIPDIS"], "CONFIDENTIAL", "07MOSCOW1537"),
    ("SECRET", ["SIPDIS", "NOFORN"], "SECRET//NOFORN", "07USNATO115 'NOFORN' caption"),
    ("CONFIDENTIAL", ["NOFORN"], "CONFIDENTIAL//NOFORN", "06MADRID2335"),
    ("SECRET", ["SIPDIS"], "SECRET", "05SANAA1352: (S/NF) paragraphs only"),
    ("UNCLASSIFIED", ["SENSITIVE", "SIPDIS"], FOUO, "06MEXICO5698 UNCLAS + SENSITIVE"),
    ("UNCLASSIFIED", ["NOFORN", "SIPDIS"], FOUO, "09EFTOLONDON2468 UNCLAS E F T O + NOFORN"),
    ("UNCLASSIFIED", ["FOUO"], FOUO, "FOUO caveat"),
    ("UNCLASSIFIED", ["SIPDIS"], "UNCLASSIFIED", "04BRASILIA1849 plain UNCLAS"),
    ("UNCLASSIFIED", [], "UNCLASSIFIED", "no caveats"),
    (None, ["NOFORN"], None, "no classification line"),
]


@pytest.mark.parametrize(
    "level, caveats, expected",
    [c[:3] for c in CLASSIFICATION_CASES],
    ids=[c[3] for c in CLASSIFICATION_CASES],
)
def test_index_classification(level, caveats, expected) -> None:
    assert index_classification(level, caveats) == expected
    if level is not None:  # enum members work as well as strings
        enum_caveats = [Caveat(c) for c in caveats]
        assert index_classification(Classification(level), enum_caveats) == expected


def test_noforn_record_disagrees_with_plain_index_value() -> None:
    # 09STATE83014: the text has a NOFORN caption, the index says SECRET.
    entry = {**MOSCOW1537_INDEX, "classification": "SECRET"}
    record = MOSCOW1537.model_copy(
        update={"classification": Classification.SECRET, "caveats": [Caveat.NOFORN]}
    )
    (result,) = [r for r in compare(entry, record) if r.field == "classification"]
    assert (result.expected, result.got, result.agrees) == ("SECRET", "SECRET//NOFORN", False)


ORIGIN_CASES = [
    # (FM line origin, station, index origin, from station?, cable)
    ("AMEMBASSY MOSCOW", "MOSCOW", "Embassy Moscow", False, "07MOSCOW1537"),
    ("USMISSION USNATO", "USNATO", "Mission USNATO", False, "07USNATO115"),
    ("SECSTATE WASHDC", "STATE", "Secretary of State", False, "06STATE40904"),
    ("AMCONSUL SAO PAULO", "SAOPAULO", "Consulate Sao Paulo", False, "consulate"),
    (None, "VATICAN", "Embassy Vatican", True, "01VATICAN3507 partial extract"),
    (None, "SANJOSE", "Embassy San Jose", True, "05SANJOSE1713 partial extract"),
    (None, "BRUSSELS", None, True, "04BRUSSELS4944: AMEMBASSY or USEU, ambiguous"),
]


@pytest.mark.parametrize(
    "fm, station, expected, from_station",
    [c[:4] for c in ORIGIN_CASES],
    ids=[c[4] for c in ORIGIN_CASES],
)
def test_record_origin(fm, station, expected, from_station) -> None:
    assert record_origin(fm, station) == (expected, from_station)


def test_origin_from_station_is_noted() -> None:
    entry = {**MOSCOW1537_INDEX, "refid": "01VATICAN3507", "origin": "Embassy Vatican"}
    record = MOSCOW1537.model_copy(update={"origin": None, "station": "VATICAN"})
    (result,) = [r for r in compare(entry, record) if r.field == "origin"]
    assert result.agrees and result.note == "from station (no FM line)"


SUBJECT_CASES = [
    # (index title, record subject, agrees, cable)
    (
        "NEW RUSSIAN DEFENSE MINISTER STILL AN ENIGMA",
        "NEW RUSSIAN DEFENSE MINISTER STILL AN ENIGMA",
        True,
        "07MOSCOW1537",
    ),
    (
        "C) RUSSIAN MISSILES FOR US NAVY COMING FROM",
        "(C) RUSSIAN MISSILES FOR US NAVY COMING FROM BELARUS",
        True,
        "05PRAGUE337: leading '(' dropped, first line only",
    ),
    (
        "SOURCE REMOVED] OUTLINES IRC’S",
        "[SOURCE REMOVED] OUTLINES IRC’S AUXILIARY ROLE",
        True,
        "08RPODUBAI49: leading '[' dropped",
    ),
    (
        'LORDS OF THE MOUNTAINS" WILL FIGHT NO MORE FOREVER',
        '"LORDS OF THE MOUNTAINS" WILL FIGHT NO MORE FOREVER',
        True,
        "09BAKU744: leading quote",
    ),
    (
        "LIBYA MAKES PROGRESS ON BANKING REFORM REF: TRIPOLI 126",
        "LIBYA MAKES PROGRESS ON BANKING REFORM",
        True,
        "08TRIPOLI230: REF run into the title",
    ),
    (
        "COSTA RICAN REACTION TO CAFTA-DR APPROVAL IN THE",
        "COSTA RICAN  REACTION TO CAFTA-DR APPROVAL IN THE\nU.S. CONGRESS",
        True,
        "05SANJOSE1713: whitespace collapsed",
    ),
    (
        "NEW RUSSIAN DEFENSE MINISTER STILL AN ENIGMA",
        "new russian defense minister still an enigma",
        False,
        "case counts",
    ),
    (
        "C) RUSSIAN MISSILES FOR US NAVY COMING FROM",
        "(C) RUSSIAN MISSILES FOR US NAVY COMING",
        False,
        "a truncated subject does not agree",
    ),
    (
        "US HOSTAGE STATUS: 18 MONTHS IN FARC",
        "US HOSTAGE STATUS: 18 MONTHS IN FARCICAL",
        False,
        "continuation must start at a word boundary",
    ),
    ("U.S.-", "U.S.-RUSSIA TALKS", True, "first line ended in a hyphen"),
    ("NEW RUSSIAN DEFENSE MINISTER STILL AN ENIGMA", None, False, "no subject"),
]


@pytest.mark.parametrize(
    "title, got, agrees", [c[:3] for c in SUBJECT_CASES], ids=[c[3] for c in SUBJECT_CASES]
)
def test_subject_first_line_rule(title, got, agrees) -> None:
    assert subject_agrees(expected_subject(title), got) is agrees


def test_null_title_is_not_compared() -> None:
    assert expected_subject(None) is None


TAG_CASES = [
    # (index tags, record tags, agrees, cable)
    (
        ["PINR", "MARR", "MCAP", "PREL", "PGOV", "RS"] * 2,
        ["PINR", "MARR", "MCAP", "PREL", "PGOV", "RS"],
        True,
        "07MOSCOW1537: index repeats the list",
    ),
    (["NATO", "PREL", "AF"], ["PREL", "NATO", "AF"], True, "07USNATO115: order does not count"),
    (
        ["KNNP", "DPRK", "SY", "IAEA", "PARM", "PREL"],
        ["knnp", " dprk", "sy", "iaea", "parm", "prel "],
        True,
        "08STATE43817: lower-case TAGS (hand-made index value)",
    ),
    (
        ["PHUM", "XD", "CE", "UK", "PREF"],
        ["PHUM", "XD", "CE", "UK"],
        False,
        "09EFTOLONDON2468: a tag missing",
    ),
    (
        ["KFRDCVISCMGTCASCKOCIASECPHUMSMIGEG"],
        ["KFRD", "CVIS", "CMGT"],
        False,
        "09CAIRO1828: glued index tags are not split",
    ),
    (["PREL"], None, False, "no record"),
]


@pytest.mark.parametrize(
    "index_tags, got, agrees", [c[:3] for c in TAG_CASES], ids=[c[3] for c in TAG_CASES]
)
def test_tags_normalisation(index_tags, got, agrees) -> None:
    assert tags_agree(normalize_tags(index_tags), normalize_tags(got)) is agrees


def test_normalize_tags_keeps_first_occurrence_order() -> None:
    assert normalize_tags(["VT", "vtprel", "VT", "PREL"]) == ("VT", "VTPREL", "PREL")
    assert normalize_tags(None) is None
    assert normalize_tags([]) == ()


CREATED_CASES = [
    # (index created, DTG as the record has it, date agrees, hour agrees, cable)
    (
        "2007-04-06 11:11",
        datetime(2007, 4, 6, 11, 39, tzinfo=UTC),
        True,
        True,
        "07MOSCOW1537: 061139Z, index minutes are the 12-hour clock",
    ),
    (
        "2004-11-18 13:01",
        datetime(2004, 11, 18, 13, 18, tzinfo=UTC),
        True,
        True,
        "04CAIRO8456: 181318Z shows as 13:01",
    ),
    (
        "2008-03-06 14:02",
        datetime(2008, 5, 12, 12, 41, tzinfo=UTC),
        False,
        False,
        "08CONAKRY184: DTG 121241Z MAY 08, index March",
    ),
    ("2007-04-06 11:11", datetime(2007, 4, 6, 12, 0, tzinfo=UTC), True, False, "hour differs"),
    ("2007-04-06 11:11", None, False, False, "partial extract without a date"),
]


@pytest.mark.parametrize(
    "created, got, date_ok, hour_ok",
    [c[:4] for c in CREATED_CASES],
    ids=[c[4] for c in CREATED_CASES],
)
def test_created(created, got, date_ok, hour_ok) -> None:
    entry = {**MOSCOW1537_INDEX, "created": created, "date": created[:10]}
    record = MOSCOW1537.model_copy(update={"created": got})
    results = {r.field: r for r in compare(entry, record)}
    assert results["created_date"].agrees is date_ok
    assert results["created_hour"].agrees is hour_ok


def test_expected_created_falls_back_to_date() -> None:
    assert expected_created({"created": None, "date": "2007-04-06"}) == (date(2007, 4, 6), None)
    assert expected_created({"created": None, "date": None}) == (None, None)


def test_summarize_counts_known_disagreements_apart() -> None:
    wrong = MOSCOW1537.model_copy(update={"subject": "SOMETHING ELSE"})
    second = {**MOSCOW1537_INDEX, "refid": "07MOSCOW1538"}
    pairs = [
        (MOSCOW1537_INDEX, wrong, None),
        (second, None, "ParseError: no reference id"),
    ]
    known = {("07MOSCOW1537", "subject"): "index title is another cable's"}
    report = summarize(pairs, known)
    subject = report.fields["subject"]
    assert (subject.compared, subject.agree, subject.known, subject.missing) == (2, 0, 1, 1)
    assert subject.raw == 0.0
    assert subject.adjusted == 0.0  # the unknown failure still counts
    refid = report.fields["refid"]
    assert (refid.compared, refid.agree, refid.raw, refid.adjusted) == (2, 1, 50.0, 50.0)
    assert refid.given == 100.0  # the failed parse gave no value: left out of 'given'
    assert subject.given == 0.0
    assert report.failures == [{"refid": "07MOSCOW1538", "error": "ParseError: no reference id"}]
    known_rows = [d for d in report.disagreements if d["known"]]
    assert [(d["refid"], d["field"]) for d in known_rows] == [("07MOSCOW1537", "subject")]


def test_summarize_reports_known_entries_that_now_agree() -> None:
    known = {("07MOSCOW1537", "tags"): "stale"}
    report = summarize([(MOSCOW1537_INDEX, MOSCOW1537, None)], known)
    assert report.stale_known == [{"refid": "07MOSCOW1537", "field": "tags", "reason": "stale"}]
    assert report.fields["tags"].adjusted == 100.0


def test_benchmark_report_runs_on_real_entries(corpus_dir: Path, tmp_path: Path) -> None:
    """benchmarks/accuracy.py end to end with a stand-in parser that knows nothing."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import accuracy
    import corpus_accuracy

    def fail(text: str, *, source: str | None = None) -> Cable:
        assert source == corpus_accuracy.NEUTRAL_SOURCE
        assert "\r\n" in text or "\n" in text  # the file as given, decoded
        raise ValueError("stand-in parser")

    entries = corpus_accuracy.load_index(corpus_dir)[:5]
    report = corpus_accuracy.summarize(corpus_accuracy.iter_parsed(corpus_dir, entries, fail))
    assert report.cables == 5 and len(report.failures) == 5
    assert report.fields["refid"].agree == 0
    text = accuracy.format_report(report)
    assert "refid" in text and "disagreements" in text
    out = tmp_path / "report.json"
    out.write_text(json.dumps(report.to_json(), sort_keys=True), encoding="utf-8")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["fields"]["refid"]["compared"] == 5
    assert str(corpus_dir) not in out.read_text(encoding="utf-8")


def test_docstring_examples_hold() -> None:
    import doctest

    import corpus_accuracy

    result = doctest.testmod(corpus_accuracy)
    assert result.attempted > 5 and result.failed == 0
