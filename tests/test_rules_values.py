"""invalid-retention (schema.py's hook + retention.py), suspicious-value and deprecated.

Positions and the agreement with real Dagster are checked on the fixtures by test_differential.py;
this module pins the re-labelling, suggestions, and totality on values of unexpected types.
"""

from __future__ import annotations

import pytest

from linter import schema
from linter.api import lint_text
from linter.api import newest_model
from linter.rules import RuleContext, run_checks
from linter.rules.retention import as_retention_violation, closest_status

MINE = {"invalid-retention", "suspicious-value", "deprecated", "legacy-form"}


def _findings(text: str, env=None):
    return [f for f in lint_text(text, "dagster.yaml", env=env or {})]


def test_schema_problems_under_purge_after_days_become_invalid_retention():
    violations = schema.validate({"retention": {"sensor": {"purge_after_days": {"skiped": 7, "success": "30"}}}}, newest_model())
    assert sorted(v.rule for v in violations) == ["invalid-retention", "invalid-retention"]
    typo = next(v for v in violations if v.key_path[-1] == "skiped")
    assert typo.suggestion == "skipped" and "did you mean `skipped`?" in typo.message


def test_other_schema_problems_keep_their_rule():
    violations = schema.validate({"retention": {"sensor": {}}, "telemetry": {"enabled": "maybe"}}, newest_model())
    assert {v.rule for v in violations} == {"missing-key", "invalid-type"}


@pytest.mark.parametrize("word, status", [("SKIPPED", "skipped"), ("succes", "success"), ("failed", "failure")])
def test_status_suggestions(word, status):
    assert closest_status(word) == status


def test_relabel_leaves_other_rules_alone():
    from linter.findings import Violation

    placeholder = Violation("placeholder-value", ("retention", "sensor", "purge_after_days"), "m")
    assert as_retention_violation(placeholder) is placeholder


@pytest.mark.parametrize(
    "text, rule, line",
    [
        ("retention:\n  sensor:\n    purge_after_days: 7d\n", "invalid-retention", 3),
        ("retention:\n  sensor:\n    purge_after_days: 0\n", "suspicious-value", 3),
        ("retention:\n  sensor:\n    purge_after_days:\n      skipped: 0\n", "suspicious-value", 4),
        ("concurrency:\n  runs:\n    max_concurrent_runs: -3\n", "suspicious-value", 3),
        ("run_queue:\n  max_concurrent_runs: 0\n", "suspicious-value", 2),
        ("code_servers:\n  reload_timeout: 3\n", "suspicious-value", 2),
        ("event_log_storage:\n  module: dagster.core.storage.event_log\n  class: SqliteEventLogStorage\n"
         "  config:\n    base_dir: /tmp/x\n", "legacy-form", 1),
    ],
)
def test_one_finding_per_problem(text, rule, line):
    mine = [(f.span.line, f.rule) for f in _findings(text) if f.rule in MINE]
    assert mine == [(line, rule)]


@pytest.mark.parametrize(
    "text",
    [
        # already errors elsewhere: no deprecated / suspicious-value on top
        "storage:\n  sqlite:\n    base_dir: /tmp/x\nrun_storage:\n  module: dagster.core.storage.runs\n"
        "  class: SqliteRunStorage\n  config:\n    base_dir: /tmp/x\n",
        "concurrency:\n  pools:\n    default_limit: 1\n  default_op_concurrency_limit: 2\n",
        "concurrency:\n  default_op_concurrency_limit: -1\n",
        "run_queue:\n  max_concurrent_runs: -2\n",
        "sensors:\n  use_threads: true\n  num_workers: 0\n",
        "run_coordinator:\n  module: dagster.core.run_coordinator\n  class: QueuedRunCoordinatr\n",
    ],
)
def test_no_warning_on_top_of_an_error(text):
    findings = _findings(text)
    assert any(f.severity.value == "error" for f in findings)
    assert not [f for f in findings if f.rule in ("deprecated", "suspicious-value")], findings


def test_dagster_core_suggestion_is_the_public_module():
    (finding,) = [f for f in _findings("run_launcher:\n  module: dagster.core.launcher\n  class: DefaultRunLauncher\n")
                  if f.rule == "legacy-form"]
    assert finding.suggestion == "dagster"


@pytest.mark.parametrize("value", [None, "x", True, 1.5, [], {}, {"env": "X"}])
def test_checks_skip_values_of_unexpected_types(value):
    data = {
        "retention": {"sensor": {"purge_after_days": value}, "schedule": value},
        "run_queue": {"max_concurrent_runs": value},
        "concurrency": {"runs": {"max_concurrent_runs": value}, "default_op_concurrency_limit": value},
        "sensors": {"num_workers": value},
        "backfills": {"num_workers": value},
        "code_servers": {"local_startup_timeout": value, "reload_timeout": value},
        "run_monitoring": {"start_timeout_seconds": value},
        "run_launcher": {"module": "dagster_aws.ecs", "class": "EcsRunLauncher", "config": {"secrets": value}},
    }
    context = RuleContext(data=data, model=newest_model(), environ={})
    found = [v for v in run_checks(context, selected=lambda slug: slug in MINE)]
    assert all(v.rule == "deprecated" for v in found)  # only the deprecated default_op_concurrency_limit key
