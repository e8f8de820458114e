"""What a release says about itself: ``manifest.json``, the input ledger, quarantine lines, and
the content hash.

The manifest is the registry of a release: every file with its sha256, size and (for Parquet)
row count, the three versions, the counts of inputs, records and quarantined inputs, and a
content hash over the records. The content hash is computed from each record's canonical JSON
(``model_dump(mode="json")`` with sorted keys), never from Parquet bytes, so it is the same
whichever pyarrow wrote the files: it changes exactly when a record changes.

JSON is written canonically (sorted keys, two-space indent, UTF-8, trailing newline), so equal
content gives equal bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic_core import to_json

from caucasus_cables.errors import IntegrityError
from caucasus_cables.records import Record
from caucasus_cables.records.common import SHA256_PATTERN

__all__ = [
    "CONTENT_HASH_METHOD",
    "MANIFEST_NAME",
    "FileEntry",
    "InputEntry",
    "Manifest",
    "QuarantineEntry",
    "TableEntry",
    "canonical_json",
    "content_hash",
    "dump_digest",
    "dumps",
    "read_manifest",
    "record_digest",
    "sha256_file",
]

MANIFEST_NAME = "manifest.json"
QUARANTINE_NAME = "quarantine.jsonl"
INPUTS_NAME = "inputs.jsonl"

CONTENT_HASH_METHOD = (
    "sha256 over the lines '<table>\\t<id>\\t<sha256 of the record's canonical JSON>\\n' in "
    "(table, id) order; canonical JSON = json.dumps(record.model_dump(mode='json'), "
    "sort_keys=True, separators=(',', ':')), ASCII with \\u escapes"
)


class FileEntry(Record):
    """One file of the release (every file except ``manifest.json`` itself)."""

    path: str = Field(description="Path relative to the release folder, '/' separated.")
    sha256: str = Field(pattern=SHA256_PATTERN, description="SHA-256 of the file's bytes.")
    bytes: int = Field(ge=0, description="File size in bytes.")
    table: str | None = Field(default=None, description="Table the Parquet file belongs to.")
    rows: int | None = Field(default=None, ge=0, description="Rows in the Parquet file.")


class TableEntry(Record):
    """One table (Hugging Face config) of the release."""

    rows: int = Field(ge=0, description="Rows over all shards.")
    files: list[str] = Field(description="Parquet shards in order.")


class InputEntry(Record):
    """One input and what became of it: a record, or a quarantine line."""

    path: str = Field(description="Input path relative to the input folder.")
    sha256: str | None = Field(
        default=None, pattern=SHA256_PATTERN, description="SHA-256 of the input's bytes."
    )
    bytes: int | None = Field(default=None, ge=0, description="Input size in bytes.")
    table: str | None = Field(default=None, description="Table of the record it became.")
    id: str | None = Field(default=None, description="Id of the record it became.")
    quarantined: str | None = Field(
        default=None, description="Stage at which it was quarantined, when it was."
    )


class QuarantineEntry(Record):
    """One rejected input: where it failed and why."""

    path: str = Field(description="Input path relative to the input folder.")
    sha256: str | None = Field(
        default=None, pattern=SHA256_PATTERN, description="SHA-256 of the input's bytes."
    )
    stage: str = Field(
        description="read, decode, parse, check (table rules) or duplicate (id seen before)."
    )
    error: str = Field(description="What went wrong, quoting the input where it can.")
    line: int | None = Field(default=None, ge=1, description="1-based line, when known.")


class InputCounts(Record):
    """The accounting: every input is a record or a quarantine line."""

    inputs: int = Field(ge=0)
    records: int = Field(ge=0)
    quarantined: int = Field(ge=0)
    ledger: str = Field(description="File listing every input with its sha256 and outcome.")


class Manifest(Record):
    """``manifest.json``: the registry of one release."""

    name: str = Field(description="Dataset name.")
    dataset_version: str = Field(description="Version of the data (CHANGELOG policy).")
    schema_version: str = Field(description="Version of the record schemas.")
    package_version: str = Field(description="caucasus-cables version that built the release.")
    content_sha256: str = Field(pattern=SHA256_PATTERN, description="Content hash of the records.")
    content_hash_method: str = Field(description="How content_sha256 is computed.")
    inputs: InputCounts = Field(description="Inputs, records and quarantined inputs.")
    tables: dict[str, TableEntry] = Field(description="Table name -> rows and shards.")
    files: list[FileEntry] = Field(description="Every file but manifest.json, sorted by path.")

    def file(self, path: str) -> FileEntry | None:
        """The entry for ``path``, or None when the manifest does not list it."""
        for entry in self.files:
            if entry.path == path:
                return entry
        return None


def canonical_json(record: Record, exclude: Collection[str] = ()) -> str:
    r"""The record as canonical JSON: sorted keys, no spaces, ASCII (non-ASCII as \u escapes,
    which the standard library writes twice as fast as raw UTF-8; both are canonical).

    >>> from caucasus_cables.records import ParseNote
    >>> canonical_json(ParseNote(field="paragraphs", message="¶4"))
    '{"field":"paragraphs","line":null,"message":"\\u00b64"}'

    ``exclude`` leaves top-level fields out: those added after an older release's schema, so
    the hash of its records, read by today's models, is the hash it was built with.
    """
    data = record.model_dump(mode="json", exclude=set(exclude) or None)
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def record_digest(record: Record, exclude: Collection[str] = ()) -> str:
    """SHA-256 of the record's canonical JSON (one term of the content hash)."""
    return hashlib.sha256(canonical_json(record, exclude).encode("ascii")).hexdigest()


def dump_digest(dump: dict[str, Any]) -> str:
    """``record_digest`` of a record from its ``model_dump()`` (Python mode), which the build
    already made for the Arrow rows: one dump per record instead of two.

    Python mode differs from JSON mode only in scalars JSON lacks (datetime, date): str enums
    encode as their value and the rest as pydantic writes them in JSON, so the text, hence the
    digest, is the same (``tests/test_scale.py`` checks it on the corpus).
    """
    text = json.dumps(dump, sort_keys=True, separators=(",", ":"), default=_pydantic_json)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _pydantic_json(value: object) -> object:
    # Called only for values the json module cannot encode (datetime, date...).
    return json.loads(to_json(value))


def content_hash(digests: Iterable[tuple[str, str, str]], *, presorted: bool = False) -> str:
    """Content hash over ``(table, id, record digest)`` triples, in any order (sorted here),
    or already sorted (``presorted``: streamed, never held whole).

    >>> content_hash([]) == hashlib.sha256(b"").hexdigest()
    True
    """
    hasher = hashlib.sha256()
    for table, record_id, digest in digests if presorted else sorted(digests):
        hasher.update(f"{table}\t{record_id}\t{digest}\n".encode())
    return hasher.hexdigest()


def sha256_file(path: Path) -> str:
    """Lower-case hex SHA-256 of a file, read in 1 MiB blocks."""
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def dumps(value: Any) -> str:
    """Canonical JSON text for a file: sorted keys, two-space indent, trailing newline."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def jsonl(rows: Iterable[Record]) -> str:
    """One canonical JSON object per line (None fields kept, so every line has every key)."""
    return "".join(
        json.dumps(row.model_dump(mode="json"), sort_keys=True, ensure_ascii=False) + "\n"
        for row in rows
    )


def read_manifest(release: Path) -> Manifest:
    """Read ``<release>/manifest.json``; raises IntegrityError naming it when absent or bad."""
    path = release / MANIFEST_NAME
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise IntegrityError("missing", path=MANIFEST_NAME) from None
    except (OSError, ValidationError, ValueError) as exc:
        raise IntegrityError(f"not a valid manifest: {exc}", path=MANIFEST_NAME) from exc
