"""`instance-lint check --strict`: warnings fail the run too (exit 1), as yamllint's --strict."""

from __future__ import annotations

from click.testing import CliRunner

from linter.cli import cli

WARNING_ONLY = "telemetry:\n  enabled: yes\n"  # ambiguous-scalar (warning)
INFO_ONLY = "telemetry:\n  enabled: false  # instance-lint: disable=unknown-key\n"  # unused-suppression


def run(tmp_path, text: str, *args: str):
    path = tmp_path / "dagster.yaml"
    path.write_text(text)
    return CliRunner().invoke(cli, ["check", *args, str(path)], catch_exceptions=False)


def test_warnings_pass_without_strict_and_fail_with_it(tmp_path):
    assert run(tmp_path, WARNING_ONLY).exit_code == 0
    result = run(tmp_path, WARNING_ONLY, "--strict")
    assert result.exit_code == 1
    assert "2:12: warning [ambiguous-scalar]" in result.output


def test_strict_ignores_info_and_yields_to_exit_zero(tmp_path):
    assert "info [unused-suppression]" in run(tmp_path, INFO_ONLY, "--strict").output
    assert run(tmp_path, INFO_ONLY, "--strict").exit_code == 0
    assert run(tmp_path, WARNING_ONLY, "--strict", "--exit-zero").exit_code == 0
    assert run(tmp_path, "telemetry:\n  enabled: false\n", "--strict").exit_code == 0
