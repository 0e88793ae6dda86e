"""`deprecated`: what Dagster (or dagster-cloud) itself marks deprecated, read from Dagster 1.13.27
(integrations 0.29.27) and dagster-cloud.

Found by reading the instance config types, `InstanceRef`, the launchers, coordinators, storages
and compute log managers for `deprecated`, `[Deprecated]`, `deprecation_warning`. Forms Dagster
fully supports but has superseded without deprecating them (the legacy per-storage keys,
`dagster.core.*` module paths) are `legacy-form` (linter/rules/legacy_forms.py), an `info`:
- `concurrency.default_op_concurrency_limit` ("[Deprecated]" in `get_concurrency_config`) ->
  `concurrency.pools.default_limit`. Not reported when it is already an error (next to `pools`,
  out of range).
- a field of a class's `config` that its own config type describes as deprecated ("[Deprecated] ...",
  "Deprecated - use ..."): the schema generator marks it `deprecationMessage`, and the message quotes
  that description (in 1.13: the Dagster+ user code launchers' `defer_job_snapshots` and the old
  `server_ttl.enabled` / `ttl_seconds`). Only inside class configs: the top-level keys Dagster
  describes so (`concurrency.default_op_concurrency_limit`) have their own check above.
- EcsRunLauncher `secrets` given as a list of ARN strings: the launcher warns "Setting secrets as
  a list of ARNs is deprecated" -> `{name, valueFrom}` mappings, as in the ECS API.
Checked and not deprecated in 1.13: `run_queue` (only incompatible with `run_coordinator` and
`concurrency.runs`, never marked deprecated), the QueuedRunCoordinator limit keys, `nux`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.findings import Target, Violation, format_key_path
from linter.rules import RuleContext, check
from linter.rules.classes import class_blocks, lookup, resolve_block
from linter.rules.common import as_mapping, blocks_of
from linter.schema_nodes import deref, object_branch
from linter.model.classes import ECS_RUN_LAUNCHER
from linter.rules.cross_keys import (
    RUN_QUEUE_LIMITS,
    concurrency_limit_out_of_range,
    pools_with_default_op_concurrency_limit,
    run_queue_limit_holders,
)

RULE = "deprecated"


@check(RULE)
def default_op_concurrency_limit(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `concurrency.default_op_concurrency_limit`.

    Why it matters: Dagster marks it deprecated; `concurrency.pools.default_limit` replaces it.
    """
    concurrency = as_mapping(lookup(context.data, ("concurrency",)))
    if concurrency is None or "default_op_concurrency_limit" not in concurrency:
        return
    errors = list(pools_with_default_op_concurrency_limit(context)) + list(concurrency_limit_out_of_range(context))
    if any(v.key_path == ("concurrency", "default_op_concurrency_limit") for v in errors):
        return
    # Dagster refuses run-queue limits beside `concurrency.pools` (validate_concurrency_config), not beside
    # this key: moving it alone would break the file
    queue_limits = [f"`{format_key_path((*holder, *limit))}` to `{replacement}`"
                    for holder, _ in run_queue_limit_holders(context.data)
                    for limit, replacement in RUN_QUEUE_LIMITS.items() if lookup(context.data, (*holder, *limit)) is not None]
    message = "`default_op_concurrency_limit` is deprecated: set `concurrency.pools.default_limit` instead"
    if queue_limits:
        message += (f", and move {', '.join(queue_limits)} with it (Dagster refuses run queue limits beside"
                    " `concurrency.pools`)")
    yield Violation(RULE, ("concurrency", "default_op_concurrency_limit"), message, Target.KEY,
                    None if queue_limits else "pools.default_limit")


@check(RULE)
def deprecated_config_fields(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for fields of a class's `config` that the class itself describes as deprecated.

    Why it matters: they are accepted but no longer used, or replaced by another field, and may be removed.
    """
    root = context.model.schema
    for block in class_blocks(context.data, context.catalog):
        entry = resolve_block(context, block)
        if entry is None or entry.config_definition is None or not isinstance(block.config, dict):
            continue
        definition = root.get("definitions", {}).get(entry.config_definition)
        yield from _deprecated_fields(root, definition, block.config, block.config_path, entry.class_name)


def _deprecated_fields(root: dict, schema: Any, value: dict, path: tuple, owner: str) -> Iterator[Violation]:
    branch = object_branch(root, schema)
    if branch is None:
        return
    properties = branch.get("properties", {})
    for key, item in value.items():
        field = deref(root, properties.get(key)) if key in properties else None
        if not isinstance(field, dict):
            continue
        note = properties[key].get("deprecationMessage") or field.get("deprecationMessage")
        if note:
            yield Violation(RULE, (*path, key), f"`{key}` is deprecated in {owner}'s config: \"{note}\"", Target.KEY)
        elif isinstance(item, dict):
            yield from _deprecated_fields(root, properties[key], item, (*path, key), owner)


@check(RULE)
def ecs_secrets_as_arns(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for EcsRunLauncher `secrets` given as a list of ARN strings.

    Why it matters: the launcher warns that this form is deprecated; ECS's `{name, valueFrom}` form replaces it.
    """
    for block, config in blocks_of(context, ECS_RUN_LAUNCHER):
        secrets = config.get("secrets")
        if isinstance(secrets, list) and secrets and all(isinstance(s, str) for s in secrets):
            yield Violation(
                RULE,
                (*block.config_path, "secrets"),
                "`secrets` as a list of ARNs is deprecated: give each secret as `{name: ENV_VAR_NAME, valueFrom:"
                " <secret ARN>}`, the ECS API's form",
                Target.KEY,
            )
