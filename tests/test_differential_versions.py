"""Differential tests on every supported Dagster version: the linter judging as version X.Y against X.Y's
real Dagster, in its own venv (`.venvs/dagster-<X.Y>/`, built by `bash scripts/version_envs.sh --jobs 2`).

For every fixture of tests/fixtures/ and every supported version other than the test venv's own Dagster
(tests/test_differential.py judges that one in-process):
- the linter, judging as X.Y, reports an error Dagster can see  <=>  Dagster X.Y refuses the file.
For the probes of tests/fixtures/versions/, one per difference between versions, on every supported version:
- X.Y's Dagster accepts the file exactly when X.Y is in its `# accepted-in:` header (read from the source);
- the linter reports an error Dagster can see exactly when X.Y is not in it;
- a `# version-fact: X.Y ...: text` header: judging as X.Y, a finding's message contains `text`.

Each version's Dagster judges all fixtures in one subprocess (tests/oracle_batch.py); the versions run
two at a time, one per core.
"""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest

from fixture_markers import FIXTURES_DIR, fixture_id, fixture_paths, load_markers
from linter.api import lint_text
from linter.findings import Severity
from linter.model.choice import requested_version
from linter.model.store import load_model, supported_versions

ROOT = Path(__file__).resolve().parent.parent
BATCH = Path(__file__).resolve().parent / "oracle_batch.py"
BUILD = "bash scripts/version_envs.sh --jobs 2"

VERSIONS = supported_versions()
IN_PROCESS = ".".join(installed_version("dagster").split(".")[:2])  # judged by tests/test_differential.py
OTHER_VERSIONS = tuple(v for v in VERSIONS if v != IN_PROCESS)
FIXTURES = fixture_paths()
PROBES = sorted((FIXTURES_DIR / "versions").glob("*.yaml"))

# Disagreements caused by the linter (linter/), each (version, fixture id) with its cause.
LINTER_BUGS: dict[tuple[str, str], str] = {}


def _python(version: str) -> Path:
    return ROOT / ".venvs" / f"dagster-{version}" / "bin" / "python"


def _judge_all(version: str) -> dict[Path, dict]:
    requests = [{"path": str(path), "env": load_markers(path).env, "skip_imports": sorted(load_markers(path).skip_imports)}
                for path in FIXTURES]
    result = subprocess.run([str(_python(version)), str(BATCH)], input=json.dumps(requests), capture_output=True,
                            text=True, cwd=ROOT)
    if result.returncode != 0:
        return {path: {"oracle_error": f"oracle_batch.py exited {result.returncode}:\n{result.stderr}"} for path in FIXTURES}
    return dict(zip(FIXTURES, json.loads(result.stdout)))


@pytest.fixture(scope="module")
def verdicts() -> dict[str, dict[Path, dict]]:
    """Each version's verdict on every fixture, from its own venv; the test venv's Dagster in-process."""
    available = [v for v in OTHER_VERSIONS if _python(v).exists()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        judged = dict(zip(available, pool.map(_judge_all, available)))
    from dagster_oracle import judge

    judged[IN_PROCESS] = {}
    for path in PROBES:
        markers = load_markers(path)
        verdict = judge(path, markers.env, skip_imports=markers.skip_imports)
        judged[IN_PROCESS][path] = {"accepted": verdict.accepted, "stage": verdict.stage, "message": verdict.message}
    return judged


def _verdict(verdicts: dict[str, dict[Path, dict]], version: str, fixture: Path) -> dict:
    if version not in verdicts:
        reason = f"no venv for Dagster {version} ({_python(version)}): build it with `{BUILD}`"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    verdict = verdicts[version][fixture]
    assert not verdict.get("oracle_error"), f"the oracle failed on Dagster {version}:\n{verdict['oracle_error']}"
    return verdict


def _lint(fixture: Path, version: str):
    markers = load_markers(fixture)
    choice = requested_version(version, "--dagster-version", VERSIONS)
    findings = lint_text(fixture.read_text(encoding="utf-8"), str(fixture), env=markers.env,
                         model=load_model(version), version=choice)
    visible = [f for f in findings if f.severity is Severity.ERROR and f.rule not in markers.dagster_blind]
    return findings, visible


def _describe(findings) -> str:
    return "\n".join(f"  {f.span.line}:{f.span.column} {f.rule} [{f.severity.value}] {f.message}"
                     for f in findings) or "  none"


def _cases(versions, fixtures):
    for version in versions:
        for fixture in fixtures:
            bug = LINTER_BUGS.get((version, fixture_id(fixture)))
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            yield pytest.param(version, fixture, marks=marks, id=f"{version}-{fixture_id(fixture)}")


@pytest.mark.parametrize(("version", "fixture"), list(_cases(OTHER_VERSIONS, FIXTURES)))
def test_linter_rejects_exactly_when_that_versions_dagster_does(verdicts, version: str, fixture: Path) -> None:
    verdict = _verdict(verdicts, version, fixture)
    findings, visible = _lint(fixture, version)
    assert bool(visible) == (not verdict["accepted"]), (
        f"Dagster {version} {'accepts' if verdict['accepted'] else 'rejects'} {fixture_id(fixture)}"
        f" ({verdict['stage']}: {verdict['message']}); the linter's findings as {version}:\n{_describe(findings)}"
    )


@pytest.mark.parametrize(("version", "fixture"), list(_cases(VERSIONS, PROBES)))
def test_probe_is_judged_as_its_header_says(verdicts, version: str, fixture: Path) -> None:
    markers = load_markers(fixture)
    assert markers.accepted_in is not None, "every probe says which versions accept it (# accepted-in:)"
    accepted = version in markers.accepted_in
    verdict = _verdict(verdicts, version, fixture)
    assert verdict["accepted"] == accepted, (
        f"the header says Dagster {version} {'accepts' if accepted else 'rejects'} it; Dagster says {verdict}")
    findings, visible = _lint(fixture, version)
    assert bool(visible) == (not accepted), f"the linter's findings as {version}:\n{_describe(findings)}"
    facts = [fact for fact_version, fact in markers.version_facts if fact_version == version]
    for fact in facts:
        assert any(fact in f.message for f in visible), f"no finding says {fact!r}:\n{_describe(findings)}"
    if not facts:  # what no other supported version accepts either carries no version fact
        told = [f for f in findings if "; this file is judged as Dagster" in f.message]
        assert not told, f"a version fact where the header names none, as {version}:\n{_describe(told)}"


def test_every_probe_fact_names_a_version_that_rejects_it() -> None:
    for probe in PROBES:
        markers = load_markers(probe)
        assert set(markers.accepted_in or ()) <= set(VERSIONS), fixture_id(probe)
        assert not {v for v, _ in markers.version_facts} & set(markers.accepted_in or ()), fixture_id(probe)

