"""Inline suppressions: each form on a real file, only real comments, unused ones reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import cli
from linter.document import parse_document
from linter.suppressions import SUPPRESSION, find_suppressions

# Not under tests/fixtures/: those are judged against real Dagster, and a suppression hides findings on purpose.
FIXTURES = Path(__file__).resolve().parent / "suppression_files"
UNUSED = "unused-suppression"


def findings(name: str, *args: str) -> list[tuple[int, int, str]]:
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args, str(FIXTURES / name)],
                                catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return [(f["line"], f["column"], f["rule"]) for f in json.loads(result.stdout)["findings"]]


@pytest.mark.parametrize(
    "name, expected",
    [
        # disable= at the end of a line: line 3 suppressed; line 4 not; line 5 uses one of its two rules;
        # line 7 suppresses nothing.
        ("end_of_line.yaml", [(4, 1, "unknown-key"), (5, 15, UNUSED), (7, 31, UNUSED)]),
        # disable-next-line= before a key covers the key and its whole block (lines 2-7), across a blank
        # line (9 -> 11); line 12 is outside; line 15's suppresses nothing on line 16.
        ("next_line.yaml", [(12, 3, "unknown-key"), (15, 3, UNUSED)]),
        # disable-file= anywhere; the one naming a rule with no finding is reported.
        ("whole_file.yaml", [(6, 1, UNUSED)]),
        # In quoted and block scalars, or after no whitespace, `# instance-lint:` is text, not a comment.
        ("not_comments.yaml", [(3, 1, "unknown-key"), (4, 1, "unknown-key"), (5, 1, "unknown-key"),
                               (7, 1, "unknown-key")]),
        # A rule name that does not exist: the finding stays, and the name is reported.
        ("unknown_rule.yaml", [(3, 1, "unknown-key"), (3, 21, UNUSED), (4, 1, UNUSED)]),
        # unused-suppression can itself be suppressed.
        ("unused_suppressed.yaml", []),
        # A file the loader cannot read still has its comments.
        ("syntax_error.yaml", []),
    ],
)
def test_suppression_forms(name, expected):
    assert findings(name) == expected


def test_unused_suppression_is_info_with_a_did_you_mean():
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(FIXTURES / "unknown_rule.yaml")])
    by_line = {(f["line"], f["rule"]): f for f in json.loads(result.stdout)["findings"]}
    unknown = by_line[(3, UNUSED)]
    assert unknown["severity"] == "info"
    assert unknown["message"] == ("`unknown-kye` in this `disable` comment is not a rule, so it suppresses nothing; "
                                  "did you mean `unknown-key`?")
    assert unknown["suggestion"] == "unknown-key"


def test_unused_message_and_text_output():
    result = CliRunner().invoke(cli, ["check", "--color", "never", str(FIXTURES / "whole_file.yaml")])
    assert result.exit_code == 0  # info findings do not fail the check
    assert ("whole_file.yaml:6:1: info [unused-suppression] unused suppression: no `conflicting-keys` finding in "
            "this file; remove `conflicting-keys` from the comment") in result.output


def test_suppressions_of_rules_not_enabled_are_not_reported_unused():
    # unknown-key is not selected: its suppressions have nothing to do, and that is fine.
    assert findings("end_of_line.yaml", "--select", "duplicate-key,unused-suppression") == [(5, 15, UNUSED)]
    # unused-suppression not selected (or ignored): never reported.
    assert findings("end_of_line.yaml", "--select", "duplicate-key") == []
    assert findings("end_of_line.yaml", "--ignore", UNUSED) == [(4, 1, "unknown-key")]


def test_one_regex_with_named_groups():
    match = SUPPRESSION.search("key: 1  #instance-lint:disable-next-line = a-b ,c")
    assert (match["kind"], match["rules"]) == ("disable-next-line", "a-b ,c")
    assert SUPPRESSION.search("key: a#instance-lint: disable=x") is None


def test_next_line_extent_comes_from_the_key_span():
    document = parse_document((FIXTURES / "next_line.yaml").read_text(), "dagster.yaml")
    spans = [(s.kind, s.first_line, s.last_line) for s in find_suppressions(document)]
    assert spans == [("disable-next-line", 2, 7), ("disable-next-line", 11, 11), ("disable-next-line", 16, 16)]
