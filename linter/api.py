"""The lint pipeline: read the file as Dagster does, validate against the schema, run the checks."""

from __future__ import annotations

import os
from collections.abc import Mapping

from linter import schema
from linter.catalog import load_catalog
from linter.document import Document, parse_document
from linter.findings import Finding, KeyPath, Violation
from linter.rulebook import severity_of
from linter.rules import RuleContext, run_checks


def lint_text(text: str | bytes, filename: str, env: Mapping[str, str] | None = None) -> list[Finding]:
    """Every finding for one file's contents. `env` defaults to the process environment."""
    return lint_document(parse_document(text, filename), env)


def lint_document(document: Document, env: Mapping[str, str] | None = None) -> list[Finding]:
    findings = list(document.findings)
    if isinstance(document.data, dict):
        violations = schema.validate(document.data, source_text=lambda path: _source_text(document, path))
        context = RuleContext(document.data, load_catalog(), os.environ if env is None else env, document)
        violations.extend(run_checks(context))
        findings.extend(_to_finding(document, v) for v in violations)
    return _unique_sorted(findings)


def _to_finding(document: Document, violation: Violation) -> Finding:
    return Finding(
        path=document.filename,
        span=document.locate(violation.key_path, violation.target),
        severity=violation.severity or severity_of(violation.rule),
        rule=violation.rule,
        message=violation.message,
        key_path=tuple(violation.key_path),
        suggestion=violation.suggestion,
    )


def _source_text(document: Document, path: KeyPath) -> str | None:
    span = document.value_span(path)
    if span is None or span.line != span.end_line:
        return None
    return document.line_text(span.line)[span.column - 1 : span.end_column - 1]


def _unique_sorted(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    unique = []
    for finding in sorted(findings, key=Finding.sort_key):
        identity = (finding.rule, finding.span, finding.message)
        if identity not in seen:
            seen.add(identity)
            unique.append(finding)
    return unique
