"""Red Hat's real yaml-language-server, given our schema, judges dagster.yaml as an editor would.

`.ci/run` installs the server from npm into `.ci/node` (the README's test command). The test talks
LSP over stdio: it associates schema/dagster-instance.schema.json with `dagster.yaml` through
`yaml.schemas` (as VS Code's settings do), opens the fixtures in tests/editor_fixtures/ and checks
diagnostics (a fixture line ending in `# diagnostic` must get one; no other line may), completion
at the top level and hover on a key. Every wait is bounded and the server is always killed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from lsp_client import LspClient

REPO = Path(__file__).resolve().parent.parent
SERVER = REPO / ".ci" / "node" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SCHEMA = REPO / "schema" / "dagster-instance.schema.json"
FIXTURES = REPO / "tests" / "editor_fixtures"
TIMEOUT = 30.0  # seconds for any one answer from the server

if shutil.which("node") is None:
    pytest.skip("Node.js is not installed: cannot run yaml-language-server", allow_module_level=True)


class LanguageServer(LspClient):
    """The LSP client of tests/lsp_client.py, waiting for the diagnostics of several files at once."""

    def __init__(self, command: list[str]) -> None:
        super().__init__(command)
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        try:
            return super().request(method, params, timeout)
        except TimeoutError:
            raise AssertionError(f"yaml-language-server did not answer {method} in {timeout}s") from None

    def wait_for_diagnostics(self, uris: list[str], quiet: float = 1.5) -> dict[str, list]:
        """The latest diagnostics of each uri, once all have some and none came for `quiet` s."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                _, params = self.wait_for("textDocument/publishDiagnostics", timeout=quiet)
                self.diagnostics[params["uri"]] = params["diagnostics"]
            except TimeoutError:
                if all(uri in self.diagnostics for uri in uris):
                    return {uri: self.diagnostics[uri] for uri in uris}
            assert time.monotonic() < deadline, f"no diagnostics for {set(uris) - set(self.diagnostics)} in {TIMEOUT}s"


def readme_globs() -> list[str]:
    """The file patterns of the README's `yaml.schemas` snippet."""
    blocks = re.findall(r"```json\n(.*?)```", (REPO / "README.md").read_text(), flags=re.S)
    [settings] = [json.loads(block) for block in blocks if '"yaml.schemas"' in block]
    [globs] = settings["yaml.schemas"].values()
    return globs


def readme_modeline() -> str:
    """The README's modeline with a local path."""
    [line] = re.findall(r"^# yaml-language-server: \$schema=\.\./.*$", (REPO / "README.md").read_text(), flags=re.M)
    return line


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not SERVER.is_file():
        pytest.fail(f"{SERVER} is missing: install it with the README's test command (npm install --prefix .ci/node …)")
    workspace = tmp_path_factory.mktemp("workspace")
    client = LanguageServer(["node", str(SERVER), "--stdio"])
    try:
        client.request("initialize", {
            "processId": None,
            "rootUri": workspace.as_uri(),
            "capabilities": {"textDocument": {
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {"completionItem": {"snippetSupport": True}},
                "publishDiagnostics": {},
            }},
        })  # fmt: skip
        client.notify("initialized", {})
        # The README's VS Code settings.json, with the schema's absolute location.
        client.settings["yaml"] = {
            "schemas": {SCHEMA.as_uri(): readme_globs()},
            "validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False},
        }  # fmt: skip
        client.notify("workspace/didChangeConfiguration", {"settings": dict(client.settings)})
        client.workspace = workspace
        yield client
    finally:
        client.close()


def open_document(server: LanguageServer, name: str, text: str, filename: str = "dagster.yaml") -> str:
    """Open `text` as <workspace>/<name>/<filename>; return its uri."""
    uri = (server.workspace / name / filename).as_uri()
    server.notify("textDocument/didOpen", {
        "textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text},
    })  # fmt: skip
    return uri


def marked_lines(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines()) if line.endswith("# diagnostic")]


def test_diagnostics_on_the_expected_lines_and_none_for_a_valid_file(server):
    fixtures = {path.stem: path.read_text() for path in sorted(FIXTURES.glob("*.yaml"))}
    assert {"valid", "unknown_key", "wrong_type", "wrong_class_config_field", "agent_valid", "agent_mistakes",
            "agent_keys_elsewhere"} <= set(fixtures)
    uris = {name: open_document(server, name, text) for name, text in fixtures.items()}
    published = server.wait_for_diagnostics(list(uris.values()))
    for name, text in fixtures.items():
        found = published[uris[name]]
        lines = sorted({d["range"]["start"]["line"] for d in found})
        assert lines == marked_lines(text), (name, found)
    assert published[uris["valid"]] == []
    messages = {name: " ".join(d["message"] for d in published[uris[name]]) for name in fixtures}
    assert "data_retention" in messages["unknown_key"]
    assert "integer" in messages["wrong_type"].lower()
    assert "max_concurent_runs" in messages["wrong_class_config_field"]
    # a Dagster+ agent's file: its keys are accepted under its instance_class, and only there
    assert published[uris["agent_valid"]] == []
    assert "agent_tokn" in messages["agent_mistakes"]


def test_completion_at_the_top_level_offers_the_instance_keys(server):
    uri = open_document(server, "completion", "telemetry:\n  enabled: false\n\n")
    result = server.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": {"line": 2, "character": 0},
    })  # fmt: skip
    items = result["items"] if isinstance(result, dict) else result
    labels = {item["label"] for item in items}
    expected = set(json.loads(SCHEMA.read_text())["properties"]) - {"telemetry"}
    assert expected <= labels, expected - labels


def hover_text(server, name: str, text: str, line: int, character: int) -> str:
    uri = open_document(server, name, text)
    result = server.request("textDocument/hover", {
        "textDocument": {"uri": uri}, "position": {"line": line, "character": character},
    })  # fmt: skip
    contents = result["contents"]
    return contents["value"] if isinstance(contents, dict) else json.dumps(contents)


def test_hover_on_a_key_shows_its_description(server):
    text = hover_text(server, "hover", "run_launcher:\n  module: dagster_k8s\n  class: K8sRunLauncher\n", 0, 3)
    assert "starts the process, container or job that executes a run" in text
    assert "https://docs.dagster.io/deployment/oss/oss-instance-configuration#run-launcher" in text


def test_a_modeline_associates_the_schema_with_any_file_name(server):
    folder = server.workspace / "modeline"
    folder.mkdir()
    modeline = readme_modeline().split("=", 1)[0] + "=" + os.path.relpath(SCHEMA, folder)
    text = modeline + "\ntelemetry:\n  enabled: nope  # diagnostic\n"
    uri = open_document(server, "modeline", text, filename="instance.yaml")
    found = server.wait_for_diagnostics([uri])[uri]
    assert sorted({d["range"]["start"]["line"] for d in found}) == marked_lines(text), found


def test_hover_on_an_agent_key_in_an_agent_file_shows_its_description(server):
    text = ("instance_class:\n  module: dagster_cloud.instance\n  class: DagsterCloudAgentInstance\n"
            "dagster_cloud_api:\n  agent_token: {env: DAGSTER_CLOUD_AGENT_TOKEN}\n")
    hover = hover_text(server, "agent_hover", text, 3, 3)
    assert "how the agent reaches Dagster+" in hover
    assert "https://docs.dagster.io/deployment/dagster-plus/management/customizing-agent-settings" in hover
