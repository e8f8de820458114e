"""The seed catalog: which files make up the dataset, their checksums and curated facts.

``seeds/catalog.yaml`` is the only place that says what the build reads. Reading it is strict,
because a silently skipped or silently changed seed would change the dataset without a trace:
a file whose sha256 differs, a listed file that is missing and a file that is not listed are
each a :class:`~caucasus_cables.errors.CatalogError` naming the path.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, field_validator

from caucasus_cables.errors import CatalogError
from caucasus_cables.records.cable import CABLE_ID_PATTERN
from caucasus_cables.records.common import SHA256_PATTERN, ProvenanceKind, Record
from caucasus_cables.records.news import NEWS_ID_PATTERN, DatePrecision

CATALOG_NAME = "catalog.yaml"


class DocumentKind(str, Enum):
    """Which parser a seed goes through."""

    CABLE = "cable"
    NEWS_ARTICLE = "news_article"


class CatalogValue(Record):
    """One curated or inferred fact about a document, with where it comes from."""

    value: Any = Field(default=None, description="The value; null when unknown.")
    kind: ProvenanceKind = Field(description="curated (checked against source_url) or inferred.")
    source_url: str | None = Field(default=None, description="Where a person can check it.")
    note: str | None = Field(default=None, description="Reasoning or remarks.")
    precision: DatePrecision | None = Field(
        default=None, description="For dates: day, month or year."
    )

    @field_validator("kind")
    @classmethod
    def _not_parsed(cls, kind: ProvenanceKind) -> ProvenanceKind:
        # 'parsed' means read from the text; the catalog by definition holds what the text lacks.
        if kind is ProvenanceKind.PARSED:
            raise ValueError("catalog values are curated or inferred, never parsed")
        return kind


class CatalogEntry(Record):
    """One seed file."""

    path: str = Field(description="Path relative to the seeds folder, '/' separated.")
    sha256: str = Field(pattern=SHA256_PATTERN, description="SHA-256 of the file's bytes.")
    kind: DocumentKind = Field(description="cable or news_article.")
    id: str | None = Field(
        default=None, description="Record id; required for news articles, optional for cables."
    )
    original_name: str | None = Field(
        default=None, description="File name the seed had when it was handed to the project."
    )
    metadata: dict[str, CatalogValue] = Field(
        default_factory=dict, description="Facts the text does not carry, by record field name."
    )

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str | None) -> str | None:
        if value is not None and not (
            re.match(CABLE_ID_PATTERN, value) or re.match(NEWS_ID_PATTERN, value)
        ):
            raise ValueError(f"id {value!r} is neither a cable id nor a news id")
        return value


class Catalog(Record):
    """The whole catalog file."""

    catalog_version: int = Field(ge=1, description="Format version of the catalog file.")
    documents: list[CatalogEntry] = Field(description="Every seed, one entry each.")


@dataclass(frozen=True)
class SeedDocument:
    """A seed read from disk and checked against its catalog entry."""

    entry: CatalogEntry
    data: bytes

    @property
    def path(self) -> str:
        return self.entry.path


def sha256_bytes(data: bytes) -> str:
    """Lower-case hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def read_catalog(seeds: Path) -> Catalog:
    """Read and check ``seeds/catalog.yaml`` against the files beside it.

    Raises CatalogError naming the path when the catalog is missing or malformed, a listed
    file is missing, a file's sha256 differs, a path is listed twice, or a file under ``seeds``
    is not listed.
    """
    catalog_path = seeds / CATALOG_NAME
    catalog = _load_catalog_file(catalog_path)
    listed: set[str] = set()
    for entry in catalog.documents:
        if entry.path in listed:
            raise CatalogError("listed twice in catalog.yaml", path=entry.path)
        listed.add(entry.path)
        _check_entry(seeds, entry)
    for path in sorted(_files_under(seeds)):
        if path != CATALOG_NAME and path not in listed:
            raise CatalogError(
                "file is in seeds/ but not listed in catalog.yaml; add an entry with its "
                "sha256 and kind, or remove the file",
                path=path,
            )
    return catalog


def iter_seed_documents(seeds: Path) -> Iterator[SeedDocument]:
    """Yield every catalogued seed with its bytes, in catalog path order (checked first)."""
    catalog = read_catalog(seeds)
    for entry in sorted(catalog.documents, key=lambda e: e.path):
        yield SeedDocument(entry=entry, data=(seeds / entry.path).read_bytes())


def _load_catalog_file(catalog_path: Path) -> Catalog:
    if not catalog_path.is_file():
        raise CatalogError("catalog not found", path=str(catalog_path))
    try:
        raw = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CatalogError(f"not valid YAML: {exc}", path=str(catalog_path)) from exc
    try:
        return Catalog.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(f"malformed catalog: {exc}", path=str(catalog_path)) from exc


def _check_entry(seeds: Path, entry: CatalogEntry) -> None:
    file = seeds / entry.path
    if not file.is_file():
        raise CatalogError("listed in catalog.yaml but missing from seeds/", path=entry.path)
    actual = sha256_bytes(file.read_bytes())
    if actual != entry.sha256:
        raise CatalogError(
            f"sha256 differs from catalog.yaml: file has {actual}, catalog says {entry.sha256}; "
            "seeds are immutable, so restore the file or update the catalog on purpose",
            path=entry.path,
        )
    if entry.kind is DocumentKind.NEWS_ARTICLE and entry.id is None:
        raise CatalogError("news articles need an 'id' in catalog.yaml", path=entry.path)


def _files_under(root: Path) -> Iterator[str]:
    for file in root.rglob("*"):
        if file.is_file():
            yield file.relative_to(root).as_posix()
