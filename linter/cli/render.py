"""The `render` command: lint the file, then print the instance Dagster would build from it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from linter.cli.options import ModelChooser, dagster_version_option, environment_options, max_file_size_option
from linter.environment import EnvironmentSettingError, build_environment
from linter.files import ReadProblem, SourceFile, default_targets, expand_targets, read_source, read_stdin
from linter.findings import Severity
from linter.model.choice import VersionError
from linter.settings import SettingsError, SettingsFinder, cli_layer

if TYPE_CHECKING:
    from linter.manifests import EmbeddedConfig

SECTION_HELP = "Print only this top-level section (e.g. run_launcher, storage, retention)."


@click.command()
@click.argument("path", required=False, type=click.Path(readable=False))
@click.option("--format", "output_format", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True,
              help="yaml: a loadable dagster.yaml; json: the same data as one JSON object.")
@environment_options
@click.option("--keep-env", is_flag=True, default=False, help="Leave `env:` references as they are.")
@click.option("--show-secrets", is_flag=True, default=False, help="Show secrets instead of `***`.")
@click.option("--show-origin", is_flag=True, default=False,
              help="Say where each value came from (YAML comments; a parallel `origin` field in JSON).")
@click.option("--expand", is_flag=True, default=False,
              help="Also show the run, event-log and schedule storages `storage` implies (a view, not loadable).")
@click.option("--only", "only", default=None, metavar="KEY", help=SECTION_HELP)
@click.option("--dagster-home", "dagster_home", default=None, metavar="DIR",
              help="The DAGSTER_HOME that default paths derive from (default: $DAGSTER_HOME).")
@dagster_version_option
@max_file_size_option
def render(path: str | None, output_format: str, env_files: tuple[str, ...], env_assignments: tuple[str, ...],
           keep_env: bool, show_secrets: bool, show_origin: bool, expand: bool, only: str | None,
           dagster_home: str | None, dagster_version: str | None, max_file_size: int) -> None:
    """Print the instance Dagster would build from PATH (default: $DAGSTER_HOME/dagster.yaml, else
    ./dagster.yaml): every slot and setting, with Dagster's defaults and `env:` resolved.

    Nothing is written and no database is opened. A file with errors is not rendered: its findings
    are printed as `check` prints them, and the exit status is 1.
    """
    from linter.api import lint_document
    from linter.document import parse_document
    from linter.render import redact, select, to_json, to_yaml
    from linter.reporters import REPORTERS, Report
    from linter.resolve import resolve
    from linter.rules.placeholder_strings import stands_in_for_a_value

    target = path or default_targets(dict(os.environ))[0]
    try:
        environment = build_environment(os.environ, env_files, env_assignments)
        models = ModelChooser()
        if dagster_version is not None:  # a bad flag is a usage error before anything is read
            models.choose(dagster_version, "--dagster-version", None)
    except (EnvironmentSettingError, VersionError) as error:
        raise click.UsageError(str(error)) from None
    if target != "-" and os.path.isdir(target):  # found as `check` finds it: the one dagster.yaml below it
        found = list(expand_targets([target]))
        if len(found) > 1:
            raise click.UsageError(f"{target} holds {len(found)} instance configs ({', '.join(map(str, found))}):"
                                   " render takes one; name it")
        [target] = found
    source = target if isinstance(target, ReadProblem) else (
        read_source("-", read_stdin(sys.stdin.buffer, max_file_size), "-", max_file_size) if target == "-"
        else read_source(target, limit=max_file_size))
    if isinstance(source, ReadProblem):
        click.echo(f"{source.display_path}: error: {source.message}", err=True)
        sys.exit(2)
    try:
        settings = SettingsFinder(cli_layer((), (), (), False, dagster_version), None)(
            target if target != "-" else "dagster.yaml")
        requested, where = settings.dagster_version or (None, "")
        choice, model = models.choose(requested, where, Path(target) if target != "-" else None)
    except (SettingsError, VersionError) as error:
        raise click.UsageError(str(error)) from None
    embedded = _embedded_config(source)  # a Kubernetes manifest: the dagster.yaml its ConfigMap holds
    document = parse_document(embedded.text if embedded else source.text, source.display_path)
    findings = lint_document(document, environment, model=model, version=choice)
    if embedded is not None:
        findings = [embedded.to_manifest(finding, source.display_path) for finding in findings]
    if keep_env:  # references are not read, so unset variables do not matter
        findings = [f for f in findings if f.rule != "missing-env-var"]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or not isinstance(document.data, dict):
        REPORTERS["text"](Report(findings, {source.display_path: source.text.splitlines()}, 1, False), sys.stdout)
        sys.exit(1)

    home = dagster_home if dagster_home is not None else environment.get("DAGSTER_HOME") or None
    header = []
    if home:
        home = os.path.abspath(os.path.expanduser(home))
    else:
        header.append("DAGSTER_HOME is not set: Dagster would use a temporary directory; "
                      "$DAGSTER_HOME below stands for it")
    resolved = resolve(document, environment, home, model, keep_env=keep_env)
    header.append(f"judged as {choice.describe()}")
    header += resolved.notes
    if only is not None and only not in resolved.data and only not in resolved.implied:
        raise click.UsageError(f"--only: no section `{only}` (one of: {', '.join(resolved.data)})")
    data, origins = select(resolved, only)
    def left_to_fill(value: str) -> bool:
        return stands_in_for_a_value(value, model)

    if not show_secrets:
        data = redact(data, left_to_fill, env_sources=resolved.env_sources)
    if output_format == "json":
        for line in header:
            click.echo(f"note: {line}", err=True)
        click.echo(to_json(data, origins if show_origin else None))
        return
    implied = {} if only is not None else (
        redact(resolved.implied, left_to_fill, env_sources=resolved.env_sources) if not show_secrets else resolved.implied)
    unwritten = resolved.unwritten if only is None else {}  # a section asked for by name is shown as a key
    click.echo(to_yaml(data, origins if show_origin else None, header, implied, resolved.implied_origins, expand,
                       unwritten, resolved.shared), nl=False)


def _embedded_config(source: SourceFile) -> EmbeddedConfig | None:
    """The one dagster.yaml a manifest holds; None for a file that is not a manifest."""
    from linter.manifests import NO_INSTANCE_CONFIG, read_manifest

    manifest = read_manifest(source.text)
    if manifest is None:
        return None
    if not manifest.configs:
        click.echo(f"{source.display_path}: error: {NO_INSTANCE_CONFIG}: nothing to render", err=True)
        sys.exit(2)
    if len(manifest.configs) > 1:
        names = ", ".join(config.configmap for config in manifest.configs)
        raise click.UsageError(f"{source.display_path} holds {len(manifest.configs)} ConfigMaps with an instance config"
                               f" ({names}): render takes one; give it a manifest with only that ConfigMap"
                               " (e.g. `helm template ... --show-only templates/configmap-instance.yaml`)")
    return manifest.configs[0]
