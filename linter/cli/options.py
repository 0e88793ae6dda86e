"""Options more than one command takes: `--env-file`/`--env`, and `--dagster-version` with the models a
run judges files with."""

from __future__ import annotations

from pathlib import Path

import click

from linter.model import DagsterModel
from linter.model.choice import VersionChoice, choose_version
from linter.model.store import load_model, supported_versions

dagster_version_option = click.option(
    "--dagster-version", "dagster_version", default=None, metavar="X.Y",
    help="Judge as this Dagster version (1.11 or 1.11.16; default: `dagster-version` in [tool.instance-lint], "
         "else the nearest `dagster` pin above the file, else the newest supported).")


class ModelChooser:
    """Chooses each file's version and loads each version's model once per run."""

    def __init__(self) -> None:
        self.supported = supported_versions()
        self.models: dict[str, DagsterModel] = {}

    def choose(self, requested: str | None, where: str, checked_file: Path | None) -> tuple[VersionChoice, DagsterModel]:
        choice = choose_version(requested, where, checked_file, self.supported)
        if choice.version not in self.models:
            self.models[choice.version] = load_model(choice.version)
        return choice, self.models[choice.version]


def environment_options(command):
    """`--env-file FILE` and `--env NAME=VALUE`, shared by every command that resolves `env:`."""
    command = click.option(
        "--env", "env_assignments", multiple=True, metavar="NAME=VALUE",
        help="Set an environment variable for `env:` references (repeatable; wins over --env-file).",
    )(command)
    return click.option(
        "--env-file", "env_files", multiple=True, metavar="FILE",
        help="Read environment variables for `env:` references from a dotenv file (repeatable).",
    )(command)


def _size(value: str | int) -> int:
    from linter.files import parse_size

    if isinstance(value, int):
        return value
    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def max_file_size_option(command):
    """`--max-file-size SIZE`: the largest file read (a bigger one is a `read-error`)."""
    from linter.files import MAX_FILE_BYTES

    return click.option(
        "--max-file-size", "max_file_size", default=str(MAX_FILE_BYTES // 1_000_000) + "MB", show_default=True,
        metavar="SIZE", callback=lambda _context, _parameter, value: _size(value),
        help="Refuse files larger than this (bytes, or KB/MB/GB): reading costs about 3 s and 100 MB per MB.",
    )(command)
