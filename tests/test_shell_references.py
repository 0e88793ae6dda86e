"""placeholder-value, warning form: shell-style references Dagster never expands."""

from __future__ import annotations

from linter.api import lint_text
from linter.findings import Severity

POSTGRES = """storage:
  postgres:
    postgres_db:
      username: {username}
      password: {{env: P}}
      hostname: {hostname}
      db_name: dagster
"""


def _placeholders(text: str) -> list:
    found = [f for f in lint_text(text, "dagster.yaml", env={"P": "x"}) if f.rule == "placeholder-value"]
    assert all(f.severity is Severity.WARNING for f in found)
    return found


def test_whole_value_in_a_string_source_field_suggests_env() -> None:
    [finding] = _placeholders(POSTGRES.format(username="dagster", hostname="$PG_HOST"))
    assert finding.suggestion == "{env: PG_HOST}"
    assert "connects to a host named `$PG_HOST`" in finding.message


def test_default_operator_is_mentioned() -> None:
    [finding] = _placeholders(POSTGRES.format(username="${PG_USER:-dagster}", hostname="db"))
    assert finding.suggestion == "{env: PG_USER}"
    assert "no default" in finding.message


def test_part_of_a_path() -> None:
    [finding] = _placeholders("storage:\n  sqlite:\n    base_dir: $DAGSTER_HOME/storage\n")
    assert finding.suggestion is None and finding.line == 3
    assert "directory literally named `$DAGSTER_HOME`" in finding.message


def test_launcher_env_vars_entry() -> None:
    text = ("run_launcher:\n  module: dagster_docker\n  class: DockerRunLauncher\n  config:\n    env_vars:\n"
            "      - FOO=$BAR\n      - BAZ=$(QUX)\n      - PLAIN\n    container_kwargs:\n      command: echo $HOME\n")
    [finding] = _placeholders(text)
    assert finding.line == 6 and "literal text `$BAR`" in finding.message


def test_dollars_that_are_fine() -> None:
    text = POSTGRES.format(username="pa$$WORD", hostname="db") + (
        "python_logs:\n  dagster_handler_config:\n    formatters:\n      f:\n        format: '$HOME ${x}'\n"
        "local_artifact_storage:\n  module: dagster.core.storage.root\n  class: LocalArtifactStorage\n"
        "  config:\n    base_dir: /data/$lower/100$\n"
    )
    assert _placeholders(text) == []
