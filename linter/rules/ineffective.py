"""`ineffective-setting`: settings Dagster accepts but never reads, given the rest of the file.

Only settings whose code path provably never runs. Read from Dagster 1.13.27 and its 0.29.27
integrations (file:line below), checked against 1.9.13-1.12.22 (what differs is read from the model:
the defaults, `BACKFILL_DAEMON_THREADED_BY_DEFAULT`, the default run coordinator);
tests/test_ineffective_settings.py builds the instance or daemon and shows each one has no effect.

Daemons are created only for `get_required_daemon_types()` (_core/instance/methods/daemon_methods.py:86-99,
_daemon/controller.py:66-70, 357-384).

- `run_retries.max_retries`, `retry_on_asset_or_op_failure` without `run_retries.enabled: true`: read
  only by `auto_reexecution_should_retry_run` (_core/execution/retries.py:126,133), called when a run
  fails only if `run_retries_enabled` (_core/instance/methods/event_methods.py:303) and by the
  EventLogConsumerDaemon, required only then (daemon_methods.py:94).
- `run_monitoring.*` timings, `free_slots_after_run_end_seconds`, `max_resume_run_attempts` without
  `run_monitoring.enabled: true`: read by the MonitoringDaemon only (_daemon/monitoring/run_monitoring.py:48,
  88,134,183, _daemon/monitoring/concurrency.py:20, controller.py:369), required only when enabled
  (daemon_methods.py:92); `run_will_resume` returns False first (run_launcher_methods.py:207).
  With a launcher that cannot resume, enabling monitoring with resume attempts is refused: the message
  says so instead of suggesting `enabled: true`.
- `run_monitoring.cancellation_thread_poll_interval_seconds`, always: read only by the run cancellation
  thread (_core/execution/run_cancellation_thread.py:15), which `dagster api execute_run`/`resume_run`
  start only if `should_start_background_run_thread` (_cli/api.py:145,279), False on DagsterInstance
  (_core/instance/instance.py:971-973; only the Dagster+ agent's instance overrides it).
- Worker counts with threads off: `sensors`/`schedules` `num_workers`, `num_submit_workers` and
  `auto_materialize.num_workers` are read only under `if settings.get("use_threads")`
  (_daemon/daemon.py:304-318, _scheduler/scheduler.py:212-226, _daemon/asset_daemon.py:518-523);
  `backfills` under `settings.get("use_threads", True)` (daemon.py:357-374; from 1.10, before that
  `get("use_threads")`: BACKFILL_DAEMON_THREADED_BY_DEFAULT), so only an explicit `false` from 1.10.
  `schedules` is judged only with the default scheduler (DagsterDaemonScheduler).
- QueuedRunCoordinator (`run_queue` or the class): `dequeue_num_workers` without
  `dequeue_use_threads: true` (_daemon/run_coordinator/queued_run_coordinator_daemon.py:114-118);
  `user_code_failure_retry_delay` while `max_user_code_failure_retries` is 0 (the default): read only
  under `elif ...max_user_code_failure_retries and ...` (queued_run_coordinator_daemon.py:434-441).
- `concurrency.runs.*` and `concurrency.pools.op_granularity_run_buffer` with a run coordinator that
  is not a QueuedRunCoordinator (DefaultRunCoordinator, SyncInMemoryRunCoordinator; the default one in
  1.9): `get_concurrency_config` passes no run queue config (settings_methods.py:227-235), so
  `from_concurrency_settings` builds none (_core/instance/config.py:643-662) and the run queue daemon,
  their only reader, is not required (daemon_methods.py:90). `PoolConfig.op_granularity_run_buffer`
  (config.py:681) is read nowhere.
- `auto_materialize` with `use_sensors` true (the default): `enabled: false` does not stop the asset
  daemon (daemon_methods.py:96); `minimum_interval_seconds` (controller.py:376) paces only the
  sensorless tick (asset_daemon.py:677-685), and `retention.auto_materialize` is read only for it
  (asset_daemon.py:978-980): with sensors every tick has a sensor (asset_daemon.py:586-667).
- EcsRunLauncher (dagster_aws/ecs/launcher.py): `include_sidecars: true` is read only when the
  launcher copies its own task (:786), which needs no task definition ARN (:726, the launcher's
  `task_definition` string becomes the run's `task_definition_arn`, container_context.py:351), no
  `task_definition` mapping and `use_current_ecs_task_config` true (:731);
  `task_definition_prefix` names only task definitions it registers (:707-709, 729): never read when
  `task_definition` names one.
- K8sRunLauncher: `job_image` and `image_pull_policy` when the launcher's own
  `run_k8s_config.container_config` sets `image`/`image_pull_policy` (camelCase too): the launcher's
  run_k8s_config is merged over its top-level settings (dagster_k8s/container_context.py:465-484,
  217-240), and `construct_dagster_k8s_job` takes the container config's values first
  (dagster_k8s/job.py:894-896), for run pods and the k8s executor's step pods alike.

Not reported: values equal to Dagster's default (nothing to act on); what another rule already reports
on the same key (`suspicious-value` zero intervals and `num_workers: 0`, errors); files with an
`instance_class` (a Dagster+ agent runs no daemons and never loads `run_launcher`, a custom class may
override any accessor); launchers, schedulers and run coordinators outside the catalog.
Dropped after reading the code: pool limits with `granularity: run` and no run queue (the run worker
reads `granularity` to skip op-level slots: effective, however unwise), `pools.default_limit` there
(it still initialises the pools' limits shown in the UI), `op_granularity_run_buffer` with the
queue's run blocking off (1.9 turns blocking on whenever `pools` is set).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.findings import KeyPath, Target, Violation, format_key_path
from linter.model.behaviour import BACKFILL_DAEMON_THREADED_BY_DEFAULT
from linter.model.classes import DAEMON_SCHEDULER, ECS_RUN_LAUNCHER, K8S_RUN_LAUNCHER, QUEUED_RUN_COORDINATOR
from linter.rules import RuleContext, check
from linter.rules.classes import UNKNOWN, lookup, resolve_entry, source_value
from linter.rules.common import as_mapping, blocks_of, is_int, runs_daemons
from linter.schema_nodes import object_branch

RULE = "ineffective-setting"


def _finding(path: KeyPath, message: str) -> Violation:
    return Violation(RULE, path, message, Target.KEY)


def _written(path: KeyPath, value: Any) -> str:
    """`run_retries.max_retries: 3` (scalars), or just the key path (mappings, lists)."""
    if isinstance(value, bool):
        return f"`{format_key_path(path)}: {'true' if value else 'false'}`"
    if isinstance(value, (int, str)):
        return f"`{format_key_path(path)}: {value}`"
    return f"`{format_key_path(path)}`"


def _judged(context: RuleContext) -> dict | None:
    """The document, unless its instance is not DagsterInstance (see the module docstring)."""
    data = context.data
    if not isinstance(data, dict) or "instance_class" in data:
        return None
    return data


def _default(context: RuleContext, section: str, key: str) -> Any:
    return (context.model.defaults.get("settings", {}).get(section) or {}).get(key)


def _accepts(context: RuleContext, schema_node: Any, key: str) -> bool:
    branch = object_branch(context.model.schema, schema_node)
    return isinstance(branch, dict) and key in branch.get("properties", {})


def _section_accepts(context: RuleContext, section: str, key: str) -> bool:
    return _accepts(context, context.model.schema.get("properties", {}).get(section), key)


def _at_default(context: RuleContext, path: KeyPath, value: Any) -> bool:
    """Whether `value` at the settings `path` is what Dagster uses when the key is left out (nothing to act on)."""
    if path[:1] == ("retention",) and len(path) == 2:
        statuses = context.model.defaults.get("retention", {}).get(path[1])
        days = as_mapping(value).get("purge_after_days") if as_mapping(value) is not None else None
        if statuses is None or days is None:
            return False
        return days == statuses if isinstance(days, dict) else all(d == days for d in statuses.values())
    node: Any = context.model.defaults.get("settings", {})
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return value == node and type(value) is type(node)


def _config_default(context: RuleContext, qualname: str, key: str) -> Any:
    """The default a class's config type gives `key` (None when it gives none)."""
    schema = context.model.schema
    branch = object_branch(schema, schema.get("definitions", {}).get(f"config:{qualname}"))
    return ((branch or {}).get("properties", {}).get(key) or {}).get("default")


def _off_reason(section: str, settings: dict, key: str = "enabled") -> str:
    """Why a switch is off: written `false`, or left out (its default)."""
    return f"`{section}.{key}` is " + ("`false`" if key in settings else "false by default")


def _already_reported(*violations: Iterator[Violation]) -> set[KeyPath]:
    return {v.key_path for found in violations for v in found}


# --- run retries -------------------------------------------------------------------------------


@check(RULE)
def run_retries_off(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `run_retries` settings while run retries are off.

    Why it matters: without `run_retries.enabled: true` no failed run is retried, whatever `max_retries` says.
    """
    data = _judged(context)
    retries = as_mapping(data.get("run_retries")) if data is not None and runs_daemons(context) else None
    if retries is None or retries.get("enabled", _default(context, "run_retries", "enabled")) is not False:
        return
    checks = {"max_retries": is_int, "retry_on_asset_or_op_failure": lambda v: isinstance(v, bool)}
    for key, valid in checks.items():
        value = retries.get(key)
        if key not in retries or not valid(value) or value == _default(context, "run_retries", key):
            continue
        yield _finding(
            ("run_retries", key),
            f"{_written(('run_retries', key), value)} has no effect: run retries are off"
            f" ({_off_reason('run_retries', retries)}); set `enabled: true` to retry failed runs",
        )


# --- run monitoring ----------------------------------------------------------------------------

MONITORING_KEYS = (
    "start_timeout_seconds",
    "cancel_timeout_seconds",
    "max_runtime_seconds",
    "poll_interval_seconds",
    "free_slots_after_run_end_seconds",
    "max_resume_run_attempts",
)


def _launcher_that_cannot_resume(context: RuleContext, data: dict) -> str | None:
    """The run launcher's class name when the catalog says it cannot resume runs."""
    launcher = data.get("run_launcher") or context.model.defaults["slots"]["run_launcher"]
    module, class_name = lookup(launcher, ("module",)), lookup(launcher, ("class",))
    if not isinstance(module, str) or not isinstance(class_name, str):
        return None
    entry = resolve_entry(context.catalog, "run_launcher", module, class_name)
    return entry.class_name if entry is not None and entry.resumes_runs is False else None


@check(RULE)
def run_monitoring_off(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `run_monitoring` settings while run monitoring is off, and for
    `cancellation_thread_poll_interval_seconds`, which DagsterInstance never reads.

    Why it matters: the timeouts, the poll interval and the resume attempts look configured, yet no run is monitored.
    """
    from linter.rules.suspicious_values import run_monitoring_zero_intervals

    data = _judged(context)
    monitoring = as_mapping(data.get("run_monitoring")) if data is not None else None
    if monitoring is None:
        return
    thread_key = "cancellation_thread_poll_interval_seconds"
    if is_int(monitoring.get(thread_key)) and not _at_default(context, ("run_monitoring", thread_key), monitoring[thread_key]):
        yield _finding(
            ("run_monitoring", thread_key),
            f"{_written(('run_monitoring', thread_key), monitoring[thread_key])} has no effect: only the run"
            " cancellation thread reads it, and Dagster's instance never starts that thread (only a Dagster+"
            " agent's instance does); remove it",
        )
    if not runs_daemons(context) or monitoring.get("enabled", _default(context, "run_monitoring", "enabled")) is not False:
        return
    reported = _already_reported(run_monitoring_zero_intervals(context))
    off = f"run monitoring is off ({_off_reason('run_monitoring', monitoring)})"
    for key in MONITORING_KEYS:
        value = monitoring.get(key)
        path = ("run_monitoring", key)
        if not is_int(value) or path in reported or value == _default(context, "run_monitoring", key):
            continue
        if key == "free_slots_after_run_end_seconds" and value == 0:
            continue  # 0 turns the freeing off, like leaving it out
        tail = "; set `enabled: true` to monitor runs"
        if key == "max_resume_run_attempts":
            launcher = _launcher_that_cannot_resume(context, data)
            tail = "; set `enabled: true` to resume runs whose run worker failed"
            if launcher is not None:
                tail = (f", and {launcher}, the run launcher, cannot resume runs (Dagster refuses resume attempts"
                        " with it once monitoring is on); remove it")
        yield _finding(path, f"{_written(path, value)} has no effect: {off}{tail}")


# --- daemon thread pools -----------------------------------------------------------------------

DAEMONS = {
    "sensors": ("the sensor daemon", "sensors are evaluated"),
    "schedules": ("the scheduler daemon", "schedules are evaluated"),
    "auto_materialize": ("the asset daemon", "automation ticks are evaluated"),
    "backfills": ("the backfill daemon", "backfills are processed"),
}


def _scheduler_is_the_daemon_scheduler(context: RuleContext, data: dict) -> bool:
    scheduler = data.get("scheduler") or context.model.defaults["slots"]["scheduler"]
    module, class_name = lookup(scheduler, ("module",)), lookup(scheduler, ("class",))
    if not isinstance(module, str) or not isinstance(class_name, str):
        return False
    entry = resolve_entry(context.catalog, "scheduler", module, class_name)
    return entry is not None and entry.qualname == DAEMON_SCHEDULER


@check(RULE)
def daemon_workers_without_threads(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for the daemons' `num_workers`/`num_submit_workers` while their `use_threads` is off.

    Why it matters: without threads a daemon builds no pool, so the worker count changes nothing.
    """
    from linter.rules.suspicious_values import daemon_num_workers_zero

    data = _judged(context)
    if data is None or not runs_daemons(context):
        return
    reported = _already_reported(daemon_num_workers_zero(context))
    backfills_threaded = context.model.since(BACKFILL_DAEMON_THREADED_BY_DEFAULT)
    for section, (daemon, one_at_a_time) in DAEMONS.items():
        settings = as_mapping(data.get(section))
        if settings is None or (section == "schedules" and not _scheduler_is_the_daemon_scheduler(context, data)):
            continue
        default = True if section == "backfills" and backfills_threaded else _default(context, section, "use_threads")
        if settings.get("use_threads", default) is not False:
            continue
        why = _off_reason(section, settings, "use_threads")
        for key in ("num_workers", "num_submit_workers"):
            value = settings.get(key)
            path = (section, key)
            if (not is_int(value) or path in reported or not _section_accepts(context, section, key)
                    or _at_default(context, path, value)):
                continue
            what = one_at_a_time if key == "num_workers" else "runs are submitted"
            yield _finding(
                path,
                f"{_written(path, value)} has no effect: {daemon} builds no thread pool while {why}, so"
                f" {what} one at a time; set `use_threads: true` to use a pool of this size",
            )


# --- the run queue -----------------------------------------------------------------------------


def _queued_configs(context: RuleContext, data: dict) -> Iterator[tuple[KeyPath, dict]]:
    """The QueuedRunCoordinator configs Dagster builds a coordinator from: `run_queue` (unless it
    conflicts with `run_coordinator`, an error) and a QueuedRunCoordinator block."""
    run_queue = as_mapping(data.get("run_queue"))
    if run_queue and "run_coordinator" not in data:
        yield ("run_queue",), run_queue
    for block, config in blocks_of(context, QUEUED_RUN_COORDINATOR):
        if block.path == ("run_coordinator",):
            yield block.config_path, config


@check(RULE)
def run_queue_settings_never_read(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `dequeue_num_workers` without `dequeue_use_threads: true`, and for
    `user_code_failure_retry_delay` while `max_user_code_failure_retries` is 0.

    Why it matters: the run queue never reads them then: runs are dequeued one at a time, and a run
    whose code location is unreachable fails at once.
    """
    data = _judged(context)
    if data is None or not runs_daemons(context):
        return
    no_retries = _config_default(context, QUEUED_RUN_COORDINATOR, "max_user_code_failure_retries")
    for path, config in _queued_configs(context, data):
        workers = source_value(context.environ, config.get("dequeue_num_workers"), as_int=True)
        # `dequeue_use_threads` has no config default: the constructor's is False (`check.opt_bool_param`)
        if config.get("dequeue_use_threads", False) is False and is_int(workers):
            where = (*path, "dequeue_num_workers")
            why = "`dequeue_use_threads` is " + ("`false`" if "dequeue_use_threads" in config else "false by default")
            yield _finding(
                where,
                f"{_written(where, workers)} has no effect: the run queue dequeues runs one at a time while {why};"
                " set `dequeue_use_threads: true` to dequeue them in a pool of this size",
            )
        delay = source_value(context.environ, config.get("user_code_failure_retry_delay"), as_int=True)
        retries = source_value(context.environ, config.get("max_user_code_failure_retries", no_retries), as_int=True)
        no_delay = _config_default(context, QUEUED_RUN_COORDINATOR, "user_code_failure_retry_delay")
        if is_int(delay) and is_int(retries) and retries == 0 and delay != no_delay:
            where = (*path, "user_code_failure_retry_delay")
            why = "`max_user_code_failure_retries` is 0" + ("" if "max_user_code_failure_retries" in config else " by default")
            yield _finding(
                where,
                f"{_written(where, delay)} has no effect: it is how long the run queue waits before retrying a run"
                f" whose code location was unreachable, and it retries none while {why} (the run fails at once);"
                " set `max_user_code_failure_retries` to retry such runs",
            )


def coordinator_without_queue(context: RuleContext, data: dict) -> str | None:
    """How to name the run coordinator when it provably has no run queue (DefaultRunCoordinator,
    SyncInMemoryRunCoordinator); None when it has one or cannot be told."""
    if data.get("run_queue") or ("run_queue" in data and "run_coordinator" in data):
        return None  # a QueuedRunCoordinator, or the run_queue/run_coordinator conflict (an error)
    written = data.get("run_coordinator")
    block = written or context.model.defaults["slots"]["run_coordinator"]
    module, class_name = lookup(block, ("module",)), lookup(block, ("class",))
    if not isinstance(module, str) or not isinstance(class_name, str):
        return None
    entry = resolve_entry(context.catalog, "run_coordinator", module, class_name)
    if entry is None or entry.qualname == QUEUED_RUN_COORDINATOR:
        return None  # every other coordinator Dagster ships (Default, SyncInMemory) has no run queue
    return f"{class_name}, the {'run coordinator set in `run_coordinator`' if written else 'default run coordinator'},"


@check(RULE)
def run_limits_without_run_queue(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `concurrency.runs` limits and `concurrency.pools.op_granularity_run_buffer`
    when the run coordinator has no run queue.

    Why it matters: only the QueuedRunCoordinator's run queue reads them; any other coordinator launches
    every run at once.
    """
    from linter.rules.suspicious_values import max_concurrent_runs_stops_all_runs

    data = _judged(context)
    if data is None or not runs_daemons(context):
        return
    concurrency = as_mapping(data.get("concurrency"))
    coordinator = coordinator_without_queue(context, data) if concurrency else None
    if coordinator is None:
        return
    reported = _already_reported(max_concurrent_runs_stops_all_runs(context))
    limits = [
        (("concurrency", "runs", "max_concurrent_runs"), is_int),
        (("concurrency", "runs", "tag_concurrency_limits"), lambda v: isinstance(v, list) and v),
        (("concurrency", "pools", "op_granularity_run_buffer"), is_int),
    ]
    for path, valid in limits:
        value = lookup(data, path)
        if path in reported or not valid(value) or _at_default(context, path, value):
            continue
        yield _finding(
            path,
            f"{_written(path, value)} has no effect: only the QueuedRunCoordinator's run queue reads it, and"
            f" {coordinator} launches every run as soon as it is submitted; use the QueuedRunCoordinator"
            " (`run_coordinator: {module: dagster._core.run_coordinator, class: QueuedRunCoordinator}`)",
        )


# --- auto-materialize with sensors -------------------------------------------------------------


def _valid_retention(value: Any) -> bool:
    days = as_mapping(value).get("purge_after_days") if as_mapping(value) is not None else None
    if is_int(days):
        return True
    statuses = as_mapping(days)
    return bool(statuses) and all(k in ("skipped", "success", "failure", "started") and is_int(v)
                                  for k, v in statuses.items())


@check(RULE)
def auto_materialize_settings_with_sensors(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `auto_materialize` settings that only the sensorless asset daemon reads,
    while `auto_materialize.use_sensors` is true (the default).

    Why it matters: `enabled: false` does not stop automation, and the interval and tick retention change nothing.
    """
    from linter.rules.suspicious_values import retention_read_otherwise

    data = _judged(context)
    if data is None or not runs_daemons(context):
        return
    settings = as_mapping(data.get("auto_materialize")) or {}
    if settings.get("use_sensors", _default(context, "auto_materialize", "use_sensors")) is not True:
        return
    sensors = ("`auto_materialize.use_sensors` is `true`" if "use_sensors" in settings
               else "`auto_materialize.use_sensors` is true by default")
    interval = settings.get("minimum_interval_seconds")
    if is_int(interval) and not _at_default(context, ("auto_materialize", "minimum_interval_seconds"), interval):
        path = ("auto_materialize", "minimum_interval_seconds")
        yield _finding(
            path,
            f"{_written(path, interval)} has no effect: {sensors}, so automation runs in automation condition"
            " sensors, each evaluated at its own `minimum_interval_seconds` (set in code); this one paces only"
            " the sensorless asset daemon (`use_sensors: false`)",
        )
    if settings.get("enabled") is False:
        path = ("auto_materialize", "enabled")
        yield _finding(
            path,
            f"{_written(path, False)} does not turn automation off: {sensors}, so the asset daemon runs anyway"
            " and evaluates every running automation condition sensor; stop those sensors (in the UI, or"
            " `default_status` in code) instead",
        )
    retention = lookup(data, ("retention", "auto_materialize"))
    path = ("retention", "auto_materialize")
    if _valid_retention(retention) and not _at_default(context, path, retention) and not any(v.key_path[:2] == path for v in retention_read_otherwise(context)):
        yield _finding(
            path,
            f"`retention.auto_materialize` has no effect: {sensors}, so every automation tick is a sensor"
            " tick, purged by `retention.sensor`; set the retention there",
        )


# --- run launchers -----------------------------------------------------------------------------


def _ecs_task_definition(context: RuleContext, config: dict) -> str | None:
    """What the launcher's `task_definition` is: "arn" (a name, or `env:` naming one), "mapping"
    (a task definition it registers), None (absent or empty, or an `env:` it cannot resolve)."""
    value = config.get("task_definition")
    if isinstance(value, str) and value:
        return "arn"
    mapping = as_mapping(value)
    if not mapping:
        return None
    if "env" in mapping:
        resolved = source_value(context.environ, {"env": mapping["env"]}) if len(mapping) == 1 else UNKNOWN
        return "arn" if isinstance(resolved, str) and resolved else None
    return "mapping"


@check(RULE)
def ecs_launcher_settings_never_read(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for EcsRunLauncher's `include_sidecars` and `task_definition_prefix` where the
    launcher never reads them.

    Why it matters: runs start without the sidecars, or under another task definition, than the file suggests.
    """
    from linter.rules.launchers import ecs_launcher_task_definition

    if _judged(context) is None:
        return
    refused = _already_reported(ecs_launcher_task_definition(context))  # a prefix too long, `env` with other keys
    for block, config in blocks_of(context, ECS_RUN_LAUNCHER):
        task_definition = _ecs_task_definition(context, config)
        if config.get("include_sidecars") is True:
            reason = None
            if task_definition == "arn":
                reason = "`task_definition` names the task definition every run uses"
            elif task_definition == "mapping":
                reason = ("`task_definition` describes the task definition it registers (list sidecars in"
                          " `task_definition.sidecar_containers`)")
            elif config.get("use_current_ecs_task_config") is False:
                reason = "`use_current_ecs_task_config` is `false`"
            if reason is not None:
                path = (*block.config_path, "include_sidecars")
                yield _finding(
                    path,
                    f"{_written(path, True)} has no effect: the launcher copies the sidecars of its own ECS task only"
                    " when it builds each run's task definition from that task (`use_current_ecs_task_config`"
                    f" true and no `task_definition`), and here {reason}",
                )
        prefix = source_value(context.environ, config.get("task_definition_prefix"))
        unnamed = _config_default(context, ECS_RUN_LAUNCHER, "task_definition_prefix")
        if (task_definition == "arn" and isinstance(prefix, str) and prefix != unnamed
                and (*block.config_path, "task_definition_prefix") not in refused):
            path = (*block.config_path, "task_definition_prefix")
            yield _finding(
                path,
                f"{_written(path, prefix)} has no effect: it names only the task definitions the launcher registers"
                " itself, and every run uses the one `task_definition` names",
            )


K8S_OVERRIDES = (
    ("job_image", ("image",), "the image"),
    ("image_pull_policy", ("image_pull_policy", "imagePullPolicy"), "the image pull policy"),
)


@check(RULE)
def k8s_launcher_settings_overridden(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for K8sRunLauncher's `job_image`/`image_pull_policy` when its own
    `run_k8s_config.container_config` sets the same.

    Why it matters: the container config wins for every run (and step) pod, so the top-level value is never used.
    """
    if _judged(context) is None:
        return
    for block, config in blocks_of(context, K8S_RUN_LAUNCHER):
        container = as_mapping(lookup(config, ("run_k8s_config", "container_config"))) or {}
        for key, container_keys, what in K8S_OVERRIDES:
            value = source_value(context.environ, config.get(key))
            winner = next((k for k in container_keys if isinstance(container.get(k), str) and container[k]), None)
            if not isinstance(value, str) or not value or winner is None:
                continue
            path = (*block.config_path, key)
            yield _finding(
                path,
                f"{_written(path, value)} has no effect: `run_k8s_config.container_config.{winner}:"
                f" {container[winner]}` sets {what} of every pod the launcher starts and takes precedence; keep one of them",
            )
