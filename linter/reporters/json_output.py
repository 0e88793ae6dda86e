"""`--format json`: the findings and the Dagster version each file was judged as, as one JSON object."""

from __future__ import annotations

import json
from typing import TextIO

from linter import __version__
from linter.reporters.report import Report


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
        ] + [{"path": path, "read_error": reason} for path, reason in report.unread.items()],
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


REPORTERS = {"json": json_reporter}
