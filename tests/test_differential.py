"""Differential tests: the linter against real Dagster, on every fixture under tests/fixtures/.

For each fixture (judged under its `# env:` lines):
- the linter reports an error that Dagster can see  <=>  Dagster refuses the file;
- the linter's findings are exactly the fixture's `# expect:` markers, as (line, rule);
- the markers agree with Dagster: a fixture that expects an error Dagster can see is refused by
  Dagster, any other fixture is accepted. (This one needs only the oracle.)
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import yaml
from dagster_shared.yaml_utils import DagsterYamlLoader

from dagster_oracle import Verdict, judge
from fixture_markers import FixtureMarkers, fixture_id, fixture_paths, load_markers
from linter.findings import Severity
from linter.rulebook import RULES, severity_of

FIXTURES = fixture_paths()

parametrize_fixtures = pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture_id(p) for p in FIXTURES])


@functools.lru_cache(maxsize=None)
def _markers(fixture: Path) -> FixtureMarkers:
    return load_markers(fixture)


@functools.lru_cache(maxsize=None)
def _verdict(fixture: Path) -> Verdict:
    markers = _markers(fixture)
    return judge(fixture, markers.env, skip_imports=markers.skip_imports)


def _expects_visible_error(markers: FixtureMarkers) -> bool:
    severities = dict(markers.severities)
    return any(
        severities.get((line, rule), severity_of(rule).value) == Severity.ERROR.value and rule not in markers.dagster_blind
        for line, rule in markers.expected
    )


def _lint(fixture: Path):
    from linter.api import lint_text

    markers = _markers(fixture)
    return lint_text(fixture.read_text(encoding="utf-8"), str(fixture), env=markers.env)


def _describe(findings) -> str:
    return "\n".join(f"  {f.span.line}:{f.span.column} {f.rule} [{f.severity.value}] {f.message}" for f in findings)


@parametrize_fixtures
def test_linter_rejects_exactly_when_dagster_does(fixture: Path) -> None:
    markers = _markers(fixture)
    findings = _lint(fixture)
    visible_errors = [
        f for f in findings if f.severity is Severity.ERROR and f.rule not in markers.dagster_blind
    ]
    verdict = _verdict(fixture)
    assert bool(visible_errors) == (not verdict.accepted), (
        f"Dagster {'accepts' if verdict.accepted else 'rejects'} {fixture_id(fixture)}"
        f" ({verdict.stage}: {verdict.message}); the linter's findings:\n{_describe(findings) or '  none'}"
    )


@parametrize_fixtures
def test_linter_findings_match_expect_markers(fixture: Path) -> None:
    findings = _lint(fixture)
    actual = {(f.span.line, f.rule) for f in findings}
    expected = set(_markers(fixture).expected)
    assert actual == expected, (
        f"missing: {sorted(expected - actual)}\nunexpected: {sorted(actual - expected)}\n"
        f"all findings:\n{_describe(findings) or '  none'}"
    )
    for (line, rule), severity in _markers(fixture).severities:
        found = {f.severity.value for f in findings if (f.span.line, f.rule) == (line, rule)}
        assert found == {severity}, f"line {line}: `{rule}` expected as {severity}, found {sorted(found)}"


@parametrize_fixtures
def test_oracle_agrees_with_fixture_intent(fixture: Path) -> None:
    markers = _markers(fixture)
    verdict = _verdict(fixture)
    if _expects_visible_error(markers):
        assert not verdict.accepted, f"the markers expect an error Dagster can see, but Dagster accepts: {verdict}"
    else:
        assert verdict.accepted, f"the markers expect no error Dagster can see, but Dagster rejects: {verdict}"


@parametrize_fixtures
def test_fixture_markers_are_well_formed(fixture: Path) -> None:
    markers = _markers(fixture)
    text = fixture.read_text(encoding="utf-8")
    assert re.fullmatch(r"\d{3}_[a-z0-9_]+\.yaml", fixture.name) or "corpus" not in fixture.parts
    assert markers.source, "every fixture says where it comes from (# source:)"
    unknown = sorted((markers.expected_rules | markers.dagster_blind) - set(RULES))
    assert not unknown, f"unknown rule slugs: {unknown}"
    assert markers.dagster_blind <= markers.expected_rules, "a dagster-blind rule must also be expected"
    if "missing-env-var" not in markers.expected_rules and "yaml-syntax" not in markers.expected_rules:
        referenced = set(_env_references(yaml.load(text, Loader=DagsterYamlLoader)))
        assert referenced <= set(markers.env), f"set these with `# env:` lines: {sorted(referenced - set(markers.env))}"


def _env_references(node: object):
    """Names in `{env: NAME}` mappings, as Dagster's loader sees the file (last duplicate wins)."""
    if isinstance(node, dict):
        if set(node) == {"env"} and isinstance(node["env"], str):
            yield node["env"]
        for value in node.values():
            yield from _env_references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _env_references(item)
