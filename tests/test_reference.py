"""Packaged reference tables: lookups on real values, and every row names its source."""

from __future__ import annotations

import csv
import io
from importlib.resources import files

import pytest

from caucasus_cables import reference
from caucasus_cables.reference import (
    TagInfo,
    all_tags,
    canonical_station,
    describe_tag,
    is_known_tag,
    origin_name,
    routing_indicator_name,
    routing_indicator_names,
    station_origin,
)

CSV_FILES = ["tags.csv", "routing_indicators.csv", "stations.csv", "origins.csv"]
SOURCE_COLUMN = {
    "tags.csv": "sources",
    "routing_indicators.csv": "source",
    "stations.csv": "source",
    "origins.csv": "source",
}


def _text(name: str) -> str:
    return files("caucasus_cables").joinpath("reference", name).read_text(encoding="utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text(name))))


STATION_CASES = [
    # (name as written in the cable, station part of the id, where it comes from)
    ("MOSCOW", "MOSCOW", "07MOSCOW1537 classification line"),
    ("USUN NEW YORK", "USUNNEWYORK", "09USUNNEWYORK306 classification line"),
    ("USMISSION USUN NEW YORK", "USUNNEWYORK", "09USUNNEWYORK306 FM line"),
    ("SECSTATE", "STATE", "issue 3"),
    ("SECSTATE WASHDC", "STATE", "06STATE40904 FM line"),
    ("THE HAGUE", "THEHAGUE", "04THEHAGUE1446 classification line"),
    ("UNVIE VIENNA", "UNVIEVIENNA", "08UNVIEVIENNA215 classification line"),
    ("USMISSION UNVIE VIENNA", "UNVIEVIENNA", "08UNVIEVIENNA215 FM line"),
    ("AMEMBASSY MOSCOW", "MOSCOW", "07MOSCOW1537 FM line"),
    ("AMCONSUL SAO PAULO", "SAOPAULO", "FM line of a consulate"),
    ("USEU BRUSSELS", "BRUSSELS", "09BRUSSELS1399 FM line"),
    ("USINT HAVANA", "HAVANA", "06HAVANA11650 FM line"),
    ("IRAN RPO DUBAI", "RPODUBAI", "10RPODUBAI15 FM line"),
    ("RPO DUBAI", "RPODUBAI", "10RPODUBAI15 classification line"),
    ("E F T O LONDON", "EFTOLONDON", "09EFTOLONDON2187 classification line"),
    ("VATICA", "VATICAN", "01VATICAN3507 PAGE 02 line"),
    ("BUENOS AIR", "BUENOSAIRES", "06BUENOSAIRES118 continuation line"),
    ("  new   delhi ", "NEWDELHI", "spacing and case"),
    ("", "", "empty"),
]


@pytest.mark.parametrize(
    "name, expected", [c[:2] for c in STATION_CASES], ids=[c[2] for c in STATION_CASES]
)
def test_canonical_station(name: str, expected: str) -> None:
    assert canonical_station(name) == expected


TAG_CASES = [
    # (code as written in a TAGS line, description, ISO 3166 alpha-2, where it comes from)
    ("GG", "Georgia", "GE", "07MOSCOW4307 TAGS"),
    ("RS", "Russia", "RU", "07MOSCOW4307 TAGS"),
    ("TI", "Tajikistan", "TJ", "08MOSCOW2629 TAGS"),
    ("ti", "Tajikistan", "TJ", "lower-case TAGS (08STATE43817)"),
    ("PREL", "Political Affairs--External Political Relations", None, "07MOSCOW4307 TAGS"),
    ("OSCE", "Organization for Security and Cooperation in Europe", None, "07MOSCOW4307"),
]


@pytest.mark.parametrize(
    "code, description, iso2", [c[:3] for c in TAG_CASES], ids=[c[3] for c in TAG_CASES]
)
def test_describe_tag(code: str, description: str, iso2: str | None) -> None:
    info = describe_tag(code)
    assert isinstance(info, TagInfo)
    assert info.description == description
    assert info.iso3166_alpha2 == iso2
    assert info.sources and all(info.sources)


def test_geo_tags_are_fips_not_iso() -> None:
    # FIPS 10-4: BO is Belarus (ISO BO would be Bolivia); GM is Germany.
    assert describe_tag("BO").description == "Belarus"
    assert describe_tag("GM").iso3166_alpha2 == "DE"
    assert describe_tag("GG").kind == "geo (country, FIPS 10-4)"


@pytest.mark.parametrize("code", ["XYZZ", "SIPDIS", "", "GUAM"])
def test_describe_unknown_tag_is_none(code: str) -> None:
    assert describe_tag(code) is None


KNOWN_TAG_CASES = [
    ("PREL", True, "tags.csv"),
    ("UNOMIG", True, "tags.csv and cablemap organization-tags"),
    ("KPKO", True, "tags.csv only (K-tag)"),
    ("PBTS", True, "cablemap subject-tags"),
    ("NATO", True, "cablemap organization-tags"),
    ("IAEA", True, "tags.csv and cablemap organization-tags"),
    ("SIPDIS", False, "a caption, not a tag"),
    ("ITPGOV", False, "glued tags in a corpus TAGS line"),
]


@pytest.mark.parametrize(
    "code, known", [c[:2] for c in KNOWN_TAG_CASES], ids=[c[2] for c in KNOWN_TAG_CASES]
)
def test_is_known_tag(code: str, known: bool) -> None:
    assert is_known_tag(code) is known


def test_all_tags_sorted_and_complete() -> None:
    tags = all_tags()
    codes = [t.tag for t in tags]
    assert codes == sorted(codes)
    assert {"GG", "RS", "TI", "PREL", "PGOV", "OSCE"} <= set(codes)
    assert len(codes) == len(_rows("tags.csv"))


ROUTING_CASES = [
    # (routing indicator, preferred name, where it comes from)
    ("RUEHMO", "AMEMBASSY MOSCOW", "07MOSCOW4307 DE line; cablemap route2name"),
    ("RUEHSI", "AMEMBASSY TBILISI", "cablemap route2name"),
    ("RUEHDBU", "AMEMBASSY DUSHANBE", "07MOSCOW4307 format line 2"),
    ("RUEHC", "SECSTATE WASHDC", "07MOSCOW4307 TO line"),
    ("RUCNCIS", "CIS COLLECTIVE", "07MOSCOW4307 INFO line (supplement)"),
    ("RUEHXD", "MOSCOW POLITICAL COLLECTIVE", "07MOSCOW4307 INFO line (supplement)"),
    ("RUEHQT", "AMEMBASSY QUITO", "corpus; cablemap has the typo QUINTO"),
    ("ruehmo", "AMEMBASSY MOSCOW", "lower case"),
]


@pytest.mark.parametrize(
    "ri, expected", [c[:2] for c in ROUTING_CASES], ids=[c[2] for c in ROUTING_CASES]
)
def test_routing_indicator_name(ri: str, expected: str) -> None:
    assert routing_indicator_name(ri) == expected


def test_routing_indicator_names_keep_every_source_name() -> None:
    names = routing_indicator_names("RUEKJCS")
    assert names[0] == "SECDEF WASHDC"
    assert {"JOINT STAFF WASHINGTON DC", "SECDEF WASHINGTON DC"} <= set(names)
    assert routing_indicator_names("RUEHQT")[1:] == ("AMEMBASSY QUINTO",)


@pytest.mark.parametrize("ri", ["RUXXXXX", "", "RUEHWEB"])
def test_unknown_routing_indicator_is_none(ri: str) -> None:
    assert routing_indicator_name(ri) is None
    assert routing_indicator_names(ri) == ()


ORIGIN_CASES = [
    # (FM line originator, index.jsonl 'origin', cable that shows it)
    ("AMEMBASSY MOSCOW", "Embassy Moscow", "07MOSCOW1537"),
    ("AMEMBASSY THE HAGUE", "Embassy The Hague", "rule"),
    ("AMEMBASSY NEW DELHI", "Embassy New Delhi", "rule"),
    ("AMCONSUL SAO PAULO", "Consulate Sao Paulo", "rule, corpus consulates"),
    ("AMCONSUL RIO DE JANEIRO", "Consulate Rio De Janeiro", "title case keeps 'De'"),
    ("SECSTATE WASHDC", "Secretary of State", "06STATE40904"),
    ("USMISSION USNATO", "Mission USNATO", "07USNATO115"),
    ("USMISSION USUN NEW YORK", "USUN New York", "09USUNNEWYORK306"),
    ("USMISSION UNVIE VIENNA", "UNVIE", "08UNVIEVIENNA215"),
    ("USMISSION GENEVA", "US Mission Geneva", "08GENEVA256"),
    ("USEU BRUSSELS", "USEU Brussels", "09BRUSSELS1399"),
    ("USINT HAVANA", "US Interests Section Havana", "06HAVANA11650"),
    ("AIT TAIPEI", "American Institute Taiwan, Taipei", "09AITTAIPEI275"),
    ("RPO DUBAI", "Iran RPO Dubai", "08RPODUBAI49"),
    ("IRAN RPO DUBAI", "Iran RPO Dubai", "10RPODUBAI15"),
    ("amembassy  moscow ", "Embassy Moscow", "case and spacing"),
    ("USDEL  SOMEWHERE", "USDEL SOMEWHERE", "unknown form returned unchanged"),
]


@pytest.mark.parametrize(
    "fm, expected", [c[:2] for c in ORIGIN_CASES], ids=[c[2] for c in ORIGIN_CASES]
)
def test_origin_name(fm: str, expected: str) -> None:
    assert origin_name(fm) == expected


STATION_ORIGIN_CASES = [
    ("VATICAN", "AMEMBASSY VATICAN", "01VATICAN3507 partial extract"),
    ("SANJOSE", "AMEMBASSY SAN JOSE", "05SANJOSE1713 partial extract"),
    ("ISTANBUL", "AMCONSUL ISTANBUL", "04ISTANBUL374 partial extract"),
    ("STATE", "SECSTATE WASHDC", "State cables"),
    ("RPODUBAI", "IRAN RPO DUBAI", "two spellings of one post"),
    ("BRUSSELS", None, "AMEMBASSY and USEU share the station"),
    ("NOSUCHPOST", None, "unknown"),
]


@pytest.mark.parametrize(
    "station, expected",
    [c[:2] for c in STATION_ORIGIN_CASES],
    ids=[c[2] for c in STATION_ORIGIN_CASES],
)
def test_station_origin(station: str, expected: str | None) -> None:
    assert station_origin(station) == expected


@pytest.mark.parametrize("name", CSV_FILES)
def test_every_csv_row_has_a_source(name: str) -> None:
    rows = _rows(name)
    assert rows
    column = SOURCE_COLUMN[name]
    empty = [row for row in rows if not row[column].strip()]
    assert empty == []


@pytest.mark.parametrize("name", [*CSV_FILES, "subject_tags.txt", "organization_tags.txt"])
def test_files_are_lf_sorted_and_unique(name: str) -> None:
    raw = files("caucasus_cables").joinpath("reference", name).read_bytes()
    assert b"\r" not in raw
    text = raw.decode("utf-8")
    if name.endswith(".csv"):
        body = [tuple(r) for r in list(csv.reader(io.StringIO(text)))[1:]]
    else:
        body = text.splitlines()
    assert body == sorted(body)
    assert len(body) == len(set(body))


def test_one_preferred_name_per_routing_indicator() -> None:
    preferred: dict[str, int] = {}
    for row in _rows("routing_indicators.csv"):
        preferred.setdefault(row["routing_indicator"], 0)
        preferred[row["routing_indicator"]] += row["preferred"] == "yes"
    assert set(preferred.values()) == {1}


def test_station_fixes_agree_with_the_default_rule_or_are_needed() -> None:
    # Each stations.csv row is either an exception or documents a form the rule already gets;
    # the canonical side must itself be a valid station (letters and digits only).
    for row in _rows("stations.csv"):
        assert row["canonical"].isalnum() and row["canonical"].isupper()
        assert canonical_station(row["raw"]) == row["canonical"]


def test_cablemap_licence_is_shipped() -> None:
    licence = _text("LICENSE-cablemap.txt")
    assert "Lars Heuer" in licence
    assert "Redistribution and use in source and binary forms" in licence
    sources = _text("SOURCES.md")
    for name in [*CSV_FILES, "subject_tags.txt", "organization_tags.txt", "LICENSE-cablemap.txt"]:
        assert f"`{name}`" in sources


@pytest.mark.slow
def test_station_and_origin_rules_on_corpus(corpus_dir) -> None:
    """Every corpus FM line maps to the index origin, and its post to the id's station."""
    import json
    import re

    fm_line = re.compile(r"^FM (?P<origin>[A-Z][A-Z .,'/-]+?)\s*$", re.MULTILINE)
    checked = 0
    for line in (corpus_dir / "index.jsonl").read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        entry = json.loads(line)
        text = (corpus_dir / f"{entry['refid']}.txt").read_text(encoding="utf-8")
        match = fm_line.search(text, 0, 3000)
        if not match or entry["origin"] is None:
            continue
        fm = match.group("origin")
        assert origin_name(fm) == entry["origin"], entry["refid"]
        station = re.match(r"^\d\d([A-Z]+?)\d+$", entry["refid"]).group(1)
        # The classification line, not the FM line, decides these (see stations.csv):
        # 06TAIPEI2921 writes TAIPEI under FM AIT TAIPEI; EFTO ids glue the caption.
        if entry["refid"] != "06TAIPEI2921" and not station.startswith("EFTO"):
            assert canonical_station(fm) == station, entry["refid"]
        checked += 1
    assert checked > 1100
    assert reference.__all__  # the module's public names are declared


def test_docstring_examples_hold() -> None:
    import doctest

    result = doctest.testmod(reference)
    assert result.attempted > 10 and result.failed == 0
