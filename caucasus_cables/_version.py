"""The package version and the dataset version, each declared once.

The package version follows the code; the dataset version follows the data (see the
versioning policy in CHANGELOG.md). The build writes ``data/<DATASET_VERSION>/``.
"""

__version__ = "0.1.0"
DATASET_VERSION = "1.1.0"
SCHEMA_VERSION = "1.1.0"
