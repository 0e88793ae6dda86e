"""Output formats. Each reporter only formats: it receives sorted findings and writes text."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

import click

from linter import __version__
from linter.findings import Finding, Severity
from linter.model.choice import VersionChoice


@dataclass(frozen=True)
class Report:
    findings: Sequence[Finding]  # sorted by path, line, column
    source_lines: Mapping[str, Sequence[str]]  # path -> lines of the checked text, for code frames
    files_checked: int
    color: bool = False
    versions: Mapping[str, VersionChoice] = field(default_factory=dict)  # path -> the Dagster version judged

    def judged_as(self) -> str | None:
        """`judged as Dagster 1.11 (requirements.txt:3)`, or one such phrase per version when files differ."""
        if not self.versions:
            return None
        described = list(dict.fromkeys(choice.describe() for choice in self.versions.values()))
        if len(described) == 1:
            return f"judged as {described[0]}"
        per_file = "; ".join(f"{path}: {choice.describe()}" for path, choice in self.versions.items())
        return f"judged as {per_file}"


Reporter = Callable[[Report, TextIO], None]

_SEVERITY_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def text_reporter(report: Report, out: TextIO) -> None:
    """`path:line:col: severity [rule] message`, then the source line with a caret underline."""

    def style(text: str, **kwargs) -> str:
        return click.style(text, **kwargs) if report.color else text

    for finding in report.findings:
        severity = style(finding.severity.value, fg=_SEVERITY_COLORS[finding.severity], bold=True)
        location = style(f"{finding.path}:{finding.line}:{finding.column}:", bold=True)
        out.write(f"{location} {severity} [{finding.rule}] {finding.message}\n")
        out.write(_code_frame(finding, report.source_lines.get(finding.path, ()), style))
        if finding.suggestion is not None:
            out.write(f"  = help: {help_text(finding)}\n")
        out.write("\n")
    out.write(_summary(report) + "\n")


# The `= help:` line. Every rule's suggestion is what to write instead of the underlined text; the
# wording differs only where "replace" would mislead.
_HELP = {
    "missing-env-var": "replace with `{}`, which is set",  # the variable with a close name
}


def help_text(finding: Finding) -> str:
    return _HELP.get(finding.rule, "replace with `{}`").format(finding.suggestion)


def _code_frame(finding: Finding, lines: Sequence[str], style) -> str:
    if not 1 <= finding.line <= len(lines):
        return ""
    raw = lines[finding.line - 1]
    shown = raw.expandtabs(4)
    start = len(raw[: finding.column - 1].expandtabs(4))
    if finding.span.end_line == finding.line:
        end = len(raw[: finding.span.end_column - 1].expandtabs(4))
    else:
        end = len(shown.rstrip())
    width = max(1, end - start)
    gutter = " " * len(str(finding.line))
    bar = style("|", fg="blue", bold=True)
    carets = style("^" * width, fg=_SEVERITY_COLORS[finding.severity], bold=True)
    return (
        f"{gutter} {bar}\n"
        f"{style(str(finding.line), fg='blue', bold=True)} {bar} {shown}\n"
        f"{gutter} {bar} {' ' * start}{carets}\n"
    )


def _summary(report: Report) -> str:
    counts = {severity: 0 for severity in Severity}
    for finding in report.findings:
        counts[finding.severity] += 1
    files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''}"
    judged = report.judged_as()
    files = files if judged is None else f"{files}, {judged}"
    if not report.findings:
        return f"No problems found in {files}."
    parts = [
        f"{count} {severity.value}{'s' if count != 1 else ''}"
        for severity, count in counts.items()
        if count
    ]
    return f"Found {', '.join(parts)} in {files}."


def json_reporter(report: Report, out: TextIO) -> None:
    document = {
        "version": __version__,
        "findings": [
            {
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "end_line": f.span.end_line,
                "end_column": f.span.end_column,
                "severity": f.severity.value,
                "rule": f.rule,
                "key_path": f.dotted_key_path,
                "message": f.message,
                "suggestion": f.suggestion,
            }
            for f in report.findings
        ],
        "files": [
            {"path": path, "dagster_version": choice.version, "dagster_version_source": choice.reason}
            for path, choice in report.versions.items()
        ],
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


REPORTERS: dict[str, Reporter] = {"text": text_reporter, "json": json_reporter}

# The CI formats live in their own module, imported only when one is asked for (start-up time).
CI_FORMATS = ("github", "sarif", "junit", "gitlab")


def _ci_reporter(name: str) -> Reporter:
    def report(report: Report, out: TextIO) -> None:
        from linter.reporters_ci import CI_REPORTERS

        CI_REPORTERS[name](report, out)

    return report


REPORTERS.update({name: _ci_reporter(name) for name in CI_FORMATS})
