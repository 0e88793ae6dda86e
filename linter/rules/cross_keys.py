"""Dagster's cross-key rules for the instance file, mirrored from `dagster_instance_config` and
`validate_concurrency_config` (`dagster/_core/instance/config.py`, Dagster 1.13.27).

Dagster runs these on the raw YAML mapping, before its config type system, and raises
`DagsterInvalidConfigError` on the first one that fails. We report every one that fails.

What `dagster_instance_config` rejects, and what we do about it:
- `run_queue` together with `run_coordinator` (key presence) -> conflicting-keys at `run_queue`.
- `storage` together with `run_storage`/`event_log_storage`/`schedule_storage` (key presence)
  -> conflicting-keys at each legacy key.
- `len(storage) != 1` -> not checked here: `storage` is a selector, the schema reports it.
- `instance_class` that fails `configurable_class_schema()` -> the schema's business.
What `validate_concurrency_config` rejects (only when `concurrency` is present):
- `pools` with a non-null `default_op_concurrency_limit` -> conflicting-keys at `default_op_concurrency_limit`.
- `pools.default_limit` (or, without `pools`, `default_op_concurrency_limit`) outside
  0..`get_max_concurrency_limit_value()` -> invalid-value. The maximum is the environment's
  `DAGSTER_MAX_GLOBAL_OP_CONCURRENCY_LIMIT`, default 1000.
- `pools.granularity` other than `run`/`op` -> invalid-value, with a did-you-mean.
- `runs` or `pools` together with a non-null `max_concurrent_runs`, `tag_concurrency_limits` or
  `block_op_concurrency_limited_runs.op_concurrency_slot_buffer` in `run_queue`, or in the config of a
  `run_coordinator` whose `class` is the string `QueuedRunCoordinator` (Dagster compares the class
  name only, whatever the module) -> conflicting-keys at that limit key.
- Values of the wrong type (`pools: null`, a string limit…) crash Dagster here before its type
  system runs; the schema reports them, so these checks skip them.
"""

from __future__ import annotations

from linter.words import close_matches
from collections.abc import Iterator
from typing import Any

from linter.findings import KeyPath, Target, Violation
from linter.model.classes import LEGACY_STORAGE_KEYS
from linter.rules import RuleContext, check
from linter.rules.classes import lookup
from linter.rules.common import is_int

MAX_CONCURRENCY_LIMIT_VARIABLE = "DAGSTER_MAX_GLOBAL_OP_CONCURRENCY_LIMIT"
DEFAULT_MAX_CONCURRENCY_LIMIT = "1000"
POOL_GRANULARITIES = ("run", "op")

# run-queue limit (path under run_queue / run_coordinator.config) -> its replacement under `concurrency`
RUN_QUEUE_LIMITS: dict[tuple[str, ...], str] = {
    ("max_concurrent_runs",): "concurrency.runs.max_concurrent_runs",
    ("tag_concurrency_limits",): "concurrency.runs.tag_concurrency_limits",
    ("block_op_concurrency_limited_runs", "op_concurrency_slot_buffer"): "concurrency.pools.op_granularity_run_buffer",
}


def _concurrency(data: Any) -> dict | None:
    concurrency = data.get("concurrency") if isinstance(data, dict) else None
    return concurrency if isinstance(concurrency, dict) else None


def _pools(concurrency: dict) -> dict | None:
    pools = concurrency.get("pools")
    return pools if isinstance(pools, dict) else None


@check("conflicting-keys")
def storage_with_legacy_storage_keys(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `storage` is not combined with `run_storage`, `event_log_storage` or `schedule_storage`.

    Why it matters: Dagster refuses to start with both forms (`dagster_instance_config`).
    """
    data = context.data
    if not isinstance(data, dict) or "storage" not in data:
        return
    for key in LEGACY_STORAGE_KEYS:
        if key in data:
            yield Violation(
                "conflicting-keys",
                (key,),
                f"`{key}` cannot be combined with `storage`: Dagster takes either `storage` or the"
                " legacy `run_storage`/`event_log_storage`/`schedule_storage` keys",
            )


@check("conflicting-keys")
def run_queue_with_run_coordinator(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `run_queue` and `run_coordinator` are not both set.

    Why it matters: `run_queue` configures the QueuedRunCoordinator itself; Dagster refuses to start with both.
    """
    data = context.data
    if isinstance(data, dict) and "run_queue" in data and "run_coordinator" in data:
        yield Violation(
            "conflicting-keys",
            ("run_queue",),
            "`run_queue` cannot be combined with `run_coordinator`: move its settings into the"
            " coordinator's `config`, or drop `run_coordinator`",
        )


@check("conflicting-keys")
def pools_with_default_op_concurrency_limit(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `concurrency.default_op_concurrency_limit` is not set together with `concurrency.pools`.

    Why it matters: Dagster refuses to start with both (`validate_concurrency_config`).
    """
    concurrency = _concurrency(context.data)
    if concurrency is None or "pools" not in concurrency:
        return
    if concurrency.get("default_op_concurrency_limit") is not None:
        yield Violation(
            "conflicting-keys",
            ("concurrency", "default_op_concurrency_limit"),
            "`default_op_concurrency_limit` cannot be combined with `pools`: use `pools.default_limit` instead",
        )


def max_concurrency_limit(environ: Any) -> int | None:
    """`get_max_concurrency_limit_value()`; None when the variable is not a number (Dagster then crashes)."""
    raw = environ.get(MAX_CONCURRENCY_LIMIT_VARIABLE, DEFAULT_MAX_CONCURRENCY_LIMIT) if hasattr(environ, "get") else None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _limit_out_of_range(path: KeyPath, value: Any, maximum: int | None) -> Iterator[Violation]:
    if maximum is not None and is_int(value) and not 0 <= value <= maximum:
        yield Violation(
            "invalid-value",
            path,
            f"`{path[-1]}` must be between 0 and {maximum}, got {value}",
            Target.VALUE,
        )


@check("invalid-value")
def concurrency_limit_out_of_range(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that the default pool limit lies between 0 and Dagster's maximum (1000 unless set).

    Why it matters: Dagster refuses to start with a default limit outside that range (`validate_concurrency_config`).
    """
    concurrency = _concurrency(context.data)
    if concurrency is None:
        return
    maximum = max_concurrency_limit(context.environ)
    if "pools" in concurrency:
        pools = _pools(concurrency)
        if pools is not None:
            yield from _limit_out_of_range(
                ("concurrency", "pools", "default_limit"), pools.get("default_limit"), maximum
            )
    elif "default_op_concurrency_limit" in concurrency:
        yield from _limit_out_of_range(
            ("concurrency", "default_op_concurrency_limit"), concurrency.get("default_op_concurrency_limit"), maximum
        )


@check("invalid-value")
def unknown_pool_granularity(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `concurrency.pools.granularity` is `run` or `op`.

    Why it matters: Dagster refuses to start with any other granularity (`validate_concurrency_config`).
    """
    concurrency = _concurrency(context.data)
    pools = _pools(concurrency) if concurrency is not None else None
    granularity = pools.get("granularity") if pools is not None else None
    if not isinstance(granularity, str) or not granularity or granularity in POOL_GRANULARITIES:
        return
    matches = close_matches(granularity.lower(), POOL_GRANULARITIES, n=1, cutoff=0.5)
    suggestion = matches[0] if matches else None
    hint = f": did you mean `{suggestion}`?" if suggestion else ""
    yield Violation(
        "invalid-value",
        ("concurrency", "pools", "granularity"),
        f"`granularity` must be `run` or `op`, got `{granularity}`{hint}",
        Target.VALUE,
        suggestion,
    )


def run_queue_limit_holders(data: dict) -> Iterator[tuple[KeyPath, str]]:
    """The mappings whose run-queue limits Dagster compares with `concurrency`, as Dagster finds them."""
    if "run_queue" in data:
        yield ("run_queue",), "`run_queue`"
    if "run_coordinator" in data and lookup(data, ("run_coordinator", "class")) == "QueuedRunCoordinator":
        yield ("run_coordinator", "config"), "the `QueuedRunCoordinator` config"


@check("conflicting-keys")
def run_queue_limits_with_concurrency(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that run-queue limits are not set both in the run queue and under `concurrency.runs`/`pools`.

    Why it matters: Dagster refuses to start when both places set limits (`validate_concurrency_config`).
    """
    data = context.data
    concurrency = _concurrency(data)
    if concurrency is None or not ("runs" in concurrency or "pools" in concurrency):
        return
    section = "runs" if "runs" in concurrency else "pools"
    for holder, where in run_queue_limit_holders(data):
        for limit, replacement in RUN_QUEUE_LIMITS.items():
            if lookup(data, (*holder, *limit)) is not None:
                yield Violation(
                    "conflicting-keys",
                    (*holder, *limit),
                    f"`{limit[-1]}` in {where} cannot be combined with `concurrency.{section}`:"
                    f" set `{replacement}` instead",
                )
