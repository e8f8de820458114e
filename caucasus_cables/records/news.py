"""The ``NewsArticle`` record: a news report or interview, with curated catalog facts.

A news text rarely states its outlet, date or URL; those come from the seed catalog. Every such
value is listed in ``provenance`` as curated (with a source) or inferred (with the reasoning),
so users can tell what the text says from what people concluded about it.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import Field

from caucasus_cables.records.common import ProvenanceKind, Record, Source
from caucasus_cables.records.entities import MENTIONS_DESCRIPTION, Mention

NEWS_ID_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"


class Genre(str, Enum):
    """Kind of news text, detected from its structure."""

    REPORT = "report"
    """Narrative news report with quotes."""
    INTERVIEW = "interview"
    """Question-and-answer interview."""
    OPINION = "opinion"
    """Signed comment or editorial."""
    OTHER = "other"
    """Anything else (statements, transcripts...)."""


class DatePrecision(str, Enum):
    """How much of a publication date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class TurnRole(str, Enum):
    """Role of one turn in an interview."""

    QUESTION = "question"
    ANSWER = "answer"


class FieldProvenance(Record):
    """Where one field's value came from."""

    field: str = Field(description="Record field this entry is about, e.g. 'published'.")
    kind: ProvenanceKind = Field(description="parsed, curated or inferred.")
    source_url: str | None = Field(
        default=None, description="URL that shows the value (curated values)."
    )
    note: str | None = Field(
        default=None, description="Reasoning (inferred values) or remarks on the source."
    )


class Caption(Record):
    """A photo caption with its credit split off."""

    text: str = Field(description="Caption text without the credit.")
    credit: str | None = Field(
        default=None, description="Photo credit, e.g. 'AP', 'Reuters', 'Igor Tabakov / MT'."
    )
    paragraph: int | None = Field(
        default=None, ge=0, description="0-based index of the body paragraph the caption precedes."
    )


class Quote(Record):
    """A direct quotation and who said it."""

    text: str = Field(description="The quoted words, without the quotation marks.")
    speaker: str | None = Field(
        default=None,
        description="Speaker's full name as first mentioned (a bare surname or 'he' resolved); "
        "None when the text does not say.",
    )
    paragraph: int = Field(ge=0, description="0-based index of the body paragraph.")


class InterviewTurn(Record):
    """One question or answer of an interview."""

    role: TurnRole = Field(description="question or answer.")
    speaker: str | None = Field(
        default=None, description="Who speaks: interviewer (often unknown) or interviewee."
    )
    text: str = Field(description="Text of the turn without its dash or Q:/A: marker.")


class Interview(Record):
    """Structure of a question-and-answer interview."""

    interviewer: str | None = Field(default=None, description="Interviewer, when stated.")
    interviewee: str | None = Field(
        default=None, description="Person interviewed, from the lead or the byline."
    )
    turns: list[InterviewTurn] = Field(
        default_factory=list, description="Questions and answers in order."
    )


class NewsArticle(Record):
    """A news report or interview with its text structure and curated publication facts."""

    id: str = Field(
        pattern=NEWS_ID_PATTERN,
        description="Stable, human-readable id: date, outlet and slug, e.g. "
        "'2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe'.",
    )
    title: str = Field(description="Headline, first line of the text.")
    genre: Genre = Field(description="report, interview, opinion or other.")
    outlet: str | None = Field(
        default=None, description="Publishing outlet, e.g. 'The Moscow Times'."
    )
    url: str | None = Field(default=None, description="Canonical URL of the article.")
    authors: list[str] = Field(
        default_factory=list, description="Authors from the byline or the catalog; [] when unknown."
    )
    published: dt.date | None = Field(
        default=None, description="Publication date (to the stated precision); None when unknown."
    )
    published_precision: DatePrecision | None = Field(
        default=None, description="day, month or year: how much of 'published' is known."
    )
    language: str = Field(
        pattern=LANGUAGE_PATTERN, description="ISO 639-1 (or 639-3) language code of the text."
    )
    translated_from: str | None = Field(
        default=None, pattern=LANGUAGE_PATTERN, description="Language the text was translated from."
    )
    provenance: list[FieldProvenance] = Field(
        default_factory=list,
        description="For each field not read from the text: curated (with URL) or inferred "
        "(with reasoning); parsed fields are listed too when the catalog could have supplied them.",
    )
    dateline: str | None = Field(
        default=None, description="Dateline place, e.g. 'DUSHANBE' from 'DUSHANBE (Reuters) -'."
    )
    byline: str | None = Field(
        default=None, description="Byline as written, e.g. 'By Nikolaus von Twickel'."
    )
    lead: str | None = Field(
        default=None, description="Dek or lead sentence(s) set off from the body."
    )
    captions: list[Caption] = Field(default_factory=list, description="Photo captions.")
    paragraphs: list[str] = Field(
        default_factory=list, description="Body paragraphs in order (captions excluded)."
    )
    body: str = Field(description="Body paragraphs joined by blank lines.")
    quotes: list[Quote] = Field(default_factory=list, description="Direct quotations in order.")
    agencies_cited: list[str] = Field(
        default_factory=list,
        description="News agencies the text cites ('Reuters reported'), de-duplicated, in order.",
    )
    interview: Interview | None = Field(
        default=None, description="Question-and-answer structure when genre is interview."
    )
    source: Source | None = Field(default=None, description="Input file, when parsed from one.")
    raw_text: str = Field(description="The input text verbatim, so nothing is lost.")
    mentions: list[Mention] = Field(
        default_factory=list,
        description=MENTIONS_DESCRIPTION,
        json_schema_extra={"added_in": "1.1.0"},
    )
