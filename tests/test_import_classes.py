"""`--import-classes` hands the document to `linter.custom_classes.check_custom_classes`; off by default."""

from __future__ import annotations

import json
import sys
import types

import pytest
from click.testing import CliRunner

from linter.cli import cli
from linter.findings import Target, Violation

CONFIG = "run_launcher:\n  module: my_company.launchers\n  class: MyLauncher\n"


@pytest.fixture
def fake_custom_classes(monkeypatch):
    calls = []

    def check_custom_classes(document, catalog, top_level_keys=frozenset()):
        calls.append(document.filename)
        return [Violation("unknown-class", ("run_launcher", "class"), "`MyLauncher` is not in `my_company.launchers`",
                          Target.VALUE)]

    module = types.ModuleType("linter.custom_classes")
    module.check_custom_classes = check_custom_classes
    module.replaces_finding = lambda rule: rule == "unchecked-class"
    monkeypatch.setitem(sys.modules, "linter.custom_classes", module)
    return calls


def run(tmp_path, *args):
    path = tmp_path / "dagster.yaml"
    path.write_text(CONFIG)
    return CliRunner().invoke(cli, ["check", "--format", "json", *args, str(path)], catch_exceptions=False)


def test_off_by_default(tmp_path, fake_custom_classes):
    result = run(tmp_path)
    assert fake_custom_classes == []
    assert json.loads(result.stdout)["findings"] == []


def test_flag_runs_the_custom_class_check(tmp_path, fake_custom_classes):
    result = run(tmp_path, "--import-classes")
    assert len(fake_custom_classes) == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["line"], finding["column"], finding["rule"]) == (3, 10, "unknown-class")
    assert result.exit_code == 1


def test_its_findings_obey_rule_settings(tmp_path, fake_custom_classes):
    assert json.loads(run(tmp_path, "--import-classes", "--ignore", "unknown-class").stdout)["findings"] == []


def test_third_party_dagster_package_is_imported(tmp_path):
    # dagster_celery (installed with dagster-celery-k8s) is not modelled: unchecked by default, imported
    # and checked with the flag.
    pytest.importorskip("dagster_celery")
    path = tmp_path / "dagster.yaml"
    path.write_text("run_launcher:\n  module: dagster_celery.launcher\n  class: CeleryRunLauncher\n"
                    "  config:\n    brokr: pyamqp://guest@rabbitmq//\n")
    plain = CliRunner().invoke(cli, ["check", "--format", "json", str(path)], catch_exceptions=False)
    assert [(f["line"], f["rule"]) for f in json.loads(plain.stdout)["findings"]] == [(2, "unchecked-class")]
    assert plain.exit_code == 0
    imported = CliRunner().invoke(cli, ["check", "--format", "json", "--import-classes", str(path)],
                                  catch_exceptions=False)
    assert (5, "unknown-key") in [(f["line"], f["rule"]) for f in json.loads(imported.stdout)["findings"]]
    assert imported.exit_code == 1
