"""Field extractors on real snippets: each case names the cable it was copied from.

Snippets are verbatim lines of the seed cables or of the development corpus
(``../shared/corpus/cables``); forms the issue quotes that this share of the corpus does not
hold are marked 'issue 3'. The ``test_bullet_*`` tests at the end take one real cable for each
bullet of the issue's "What real cables look like" and read it whole.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caucasus_cables import extract, parse_cable
from caucasus_cables.parse import text as cleanup
from caucasus_cables.records import Caveat, Classification, Precedence, RecipientRole

UTC = timezone.utc
SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "cables"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cables"


def seed(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def corpus(refid: str) -> str:
    path = CORPUS / f"{refid}.txt"
    if not path.is_file():
        pytest.skip(f"development corpus not found at {CORPUS}")
    return path.read_bytes().decode("utf-8")


def table(cases):
    """parametrize arguments from (input..., expected, source) rows; the source is the id."""
    ids = [c[-1] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case label"
    return {"argvalues": [c[:-1] for c in cases], "ids": ids}


# -- reference ids ---------------------------------------------------------------------------

ID_CASES = [
    ("07MOSCOW4307", "07MOSCOW4307", "07MOSCOW4307 canonical already"),
    ("07 MOSCOW 004307", "07MOSCOW4307", "07MOSCOW4307 spaced, zero-padded"),
    ("09USUN NEW YORK 306", "09USUNNEWYORK306", "09USUNNEWYORK306 station with spaces"),
    ("07SECSTATE 156011", "07STATE156011", "07STATE156011 SECSTATE -> STATE"),
    ("MOSCOW 4307", None, "no year"),
    ("", None, "empty"),
]


@pytest.mark.parametrize(("raw", "expected"), **table(ID_CASES))
def test_canonical_cable_id(raw, expected):
    assert extract.canonical_cable_id(raw) == expected


CLASSIFICATION_LINE_CASES = [
    (
        "C O N F I D E N T I A L SECTION 01 OF 02 MOSCOW 004307",
        (Classification.CONFIDENTIAL, 2, "MOSCOW", 4307),
        "07MOSCOW4307",
    ),
    (
        "UNCLAS SECTION 01 OF 02 MOSCOW 002629",
        (Classification.UNCLASSIFIED, 2, "MOSCOW", 2629),
        "08MOSCOW2629",
    ),
    (
        "S e c r e t berlin 001068",
        (Classification.SECRET, None, "berlin", 1068),
        "08BERLIN1068 lower case",
    ),
    (
        "SS E C R E T MOSCOW 000226",
        (Classification.SECRET, None, "MOSCOW", 226),
        "09MOSCOW226 doubled S",
    ),
    (
        "C O N F I D E N T I A L SECTION 01 OF 03 USUN NEW YORK 000027",
        (Classification.CONFIDENTIAL, 3, "USUN NEW YORK", 27),
        "10USUNNEWYORK27",
    ),
    (
        "UNCLAS E F T O SECTION 01 OF 03 TRIPOLI 000648",
        (Classification.UNCLASSIFIED, 3, "TRIPOLI", 648),
        "09TRIPOLI648 EFTO before SECTION",
    ),
    (
        "Cable dated:2009-09-14T13:52:00C O N F I D E N T I A L SECTION 01 OF 03 MOSCOW "
        "002353SIPDISDEPT FOR EUR/RUS",
        (Classification.CONFIDENTIAL, 3, "MOSCOW", 2353),
        "09MOSCOW2353 glued",
    ),
    (
        "UNCLASSIFIED TEHRAN 5055 ",
        (Classification.UNCLASSIFIED, None, "TEHRAN", 5055),
        "72TEHRAN5055 unpadded serial",
    ),
    (
        "U N C L A S S I F I E D TEHRAN 14 \n\nE.O. 12958",
        (Classification.UNCLASSIFIED, None, "TEHRAN", 14),
        "72TEHRAN5055 with serial 14: two digits end the line",
    ),
    (
        "CONFIDENTIAL PAGE 02 TEHRAN 05461 01 OF 02 271458Z",
        None,
        "old page line: not station PAGE, serial 02",
    ),
    ("FM AMEMBASSY MOSCOW", None, "not a classification line"),
]


@pytest.mark.parametrize(("line", "expected"), **table(CLASSIFICATION_LINE_CASES))
def test_classification_line(line, expected):
    found = extract.classification_line(line)
    got = (
        None
        if found is None
        else (found.classification, found.sections, found.station, found.serial)
    )
    assert got == expected


STATION_SERIAL_CASES = [
    (
        "C O N F I D E N T I A L SECTION 01 OF 03 USUN NEW YORK 000027",
        ("USUNNEWYORK", 27),
        "10USUNNEWYORK27",
    ),
    ("C O N F I D E N T I A L SECTION 01 OF 02 STATE 040904", ("STATE", 40904), "06STATE40904"),
    ("UNCLAS E F T O LONDON 002187", ("EFTOLONDON", 2187), "09EFTOLONDON2187 WikiLeaks keeps EFTO"),
    ("reftel\n\nMOSCOW 00004307 002 OF 002\n", ("MOSCOW", 4307), "07MOSCOW4307 continuation line"),
    ("Ankara 00001091 002 of 002", ("ANKARA", 1091), "07ANKARA1091 lower-case continuation"),
    ("no header here", None, "no station"),
]


@pytest.mark.parametrize(("text", "expected"), **table(STATION_SERIAL_CASES))
def test_station_serial(text, expected):
    assert extract.station_serial(text) == expected


# -- routing header ----------------------------------------------------------------------------

DTG_CASES = [
    ("O 311351Z AUG 07", datetime(2007, 8, 31, 13, 51, tzinfo=UTC), "07MOSCOW4307"),
    ("P R 041820Z JAN 10", datetime(2010, 1, 4, 18, 20, tzinfo=UTC), "10STATE284 double prosign"),
    (
        "P 071355Z JUL 08 ZDK CTG NUMEROUS SERVICES",
        datetime(2008, 7, 7, 13, 55, tzinfo=UTC),
        "08CAIRO1416 ZDK",
    ),
    ("061428Z Jun 03", datetime(2003, 6, 6, 14, 28, tzinfo=UTC), "03ANKARA3694 bare DTG"),
    (
        "SAS-00 /002W ------------------00B3A7 031716Z /38 O 031203Z JUL 01 FM AMEMBASSY "
        "VATICAN TO SECSTATE WASHDC IMMEDIATE 0000",
        datetime(2001, 7, 3, 12, 3, tzinfo=UTC),
        "01VATICAN3507 PAGE 01 header",
    ),
    ("O 321351Z AUG 07", None, "issue 3 impossible date"),
    ("FM AMEMBASSY MOSCOW", None, "no DTG line"),
]


@pytest.mark.parametrize(("text", "expected"), **table(DTG_CASES))
def test_dtg(text, expected):
    assert extract.dtg(text) == expected


PRECEDENCE_CASES = [
    ("O 311351Z AUG 07", Precedence.IMMEDIATE, "07MOSCOW4307"),
    ("P 030646Z SEP 08", Precedence.PRIORITY, "08MOSCOW2629"),
    ("O P 121513Z DEC 08", Precedence.IMMEDIATE, "08LAHORE318 two prosigns"),
    ("R 311525Z OCT 08", Precedence.ROUTINE, "08STATE116392"),
    ("Z 021228Z JUL 09 ZFF4", Precedence.FLASH, "09BUJUMBURA302 flash"),
    ("061428Z Jun 03", None, "03ANKARA3694 no prosign"),
]


@pytest.mark.parametrize(("text", "expected"), **table(PRECEDENCE_CASES))
def test_precedence(text, expected):
    assert extract.precedence(text) is expected


DATE_LINE_CASES = [
    ("Tuesday, 08 March 2005, 14:11", datetime(2005, 3, 8, 14, 11, tzinfo=UTC), "05DUBLIN286"),
    (
        "Wednesday, 24 November 2004, 16:43",
        datetime(2004, 11, 24, 16, 43, tzinfo=UTC),
        "04DUBLIN1719",
    ),
    ("Cable dated:2005-05-23T14:26:00", datetime(2005, 5, 23, 14, 26, tzinfo=UTC), "05SANAA1352"),
    ("O 311351Z AUG 07", None, "07MOSCOW4307 a DTG, not a date line"),
]


@pytest.mark.parametrize(("text", "expected"), **table(DATE_LINE_CASES))
def test_date_line(text, expected):
    assert extract.date_line(text) == expected


def test_routing_header_of_07moscow4307():
    r = extract.routing(seed("07MOSCOW4307"))
    assert (r.precedence_pair, r.relay_indicators) == ("OO", ["RUEHDBU"])
    assert (r.origin_routing_indicator, r.station_serial, r.section) == ("RUEHMO", 4307, 1)
    assert (r.julian_datetime, r.security_line) == ("2431351", "ZNY CCCCC ZZH")
    assert extract.transmission_id(seed("07MOSCOW4307")) == "VZCZCXR05660"


ORIGIN_CASES = [
    ("FM AMEMBASSY MOSCOW", "AMEMBASSY MOSCOW", "07MOSCOW4307"),
    ("FM USMISSION USUN NEW YORK", "USMISSION USUN NEW YORK", "10USUNNEWYORK27"),
    ("FM SECSTATE WASHDC", "SECSTATE WASHDC", "08STATE43817"),
    (
        "/38 O 031203Z JUL 01 FM AMEMBASSY VATICAN TO SECSTATE WASHDC",
        "AMEMBASSY VATICAN",
        "01VATICAN3507",
    ),
    ("TO RUEHC/SECSTATE WASHDC IMMEDIATE 3484", None, "no FM line"),
]


@pytest.mark.parametrize(("text", "expected"), **table(ORIGIN_CASES))
def test_origin(text, expected):
    assert extract.origin(text) == expected


RECIPIENT_CASES = [
    (
        "FM AMEMBASSY MOSCOW\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 3484",
        [(RecipientRole.TO, "SECSTATE WASHDC", "RUEHC", Precedence.IMMEDIATE, 3484)],
        "07MOSCOW4307 TO",
    ),
    (
        "FM AMEMBASSY MOSCOW\nTO RUEHC/SECSTATE WASHDC PRIORITY 9806\nINFO RUCNCIS/CIS COLLECTIVE\n"
        "RUEHXD/MOSCOW POLITICAL COLLECTIVE",
        [
            (RecipientRole.TO, "SECSTATE WASHDC", "RUEHC", Precedence.PRIORITY, 9806),
            (RecipientRole.INFO, "CIS COLLECTIVE", "RUCNCIS", None, None),
            (RecipientRole.INFO, "MOSCOW POLITICAL COLLECTIVE", "RUEHXD", None, None),
        ],
        "08MOSCOW2629 TO and INFO",
    ),
    (
        "FM AMEMBASSY BRASILIA\nTO SECSTATE WASHDC IMMEDIATE 0861\n"
        "INFO AMEMBASSY BUENOS AIRES PRIOITY",
        [
            (RecipientRole.TO, "SECSTATE WASHDC", None, Precedence.IMMEDIATE, 861),
            (RecipientRole.INFO, "AMEMBASSY BUENOS AIRES", None, Precedence.PRIORITY, None),
        ],
        "08BRASILIA93 typo PRIOITY",
    ),
]


@pytest.mark.parametrize(("text", "expected"), **table(RECIPIENT_CASES))
def test_recipients_and_info_recipients(text, expected):
    both = extract.recipients(text) + extract.info_recipients(text)
    assert [(r.role, r.name, r.routing_indicator, r.precedence, r.mcn) for r in both] == expected


# -- classification, caveats, sections ---------------------------------------------------------

CLASSIFICATION_CASES = [
    ("C O N F I D E N T I A L MOSCOW 004849", Classification.CONFIDENTIAL, "07MOSCOW4849 spaced"),
    ("SECRET UNVIE VIENNA 000289", Classification.SECRET, "09UNVIEVIENNA289 plain"),
    ("UNCLAS SECTION 01 OF 02 MOSCOW 002629", Classification.UNCLASSIFIED, "08MOSCOW2629 UNCLAS"),
    ("ZNY SSSSS ZZH", Classification.SECRET, "10BEIJING207 security line only"),
    ("SUBJECT: SIX SUSPECTS", None, "no classification"),
]


@pytest.mark.parametrize(("text", "expected"), **table(CLASSIFICATION_CASES))
def test_classification(text, expected):
    assert extract.classification(text) is expected


CAVEAT_CASES = [
    (
        "UNCLAS SECTION 01 OF 02 MOSCOW 002629\n\nSENSITIVE\nSIPDIS\n\nE.O. 12958: N/A",
        ["SENSITIVE", "SIPDIS"],
        "08MOSCOW2629 SBU",
    ),
    (
        "S E C R E T STATE 083014\n\nNOFORN\nSENSITIVE\nSIPDIS\n\n",
        ["NOFORN", "SENSITIVE", "SIPDIS"],
        "09STATE83014",
    ),
    (
        "C O N F I D E N T I A L LONDON 000255NOFORNSIPDISPLEASE PASS TO EEB/TRAE.O. 12958: DECL: "
        "02/03/2020",
        ["NOFORN", "SIPDIS"],
        "10LONDON255 glued",
    ),
    (
        "C O N F I D E N T I A L MOSCOW 004307\n\nSIPDIS\n\nE.O. 12958: DECL\n"
        "REF: MOSCOW 4008 (EXDIS)",
        ["SIPDIS"],
        "07MOSCOW4307 REF note is not a caveat",
    ),
    (
        "S E C R E T STATE 012345\n\nNODIS\n\nE.O. 12958: DECL: 01/01/2019",
        ["NODIS"],
        "issue 3 NODIS caption",
    ),
    (
        "C O N F I D E N T I A L MOSCOW 001234\n\nEXDIS\n\nE.O. 12958: DECL: 01/01/2019",
        ["EXDIS"],
        "issue 3 EXDIS caption",
    ),
]


@pytest.mark.parametrize(("text", "expected"), **table(CAVEAT_CASES))
def test_caveats(text, expected):
    assert [c.value for c in extract.caveats(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("UNCLAS SECTION 01 OF 02 MOSCOW 002629", 2), ("C O N F I D E N T I A L MOSCOW 004849", None)],
    ids=["08MOSCOW2629", "07MOSCOW4849 one section"],
)
def test_sections(text, expected):
    assert extract.sections(text) == expected


# -- E.O. line, Classified By -----------------------------------------------------------------

DECL_CASES = [
    ("E.O. 12958: DECL: 08/31/2017", ("12958", date(2017, 8, 31), None), "07MOSCOW4307"),
    ("EO 12958 DECL: 2020/02/23", ("12958", date(2020, 2, 23), None), "10LAGOS75 y/m/d"),
    ("EO 12958 DECL: 07/02/11", ("12958", date(2011, 7, 2), None), "01VATICAN3507 two-digit year"),
    ("E.O. 12958: N/A", ("12958", None, "N/A"), "08MOSCOW2629 N/A"),
    ("E.O.12356: DECL:OADR", ("12356", None, "OADR"), "89PANAMA8545 older order"),
    ("E.O. 12958: DECL: 25X1-HUMAN", ("12958", None, "25X1-HUMAN"), "10STATE369 X1"),
    (
        "E.O. 12958: DNG: CO 03/31/2018",
        ("12958", date(2018, 3, 31), "DNG: CO"),
        "08STOCKHOLM257 downgrade",
    ),
    ("E.o. 12958: decl: 08/06/2033", ("12958", date(2033, 8, 6), None), "08BERLIN1068 lower case"),
    ("E.O. 13526: DECL: 6/3/08", ("13526", date(2008, 6, 3), None), "issue 3 newer order"),
    ("E.O. 12958: N/A TAGS: AMGT", ("12958", None, "N/A"), "TAGS run on"),
    ("TAGS: PREL", None, "no E.O. line"),
]


@pytest.mark.parametrize(("text", "expected"), **table(DECL_CASES))
def test_declassification(text, expected):
    d = extract.declassification(text)
    assert (None if d is None else (d.executive_order, d.date, d.exemption)) == expected


CLASSIFIED_BY_CASES = [
    (
        "Classified By: Political Minister-Counselor Alice G. Wells. Reason: 1\n.4 (b, d)",
        ("Alice G. Wells", "Political Minister-Counselor", ["1.4(b)", "1.4(d)"]),
        "07MOSCOW4307 wrapped reason",
    ),
    (
        "Classified By: Political M/C Alice G. Wells. Reasons 1.4 (B/D)",
        ("Alice G. Wells", "Political M/C", ["1.4(b)", "1.4(d)"]),
        "07MOSCOW4849",
    ),
    (
        "Classified By: PolCouns Geoff Pyatt for Reasons 1.4(B, D)",
        ("Geoff Pyatt", "PolCouns", ["1.4(b)", "1.4(d)"]),
        "06NEWDELHI2226",
    ),
    (
        "Classified By: Economic Officer Janice Fair for Reasons 1.5 (b) and (d) .",
        ("Janice Fair", "Economic Officer", ["1.5(b)", "1.5(d)"]),
        "03BRASILIA1550 older 1.5",
    ),
    (
        "Classified By: Kathleen Doherty, Economic Counselor for reasons 1.4 (b) \n, (d)",
        ("Kathleen Doherty", "Economic Counselor", ["1.4(b)", "1.4(d)"]),
        "10LONDON255 title after name, wrapped",
    ),
    (
        "Classified By: DCM Stephen Schwartz. Reason: 1.4 (b/d)",
        ("Stephen Schwartz", "DCM", ["1.4(b)", "1.4(d)"]),
        "06PORTLOUIS752",
    ),
    ("E.O. 12958: N/A", None, "no Classified By line"),
]


@pytest.mark.parametrize(("text", "expected"), **table(CLASSIFIED_BY_CASES))
def test_classified_by(text, expected):
    c = extract.classified_by(text)
    assert (None if c is None else (c.name, c.title, c.reasons)) == expected


# -- TAGS, SUBJECT, REF ------------------------------------------------------------------------

TAGS_CASES = [
    (
        "TAGS: PREL PBTS MARR MOPS OSCE GG RS",
        ["PREL", "PBTS", "MARR", "MOPS", "OSCE", "GG", "RS"],
        "07MOSCOW4307",
    ),
    (
        "TAGS: [PREL](#) [PGOV](#) [PINR](#) [TI](#) [RS](#)",
        ["PREL", "PGOV", "PINR", "TI", "RS"],
        "07MOSCOW4849 markdown",
    ),
    (
        "TAGS PREL, ECON, EFIN, SOCI ",
        ["PREL", "ECON", "EFIN", "SOCI"],
        "05DUBLIN286 no colon, commas",
    ),
    (
        "Tags: knnp, dprk, sy, iaea, parm, prel",
        ["KNNP", "DPRK", "SY", "IAEA", "PARM", "PREL"],
        "08STATE43817 lower case",
    ),
    (
        "TAGS PREL, PHUM, IS, EG, CH, ID, PHUM, IS, EG, CH, ID, VT, VTPREL",
        ["PREL", "PHUM", "IS", "EG", "CH", "ID", "VT", "VTPREL"],
        "01VATICAN3507 duplicates",
    ),
    (
        "E.O. 12958: DECL: 09/27/2016 TAGS: PGOV PHUM PREL AR",
        ["PGOV", "PHUM", "PREL", "AR"],
        "06BUENOSAIRES2215 run on",
    ),
    ("TAGS: PREL PGOV SIPDIS RS", ["PREL", "PGOV", "RS"], "issue 3 SIPDIS is not a tag"),
    ("TAGS; PREL PGOV", ["PREL", "PGOV"], "issue 3 TAGS;"),
    ("TAG: PREL", ["PREL"], "issue 3 TAG:"),
    ("STATE FOR EUR/AGS \\", [], "06BERN1553 EUR/AGS is not a TAGS line"),
]


@pytest.mark.parametrize(("text", "expected"), **table(TAGS_CASES))
def test_tags(text, expected):
    assert extract.tags(text) == expected


SUBJECT_CASES = [
    (
        "SUBJECT: RUSSIA CAMPAIGNS FOR INTERNATIONAL SUPPORT ON\nGEORGIA\n\nREF: MOSCOW 2618",
        "RUSSIA CAMPAIGNS FOR INTERNATIONAL SUPPORT ON GEORGIA",
        "08MOSCOW2629 two lines",
    ),
    (
        "SUBJECT: VARIG'S DOWNWARD SPIRAL: WE'LL PAY YOU LATER REF: BRASILIA 688 ",
        "VARIG'S DOWNWARD SPIRAL: WE'LL PAY YOU LATER",
        "06BRASILIA694 run into REF",
    ),
    (
        "SUBJECT: BRAZIL DEMARCHE ON U/S BURNS & U/S JOSEPH SFRC TESTIMONY REGARDING INDIA CIVIL "
        "NUCLEAR INITIATIVE REF: STATE 203310 Classified By: PolCouns",
        "BRAZIL DEMARCHE ON U/S BURNS & U/S JOSEPH SFRC TESTIMONY REGARDING INDIA CIVIL NUCLEAR "
        "INITIATIVE",
        "05BRASILIA3125 run into REF and Classified By",
    ),
    (
        "SUBJ: DRUG ACTIVITIES/INFRASTRUCTURE IN THE M",
        "DRUG ACTIVITIES/INFRASTRUCTURE IN THE M",
        "10STATE369 SUBJ",
    ),
    (
        'SUBJECT: QADHAFI TELLS MUBARAK HE "MAY" SEEK TO ATTEND UNSC IN NEW YORK TRIPOLI 00000014 '
        "001.2 OF 002",
        'QADHAFI TELLS MUBARAK HE "MAY" SEEK TO ATTEND UNSC IN NEW YORK',
        "08TRIPOLI14 page break run in",
    ),
    ("TAGS: PREL", None, "no SUBJECT line"),
]


@pytest.mark.parametrize(("text", "expected"), **table(SUBJECT_CASES))
def test_subject(text, expected):
    assert extract.subject(text) == expected


REFERENCE_CASES = [
    (
        "REF: MOSCOW 4008 (EXDIS)",
        2007,
        [(None, "07MOSCOW4008", "EXDIS")],
        "07MOSCOW4307 bare serial",
    ),
    (
        "REF: A. BEIJING 9600 B. BEIJING 9152",
        2004,
        [("A", "04BEIJING9600", None), ("B", "04BEIJING9152", None)],
        "04BRASILIA1503 lettered",
    ),
    (
        "REF: A. SAO PAULO 000789 \n \n   ¶B. SAO PAULO 00843 C. 03 BRASILIA 3739 ",
        2004,
        [("A", "04SAOPAULO789", None), ("B", "04SAOPAULO843", None), ("C", "03BRASILIA3739", None)],
        "04BRASILIA1849 pilcrow label, year before",
    ),
    ("REF: 00 ROME 0988", 2001, [(None, "00ROME988", None)], "01VATICAN3507 year before"),
    (
        "REF: A. LIMA 4516 (06) \n \n     ¶B. LIMA 248 (06) ",
        2007,
        [("A", "06LIMA4516", None), ("B", "06LIMA248", None)],
        "07LIMA1862 year after",
    ),
    ("REF: A. 09BAMAKO280", 2010, [("A", "09BAMAKO280", None)], "10BAMAKO52 written as an id"),
    ("REF: HAGUE 264 ", 2009, [(None, "09THEHAGUE264", None)], "09THEHAGUE271 station fix table"),
    (
        "Refs:  (A) State 348254 \n      (B) State 348253",
        2003,
        [("A", "03STATE348254", None), ("B", "03STATE348253", None)],
        "03COLOMBO2183 parenthesised labels",
    ),
    (
        "REF: '08 BUENOS AIRES 1491",
        2009,
        [(None, "08BUENOSAIRES1491", None)],
        "issue 3 apostrophe year",
    ),
    ("REF: PANAMA 00789/08", 2009, [(None, "08PANAMA789", None)], "issue 3 year after slash"),
    (
        "REF: BRASILIA 2799 AND 2764",
        2008,
        [(None, "08BRASILIA2799", None), (None, "08BRASILIA2764", None)],
        "issue 3 shared origin",
    ),
    ("REF: MOSCOW 4OO8", 2007, [(None, "07MOSCOW4008", None)], "issue 3 letter O for zero"),
    ("REF: STATE 6970", 2009, [(None, "09STATE6970", None)], "09CAIRO189"),
    ("REF: EUR/WE E-MAIL OF 09/08/2006", 2006, [(None, None, None)], "06MADRID2281 not a cable"),
]


@pytest.mark.parametrize(("text", "year", "expected"), **table(REFERENCE_CASES))
def test_references(text, year, expected):
    refs = extract.references(text, year=year)
    assert [(r.label, r.id, r.note) for r in refs] == expected


def test_references_keep_the_raw_entry():
    (ref,) = extract.references("REF: MOSCOW 4008 (EXDIS)", year=2007)
    assert ref.raw == "MOSCOW 4008 (EXDIS)"


# REF entries as _split_entries cuts them, near the fast path's shape and just outside it.
CITED_ENTRIES = [
    " MOSCOW 4008 (EXDIS)",
    " 06 TBILISI 2601 ",
    "STATE 123456",
    " 05 SAN JOSE 2279 \n     ",
    " State 348254 \n      ",
    " USUN NEW YORK 306",
    " SAN  JOSE 2279",
    " A B C D E 12",
    " 07 SAN JOSE 2074 AND PREVIOUS (NOTAL) ",
    " BRASILIA 2799 AND 2764",
    " MOSCOW 4OO8",
    " PANAMA 00789/08",
    " LIMA 4516 (06) ",
    " '08 BUENOS AIRES 1491",
    " 2008 STATE 12",
    " 06 STATE 92781 07 JUN 2006 ",
    " REFTEL 123",
    " MEMCON 12 JUNE",
    " AND STATE 5",
    " 09BAMAKO280",
    " STATE 12345678",
    " STATE 12a",
    " O'BRIEN 12",
    " EUR/WE E-MAIL OF 09/08/2006",
    "",
]


@pytest.mark.parametrize("entry", CITED_ENTRIES)
@pytest.mark.parametrize("year", [2007, None])
def test_cited_fast_path_matches_the_general_one(entry, year):
    assert extract._cited(entry, year, 0) == extract._cited_general(entry, year, 0)


_ENTRY_TOKENS = ["MOSCOW", "State", "SAN", "AND", "DEC", "06", "2601", "4OO8", "(EXDIS)", "(06)"]
_ENTRY_TOKENS += ["/08", "'07", ",", ";", "09BAMAKO280", "2008", "O'BRIEN", "12345678", "\n"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_ENTRY_TOKENS), max_size=7),
    st.lists(st.sampled_from([" ", "  ", "\t", ""]), min_size=8, max_size=8),
    st.sampled_from([2009, None]),
)
def test_cited_fast_path_matches_the_general_one_on_generated_entries(tokens, blanks, year):
    entry = "".join(blank + token for blank, token in zip(blanks, tokens, strict=False))
    assert extract._cited(entry, year, 0) == extract._cited_general(entry, year, 0)


# -- body -------------------------------------------------------------------------------------

MARKER_CASES = [
    ("¶1. (C) One.\n\n¶2. (C) Two.", [("C", "(C)"), ("C", "(C)")], "07MOSCOW4307 pilcrow"),
    (
        "11. (SBU) Summary: Russia's President\n\n12. (U) Russian President",
        [("SBU", "(SBU)"), ("U", "(U)")],
        "08MOSCOW2629 OCR'd 11.",
    ),
    ("¶1. (S/NF) Ambassador met", [("S//NF", "(S/NF)")], "05SANAA1352 S/NF"),
    ("¶1. (S//NF) August 13, 2004 marked", [("S//NF", "(S//NF)")], "04BOGOTA8900 S//NF"),
    ("¶1. (C/REL GERMANY) On February 3", [("C//REL GERMANY", "(C/REL GERMANY)")], "10USNATO52"),
    ("¶1. (U//FOUO) Text.", [("U//FOUO", "(U//FOUO)")], "issue 3 U//FOUO"),
    ("¶1. (u) this is an action request.", [("U", "(u)")], "08BERLIN1068 lower case"),
    ("1.(U) This is an action request.", [("U", "(U)")], "10STATE284 no blank"),
]


@pytest.mark.parametrize(("text", "expected"), **table(MARKER_CASES))
def test_paragraph_markings(text, expected):
    got = [(p.classification, p.classification_raw) for p in extract.paragraphs(text)]
    assert got == expected


def test_paragraph_numbering_repairs():
    text = seed("07MOSCOW4307")
    assert [p.number for p in extract.paragraphs(text)] == [1, 2, 3, 4, 5, 6, 7]
    text = seed("08MOSCOW2629")
    assert [p.number for p in extract.paragraphs(text)] == [1, 2, 3, 4, 5, 6, 7]


def test_false_marker_is_text():
    # 05SANJOSE1819: "¶2005." starts a line inside paragraph 5; it is a year, not a marker.
    text = (
        "¶5. (U) The commission has until September to submit its \n"
        "final report submitted to the President by September 16, \n"
        '¶2005.  "The time is coming in which we will deliver our \n'
        "report to the President."
    )
    (paragraph,) = extract.paragraphs(text)
    assert paragraph.text.endswith(
        'September 16, ¶2005. "The time is coming in which we will '
        "deliver our report to the President."
    )


SUMMARY_CASES = [
    (
        "¶1. (C) Summary: Talks failed. End summary.\n\n¶2. (C) More.",
        "Talks failed.",
        "08MOSCOW2629 form",
    ),
    (
        "SUMMARY\n\n¶1. (C) Talks failed. END SUMMARY.\n\n¶2. (C) More.",
        "Talks failed.",
        "07MOSCOW4307 heading form",
    ),
    (
        "¶1. (C) Summary and comment. Talks failed. End summary and comment.\n\n¶2. (C) More.",
        "Talks failed.",
        "07SANTODOMINGO summary and comment",
    ),
    (
        "¶1. (C) Begin Summary: As of mid-afternoon. End Summary.",
        "As of mid-afternoon.",
        "BEGIN SUMMARY",
    ),
    ("¶1. (C) No summary in this one.\n", None, "no summary"),
]


@pytest.mark.parametrize(("text", "expected"), **table(SUMMARY_CASES))
def test_summary(text, expected):
    assert extract.summary(text) == expected


SIGNATURE_CASES = [
    (
        "¶7. (C) Popov recognized that Kosovo could derail all his hopes.\n\nBurns",
        ["Burns"],
        "07MOSCOW4307",
    ),
    ("relations with the U.S.\n\nBEYRLE", ["BEYRLE"], "08MOSCOW2629"),
    (
        "to advance a final resolution.  End comment. \n \nvan Voorst",
        ["van Voorst"],
        "06REYKJAVIK210 particle",
    ),
    (
        "Panama, Aruba, and Brazil. \nDRUCKER \n\n"
        "=======================CABLE ENDS============================",
        ["DRUCKER"],
        "06BOGOTA8663 trailer",
    ),
    (
        "to discuss common goals and the way forward on Darfur. Tueller",
        ["Tueller"],
        "09CAIRO1616 run on",
    ),
    ("Please see para 4.\n\nSANDERS/WELLS", ["SANDERS", "WELLS"], "issue 3 two names"),
    ("that it is continuing its investigation.", [], "06THEHAGUE2415 none"),
]


@pytest.mark.parametrize(("text", "expected"), **table(SIGNATURE_CASES))
def test_signed_by(text, expected):
    assert extract.signed_by(text) == expected


PAGE_BREAK_CASES = [
    ("MOSCOW 00004307 002 OF 002", True, "07MOSCOW4307"),
    ("NAIROBI 00004428  001.2 OF 002", True, "07NAIROBI4427 001.2"),
    ("PAGE 02 VATICA 03507 01 OF 04 031719Z", True, "01VATICAN3507 PAGE 02"),
    ("PAGE 02 RUEHFRA0170 S E C R E T ", True, "07PARIS170 PAGE 02"),
    ("MOSCOW 4008 (EXDIS)", False, "07MOSCOW4307 REF line"),
]


@pytest.mark.parametrize(("line", "expected"), **table(PAGE_BREAK_CASES))
def test_is_page_break(line, expected):
    assert cleanup.is_page_break(line) is expected


def test_partial_and_export_rows():
    assert extract.partial("This record is a partial extract of the original cable. The full text")
    assert not extract.partial(seed("07MOSCOW4307"))
    rows = extract.export_rows('21950,10/22/2004 15:09,04THEHAGUE2735,"Embassy The Hague",')
    assert rows == [("04THEHAGUE2735", datetime(2004, 10, 22, 15, 9, tzinfo=UTC))]


def test_extractors_never_raise_on_odd_input():
    odd = [
        "",
        "\n",
        "¶",
        "REF:",
        "TAGS:",
        "SUBJECT:",
        "Classified By:",
        "E.O. 1",
        "x" * 50_000,
        "\r\r",
    ]
    functions = [getattr(extract, name) for name in extract.__all__ if name[0].islower()]
    for text in odd:
        for function in functions:
            if function is extract.canonical_cable_id:
                function(text)
            elif function is extract.references:
                function(text, year=2007)
            else:
                function(text)


# -- one real cable for each bullet of "What real cables look like" ---------------------------


def test_bullet_reference_id_from_classification_line_dtg_and_cross_checks():
    cable = parse_cable(seed("07MOSCOW4307"))
    assert (cable.id, cable.station) == ("07MOSCOW4307", "MOSCOW")
    assert cable.routing.station_serial == 4307  # DE line agrees
    assert extract.continuation_serials(seed("07MOSCOW4307")) == [("MOSCOW", 4307)]
    usun = parse_cable(corpus("10USUNNEWYORK27"))
    assert (usun.id, usun.station) == ("10USUNNEWYORK27", "USUNNEWYORK")
    state = parse_cable(corpus("06STATE40904"))
    assert (state.id, state.origin) == ("06STATE40904", "SECSTATE WASHDC")
    # 07NAIROBI4427: a corrected copy typed 4428 on its classification line; the DE line
    # '#4427/01' (which the DTG belongs to) wins and the disagreement is noted.
    nairobi = parse_cable(corpus("07NAIROBI4427"))
    assert nairobi.id == "07NAIROBI4427"
    assert any("4428" in n.message and n.field == "id" for n in nairobi.parse_notes)


def test_bullet_dtg_precedence_and_julian_time():
    cable = parse_cable(seed("07MOSCOW4307"))
    assert cable.created == datetime(2007, 8, 31, 13, 51, tzinfo=UTC)
    assert cable.precedence is Precedence.IMMEDIATE
    # DE line 'DE RUEHMO #4307/01 2431351': day 243 of 2007 is 31 August, 13:51.
    assert cable.routing.julian_datetime == "2431351"
    assert cable.created.timetuple().tm_yday == 243
    double = parse_cable(corpus("10STATE284"))  # 'P R 041820Z JAN 10'
    assert (double.precedence, double.created) == (
        Precedence.PRIORITY,
        datetime(2010, 1, 4, 18, 20, tzinfo=UTC),
    )


def test_bullet_partial_extracts_and_old_page_headers():
    dublin = parse_cable(corpus("05DUBLIN286"))
    assert dublin.partial and dublin.routing is None
    assert dublin.created == datetime(
        2005, 3, 8, 14, 11, tzinfo=UTC
    )  # 'Tuesday, 08 March 2005, 14:11'
    vatican = parse_cable(corpus("01VATICAN3507"))  # PAGE 01 header: 'O 031203Z JUL 01 FM ...'
    assert (vatican.id, vatican.origin) == ("01VATICAN3507", "AMEMBASSY VATICAN")
    assert vatican.created == datetime(2001, 7, 3, 12, 3, tzinfo=UTC)
    assert not any("PAGE 0" in p.text for p in vatican.paragraphs[:2])


def test_bullet_classification_forms_and_markings():
    assert (
        parse_cable(corpus("09MOSCOW226")).classification is Classification.SECRET
    )  # SS E C R E T
    assert (
        parse_cable(corpus("08BERLIN1068")).classification is Classification.SECRET
    )  # S e c r e t
    sbu = parse_cable(seed("08MOSCOW2629"))
    assert sbu.classification is Classification.UNCLASSIFIED
    assert Caveat.SENSITIVE in sbu.caveats
    noforn = parse_cable(corpus("10TEGUCIGALPA65"))
    assert Caveat.NOFORN in noforn.caveats
    assert {p.classification_raw for p in noforn.paragraphs} >= {"(S/NF)"}
    assert {p.classification for p in noforn.paragraphs} >= {"S//NF"}


def test_bullet_eo_lines():
    assert parse_cable(seed("07MOSCOW4307")).declassification.date == date(2017, 8, 31)
    assert parse_cable(corpus("10LAGOS75")).declassification.date == date(2020, 2, 23)
    assert parse_cable(seed("08MOSCOW2629")).declassification.exemption == "N/A"
    old = parse_cable(corpus("89PANAMA8545")).declassification
    assert (old.executive_order, old.exemption) == ("12356", "OADR")


def test_bullet_classified_by_forms():
    wells = parse_cable(seed("07MOSCOW4307")).classified_by
    assert (wells.title, wells.name, wells.reasons) == (
        "Political Minister-Counselor",
        "Alice G. Wells",
        ["1.4(b)", "1.4(d)"],
    )
    assert any(n.field == "classified_by" for n in parse_cable(seed("07MOSCOW4307")).parse_notes)
    paris = parse_cable(corpus("07PARIS170")).classified_by  # reason across a PAGE 02 break
    assert paris.reasons == ["1.4(b)", "1.4(d)"]


def test_bullet_tags_forms():
    assert parse_cable(seed("07MOSCOW4849")).tags == ["PREL", "PGOV", "PINR", "TI", "RS"]
    assert parse_cable(corpus("05DUBLIN286")).tags == ["PREL", "ECON", "EFIN", "SOCI"]
    # 10ASTANA251: lower-cased, comma-separated ('Tags: pgov, prel, econ, ...').
    assert parse_cable(corpus("10ASTANA251")).tags[:3] == ["PGOV", "PREL", "ECON"]


def test_bullet_subject_forms():
    assert parse_cable(seed("08MOSCOW2629")).subject == (
        "RUSSIA CAMPAIGNS FOR INTERNATIONAL SUPPORT ON GEORGIA"
    )
    assert parse_cable(corpus("06BRASILIA694")).subject == (
        "VARIG'S DOWNWARD SPIRAL: WE'LL PAY YOU LATER"
    )


def test_bullet_reference_forms():
    (ref,) = parse_cable(seed("07MOSCOW4307")).references
    assert (ref.raw, ref.id, ref.note) == ("MOSCOW 4008 (EXDIS)", "07MOSCOW4008", "EXDIS")
    lima = parse_cable(corpus("07LIMA1862")).references
    assert [r.id for r in lima[:2]] == ["06LIMA4516", "06LIMA248"]


def test_bullet_body_markers_page_breaks_sipdis_headings_summary_signature():
    cable = parse_cable(seed("07MOSCOW4307"))
    paragraph = {p.number: p for p in cable.paragraphs}
    assert (
        paragraph[3].text.startswith("Underlying") and "knows as well as we do" in paragraph[3].text
    )
    assert "SIPDIS" not in cable.body
    assert "MOSCOW 00004307" not in cable.body
    assert paragraph[6].text.endswith("bringing this about (reftel).")
    assert paragraph[2].heading == '"Only Moderately Offensive"'
    assert cable.summary.startswith("Russian MFA South Ossetia negotiator Yuriy Popov")
    assert cable.signed_by == ["Burns"]
    redacted = parse_cable(corpus("05SANAA1352"))
    assert "XXXXXXXXXXXX" in redacted.paragraphs[0].text


def test_bullet_crlf_trailing_spaces_and_export_rows():
    crlf = parse_cable(corpus("07KUALALUMPUR1376"))
    assert crlf.id == "07KUALALUMPUR1376" and "\r" not in crlf.body
    assert (
        crlf.subject
        == "MALAYSIA: NO RESPONSE YET ON INVITATION TO LUNCHEON HOSTED BY MRS. BUSH, SEPT. 24"
    )
    # 08LAPAZ751: a La Paz routing header over the text of BOGOTA 004036; the header wins
    # and the other cable's classification line does not set the classification.
    lapaz = parse_cable(corpus("08LAPAZ751"))
    assert (lapaz.id, lapaz.classification) == ("08LAPAZ751", Classification.CONFIDENTIAL)
    rows = parse_cable(corpus("06THEHAGUE1739"))
    assert rows.id == "06THEHAGUE1739" and rows.signed_by == ["ARNALL"]
