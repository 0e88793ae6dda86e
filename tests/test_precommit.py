"""The real pre-commit runs this checkout's `instance-lint` hook, as a user's config would.

pre-commit clones this repository at its current commit (HEAD: uncommitted changes are not seen)
and pip-installs it into its own environment, so this test needs PyPI and a git checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOOD = "telemetry:\n  enabled: false\n"
BAD = "telemetry:\n  enabled: nope\n"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def head_commit() -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"this checkout is not a git repository with a commit: {result.stderr.strip()}")
    return result.stdout.strip()


def test_precommit_hook_passes_a_valid_file_and_fails_an_invalid_one(tmp_path):
    rev = head_commit()
    project = tmp_path / "project"
    (project / "deploy").mkdir(parents=True)
    (project / "dagster.yaml").write_text(GOOD)
    (project / "deploy" / "dagster.yaml").write_text(BAD)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {rev}\n    hooks:\n      - id: instance-lint\n"
    )
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
        "NO_COLOR": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
    }

    def pre_commit(*files: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "run", "--color", "never", "--files", *files]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)

    passed = pre_commit("dagster.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "instance-lint (dagster.yaml)" in passed.stdout and "Passed" in passed.stdout

    failed = pre_commit("deploy/dagster.yaml")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "deploy/dagster.yaml:2:12: error [invalid-type]" in failed.stdout

    skipped = pre_commit(".pre-commit-config.yaml")  # not a dagster.yaml: the hook does not run
    assert skipped.returncode == 0 and "no files to check" in skipped.stdout.lower()
