"""`instance-lint check`: lint files and report the findings; the exit status says what was found."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from linter.cli.options import ModelChooser, dagster_version_option, environment_options, max_file_size_option
from linter.environment import EnvironmentSettingError, build_environment
from linter.files import ReadProblem, SourceFile, default_targets, expand_targets, read_source, read_stdin
from linter.findings import Finding, Severity, Span
from linter.model.choice import VersionError
from linter.reporters import REPORTERS, Report
from linter.settings import SettingsError, SettingsFinder, cli_layer

EXIT_CLEAN, EXIT_ERRORS, EXIT_USAGE_OR_IO = 0, 1, 2


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # unreadable: reported, others checked
@click.option("--format", "output_format", type=click.Choice(["auto", *sorted(REPORTERS)]), default="auto",
              show_default=True, help="Output format (auto: github when GITHUB_ACTIONS=true, else text).")
@click.option("--output", "output_file", default=None, metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the report to FILE instead of standard output.")
@click.option("--stdin-filename", default=None, help="The name to report for input read from `-`.")
@environment_options
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text output (auto: only on a terminal, and not when NO_COLOR is set).")
@click.option("--select", "select", multiple=True, metavar="RULE,...",
              help="Check only these rules (repeatable; replaces the config file's `select`).")
@click.option("--ignore", "ignore", multiple=True, metavar="RULE,...", help="Do not check these rules (repeatable).")
@click.option("--severity", "severity", multiple=True, metavar="RULE=LEVEL",
              help="Report RULE at LEVEL: error, warning or info (repeatable).")
@click.option("--exit-zero", is_flag=True, default=False, help="Exit 0 even when errors are found.")
@click.option("--strict", is_flag=True, default=False, help="Exit 1 on warnings too, not only on errors.")
@click.option("--config", "config_file", default=None, metavar="FILE", type=click.Path(dir_okay=False),
              help="Read [tool.instance-lint] from FILE instead of the nearest pyproject.toml.")
@click.option("--import-classes", is_flag=True, default=False,
              help="Import classes from your own modules and check them (runs your code; needs Dagster).")
@click.option("--fix", is_flag=True, default=False,
              help="Apply the safe fixes in place (`-`: print the fixed text); report what remains.")
@click.option("--unsafe-fixes", is_flag=True, default=False, help="With --fix or --diff, also apply the unsafe fixes.")
@click.option("--diff", is_flag=True, default=False,
              help="Print the fixes as a unified diff and write nothing; exit 1 if there is any.")
@dagster_version_option
@max_file_size_option
def check(
    paths: tuple[str, ...],
    output_format: str,
    output_file: str | None,
    stdin_filename: str | None,
    env_files: tuple[str, ...],
    env_assignments: tuple[str, ...],
    color: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity: tuple[str, ...],
    exit_zero: bool,
    strict: bool,
    config_file: str | None,
    import_classes: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    dagster_version: str | None,
    max_file_size: int,
) -> None:
    """Check dagster.yaml files (default: $DAGSTER_HOME/dagster.yaml, else ./dagster.yaml).

    PATHS may be files, directories (searched for dagster.yaml / dagster.yml) or `-` for stdin.
    Rules are configured in [tool.instance-lint] of the nearest pyproject.toml above each file
    (or --config FILE); the command line wins. Each file is judged as the Dagster version of
    --dagster-version, else `dagster-version` in that table, else the nearest pin of `dagster`
    above the file (requirements*.txt, pyproject.toml, uv.lock, poetry.lock, Pipfile.lock),
    else the newest supported.
    Exit status: 0 no errors, 1 errors found (with --strict: or warnings), 2 a file could not be read
    or the usage is wrong.
    """
    from linter.manifests import lint_text_or_manifest, refuse_manifest_without_config

    try:
        environment = build_environment(os.environ, env_files, env_assignments)
        command_line = cli_layer(select, ignore, severity, exit_zero, dagster_version)
        settings_for = SettingsFinder(command_line, config_file)
        models = ModelChooser()
        if dagster_version is not None:  # a bad flag is a usage error before anything is read
            models.choose(dagster_version, "--dagster-version", None)
    except (EnvironmentSettingError, SettingsError, VersionError) as error:
        raise click.UsageError(str(error)) from None
    if import_classes:
        try:
            import linter.custom_classes  # noqa: F401
        except ModuleNotFoundError as error:
            if error.name != "linter.custom_classes":
                raise
            raise click.UsageError("--import-classes is not available in this version of instance-lint") from None
        import importlib.util

        if importlib.util.find_spec("dagster") is None:  # asked for a check that cannot happen: say so, exit 2
            raise click.UsageError(
                "--import-classes imports the classes the file names with Dagster's own loader, and Dagster is not"
                f" installed for {sys.executable}: install the Dagster your deployment runs there"
                " (e.g. `pip install 'dagster==1.13.*'` and the packages of your classes), or leave --import-classes out"
            )
    if output_format == "auto":  # as yamllint does: annotations when running in GitHub Actions
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    try:
        destination = open(output_file, "w", encoding="utf-8") if output_file else None  # noqa: SIM115
    except OSError as error:
        raise click.UsageError(f"--output: cannot write {output_file}: {error.strerror or error}") from None
    targets = list(paths) or default_targets(dict(os.environ))
    findings: list[Finding] = []
    sources, problems, checked, exit_zero_paths, versions, fixed = {}, [], 0, set(), {}, 0
    for target in expand_targets(targets):
        source = refuse_manifest_without_config(_read(target, stdin_filename, max_file_size))
        if isinstance(source, ReadProblem):
            problems.append(source)
            findings.append(Finding(source.display_path, Span(1, 1, 1, 1), Severity.ERROR, "read-error",
                                    f"{source.message}: nothing in it was checked"))
            continue
        named = target if target != "-" else (stdin_filename or "dagster.yaml")
        try:
            settings = settings_for(named)
            requested, where = settings.dagster_version or (None, "")
            choice, model = models.choose(requested, where, Path(named) if target != "-" or stdin_filename else None)
        except (SettingsError, VersionError) as error:
            raise click.UsageError(str(error)) from None
        checked += 1
        sources[source.display_path] = source.text.splitlines()
        versions[source.display_path] = choice
        if settings.exit_zero:
            exit_zero_paths.add(source.display_path)
        def lint(text: str, source=source, settings=settings, model=model, choice=choice) -> list[Finding]:
            return lint_text_or_manifest(text, source.display_path, environment, settings, import_classes, model,
                                         choice)

        text = source.text
        if fix or diff:
            from linter.cli.fixing import fix_source

            text, count = fix_source(target, source, lint, unsafe_fixes, diff)
            fixed += count
            sources[source.display_path] = text.splitlines()
        findings.extend(lint(text))

    if diff:  # the diff is the output: exit 1 when there is something to fix, as `ruff check --diff`
        for problem in problems:
            click.echo(f"{problem.display_path}: error: {problem.message}", err=True)
        click.echo(f"{fixed} finding(s) would be fixed" if fixed else "nothing to fix", err=True)
        sys.exit(EXIT_USAGE_OR_IO if problems else (EXIT_ERRORS if fixed else EXIT_CLEAN))
    if fix:
        click.echo(f"fixed {fixed} finding(s)", err=True)
    unread = {problem.display_path: problem.message for problem in problems}
    findings.sort(key=Finding.sort_key)
    for problem in problems:  # also on stderr, where a terminal or a CI log shows it whatever the format
        click.echo(f"{problem.display_path}: error: {problem.message}", err=True)
    if destination is None and fix and "-" in targets:  # stdout holds the fixed text: the report goes to stderr
        REPORTERS[output_format](Report(findings, sources, checked, False, versions, unread), sys.stderr)
    elif destination is None:
        use_color = color == "always" or (color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        REPORTERS[output_format](Report(findings, sources, checked, use_color, versions, unread), sys.stdout)
    else:
        with destination:
            REPORTERS[output_format](Report(findings, sources, checked, color == "always", versions, unread),
                                     destination)

    if problems:
        sys.exit(EXIT_USAGE_OR_IO)
    failing_levels = (Severity.ERROR, Severity.WARNING) if strict else (Severity.ERROR,)
    failing = any(f.severity in failing_levels and f.path not in exit_zero_paths for f in findings)
    sys.exit(EXIT_ERRORS if failing else EXIT_CLEAN)


def _read(target: str | ReadProblem, stdin_filename: str | None, limit: int) -> SourceFile | ReadProblem:
    if isinstance(target, ReadProblem):
        return target
    if target == "-":
        return read_source("-", read_stdin(sys.stdin.buffer, limit), stdin_filename or "-", limit)
    return read_source(target, limit=limit)
