"""The pre-commit hook manifest is valid and its entry runs as pre-commit would run it."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from pre_commit.clientlib import load_manifest

REPO = Path(__file__).resolve().parent.parent


def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}


def test_manifest_is_valid_and_matches_dagster_yaml_only():
    import re

    assert sorted(hooks()) == ["instance-lint", "instance-lint-fix", "instance-lint-strict", "instance-lint-system"]
    for hook in hooks().values():
        pattern = re.compile(hook["files"])
        assert pattern.search("dagster.yaml") and pattern.search("deploy/prod/dagster.yml")
        assert not pattern.search("my-dagster.yaml") and not pattern.search("workspace.yaml")
        assert hook["types"] == ["yaml"] and hook["pass_filenames"]
        assert hook["entry"].startswith("instance-lint check")
    assert hooks()["instance-lint"]["language"] == "python"
    assert hooks()["instance-lint-strict"]["language"] == "python"
    assert hooks()["instance-lint-strict"]["entry"] == "instance-lint check --strict"
    # pre-commit 4.4 reads `system` as its new name `unsupported`
    assert hooks()["instance-lint-system"]["language"] in ("system", "unsupported")


def test_hook_entry_passes_a_valid_file_and_fails_an_invalid_one(tmp_path):
    hook = hooks()["instance-lint"]
    command = shlex.split(hook["entry"])
    executable = shutil.which(command[0], path=str(Path(sys.executable).parent)) or shutil.which(command[0])
    assert executable, "the package's console script is installed"
    good, bad = tmp_path / "good" / "dagster.yaml", tmp_path / "bad" / "dagster.yaml"
    for path, text in ((good, "telemetry:\n  enabled: false\n"), (bad, "telemetry:\n  enabled: nope\n")):
        path.parent.mkdir()
        path.write_text(text)
    passed = subprocess.run([executable, *command[1:], str(good)], capture_output=True, text=True)
    failed = subprocess.run([executable, *command[1:], str(bad)], capture_output=True, text=True)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert failed.returncode == 1
    assert f"{bad}:2:12: error [invalid-type]" in failed.stdout


def test_fix_hook_entry_fixes_a_misspelt_key_in_place(tmp_path):
    hook = hooks()["instance-lint-fix"]
    command = shlex.split(hook["entry"])
    executable = shutil.which(command[0], path=str(Path(sys.executable).parent)) or shutil.which(command[0])
    path = tmp_path / "dagster.yaml"
    path.write_text("telemetry:\n  enabld: false  # off\n")
    result = subprocess.run([executable, *command[1:], str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_text() == "telemetry:\n  enabled: false  # off\n"
