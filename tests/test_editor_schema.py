"""The schema as editors use it: descriptions everywhere, docs links, snippets that lint clean,
and `instance-lint schema [--output PATH]`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from linter.cli import cli

REPO = Path(__file__).resolve().parent.parent
SCHEMA_PATH = REPO / "schema" / "dagster-instance.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text("utf-8"))
DOCS = "https://docs.dagster.io/deployment/oss/oss-instance-configuration#"
# The headings of the Dagster docs page on dagster.yaml (Docusaurus anchors).
DOCS_ANCHORS = {
    "configuration-reference", "dagster-storage", "run-launcher", "run-coordinator",
    "compute-log-storage", "local-artifact-storage", "telemetry", "grpc-servers", "data-retention",
    "sensor-evaluation", "schedule-evaluation",
}  # fmt: skip


def keyed_properties(node: Any, path: str = "") -> list[tuple[str, dict]]:
    """Every (path, schema) of a key under `properties`, except inside if/then conditions."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and not path.endswith(("/if", "/then")):
                for name, sub in value.items():
                    found.append((f"{path}.{name}", sub))
                    found += keyed_properties(sub, f"{path}.{name}")
            elif key not in ("properties", "defaultSnippets", "default", "enum", "const"):
                found += keyed_properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for item in node:
            found += keyed_properties(item, path)
    return found


def test_every_key_and_class_config_field_has_a_title_and_description():
    properties = keyed_properties(SCHEMA)
    assert len(properties) > 300
    missing = [path for path, sub in properties if not (sub.get("title") and sub.get("description"))]
    assert missing == []
    config_definitions = [name for name in SCHEMA["definitions"] if name.startswith("config:")]
    assert all(SCHEMA["definitions"][name].get("description") for name in config_definitions)


def test_top_level_keys_link_to_their_dagster_docs_section():
    agent_docs = "https://docs.dagster.io/deployment/dagster-plus/management/customizing-agent-settings"
    for name, sub in SCHEMA["properties"].items():
        assert sub["markdownDescription"].startswith(sub["description"]), name
        if sub["description"].startswith("Dagster+ agent") or name.startswith("allowed_"):
            assert sub["markdownDescription"].endswith(f"({agent_docs})"), name
            continue
        anchors = re.findall(re.escape(DOCS) + r"([a-z-]+)\)", sub["markdownDescription"])
        assert len(anchors) == 1 and anchors[0] in DOCS_ANCHORS, name
    assert DOCS + "run-launcher" in SCHEMA["properties"]["run_launcher"]["markdownDescription"]


def snippets() -> list[tuple[str, dict]]:
    return [
        (key, snippet)
        for key, sub in SCHEMA["properties"].items()
        for snippet in sub.get("defaultSnippets", [])
    ]


def test_there_are_snippets_for_the_common_setups():
    labels = {snippet["label"] for _, snippet in snippets()}
    assert {"Postgres from environment variables", "K8sRunLauncher",
            "QueuedRunCoordinator with tag limits", "S3ComputeLogManager"} <= labels  # fmt: skip


def env_names(value: Any) -> set[str]:
    if isinstance(value, dict):
        if set(value) == {"env"}:
            return {value["env"]}
        return set().union(*map(env_names, value.values()))
    if isinstance(value, list):
        return set().union(*map(env_names, value))
    return set()


def lint(tmp_path: Path, document: dict) -> list[dict]:
    path = tmp_path / "dagster.yaml"
    with path.open("w") as stream:
        YAML().dump(document, stream)
    # The snippets read their settings from environment variables, which are unset here on purpose.
    unset_env = {name: None for name in env_names(document)}
    result = CliRunner().invoke(
        cli, ["check", "--format", "json", str(path)], env=unset_env, catch_exceptions=False
    )
    findings = json.loads(result.output)["findings"]
    unset = [f for f in findings if f["rule"] == "missing-env-var"]
    assert len(unset) == len(env_names(document)), unset
    return [f for f in findings if f["rule"] != "missing-env-var"]


@pytest.mark.parametrize(("key", "snippet"), snippets(), ids=lambda v: v if isinstance(v, str) else v["label"])
def test_each_snippet_inserted_under_its_key_has_no_errors(tmp_path, key, snippet):
    errors = [f for f in lint(tmp_path, {key: snippet["body"]}) if f["severity"] == "error"]
    assert errors == []


def test_the_snippets_together_make_a_clean_production_file(tmp_path):
    first = {}
    for key, snippet in snippets():
        first.setdefault(key, snippet["body"])
    assert lint(tmp_path, first) == []


def test_schema_command_prints_and_writes_the_bundled_schema(tmp_path):
    printed = CliRunner().invoke(cli, ["schema"], catch_exceptions=False)
    assert printed.exit_code == 0 and printed.output == SCHEMA_PATH.read_text("utf-8")
    target = tmp_path / "dagster.schema.json"
    written = CliRunner().invoke(cli, ["schema", "--output", str(target)], catch_exceptions=False)
    assert written.exit_code == 0 and written.output == ""
    assert target.read_text("utf-8") == SCHEMA_PATH.read_text("utf-8")
    failed = CliRunner().invoke(cli, ["schema", "--output", str(tmp_path / "missing" / "x.json")])
    assert failed.exit_code == 2 and "cannot write" in failed.output
