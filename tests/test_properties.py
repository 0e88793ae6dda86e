"""Property-based tests: the corpus fixtures, mutated (keys deleted, duplicated, retyped, renamed; YAML
fragments spliced in; scalars changed), never make the linter crash, its JSON output is valid, every
finding points inside the file, and whenever real Dagster rejects a mutant the linter reports an error.

Deterministic (derandomized, no example database) and bounded, so CI always runs the same examples.
Regressions the properties found are kept as ordinary tests at the end.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_oracle import judge
from fixture_markers import FIXTURES_DIR, FixtureMarkers, load_markers
from linter.api import lint_text
from linter.cli import cli
from linter.findings import Severity

CORPUS = sorted((FIXTURES_DIR / "corpus").glob("*.yaml"))
PROPERTY = settings(derandomize=True, database=None, deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

_KEY_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w.-]*)(?P<colon>:)(?P<rest>.*)$")

SCALARS = ["0", "-1", "65536", "1.5", "true", "false", "yes", "no", "on", "null", "~", "''", '""', "x",
           "'5432'", "[]", "{}", "[1, 2]", "{a: 1}", "{env: UNSET_VARIABLE}", "{env: ''}", "{env: [x]}",
           "!!str 5", "!!int x", "&anchor 1", "*undefined", "0o17", "0x1F", "1_000", ".inf", "2001-12-14",
           "postgresql://u:p@h:5432/db", "dagster_k8s", "K8sRunLauncher", "'{{ template }}'", "${VAR}", "|\n  text"]
FRAGMENTS = [
    "run_launcher:\n  module: dagster.core.launcher\n  class: DefaultRunLauncher\n",
    "storage:\n  sqlite:\n    base_dir: /tmp/x\n",
    "storage:\n  postgres:\n    postgres_db:\n      username: u\n      password: p\n      hostname: h\n      db_name: d\n",
    "run_coordinator:\n  module: dagster.core.run_coordinator\n  class: QueuedRunCoordinator\n"
    "  config:\n    max_concurrent_runs: 5\n",
    "telemetry:\n  enabled: false\n",
    "retention:\n  schedule:\n    purge_after_days: 90\n",
    "concurrency:\n  default_op_concurrency_limit: 1\n",
    "code_servers:\n  local_startup_timeout: 360\n",
    "config:\n  x: 1\n",
    "module: dagster_aws.s3.compute_log_manager\nclass: S3ComputeLogManager\n",
    "- item\n- other\n",
    "<<: {a: 1}\n",
    "base: &b {x: 1}\nderived: *b\n",
    "? complex\n: key\n",
    "key: [unclosed\n",
    "key: 'unclosed\n",
    "\tkey: tab\n",
    "%YAML 1.1\n---\n",
    "---\n",
    "...\n",
    "key: value # comment\n",
    "{}\n",
    "!!python/object:os.system x\n",
]


@functools.lru_cache(maxsize=None)
def _fixture(path: Path) -> tuple[str, FixtureMarkers]:
    text = path.read_text(encoding="utf-8")
    return text, load_markers(path)


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, str, FixtureMarkers]:
    """(fixture name, mutated text, the fixture's markers) after one to four line-level mutations."""
    path = draw(st.sampled_from(CORPUS))
    text, markers = _fixture(path)
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, max(len(lines) - 1, 0)))
        line = lines[index] if lines else ""
        key = _KEY_LINE.match(line)
        kind = draw(st.sampled_from(["delete", "duplicate", "rename", "retype", "splice", "scalar", "move"]))
        if kind == "delete" and lines:
            del lines[index]
        elif kind == "duplicate" and lines:
            lines.insert(index, line)
        elif kind == "move" and lines:  # one line to another place: breaks and rebuilds structure
            moved = lines.pop(index)
            lines.insert(draw(st.integers(0, len(lines))), moved)
        elif kind == "rename" and key:
            new = draw(st.one_of(
                st.sampled_from(["module", "class", "config", "storage", "run_launcher", "enabled", "postgres_db",
                                 "max_concurrent_runs", "tag_concurrency_limits", "base_dir", "env", "<<", "'quoted'",
                                 "1", "null", "true", "~"]),
                st.just(key["key"][:-1] or "x"),  # a typo: the last letter dropped
                st.just(key["key"] + "s"),
                st.just(key["key"].upper()),
            ))
            lines[index] = f"{key['indent']}{new}:{key['rest']}"
        elif kind in ("retype", "scalar") and key:
            value = draw(st.one_of(
                st.sampled_from(SCALARS),
                st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
                st.integers(-2**70, 2**70).map(str),
            ))
            value = value.replace("\n", "\n" + _indent_of(line) + "  ")
            lines[index] = f"{key['indent']}{key['key']}: {value}"
        else:  # splice a fragment, re-indented to a nearby line's indentation (or a random one)
            fragment = draw(st.sampled_from(FRAGMENTS))
            indent = draw(st.sampled_from([_indent_of(line), "", "  ", "    ", " "]))
            lines[index:index] = [indent + part if part else part for part in fragment.rstrip("\n").split("\n")]
    ending = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return path.name, ending.join(lines), markers


def _assert_inside(findings, text: str) -> None:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if text.endswith(("\n", "\r")):
        lines = lines[:-1] or [""]
    for finding in findings:
        span = finding.span
        assert 1 <= span.line <= max(len(lines), 1), (finding, len(lines))
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1, (finding, lines[span.line - 1])
        assert span.line <= span.end_line <= max(len(lines), 1), finding
        if span.end_line == span.line:
            assert span.column <= span.end_column <= len(lines[span.end_line - 1]) + 1, (finding, lines[span.line - 1])
        else:
            assert 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1, finding


@settings(PROPERTY, max_examples=250)
@given(mutants())
def test_mutants_never_crash_and_findings_point_inside_the_file(mutant) -> None:
    name, text, markers = mutant
    findings = lint_text(text, "dagster.yaml", env=markers.env)
    _assert_inside(findings, text)


@settings(PROPERTY, max_examples=60)
@given(mutants())
def test_check_json_output_is_valid_for_mutants(tmp_path_factory, mutant) -> None:
    name, text, markers = mutant
    result = CliRunner().invoke(
        cli, ["check", "--format", "json", "--stdin-filename", "dagster.yaml", "-"],
        input=text.encode("utf-8"), env={**markers.env, "DAGSTER_HOME": ""}, catch_exceptions=False,
    )
    assert result.exit_code in (0, 1), result.output
    payload = json.loads(result.stdout)
    assert isinstance(payload, (dict, list))


@settings(PROPERTY, max_examples=200)
@given(mutants())
def test_an_error_whenever_dagster_rejects_a_mutant(tmp_path_factory, mutant) -> None:
    name, text, markers = mutant
    path = tmp_path_factory.mktemp("mutant") / "dagster.yaml"
    path.write_bytes(text.encode("utf-8"))
    verdict = judge(path, markers.env, skip_imports=markers.skip_imports)
    findings = lint_text(text, "dagster.yaml", env=markers.env)
    if not verdict.accepted:
        errors = [f for f in findings if f.severity is Severity.ERROR]
        assert errors, (
            f"Dagster rejects this mutant of {name} ({verdict.stage}: {verdict.message}) but the linter "
            f"reports no error; findings: {[(f.rule, f.span.line, f.message) for f in findings]}\n{text}"
        )


# ------------------------------------------------------------------------------------------------
# Regressions found by the properties above


@pytest.mark.parametrize(
    "text, line, column",
    [
        # an unclosed quote runs to the end of the file; the end of the file is the end of its last line,
        # not a line 17 of a 16-line file (found by the first property above)
        ("key: 'unclosed\n# comment\nstorage:\n  sqlite:\n    base_dir: /tmp\n", 5, 19),
        ("key: 'unclosed\r\nstorage: {}\r\n", 2, 12),
        ("key: 'unclosed", 1, 15),
    ],
)
def test_end_of_file_errors_point_at_the_last_line(text: str, line: int, column: int) -> None:
    [finding] = lint_text(text, "dagster.yaml")
    assert (finding.rule, finding.span.line, finding.span.column) == ("yaml-syntax", line, column)
    _assert_inside([finding], text)


def test_a_null_postgres_storage_is_an_error() -> None:
    """Dagster's schema accepts `storage: {postgres: null}`, then DagsterPostgresStorage fails on the
    `None` config (found by the Dagster property above, from a mutant of fixture 100)."""
    findings = lint_text("storage:\n  postgres:\n", "dagster.yaml")
    assert [(f.rule, f.severity, f.span.line) for f in findings] == [("missing-key", Severity.ERROR, 2)]
