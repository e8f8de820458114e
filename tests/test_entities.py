"""The packaged gazetteer, resolve_entity and find_mentions: hand-checked against the seeds."""

from __future__ import annotations

import csv
import doctest
import io
import re
import time
from importlib import resources
from pathlib import Path

import pytest

import caucasus_cables.entities.dates
import caucasus_cables.entities.gazetteer
import caucasus_cables.entities.links
import caucasus_cables.entities.mentions
from caucasus_cables import EntityLookupError, IntegrityError, parse_cable, resolve_entity
from caucasus_cables.entities import entities, find_mentions
from caucasus_cables.entities.gazetteer import Gazetteer, build_gazetteer, gazetteer
from caucasus_cables.records.entities import ENTITY_ID_PATTERN, Mention, Resolution

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"

RU_MFA = "org:ministry-of-foreign-affairs-of-the-russian-federation"
JCC = "org:joint-control-commission"
POPOV = "person:yuri-popov"
KOKOITY = "person:eduard-kokoity"
KARASIN = "person:grigory-karasin"
BAKRADZE = "person:david-bakradze"
S_OSSETIA = "place:south-ossetia"
TSKHINVALI = "place:tskhinvali"
GEORGIA = "place:georgia"
RUSSIA = "place:russia"
KOSOVO = "place:kosovo"
WASHINGTON = "place:washington-d-c"
N_CAUCASUS = "place:north-caucasus"
MOSCOW = "place:moscow"
TBILISI = "place:tbilisi"


# -- the packaged data ---------------------------------------------------------------------


def test_entity_ids_are_unique_well_formed_and_sourced() -> None:
    everything = entities()
    ids = [entity.id for entity in everything]
    assert len(ids) == len(set(ids)) == 130
    assert ids == sorted(ids)
    for entity in everything:
        assert re.match(ENTITY_ID_PATTERN, entity.id)
        prefix = {"place": "place", "person": "person", "organization": "org"}[entity.kind.value]
        assert entity.id.startswith(prefix + ":"), entity.id
        assert entity.source.strip(), entity.id
    by_kind = {kind: sum(e.kind.value == kind for e in everything) for kind in ("place", "person")}
    assert by_kind == {"place": 61, "person": 36}


def test_the_ids_the_issue_names() -> None:
    assert resolve_entity("Tskhinvali").id == TSKHINVALI
    assert resolve_entity("Eduard Kokoity").id == KOKOITY
    assert resolve_entity("Joint Control Commission").id == JCC
    assert resolve_entity("Tskhinvali").wikidata_qid == "Q79863"


def test_codes_are_kept_apart_from_names() -> None:
    georgia = resolve_entity("Georgia")
    assert georgia.codes == ["FIPS:GG", "ISO:GE"]
    assert not any(re.fullmatch(r"[A-Z]{2}\b.*", variant) for variant in georgia.variants)
    # TAGS lines carry FIPS codes; they are not mentions of countries.
    found = find_mentions("TAGS: PREL PBTS MARR MOPS OSCE GG RS")
    assert [(m.text, m.entity_id) for m in found] == [
        ("OSCE", "org:organization-for-security-and-co-operation-in-europe")
    ]


def test_the_fused_reference_row_is_split_into_azerbaijan_and_turkey() -> None:
    assert resolve_entity("Azerbaijan").codes == ["FIPS:AJ", "ISO:AZ"]
    turkey = resolve_entity("Turkey")
    assert (turkey.wikidata_qid, turkey.codes) == ("Q43", ["FIPS:TU", "ISO:TR"])
    assert resolve_entity("Türkiye").id == "place:turkey"


def test_every_form_names_one_entity_or_is_listed_in_senses() -> None:
    gaz = gazetteer()
    shared = {form for form, ids in gaz.forms.items() if len(ids) > 1}
    assert shared <= {form for form in shared if form.casefold() in gaz.senses}


def test_data_files_ship_in_the_package() -> None:
    folder = resources.files("caucasus_cables.entities")
    for name in ("places.csv", "people.csv", "organizations.csv", "senses.csv", "SOURCES.md"):
        assert folder.joinpath(name).is_file(), name


def test_a_sense_naming_an_unknown_entity_is_an_integrity_error(monkeypatch) -> None:
    real = caucasus_cables.entities.gazetteer._read_csv

    def broken(name: str, columns: list[str]) -> list[dict[str, str]]:
        rows = real(name, columns)
        if name == "senses.csv":
            rows[0] = {**rows[0], "entity_id": "place:atlantis"}
        return rows

    monkeypatch.setattr(caucasus_cables.entities.gazetteer, "_read_csv", broken)
    with pytest.raises(IntegrityError, match="place:atlantis"):
        build_gazetteer()


def _reference_rows(name: str) -> list[dict[str, str]]:
    text = (REFERENCE / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    "name, prefix",
    [("gazetteer.csv", "place"), ("people.csv", "person"), ("organizations.csv", "org")],
)
def test_every_reference_row_is_packaged_with_its_sources(name: str, prefix: str) -> None:
    if not (REFERENCE / name).is_file():
        pytest.skip(f"shared reference not found at {REFERENCE}")
    packaged = {e.canonical: e for e in entities()}
    for row in _reference_rows(name):
        if None in row:
            # The fused Azerbaijan/Turkey line: checked in its own test above.
            continue
        entity = packaged[row["canonical"]]
        assert entity.id.startswith(prefix + ":")
        assert (entity.type, entity.wikidata_qid or "") == (row["type"], row["wikidata_qid"])
        assert entity.source.startswith(row["source"]), row["canonical"]
        for variant in filter(None, row["variants"].split("|")):
            kept = variant in entity.variants
            as_code = any(f":{variant[:2]}" in code for code in entity.codes)
            dropped = variant == "MFA" and "leaves bare 'MFA' out" in (entity.notes or "")
            assert kept or as_code or dropped, (row["canonical"], variant)


# -- resolve_entity ------------------------------------------------------------------------

RESOLVE_CASES = [
    # (name asked for, entity id, where the form comes from)
    ("Tskhinval", TSKHINVALI, "seed 004 'Tskhinval'"),
    ("tskhinvali", TSKHINVALI, "case-insensitive"),
    ("Цхинвал", TSKHINVALI, "Russian form in the reference"),
    ("Sukhum", "place:sukhumi", "seed 004 'Sukhum'"),
    ("Kokoyty", KOKOITY, "reference variant"),
    ("Kokoity", KOKOITY, "07MOSCOW4307"),
    ("Yuriy Popov", POPOV, "07MOSCOW4307 ¶1"),
    ("Marat Minyurovich", "person:marat-kulakhmetov", "seed 004 address"),
    ("  South\n Ossetia ", S_OSSETIA, "whitespace collapsed"),
    ("place:java", "place:java", "entity id"),
    ("Q40811", "place:sukhumi", "Wikidata QID"),
    ("JCC", JCC, "acronym"),
]


@pytest.mark.parametrize(
    "name, expected", [c[:2] for c in RESOLVE_CASES], ids=[c[2] for c in RESOLVE_CASES]
)
def test_resolve_entity(name: str, expected: str) -> None:
    assert resolve_entity(name).id == expected


def test_unknown_name_gives_close_matches() -> None:
    with pytest.raises(EntityLookupError) as caught:
        resolve_entity("Kokoyti")
    error = caught.value
    assert isinstance(error, LookupError)
    assert error.name == "Kokoyti"
    assert error.candidates == [KOKOITY]
    message = str(error)
    assert message.startswith("unknown entity 'Kokoyti'; close matches: ")
    assert "'Kokoity' (person:eduard-kokoity)" in message
    assert "'Kokoyty' (person:eduard-kokoity)" in message


def test_misspelt_place_suggests_the_place() -> None:
    with pytest.raises(EntityLookupError, match=r"'Tskhinvali' \(place:tskhinvali\)"):
        resolve_entity("Tskhinvaly")


def test_name_with_nothing_close_says_so() -> None:
    with pytest.raises(EntityLookupError, match="no close matches") as caught:
        resolve_entity("Atlantis")
    assert caught.value.candidates == []


def test_name_two_entities_share_is_ambiguous(monkeypatch) -> None:
    real = gazetteer()
    fake = Gazetteer(
        entities=real.entities,
        by_id=real.by_id,
        forms=real.forms,
        senses=real.senses,
        names={**real.names, "gali": ("place:gali", "place:java")},
    )
    monkeypatch.setattr(caucasus_cables.entities.gazetteer, "gazetteer", lambda: fake)
    with pytest.raises(EntityLookupError, match="ambiguous entity name 'Gali'") as caught:
        resolve_entity("Gali")
    assert caught.value.candidates == ["place:gali", "place:java"]


# -- find_mentions: snippets ---------------------------------------------------------------

SNIPPET_CASES = [
    # (text as it appears in a source, [(mention text, entity id or None)], source)
    (
        "Tskhinval was subjected to indiscriminate artillery shelling",
        [("Tskhinval", TSKHINVALI)],
        "seed 004, Russian form",
    ),
    (
        "At the end of August, another action plan was written in Sukhum.",
        [("Sukhum", "place:sukhumi")],
        "seed 004, Russian form",
    ),
    (
        "meeting of President Alan Gagloev and Foreign Minister Akhsar Dzhioev with Sergey Lavrov",
        [
            ("Alan Gagloev", "person:alan-gagloev"),
            ("Akhsar Dzhioev", "person:akhsar-dzhioev"),
            ("Sergey Lavrov", "person:sergey-lavrov"),
        ],
        "seed 004",
    ),
    (
        "the Ministry of Foreign Affairs of the Republic of South Ossetia and the Ministry of "
        "Foreign Affairs of the Russian Federation",
        [
            (
                "Ministry of Foreign Affairs of the Republic of South Ossetia",
                "org:ministry-of-foreign-affairs-of-south-ossetia",
            ),
            ("Ministry of Foreign Affairs of the Russian Federation", RU_MFA),
        ],
        "seed 004, longest name wins",
    ),
    (
        "diplomatic relations between the Russian Federation and the Republic of South Ossetia",
        [("Russian Federation", RUSSIA), ("Republic of South Ossetia", S_OSSETIA)],
        "seed 004",
    ),
    (
        "the Joint Coordinating Commission plenary should go ahead as scheduled in Tbilisi",
        [("Joint Coordinating Commission", JCC), ("Tbilisi", TBILISI)],
        "07MOSCOW4307 ¶4",
    ),
    ("the Georgian arrest of two North Ossetian peacekeepers", [], "07MOSCOW4307 ¶1, demonyms"),
    (
        "a strong reaction in Russia's restive North Caucasus.",
        [("Russia", RUSSIA), ("North Caucasus", N_CAUCASUS)],
        "07MOSCOW4307 ¶5, possessive",
    ),
    (
        "the bombing incident in Tsitlubani, Georgia.",
        [("Tsitlubani", "place:tsitelubani"), ("Georgia", GEORGIA)],
        "07MOSCOW4307 ¶3, a Georgian village supports Georgia",
    ),
    (
        "the support of the Shanghai Cooperation\nOrganization (SCO) during its August 28 summit",
        [
            ("Shanghai Cooperation\nOrganization", "org:shanghai-cooperation-organization"),
            ("SCO", "org:shanghai-cooperation-organization"),
        ],
        "08MOSCOW2629 ¶1, wrapped name",
    ),
    (
        "said Masha Lipman, a political analyst with the Moscow Carnegie Center.",
        [
            ("Masha Lipman", "person:masha-lipman"),
            ("Moscow Carnegie Center", "org:carnegie-moscow-center"),
        ],
        "seed 003, longest wins",
    ),
    (
        "RUSSIA/GEORGIA: BAKRADZE VISIT FAILS TO EASE TENSIONS",
        [("RUSSIA", RUSSIA), ("GEORGIA", GEORGIA), ("BAKRADZE", BAKRADZE)],
        "07MOSCOW4307 subject, ALL CAPS, Bakradze supports Georgia",
    ),
    (
        "SUBJECT: GEORGIA: SITREP 9: RUSSIAN TROOPS REMAIN IN \nGEORGIA; SAAKASHVILI, ALLIE...",
        [("GEORGIA", GEORGIA), ("GEORGIA", GEORGIA), ("SAAKASHVILI", "person:mikheil-saakashvili")],
        "08TBILISI1372 subject, ALL CAPS",
    ),
    (
        "Classified By: Political Minister-Counselor Alice G. Wells. Reason: 1",
        [("Alice G. Wells", "person:alice-g-wells")],
        "07MOSCOW4307 classifier",
    ),
    ("BEYRLE", [("BEYRLE", "person:john-beyrle")], "08MOSCOW2629 signature"),
    (
        "Цхинвали и Сухуми",
        [("Цхинвали", TSKHINVALI), ("Сухуми", "place:sukhumi")],
        "Cyrillic forms in the reference",
    ),
    (
        "reluctant to annoy Russia on recognition of Kosovo and the conflict \nwith Georgia.",
        [("Russia", RUSSIA), ("Kosovo", KOSOVO), ("Georgia", None)],
        "08REYKJAVIK199, no Georgian context: unresolved",
    ),
    ("at a joint press conference, according to the MFA.", [], "08MOSCOW2629 ¶5, bare MFA"),
    ("Post RSO has reached out to", [], "05ISTANBUL890, Regional Security Officer"),
    (
        "Parrott, University of Georgia Professor and biotechnology",
        [],
        "06SANJOSE486, U.S. state counter-cue",
    ),
]


@pytest.mark.parametrize(
    "text, expected", [c[:2] for c in SNIPPET_CASES], ids=[c[2] for c in SNIPPET_CASES]
)
def test_snippet_mentions(text: str, expected: list[tuple[str, str | None]]) -> None:
    found = find_mentions(text)
    assert [(m.text, m.entity_id) for m in found] == expected
    for mention in found:
        assert text[mention.start : mention.end] == mention.text


def test_upper_case_copies_skip_short_forms() -> None:
    assert find_mentions("GAL AQU") == []
    assert find_mentions("Aqu")[0].entity_id == "place:sukhumi"


# -- ambiguity ------------------------------------------------------------------------------


def test_bare_surname_resolves_to_the_person_named_in_full_earlier() -> None:
    # 07MOSCOW4307 ¶1: "negotiator Yuriy Popov told us ... Popov worried that ..."
    text = "Russian MFA South Ossetia negotiator Yuriy Popov told us. Popov worried."
    found = find_mentions(text)
    popovs = [m for m in found if m.entity_id == POPOV]
    assert [(m.text, m.resolution) for m in popovs] == [
        ("Yuriy Popov", Resolution.NAME),
        ("Popov", Resolution.EARLIER_MENTION),
    ]


def test_bare_surname_without_a_full_name_stays_unresolved() -> None:
    # 08USNATO291 names a Georgian 'Representative Popov': not the Russian negotiator.
    (mention,) = find_mentions("Representative Popov said the plan was dead.")
    assert mention.entity_id is None
    assert mention.resolution is Resolution.UNRESOLVED
    assert mention.candidates == [POPOV]


def test_surname_resolved_by_its_role_nearby() -> None:
    # 07MOSCOW4307 ¶2 and 09DUSHANBE1433 ¶2.
    text = "Deputy Security Council Secretary Nazarov and one of his deputies, Kolesnikov."
    assert [(m.text, m.entity_id, m.resolution.value) for m in find_mentions(text)] == [
        ("Nazarov", "person:nazarov", "context"),
        ("Kolesnikov", "person:kolesnikov", "context"),
    ]
    (general,) = find_mentions("PolEcon Chief called on General Nazarov to get his views")
    assert (general.entity_id, general.candidates) == (None, ["person:nazarov"])


JAVA_CASES = [
    # (text, expected (entity id, candidates) or None when no mention, why)
    (
        "Georgian troops shelled Java, north of Tskhinvali, in South Ossetia.",
        ("place:java", []),
        "supported by South Ossetian places",
    ),
    (
        "Ash from the volcano closed airports on Java, the most populous island of Indonesia.",
        None,
        "the island: not a gazetteer entity",
    ),
    ("Java was mentioned without any hint.", (None, ["place:java"]), "no context"),
    ("Java lies between Tskhinvali and Indonesia.", (None, ["place:java"]), "both contexts"),
]


@pytest.mark.parametrize(
    "text, expected", [c[:2] for c in JAVA_CASES], ids=[c[2] for c in JAVA_CASES]
)
def test_java_resolves_only_with_supporting_context(text: str, expected) -> None:
    javas = [m for m in find_mentions(text) if m.text == "Java"]
    if expected is None:
        assert javas == []
    else:
        assert [(m.entity_id, m.candidates) for m in javas] == [expected]


def test_georgia_needs_georgian_context() -> None:
    # 08MOSCOW2629 ¶1 names Abkhazia and South Ossetia before Georgia.
    text = "recognize the independence of Abkhazia and South Ossetia. ... its actions in Georgia."
    georgia = [m for m in find_mentions(text) if m.text == "Georgia"]
    assert [(m.entity_id, m.resolution.value) for m in georgia] == [(GEORGIA, "context")]
    # 10STATE284: a U.S. town and no Georgian context: not a mention at all.
    assert find_mentions("the C-130s located in Marietta, Georgia as an 'if raised' topic") == []


def test_rso_is_south_ossetia_in_an_ossetian_text() -> None:
    # seed 004: "the socio-economic development of the RSO" in a text about South Ossetia.
    text = "relations with South Ossetia. ... Development of the RSO for 2023-2025"
    rso = [m for m in find_mentions(text) if m.text == "RSO"]
    assert [(m.entity_id, m.resolution.value) for m in rso] == [(S_OSSETIA, "context")]


# -- paragraphs and offsets ------------------------------------------------------------------


def test_paragraph_index_from_the_records_paragraphs() -> None:
    body = "SUMMARY\n\n1. (C) Popov met Karasin.\n\nHeading\n\n2. (C) Kokoity left Tskhinvali."
    found = find_mentions(body, paragraphs=["Popov met Karasin.", "Kokoity left Tskhinvali."])
    assert [(m.text, m.paragraph) for m in found] == [
        ("Popov", 0), ("Karasin", 0), ("Kokoity", 1), ("Tskhinvali", 1),
    ]  # fmt: skip


def test_rewrapped_paragraph_is_found_and_a_missing_one_is_an_error() -> None:
    body = "Popov met\nKarasin in Moscow."
    found = find_mentions(body, paragraphs=["Popov met Karasin in Moscow."])
    assert {m.paragraph for m in found} == {0}
    with pytest.raises(ValueError, match="paragraph 1"):
        find_mentions(body, paragraphs=["Popov met Karasin in Moscow.", "Not in the body."])


def test_document_fields_are_carried() -> None:
    (mention,) = find_mentions("Tskhinval", document_id="07MOSCOW4307", document_kind="cable")
    assert (mention.document_id, mention.document_kind) == ("07MOSCOW4307", "cable")


def test_mention_model_rejects_inconsistent_values() -> None:
    with pytest.raises(ValueError, match="do not span"):
        Mention(entity_id=TSKHINVALI, text="Tskhinval", start=0, end=4, resolution="name")
    with pytest.raises(ValueError, match="candidates"):
        Mention(entity_id=None, text="Java", start=0, end=4, resolution="unresolved")


# -- the hand-checked seed: 07MOSCOW4307 ----------------------------------------------------

# Every place and person (and organization) in the body of seeds/cables/07MOSCOW4307.txt, read
# by hand, paragraph by paragraph (the cable's ¶ numbers; '4,' is ¶4). Demonyms ('Georgian',
# 'North Ossetian', 'the Russians') are not mentions. Header fields are not part of the body:
# SUBJECT 'RUSSIA/GEORGIA: BAKRADZE ...' and the classifier Alice G. Wells are checked above.
CABLE_4307 = {
    1: [("Russian MFA", RU_MFA), ("South Ossetia", S_OSSETIA), ("Yuriy Popov", POPOV),
        ("Bakradze", BAKRADZE), ("Karasin", KARASIN), ("Bakradze", BAKRADZE), ("Popov", POPOV),
        ("Tskhinvali", TSKHINVALI), ("Kokoity", KOKOITY), ("Popov", POPOV), ("JCC", JCC),
        ("Georgia", GEORGIA), ("Popov", POPOV), ("North Caucasus", N_CAUCASUS),
        ("Russia", RUSSIA), ("South Ossetia", S_OSSETIA), ("Georgia", GEORGIA),
        ("Russia", RUSSIA), ("South Ossetia", S_OSSETIA), ("Washington", WASHINGTON),
        ("Kosovo", KOSOVO)],
    2: [("Popov", POPOV), ("Karasin", KARASIN), ("Bakradze", BAKRADZE),
        ("Manjgaladze", "person:manjgaladze"), ("Nazarov", "person:nazarov"),
        ("Kolesnikov", "person:kolesnikov"), ("Karasin", KARASIN), ("Bakradze", BAKRADZE),
        ("Bakradze", BAKRADZE), ("Karasin", KARASIN), ("Bakradze", BAKRADZE)],
    3: [("Tsitlubani", "place:tsitelubani"), ("Georgia", GEORGIA), ("Popov", POPOV),
        ("U.S.", "place:united-states"), ("USG", "org:united-states-government")],
    4: [("Popov", POPOV), ("Karasin", KARASIN), ("Bakradze", BAKRADZE),
        ("Joint Coordinating Commission", JCC), ("Tbilisi", TBILISI), ("Popov", POPOV),
        ("Tskhinvali", TSKHINVALI), ("Kokoity", KOKOITY), ("JCC", JCC),
        ("South Ossetia", S_OSSETIA), ("Russia", RUSSIA), ("Kokoity", KOKOITY),
        ("Kokoity", KOKOITY), ("Kokoity", KOKOITY), ("Karasin", KARASIN), ("Popov", POPOV),
        ("Tbilisi", TBILISI), ("Tskhinvali", TSKHINVALI), ("Abkhazia", "place:abkhazia"),
        ("Chernov", "person:chernov"), ("South Ossetia", S_OSSETIA)],
    5: [("Popov", POPOV), ("Joint Peace-Keeping Force", "org:joint-peacekeeping-forces"),
        ("Popov", POPOV),
        ("OSCE mission", "org:organization-for-security-and-co-operation-in-europe"),
        ("Popov", POPOV), ("Vladikavkaz", "place:vladikavkaz"),
        ("North Ossetia", "place:north-ossetia-alania"), ("Popov", POPOV), ("Russia", RUSSIA),
        ("North Caucasus", N_CAUCASUS)],
    6: [("Popov", POPOV), ("Kokoity", KOKOITY), ("Russian MFA", RU_MFA), ("Kokoity", KOKOITY),
        ("Moscow", MOSCOW), ("Russia", RUSSIA), ("South Ossetia", S_OSSETIA),
        ("Georgia", GEORGIA)],
    7: [("Popov", POPOV), ("Kosovo", KOSOVO), ("Moscow", MOSCOW), ("South Ossetia", S_OSSETIA),
        ("Kosovo", KOSOVO), ("Washington", WASHINGTON)],
}  # fmt: skip
CABLE_4307_PLACES = {
    S_OSSETIA, TSKHINVALI, GEORGIA, N_CAUCASUS, RUSSIA, WASHINGTON, KOSOVO, "place:tsitelubani",
    "place:united-states", TBILISI, "place:abkhazia", "place:vladikavkaz",
    "place:north-ossetia-alania", MOSCOW,
}  # fmt: skip
CABLE_4307_PEOPLE = {
    POPOV, BAKRADZE, KARASIN, KOKOITY, "person:manjgaladze", "person:nazarov",
    "person:kolesnikov", "person:chernov",
}  # fmt: skip


@pytest.fixture(scope="module")
def cable_4307(seeds_dir: Path):
    text = (seeds_dir / "cables" / "07MOSCOW4307.txt").read_text(encoding="utf-8")
    return parse_cable(text, source="cables/07MOSCOW4307.txt")


@pytest.fixture(scope="module")
def mentions_4307(cable_4307) -> list[Mention]:
    return find_mentions(
        cable_4307.body,
        paragraphs=[p.text for p in cable_4307.paragraphs],
        document_id=cable_4307.id,
        document_kind="cable",
    )


def test_07moscow4307_every_place_and_person(cable_4307, mentions_4307) -> None:
    numbers = [p.number for p in cable_4307.paragraphs]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]
    in_paragraphs = [m for m in mentions_4307 if m.paragraph is not None]
    found = {
        number: [(m.text, m.entity_id) for m in in_paragraphs if m.paragraph == index]
        for index, number in enumerate(numbers)
    }
    assert found == CABLE_4307
    named = {m.entity_id for m in in_paragraphs}
    assert {e for e in named if e.startswith("place:")} == CABLE_4307_PLACES
    assert {e for e in named if e.startswith("person:")} == CABLE_4307_PEOPLE


def test_07moscow4307_signature_is_an_unresolved_burns(cable_4307, mentions_4307) -> None:
    # 'Burns' alone: R. Nicholas Burns shares the surname in the corpus, and the body never
    # names William J. Burns in full, so the finder does not guess (signed_by keeps it).
    outside = [m for m in mentions_4307 if m.paragraph is None]
    if cable_4307.body.rstrip().endswith("Burns"):
        assert [(m.text, m.entity_id, m.candidates) for m in outside] == [
            ("Burns", None, ["person:william-j-burns"])
        ]
    else:
        assert outside == []


def test_07moscow4307_resolutions_and_offsets(cable_4307, mentions_4307) -> None:
    body = cable_4307.body
    for mention in mentions_4307:
        assert body[mention.start : mention.end] == mention.text
        assert mention.document_id == "07MOSCOW4307"
    by_text = {}
    for mention in mentions_4307:
        by_text.setdefault(mention.text, set()).add(mention.resolution.value)
    assert by_text["Yuriy Popov"] == {"name"}
    assert by_text["Popov"] == {"earlier_mention"}
    assert by_text["Georgia"] == {"context"}
    assert by_text["Kokoity"] == {"name"}
    # Offsets pinned for the first mentions of ¶1, checked against the text.
    first = cable_4307.paragraphs[0].text
    start = body.index(first)
    assert [(m.start - start, m.text) for m in mentions_4307[:3]] == [
        (0, "Russian MFA"), (12, "South Ossetia"), (37, "Yuriy Popov"),
    ]  # fmt: skip


def test_finder_is_deterministic(cable_4307) -> None:
    assert find_mentions(cable_4307.body) == find_mentions(cable_4307.body)


# -- doctests and the corpus ----------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        caucasus_cables.entities.gazetteer,
        caucasus_cables.entities.mentions,
        caucasus_cables.entities.dates,
        caucasus_cables.entities.links,
    ],
    ids=lambda module: module.__name__,
)
def test_doctests(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.slow
def test_corpus_mentions_are_consistent_and_fast(corpus_dir: Path) -> None:
    # The whole file is the body here: the finder must cope with headers, page-break lines and
    # all-caps cables without the parser's help.
    known = {entity.id for entity in entities()}
    texts = {path.stem: path.read_text(encoding="utf-8") for path in corpus_dir.glob("*.txt")}
    started = time.perf_counter()
    total = unresolved = 0
    tskhinvali_in = set()
    for cable_id, text in sorted(texts.items()):
        found = find_mentions(text, document_id=cable_id)
        for mention in found:
            assert text[mention.start : mention.end] == mention.text
            assert mention.entity_id in known or set(mention.candidates) <= known
            if mention.entity_id == TSKHINVALI:
                tskhinvali_in.add(cable_id)
        total += len(found)
        unresolved += sum(m.entity_id is None for m in found)
    elapsed = time.perf_counter() - started
    print(f"\n{len(texts)} cables: {total} mentions, {unresolved} unresolved, {elapsed:.2f} s")
    assert len(texts) == 1357
    assert total > 15_000
    assert unresolved < total * 0.02
    # grep -lw Tskhinvali ../shared/corpus/cables/*.txt
    assert tskhinvali_in == {"08MOSCOW2701", "08TBILISI1372", "08USNATO277", "08USNATO291"}
    assert elapsed < 30
