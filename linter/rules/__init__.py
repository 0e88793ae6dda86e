"""Registry of semantic checks: plain functions over the loaded document that yield Violations.

A check receives a `RuleContext` (the document as Dagster loads it, plus the Dagster model) and
yields `Violation`s. It never computes positions: the runner locates each violation's key path.
Checks must be total: a value of an unexpected type is the schema's business, so a check skips
what it cannot judge instead of raising.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from linter.findings import Violation
from linter.model import Catalog, DagsterModel
from linter.rulebook import RULES

if TYPE_CHECKING:
    from linter.document import Document


@dataclass(frozen=True)
class RuleContext:
    data: dict[str, Any]  # the document exactly as Dagster's loader sees it (last duplicate wins)
    model: DagsterModel  # the Dagster version the file is judged as
    environ: Mapping[str, str] = field(default_factory=dict)  # what `env:` references resolve to
    document: Document | None = None  # positions, source text and comments, for rules that need them

    @property
    def catalog(self) -> Catalog:
        return self.model.catalog


CheckFunction = Callable[[RuleContext], Iterable[Violation]]


@dataclass(frozen=True)
class Check:
    name: str
    emits: frozenset[str]
    function: CheckFunction


CHECKS: list[Check] = []


def check(*emits: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function that may yield violations of the given rule slugs."""
    unknown = [slug for slug in emits if slug not in RULES]
    if unknown:
        raise ValueError(f"unknown rule slugs: {unknown}")

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS.append(Check(function.__name__, frozenset(emits), function))
        return function

    return register


def run_checks(context: RuleContext, selected: Callable[[str], bool] = lambda slug: True) -> Iterator[Violation]:
    _load_check_modules()
    for registered in CHECKS:
        if not any(selected(slug) for slug in registered.emits):
            continue
        for violation in registered.function(context):
            if violation.rule not in registered.emits:
                raise AssertionError(f"{registered.name} yielded undeclared rule {violation.rule}")
            if selected(violation.rule):
                yield violation


def _load_check_modules() -> None:
    # Explicit list: importing a module registers its checks.
    from linter.rules import (  # noqa: F401
        classes,
        cross_keys,
        launchers,
        coordinators,
        compute_logs,
        storages,
        settings,
        env_vars,
        retention,
        suspicious_values,
        deprecations,
        legacy_forms,
        secrets,
        components,
        ambiguous_scalars,
        shell_references,
        placeholder_strings,
        agent,
        ineffective,
        unmodelled,
    )
