"""What the instance's settings accessors reject, and the remaining classes (nothing to check).

Everything below passes the config types and is still rejected at start-up (common.py says how a
class is identified). Read from Dagster 1.13.27.

Instance settings (`DagsterInstance.__init__`, settings accessors, the daemons that read them)
- `python_logs.python_log_level` must be a level `coerce_valid_log_level` knows
  (CRITICAL, FATAL, ERROR, WARNING, WARN, INFO, DEBUG, any case) -> invalid-value with did-you-mean.
- `run_monitoring.enabled: true` with a non-zero `max_resume_run_attempts` (default 0) and a launcher
  whose `supports_resume_run` is false (DefaultRunLauncher, the default, CeleryK8sRunLauncher) ->
  conflicting-keys at `max_resume_run_attempts`. Launchers outside the catalog are not judged.
- Daemon thread pools (`ThreadPoolExecutor` rejects fewer than one worker): `num_workers` below 1 with
  `use_threads: true` under `sensors`, `schedules`, `auto_materialize`; `num_workers` below 0 with
  `backfills.use_threads: true` (0 means no pool); `num_submit_workers` below 0 with `use_threads: true`
  under `sensors`, `schedules`, `backfills` -> invalid-value.
- Not findings: `run_monitoring_*`, `code_server_*`, `run_retries`, `get_tick_retention_settings`
  (reads with defaults, rejects nothing), `concurrency.runs.max_concurrent_runs` (RunQueueConfig has
  no range check).

Others
- DagsterDaemonScheduler, LocalArtifactStorage, EnvFileLoader, PerProjectEnvFileLoader: nothing.
- `instance_class: DagsterInstance`: `InstanceRef.from_dir` calls `config_schema()`, which
  DagsterInstance does not have. The catalog lists no instance class, so classes.py reports any
  Dagster-owned `instance_class` as unknown-class; nothing more here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.findings import KeyPath, Target, Violation
from linter.model import ClassEntry
from linter.model.behaviour import BACKFILL_DAEMON_THREADED_BY_DEFAULT
from linter.rules import RuleContext, check
from linter.rules.classes import closest, lookup, resolve_entry
from linter.rules.common import as_mapping, is_int, runs_daemons

PYTHON_LOG_LEVELS = ("CRITICAL", "FATAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG")


@check("invalid-value")
def unknown_python_log_level(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `python_logs.python_log_level` is a level Python's logging knows.

    Why it matters: Dagster's log manager rejects any other level when it sets up logging for a run.
    """
    level = lookup(context.data, ("python_logs", "python_log_level"))
    if not isinstance(level, str) or level.upper() in PYTHON_LOG_LEVELS:
        return
    suggestion = closest(level.upper(), PYTHON_LOG_LEVELS)
    hint = f": did you mean `{suggestion}`?" if suggestion else ""
    yield Violation(
        "invalid-value",
        ("python_logs", "python_log_level"),
        f"`{level}` is not a Python log level{hint} (expected one of {', '.join(PYTHON_LOG_LEVELS)})",
        Target.VALUE,
        suggestion,
    )


def _effective_launcher(context: RuleContext) -> ClassEntry | None:
    """The run launcher's catalog entry, the version's default when unset; None when it cannot be told."""
    data = context.data
    if "instance_class" in data:
        return None  # a custom instance class brings its own defaults
    launcher = data.get("run_launcher") or context.model.defaults["slots"]["run_launcher"]
    module, class_name = lookup(launcher, ("module",)), lookup(launcher, ("class",))
    if not isinstance(module, str) or not isinstance(class_name, str):
        return None
    return resolve_entry(context.catalog, "run_launcher", module, class_name)


@check("conflicting-keys")
def resume_attempts_without_resumable_launcher(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `run_monitoring.max_resume_run_attempts` is 0 unless the run launcher can resume runs.

    Why it matters: with run monitoring enabled, `DagsterInstance` refuses to start with resume attempts on such a launcher.
    """
    if not isinstance(context.data, dict):
        return
    monitoring = as_mapping(context.data.get("run_monitoring"))
    if monitoring is None or monitoring.get("enabled") is not True:
        return
    attempts = monitoring.get("max_resume_run_attempts", 0)
    if not is_int(attempts) or attempts == 0:
        return
    launcher = _effective_launcher(context)
    if launcher is None or launcher.resumes_runs is not False:
        return
    name = launcher.class_name
    default = "" if context.data.get("run_launcher") else " (the default run launcher)"
    yield Violation(
        "conflicting-keys",
        ("run_monitoring", "max_resume_run_attempts"),
        f"`max_resume_run_attempts` must be 0 with {name}{default}: it cannot resume runs",
        Target.KEY,
        None,
    )


def _pool_violation(path: KeyPath, value: Any, minimum: int, condition: str) -> Iterator[Violation]:
    if is_int(value) and value < minimum:
        yield Violation(
            "invalid-value",
            path,
            f"`{path[-1]}` must be at least {minimum} {condition}, got {value}",
            Target.VALUE,
        )


@check("invalid-value")
def daemon_thread_pool_size(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks the daemons' `num_workers`/`num_submit_workers` when `use_threads` is true.

    Why it matters: the daemons build thread pools from them, and a pool with fewer than one worker makes the daemon fail.
    """
    if not runs_daemons(context):
        return
    data = context.data if isinstance(context.data, dict) else {}
    backfills_threaded = context.model.since(BACKFILL_DAEMON_THREADED_BY_DEFAULT)
    for section in ("sensors", "schedules", "auto_materialize", "backfills"):
        settings = as_mapping(data.get(section))
        threaded_by_default = section == "backfills" and backfills_threaded
        if settings is None or settings.get("use_threads", threaded_by_default) is not True:
            continue
        # from 1.10 the backfill daemon builds no pool for 0 workers; the others hand 0 to the pool, which rejects it
        minimum = 0 if threaded_by_default else 1
        condition = ("unless `use_threads` is `false`" if threaded_by_default and "use_threads" not in settings
                     else "when `use_threads` is `true`")
        yield from _pool_violation((section, "num_workers"), settings.get("num_workers"), minimum, condition)
        if section != "auto_materialize":
            yield from _pool_violation((section, "num_submit_workers"), settings.get("num_submit_workers"), 0, condition)
