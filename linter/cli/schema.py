"""`instance-lint schema`: print or write the JSON Schema for dagster.yaml that editors use."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from linter.model.choice import VersionError, requested_version
from linter.model.store import editor_schema_path, schema_path, supported_versions
from linter.cli.options import dagster_version_option


def schema_text(dagster_version: str | None = None) -> str:
    """The bundled schema, exactly as shipped: the newest version's (schema/dagster-instance.schema.json,
    the path editors use), or the one of `dagster_version`'s minor (schema/<X.Y>/)."""
    if dagster_version is None:
        return editor_schema_path().read_text(encoding="utf-8")
    choice = requested_version(dagster_version, "--dagster-version", supported_versions())
    return schema_path(choice.version).read_text(encoding="utf-8")


@click.command("schema")
@click.option("--output", "-o", "output", default=None, metavar="PATH", type=click.Path(dir_okay=False),
              help="Write the schema to PATH instead of standard output.")
@dagster_version_option
def schema_command(output: str | None, dagster_version: str | None) -> None:
    """Print the JSON Schema (draft-07) of dagster.yaml, for editors' YAML language servers
    (default: the newest supported Dagster version's)."""
    try:
        text = schema_text(dagster_version)
    except VersionError as error:
        raise click.UsageError(str(error)) from None
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        click.echo(f"Error: cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(2)
