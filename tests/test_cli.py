"""The `instance-lint check` command: targets, exit codes, I/O problems, formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import cli

REPO = Path(__file__).resolve().parent.parent
VALID = "telemetry:\n  enabled: false\n"
INVALID = "telemetry:\n  enabled: false\ndata_retention: {}\n"


def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["check", *args], input=stdin, env=env, catch_exceptions=False)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    valid = tmp_path / "valid" / "dagster.yaml"
    invalid = tmp_path / "invalid" / "dagster.yaml"
    for path, text in ((valid, VALID), (invalid, INVALID)):
        path.parent.mkdir()
        path.write_text(text)
    return {"valid": valid, "invalid": invalid, "root": tmp_path}


def test_valid_file_exits_zero(files):
    result = run(str(files["valid"]))
    assert result.exit_code == 0
    assert "No problems found in 1 file, judged as Dagster 1.13" in result.output


def test_invalid_file_reports_location_and_exits_one(files):
    result = run(str(files["invalid"]))
    assert result.exit_code == 1
    assert f"{files['invalid']}:3:1: error [unknown-key] unknown key `data_retention` at the top level" in result.output
    assert "did you mean `retention`?" in result.output
    assert "3 | data_retention: {}" in result.output
    assert "  | ^^^^^^^^^^^^^^" in result.output


def test_missing_file_is_an_io_problem_and_other_files_are_still_checked(files):
    missing = files["root"] / "nope" / "dagster.yaml"
    result = run(str(missing), str(files["invalid"]))
    assert result.exit_code == 2
    assert f"{missing}: error: no such file" in result.stderr
    assert "[unknown-key]" in result.stdout


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"telemetry:\n  enabled: \x00false\n", "not a text file (NUL byte at line 2, column 12)"),
        (b"telemetry:\n  enabled: \xff\n", "not UTF-8 text (byte 0xff at line 2, column 12)"),
    ],
)
def test_binary_and_non_utf8_files_exit_two_with_a_location(tmp_path, content, expected):
    path = tmp_path / "dagster.yaml"
    path.write_bytes(content)
    result = run(str(path))
    assert result.exit_code == 2
    assert f"{path}: error: {expected}" in result.output


def test_directories_are_searched_for_dagster_yaml_and_yml(files):
    nested = files["root"] / "deep" / "er" / "dagster.yml"
    nested.parent.mkdir(parents=True)
    nested.write_text(VALID)
    hidden = files["root"] / ".git" / "dagster.yaml"
    hidden.parent.mkdir()
    hidden.write_text("broken: [")
    result = run(str(files["root"]))
    assert result.exit_code == 1
    assert "in 3 files" in result.output
    assert ".git" not in result.output


def test_directory_with_no_config_is_an_io_problem(tmp_path):
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert "no dagster.yaml or dagster.yml found under this directory" in result.output


def test_symlink_loop_in_a_directory_does_not_hang(tmp_path):
    (tmp_path / "dagster.yaml").write_text(VALID)
    os.symlink(tmp_path, tmp_path / "loop")
    result = run(str(tmp_path))
    assert result.exit_code == 0
    assert "1 file" in result.output


def test_stdin_with_a_display_name(files):
    result = run("-", "--stdin-filename", "deploy/dagster.yaml", stdin=INVALID.encode())
    assert result.exit_code == 1
    assert "deploy/dagster.yaml:3:1: error [unknown-key]" in result.output


def test_without_paths_dagster_home_is_checked(files):
    result = run(env={"DAGSTER_HOME": str(files["invalid"].parent)})
    assert result.exit_code == 1
    assert str(files["invalid"]) + ":3:1" in result.output


def test_json_output_shape(files):
    result = run("--format", "json", str(files["invalid"]))
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert set(payload) == {"version", "findings", "files"}
    [judged] = payload["files"]  # files is a temporary directory: no `dagster` pin above it
    assert judged == {"path": str(files["invalid"]), "dagster_version": "1.13",
                      "dagster_version_source": "the newest; no `dagster` pin above the file"}
    [finding] = payload["findings"]
    assert finding == {
        "path": str(files["invalid"]),
        "line": 3,
        "column": 1,
        "end_line": 3,
        "end_column": 15,
        "severity": "error",
        "rule": "unknown-key",
        "key_path": "data_retention",
        "message": "unknown key `data_retention` at the top level; did you mean `retention`?",
        "suggestion": "retention",
    }


def test_python_dash_m_and_version():
    result = subprocess.run(
        [sys.executable, "-m", "linter", "--version"], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("instance-lint, version ")


def test_unknown_option_is_a_usage_error(files):
    result = CliRunner().invoke(cli, ["check", "--no-such-flag", str(files["valid"])])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_bundled_example_is_clean():
    """The README's quick start: the production-style example gives no findings at all."""
    example = REPO / "examples"
    result = run(str(example / "dagster.yaml"), "--env-file", str(example / "production.env"))
    assert result.exit_code == 0, result.output
    assert "No problems found in 1 file, judged as Dagster 1.13" in result.output


ENV_REFERENCE = "storage:\n  postgres:\n    postgres_url:\n      env: PG_URL\n"


def test_env_file_and_env_option_supply_env_references(tmp_path):
    config = tmp_path / "dagster.yaml"
    config.write_text(ENV_REFERENCE)
    env_file = tmp_path / "deploy.env"
    env_file.write_text('# comment\nexport PG_URL="postgresql://u:p@db/dagster"  # trailing\n')
    assert run(str(config), env={"PG_URL": None}).exit_code == 1
    assert run(str(config), "--env-file", str(env_file), env={"PG_URL": None}).exit_code == 0
    assert run(str(config), "--env", "PG_URL=postgresql://u:p@db/x", env={"PG_URL": None}).exit_code == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--env", "not an assignment"], "--env expects NAME=VALUE, got `not an assignment`"),
        (["--env-file", "missing.env"], "missing.env: cannot read the env file: No such file or directory"),
    ],
)
def test_malformed_environment_options_are_usage_errors(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dagster.yaml").write_text(VALID)
    result = run(*args, "dagster.yaml")
    assert result.exit_code == 2
    assert message in result.output


def test_malformed_env_file_line_names_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dagster.yaml").write_text(VALID)
    (tmp_path / "bad.env").write_text("GOOD=1\nthis is not a line\n")
    result = run("--env-file", "bad.env", "dagster.yaml")
    assert result.exit_code == 2
    assert "bad.env:2: expected `NAME=value`, got `this is not a line`" in result.output


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "gitlab", "github"])
def test_a_file_that_cannot_be_read_is_a_read_error_in_every_format(tmp_path, output_format):
    """Issue 13: a missing file is in the report itself (not only on stderr), counted, and the exit is 2;
    the file that could be read is still checked and reported."""
    import json
    import subprocess
    import sys

    good = tmp_path / "dagster.yaml"
    good.write_text("telemetry:\n  enabled: false\n")
    missing = tmp_path / "deploy" / "dagster.yml"
    run = [sys.executable, "-m", "linter", "check", "--format", output_format, str(good), str(missing)]
    result = subprocess.run(run, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2, result.stderr
    assert "read-error" in result.stdout and str(missing) in result.stdout
    if output_format == "text":
        assert "1 file could not be read" in result.stdout and "No problems found" not in result.stdout
    if output_format == "json":
        report = json.loads(result.stdout)
        assert [(f["path"], f["rule"], f["severity"]) for f in report["findings"]] == [
            (str(missing), "read-error", "error")]
        assert {"path": str(missing), "read_error": "no such file"} in report["files"]
    if output_format == "sarif":
        run_log = json.loads(result.stdout)["runs"][0]
        assert [r["ruleId"] for r in run_log["results"]] == ["read-error"]
        [invocation] = run_log["invocations"]
        assert invocation["executionSuccessful"] is False
        assert invocation["toolExecutionNotifications"][0]["level"] == "error"
