"""Hand-built records for the build tests (tables, checks, store), so they run without the
parsers. Values are taken from the seed texts where they exist: a person can check each one
against seeds/cables/07MOSCOW4307.txt, seeds/cables/08MOSCOW2629.txt and
seeds/news/2024-09-10_eadaily_kulakhmetov-interview.txt.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from caucasus_cables.records import (
    Cable,
    ClassifiedBy,
    Declassification,
    FieldProvenance,
    Interview,
    InterviewTurn,
    NewsArticle,
    Paragraph,
    ParseNote,
    Quote,
    Recipient,
    Reference,
    Routing,
    Source,
)

SHA = "085c87379666f201003abb547c8d758af4b58230fb552a3afd6929eb8c7d9bb5"


def moscow_4307(**overrides) -> Cable:
    """07MOSCOW4307: every nested field filled (routing, recipients, E.O. line, references)."""
    fields = dict(
        id="07MOSCOW4307",
        transmission_id="VZCZCXR05660",
        precedence="IMMEDIATE",
        created=datetime(2007, 8, 31, 13, 51, tzinfo=timezone.utc),
        origin="AMEMBASSY MOSCOW",
        station="MOSCOW",
        routing=Routing(
            precedence_pair="OO",
            relay_indicators=["RUEHDBU"],
            origin_routing_indicator="RUEHMO",
            station_serial=4307,
            section=1,
            julian_datetime="2431351",
            security_line="ZNY CCCCC ZZH",
        ),
        recipients=[
            Recipient(
                role="to",
                name="SECSTATE WASHDC",
                routing_indicator="RUEHC",
                precedence="IMMEDIATE",
                mcn=3484,
            ),
            Recipient(
                role="info",
                name="CIS COLLECTIVE",
                routing_indicator="RUCNCIS",
                precedence="PRIORITY",
            ),
        ],
        classification="CONFIDENTIAL",
        caveats=["SIPDIS"],
        sections=2,
        declassification=Declassification(
            executive_order="12958", date=date(2017, 8, 31), raw="E.O. 12958: DECL: 08/31/2017"
        ),
        classified_by=ClassifiedBy(
            name="Alice G. Wells",
            title="Political Minister-Counselor",
            reasons=["1.4(b)", "1.4(d)"],
            raw="Classified By: Political Minister-Counselor Alice G. Wells. Reason: 1 .4 (b, d)",
        ),
        tags=["PREL", "PBTS", "MARR", "MOPS", "OSCE", "GG", "RS"],
        subject="RUSSIA/GEORGIA: BAKRADZE VISIT FAILS TO EASE TENSIONS",
        references=[
            Reference(raw="MOSCOW 4008 (EXDIS)", id="07MOSCOW4008", note="EXDIS"),
        ],
        summary="Russian MFA South Ossetia negotiator Yuriy Popov told us August 31 ...",
        paragraphs=[
            Paragraph(number=1, classification="C", classification_raw="(C)", text="Popov ..."),
            Paragraph(
                number=2,
                classification="C",
                classification_raw="(C)",
                heading='"Only Moderately Offensive"',
                text="Popov said ...",
            ),
            Paragraph(text="An unnumbered closing paragraph."),
        ],
        body="Popov ...\n\nPopov said ...",
        signed_by=["Burns"],
        parse_notes=[ParseNote(field="paragraphs", message="'4, (C)' read as ¶4", line=40)],
        source=Source(path="cables/07MOSCOW4307.txt", sha256=SHA),
        raw_text="VZCZCXR05660\nOO RUEHDBU\n...",
    )
    fields.update(overrides)
    return Cable(**fields)


def moscow_2629(**overrides) -> Cable:
    """08MOSCOW2629: UNCLAS ... SENSITIVE, no references, no E.O. date."""
    fields = dict(
        id="08MOSCOW2629",
        precedence="PRIORITY",
        created=datetime(2008, 9, 3, 14, 42, tzinfo=timezone.utc),
        origin="AMEMBASSY MOSCOW",
        station="MOSCOW",
        classification="UNCLASSIFIED",
        caveats=["SENSITIVE", "SIPDIS"],
        tags=["PREL", "RS", "GG"],
        paragraphs=[Paragraph(number=1, classification="SBU", text="Summary ...")],
        body="Summary ...",
        raw_text="UNCLAS SECTION 01 OF 02 MOSCOW 002629",
    )
    fields.update(overrides)
    return Cable(**fields)


def kulakhmetov(**overrides) -> NewsArticle:
    """The EADaily interview: curated and inferred provenance, interview turns, a quote."""
    url = "https://eadaily.com/en/news/2024/09/10/russian-ambassador"
    fields = dict(
        id="2024-09-10-eadaily-kulakhmetov-interview",
        title="Russian ambassador: The demand to withdraw recognition is unacceptable",
        genre="interview",
        outlet="EADaily",
        url=url,
        published=date(2024, 9, 10),
        published_precision="day",
        language="en",
        translated_from="ru",
        provenance=[
            FieldProvenance(field="outlet", kind="curated", source_url=url),
            FieldProvenance(
                field="translated_from", kind="inferred", note="reads as a translation"
            ),
        ],
        paragraphs=["Question one?", "Answer one."],
        body="Question one?\n\nAnswer one.",
        quotes=[Quote(text="unacceptable", speaker="Marat Kulakhmetov", paragraph=1)],
        interview=Interview(
            interviewee="Marat Kulakhmetov",
            turns=[
                InterviewTurn(role="question", text="Question one?"),
                InterviewTurn(role="answer", speaker="Marat Kulakhmetov", text="Answer one."),
            ],
        ),
        source=Source(path="news/2024-09-10_eadaily_kulakhmetov-interview.txt", sha256=SHA),
        raw_text="Russian ambassador ...",
    )
    fields.update(overrides)
    return NewsArticle(**fields)


def sample_records() -> list:
    """Two cables and one article, deliberately not in id order."""
    return [moscow_2629(), kulakhmetov(), moscow_4307()]
