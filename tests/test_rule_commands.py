"""`instance-lint rules` and `instance-lint explain RULE`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import cli
from linter.rulebook import RULES

GOLDEN = Path(__file__).resolve().parent / "golden"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_rules_lists_every_rule_with_severity_and_summary():
    result = invoke("rules")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(RULES)
    for line, info in zip(lines, RULES.values()):
        slug, severity, summary = line.split(None, 2)
        assert (slug, severity, summary) == (info.slug, info.severity.value, info.summary)
    assert "unused-suppression   info     " in result.output


def test_rules_as_json():
    result = invoke("rules", "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert [entry["rule"] for entry in payload] == list(RULES)
    assert payload[0] == {"rule": "yaml-syntax", "severity": "error", "summary": RULES["yaml-syntax"].summary}


@pytest.mark.parametrize("slug", ["unknown-key", "placeholder-value", "unused-suppression"])
def test_explain_golden(slug, update_goldens):
    """Reviewed by hand: the doc file printed as it is."""
    result = invoke("explain", slug)
    assert result.exit_code == 0
    golden = GOLDEN / f"explain-{slug}.out"
    if update_goldens:
        golden.write_text(result.output)
    assert result.output == golden.read_text()


def test_explain_unknown_rule_exits_two_with_did_you_mean():
    result = invoke("explain", "unknow-key")
    assert result.exit_code == 2
    assert "unknown rule `unknow-key`; did you mean `unknown-key`?" in result.stderr
    assert result.stdout == ""


def test_explain_nonsense_points_at_the_list():
    result = invoke("explain", "zzz")
    assert result.exit_code == 2
    assert "unknown rule `zzz` (`instance-lint rules` lists them)" in result.stderr
