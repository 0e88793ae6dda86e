"""`--format text`: `path:line:col: severity [rule] message`, a code frame, the help line, a summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

import click

from linter.findings import EmbeddingPrefix, Finding, Severity
from linter.reporters.report import Report, help_text, summary

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
        if finding.key_path and isinstance(finding.key_path[0], EmbeddingPrefix):  # which ConfigMap's file
            out.write(f"  = key: {finding.dotted_key_path}\n")
        if finding.suggestion is not None:
            out.write(f"  = help: {help_text(finding)}\n")
        out.write("\n")
    out.write(summary(report) + "\n")


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


REPORTERS = {"text": text_reporter}
