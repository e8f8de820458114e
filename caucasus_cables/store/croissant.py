"""``croissant.json``: the release described in MLCommons Croissant 1.1 (JSON-LD).

One ``cr:FileObject`` per Parquet shard (with its sha256 and size), one ``cr:FileSet`` per table
(the shards' glob) and one ``cr:RecordSet`` per table whose fields are derived from the same
Arrow schema as the Parquet files: structs become ``subField``s read with a JSONPath transform,
lists are ``isArray``, child tables reference their parent's id. The ``@context`` is the
standard Croissant 1.1 context, written out so that validating needs no network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa

from caucasus_cables.store.manifest import FileEntry, TableEntry
from caucasus_cables.tables import INDEX_COLUMN, TABLES, table_schema

__all__ = ["CONTEXT", "CROISSANT_NAME", "croissant"]

CROISSANT_NAME = "croissant.json"
PARQUET = "application/x-parquet"

CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""The Croissant 1.1 JSON-LD context (as mlcroissant writes it for 1.1)."""


def _data_type(arrow: pa.DataType) -> str:
    if pa.types.is_boolean(arrow):
        return "sc:Boolean"
    if pa.types.is_integer(arrow):
        return "sc:Integer"
    if pa.types.is_floating(arrow):
        return "sc:Float"
    if pa.types.is_timestamp(arrow):
        return "sc:DateTime"
    if pa.types.is_date(arrow):
        return "sc:Date"
    return "sc:Text"


def _field(
    record_set: str,
    arrow: pa.Field,
    file_set: str,
    column: str,
    path: Sequence[str],
    descriptions: Mapping[str, str],
) -> dict:
    """One cr:Field; ``path`` is the JSONPath below the column for nested fields."""
    dotted = ".".join([column, *path])
    node: dict = {
        "@type": "cr:Field",
        "@id": f"{record_set}/{'/'.join([column, *path])}",
        "name": arrow.name,
    }
    if dotted in descriptions:
        node["description"] = descriptions[dotted]
    kind = arrow.type
    if pa.types.is_list(kind):
        node["isArray"] = True
        node["arrayShape"] = "-1"
        kind = kind.value_type
    if pa.types.is_struct(kind):
        node["subField"] = [
            _field(record_set, child, file_set, column, [*path, child.name], descriptions)
            for child in kind
        ]
        return node
    node["dataType"] = _data_type(kind)
    source: dict = {"fileSet": {"@id": file_set}, "extract": {"column": column}}
    if path:
        source["transform"] = [{"jsonPath": part} for part in path]
    node["source"] = source
    return node


def _record_set(name: str, descriptions: Mapping[str, str]) -> dict:
    spec = TABLES[name]
    file_set = f"{name}-parquet"
    fields = [
        _field(name, arrow, file_set, arrow.name, [], descriptions) for arrow in table_schema(name)
    ]
    node: dict = {
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": spec.description,
        "field": fields,
    }
    if spec.is_child:
        node["key"] = [{"@id": f"{name}/{spec.key}"}, {"@id": f"{name}/{INDEX_COLUMN}"}]
        for field in fields:
            if field["@id"] == f"{name}/{spec.key}":
                field["references"] = {"field": {"@id": f"{spec.parent}/id"}}
    else:
        keys = [{"@id": f"{name}/{column}"} for column in spec.keys]
        node["key"] = keys[0] if len(keys) == 1 else keys
    if name == "mentions":
        for field in fields:
            if field["@id"] == "mentions/entity_id":
                field["references"] = {"field": {"@id": "entities/id"}}
    return node


def croissant(
    *,
    name: str,
    description: str,
    version: str,
    license_text: str,
    cite_as: str,
    files: Sequence[FileEntry],
    tables: Mapping[str, TableEntry],
    descriptions: Mapping[str, Mapping[str, str]],
) -> dict:
    """The Croissant document for a release.

    ``descriptions`` maps table -> dotted field name -> description (from the models).
    """
    by_path = {entry.path: entry for entry in files}
    distribution: list[dict] = []
    for table in TABLES:
        for path in tables[table].files:
            entry = by_path[path]
            distribution.append(
                {
                    "@type": "cr:FileObject",
                    "@id": path,
                    "name": path,
                    "contentUrl": path,
                    "contentSize": f"{entry.bytes} B",
                    "encodingFormat": PARQUET,
                    "sha256": entry.sha256,
                }
            )
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": f"{table}-parquet",
                "name": f"{table}-parquet",
                "description": f"Parquet shards of the {table} table.",
                "encodingFormat": PARQUET,
                "includes": f"{table}/*.parquet",
            }
        )
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "name": name,
        "description": description,
        "version": version,
        "license": license_text,
        "citeAs": cite_as,
        "inLanguage": "en",
        "keywords": ["diplomatic cables", "Cablegate", "Russia", "Georgia", "Caucasus", "news"],
        "distribution": distribution,
        "recordSet": [_record_set(table, descriptions.get(table, {})) for table in TABLES],
    }
