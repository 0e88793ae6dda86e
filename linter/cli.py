"""The `instance-lint` command line."""

from __future__ import annotations

import os
import sys

import click

from linter import __version__
from linter.environment import EnvironmentSettingError, build_environment
from linter.files import ReadProblem, SourceFile, default_targets, expand_targets, read_source
from linter.findings import Severity
from linter.reporters import REPORTERS, Report

EXIT_CLEAN, EXIT_ERRORS, EXIT_USAGE_OR_IO = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="instance-lint")
def cli() -> None:
    """Validate and lint Dagster's instance config file, dagster.yaml."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True,
              help="Output format.")
@click.option("--stdin-filename", default=None, help="The name to report for input read from `-`.")
@click.option("--env-file", "env_files", multiple=True, metavar="FILE",
              help="Read environment variables for `env:` references from a dotenv file (repeatable).")
@click.option("--env", "env_assignments", multiple=True, metavar="NAME=VALUE",
              help="Set an environment variable for `env:` references (repeatable; wins over --env-file).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text output (auto: only on a terminal, and not when NO_COLOR is set).")
def check(
    paths: tuple[str, ...],
    output_format: str,
    stdin_filename: str | None,
    env_files: tuple[str, ...],
    env_assignments: tuple[str, ...],
    color: str,
) -> None:
    """Check dagster.yaml files (default: $DAGSTER_HOME/dagster.yaml, else ./dagster.yaml).

    PATHS may be files, directories (searched for dagster.yaml / dagster.yml) or `-` for stdin.
    Exit status: 0 no errors, 1 errors found, 2 a file could not be read or the usage is wrong.
    """
    from linter.api import lint_text

    try:
        environment = build_environment(os.environ, env_files, env_assignments)
    except EnvironmentSettingError as error:
        raise click.UsageError(str(error)) from None
    targets = list(paths) or default_targets(dict(os.environ))
    findings, sources, problems, checked = [], {}, [], 0
    for target in expand_targets(targets):
        source = _read(target, stdin_filename)
        if isinstance(source, ReadProblem):
            problems.append(source)
            continue
        checked += 1
        sources[source.display_path] = source.text.splitlines()
        findings.extend(lint_text(source.text, source.display_path, environment))

    for problem in problems:
        click.echo(f"{problem.display_path}: error: {problem.message}", err=True)
    use_color = color == "always" or (color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    REPORTERS[output_format](Report(findings, sources, checked, use_color), sys.stdout)

    if problems:
        sys.exit(EXIT_USAGE_OR_IO)
    sys.exit(EXIT_ERRORS if any(f.severity is Severity.ERROR for f in findings) else EXIT_CLEAN)


def _read(target: str | ReadProblem, stdin_filename: str | None) -> SourceFile | ReadProblem:
    if isinstance(target, ReadProblem):
        return target
    if target == "-":
        return read_source("-", sys.stdin.buffer.read(), stdin_filename or "-")
    return read_source(target)


def main() -> None:
    cli(prog_name="instance-lint")
