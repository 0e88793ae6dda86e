"""Configuring rules: --select/--ignore/--severity/--exit-zero, [tool.instance-lint] per file, --config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import cli

# One unknown-key error (line 3) and one duplicate-key error (line 5).
TWO_ERRORS = "telemetry:\n  enabled: false\ndata_retention: {}\ntelemetry:\n  enabled: true\n"


def run(*args: str, cwd: Path | None = None):
    return CliRunner().invoke(cli, ["check", "--format", "json", *args], catch_exceptions=False)


def rules_found(result) -> list[tuple[int, str, str]]:
    return [(f["line"], f["rule"], f["severity"]) for f in json.loads(result.stdout)["findings"]]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "dagster.yaml"
    path.write_text(TWO_ERRORS)
    return path


def test_defaults(config):
    result = run(str(config))
    assert result.exit_code == 1
    assert rules_found(result) == [(3, "unknown-key", "error"), (4, "duplicate-key", "error")]


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--select", "duplicate-key"], [(4, "duplicate-key", "error")]),
        (["--select", "duplicate-key,unknown-key"], [(3, "unknown-key", "error"), (4, "duplicate-key", "error")]),
        (["--select", "duplicate-key", "--select", "unknown-key"],
         [(3, "unknown-key", "error"), (4, "duplicate-key", "error")]),
        (["--ignore", "duplicate-key"], [(3, "unknown-key", "error")]),
        (["--ignore", "duplicate-key,unknown-key"], []),
        (["--severity", "unknown-key=warning"], [(3, "unknown-key", "warning"), (4, "duplicate-key", "error")]),
    ],
)
def test_command_line_options(config, args, expected):
    result = run(*args, str(config))
    assert rules_found(result) == expected
    assert result.exit_code == (1 if any(sev == "error" for *_, sev in expected) else 0)


def test_severity_demotion_clears_the_exit_code(config):
    result = run("--severity", "unknown-key=info", "--severity", "duplicate-key=warning", str(config))
    assert result.exit_code == 0
    assert rules_found(result) == [(3, "unknown-key", "info"), (4, "duplicate-key", "warning")]


def test_exit_zero(config):
    result = run("--exit-zero", str(config))
    assert result.exit_code == 0
    assert len(rules_found(result)) == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["--select", "unknown-kee"], "--select: unknown rule `unknown-kee`; did you mean `unknown-key`?"),
        (["--ignore", "nope"], "--ignore: unknown rule `nope` (`instance-lint rules` lists them)"),
        (["--select", ","], "--select: expected RULE[,RULE...], got `,`"),
        (["--severity", "unknown-key"], "--severity: expected RULE=error|warning|info, got `unknown-key`"),
        (["--severity", "unknown-key=fatal"], "--severity: severity must be `error`, `warning` or `info`, not `fatal`"),
        (["--severity", "unknwn-key=info"], "--severity: unknown rule `unknwn-key`; did you mean `unknown-key`?"),
    ],
)
def test_bad_command_line_values_exit_two(config, args, message):
    result = run(*args, str(config))
    assert result.exit_code == 2
    assert message in result.stderr


PYPROJECT = """\
[project]
name = "deploy"

[tool.instance-lint]
ignore = ["duplicate-key"]
exit-zero = false

[tool.instance-lint.severity]
unknown-key = "warning"
"""


def test_nearest_pyproject_applies(config):
    (config.parent / "pyproject.toml").write_text(PYPROJECT)
    result = run(str(config))
    assert rules_found(result) == [(3, "unknown-key", "warning")]
    assert result.exit_code == 0


def test_pyproject_found_from_a_parent_directory_and_without_the_table_passed_over(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    nested = tmp_path / "deploy" / "prod"
    nested.mkdir(parents=True)
    (tmp_path / "deploy" / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no table: skipped
    (nested / "dagster.yaml").write_text(TWO_ERRORS)
    result = run(str(nested / "dagster.yaml"))
    assert rules_found(result) == [(3, "unknown-key", "warning")]


def test_each_file_gets_the_settings_of_its_own_project(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for project, table in ((one, 'select = ["unknown-key"]\n'), (two, 'ignore = ["unknown-key"]\nexit-zero = true\n')):
        project.mkdir()
        (project / "pyproject.toml").write_text(f"[tool.instance-lint]\n{table}")
        (project / "dagster.yaml").write_text(TWO_ERRORS)
    result = run(str(one / "dagster.yaml"), str(two / "dagster.yaml"))
    findings = [(Path(f["path"]).parent.name, f["rule"]) for f in json.loads(result.stdout)["findings"]]
    assert findings == [("one", "unknown-key"), ("two", "duplicate-key")]
    assert result.exit_code == 1  # `one` has errors and no exit-zero
    assert run(str(two / "dagster.yaml")).exit_code == 0


def test_command_line_wins_over_the_file(config):
    (config.parent / "pyproject.toml").write_text(PYPROJECT)
    # --select names what runs even though the file ignores it; --severity overrides the file's level.
    result = run("--select", "duplicate-key,unknown-key", "--severity", "unknown-key=error", str(config))
    assert rules_found(result) == [(3, "unknown-key", "error"), (4, "duplicate-key", "error")]
    assert result.exit_code == 1
    # --ignore adds to the file's ignore list.
    assert rules_found(run("--ignore", "unknown-key", str(config))) == []


def test_config_option_replaces_discovery(config, tmp_path):
    (config.parent / "pyproject.toml").write_text(PYPROJECT)
    other = tmp_path / "lint.toml"
    other.write_text('[tool.instance-lint]\nselect = ["duplicate-key"]\n')
    result = run("--config", str(other), str(config))
    assert rules_found(result) == [(4, "duplicate-key", "error")]


def test_stdin_uses_the_pyproject_above_the_stdin_filename(config, monkeypatch):
    (config.parent / "pyproject.toml").write_text(PYPROJECT)
    monkeypatch.chdir(config.parent)
    result = CliRunner().invoke(cli, ["check", "--format", "json", "-", "--stdin-filename", "dagster.yaml"],
                                input=TWO_ERRORS)
    assert rules_found(result) == [(3, "unknown-key", "warning")]


@pytest.mark.parametrize(
    "table, message",
    [
        ('[tool.instance-lint]\nselect = [\n  "unknown-key",\n  "duplicat-key",\n]\n',
         "pyproject.toml:4: unknown rule `duplicat-key`; did you mean `duplicate-key`?"),
        ('[tool.instance-lint]\nignore = "unknown-key"\n', "pyproject.toml:2: `ignore` must be a list of rule names"),
        ('[tool.instance-lint]\nexit-zero = "yes"\n', "pyproject.toml:2: `exit-zero` must be true or false"),
        ('[tool.instance-lint]\nselct = []\n', "pyproject.toml:2: unknown key `selct` in [tool.instance-lint]; "
                                               "did you mean `select`?"),
        ('# deploy\n[tool.instance-lint.severity]\nunknown-key = "loud"\n',
         "pyproject.toml:3: severity must be `error`, `warning` or `info`, not `loud`"),
        ('[tool.instance-lint]\nseverity = { unknwn-key = "info" }\n',
         "pyproject.toml:2: unknown rule `unknwn-key`; did you mean `unknown-key`?"),
        ('[tool.instance-lint\n', "pyproject.toml: not valid TOML"),
    ],
)
def test_bad_config_file_exits_two_naming_file_and_line(config, monkeypatch, table, message):
    (config.parent / "pyproject.toml").write_text(table)
    monkeypatch.chdir(config.parent)
    result = run("dagster.yaml")
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_config_file_exits_two(config):
    result = run("--config", str(config.parent / "missing.toml"), str(config))
    assert result.exit_code == 2
    assert "missing.toml: no such file" in result.stderr
