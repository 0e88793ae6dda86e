"""ambiguous-scalar: YAML 1.1 (Dagster) against the YAML 1.2 core schema, and the reader's plain-scalar iterator."""

from __future__ import annotations

import math

import pytest
import yaml
from dagster_shared.yaml_utils import DagsterYamlLoader

from linter.api import lint_text
from linter.document import parse_document
from linter.findings import Severity
from linter.rules.ambiguous_scalars import core_schema_value


def _ambiguous(text: str) -> list:
    return [f for f in lint_text(text, "dagster.yaml", env={}) if f.rule == "ambiguous-scalar"]


@pytest.mark.parametrize(
    ("text", "dagster", "core"),
    [
        ("yes", True, "yes"), ("No", False, "No"), ("ON", True, "ON"), ("off", False, "off"),
        ("0755", 493, 755), ("08", "08", 8), ("0o17", "0o17", 15), ("-0x1F", -31, "-0x1F"),
        ("0b101", 5, "0b101"), ("1_000", 1000, "1_000"), ("1:30", 90, "1:30"), ("1:30.5", 90.5, "1:30.5"),
        ("1e3", "1e3", 1000.0), ("1.0e3", "1.0e3", 1000.0),
    ],
)
def test_differs(text: str, dagster, core) -> None:
    assert yaml.load(f"v: {text}", Loader=DagsterYamlLoader)["v"] == dagster
    assert core_schema_value(text) == core
    [finding] = _ambiguous(f"x: {text}\n")
    assert finding.severity is Severity.WARNING
    assert (finding.line, finding.column) == (1, 4)


@pytest.mark.parametrize(
    "text",
    ["y", "n", "Y", "N", "yEs", "true", "False", "0x1F", "0", "00", "007", "10", "+3", "1.5", "1.5e+3", ".5",
     ".inf", "-.Inf", ".NaN", "~", "null", "2024-01-01", "12:60", "abc", '"yes"', "'0755'", "!!str on",
     "! 08", "&a 1e3x"],
)
def test_same_for_both(text: str) -> None:
    assert _ambiguous(f"x: {text}\n") == []


def test_nan_compares_equal() -> None:
    assert math.isnan(core_schema_value(".nan"))


def test_keys_list_items_and_aliases_are_reported_once_where_written() -> None:
    text = "a: &v on\nb: *v\nlabels:\n  off: x\nc: [1, 010]\nd:\n  <<: {e: 1:00}\n"
    found = [(f.line, f.column, f.key_path) for f in _ambiguous(text)]
    assert found == [(1, 4, ("a",)), (4, 3, ("labels", False)), (5, 8, ("c", 1)), (7, 11, ("d", "e"))]


def test_message_says_both_readings_and_the_fix() -> None:
    [finding] = _ambiguous("run_queue:\n  max_concurrent_runs: 010\n")
    # a leading 0: what Dagster reads first, then the other reading; the decimal number is what people mean
    assert finding.message.startswith("Dagster reads `max_concurrent_runs: 010` as 8: YAML 1.1 takes a leading 0")
    assert "read 10" in finding.message
    assert finding.suggestion == "10"
    [finding] = _ambiguous("storage:\n  sqlite:\n    base_dir: /x\nx_mode: 0755\n")
    assert finding.suggestion == "493"  # a mode: octal is meant, written so that every reader sees 493
    [finding] = _ambiguous("telemetry:\n  enabled: yes\n")
    assert "`\"yes\"`" in finding.message and finding.suggestion == "true"
    [finding] = _ambiguous("labels:\n  on: x\n")
    assert finding.suggestion == '"on"'
    [finding] = _ambiguous("x: 08\n")
    assert finding.suggestion == '"08"'


def test_plain_scalars_skip_quoted_tagged_and_overridden_keys() -> None:
    document = parse_document("a: 'x'\nb: !!str y\nc: 1\nc: 2\nd: &a z\n", "f")
    assert [(s.text, s.is_key) for s in document.plain_scalars()] == [
        ("a", True), ("b", True), ("c", True), ("2", False), ("d", True), ("z", False)]
