"""`deprecated`: keys and forms Dagster 1.13.27 (integrations 0.29.27) still accepts but has superseded.

Found by reading the instance config types, `InstanceRef`, the launchers, coordinators, storages
and compute log managers for `deprecated`, `[Deprecated]`, `deprecation_warning`, legacy paths:
- `run_storage` / `event_log_storage` / `schedule_storage`: the legacy per-storage keys
  (`InstanceRef.from_dir` wraps them in a CompositeStorage) -> `storage`. Not reported next to
  `storage`: that combination is a `conflicting-keys` error.
- `concurrency.default_op_concurrency_limit` ("[Deprecated]" in `get_concurrency_config`) ->
  `concurrency.pools.default_limit`. Not reported when it is already an error (next to `pools`,
  out of range).
- `dagster.core.*` (and any other pre-underscore `dagster.<submodule>` path) in a class slot:
  importable only through `convert_dagster_submodule_name`'s back-compat rewriting to the private
  `dagster._core.*`. Reported only when the catalog lists a public module for the class (`dagster`
  exports DefaultRunLauncher, QueuedRunCoordinator, UPathDefsStateStorage); for classes with no
  public home (LocalComputeLogManager, LocalArtifactStorage, the SQLite storages...) the
  `dagster.core` path is still the documented spelling. Not reported for `instance_class`
  (never loads: unknown-class) nor for pairs that do not resolve (unknown-class).
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

from linter.findings import Target, Violation
from linter.rules import RuleContext, check
from linter.rules.classes import class_blocks, imports_as_written, lookup, resolve_block
from linter.rules.common import as_mapping, blocks_of
from linter.schema_nodes import deref, object_branch
from linter.model.classes import ECS_RUN_LAUNCHER, LEGACY_STORAGE_KEYS
from linter.rules.cross_keys import concurrency_limit_out_of_range, pools_with_default_op_concurrency_limit

RULE = "deprecated"


@check(RULE)
def legacy_storage_keys(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for the legacy `run_storage`, `event_log_storage` and `schedule_storage` keys.

    Why it matters: Dagster has superseded them with `storage`, which configures all three at once.
    """
    data = context.data
    if not isinstance(data, dict) or "storage" in data:
        return  # next to `storage` they are a conflicting-keys error
    for key in LEGACY_STORAGE_KEYS:
        if key in data:
            yield Violation(
                RULE,
                (key,),
                f"`{key}` is the legacy per-storage key: use `storage` (`postgres`, `mysql`, `sqlite` or"
                " `custom`), which configures run, event log and schedule storage together",
                Target.KEY,
                "storage",
            )


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
    yield Violation(
        RULE,
        ("concurrency", "default_op_concurrency_limit"),
        "`default_op_concurrency_limit` is deprecated: set `concurrency.pools.default_limit` instead",
        Target.KEY,
        "pools.default_limit",
    )


def _public_modules(modules: tuple[str, ...]) -> list[str]:
    public = [
        m for m in modules if imports_as_written(m) and not any(part.startswith("_") for part in m.split("."))
    ]
    return sorted(public, key=lambda m: (len(m), m))


@check(RULE)
def dagster_core_module_paths(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `dagster.core.*` module paths where `dagster` exports the class.

    Why it matters: such paths import only through Dagster's back-compat rewriting to its private modules.
    """
    for block in class_blocks(context.data, context.catalog):
        module = block.module
        if block.slot == "instance_class" or not module.startswith("dagster.") or imports_as_written(module):
            continue
        entry = resolve_block(context, block)
        if entry is None:
            continue
        public = _public_modules(entry.modules)
        if not public:
            continue
        yield Violation(
            RULE,
            (*block.path, "module"),
            f"`{module}` is an old module path that Dagster only maps to its private `dagster._` modules:"
            f" use `module: {public[0]}`",
            Target.VALUE,
            public[0],
        )


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
