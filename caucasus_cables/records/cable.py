"""The ``Cable`` record: one State Department telegram, every field of its layout.

Field names follow the telegram's own vocabulary (precedence, DTG, FM/TO/INFO, TAGS, REF) so
that a reader who knows the format finds what they expect. Raw forms are kept next to
normalised values wherever the normalisation loses information.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import Field

from caucasus_cables.records.common import ParseNote, Record, Source, UTCDateTime
from caucasus_cables.records.entities import MENTIONS_DESCRIPTION, Mention

CABLE_ID_PATTERN = r"^[0-9]{2}[A-Z][A-Z0-9]*[0-9]+$"
"""Canonical reference id: two-digit year, station (letters, digits), serial without zeros."""

TAG_PATTERN = r"^[A-Z0-9][A-Z0-9_\-]*$"
"""A TAGS entry as normalised: upper-case letters and digits (a few persons' tags use '-')."""


class Precedence(str, Enum):
    """Handling precedence of a telegram, from the prosign before the DTG (Z, O, P, R)."""

    FLASH = "FLASH"
    IMMEDIATE = "IMMEDIATE"
    PRIORITY = "PRIORITY"
    ROUTINE = "ROUTINE"


class Classification(str, Enum):
    """Overall security classification from the classification line."""

    UNCLASSIFIED = "UNCLASSIFIED"
    CONFIDENTIAL = "CONFIDENTIAL"
    SECRET = "SECRET"
    TOP_SECRET = "TOP SECRET"


class Caveat(str, Enum):
    """Handling captions and control markings that accompany the classification."""

    SENSITIVE = "SENSITIVE"
    """'UNCLAS ... SENSITIVE': Sensitive But Unclassified (SBU)."""
    SIPDIS = "SIPDIS"
    """Approved for the SIPRNet Distribution (the cables released in 2010 all went through it)."""
    NOFORN = "NOFORN"
    """Not releasable to foreign nationals."""
    EXDIS = "EXDIS"
    """Exclusive distribution."""
    NODIS = "NODIS"
    """No distribution beyond the addressees."""
    LIMDIS = "LIMDIS"
    """Limited distribution."""
    STADIS = "STADIS"
    """State Department distribution only."""
    ORCON = "ORCON"
    """Originator controlled."""
    FOUO = "FOUO"
    """For official use only."""
    PROPIN = "PROPIN"
    """Caution: proprietary information involved."""
    NOCONTRACT = "NOCONTRACT"
    """Not releasable to contractors."""
    REL = "REL"
    """Releasable to the countries named in the marking (e.g. 'REL NATO')."""


class RecipientRole(str, Enum):
    """Whether an addressee is an action addressee (TO) or an information addressee (INFO)."""

    TO = "to"
    INFO = "info"


class IdSource(str, Enum):
    """Where the cable's reference id came from."""

    TEXT = "text"
    """Derived from the text (classification-line station and serial, year from a DTG)."""
    FILE_NAME = "file name"
    """Taken from a file name that is a valid reference id; the text lacked the year."""
    ARGUMENT = "argument"
    """Given by the caller (``parse_cable(id=...)``); the text lacked the year."""


class Routing(Record):
    """The transmission header above FM/TO: how the telegram travelled."""

    precedence_pair: str | None = Field(
        default=None,
        description="Format line 2 precedence prosigns, e.g. 'OO' or 'PP' (action and info).",
    )
    relay_indicators: list[str] = Field(
        default_factory=list,
        description="Routing indicators on the format line 2 after the precedence pair, "
        "e.g. ['RUEHDBU'].",
    )
    origin_routing_indicator: str | None = Field(
        default=None, description="Routing indicator of the originating station, e.g. 'RUEHMO'."
    )
    station_serial: int | None = Field(
        default=None, ge=0, description="Station serial number from the DE line, e.g. 4307."
    )
    section: int | None = Field(
        default=None, ge=1, description="Section number from the DE line ('#4307/01' -> 1)."
    )
    julian_datetime: str | None = Field(
        default=None,
        pattern=r"^[0-9]{7}$",
        description="Julian day-of-year and time from the DE line, 'DDDHHMM', e.g. '2431351'.",
    )
    security_line: str | None = Field(
        default=None, description="Format line 4 security line as written, e.g. 'ZNY CCCCC ZZH'."
    )


class Recipient(Record):
    """One addressee of the TO or INFO block."""

    role: RecipientRole = Field(description="'to' for action addressees, 'info' for INFO.")
    name: str = Field(description="Plain-language address, e.g. 'SECSTATE WASHDC'.")
    routing_indicator: str | None = Field(
        default=None, description="Routing indicator before the slash, e.g. 'RUEHC'."
    )
    precedence: Precedence | None = Field(
        default=None, description="Precedence stated for this addressee, when one is."
    )
    mcn: int | None = Field(
        default=None,
        ge=0,
        description="Message control number the addressee's station assigned, e.g. 3484.",
    )


class Declassification(Record):
    """The E.O. line: which executive order governs the classification and when it lapses."""

    executive_order: str | None = Field(
        default=None, description="Executive order number, e.g. '12958', '13526', '12356'."
    )
    date: dt.date | None = Field(
        default=None, description="Declassification date ('DECL: 08/31/2017' -> 2017-08-31)."
    )
    exemption: str | None = Field(
        default=None,
        description="Non-date instruction as written, e.g. 'N/A', 'OADR', 'X1', '1.6X1'.",
    )
    raw: str = Field(description="The E.O. line as written, whitespace collapsed.")


class ClassifiedBy(Record):
    """The 'Classified By:' line: who classified the cable and under which reasons."""

    name: str | None = Field(
        default=None, description="Name of the classifier, e.g. 'Alice G. Wells'."
    )
    title: str | None = Field(
        default=None,
        description="Title before or after the name, e.g. 'Political Minister-Counselor'.",
    )
    reasons: list[str] = Field(
        default_factory=list,
        description="Classification reasons normalised to 'N.N(x)', e.g. ['1.4(b)', '1.4(d)'].",
    )
    raw: str = Field(description="The line(s) as written, whitespace collapsed.")


class Reference(Record):
    """One entry of the REF: block."""

    label: str | None = Field(default=None, description="List label, e.g. 'A', when lettered.")
    raw: str = Field(description="The entry as written, e.g. 'MOSCOW 4008 (EXDIS)'.")
    id: str | None = Field(
        default=None,
        pattern=CABLE_ID_PATTERN,
        description="Canonical id of the cited cable, e.g. '07MOSCOW4008', when it can be "
        "derived (a bare serial takes the citing cable's year).",
    )
    note: str | None = Field(
        default=None, description="Bracketed note after the entry, e.g. 'EXDIS'."
    )


class Paragraph(Record):
    """One paragraph of the body."""

    number: int | None = Field(
        default=None, ge=0, description="Paragraph number from its marker ('¶1.' -> 1)."
    )
    classification: str | None = Field(
        default=None,
        description="Portion marking normalised: 'U', 'C', 'S', 'TS', 'SBU', with caveats after "
        "'//' (e.g. 'S//NF', 'C//REL NATO', 'U//FOUO').",
    )
    classification_raw: str | None = Field(
        default=None, description="Portion marking as written, e.g. '(S/NF)'."
    )
    heading: str | None = Field(
        default=None, description="Unnumbered heading line directly before the paragraph."
    )
    text: str = Field(description="Paragraph text without marker, marking or page-break lines.")


class Cable(Record):
    """A diplomatic cable (State Department telegram) with every field of its layout."""

    id: str = Field(
        pattern=CABLE_ID_PATTERN,
        description="Canonical reference id: YY + station + serial, e.g. '07MOSCOW4307'.",
    )
    id_source: IdSource = Field(
        default=IdSource.TEXT, description="Where the id came from: text, file name or argument."
    )
    transmission_id: str | None = Field(
        default=None,
        description="Transmission identifier on the first header line, e.g. 'VZCZCXR05660'.",
    )
    precedence: Precedence | None = Field(
        default=None, description="Precedence from the DTG prosign (first letter when two)."
    )
    created: UTCDateTime | None = Field(
        default=None,
        description="Date-time group as a UTC datetime ('311351Z AUG 07' -> 2007-08-31T13:51Z); "
        "None when the text carries none.",
    )
    origin: str | None = Field(
        default=None, description="Originator from the FM line, e.g. 'AMEMBASSY MOSCOW'."
    )
    station: str = Field(
        pattern=r"^[A-Z][A-Z0-9]*$",
        description="Station part of the id, canonical (spaces removed), e.g. 'MOSCOW', "
        "'USUNNEWYORK'.",
    )
    routing: Routing | None = Field(
        default=None, description="Transmission header; None for partial extracts without one."
    )
    recipients: list[Recipient] = Field(
        default_factory=list, description="TO and INFO addressees in the order written."
    )
    classification: Classification | None = Field(
        default=None, description="Overall classification; None when the text states none."
    )
    caveats: list[Caveat] = Field(
        default_factory=list,
        description="Handling captions in order of first appearance (SENSITIVE, SIPDIS, "
        "NOFORN...).",
    )
    sections: int | None = Field(
        default=None, ge=1, description="Number of sections, the N of 'SECTION 01 OF N'."
    )
    declassification: Declassification | None = Field(
        default=None, description="The E.O. line, parsed."
    )
    classified_by: ClassifiedBy | None = Field(
        default=None, description="The 'Classified By:' line, parsed."
    )
    tags: list[str] = Field(
        default_factory=list,
        description="TAGS codes, upper-case, de-duplicated, in order written (e.g. PREL, GG, RS).",
    )
    subject: str | None = Field(
        default=None, description="SUBJECT line(s) joined into one line, whitespace collapsed."
    )
    references: list[Reference] = Field(
        default_factory=list, description="REF: entries in the order written."
    )
    summary: str | None = Field(
        default=None, description="Text between SUMMARY and END SUMMARY, when marked."
    )
    paragraphs: list[Paragraph] = Field(
        default_factory=list, description="Body paragraphs in order."
    )
    body: str = Field(
        description="Clean body text: no header, page-break lines or stray SIPDIS; paragraphs "
        "separated by blank lines."
    )
    signed_by: list[str] = Field(
        default_factory=list, description="Signature name(s) at the end, as written (e.g. 'Burns')."
    )
    partial: bool = Field(
        default=False,
        description="True when the text is a 'partial extract of the original cable' placeholder "
        "without the full header.",
    )
    parse_notes: list[ParseNote] = Field(
        default_factory=list, description="Repairs and normalisations the parser made."
    )
    source: Source | None = Field(
        default=None, description="Input file the record was parsed from, when it came from one."
    )
    raw_text: str = Field(description="The input text verbatim, so nothing is lost.")
    mentions: list[Mention] = Field(
        default_factory=list,
        description=MENTIONS_DESCRIPTION,
        json_schema_extra={"added_in": "1.1.0"},
    )

    @property
    def year(self) -> int:
        """Four-digit year of the id (cables date from 1966 to 2010)."""
        yy = int(self.id[:2])
        return 1900 + yy if yy >= 60 else 2000 + yy
