"""The ``caucasus-cables`` command: parse arguments, call one library function, map errors.

Exit codes: 0 success, 1 an error this package raised on purpose (message on stderr), 2 usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from caucasus_cables.errors import CaucasusCablesError

app = typer.Typer(
    name="caucasus-cables",
    help="Build, validate and explore the caucasus-cables dataset.",
    no_args_is_help=True,
    add_completion=False,
)


VersionOption = Annotated[
    str | None, typer.Option("--version", help="Dataset version (default: newest shipped).")
]
"""The ``--version`` option every command that reads a shipped release takes."""


@app.callback()
def _root() -> None:
    """Build, validate and explore the caucasus-cables dataset."""


def _fail(exc: CaucasusCablesError) -> typer.Exit:
    typer.secho(str(exc), err=True, fg="red")
    return typer.Exit(1)


@app.command()
def schemas(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the JSON Schemas to.")] = Path(
        "schemas"
    ),
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 if the folder differs from the models."
        ),
    ] = False,
) -> None:
    """Export the record models as JSON Schema (or check the committed files)."""
    from caucasus_cables.schemas import schema_drift, write_schemas

    if check:
        drift = schema_drift(out)
        if drift:
            typer.secho(
                f"schema drift in {out}: {', '.join(drift)}; run 'caucasus-cables schemas'",
                err=True,
                fg="red",
            )
            raise typer.Exit(1)
        typer.echo(f"{out}: schemas match the models")
        return
    for path in write_schemas(out):
        typer.echo(f"wrote {path}")


@app.command()
def build(
    seeds: Annotated[Path, typer.Option(help="Seeds folder with catalog.yaml.")] = Path("seeds"),
    input_dir: Annotated[
        Path | None,
        typer.Option("--input", help="Build from a folder of cable .txt files (no catalog)."),
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Parent folder; the release is written to OUT/<version>/.")
    ] = Path("data"),
    strict: Annotated[
        bool | None,
        typer.Option(
            "--strict/--no-strict",
            help="Fail, publishing nothing, when any input is quarantined (default: strict "
            "for seeds, lenient for --input).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; rebuild in a temporary folder and exit 1 if OUT/<version>/ "
            "differs byte for byte.",
        ),
    ] = False,
    workers: Annotated[int, typer.Option(min=1, help="Processes that parse in parallel.")] = 1,
) -> None:
    """Build the dataset release data/<version>/ from seeds/ (or from --input DIR)."""
    from caucasus_cables._version import DATASET_VERSION
    from caucasus_cables.build import build_release, check_build

    source = input_dir if input_dir is not None else seeds
    collection = input_dir is not None
    try:
        if check:
            differing = check_build(
                source, out, collection=collection, strict=strict, workers=workers
            )
        else:
            with _progress() as progress:
                published = build_release(
                    source,
                    out,
                    collection=collection,
                    strict=strict,
                    workers=workers,
                    progress=progress,
                )
    except CaucasusCablesError as exc:
        raise _fail(exc) from exc
    release = out / DATASET_VERSION
    if check:
        if differing:
            typer.secho(
                f"{release} differs from a fresh build: {', '.join(differing)}", err=True, fg="red"
            )
            raise typer.Exit(1)
        typer.echo(f"{release} matches a fresh build byte for byte")
        return
    _report_build(published)


def _report_build(published) -> None:
    manifest = published.manifest
    counts = manifest.inputs
    verb = "built" if published.status == "created" else "unchanged (same records):"
    typer.echo(
        f"{verb} {published.path}: {counts.inputs} inputs = {counts.records} records + "
        f"{counts.quarantined} quarantined; content sha256 {manifest.content_sha256}"
    )
    if counts.quarantined:
        typer.secho(
            f"{counts.quarantined} input(s) quarantined: see {published.path}/quarantine.jsonl",
            err=True,
            fg="yellow",
        )
    if published.differences:
        typer.secho(
            "kept the released files, although these differ from this build: "
            f"{', '.join(published.differences)} (run 'caucasus-cables build --check')",
            err=True,
            fg="yellow",
        )


class _RichProgress:
    """A rich progress bar on a terminal; nothing otherwise."""

    def __init__(self) -> None:
        from rich.progress import Progress

        self._bar = Progress(transient=True)
        self._task = None

    def start(self, total: int) -> None:
        self._task = self._bar.add_task("parsing", total=total)

    def advance(self, done: int) -> None:
        self._bar.advance(self._task, done)

    def __enter__(self) -> _RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()


def _progress():
    import contextlib
    import sys

    return _RichProgress() if sys.stderr.isatty() else contextlib.nullcontext()


@app.command()
def validate(
    path: Annotated[
        Path | None, typer.Argument(help="Release folder (default: data/<DATASET_VERSION>).")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Also write the report as JSON.")] = None,
) -> None:
    """Check a built release: checksums, schemas, records, tables, card, load_dataset, Croissant."""
    from caucasus_cables._version import DATASET_VERSION
    from caucasus_cables.validate import validate_release

    result = validate_release(path if path is not None else Path("data") / DATASET_VERSION)
    if report is not None:
        report.write_text(result.to_json(), encoding="utf-8")
    typer.echo(result.summary())
    if not result.ok:
        raise typer.Exit(1)


# -- loader (issue 6) -------------------------------------------------------------------------


@app.command()
def info(
    name: Annotated[
        str | None, typer.Argument(help="A dataset (table), e.g. cables; all when left out.")
    ] = None,
    version: VersionOption = None,
) -> None:
    """Show a shipped release: versions, row counts, sha256, licence, citation."""
    from caucasus_cables.load import info as _info

    try:
        typer.echo(_info(name, version).summary())
    except CaucasusCablesError as exc:
        raise _fail(exc) from exc


@app.command()
def show(
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="A cable id (07MOSCOW4307) or a news article id.")
    ],
    version: VersionOption = None,
    raw: Annotated[bool, typer.Option("--raw", help="Print the text as it came in.")] = False,
) -> None:
    """Show one record, readably (or its raw text)."""
    from rich.console import Console

    from caucasus_cables._show import render_record
    from caucasus_cables.load import find_record

    try:
        record = find_record(record_id, version=version)
    except CaucasusCablesError as exc:
        raise _fail(exc) from exc
    if raw:
        typer.echo(record.raw_text)
        return
    Console().print(render_record(record))


@app.command()
def mentions(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="An entity name, variant or id, e.g. Kokoity.")
    ],
    version: VersionOption = None,
) -> None:
    """List the passages that mention an entity, in date order."""
    from caucasus_cables.load import mentions_of

    try:
        rows = mentions_of(name, version=version)
    except CaucasusCablesError as exc:
        raise _fail(exc) from exc
    for row in rows.itertuples(index=False):
        typer.echo(f"{row.date or '(undated)'}  {row.document_id}  ¶{row.paragraph}: {row.passage}")
    typer.echo(f"{len(rows)} mention(s) in {rows['document_id'].nunique()} document(s)")


def _where(pairs: list[str]) -> dict[str, str | list[str]]:
    """'KEY=VALUE' pairs -> filters; VALUE lists several values, comma separated (except for
    contains, whose text may hold commas)."""
    filters: dict[str, str | list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--where")
        if key in filters:
            raise typer.BadParameter(f"{key} given twice", param_hint="--where")
        values = [v.strip() for v in value.split(",")]
        filters[key] = value.strip() if key == "contains" or len(values) == 1 else values
    return filters


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")],
    name: Annotated[str, typer.Argument(help="A dataset (table), e.g. cables.")] = "cables",
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or parquet.")] = (
        "parquet"
    ),
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            "-w",
            help="Filter KEY=VALUE, repeatable, all must hold: tags=GG,AM (any of), "
            "tags_all=GG,RS, classification=SECRET, station=TBILISI, date_from=2008-08, "
            "date_to=2008, contains=South Ossetia. 'caucasus-cables info' lists the columns.",
        ),
    ] = None,
    columns: Annotated[
        str | None, typer.Option("--columns", "-c", help="Columns to keep, comma separated.")
    ] = None,
    version: VersionOption = None,
) -> None:
    """Write a dataset, filtered, to a JSON Lines, CSV or Parquet file."""
    from caucasus_cables.load import EXPORT_FORMATS
    from caucasus_cables.load import export as _export

    if format not in EXPORT_FORMATS:
        raise typer.BadParameter(
            f"{format!r} is not one of: {', '.join(EXPORT_FORMATS)}", param_hint="--format"
        )
    filters = _where(where or [])
    selected = [c.strip() for c in columns.split(",")] if columns else None
    try:
        rows = _export(name, out, format=format, version=version, columns=selected, where=filters)
    except CaucasusCablesError as exc:
        raise _fail(exc) from exc
    typer.echo(f"wrote {rows} rows of {name} to {out}")


@app.command()
def publish(
    repo_id: Annotated[
        str, typer.Option("--repo-id", help="Hub dataset repository, e.g. my-org/caucasus-cables.")
    ],
    version: VersionOption = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check the release and print the plan; upload nothing."),
    ] = False,
    private: Annotated[bool, typer.Option("--private", help="Create the repo private.")] = False,
) -> None:
    """Upload a release folder to the Hugging Face Hub and tag it v<version>."""
    from caucasus_cables.publish import plan_publish
    from caucasus_cables.publish import publish as _publish

    try:
        plan = plan_publish(repo_id, version=version)
        if dry_run:
            typer.echo("dry run: would " + plan.summary())
            return
        url = _publish(plan, private=private)
    except CaucasusCablesError as exc:
        raise _fail(exc) from exc
    typer.echo(f"published {plan.version} to {plan.url} as {plan.tag}: {url}")


def main() -> None:
    """Console-script entry point."""
    app()
