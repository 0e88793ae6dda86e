"""`suspicious-value`: values Dagster 1.13.27 accepts but reads otherwise than people expect.

Read from the code that uses each value (what Dagster rejects is an error elsewhere, never here):
- Tick retention (`get_tick_retention_settings`, the sensor/schedule/asset daemons' purge loops, see
  retention.py): a bare `purge_after_days: 0` is falsy, so it counts as not set and the defaults
  apply (skipped sensor/auto-materialize ticks 7 days, everything else forever); a bare number
  below -1 means the same as -1 (never purge). Inside a per-status mapping, 0 and any negative
  number mean "keep forever": a status is purged only when its day count is positive.
- `max_concurrent_runs: 0` (QueuedRunCoordinator config, `run_queue`, `concurrency.runs`): the
  queued run coordinator daemon launches `max_concurrent_runs - in_progress` runs, so 0 launches
  none. `concurrency.runs.max_concurrent_runs` below -1 is accepted (`RunQueueConfig` has no range
  check, unlike the coordinator's constructor) and stops all runs the same way.
- `num_workers: 0` under `sensors`/`schedules`/`auto_materialize` without `use_threads: true`:
  ignored (there is no pool), and Dagster refuses to start once `use_threads` is turned on
  (settings.py reports that case). Under `backfills`, 0 means no thread pool at all: backfills
  are processed one at a time in the daemon's thread.
- `code_servers.local_startup_timeout` of 1-4 s: `wait_for_grpc_server` gives up after that long
  (0 or less waits forever: not reported). `reload_timeout` under 5 s: it is the gRPC deadline
  of `reload_code`, so 0 or less fails every reload.
- `run_monitoring.start_timeout_seconds`/`cancel_timeout_seconds` of 0 or less: the monitoring
  daemon skips its start/cancel check for such runs and instead fails its invariant
  ("Unexpected run status") on every starting/canceling run, on every pass.
  `poll_interval_seconds` of 0 or less: the monitoring daemon runs back to back without pause.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.findings import KeyPath, Target, Violation, format_key_path
from linter.model.classes import QUEUED_RUN_COORDINATOR
from linter.rules import RuleContext, check
from linter.rules.classes import lookup, source_value
from linter.rules.common import as_mapping, blocks_of, is_int, runs_daemons
from linter.rules.cross_keys import run_queue_limits_with_concurrency
from linter.model.behaviour import BACKFILL_DAEMON_THREADED_BY_DEFAULT
from linter.rules.retention import RETENTION_KINDS, TICK_STATUSES, purge_after_days_path

RULE = "suspicious-value"
FEW_SECONDS = 5


def _warning(path: KeyPath, message: str, suggestion: str | None = None) -> Violation:
    return Violation(RULE, path, message, Target.VALUE, suggestion)


def _defaults_in_words(days: dict[str, int]) -> str:
    """The version's default retention of one kind of tick (days per status, -1 = never purged)."""
    purged = [f"{status} ticks {n} days" for status, n in days.items() if n > 0]
    return (", ".join(purged) + ", all other ticks forever") if purged else "every tick forever"


@check(RULE)
def retention_read_otherwise(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks `purge_after_days` values that Dagster reads as "not set" or "keep forever".

    Why it matters: `0` does not purge immediately, and a status mapped to 0 or a negative number is never purged.
    """
    if not runs_daemons(context):
        return
    for kind in RETENTION_KINDS:
        path = purge_after_days_path(kind)
        value = lookup(context.data, path)
        if is_int(value):
            if value == 0:
                yield _warning(
                    path,
                    f"`purge_after_days: 0` counts as not set: Dagster keeps its default {kind} tick retention"
                    f" ({_defaults_in_words(context.model.defaults['retention'][kind])}); write -1 to keep every tick forever or a number of days",
                )
            elif value < -1:
                yield _warning(
                    path,
                    f"`purge_after_days: {value}` means the same as -1: Dagster never purges {kind} ticks"
                    " (only a positive number of days purges); write -1",
                    "-1",
                )
        elif isinstance(value, dict):
            for status in TICK_STATUSES:
                days = value.get(status)
                if is_int(days) and (days == 0 or days < -1):
                    yield _warning(
                        (*path, status),
                        f"`{status}: {days}` keeps {status} {kind} ticks forever, like -1: Dagster purges a"
                        " status only when its number of days is positive; write -1 to keep them, or the"
                        " number of days to keep them",
                        "-1",
                    )


def _max_concurrent_runs_holders(context: RuleContext) -> Iterator[tuple[KeyPath, Any, bool]]:
    """(path, value, accepts values below -1) for each place that sets the run queue's limit."""
    data = context.data
    for block, config in blocks_of(context, QUEUED_RUN_COORDINATOR):
        if "max_concurrent_runs" in config:
            yield (*block.config_path, "max_concurrent_runs"), config["max_concurrent_runs"], False
    run_queue = as_mapping(data.get("run_queue"))
    if run_queue is not None and "max_concurrent_runs" in run_queue:
        yield ("run_queue", "max_concurrent_runs"), run_queue["max_concurrent_runs"], False
    runs = as_mapping(lookup(data, ("concurrency", "runs")))
    if runs is not None and "max_concurrent_runs" in runs:
        yield ("concurrency", "runs", "max_concurrent_runs"), runs["max_concurrent_runs"], True


@check(RULE)
def max_concurrent_runs_stops_all_runs(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for a run queue limit of 0 (or, under `concurrency.runs`, below -1).

    Why it matters: the run queue then launches no run at all; every run stays queued.
    """
    if not runs_daemons(context):
        return
    if not isinstance(context.data, dict):
        return
    from linter.rules.ineffective import coordinator_without_queue  # where no queue reads the limit

    conflicting = {v.key_path for v in run_queue_limits_with_concurrency(context)}
    unread = coordinator_without_queue(context, context.data) is not None
    for path, written, below_minus_one_accepted in _max_concurrent_runs_holders(context):
        value = source_value(context.environ, written, as_int=True)
        if path in conflicting or not is_int(value) or (unread and path[0] == "concurrency"):
            continue  # without a run queue `concurrency.runs` is an ineffective-setting
        if value == 0:
            yield _warning(
                path,
                "`max_concurrent_runs: 0` stops all runs: the run queue launches none and every run stays"
                " queued; use -1 for no limit",
            )
        elif value < -1 and below_minus_one_accepted:
            yield _warning(
                path,
                f"`max_concurrent_runs: {value}` stops all runs, like 0: Dagster accepts it here but the run"
                " queue launches none; use -1 for no limit",
                "-1",
            )


@check(RULE)
def daemon_num_workers_zero(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `num_workers: 0` where Dagster accepts it under the daemons' settings.

    Why it matters: 0 does not turn a daemon off; it is ignored, or (backfills) removes the thread pool.
    """
    if not runs_daemons(context):
        return
    data = context.data if isinstance(context.data, dict) else {}
    backfills_threaded = context.model.since(BACKFILL_DAEMON_THREADED_BY_DEFAULT)
    for section in ("sensors", "schedules", "auto_materialize") + (() if backfills_threaded else ("backfills",)):
        settings = as_mapping(data.get(section))
        if settings is None or settings.get("use_threads") is True:
            continue  # with threads, settings.py reports a pool of fewer than one worker
        workers = settings.get("num_workers")
        if is_int(workers) and workers <= 0:
            yield _warning(
                (section, "num_workers"),
                f"`num_workers: {workers}` does not turn the {section} daemon off: it is ignored while"
                " `use_threads` is false, and Dagster refuses to start with it once `use_threads` is true",
            )
    backfills = as_mapping(data.get("backfills"))
    if backfills_threaded and backfills is not None and backfills.get("num_workers") == 0 and is_int(backfills.get("num_workers")):
        yield _warning(
            ("backfills", "num_workers"),
            "`num_workers: 0` does not turn backfills off: it gives the backfill daemon no thread pool, so"
            " backfills are processed one at a time in the daemon's own thread",
        )


@check(RULE)
def short_code_server_timeouts(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks `code_servers` timeouts of only a few seconds.

    Why it matters: code servers that take longer to start or reload are given up on, and their code locations fail to load.
    """
    servers = as_mapping(lookup(context.data, ("code_servers",)))
    if servers is None:
        return
    startup = servers.get("local_startup_timeout")
    if is_int(startup) and 0 < startup < FEW_SECONDS:
        yield _warning(
            ("code_servers", "local_startup_timeout"),
            f"`local_startup_timeout: {startup}` gives a code server only {startup} s to start (the default is"
            " 180): loading a code location usually takes longer, and Dagster then reports it as failed",
        )
    reload = servers.get("reload_timeout")
    if is_int(reload) and reload < FEW_SECONDS:
        effect = "every reload fails" if reload <= 0 else "most reloads time out"
        yield _warning(
            ("code_servers", "reload_timeout"),
            f"`reload_timeout: {reload}` is the time Dagster waits for a code server to reload (the default is"
            f" 180 s): {effect}",
        )


_MONITORING_ZERO = {
    "start_timeout_seconds": (
        "turns the start check off, and the run monitoring daemon then logs an \"Unexpected run status\""
        " error for every starting run on every pass; remove it (default 180) or give a number of seconds"
    ),
    "cancel_timeout_seconds": (
        "turns the cancel check off, and the run monitoring daemon then logs an \"Unexpected run status\""
        " error for every canceling run on every pass; remove it (default 180) or give a number of seconds"
    ),
    "poll_interval_seconds": (
        "makes the run monitoring daemon poll the run storage back to back, without pause (default 120)"
    ),
}


@check(RULE)
def run_monitoring_zero_intervals(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks `run_monitoring` timeouts and poll interval of 0 or less.

    Why it matters: Dagster does not read them as "no timeout"; the monitoring daemon errors or spins instead.
    """
    if not runs_daemons(context):
        return
    monitoring = as_mapping(lookup(context.data, ("run_monitoring",)))
    if monitoring is None or not monitoring.get("enabled"):
        return  # with monitoring off nothing reads them: an ineffective-setting
    for key, effect in _MONITORING_ZERO.items():
        value = monitoring.get(key)
        if is_int(value) and value <= 0:
            yield _warning(("run_monitoring", key), f"`{key}: {value}` {effect}")


@check(RULE)
def env_reference_in_settings(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `{env: NAME}` in instance settings (e.g. `auto_materialize`), which Dagster never resolves.

    Why it matters: Dagster only validates the settings sections (`validate_config`, not `process_config`),
    so the daemon reads the mapping `{env: NAME}` itself instead of the variable's value.
    """
    from linter.rules.env_vars import env_references, resolved_sections

    resolved = resolved_sections(context.data, context.catalog)
    agent_keys = context.catalog.agent.keys if context.catalog.agent else ()  # never settings; elsewhere unknown keys
    settings = [key for key in context.data if isinstance(key, str) and key not in resolved and key not in agent_keys]
    for reference in env_references(context.data, context.model, sections=settings):
        yield _warning(
            reference.path,
            f"`{format_key_path(reference.path)}` is an `env:` reference, but Dagster never resolves `env:` in "
            f"instance settings: the daemon reads the mapping `{{env: {reference.name}}}` itself, not the value "
            f"of `{reference.name}`; write the value",
        )
