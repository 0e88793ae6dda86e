"""`missing-env-var` against real Dagster: every fixture with a `missing-env-var` error marker is
refused by Dagster as written (the variable unset, or set to a value its reader cannot use), and
accepted once each variable named on a marker line holds a plausible value of the right form, when
the linter no longer reports `missing-env-var` either.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from dagster_shared.yaml_utils import DagsterYamlLoader

from dagster_oracle import judge
from fixture_markers import fixture_id, fixture_paths, load_markers
from linter.api import newest_model
from linter.api import lint_text
from linter.findings import KeyPath
from linter.rules.env_vars import env_references

_NAME_ON_LINE = re.compile(r"\b(?:env|json_credentials_envvar):\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)")


def _error_markers(path: Path) -> list[int]:
    markers = load_markers(path)
    severities = dict(markers.severities)
    return sorted(
        line
        for line, rule in markers.expected
        if rule == "missing-env-var" and severities.get((line, rule), "error") == "error"
    )


FIXTURES = [path for path in fixture_paths() if _error_markers(path)]


def _plausible(name: str, key: str, source_type: str | None) -> str:
    """A value of the form the field's reader needs."""
    if key == "json_credentials_envvar":
        return '{"type": "service_account", "project_id": "acme"}'
    if source_type == "IntSource":
        return "10"
    if source_type == "BoolSource":
        return "true"
    return {"task_definition": "dagster-run", "bucket": "acme-bucket", "hostname": "db.internal"}.get(key, "dagster")


def _last_key(path: KeyPath) -> str:
    return next((part for part in reversed(path) if isinstance(part, str)), "")


def _fixed_env(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    data = yaml.load(text, Loader=DagsterYamlLoader)
    sources = {reference.name: reference for reference in env_references(data, newest_model())}
    env = dict(load_markers(path).env)
    for line in _error_markers(path):
        match = _NAME_ON_LINE.search(lines[line - 1])
        assert match is not None, f"line {line}: a `missing-env-var` marker names no variable on its line"
        name = match["name"]
        reference = sources.get(name)
        if reference is not None:
            key = _last_key(reference.path)
        else:  # read by a constructor: `task_definition: {env: NAME}` or `json_credentials_envvar: NAME`
            written = re.match(r"\s*(?:- )?(?P<key>[A-Za-z_]+):", lines[line - 1])
            key = written["key"] if written and written["key"] != "env" else _key_above(lines, line)
        env[name] = _plausible(name, key, reference.source_type if reference else None)
    return env


def _key_above(lines: list[str], line: int) -> str:
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for above in reversed(lines[: line - 1]):
        stripped = above.lstrip()
        if stripped and not stripped.startswith("#") and len(above) - len(stripped) < indent:
            return stripped.split(":", 1)[0].lstrip("- ")
    return ""


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture_id(p) for p in FIXTURES])
def test_dagster_rejects_missing_and_accepts_once_set(fixture: Path) -> None:
    markers = load_markers(fixture)
    skips = markers.skip_imports
    before = judge(fixture, markers.env, skip_imports=skips)
    assert not before.accepted, f"Dagster accepts {fixture_id(fixture)} with its variables missing"

    env = _fixed_env(fixture)
    findings = lint_text(fixture.read_text(encoding="utf-8"), str(fixture), env=env)
    assert not [f for f in findings if f.rule == "missing-env-var"], [f.message for f in findings]
    if any(severity_of_marker == "error" for severity_of_marker in _other_error_rules(fixture)):
        pytest.skip("the fixture also expects other errors; only the env var findings are compared")
    after = judge(fixture, env, skip_imports=skips)
    assert after.accepted, f"Dagster still refuses {fixture_id(fixture)} with {env}: {after}"


def _other_error_rules(fixture: Path) -> list[str]:
    from linter.rulebook import severity_of

    markers = load_markers(fixture)
    severities = dict(markers.severities)
    return [
        severities.get((line, rule), severity_of(rule).value)
        for line, rule in markers.expected
        if rule != "missing-env-var"
    ]


def test_every_missing_env_var_fixture_is_covered() -> None:
    assert len(FIXTURES) >= 8


def test_set_but_empty_string_source_is_a_warning_int_source_an_error() -> None:
    text = ("storage:\n  postgres:\n    postgres_db:\n      username: {env: U}\n      password: {env: P}\n"
            "      hostname: db\n      db_name: dagster\nrun_queue:\n  max_concurrent_runs: {env: N}\n")
    findings = [f for f in lint_text(text, "dagster.yaml", env={"U": "", "P": "x", "N": ""})
                if f.rule == "missing-env-var"]
    assert [(f.line, f.severity.value) for f in findings] == [(4, "warning"), (9, "error")]
    assert "set but empty; Dagster will use an empty string" in findings[0].message


def test_close_name_suggestion() -> None:
    text = ("storage:\n  postgres:\n    postgres_db:\n      username: {env: DAGSTER_PG_USER}\n"
            "      password: x\n      hostname: db\n      db_name: dagster\n")
    [finding] = [f for f in lint_text(text, "dagster.yaml", env={"DAGSTER_PG_USERNAME": "u"})
                 if f.rule == "missing-env-var"]
    assert finding.suggestion == "DAGSTER_PG_USERNAME"
