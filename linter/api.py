"""The lint pipeline: read the file as Dagster does, validate against the schema, run the checks."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from linter import schema
from linter.document import Document, parse_document
from linter.findings import Finding, KeyPath, Span, Violation, format_key_path
from linter.model import DagsterModel
from linter.model.choice import VersionChoice
from linter.rulebook import VERSIONED_RULES, severity_of
from linter.rules import RuleContext, run_checks
from linter.settings import Settings
from linter.suppressions import apply_suppressions


def lint_text(
    text: str | bytes,
    filename: str,
    env: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    import_classes: bool = False,
    model: DagsterModel | None = None,
    version: VersionChoice | None = None,
) -> list[Finding]:
    """Every finding for one file's contents. `env` defaults to the process environment; `settings`
    (which rules, at which severity) to all rules at their default severity; `model` (the Dagster
    version judged against) to the newest supported. `version` says why that version was chosen:
    its note becomes an `unsupported-version` finding, its reason is quoted in version facts."""
    return lint_document(parse_document(text, filename), env, settings, import_classes, model, version)


def lint_document(
    document: Document,
    env: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    import_classes: bool = False,
    model: DagsterModel | None = None,
    version: VersionChoice | None = None,
) -> list[Finding]:
    """Findings of the enabled rules, less what inline suppressions cover, at the configured severity."""
    settings = settings or Settings()
    findings = list(document.findings)
    if version is not None and version.note is not None:
        findings.append(Finding(document.filename, Span(1, 1, 1, 1), severity_of("unsupported-version"),
                                "unsupported-version", version.note))
    if isinstance(document.data, dict):
        model = model or newest_model()
        if model.catalog.agent is None:  # generated without dagster-cloud: an agent file takes a neighbour's
            model, note = _agent_fallback(document.data, model)
            if note is not None:
                findings.append(Finding(document.filename, Span(1, 1, 1, 1), severity_of("unsupported-version"),
                                        "unsupported-version", note))
        environ = os.environ if env is None else env
        violations = _violations(document, model, environ, settings)
        if any(v.rule in VERSIONED_RULES for v in violations):
            from linter.version_facts import with_version_facts  # the error path only

            versioned = dataclasses.replace(settings, enabled=settings.enabled & VERSIONED_RULES)  # all it compares
            violations = with_version_facts(violations, model, version,
                                            lambda other: _violations(document, other, environ, versioned))
        if import_classes:
            from linter.custom_classes import check_custom_classes, replaces_finding  # imports and runs code

            violations = [v for v in violations if not replaces_finding(v.rule)]  # the import gives the verdict
            violations.extend(check_custom_classes(document, model.catalog, frozenset(model.schema.get("properties", {}))))
        findings.extend(_to_finding(document, v) for v in violations)
    findings = [f for f in findings if settings.is_enabled(f.rule)]
    findings = _once_per_aliased_node(document, _unique_sorted(findings))
    findings = apply_suppressions(document, findings, settings.is_enabled)
    findings = [_with_severity(f, settings) for f in findings]
    return _unique_sorted(findings)


def _violations(document: Document, model: DagsterModel, environ: Mapping[str, str],
                settings: Settings) -> list[Violation]:
    from linter.rules.classes import with_meant_classes

    judged = with_meant_classes(document.data, model.catalog)  # a wrong module: the config still judged
    violations = schema.validate(judged, model, lambda path: _source_text(document, path))
    context = RuleContext(document.data, model, environ, document)
    violations.extend(run_checks(context, settings.is_enabled))
    if any(v.rule == "unknown-key" for v in violations):
        from linter.misplaced_keys import explain_misplaced_keys  # the error path only

        violations = explain_misplaced_keys(violations, document.data, model)
    return violations


def _agent_fallback(data: dict, model: DagsterModel) -> tuple[DagsterModel, str | None]:
    """For a Dagster+ agent's file judged as a version without dagster-cloud data: the nearest version
    that has it, and the note that says so; else `model` unchanged."""
    if not isinstance(data.get("instance_class"), dict):
        return model, None
    from linter.model.store import nearest_agent_model

    other = nearest_agent_model(model.version)
    if other is None or not other.catalog.names_agent(data):
        return model, None
    return other, (
        f"this is a Dagster+ agent's file, and instance-lint has no dagster-cloud data for Dagster {model.version}"
        f" ({model.catalog.agent_unavailable}): it is judged as Dagster {other.version} with dagster-cloud"
        f" {other.catalog.agent.dagster_cloud_version}, the nearest version that has it"
    )


def newest_model() -> DagsterModel:
    from linter.model.store import load_model, supported_versions

    return load_model(supported_versions()[-1])


def _with_severity(finding: Finding, settings: Settings) -> Finding:
    severity = settings.severity_for(finding.rule, finding.severity)
    return finding if severity is finding.severity else finding._replace(severity=severity)


def _to_finding(document: Document, violation: Violation) -> Finding:
    return Finding(
        path=document.filename,
        span=document.locate(violation.key_path, violation.target),
        severity=violation.severity or severity_of(violation.rule),
        rule=violation.rule,
        message=violation.message,
        key_path=tuple(violation.key_path),
        suggestion=violation.suggestion,
        target=violation.target,
    )


def _source_text(document: Document, path: KeyPath) -> str | None:
    span = document.value_span(path)
    if span is None or span.line != span.end_line:
        return None
    return document.line_text(span.line)[span.column - 1 : span.end_column - 1]


def _once_per_aliased_node(document: Document, findings: list[Finding]) -> list[Finding]:
    """A node that YAML aliases repeat (`postgres_db: *pg` three times) gives each rule's finding once,
    where the node is written (the anchor), naming the other paths that reach it. Findings of one rule
    at one place that no alias repeats (several keys missing from one mapping) all stay."""
    by_place: dict[tuple, list[Finding]] = {}
    for finding in findings:
        by_place.setdefault((finding.rule, finding.span), []).append(finding)
    kept = []
    for group in by_place.values():
        if len(group) == 1:  # the common case: no walk of the document
            kept.extend(group)
            continue
        aliased = [f for f in group if f.key_path and document.through_alias(f.key_path)]
        if not aliased:
            kept.extend(group)
            continue
        written = [f for f in group if f not in aliased]
        source, repeats = (written[0], aliased) if written else (aliased[0], aliased[1:])
        kept.extend(f for f in written if f is not source)
        if repeats:
            paths = ", ".join(f"`{format_key_path(f.key_path)}`" for f in repeats)
            source = source._replace(message=f"{source.message}; the same YAML node is used again through aliases at {paths}")
        kept.append(source)
    return sorted(kept, key=Finding.sort_key)


def _unique_sorted(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    unique = []
    for finding in sorted(findings, key=Finding.sort_key):
        identity = (finding.rule, finding.span, finding.message)
        if identity not in seen:
            seen.add(identity)
            unique.append(finding)
    return unique
