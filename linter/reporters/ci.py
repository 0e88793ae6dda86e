"""Output formats for CI systems: GitHub Actions annotations, SARIF 2.1.0 (code scanning), JUnit XML and
GitLab Code Quality JSON.

Like the other reporters, each one only formats the findings it is given. The one thing they
look up is where a file sits in its repository: GitHub, code scanning and GitLab place findings by a path
relative to the repository root, which is the git top level above the file (found by looking for `.git`, so
git need not be installed), else the current directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from linter import __version__
from linter.findings import Finding, Severity
from linter.reporters.report import Report, help_text, summary
from linter.rulebook import RULES, rule_doc


TOOL_NAME = "instance-lint"


# --- where a file is in its repository --------------------------------------------------------------------


@lru_cache(maxsize=None)
def _root_of(directory: str) -> Path:
    """The git top level at or above `directory` (a `.git` directory or file, as in worktrees and
    submodules), else the current directory."""
    start = Path(directory)
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return Path.cwd().resolve()


def repository_location(path: str) -> tuple[Path, str]:
    """(repository root, path of the file relative to it in POSIX form) for a reported path.

    Standard input (`-`) and files outside the root keep the path as given."""
    if path == "-":
        return _root_of(str(Path.cwd().resolve())), path
    absolute = Path(os.path.abspath(path))
    directory = absolute.parent
    while not directory.is_dir() and directory != directory.parent:  # --stdin-filename may name no file
        directory = directory.parent
    root = _root_of(str(directory.resolve()))
    try:
        relative = absolute.resolve().relative_to(root)
    except ValueError:
        return root, path
    return root, relative.as_posix()


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """A stable identity per finding: the rule, the file's repository path and the key path, which survive
    lines moving above the finding and rewording of messages; a counter tells identical ones apart."""
    seen: dict[str, int] = {}
    out = []
    for finding in findings:
        base = "\0".join((finding.rule, repository_location(finding.path)[1], finding.dotted_key_path))
        if not finding.key_path:  # a finding on the document itself (syntax): the line tells them apart
            base += f"\0{finding.line}"
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        out.append(hashlib.sha256(f"{base}\0{occurrence}".encode()).hexdigest())
    return out


# --- GitHub Actions workflow commands ---------------------------------------------------------------------

_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(finding: Finding) -> str:
    """`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`. GitHub takes columns only for a
    span on one line; `endColumn` is exclusive, as in every other format of instance-lint."""
    span = finding.span
    properties = {"file": repository_location(finding.path)[1], "line": span.line}
    if span.end_line == span.line:
        properties.update(col=span.column, endLine=span.end_line, endColumn=span.end_column)
    else:
        properties.update(endLine=span.end_line)
    properties["title"] = f"{TOOL_NAME} ({finding.rule})"
    message = f"{finding.path}:{span.line}:{span.column}: {finding.severity.value} [{finding.rule}] {finding.message}"
    if finding.suggestion is not None:
        message += f"\nhelp: {help_text(finding)}"
    rendered = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items())
    return f"::{_GITHUB_COMMANDS[finding.severity]} {rendered}::{_escape_data(message)}"


def github_reporter(report: Report, out: TextIO) -> None:
    """One workflow command per finding (an annotation on the file in the run and the pull request; the log
    shows its message, which starts with `path:line:col:`), then the usual summary line."""
    for finding in report.findings:
        out.write(github_annotation(finding) + "\n")
    out.write(summary(report) + "\n")


# --- SARIF 2.1.0 ------------------------------------------------------------------------------------------

SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _doc_section(doc: str, heading: str) -> str | None:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", doc, flags=re.M | re.S)
    return " ".join(match.group(1).split()) if match else None


def sarif_rules() -> list[dict]:
    """`tool.driver.rules`: every rule, in the rulebook's order (results point into it by `ruleIndex`)."""
    rules = []
    for info in RULES.values():
        doc = rule_doc(info.slug)
        described = (_doc_section(doc, "What it does") if doc else None) or info.summary
        rule = {
            "id": info.slug,
            "name": "".join(part.capitalize() for part in info.slug.split("-")),
            "shortDescription": {"text": info.summary},
            "fullDescription": {"text": described},
            "defaultConfiguration": {"level": _SARIF_LEVELS[info.severity]},
            "properties": {"tags": [TOOL_NAME]},
        }
        if doc:
            rule["help"] = {"text": doc, "markdown": doc}
        rules.append(rule)
    return rules


def sarif_log(report: Report) -> dict:
    index = {slug: position for position, slug in enumerate(RULES)}
    roots = [repository_location(path)[0] for path in report.source_lines] or [repository_location("-")[0]]
    source_root = roots[0]
    results = []
    for finding, fingerprint in zip(report.findings, fingerprints(report.findings)):
        root, relative = repository_location(finding.path)
        if root == source_root and not Path(relative).is_absolute():
            artifact = {"uri": relative, "uriBaseId": "%SRCROOT%"}
        else:  # another repository than the run's first file, or outside any: an absolute URI
            artifact = {"uri": Path(os.path.abspath(finding.path)).as_uri()}
        span = finding.span
        result = {
            "ruleId": finding.rule,
            "level": _SARIF_LEVELS[finding.severity],
            "message": {"text": finding.message + (f" (help: {help_text(finding)})" if finding.suggestion else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": span.line,
                            "startColumn": span.column,
                            "endLine": span.end_line,
                            "endColumn": span.end_column,
                        },
                    },
                }
            ],
            "partialFingerprints": {"instanceLintFindingHash/v1": fingerprint},
        }
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        if finding.key_path:
            result["locations"][0]["logicalLocations"] = [
                {"fullyQualifiedName": finding.dotted_key_path, "kind": "member"}
            ]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL_NAME, "version": __version__, "semanticVersion": __version__,
                                    "rules": sarif_rules()}},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": source_root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
                # what could not be read is a result (read-error) and, as SARIF intends, a failed execution
                "invocations": [{
                    "executionSuccessful": not report.unread,
                    "toolExecutionNotifications": [
                        {"level": "error", "message": {"text": f"{path}: {reason}"},
                         "descriptor": {"id": "read-error"}}
                        for path, reason in report.unread.items()
                    ],
                }],
                "properties": {
                    "dagsterVersions": [
                        {"path": path, "version": choice.version, "source": choice.reason}
                        for path, choice in report.versions.items()
                    ],
                },
            }
        ],
    }


def sarif_reporter(report: Report, out: TextIO) -> None:
    json.dump(sarif_log(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


# --- JUnit XML --------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def junit_reporter(report: Report, out: TextIO) -> None:
    """One `<testsuite>` per checked file, one `<testcase>` per finding (each shows up as its own row in
    GitLab's, Jenkins' and Azure's test views). Error findings are `<failure>`s; warnings and infos are
    passing test cases that carry the finding in `<system-out>`, as they do not fail the run. A file without
    findings has one passing test case, so that it is listed as checked."""
    by_file: dict[str, list[Finding]] = {path: [] for path in report.source_lines}
    for finding in report.findings:
        by_file.setdefault(finding.path, []).append(finding)
    failures_total = sum(f.severity is Severity.ERROR for f in report.findings)
    tests_total = sum(max(1, len(findings)) for findings in by_file.values())
    suites = ET.Element("testsuites", name=TOOL_NAME, tests=str(tests_total), failures=str(failures_total),
                        errors="0")
    for path, findings in by_file.items():
        failures = sum(f.severity is Severity.ERROR for f in findings)
        suite = ET.SubElement(suites, "testsuite", name=_xml_text(path), tests=str(max(1, len(findings))),
                              failures=str(failures), errors="0", skipped="0")
        if not findings:
            ET.SubElement(suite, "testcase", name=TOOL_NAME, classname=_xml_text(path))
        for finding in findings:
            location = f"{finding.path}:{finding.line}:{finding.column}"
            case = ET.SubElement(suite, "testcase", name=_xml_text(f"{finding.rule} at {location}"),
                                 classname=_xml_text(path), file=_xml_text(finding.path), line=str(finding.line))
            body = f"{location}: {finding.severity.value} [{finding.rule}] {finding.message}"
            if finding.suggestion is not None:
                body += f"\nhelp: {help_text(finding)}"
            if finding.severity is Severity.ERROR:
                failure = ET.SubElement(case, "failure", type=finding.rule, message=_xml_text(finding.message))
                failure.text = _xml_text(body)
            else:
                ET.SubElement(case, "system-out").text = _xml_text(body)
    ET.indent(suites)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(suites, encoding="unicode"))
    out.write("\n")


# --- GitLab Code Quality ----------------------------------------------------------------------------------

# GitLab's levels are info, minor, major, critical and blocker. An error keeps Dagster from starting or
# from using a setting, which GitLab's own linters (ESLint's formatter among them) report as major.
GITLAB_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def gitlab_reporter(report: Report, out: TextIO) -> None:
    """A JSON list of Code Quality issues: description, check_name, fingerprint, severity, location.path
    (relative to the repository root) and location.lines.begin."""
    issues = [
        {
            "description": finding.message,
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": GITLAB_SEVERITIES[finding.severity],
            "location": {"path": repository_location(finding.path)[1], "lines": {"begin": finding.line}},
        }
        for finding, fingerprint in zip(report.findings, fingerprints(report.findings))
    ]
    json.dump(issues, out, indent=2, ensure_ascii=False)
    out.write("\n")


REPORTERS = {"github": github_reporter, "sarif": sarif_reporter, "junit": junit_reporter, "gitlab": gitlab_reporter}
