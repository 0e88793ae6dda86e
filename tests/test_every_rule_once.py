"""Issue 3's acceptance fixture: one instance of every rule gives exactly one finding per instance."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from fixture_markers import load_markers
from linter.api import lint_text
from linter.rulebook import RULES

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "acceptance" / "every-rule-once.yaml"
# A syntax error ends the reading of a file, so it cannot share one with the other rules; the version a
# file is judged as comes from outside it (tests/test_versions.py).
NOT_IN_THE_FIXTURE = {"yaml-syntax", "unsupported-version", "read-error"}


def test_every_rule_is_in_the_fixture_once_and_found_once_on_its_line():
    markers = load_markers(FIXTURE)
    findings = lint_text(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE), env=markers.env)
    per_rule = Counter(f.rule for f in findings)
    assert set(per_rule) == set(RULES) - NOT_IN_THE_FIXTURE
    assert all(count == 1 for count in per_rule.values()), per_rule
    assert {(f.span.line, f.rule) for f in findings} == set(markers.expected)
