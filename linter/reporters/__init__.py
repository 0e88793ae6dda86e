"""Output formats. Each reporter only formats: it receives a `Report` and writes text.

A format's module is imported only when that format is asked for (start-up time): `REPORTERS` maps each
name to a reporter that imports its module on first use.
"""

from __future__ import annotations

import importlib
from typing import TextIO

from linter.reporters.report import Report, Reporter

__all__ = ["FORMAT_MODULES", "REPORTERS", "Report", "Reporter"]

FORMAT_MODULES = {
    "text": "linter.reporters.text",
    "json": "linter.reporters.json_output",
    "github": "linter.reporters.ci",
    "sarif": "linter.reporters.ci",
    "junit": "linter.reporters.ci",
    "gitlab": "linter.reporters.ci",
}


def _imported_on_use(name: str) -> Reporter:
    def report(report: Report, out: TextIO) -> None:
        importlib.import_module(FORMAT_MODULES[name]).REPORTERS[name](report, out)

    return report


REPORTERS: dict[str, Reporter] = {name: _imported_on_use(name) for name in FORMAT_MODULES}
