"""`instance-lint lsp` end to end, driven by a real LSP client over stdio (tests/lsp_client.py).

The expected ranges are written by reading TEXT: LSP lines and characters are 0-based, characters in
UTF-16 code units (the emoji on line 7 is two).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lsp_client import LspClient

TEXT = (
    "run_coordinator:\n"
    "  module: dagster\n"
    "  class: QueuedRunCoordinator\n"
    "  config:\n"
    "    max_concurent_runs: 5\n"
    "telemetry:\n"
    "  enabled: nope\n"
    'sensors: {"😀": 1, num_wrkers: 2}\n'
)


def _range(start_line: int, start: int, end_line: int, end: int) -> dict:
    return {"start": {"line": start_line, "character": start}, "end": {"line": end_line, "character": end}}


def _apply(text: str, edits: list[dict]) -> str:
    """What an editor does with a WorkspaceEdit's TextEdits (ASCII-only lines here)."""
    lines = text.split("\n")
    offsets = [sum(len(line) + 1 for line in lines[:number]) for number in range(len(lines))]
    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                       reverse=True):
        start = offsets[edit["range"]["start"]["line"]] + edit["range"]["start"]["character"]
        end = offsets[edit["range"]["end"]["line"]] + edit["range"]["end"]["character"]
        text = text[:start] + edit["newText"] + text[end:]
    return text


@pytest.fixture
def server(tmp_path):
    client = LspClient([sys.executable, "-m", "linter", "lsp"], cwd=tmp_path)
    client.initialize(tmp_path, {"globs": ["**/instance-*.yaml"]})
    yield client
    client.close()


def _open(client: LspClient, path: Path, text: str) -> list[dict]:
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                            "text": text}})
    _, params = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    return params["diagnostics"]


def _change(client: LspClient, path: Path, text: str, version: int) -> list[dict]:
    uri = path.as_uri()
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": text}]})
    _, params = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    return params["diagnostics"]


def test_diagnostics_quick_fix_and_update(server, tmp_path):
    path = tmp_path / "dagster.yaml"  # never written: the buffer's text is what is judged
    diagnostics = _open(server, path, TEXT)
    found = {(d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"],
              d["range"]["end"]["line"], d["range"]["end"]["character"]) for d in diagnostics}
    assert found == {
        ("unknown-key", 4, 4, 4, 22),  # max_concurent_runs
        ("invalid-type", 6, 11, 6, 15),  # nope
        ("unknown-key", 7, 10, 7, 14),  # "😀": one character, two UTF-16 units
        ("unknown-key", 7, 19, 7, 29),  # num_wrkers, after the emoji
    }
    for diagnostic in diagnostics:
        assert diagnostic["source"] == "instance-lint"
        assert diagnostic["codeDescription"]["href"].endswith(f"/linter/rule_docs/{diagnostic['code']}.md")
    assert {d["severity"] for d in diagnostics} == {1}  # errors

    typo = next(d for d in diagnostics if d["range"] == _range(4, 4, 4, 22))
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": path.as_uri()},
                                                         "range": typo["range"], "context": {"diagnostics": [typo]}})
    titles = [action["title"] for action in actions]
    assert titles == ["Fix: write `max_concurrent_runs`", "Disable unknown-key for this line"]
    fixed = _apply(TEXT, actions[0]["edit"]["changes"][path.as_uri()])
    assert fixed == TEXT.replace("max_concurent_runs", "max_concurrent_runs")

    diagnostics = _change(server, path, fixed, 2)
    assert [d["range"]["start"]["line"] for d in diagnostics if d["code"] == "unknown-key"] == [7, 7]

    nope = next(d for d in diagnostics if d["code"] == "invalid-type")
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": path.as_uri()},
                                                         "range": nope["range"], "context": {"diagnostics": [nope]}})
    assert [a["title"] for a in actions] == ["Disable invalid-type for this line"]  # no suggestion: no fix
    disabled = _apply(fixed, actions[0]["edit"]["changes"][path.as_uri()])
    assert "  enabled: nope  # instance-lint: disable=invalid-type\n" in disabled
    assert not [d for d in _change(server, path, disabled, 3) if d["code"] == "invalid-type"]


def test_hover_and_completion(server, tmp_path):
    path = tmp_path / "dagster.yaml"
    _open(server, path, TEXT)
    hover = server.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                  "position": {"line": 5, "character": 3}})  # telemetry
    assert "`telemetry`" in hover["contents"]["value"] and "In every supported Dagster version" in hover["contents"]["value"]
    on_typo = server.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                    "position": {"line": 4, "character": 8}})
    assert "**unknown-key** (error): A key Dagster does not accept at that place" in on_typo["contents"]["value"]

    text = "run_launcher:\n  module: dagster_k8s\n  class: \n  config:\n    \n"
    _change(server, path, text, 2)
    classes = server.request("textDocument/completion", {"textDocument": {"uri": path.as_uri()},
                                                         "position": {"line": 2, "character": 9}})
    assert "K8sRunLauncher" in [item["label"] for item in classes["items"]]
    top = server.request("textDocument/completion", {"textDocument": {"uri": path.as_uri()},
                                                     "position": {"line": 5, "character": 0}})
    labels = [item["label"] for item in top["items"]]
    assert "run_coordinator" in labels and "run_launcher" not in labels  # written already
    assert "dagster_cloud_api" not in labels  # an agent's key, in a file that is no agent's


def test_only_instance_configs_and_configured_globs_are_served(server, tmp_path):
    served = tmp_path / "instance-prod.yaml"
    assert [d["code"] for d in _open(server, served, "telemetry:\n  enabld: false\n")] == ["unknown-key"]
    other = tmp_path / "workspace.yaml"
    server.notify("textDocument/didOpen", {"textDocument": {"uri": other.as_uri(), "languageId": "yaml",
                                                            "version": 1, "text": "load_from: []\n"}})
    with pytest.raises(TimeoutError):
        server.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == other.as_uri(), timeout=2)


def test_project_settings_apply_in_the_editor(server, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.instance-lint]\nignore = ["invalid-type"]\n')
    codes = [d["code"] for d in _open(server, tmp_path / "dagster.yaml", TEXT)]
    assert "invalid-type" not in codes and "unknown-key" in codes
