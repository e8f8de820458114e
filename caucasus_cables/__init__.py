"""caucasus-cables: diplomatic cables and news about Russia and the South Caucasus as typed,
validated, versioned records.

>>> import caucasus_cables
>>> caucasus_cables.Cable.model_fields["id"].description.startswith("Canonical reference id")
True
"""

from caucasus_cables._version import DATASET_VERSION, SCHEMA_VERSION, __version__
from caucasus_cables.catalog import read_catalog
from caucasus_cables.errors import (
    BuildError,
    CatalogError,
    CaucasusCablesError,
    IntegrityError,
    ParseError,
)
from caucasus_cables.records import (
    Cable,
    Classification,
    Genre,
    NewsArticle,
    Precedence,
)

# -- parsers (issue 3, issue 4) --
# -- build (issue 5) --
# -- loader (issue 6) --

__all__ = [
    "DATASET_VERSION",
    "SCHEMA_VERSION",
    "BuildError",
    "Cable",
    "CatalogError",
    "CaucasusCablesError",
    "Classification",
    "Genre",
    "IntegrityError",
    "NewsArticle",
    "ParseError",
    "Precedence",
    "__version__",
    "read_catalog",
]
