"""The ``caucasus-cables`` command: parse arguments, call one library function, map errors.

Exit codes: 0 success, 1 an error this package raised on purpose (message on stderr), 2 usage.
"""

from __future__ import annotations

from pathlib import Path

import typer

from caucasus_cables.errors import CaucasusCablesError

app = typer.Typer(
    name="caucasus-cables",
    help="Build, validate and explore the caucasus-cables dataset.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Build, validate and explore the caucasus-cables dataset."""


def _fail(exc: CaucasusCablesError) -> typer.Exit:
    typer.secho(str(exc), err=True, fg="red")
    return typer.Exit(1)


@app.command()
def schemas(
    out: Path = typer.Option(Path("schemas"), "--out", help="Folder to write the JSON Schemas to."),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 if the folder differs from the models."
    ),
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


def main() -> None:
    """Console-script entry point."""
    app()
