"""Dagster+ Hybrid agent files: the agent's keys exist exactly under its `instance_class`, in every
supported version, and what the agent builds (render) and what it refuses are its own.

The verdicts of real Dagster + dagster-cloud on agent files are in tests/fixtures/agents/ (judged by
tests/test_differential.py and, per version, tests/test_differential_versions.py). These tests pin
the behaviours the fixtures do not reach: every spelling of the instance class, the message of an
agent key in a file that is not an agent's, the fallback when a version has no dagster-cloud data,
and render.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from linter.api import lint_text
from linter.findings import Severity
from linter.model.store import data_dir, load_model, supported_versions

VERSIONS = supported_versions()
TOKEN = {"DAGSTER_CLOUD_AGENT_TOKEN": "agent:myorg:5a9c2b1e-7d3f-4e8a-9b6c-1d2e3f4a5b6c"}

AGENT = """\
instance_class:
  module: {module}
  class: DagsterCloudAgentInstance

dagster_cloud_api:
  agent_token:
    env: DAGSTER_CLOUD_AGENT_TOKEN
  deployment: prod

user_code_launcher:
  module: dagster_cloud.workspace.docker
  class: DockerUserCodeLauncher
  config:
    networks: [dagster_cloud_agent]
"""


def _errors(findings):
    return [f for f in findings if f.severity is Severity.ERROR]


def _describe(findings) -> str:
    return "\n".join(f"{f.span.line}:{f.span.column} {f.rule} {f.message}" for f in findings)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_module_dagster_loads_the_agent_from_is_accepted(version):
    model = load_model(version)
    [entry] = [e for e in model.catalog.in_slot("instance_class") if e.class_name == "DagsterCloudAgentInstance"]
    assert "dagster_cloud.instance" in entry.modules
    for module in entry.modules:
        findings = lint_text(AGENT.format(module=module), "dagster.yaml", env=TOKEN, model=model)
        assert not findings, f"{module}:\n{_describe(findings)}"


@pytest.mark.parametrize("version", VERSIONS)
def test_a_module_that_does_not_export_the_agent_is_an_unknown_class(version):
    text = AGENT.format(module="dagster_cloud.instances")
    findings = lint_text(text, "dagster.yaml", env=TOKEN, model=load_model(version))
    unknown = [f for f in findings if f.rule == "unknown-class"]
    assert [(f.span.line, f.suggestion) for f in unknown] == [(2, "dagster_cloud.instance")], _describe(findings)
    # not the agent: its keys are not accepted either, each said to be the agent's
    agent_keys = [f for f in findings if f.rule == "unknown-key"]
    assert {f.span.line for f in agent_keys} == {5, 10}
    assert all("belongs to a Dagster+ agent's dagster.yaml" in f.message for f in agent_keys)


@pytest.mark.parametrize("version", VERSIONS)
def test_agent_keys_without_the_agent_instance_class_are_unknown_keys_that_say_whose_they_are(version):
    text = AGENT.split("\n\n", 1)[1]  # without instance_class
    findings = lint_text(text, "dagster.yaml", env=TOKEN, model=load_model(version))
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [("unknown-key", 1, 1), ("unknown-key", 6, 1)]
    for finding in findings:
        assert "accepts it only when `instance_class` is the agent's" in finding.message
        assert "dagster_cloud.instance.DagsterCloudAgentInstance" in finding.message


@pytest.mark.parametrize("version", VERSIONS)
def test_a_typo_inside_dagster_cloud_api_is_reported_at_the_typo(version):
    text = AGENT.format(module="dagster_cloud.instance").replace("  deployment: prod", "  deploymnt: prod")
    findings = lint_text(text, "dagster.yaml", env=TOKEN, model=load_model(version))
    [finding] = findings
    assert (finding.rule, finding.span.line, finding.span.column, finding.suggestion) == (
        "unknown-key", 8, 3, "deployment")


def test_a_version_without_dagster_cloud_data_judges_agent_files_as_the_nearest_version(tmp_path, monkeypatch):
    """The data of a version generated without dagster-cloud says why (scripts/agent_source.py);
    an agent file judged as it takes the nearest version that has the agent, with an info note."""
    data = tmp_path / "schema"
    shutil.copytree(data_dir(), data)
    stripped = VERSIONS[-2]
    catalog_path = data / stripped / "class-catalog.json"
    catalog = json.loads(catalog_path.read_text())
    catalog["agent"] = {"dagster_cloud_version": None, "unavailable": "dagster-cloud was not installed (test)"}
    catalog_path.write_text(json.dumps(catalog))
    monkeypatch.setattr("linter.model.store.data_dir", lambda: data)

    model = load_model(stripped)
    assert model.catalog.agent is None
    findings = lint_text(AGENT.format(module="dagster_cloud.instance"), "dagster.yaml", env=TOKEN, model=model)
    [note] = findings
    assert (note.rule, note.severity, note.span.line) == ("unsupported-version", Severity.INFO, 1)
    assert f"no dagster-cloud data for Dagster {stripped}" in note.message
    assert "dagster-cloud was not installed (test)" in note.message
    assert f"judged as Dagster {VERSIONS[-1]}" in note.message  # the newer of the two nearest

    # an open-source file is judged as the version asked for, without a note
    assert lint_text("telemetry:\n  enabled: false\n", "dagster.yaml", model=model) == []


def _render(text: str, version: str, tmp_path: Path) -> dict:
    path = tmp_path / "dagster.yaml"
    path.write_text(text)
    result = subprocess.run(
        [sys.executable, "-m", "linter", "render", "--dagster-version", version, str(path)],
        capture_output=True, text=True, env={"DAGSTER_CLOUD_AGENT_TOKEN": TOKEN["DAGSTER_CLOUD_AGENT_TOKEN"],
                                             "DAGSTER_HOME": "/opt/dagster/dagster_home", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout), result.stdout


@pytest.mark.parametrize("version", VERSIONS)
def test_render_shows_what_the_agent_builds(version, tmp_path):
    rendered, text = _render(AGENT.format(module="dagster_cloud.instance"), version, tmp_path)
    defaults = load_model(version).defaults["agent_slots"]
    # the slots come from DagsterCloudAgentInstance.config_defaults, not InstanceRef's
    assert (rendered["compute_logs"]["module"], rendered["compute_logs"]["class"]) == (
        defaults["compute_logs"]["module"], defaults["compute_logs"]["class"])
    for key in ("run_storage", "event_log_storage", "schedule_storage"):  # left out: comments, not legacy keys
        assert key not in rendered
        comment = f"# {key}:\n#   module: {defaults[key]['module']}\n#   class: {defaults[key]['class']}\n"
        assert f"# {key} not in the file: the Dagster+ agent's default" in text and comment in text
    assert rendered["secrets"]["custom"]["class"] == defaults["secrets"]["class"] == "DagsterCloudSecretsLoader"
    assert "storage" not in rendered and "run_launcher" not in rendered
    # the agent's keys as its constructor processes them
    api = rendered["dagster_cloud_api"]
    # read from the environment: masked as that reference
    assert api["agent_token"] == {"env": "DAGSTER_CLOUD_AGENT_TOKEN"}
    assert api["deployment"] == "prod" and api["branch_deployments"] is False
    assert rendered["agent_queues"] == {"include_default_queue": True}
    assert rendered["user_code_launcher"]["class"] == "DockerUserCodeLauncher"
    assert "runs no daemons" in text
    # what render writes is an agent file that checks clean
    rendered_path = tmp_path / "rendered.yaml"
    rendered_path.write_text(text)
    findings = lint_text(rendered_path.read_text(), "dagster.yaml", env=TOKEN, model=load_model(version))
    assert findings == [], _describe(findings)


def test_agent_file_on_stdin_is_checked_as_an_agent(tmp_path):
    """What the Helm chart or an ECS template renders is piped to `check -`."""
    text = AGENT.format(module="dagster_cloud.instance").replace("deployment: prod", "deployment: prod\n  deployments: [a]")
    result = subprocess.run([sys.executable, "-m", "linter", "check", "--format", "json", "-"], input=text,
                            capture_output=True, text=True, env={**TOKEN, "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("conflicting-keys", 9)]
