"""The dataset card (``README.md``) and its chart, generated at build time.

The YAML header is what the Hugging Face Hub and ``datasets`` read: one config per table
(``cables`` the default), ``dataset_info.features`` derived from the Arrow schemas (``list:``
for lists, as ``datasets`` writes them), licence, language, size and task categories. The prose
is generated too: field descriptions come from the record models' ``Field(description=...)``,
statistics from the rows as they are written. Nothing in the card depends on the clock or the
machine, so it is reproducible byte for byte.

The chart is drawn with matplotlib's Agg canvas (no pyplot, no global backend switch), the
bundled DejaVu Sans font, a fixed size and dpi and no ``Software`` PNG metadata: the same counts
give the same PNG bytes for one matplotlib version.
"""

from __future__ import annotations

import io
import typing
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

import pyarrow as pa
import pyarrow.compute as pc
import yaml
from pydantic import BaseModel

from caucasus_cables.tables import INDEX_COLUMN, PARENT_TABLES, TABLES, table_schema

__all__ = [
    "CHART_NAME",
    "CardInfo",
    "Statistics",
    "features_yaml",
    "render_card",
    "render_chart",
]

CHART_NAME = "documents_per_year.png"
TOP_N = 40
"""Longest statistics list shown in full; the rest is summed into one line."""


@dataclass(frozen=True)
class CardInfo:
    """What the card says that the rows do not: names, sources, how the release was made."""

    version: str
    name: str = "caucasus-cables"
    pretty_name: str = "Caucasus Cables"
    summary: str = (
        "Diplomatic cables and news articles about Russia, Georgia, South Ossetia, Abkhazia "
        "and the South Caucasus, parsed into typed, validated records: every field of the "
        "State Department telegram layout for cables, and text structure plus curated "
        "publication facts (with their provenance) for news."
    )
    sources: tuple[str, ...] = ()
    built_from: str = "the documents listed in the build's input ledger (`inputs.jsonl`)"
    command: str = "caucasus-cables build"


@dataclass
class Statistics:
    """Counts gathered from the rows as they are written, for the card and the chart."""

    counts: dict[str, dict[str, Counter]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )
    rows: Counter = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    """Entity id -> canonical name, from the ``entities`` table."""

    def update(self, table: str, rows: pa.Table) -> None:
        """Count one batch of a parent table's rows (or of ``mentions``, ``entities``,
        ``links``; a batch of mentions holds every mention of its documents)."""
        self.rows[table] += rows.num_rows
        counts = self.counts[table]
        if table == "mentions":
            pairs = zip(_values(rows, "document_id"), _values(rows, "entity_id"), strict=True)
            resolved = [(doc, entity) for doc, entity in pairs if entity is not None]
            counts["entity"].update(entity for _, entity in resolved)
            counts["entity_documents"].update(entity for _, entity in set(resolved))
            counts["resolution"].update(_values(rows, "resolution"))
        elif table == "entities":
            self.names.update(zip(_values(rows, "id"), _values(rows, "canonical"), strict=True))
        elif table == "links":
            counts["kind"].update(_values(rows, "kind"))
        if table == "cables":
            # Arrow counts the distinct values; Python sees each distinct value once.
            years = _value_counts(pc.utf8_slice_codeunits(rows.column("id"), 0, 2))
            counts["year"].update({_cable_year(yy): n for yy, n in years.items()})
            counts["classification"].update(_labels(_value_counts(rows.column("classification"))))
            counts["origin"].update(_labels(_value_counts(rows.column("origin"))))
            counts["tag"].update(_value_counts(pc.list_flatten(rows.column("tags"))))
        elif table == "news_articles":
            counts["year"].update(
                "(unknown)" if d is None else str(d.year) for d in _values(rows, "published")
            )
            for column in ("outlet", "language", "genre"):
                counts[column].update(_label(v) for v in _values(rows, column))

    def per_year(self) -> dict[str, Counter]:
        """Year -> documents per parent table."""
        years: dict[str, Counter] = defaultdict(Counter)
        for table, counts in self.counts.items():
            for year, n in counts["year"].items():
                years[year][table] += n
        return dict(sorted(years.items()))


def _values(rows: pa.Table, column: str) -> list:
    return rows.column(column).to_pylist()


def _value_counts(values: pa.Array | pa.ChunkedArray) -> Counter:
    """Distinct value -> count (None for nulls)."""
    counted = Counter()
    for item in pc.value_counts(values).to_pylist():
        counted[item["values"]] += item["counts"]
    return counted


def _labels(counts: Counter) -> Counter:
    labelled = Counter()
    for value, n in counts.items():
        labelled[_label(value)] += n
    return labelled


def _label(value: object) -> str:
    return "(none)" if value is None else str(value)


def _cable_year(cable_id: str) -> str:
    yy = int(cable_id[:2])
    return str(1900 + yy if yy >= 60 else 2000 + yy)


# -- YAML header -------------------------------------------------------------------------------


def features_yaml(schema: pa.Schema) -> list[dict]:
    """``dataset_info.features`` for an Arrow schema, in the form ``datasets`` writes.

    >>> features_yaml(pa.schema([("tags", pa.list_(pa.string()))]))
    [{'name': 'tags', 'list': 'string'}]
    """
    return [{"name": f.name, **_feature(f.type)} for f in schema]


def _feature(arrow: pa.DataType) -> dict:
    if pa.types.is_struct(arrow):
        return {"struct": [{"name": f.name, **_feature(f.type)} for f in arrow]}
    if pa.types.is_list(arrow):
        item = _feature(arrow.value_type)
        # A list of scalars is written 'list: string'; a list of structs as a list of fields.
        if "dtype" in item:
            return {"list": item["dtype"]}
        return {"list": item.get("struct", item)}
    return {"dtype": _dtype(arrow)}


def _dtype(arrow: pa.DataType) -> str:
    if pa.types.is_timestamp(arrow):
        return f"timestamp[{arrow.unit}, tz={arrow.tz}]" if arrow.tz else f"timestamp[{arrow.unit}]"
    if pa.types.is_date32(arrow):
        return "date32"
    if pa.types.is_boolean(arrow):
        return "bool"
    if pa.types.is_floating(arrow):
        return f"float{arrow.bit_width}"
    return str(arrow)


def _size_category(n: int) -> str:
    bounds = [
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ]
    for bound, label in bounds:
        if n < bound:
            return label
    return "n>10M"


def card_header(
    info: CardInfo,
    rows: Mapping[str, int],
    download: Mapping[str, int],
    memory: Mapping[str, int],
) -> dict:
    """The YAML header as a dict; per table: rows, Parquet bytes, uncompressed bytes.

    Only tables with rows are configs (``config_tables``): ``datasets`` cannot load an empty
    split, so an empty table keeps its (empty) Parquet file but is not offered as a config.
    """
    documents = sum(rows.get(name, 0) for name in PARENT_TABLES)
    configs = config_tables(rows)
    return {
        "pretty_name": info.pretty_name,
        "language": ["en"],
        "license": "other",
        "license_name": "mixed-public-domain-and-publisher-copyright",
        "license_link": "README.md",
        "size_categories": [_size_category(documents)],
        "task_categories": ["text-classification", "token-classification", "text-retrieval"],
        "tags": ["diplomacy", "cablegate", "russia", "georgia", "caucasus", "news"],
        "configs": [
            {
                "config_name": name,
                "data_files": [{"split": "train", "path": f"{name}/train-*.parquet"}],
                **({"default": True} if name == configs[0] else {}),
            }
            for name in configs
        ],
        "dataset_info": [
            {
                "config_name": name,
                "features": features_yaml(table_schema(name)),
                "splits": [
                    {
                        "name": "train",
                        "num_bytes": memory.get(name, 0),
                        "num_examples": rows.get(name, 0),
                    }
                ],
                "download_size": download.get(name, 0),
                "dataset_size": memory.get(name, 0),
            }
            for name in configs
        ],
    }


def config_tables(rows: Mapping[str, int]) -> list[str]:
    """Tables offered as Hugging Face configs: those with rows, ``cables`` first (the default).

    >>> config_tables({"cables": 3, "news_articles": 0, "cable_paragraphs": 9})
    ['cables', 'cable_paragraphs']
    """
    return [name for name in TABLES if rows.get(name, 0) > 0]


# -- Field descriptions ------------------------------------------------------------------------


def field_rows(model: type[BaseModel], schema: pa.Schema, prefix: str = "") -> list[tuple]:
    """(dotted name, type, description) for every field, nested fields after their parent."""
    rows = []
    for name, info in model.model_fields.items():
        arrow = schema.field(name)
        description = (info.description or "").strip()
        enum = _enum_of(info.annotation)
        if enum is not None:
            description += " One of: " + ", ".join(f"`{m.value}`" for m in enum) + "."
        rows.append((prefix + name, _readable(arrow), description))
        nested = _nested_model(info.annotation)
        if nested is not None:
            inner = arrow.type.value_type if pa.types.is_list(arrow.type) else arrow.type
            suffix = "[]." if pa.types.is_list(arrow.type) else "."
            rows += field_rows(nested, pa.schema(list(inner)), prefix + name + suffix)
    return rows


def _readable(arrow: pa.Field) -> str:
    kind = arrow.type
    if pa.types.is_list(kind):
        inner = kind.value_type
        text = "list<struct>" if pa.types.is_struct(inner) else f"list<{_dtype(inner)}>"
    elif pa.types.is_struct(kind):
        text = "struct"
    else:
        text = _dtype(kind)
    return text + (", nullable" if arrow.nullable else "")


def _unwrapped_args(annotation: object) -> Iterable[object]:
    stack = [annotation]
    while stack:
        current = stack.pop()
        args = typing.get_args(current)
        if args:
            stack.extend(args)
        else:
            yield current


def _enum_of(annotation: object) -> type[Enum] | None:
    for arg in _unwrapped_args(annotation):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return arg
    return None


def _nested_model(annotation: object) -> type[BaseModel] | None:
    for arg in _unwrapped_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _field_table(name: str) -> str:
    spec = TABLES[name]
    schema = table_schema(name)
    rows = []
    if spec.is_child:
        rows.append((spec.key, "string", f"Id of the parent record in `{spec.parent}`."))
        rows.append(
            (INDEX_COLUMN, "int64", f"0-based position in `{spec.parent}.{spec.list_field}`.")
        )
        schema = pa.schema(list(schema)[2:])
    rows += field_rows(spec.model, schema)
    lines = ["| Field | Type | Description |", "|---|---|---|"]
    lines += [f"| `{n}` | {t} | {_cell(d)} |" for n, t, d in rows]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# -- Statistics --------------------------------------------------------------------------------


def _count_table(title: str, counter: Counter, *, by_count: bool = True) -> str:
    if not counter:
        return f"{title}: none.\n"
    if by_count:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    else:
        items = sorted(counter.items())
    shown, rest = items[:TOP_N], items[TOP_N:]
    lines = [f"| {title} | Count |", "|---|---:|"]
    lines += [f"| {_cell(str(k))} | {v:,} |" for k, v in shown]
    if rest:
        lines.append(f"| ({len(rest):,} more) | {sum(v for _, v in rest):,} |")
    return "\n".join(lines) + "\n"


TOP_ENTITIES = 20
"""Entities listed in the card's 'most mentioned' table."""


def _entities_section(stats: Statistics) -> str:
    mentions = stats.counts.get("mentions", {})
    documents = mentions.get("entity_documents", Counter())
    if not documents:
        return "No entity mentions.\n"
    top = sorted(documents.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ENTITIES]
    lines = ["| Entity | Id | Documents | Mentions |", "|---|---|---:|---:|"]
    lines += [
        f"| {_cell(stats.names.get(entity, entity))} | `{entity}` | {n:,} | "
        f"{mentions['entity'][entity]:,} |"
        for entity, n in top
    ]
    return "\n".join(lines) + "\n"


def _statistics_section(stats: Statistics) -> str:
    parents = list(PARENT_TABLES)
    years = stats.per_year()
    lines = ["| Year | " + " | ".join(parents) + " |", "|---|" + "---:|" * len(parents)]
    lines += [
        f"| {year} | " + " | ".join(f"{per[t]:,}" for t in parents) + " |"
        for year, per in years.items()
    ]
    cables = stats.counts.get("cables", {})
    news = stats.counts.get("news_articles", {})
    parts = [
        "### Documents per year\n",
        f"![Documents per year, cables and news articles]({CHART_NAME})\n",
        "\n".join(lines) + "\n",
        "Cables are counted by the year of their id (which the build checks against the date-"
        "time group); news articles by publication year.\n",
        "### Cables by classification\n",
        _count_table("Classification", cables.get("classification", Counter())),
        "### Cables by origin\n",
        _count_table("Origin", cables.get("origin", Counter())),
        "### Cables by tag\n",
        _count_table("Tag", cables.get("tag", Counter())),
        "### News articles by outlet\n",
        _count_table("Outlet", news.get("outlet", Counter())),
        "### News articles by language\n",
        _count_table("Language", news.get("language", Counter())),
        f"### Most mentioned entities (top {TOP_ENTITIES}, by documents)\n",
        _entities_section(stats),
        "### Mentions by resolution\n",
        _count_table("Resolution", stats.counts.get("mentions", {}).get("resolution", Counter())),
        "### Links by kind\n",
        _count_table("Kind", stats.counts.get("links", {}).get("kind", Counter())),
    ]
    return "\n".join(parts)


# -- The card ----------------------------------------------------------------------------------


def render_card(
    info: CardInfo,
    stats: Statistics,
    rows: Mapping[str, int],
    download: Mapping[str, int],
    memory: Mapping[str, int],
    counts: Mapping[str, int],
    content_sha256: str,
) -> str:
    """The whole ``README.md``: YAML header, then prose, statistics and field descriptions.

    ``rows``, ``download`` and ``memory`` are per table (rows, Parquet bytes, uncompressed
    bytes); ``counts`` holds inputs, records and quarantined.
    """
    header = yaml.safe_dump(
        card_header(info, rows, download, memory), sort_keys=False, allow_unicode=True, width=100
    )
    configs = config_tables(rows)
    contents = ["| Config | Rows | What it holds |", "|---|---:|---|"]
    contents += [
        f"| `{name}`{_config_note(name, configs)} | {rows.get(name, 0):,} | "
        f"{_cell(spec.description)} |"
        for name, spec in TABLES.items()
    ]
    sources = "\n".join(f"- {line}" for line in info.sources) or "- (not stated)"
    fields = "\n\n".join(f"### `{name}`\n\n{_field_table(name)}" for name in TABLES)
    return _CARD.format(
        header=header,
        pretty_name=info.pretty_name,
        summary=info.summary,
        version=info.version,
        contents="\n".join(contents),
        sources=sources,
        built_from=info.built_from,
        command=info.command,
        inputs=counts.get("inputs", 0),
        records=counts.get("records", 0),
        quarantined=counts.get("quarantined", 0),
        content_sha256=content_sha256,
        statistics=_statistics_section(stats),
        fields=fields,
        name_key=info.name.replace("-", "_"),
    )


_CARD = """\
---
{header}---

# {pretty_name}

{summary}

Dataset version **{version}**. Every field of every record is described below; the statistics
are computed from the rows at build time.

## Contents

{contents}

Each config is a folder of Parquet shards (`<config>/train-NNNNN-of-MMMMM.parquet`, rows sorted
by id). Nested fields (recipients, references, paragraphs, quotes, interview turns) are lists
of structs; the `cable_*` configs repeat three of them as flat tables keyed by `cable_id` and
`index`, for tools that prefer flat data. `entities` is the packaged gazetteer, `mentions`
flattens every record's `mentions` (keyed by `document_id` and `start`, offsets into `body`),
and `links` joins documents that cite each other or report the same event, with the evidence.

```python
from datasets import load_dataset

cables = load_dataset("path/to/this/folder", "cables", split="train")
paragraphs = load_dataset("path/to/this/folder", "cable_paragraphs", split="train")
```

Any Parquet reader works too (`pandas.read_parquet("cables/")`, DuckDB, Polars, Spark).

## Sources

{sources}

## How it was built

Built with `{command}` (package `caucasus-cables`) from {built_from}.
Each input is read as bytes, hashed, decoded (a BOM or UTF-16's NULs decide, else UTF-8, then
cp1252, then latin-1; the encoding used is kept in `source.encoding`) and parsed into a
pydantic record. Records are
checked again as tables with pandera (unique ids; enum values; the id's year equals the year of
the date-time group; cables dated 1960-2011; no paragraph marked above the cable's
classification; tags match the tag pattern; child rows unique and attached to an existing
cable; news dates within their stated precision; language codes; every mention's offsets
inside its body with `body[start:end] == text`, every entity id known, every link's ends
existing documents). Mentions are found after parsing, with the packaged gazetteer; links are
computed once over the whole collection. An input that cannot be
read, decoded, parsed or checked, or whose id was already taken, is not dropped silently: it
is listed in `quarantine.jsonl` with the stage and the reason.

- Inputs: {inputs:,}; records: {records:,}; quarantined: {quarantined:,}. `inputs.jsonl` lists
  every input with its sha256 and what it became.
- `manifest.json` lists every file with its sha256, size and row count, and a content hash of
  the records (`{content_sha256}`) that does not depend on the Parquet writer.
- `croissant.json` describes the same files and fields in MLCommons Croissant 1.1.
- Builds are deterministic: the same inputs give byte-identical files (fixed Parquet writer
  settings, no timestamps, no absolute paths).

## Statistics

{statistics}
## Fields

{fields}

## Versioning

Dataset versions follow the policy in the package's CHANGELOG: MAJOR when a field is removed,
renamed or retyped or values are corrected; MINOR when records or optional fields are added;
PATCH for metadata only. A released version folder is never changed; a new version is built
beside it.

## License

The cable texts are works of the United States government, which are not subject to copyright
in the United States (17 U.S.C. § 105); they were published by WikiLeaks in 2010-2011. News
article texts remain the copyright of their publishers and are included for research; check the
publisher's terms before redistributing them. The structure, annotations and code are MIT
licensed.

## Limitations

- The cables are leaked documents: they record what diplomats reported and believed, not
  established fact, and the collection is a biased sample of US diplomatic traffic.
- Fields are parsed from text: a field the parser cannot read is left empty, and repairs are
  listed in each cable's `parse_notes`. Texts come from web mirrors and can carry their
  transcription quirks (reflowed lines, `¶` markers, redactions such as `XXXXXXXXXXXX`).
- News publication facts not in the text (outlet, date, URL, language) were supplied by people;
  `provenance` says for each whether it was checked against a source (curated) or reasoned
  (inferred).
- Names of private persons appear in the texts; use the data for research, with care.

## Citation

```bibtex
@misc{{{name_key},
  title        = {{{pretty_name}: diplomatic cables and news about Russia and the South
                  Caucasus as typed records}},
  author       = {{{{caucasus-cables developers}}}},
  howpublished = {{Dataset, version {version}}},
  note         = {{Content hash {content_sha256}}}
}}
```
"""


def _config_note(name: str, configs: list[str]) -> str:
    if name not in configs:
        return " (empty: Parquet file only, not a config)"
    return " (default)" if name == configs[0] else ""


# -- The chart ---------------------------------------------------------------------------------


def render_chart(stats: Statistics) -> bytes:
    """PNG bar chart of documents per year (stacked by table), with deterministic bytes."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    years = {year: per for year, per in stats.per_year().items() if year.isdigit()}
    parents = list(PARENT_TABLES)
    style = {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "path.simplify": False,
        "hatch.linewidth": 1.0,
    }
    with rc_context(style):
        figure = Figure(figsize=(8, 3.2), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        xs = [int(y) for y in years]
        bottom = [0] * len(xs)
        colors = {"cables": "#1f4e79", "news_articles": "#c55a11"}
        for table in parents:
            heights = [years[str(x)][table] for x in xs]
            axes.bar(
                xs,
                heights,
                bottom=bottom,
                width=0.8,
                label=table,
                color=colors.get(table, "#777777"),
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axes.set_xlabel("Year")
        axes.set_ylabel("Documents")
        axes.set_title("Documents per year")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.legend(frameon=False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()
