"""Parts shared by every record type, and the base model they all use.

Records are frozen and forbid unknown fields: a typo in a field name is an error, not a silently
ignored value. Datetimes are timezone-aware and normalised to UTC.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class Record(BaseModel):
    """Base of every record and record part: frozen, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


def _require_utc(value: datetime) -> datetime:
    # Naive datetimes are ambiguous; cables state UTC ("Z") so anything else is a bug upstream.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware (UTC)")
    return value.astimezone(timezone.utc)


UTCDateTime = Annotated[datetime, AfterValidator(_require_utc)]
"""A timezone-aware datetime, converted to UTC."""


def _require_relative(value: str) -> str:
    # Records travel (pip, the Hub): an absolute path would leak the builder's machine.
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", value):
        raise ValueError(f"source path must be relative, got {value!r}")
    if ".." in value.replace("\\", "/").split("/"):
        raise ValueError(f"source path must not climb out of its folder, got {value!r}")
    return value


class Source(Record):
    """Where a record's text came from."""

    path: Annotated[str, AfterValidator(_require_relative)] = Field(
        description="Path of the input file relative to the input folder, with '/' separators "
        "(e.g. 'cables/07MOSCOW4307.txt'); never absolute."
    )
    sha256: str = Field(
        pattern=SHA256_PATTERN, description="SHA-256 of the input file's bytes, lower-case hex."
    )
    encoding: str = Field(
        default="utf-8",
        description="Text encoding the bytes were decoded with (e.g. 'utf-8', 'utf-8-sig', "
        "'cp1252').",
    )


class ProvenanceKind(str, Enum):
    """How a value came to be in a record."""

    PARSED = "parsed"
    """Read from the document's own text."""
    CURATED = "curated"
    """Stated by a person in the catalog, with a source (usually a URL) that shows it."""
    INFERRED = "inferred"
    """Reasoned by a person in the catalog from evidence, with the reasoning written down."""


class ParseNote(Record):
    """A repair or normalisation the parser made, so users can see what was changed."""

    field: str = Field(description="Record field the note is about, e.g. 'precedence'.")
    message: str = Field(
        description="What was repaired and how, quoting the original text, e.g. "
        "\"precedence 'PIORITY' read as PRIORITY\"."
    )
    line: int | None = Field(
        default=None, ge=1, description="1-based line of the raw text the repair applies to."
    )
