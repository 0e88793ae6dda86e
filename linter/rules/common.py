"""Helpers shared by the checks on what the shipped classes' constructors and the instance's settings reject.

No checks live here (nothing is registered). The checks in launchers.py, coordinators.py,
compute_logs.py, storages.py and settings.py mirror what Dagster rejects after the config types:
Dagster validates each class's `config` against `config_type()` (the schema mirrors that), fills the
Field defaults, then calls `from_config_value` -> `__init__`. A class is identified by resolving its
`module`/`class` through the catalog (`qualname`, see `blocks_of`), so every accepted spelling
counts. Read from Dagster 1.13.27 and the 0.29.27 integrations.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.findings import KeyPath
from linter.rules import RuleContext
from linter.rules.classes import ClassBlock, class_blocks, lookup, resolve_block


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_mapping(value: Any) -> dict | None:
    return value if isinstance(value, dict) else None


def blocks_of(context: RuleContext, qualnames: set[str] | str) -> Iterator[tuple[ClassBlock, dict]]:
    """Class blocks that resolve to one of `qualnames`, with their config as a mapping (absent -> {})."""
    wanted = {qualnames} if isinstance(qualnames, str) else qualnames
    for block in class_blocks(context.data, context.catalog):
        entry = resolve_block(context, block)
        if entry is None or entry.qualname not in wanted:
            continue
        config = {} if block.config is None and not block.has_config else as_mapping(block.config)
        if config is not None:
            yield block, config


def section_and_blocks(
    context: RuleContext, section: KeyPath, qualnames: set[str] | str, at_config: bool = False
) -> Iterator[tuple[KeyPath, dict]]:
    """The mapping at `section` (e.g. `storage.postgres`, which Dagster turns into a class) and the class
    blocks of `qualnames`, each with the path findings hang on: the block's `config` when `at_config`,
    else its owner (`config`, or the slot key when `config` is absent)."""
    mapping = as_mapping(lookup(context.data, section))
    if mapping is not None:
        yield section, mapping
    for block, config in blocks_of(context, qualnames):
        yield (block.config_path if at_config else block.owner_path), config


def runs_daemons(context: RuleContext) -> bool:
    """Whether the instance the file configures runs Dagster's daemons. A Dagster+ agent runs none
    (its `get_required_daemon_types()` is `[]`, `AgentFacts.daemons`): the daemons' settings (thread
    pools, run queue dequeuing, run monitoring, tick retention) are never read there."""
    return not context.catalog.names_agent(context.data) or bool(context.catalog.agent.daemons)


def yaml_word(value: Any) -> str:
    """A value as it reads in YAML, for messages."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"`{value}`"
