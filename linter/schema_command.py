"""`instance-lint schema`: print or write the JSON Schema for dagster.yaml that editors use."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from linter.catalog import SCHEMA_FILENAME, data_path


def schema_text() -> str:
    """The bundled schema, exactly as shipped (schema/dagster-instance.schema.json)."""
    return data_path(SCHEMA_FILENAME).read_text(encoding="utf-8")


@click.command("schema")
@click.option("--output", "-o", "output", default=None, metavar="PATH", type=click.Path(dir_okay=False),
              help="Write the schema to PATH instead of standard output.")
def schema_command(output: str | None) -> None:
    """Print the JSON Schema (draft-07) of dagster.yaml, for editors' YAML language servers."""
    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        click.echo(f"Error: cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(2)
