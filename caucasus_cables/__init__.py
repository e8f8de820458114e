"""caucasus-cables: diplomatic cables and news about Russia and the South Caucasus as typed,
validated, versioned records.

>>> import caucasus_cables
>>> caucasus_cables.Cable.model_fields["id"].description.startswith("Canonical reference id")
True
"""

from caucasus_cables import extract  # public cable field extractors (issue 3)
from caucasus_cables._version import DATASET_VERSION, SCHEMA_VERSION, __version__

# -- build (issue 5) --
from caucasus_cables.build import build, build_collection
from caucasus_cables.catalog import read_catalog

# -- entities and links (issue 9) --
from caucasus_cables.entities import find_links, find_mentions, resolve_entity
from caucasus_cables.errors import (
    BuildError,
    CatalogError,
    CaucasusCablesError,
    EntityLookupError,
    IntegrityError,
    LoadError,
    ParseError,
)

# -- loader (issue 6) --
from caucasus_cables.load import (
    DatasetInfo,
    data_dir,
    describe_tag,
    export,
    get_cable,
    info,
    iter_records,
    list_datasets,
    load,
    mentions_of,
    timeline,
    versions,
)

# -- parsers (issue 3, issue 4) --
from caucasus_cables.parse.cable import parse_cable
from caucasus_cables.parse.news import parse_news_article
from caucasus_cables.records import (
    Cable,
    Classification,
    Genre,
    NewsArticle,
    Precedence,
)
from caucasus_cables.validate import ValidationReport, validate_release

__all__ = [
    "DATASET_VERSION",
    "SCHEMA_VERSION",
    "BuildError",
    "Cable",
    "CatalogError",
    "CaucasusCablesError",
    "Classification",
    "DatasetInfo",
    "EntityLookupError",
    "Genre",
    "IntegrityError",
    "LoadError",
    "NewsArticle",
    "ParseError",
    "Precedence",
    "ValidationReport",
    "__version__",
    "build",
    "build_collection",
    "data_dir",
    "describe_tag",
    "export",
    "extract",
    "find_links",
    "find_mentions",
    "get_cable",
    "info",
    "iter_records",
    "list_datasets",
    "load",
    "mentions_of",
    "parse_cable",
    "parse_news_article",
    "read_catalog",
    "resolve_entity",
    "timeline",
    "validate_release",
    "versions",
]
