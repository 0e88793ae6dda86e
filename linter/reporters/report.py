"""What every output format is given (`Report`), and the words the text-like formats share."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from linter.findings import Finding, Severity
from linter.model.choice import VersionChoice


@dataclass(frozen=True)
class Report:
    findings: Sequence[Finding]  # sorted by path, line, column
    source_lines: Mapping[str, Sequence[str]]  # path -> lines of the checked text, for code frames
    files_checked: int
    color: bool = False
    versions: Mapping[str, VersionChoice] = field(default_factory=dict)  # path -> the Dagster version judged
    unread: Mapping[str, str] = field(default_factory=dict)  # path -> why it could not be read (a read-error finding)

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


# The `= help:` line. Every rule's suggestion is what to write instead of the underlined text; the
# wording differs only where "replace" would mislead.
_HELP = {
    "missing-env-var": "replace with `{}`, which is set",  # the variable with a close name
}


def help_text(finding: Finding) -> str:
    return _HELP.get(finding.rule, "replace with `{}`").format(finding.suggestion)


def summary(report: Report) -> str:
    counts = {severity: 0 for severity in Severity}
    for finding in report.findings:
        counts[finding.severity] += 1
    files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''}"
    judged = report.judged_as()
    files = files if judged is None else f"{files}, {judged}"
    if report.unread:
        count = len(report.unread)
        files += f"; {count} file{'s' if count != 1 else ''} could not be read"
    if not report.findings:
        return f"No problems found in {files}."
    parts = [
        f"{count} {severity.value}{'s' if count != 1 else ''}"
        for severity, count in counts.items()
        if count
    ]
    return f"Found {', '.join(parts)} in {files}."
