"""Entities, mentions and links: who and where a document speaks of, and which documents meet.

An ``Entity`` is one row of the packaged gazetteer (a place, a person or an organization) with a
stable id. A ``Mention`` is one stretch of a document's ``body`` that names an entity, with
character offsets, so ``body[start:end] == text`` always holds. A name the finder cannot tie to
one entity is kept as an unresolved mention (``entity_id`` None, ``candidates`` listed) rather
than guessed. A ``Link`` joins two documents: a cable citing another, the reverse, or two
documents reporting the same event, each with the evidence a reader can check.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Literal

from pydantic import Field, model_validator

from caucasus_cables.records.common import Record

ENTITY_ID_PATTERN = r"^(place|person|org):[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Entity id: kind prefix and a slug of the canonical name, e.g. 'place:tskhinvali'."""

WIKIDATA_QID_PATTERN = r"^Q[1-9][0-9]*$"

DocumentKindName = Literal["cable", "news_article"]
"""The two kinds of document (same values as the seed catalog's kinds)."""

MENTIONS_DESCRIPTION = (
    "Gazetteer places, people and organizations named in `body`, in text order, with offsets "
    "into `body` (body[start:end] == text). Computed by the build after parsing "
    "(caucasus_cables.entities.find_mentions over body and paragraphs), not by the parser; "
    "[] in a record parsed on its own and in releases before 1.1.0. Added in dataset 1.1.0."
)
"""Description of the ``mentions`` field of ``Cable`` and ``NewsArticle`` (one wording)."""


class EntityKind(str, Enum):
    """Broad kind of an entity; the id prefix says the same ('place:', 'person:', 'org:')."""

    PLACE = "place"
    PERSON = "person"
    ORGANIZATION = "organization"


class Entity(Record):
    """A place, person or organization of the packaged gazetteer."""

    id: str = Field(
        pattern=ENTITY_ID_PATTERN,
        description="Stable id: kind prefix and slug of the canonical name, e.g. "
        "'place:tskhinvali', 'person:eduard-kokoity', 'org:joint-control-commission'.",
    )
    kind: EntityKind = Field(description="place, person or organization.")
    type: str = Field(
        description="Finer type as the source gives it, e.g. 'city', 'region / de facto state', "
        "'international organization', 'person'."
    )
    canonical: str = Field(min_length=1, description="Canonical name, e.g. 'Tskhinvali'.")
    variants: list[str] = Field(
        default_factory=list,
        description="Other names and spellings the finder also recognises, e.g. ['Tskhinval', "
        "'Cchinvali', 'Цхинвал']; historical names included.",
    )
    codes: list[str] = Field(
        default_factory=list,
        description="Country codes as 'SCHEME:CODE', e.g. ['FIPS:GG', 'ISO:GE']; never matched in "
        "text (geo TAGS are FIPS 10-4, not ISO).",
    )
    wikidata_qid: str | None = Field(
        default=None,
        pattern=WIKIDATA_QID_PATTERN,
        description="Wikidata item id when a public Wikidata-derived list showed it, e.g. "
        "'Q79863'; None when not verified.",
    )
    role: str | None = Field(
        default=None,
        description="People: role at the time of the documents, e.g. 'President of (de facto) "
        "South Ossetia, 18 Dec 2001 - 10 Dec 2011'.",
    )
    source: str = Field(
        min_length=1,
        description="Where the row comes from: pages read, seed documents that use the forms "
        "(verbatim from the compiled reference for rows copied from it).",
    )
    notes: str | None = Field(default=None, description="Remarks of the compiler, e.g. caveats.")


class Resolution(str, Enum):
    """How a mention's text was tied to its entity."""

    NAME = "name"
    """The text is a name or variant of exactly one entity and needs no context."""
    EARLIER_MENTION = "earlier_mention"
    """An ambiguous text (usually a bare surname) resolved to the one candidate already named
    earlier in the same document ('Popov' after 'Yuriy Popov')."""
    CONTEXT = "context"
    """An ambiguous text resolved by supporting context in its paragraph or document ('Java'
    in a document that also names South Ossetia)."""
    UNRESOLVED = "unresolved"
    """No single entity is supported; ``candidates`` lists the possibilities."""


class Mention(Record):
    """One stretch of a document's body that names (or may name) a gazetteer entity."""

    document_id: str | None = Field(
        default=None, description="Id of the cable or article, e.g. '07MOSCOW4307'."
    )
    document_kind: DocumentKindName | None = Field(
        default=None, description="'cable' or 'news_article'."
    )
    entity_id: str | None = Field(
        default=None,
        pattern=ENTITY_ID_PATTERN,
        description="Id of the entity named; None when the mention is unresolved.",
    )
    candidates: list[str] = Field(
        default_factory=list,
        description="Unresolved mentions: the entity ids the text may name, sorted; [] when "
        "resolved.",
    )
    text: str = Field(min_length=1, description="The text as written, e.g. 'Tskhinval'.")
    start: int = Field(ge=0, description="Offset of the first character in ``body``.")
    end: int = Field(ge=1, description="Offset after the last character: body[start:end] == text.")
    paragraph: int | None = Field(
        default=None,
        ge=0,
        description="0-based index of the paragraph (in the record's ``paragraphs``) holding the "
        "mention; None when it lies outside every paragraph (a heading, a signature). Without "
        "the record's paragraphs, the index of the blank-line-separated block.",
    )
    resolution: Resolution = Field(
        description="name, earlier_mention, context or unresolved: how the entity was chosen."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Mention:
        if self.end - self.start != len(self.text):
            raise ValueError(f"offsets {self.start}..{self.end} do not span the text {self.text!r}")
        if (self.entity_id is None) != (self.resolution is Resolution.UNRESOLVED):
            raise ValueError("entity_id is None exactly when the resolution is 'unresolved'")
        if self.entity_id is None and not self.candidates:
            raise ValueError("an unresolved mention lists its candidates")
        if self.entity_id is not None and self.candidates:
            raise ValueError("a resolved mention has no candidates")
        return self


class LinkKind(str, Enum):
    """Why two documents are linked."""

    CITES = "cites"
    """The 'from' cable lists the 'to' record in its REF block."""
    CITED_BY = "cited_by"
    """Reverse of cites: the 'from' record is cited by the 'to' cable."""
    SAME_EVENT = "same_event"
    """Both documents state the same date (within a day or so) next to the same entities."""


class Passage(Record):
    """A stretch of one document's body that supports a link."""

    document_id: str = Field(description="Document the offsets refer to.")
    start: int = Field(ge=0, description="Offset of the first character in that body.")
    end: int = Field(ge=1, description="Offset after the last character.")
    text: str = Field(min_length=1, description="The passage as written.")

    @model_validator(mode="after")
    def _consistent(self) -> Passage:
        if self.end - self.start != len(self.text):
            raise ValueError(f"offsets {self.start}..{self.end} do not span the text {self.text!r}")
        return self


class LinkEvidence(Record):
    """What a link rests on, so a reader can check it."""

    reference: str | None = Field(
        default=None,
        description="cites / cited_by: the REF entry as written, e.g. 'MOSCOW 2618'.",
    )
    entities: list[str] = Field(
        default_factory=list,
        description="same_event: ids of the entities both documents name next to the shared "
        "date, sorted.",
    )
    dates: list[dt.date] = Field(
        default_factory=list,
        description="same_event: the dates stated in the 'from' and the 'to' document, sorted "
        "and distinct (one date when they agree).",
    )
    passages: list[Passage] = Field(
        default_factory=list,
        description="Where the evidence is written: 'reftel' / 'ref A' in the citing body, or "
        "the sentences stating the shared date and entities in each document.",
    )


class Link(Record):
    """A directed link between two documents of the corpus, with its evidence."""

    from_id: str = Field(description="Id of the document the link starts from.")
    to_id: str = Field(description="Id of the document it points to.")
    from_kind: DocumentKindName = Field(description="'cable' or 'news_article'.")
    to_kind: DocumentKindName = Field(description="'cable' or 'news_article'.")
    kind: LinkKind = Field(description="cites, cited_by or same_event.")
    evidence: LinkEvidence = Field(description="What the link rests on.")

    @model_validator(mode="after")
    def _not_a_loop(self) -> Link:
        if self.from_id == self.to_id:
            raise ValueError(f"a document cannot link to itself ({self.from_id!r})")
        return self
