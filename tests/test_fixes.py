"""`check --fix`, `--unsafe-fixes` and `--diff` (issue 14, part 2).

Expected texts are written by hand from the input: the fixed file differs only where a finding's
suggestion replaces the text its span covers. Dagster is the judge of the fixed fixtures: where the
fixed findings were a file's only errors, real Dagster accepts the fixed file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dagster_oracle import judge
from fixture_markers import fixture_id, fixture_paths, load_markers
from linter.api import lint_text
from linter.findings import Severity
from linter.fixes import fix_text
from linter.rulebook import RULES, Fix, rule_doc

MISTAKES = """\
# a comment that stays
run_coordinator:
  module: dagster.core.run_coordinator   # the old path
  class: QueuedRunCoordinator
  config:
    max_concurent_runs: 5
retention:
  sensor:
    purge_after_days:
      skiped: 7
storage:
  postgres:
    postgres_db:
      username: { DAGSTER_PG_USERNAME }
      password: {env: DAGSTER_PG_PASSWORD}
      hostname: "db"
      db_name: dagster
telemetry:
  enabled: yes
"""

FIXED = """\
# a comment that stays
run_coordinator:
  module: dagster   # the old path
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 5
retention:
  sensor:
    purge_after_days:
      skipped: 7
storage:
  postgres:
    postgres_db:
      username: {env: DAGSTER_PG_USERNAME}
      password: {env: DAGSTER_PG_PASSWORD}
      hostname: "db"
      db_name: dagster
telemetry:
  enabled: true
"""

ENV = {"DAGSTER_PG_USERNAME": "u", "DAGSTER_PG_PASSWORD": "p"}


def _lint(text: str, env: dict | None = None) -> list:
    return lint_text(text, "dagster.yaml", env=ENV if env is None else env)


def _run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "linter", "check", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", **ENV})


def test_safe_fixes_change_only_the_fixed_text():
    fixed = fix_text(MISTAKES, "dagster.yaml", _lint, unsafe=False)
    assert fixed.text == FIXED
    assert sorted(f.rule for f in fixed.applied) == [
        "ambiguous-scalar", "invalid-retention", "legacy-form", "placeholder-value", "unknown-key"]
    assert _lint(fixed.text) == []
    assert fix_text(fixed.text, "dagster.yaml", _lint, unsafe=False).text == fixed.text  # idempotent


def test_line_endings_and_bom_are_kept():
    raw = "\ufeff" + MISTAKES.replace("\n", "\r\n")
    assert fix_text(raw, "dagster.yaml", _lint, unsafe=False).text == "\ufeff" + FIXED.replace("\n", "\r\n")


def test_a_file_with_a_syntax_error_is_never_touched():
    broken = MISTAKES + "  bad: [unclosed\n"
    fixed = fix_text(broken, "dagster.yaml", _lint, unsafe=True)
    assert fixed.text == broken and fixed.applied == []


def test_unsafe_fixes_only_when_asked():
    text = "concurrency:\n  pools:\n    granularity: rn\n"
    assert fix_text(text, "dagster.yaml", _lint, unsafe=False).text == text
    assert fix_text(text, "dagster.yaml", _lint, unsafe=True).text == "concurrency:\n  pools:\n    granularity: run\n"
    quoted_key = "python_logs:\n  dagster_handler_config:\n    handlers:\n      on: {}\n"  # `on` is true to Dagster
    assert all(f.rule != "ambiguous-scalar" or RULES[f.rule].fix is Fix.SAME_READING for f in _lint(quoted_key))
    assert fix_text(quoted_key, "dagster.yaml", _lint, unsafe=False).text == quoted_key  # quoting changes the key


def test_a_rename_onto_an_existing_key_is_not_made():
    text = "telemetry:\n  enabled: false\n  enabld: true\n"
    assert any(f.suggestion == "enabled" for f in _lint(text))
    assert fix_text(text, "dagster.yaml", _lint, unsafe=True).text == text  # would be a duplicate key


def test_a_fix_that_would_make_dagster_refuse_the_file_is_not_made():
    """`default_op_concurrency_limit` -> `pools.default_limit` nests the key, unless the run queue has limits:
    Dagster refuses those beside `concurrency.pools`, which it did not beside the deprecated key."""
    alone = "concurrency:\n  default_op_concurrency_limit: 3\n"
    assert fix_text(alone, "dagster.yaml", _lint, unsafe=False).text == "concurrency:\n  pools:\n    default_limit: 3\n"
    with_queue = ("run_coordinator:\n  module: dagster\n  class: QueuedRunCoordinator\n  config:\n"
                  "    max_concurrent_runs: 5\n" + alone)
    assert fix_text(with_queue, "dagster.yaml", _lint, unsafe=True).text == with_queue


def test_check_fix_writes_the_file_and_reports_what_remains(tmp_path):
    path = tmp_path / "dagster.yaml"
    path.write_text(MISTAKES + "run_launcher:\n  module: dagster\n  class: NoSuchLauncher\n")
    result = _run("--fix", "--format", "json", "dagster.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # the launcher has no close match: it remains
    assert path.read_text() == FIXED + "run_launcher:\n  module: dagster\n  class: NoSuchLauncher\n"
    assert '"rule": "unknown-class"' in result.stdout and "fixed 5 finding(s)" in result.stderr
    again = _run("--fix", "dagster.yaml", cwd=tmp_path)
    assert "fixed 0 finding(s)" in again.stderr and path.read_text().startswith(FIXED)


def test_diff_prints_and_writes_nothing(tmp_path):
    path = tmp_path / "dagster.yaml"
    path.write_text(MISTAKES)
    result = _run("--diff", "dagster.yaml", cwd=tmp_path)
    assert result.returncode == 1 and path.read_text() == MISTAKES
    assert result.stdout.startswith("--- a/dagster.yaml\n+++ b/dagster.yaml\n")
    assert "-    max_concurent_runs: 5\n+    max_concurrent_runs: 5\n" in result.stdout
    path.write_text(FIXED)
    clean = _run("--diff", "dagster.yaml", cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_fix_on_stdin_prints_the_fixed_text_and_reports_on_stderr(tmp_path):
    result = _run("--fix", "-", cwd=tmp_path, stdin=MISTAKES)
    assert result.returncode == 0, result.stderr
    assert result.stdout == FIXED
    assert "No problems found" in result.stderr


def test_every_fixable_rule_says_in_its_docs_whether_its_fix_is_safe():
    wording = {Fix.SAFE: "`--fix` applies it (safe)", Fix.UNSAFE: "only with `--unsafe-fixes`",
               Fix.SAME_READING: "`--fix` applies it when Dagster reads the replacement as it reads the text now"}
    for slug, info in RULES.items():
        doc = rule_doc(slug)
        if info.fix is None:
            assert "--fix" not in doc, slug
        else:
            assert wording[info.fix] in doc, slug


FIXTURES = fixture_paths()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture_id(p) for p in FIXTURES])
def test_fixed_fixture_is_accepted_by_dagster_when_the_fixes_were_its_only_errors(fixture, tmp_path):
    markers = load_markers(fixture)
    text = fixture.read_text()

    def lint(source: str) -> list:
        return lint_text(source, str(fixture), env=markers.env)

    fixed = fix_text(text, str(fixture), lint, unsafe=False)
    if not fixed.applied:
        pytest.skip("nothing to fix")
    assert fix_text(fixed.text, str(fixture), lint, unsafe=False).text == fixed.text  # idempotent
    if any(f.severity is Severity.ERROR for f in lint(fixed.text)) or markers.skip_imports:
        pytest.skip("errors remain that no safe fix covers")
    path = tmp_path / "dagster.yaml"
    path.write_text(fixed.text)
    verdict = judge(path, markers.env)
    assert verdict.accepted, (verdict.message, fixed.text)
