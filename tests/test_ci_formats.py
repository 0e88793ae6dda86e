"""The CI formats of `check` (github, sarif, junit, gitlab) and `--output FILE`.

The SARIF output is validated against the SARIF 2.1.0 JSON Schema kept in `tests/schemas/`
(`sarif-2.1.0-rtm.5.json`, the final 2.1.0 schema as Microsoft's `@microsoft/jest-sarif` npm package
ships it; OASIS published the same schema as `sarif-schema-2.1.0.json`), and checked against what
GitHub code scanning requires of an upload. The goldens under `tests/golden/mistakes.<format>.out` were
reviewed by hand; rewrite them with `pytest --update-goldens` only together with a review of the diff.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from linter.cli import cli
from linter.findings import Finding, Severity, Span
from linter.reporters import REPORTERS, Report
from linter.reporters.ci import github_annotation
from linter.rulebook import RULES, rule_doc

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SARIF_SCHEMA = json.loads((HERE / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())
GOLDEN_ENVIRONMENT = {"DAGSTER_PG_USERNAME": "dagster", "DAGSTER_PG_PASSWORD": "secret"}
CI_FORMATS = ["github", "sarif", "junit", "gitlab"]


def check(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["check", *args], env={**GOLDEN_ENVIRONMENT, **(env or {})},
                              catch_exceptions=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (a `.git` marker is what instance-lint looks for) holding the golden inputs."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for name in ("mistakes.yaml", "syntax_error.yaml"):
        shutil.copy(GOLDEN / name, root / name)
    monkeypatch.chdir(root)
    return root


def stable(output: str, root: Path) -> str:
    """The output with the machine's repository location replaced by `file:///SRCROOT`."""
    return output.replace(root.resolve().as_uri(), "file:///SRCROOT")


# --- goldens ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_golden(fmt: str, repo: Path, update_goldens: bool):
    result = check("--format", fmt, "mistakes.yaml")
    golden = GOLDEN / f"mistakes.{fmt}.out"
    output = f"exit {result.exit_code}\n{stable(result.stdout, repo)}"
    if update_goldens:
        golden.write_text(output)
    assert output == golden.read_text()


# --- github -----------------------------------------------------------------------------------------------


def finding(path="dagster.yaml", line=3, column=5, end_line=3, end_column=9, severity=Severity.ERROR,
            rule="unknown-key", message="unknown key", key_path=("run_launcher",), suggestion=None) -> Finding:
    return Finding(path, Span(line, column, end_line, end_column), severity, rule, message, key_path, suggestion)


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Split a workflow command as the runner does, undoing its escapes."""
    match = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert match, line

    def unescape(text: str) -> str:
        return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
                .replace("%25", "%"))

    properties = dict(part.split("=", 1) for part in match.group(2).split(","))
    return match.group(1), {k: unescape(v) for k, v in properties.items()}, unescape(match.group(3))


def test_github_escapes_data_and_properties(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    weird = finding(path="a,b:c%d.yaml", message="100% wrong:\r\nsee `a,b`", suggestion="x")
    line = github_annotation(weird)
    assert "\n" not in line and "\r" not in line
    command, properties, message = parse_command(line)
    assert command == "error"
    assert properties == {"file": "a,b:c%d.yaml", "line": "3", "col": "5", "endLine": "3", "endColumn": "9",
                          "title": "instance-lint (unknown-key)"}
    assert message == "a,b:c%d.yaml:3:5: error [unknown-key] 100% wrong:\r\nsee `a,b`\nhelp: replace with `x`"
    # the raw property text has no separator the runner would split on
    assert re.fullmatch(r"::error [^:]*::.*", line)


def test_github_levels_and_multiline_spans(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert github_annotation(finding(severity=Severity.WARNING)).startswith("::warning ")
    assert github_annotation(finding(severity=Severity.INFO)).startswith("::notice ")
    _, properties, _ = parse_command(github_annotation(finding(line=3, end_line=5)))
    # GitHub takes columns only for a span on one line
    assert properties == {"file": "dagster.yaml", "line": "3", "endLine": "5", "title": "instance-lint (unknown-key)"}


def test_github_file_is_relative_to_the_repository_root(repo: Path, monkeypatch):
    deploy = repo / "deploy"
    deploy.mkdir()
    shutil.copy(repo / "mistakes.yaml", deploy / "dagster.yaml")
    monkeypatch.chdir(deploy)
    lines = check("--format", "github", "dagster.yaml").stdout.splitlines()
    assert {parse_command(line)[1]["file"] for line in lines[:-1]} == {"deploy/dagster.yaml"}
    assert lines[-1] == "Found 9 errors, 1 warning in 1 file, judged as Dagster 1.13 (the newest; no `dagster` pin above the file)."


def test_github_is_chosen_under_github_actions(repo: Path):
    automatic = check("mistakes.yaml", env={"GITHUB_ACTIONS": "true"})
    assert automatic.stdout == check("--format", "github", "mistakes.yaml").stdout
    assert automatic.exit_code == 1
    explicit = check("--format", "text", "mistakes.yaml", env={"GITHUB_ACTIONS": "true"})
    assert explicit.stdout.startswith("mistakes.yaml:11:13: error [invalid-type]")
    assert check("mistakes.yaml", env={"GITHUB_ACTIONS": "false"}).stdout == explicit.stdout


# --- sarif ------------------------------------------------------------------------------------------------


def sarif(*args: str) -> dict:
    result = check("--format", "sarif", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def assert_code_scanning_upload(log: dict, raw_size: int) -> None:
    """What GitHub code scanning requires of (and limits in) an uploaded SARIF file."""
    assert raw_size < 10 * 1024 * 1024  # the upload limit is 10 MB (gzip-compressed; uncompressed is stricter)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "instance-lint" and driver["version"]
    rules = driver["rules"]
    assert len(rules) <= 25_000 and len(run["results"]) <= 25_000
    assert len({rule["id"] for rule in rules}) == len(rules)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    base_ids = run.get("originalUriBaseIds", {})
    for base in base_ids.values():
        assert re.match(r"file:///", base["uri"]) and base["uri"].endswith("/")
    for result in run["results"]:
        assert result["level"] in {"error", "warning", "note", "none"}
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        assert len(result["locations"]) >= 1
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert not re.match(r"[a-z]+:", uri) and not uri.startswith("/"), uri  # relative to the checkout
        assert physical["artifactLocation"]["uriBaseId"] in base_ids
        region = physical["region"]
        assert 1 <= region["startLine"] <= region["endLine"]
        assert region["startColumn"] >= 1 and region["endColumn"] >= 1
        if region["startLine"] == region["endLine"]:
            assert region["endColumn"] > region["startColumn"]
        assert all(isinstance(v, str) and v for v in result["partialFingerprints"].values())


@pytest.mark.parametrize("targets", [["mistakes.yaml"], ["syntax_error.yaml"], ["mistakes.yaml", "syntax_error.yaml"],
                                     ["clean.yaml"]])
def test_sarif_validates_against_the_schema_and_code_scanning(repo: Path, targets):
    (repo / "clean.yaml").write_text("telemetry:\n  enabled: false\n")
    raw = check("--format", "sarif", *targets).stdout
    log = json.loads(raw)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    assert_code_scanning_upload(log, len(raw.encode()))
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} <= set(targets)
    if targets == ["clean.yaml"]:
        assert run["results"] == []


def test_sarif_rules_come_from_the_rulebook_and_the_rule_docs(repo: Path):
    rules = sarif("mistakes.yaml")["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    unknown_key = rules[list(RULES).index("unknown-key")]
    assert unknown_key["shortDescription"]["text"] == RULES["unknown-key"].summary
    assert unknown_key["fullDescription"]["text"].startswith("Checks for a key Dagster does not accept at that place")
    assert "## Why it matters" not in unknown_key["fullDescription"]["text"]
    assert unknown_key["help"]["markdown"] == rule_doc("unknown-key")
    assert {rule["defaultConfiguration"]["level"] for rule in rules} == {"error", "warning", "note"}


def test_sarif_paths_are_relative_to_the_git_top_level(repo: Path, monkeypatch):
    deploy = repo / "deploy" / "prod"
    deploy.mkdir(parents=True)
    shutil.copy(repo / "mistakes.yaml", deploy / "dagster.yaml")
    monkeypatch.chdir(deploy)
    run = sarif("dagster.yaml")["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"deploy/prod/dagster.yaml"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


def test_sarif_outside_a_repository_is_relative_to_the_current_directory(tmp_path: Path, monkeypatch):
    (tmp_path / "sub").mkdir()
    shutil.copy(GOLDEN / "mistakes.yaml", tmp_path / "sub" / "dagster.yaml")
    monkeypatch.chdir(tmp_path)
    if any((parent / ".git").exists() for parent in tmp_path.resolve().parents):
        pytest.skip("the temporary directory is inside a git repository")
    run = sarif("sub/dagster.yaml")["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"sub/dagster.yaml"}


def test_fingerprints_survive_lines_moving(repo: Path):
    before = sarif("mistakes.yaml")["runs"][0]["results"]
    text = (repo / "mistakes.yaml").read_text()
    (repo / "mistakes.yaml").write_text("# a new comment\n\n" + text)
    after = sarif("mistakes.yaml")["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after
    ]
    assert len({json.dumps(r["partialFingerprints"]) for r in before}) == len(before)


# --- junit ------------------------------------------------------------------------------------------------


def test_junit_one_suite_per_file_failures_for_errors(repo: Path):
    (repo / "clean.yaml").write_text("telemetry:\n  enabled: false\n")
    result = check("--format", "junit", "mistakes.yaml", "clean.yaml")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout.encode())
    assert root.tag == "testsuites" and (root.get("tests"), root.get("failures")) == ("11", "9")
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"mistakes.yaml", "clean.yaml"}
    clean = suites["clean.yaml"].findall("testcase")
    assert len(clean) == 1 and not list(clean[0])
    cases = suites["mistakes.yaml"].findall("testcase")
    assert len(cases) == 10 == int(suites["mistakes.yaml"].get("tests"))
    warning = [case for case in cases if case.get("name") == "ambiguous-scalar at mistakes.yaml:37:12"]
    assert warning and warning[0].find("failure") is None
    assert "warning [ambiguous-scalar]" in warning[0].find("system-out").text
    assert sum(case.find("failure") is not None for case in cases) == 9


def test_junit_escapes_markup_and_drops_what_xml_cannot_carry():
    message = 'a <b> & "c" \x07 \U0001f600 ]]>'
    report = Report([finding(path="x&y.yaml", message=message)], {"x&y.yaml": []}, 1)
    from io import StringIO

    out = StringIO()
    REPORTERS["junit"](report, out)
    failure = ET.fromstring(out.getvalue().encode()).find(".//failure")
    assert failure.get("message") == message.replace("\x07", "\ufffd")
    assert failure.text.endswith(message.replace("\x07", "\ufffd"))


# --- gitlab -----------------------------------------------------------------------------------------------

# The fields GitLab's Code Quality report documents (docs.gitlab.com, "Code Quality report format"):
# description, check_name, fingerprint, severity, location.path and location.lines.begin.
GITLAB_CODE_QUALITY_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": r"^[^/]"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def test_gitlab_code_quality_shape(repo: Path, monkeypatch):
    deploy = repo / "deploy"
    deploy.mkdir()
    shutil.copy(repo / "mistakes.yaml", deploy / "dagster.yaml")
    monkeypatch.chdir(deploy)
    result = check("--format", "gitlab", "dagster.yaml")
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    jsonschema.Draft7Validator(GITLAB_CODE_QUALITY_SCHEMA).validate(issues)
    assert len(issues) == 10 and len({issue["fingerprint"] for issue in issues}) == 10
    assert {issue["location"]["path"] for issue in issues} == {"deploy/dagster.yaml"}
    assert {issue["check_name"]: issue["severity"] for issue in issues}["ambiguous-scalar"] == "minor"
    assert {issue["severity"] for issue in issues} == {"major", "minor"}
    # the same findings from the repository root: the same fingerprints
    monkeypatch.chdir(repo)
    again = json.loads(check("--format", "gitlab", "deploy/dagster.yaml").stdout)
    assert [issue["fingerprint"] for issue in again] == [issue["fingerprint"] for issue in issues]


def test_gitlab_clean_file_is_an_empty_list(repo: Path):
    (repo / "clean.yaml").write_text("telemetry:\n  enabled: false\n")
    result = check("--format", "gitlab", "clean.yaml")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


# --- --output ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", *CI_FORMATS])
def test_output_writes_the_report_to_a_file(fmt: str, repo: Path):
    expected = check("--format", fmt, "mistakes.yaml")
    result = check("--format", fmt, "--output", "report.out", "mistakes.yaml")
    assert (result.exit_code, result.stdout) == (expected.exit_code, "")
    assert (repo / "report.out").read_text(encoding="utf-8") == expected.stdout


def test_output_keeps_exit_codes_and_has_read_problems_in_the_report(repo: Path):
    (repo / "clean.yaml").write_text("telemetry:\n  enabled: false\n")
    assert check("--format", "sarif", "--output", "r.sarif", "clean.yaml").exit_code == 0
    assert json.loads((repo / "r.sarif").read_text())["runs"][0]["results"] == []
    result = check("--format", "gitlab", "--output", "r.json", "clean.yaml", "missing.yaml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "missing.yaml" in result.stderr  # the terminal is told too
    [read_error] = json.loads((repo / "r.json").read_text())  # issue 13: a CI system reading it sees it
    assert (read_error["check_name"], read_error["severity"], read_error["location"]["path"]) == (
        "read-error", "major", "missing.yaml")


@pytest.mark.parametrize("target", ["no/such/dir/report.sarif", "."])
def test_unwritable_output_is_a_usage_error(target: str, repo: Path):
    result = check("--format", "sarif", "--output", target, "mistakes.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--output" in result.stderr


def test_ci_formats_are_registered_lazily_and_completely():
    import subprocess
    import sys

    from linter.reporters import FORMAT_MODULES, REPORTERS
    from linter.reporters.ci import REPORTERS as CI_REPORTERS

    assert {"github", "sarif", "junit", "gitlab"} == set(CI_REPORTERS)
    assert {name for name, module in FORMAT_MODULES.items() if module == "linter.reporters.ci"} == set(CI_REPORTERS)
    assert set(REPORTERS) == set(FORMAT_MODULES)
    probe = ("import sys, linter.cli; print([name for name in ('linter.reporters.ci', 'linter.reporters.text', "
             "'linter.reporters.json_output') if name in sys.modules])")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "[]"
