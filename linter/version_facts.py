"""Findings that another supported Dagster version would not give, told as a version fact.

A key, class or field the judged version lacks but another supported version has is still reported
under its usual slug (`unknown-key`, `unknown-class`, `missing-key`), with the message saying when it
arrived or left: "`freshness` was added in Dagster 1.11; this file is judged as Dagster 1.10
(requirements.txt:3)". The file is judged again as each other supported version, only when the judged
version found one of these (the error path; a clean file never loads another version).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from linter.findings import Violation
from linter.model.choice import VersionChoice
from linter.model import DagsterModel, version_key
from linter.model.store import load_model, supported_versions
from linter.rulebook import VERSIONED_RULES

_DID_YOU_MEAN = re.compile(r"[:;] did you mean `[^`]*`(?: [^?]*)?\?")

Judge = Callable[[DagsterModel], list[Violation]]


def with_version_facts(violations: list[Violation], model: DagsterModel, version: VersionChoice | None,
                       judge: Judge) -> list[Violation]:
    """`violations` (found as `model`'s version), each versioned one told when other versions accept it."""
    others = [other for other in supported_versions() if other != model.version]
    models = [model] + [load_model(other) for other in others]
    refused_elsewhere = {other.version: _versioned_paths(judge(other)) for other in models[1:]}
    agent_keys = {key for each in models if each.catalog.agent for key in each.catalog.agent.keys}
    reason = version.reason if version is not None else "the newest supported"
    blocks = sorted(set(model.catalog.slot_paths.values()), key=len, reverse=True)
    told = []
    for violation in violations:
        if violation.rule in VERSIONED_RULES:
            accepted = [other for other in others if not _refuses(refused_elsewhere[other], violation, blocks)]
            if accepted:
                # dagster-cloud's releases track Dagster's: the agent's keys are told by dagster-cloud's
                product = "dagster-cloud" if violation.key_path and violation.key_path[0] in agent_keys else "Dagster"
                fact, arrives_later = _version_fact(violation.rule, accepted, model.version, supported_versions(),
                                                    product)
                message = violation.message
                suggestion = violation.suggestion
                if arrives_later:  # what the user wrote is right for a newer Dagster: no replacement
                    message, suggestion = _DID_YOU_MEAN.sub("", message), None
                violation = violation._replace(message=f"{message}; {fact}; this file is judged as "
                                                       f"Dagster {model.version} ({reason})", suggestion=suggestion)
        told.append(violation)
    return told


def _versioned_paths(violations: list[Violation]) -> set[tuple]:
    return {(v.rule, tuple(v.key_path)) for v in violations if v.rule in VERSIONED_RULES}


def _refuses(refused: set[tuple], violation: Violation, blocks: list[tuple]) -> bool:
    """Whether another version refuses the same thing: an unknown class in the same class block (a
    version that does not ship the class says so at `class` or at `module`, and has no opinion on
    its config), the same finding at the same key, an unknown key or class above it (a version
    without `defs_state_storage` refuses its `class` along with it), or, for a missing key, anything
    refused inside the mapping that misses it."""
    path = tuple(violation.key_path)
    block = next((block for block in blocks if path[:len(block)] == block), None)
    if block is not None and any(rule == "unknown-class" and other[:len(block)] == block for rule, other in refused):
        return True
    if (violation.rule, path) in refused:
        return True
    if violation.rule == "missing-key" and any(other[:len(path)] == path for _, other in refused):
        return True
    return any((rule, path[:length]) in refused for rule in ("unknown-key", "unknown-class")
               for length in range(len(path)))


def _version_fact(rule: str, accepted: Sequence[str], judged: str, supported: Sequence[str],
                  product: str = "Dagster") -> tuple[str, bool]:
    """When the versions (of `product`) that accept it are: from some version on, up to some version, or
    a few; and whether it arrives only in versions newer than the judged one."""
    ordered = sorted(accepted, key=version_key)
    first, last = ordered[0], ordered[-1]
    contiguous = list(supported[supported.index(first):supported.index(last) + 1]) == ordered
    later = contiguous and last == supported[-1] and version_key(first) > version_key(judged)
    if rule == "missing-key":
        return (f"{product} {first} and later do not require it" if later else
                f"{product} {', '.join(ordered)} do not require it"), False
    if later:
        return f"it was added in {product} {first}", True
    if contiguous and first == supported[0] and version_key(last) < version_key(judged):
        return f"it was removed in {product} {supported[supported.index(last) + 1]}", False
    return f"it exists only in {product} {', '.join(ordered)}", False
