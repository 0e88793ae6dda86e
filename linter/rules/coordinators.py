"""What QueuedRunCoordinator's constructor rejects.

Everything below passes the config type and is still rejected at start-up (common.py says how a
class is identified). Read from Dagster 1.13.27.

Run coordinators (`run_coordinator`, and `run_queue`, which Dagster turns into a QueuedRunCoordinator)
- QueuedRunCoordinator: `max_concurrent_runs` below -1 -> invalid-value;
  `block_op_concurrency_limited_runs.op_concurrency_slot_buffer` non-zero with `enabled: false` ->
  conflicting-keys; `dequeue_num_workers` below 1 with `dequeue_use_threads: true` (the dequeue thread
  pool rejects it) -> invalid-value.
- DefaultRunCoordinator / SyncInMemoryRunCoordinator: nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import KeyPath, Target, Violation
from linter.model.classes import QUEUED_RUN_COORDINATOR
from linter.rules import RuleContext, check
from linter.rules.classes import source_value
from linter.rules.common import as_mapping, is_int, section_and_blocks, runs_daemons



def _queued_run_coordinator_configs(context: RuleContext) -> Iterator[tuple[KeyPath, dict]]:
    """`run_queue` and QueuedRunCoordinator blocks: (path of the config mapping, config)."""
    return section_and_blocks(context, ("run_queue",), QUEUED_RUN_COORDINATOR, at_config=True)


@check("invalid-value")
def max_concurrent_runs_below_minus_one(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that the run queue's `max_concurrent_runs` is -1 (no limit) or more.

    Why it matters: QueuedRunCoordinator refuses other negative values, so Dagster fails to start.
    """
    for path, config in _queued_run_coordinator_configs(context):
        value = source_value(context.environ, config.get("max_concurrent_runs"), as_int=True)
        if is_int(value) and value < -1:
            yield Violation(
                "invalid-value",
                (*path, "max_concurrent_runs"),
                f"`max_concurrent_runs` must be -1 (no limit) or more, got {value}",
                Target.VALUE,
            )


@check("conflicting-keys")
def slot_buffer_without_run_blocking(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `op_concurrency_slot_buffer` is not set while `block_op_concurrency_limited_runs.enabled` is false.

    Why it matters: QueuedRunCoordinator refuses the buffer without run blocking, so Dagster fails to start.
    """
    for path, config in _queued_run_coordinator_configs(context):
        blocking = as_mapping(config.get("block_op_concurrency_limited_runs"))
        if not blocking or blocking.get("enabled", True) is not False:
            continue
        buffer = blocking.get("op_concurrency_slot_buffer")
        if is_int(buffer) and buffer != 0:
            yield Violation(
                "conflicting-keys",
                (*path, "block_op_concurrency_limited_runs", "op_concurrency_slot_buffer"),
                "`op_concurrency_slot_buffer` cannot be set while `enabled` is `false`",
            )


@check("invalid-value")
def dequeue_workers_below_one(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `dequeue_num_workers` is at least 1 when `dequeue_use_threads` is true.

    Why it matters: the run queue's thread pool rejects fewer workers, so the daemon's run queue fails.
    """
    if not runs_daemons(context):
        return
    for path, config in _queued_run_coordinator_configs(context):
        workers = source_value(context.environ, config.get("dequeue_num_workers"), as_int=True)
        if config.get("dequeue_use_threads") is True and is_int(workers) and workers < 1:
            yield Violation(
                "invalid-value",
                (*path, "dequeue_num_workers"),
                f"`dequeue_num_workers` must be at least 1 when `dequeue_use_threads` is `true`, got {workers}",
                Target.VALUE,
            )
