"""`linter.custom_classes.check_custom_classes` (`--import-classes`) on the user package in
tests/fixtures/custom_classes/, run from that directory as a user runs it from their project."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import pytest

from linter.api import lint_text
from linter.findings import Severity

PROJECT = Path(__file__).parent / "fixtures" / "custom_classes"
PACKAGE = "acme_instance_lint"


def config(class_name: str, body: str = "", module: str = f"{PACKAGE}.launchers") -> str:
    return f"run_launcher:\n  module: {module}\n  class: {class_name}\n" + body


@pytest.fixture
def in_project(monkeypatch):
    monkeypatch.chdir(PROJECT)
    yield
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def lint(text: str, import_classes: bool = True):
    return [(f.span.line, f.rule) for f in lint_text(text, "dagster.yaml", env={}, import_classes=import_classes)]


def test_off_by_default_nothing_is_imported(in_project):
    assert lint(config("NomadRunLauncher"), import_classes=False) == []
    assert lint(config("X", module=f"{PACKAGE}.broken"), import_classes=False) == []
    assert not [m for m in sys.modules if m.startswith(PACKAGE)]


def test_valid_custom_launcher(in_project):
    assert lint(config("NomadRunLauncher", "  config:\n    address: http://nomad:4646\n")) == []
    assert f"{PACKAGE}.launchers" in sys.modules


def test_wrong_base_class(in_project):
    [finding] = lint_text(config("NotALauncher"), "dagster.yaml", env={}, import_classes=True)
    assert (finding.span.line, finding.rule) == (3, "unknown-class")
    assert "RunLauncher" in finding.message


def test_missing_class_with_did_you_mean(in_project):
    [finding] = lint_text(config("NomadRunLaunchr"), "dagster.yaml", env={}, import_classes=True)
    assert (finding.span.line, finding.rule, finding.suggestion) == (3, "unknown-class", "NomadRunLauncher")


def test_module_that_does_not_import(in_project):
    assert lint(config("X", module=f"{PACKAGE}.broken")) == [(2, "unknown-class")]
    assert lint(config("X", module=f"{PACKAGE}.nowhere")) == [(2, "unknown-class")]


def test_config_checked_by_dagster_config_system(in_project):
    body = "  config:\n    workers: many\n    bogus: 1\n"
    assert lint(config("ConfiguredRunLauncher", body)) == [(4, "missing-key"), (5, "invalid-type"), (6, "unknown-key")]
    assert lint(config("ConfiguredRunLauncher")) == [(1, "missing-key")]
    assert lint(config("ConfiguredRunLauncher", "  config:\n    endpoint: http://x\n    workers: 3\n")) == []


def test_dagster_owned_classes_are_not_imported_here(in_project):
    text = "run_launcher:\n  module: dagster_k8s\n  class: K8sRunLauncherr\n"
    assert lint(text) == lint(text, import_classes=False)


def test_without_dagster_one_info_finding(in_project, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "dagster" else real(name, *a))
    text = config("NomadRunLauncher") + "compute_logs:\n  module: acme_instance_lint.logs\n  class: Logs\n"
    findings = lint_text(text, "dagster.yaml", env={}, import_classes=True)
    assert [(f.span.line, f.rule, f.severity) for f in findings] == [(2, "unknown-class", Severity.INFO)]
    assert "install dagster" in findings[0].message
    assert not [m for m in sys.modules if m.startswith(PACKAGE)]


def test_no_custom_class_no_import(monkeypatch):
    calls = []
    real_import = builtins.__import__
    monkeypatch.setattr(builtins, "__import__", lambda name, *a, **k: calls.append(name) or real_import(name, *a, **k))
    lint("run_launcher:\n  module: dagster\n  class: DefaultRunLauncher\n")
    assert PACKAGE not in calls


def test_import_classes_without_dagster_is_a_usage_error(in_project, monkeypatch, tmp_path):
    """The user asked for a check that cannot happen: exit 2 with how to install Dagster, not a clean run."""
    import importlib.util

    from click.testing import CliRunner

    from linter.cli import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "dagster" else real(name, *a))
    path = tmp_path / "dagster.yaml"
    path.write_text(config("NomadRunLauncher"))
    result = CliRunner().invoke(cli, ["check", "--import-classes", str(path)])
    assert result.exit_code == 2, result.output
    assert "Dagster is not" in result.output and "pip install" in result.output


INSTANCE = f"instance_class:\n  module: {PACKAGE}.instance\n  class: AcmeInstance\n"


def test_keys_of_a_custom_instance_class_are_one_note_without_import_classes(in_project):
    """Issue 15: Dagster merges the instance class's `config_schema()` into the top level; without importing
    it, its keys are one `unchecked-class` info naming the class, not `unknown-key` errors."""
    text = INSTANCE + "acme_region: eu-west-1\nacme_retries: 5\n"
    [note] = lint_text(text, "dagster.yaml", env={})
    assert (note.span.line, note.rule, note.severity) == (4, "unchecked-class", Severity.INFO)
    assert "`acme_region`, `acme_retries`" in note.message and f"`{PACKAGE}.instance.AcmeInstance`" in note.message
    assert "--import-classes" in note.message


def test_keys_of_a_custom_instance_class_are_checked_against_it_with_import_classes(in_project):
    # the near miss: every extra key is the class's, with values of its types
    assert lint(INSTANCE + "acme_region: eu-west-1\nacme_retries: 5\n") == []
    # a misspelt key gets a did-you-mean among the class's and Dagster's keys; a wrong type is an error
    findings = lint_text(INSTANCE + "acme_regon: eu-west-1\nacme_retries: many\n", "dagster.yaml", env={},
                         import_classes=True)
    found = {(f.span.line, f.rule, f.suggestion) for f in findings}
    assert (4, "unknown-key", "acme_region") in found
    assert (5, "invalid-type", None) in found
    # the class requires `acme_region`: leaving it out is what Dagster refuses (said at `class:`)
    assert lint(INSTANCE + "acme_retries: 5\n") == [(3, "missing-key")]


@pytest.mark.parametrize("extra, accepted", [
    ("acme_region: eu-west-1\nacme_retries: 5\n", True),
    ("acme_regon: eu-west-1\n", False),
    ("acme_region: eu-west-1\nacme_retries: many\n", False),
    ("acme_retries: 5\n", False),
])
def test_real_dagster_agrees_on_the_instance_class_keys(in_project, tmp_path, monkeypatch, extra, accepted):
    from dagster._core.errors import DagsterInvalidConfigError
    from dagster._core.instance.config import dagster_instance_config

    (tmp_path / "dagster.yaml").write_text(INSTANCE + extra)
    monkeypatch.syspath_prepend(str(PROJECT))  # where Dagster's processes find the project's code
    try:
        dagster_instance_config(str(tmp_path))
        verdict = True
    except DagsterInvalidConfigError:
        verdict = False
    assert verdict is accepted
    assert (lint(INSTANCE + extra) == []) is accepted


def test_misspelt_config_field_of_a_custom_class_gets_a_did_you_mean(in_project):
    [finding] = lint_text(config("NomadRunLauncher", "  config:\n    adress: http://nomad:4646\n"), "dagster.yaml",
                          env={}, import_classes=True)
    assert (finding.span.line, finding.rule, finding.suggestion) == (5, "unknown-key", "address")
