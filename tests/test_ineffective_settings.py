"""`ineffective-setting` against real Dagster: each setting the rule reports changes nothing.

Each test lints a file, then builds from the same file what Dagster builds (the instance from a
temporary `$DAGSTER_HOME` with SQLite storage, the daemon, the run launcher) and shows that what the
code path reads is the same whatever the reported setting says; its near miss shows the setting
taking effect once the switch the message names is on, so each test fails if Dagster starts
reading the setting. Cases and Dagster's lines: linter/rules/ineffective.py.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
import textwrap
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

# Imported at collection, before any test runs: these modules bind `sqlalchemy.create_engine` when
# imported, and the differential oracle (tests/dagster_oracle.py) replaces it with a guard while it judges
# a fixture; imported there first, they would keep the guard and every SQLite instance here would fail.
import dagster._core.storage.sqlite_storage  # noqa: F401
from linter.api import lint_text
from linter.model.choice import requested_version
from linter.model.store import load_model, supported_versions

REPO = Path(__file__).resolve().parents[1]
RULE = "ineffective-setting"


def _reported(text: str, version: str | None = None, env: dict | None = None) -> set[str]:
    """The dotted key paths `ineffective-setting` reports in `text` (judged as `version`, default the newest)."""
    text = textwrap.dedent(text)
    if version is None:
        findings = lint_text(text, "dagster.yaml", env=env or {})
    else:
        choice = requested_version(version, "--dagster-version", supported_versions())
        findings = lint_text(text, "dagster.yaml", env=env or {}, model=load_model(choice.version), version=choice)
    return {f.dotted_key_path for f in findings if f.rule == RULE}


@contextlib.contextmanager
def _instance(text: str):
    """A DagsterInstance loaded the way the webserver and daemon load it: `dagster.yaml` in a temporary home."""
    from dagster import DagsterInstance

    with tempfile.TemporaryDirectory() as home:
        Path(home, "dagster.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        instance = DagsterInstance.from_config(home)
        try:
            yield instance
        finally:
            instance.dispose()


def _run(instance, status=None, location: str | None = None):
    from dagster._core.remote_origin import RegisteredCodeLocationOrigin, RemoteJobOrigin, RemoteRepositoryOrigin
    from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus
    from dagster._core.utils import make_new_run_id

    origin = None
    if location is not None:
        repository = RemoteRepositoryOrigin(RegisteredCodeLocationOrigin(location), "repo")
        origin = RemoteJobOrigin(repository_origin=repository, job_name="my_job")
    run = DagsterRun(job_name="my_job", run_id=make_new_run_id(), status=status or DagsterRunStatus.STARTED,
                     remote_job_origin=origin)
    return instance.add_run(run)


def _process_context(instance, request_context=None):
    """What the daemons take from their workspace: the instance, and a request context."""
    return SimpleNamespace(instance=instance, create_request_context=lambda *a, **k: contextlib.nullcontext(request_context))


def _in_other_dagster(version: str, snippet: str) -> str:
    """Runs `snippet` under another supported Dagster's venv (read-only) and returns its stdout."""
    python = REPO / ".venvs" / f"dagster-{version}" / "bin" / "python"
    if not python.exists():
        pytest.skip(f"no venv for Dagster {version}")
    done = subprocess.run([str(python), "-c", textwrap.dedent(snippet)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


# --- run retries -------------------------------------------------------------------------------

RETRIES_OFF = """
run_retries:
  max_retries: 3
  retry_on_asset_or_op_failure: false
"""
RETRIES_ON = """
run_retries:
  enabled: true
  max_retries: 3
  retry_on_asset_or_op_failure: false
"""


def _will_retry_tag(text: str) -> str | None:
    """What Dagster decides when a run fails: the `dagster/will_retry` tag it writes (None: not judged)."""
    from dagster._core.storage.tags import WILL_RETRY_TAG

    with _instance(text) as instance:
        run = _run(instance)
        instance.report_run_failed(run)
        return instance.get_run_by_id(run.run_id).tags.get(WILL_RETRY_TAG)


def test_run_retries_settings_without_enabled():
    assert _reported(RETRIES_OFF) == {"run_retries.max_retries", "run_retries.retry_on_asset_or_op_failure"}
    assert _will_retry_tag(RETRIES_OFF) is None  # max_retries: 3 never consulted
    with _instance(RETRIES_OFF) as instance:
        assert "EVENT_LOG_CONSUMER" not in instance.get_required_daemon_types()


def test_run_retries_near_miss():
    assert _reported(RETRIES_ON) == set()
    assert _will_retry_tag(RETRIES_ON) == "true"  # the same failed run is retried once retries are on
    with _instance(RETRIES_ON) as instance:
        assert "EVENT_LOG_CONSUMER" in instance.get_required_daemon_types()


# --- run monitoring ----------------------------------------------------------------------------

MONITORING = """
run_monitoring:
  enabled: {enabled}
  poll_interval_seconds: 30
  start_timeout_seconds: 300
  free_slots_after_run_end_seconds: 600
  max_resume_run_attempts: 2
"""


def test_run_monitoring_settings_while_off():
    text = MONITORING.format(enabled="false")
    assert _reported(text) == {f"run_monitoring.{key}" for key in (
        "poll_interval_seconds", "start_timeout_seconds", "free_slots_after_run_end_seconds", "max_resume_run_attempts")}
    with _instance(text) as instance:
        assert instance.run_monitoring_poll_interval_seconds == 30  # accepted and stored...
        assert "MONITORING" not in instance.get_required_daemon_types()  # ...but no daemon reads it
        assert instance.run_will_resume(_run(instance).run_id) is False


def test_run_monitoring_near_miss(monkeypatch):
    from dagster._core.launcher import DefaultRunLauncher
    from dagster._daemon.controller import create_daemon_of_type

    # a launcher that resumes runs (K8s, ECS, Docker) cannot be built here: lend DefaultRunLauncher the ability
    monkeypatch.setattr(DefaultRunLauncher, "supports_resume_run", property(lambda self: True))
    text = MONITORING.format(enabled="true")
    assert _reported(text) == set()
    with _instance(text) as instance:
        assert "MONITORING" in instance.get_required_daemon_types()
        assert create_daemon_of_type("MONITORING", instance).interval_seconds == 30
        assert instance.run_will_resume(_run(instance).run_id) is True


def test_cancellation_thread_interval_is_never_read():
    import dagster._cli.api as api
    from dagster import DagsterInstance

    text = """
    run_monitoring:
      enabled: true
      cancellation_thread_poll_interval_seconds: 5
    """
    assert _reported(text) == {"run_monitoring.cancellation_thread_poll_interval_seconds"}
    with _instance(text) as instance:
        assert instance.cancellation_thread_poll_interval_seconds == 5
        assert instance.should_start_background_run_thread is False
    # every start of the cancellation thread (its only reader) is behind that property
    import dagster

    callers = {p: p.read_text(encoding="utf-8") for p in Path(dagster.__file__).parent.rglob("*.py")
               if "tests" not in p.parts and "start_run_cancellation_thread(" in p.read_text(encoding="utf-8")
               and not p.name == "run_cancellation_thread.py"}
    assert list(callers) == [Path(api.__file__)]
    source = callers[Path(api.__file__)]
    guarded = re.findall(r"if instance\.should_start_background_run_thread:\n\s+[^\n]*start_run_cancellation_thread\(", source)
    assert source.count("start_run_cancellation_thread(") == len(guarded) == 2
    assert type(instance).should_start_background_run_thread is DagsterInstance.should_start_background_run_thread


def test_cancellation_thread_near_miss_agent():
    """Only the Dagster+ agent's instance starts the thread (with isolated agents): its file is not judged."""
    from dagster import DagsterInstance
    from dagster_cloud.instance import DagsterCloudAgentInstance

    near_miss = (REPO / "tests/fixtures/semantic/ineffective-cancellation-thread-near-miss.yaml").read_text()
    env = {"DAGSTER_AGENT_TOKEN": "agent:hooli:0f4c6a2e-1b7d-4c3e-9a8f-2d5e6b7c8a9d"}
    assert _reported(near_miss, env=env) == set()
    prop = DagsterCloudAgentInstance.should_start_background_run_thread
    assert prop is not DagsterInstance.should_start_background_run_thread
    assert prop.fget(SimpleNamespace(is_using_isolated_agents=True)) is True


# --- daemon thread pools -----------------------------------------------------------------------


class _Recorded:
    """Replaces a module's InheritContextThreadPoolExecutor: records the pools a daemon builds."""

    def __init__(self, module, monkeypatch):
        self.sizes: list = []
        real = module.InheritContextThreadPoolExecutor
        sizes = self.sizes

        class Recording(real):
            def __init__(self, *args, **kwargs):
                sizes.append(kwargs.get("max_workers"))
                super().__init__(*args, **kwargs)

        monkeypatch.setattr(module, "InheritContextThreadPoolExecutor", Recording)


def _pools(text: str, monkeypatch) -> dict[str, list]:
    """The thread pool sizes each daemon builds from the file (sensor, scheduler, asset, backfill)."""
    import dagster._daemon.asset_daemon as asset_module
    import dagster._daemon.daemon as daemon_module
    import dagster._scheduler.scheduler as scheduler_module
    from dagster._daemon.controller import create_daemon_of_type

    modules = (("daemon", daemon_module), ("schedules", scheduler_module), ("auto_materialize", asset_module))
    recorded = {name: _Recorded(module, monkeypatch) for name, module in modules}
    pools: dict[str, list] = {}
    with _instance(text) as instance:
        for section, daemon_type in (("sensors", "SENSOR"), ("backfills", "BACKFILL")):
            before = len(recorded["daemon"].sizes)
            daemon = create_daemon_of_type(daemon_type, instance)
            pools[section] = recorded["daemon"].sizes[before:]
            daemon._exit_stack.close()
        for section, daemon_type in (("schedules", "SCHEDULER"), ("auto_materialize", "ASSET")):
            daemon = create_daemon_of_type(daemon_type, instance)
            loop = daemon.core_loop(_process_context(instance), threading.Event())
            next(loop)  # the pools are built before the first iteration starts
            loop.close()
            pools[section] = recorded[section].sizes
    return pools


DAEMON_WORKERS = (REPO / "tests/fixtures/semantic/ineffective-daemon-workers.yaml").read_text()
DAEMON_WORKERS_NEAR_MISS = (REPO / "tests/fixtures/semantic/ineffective-daemon-workers-near-miss.yaml").read_text()


def test_daemon_workers_without_threads(monkeypatch):
    assert _reported(DAEMON_WORKERS) == {
        "sensors.num_workers", "sensors.num_submit_workers", "schedules.num_workers",
        "auto_materialize.num_workers", "backfills.num_workers", "backfills.num_submit_workers"}
    assert _pools(DAEMON_WORKERS, monkeypatch) == {"sensors": [], "backfills": [], "schedules": [], "auto_materialize": []}


def test_daemon_workers_near_miss(monkeypatch):
    assert _reported(DAEMON_WORKERS_NEAR_MISS) == set()
    # backfills: `use_threads` left out is threaded from 1.10; its pool takes `settings.get("num_workers")`
    assert _pools(DAEMON_WORKERS_NEAR_MISS, monkeypatch) == {
        "sensors": [8, 4], "backfills": [4, 2], "schedules": [8], "auto_materialize": [4]}


def test_backfill_workers_without_use_threads_by_version():
    """`backfills: {num_workers: 4}`: no pool in Dagster 1.9 (reported when judged as 1.9), a pool from 1.10."""
    text = "backfills:\n  num_workers: 4\n"
    assert _reported(text, "1.9") == {"backfills.num_workers"}
    assert _reported(text, "1.10") == _reported(text) == set()
    snippet = f"""
        import tempfile, pathlib
        from dagster import DagsterInstance
        from dagster._daemon.controller import create_daemon_of_type
        with tempfile.TemporaryDirectory() as home:
            pathlib.Path(home, "dagster.yaml").write_text({text!r})
            instance = DagsterInstance.from_config(home)
            daemon = create_daemon_of_type("BACKFILL", instance)
            print(daemon._threadpool_executor is None)
            instance.dispose()
    """
    assert _in_other_dagster("1.9", snippet) == "True"
    assert _in_other_dagster("1.10", snippet) == "False"


# --- the run queue -----------------------------------------------------------------------------


def _dequeue(text: str, monkeypatch, launch_error: Exception | None = None, location: str | None = None):
    """Dequeues one queued run as the run queue daemon does; returns the daemon afterwards."""
    from dagster._core.events import DagsterEvent
    from dagster._core.storage.dagster_run import DagsterRunStatus
    from dagster._daemon.controller import create_daemon_of_type

    with _instance(text) as instance:
        def launch_run(context):
            if launch_error is not None:
                raise launch_error

        monkeypatch.setattr(instance.run_launcher, "launch_run", launch_run)
        run = _run(instance, DagsterRunStatus.QUEUED, location or "my_location")
        instance.report_dagster_event(DagsterEvent.job_enqueue(run), run_id=run.run_id)
        daemon = create_daemon_of_type("QUEUED_RUN_COORDINATOR", instance)
        try:
            list(daemon._dequeue_runs_iter(_process_context(instance), instance.run_coordinator, [run],
                                           instance.get_concurrency_config(), fixed_iteration_time=1000.0))
        finally:
            daemon._exit_stack.close()
        daemon.final_run_status = instance.get_run_by_id(run.run_id).status
        return daemon


DEQUEUE = """
run_queue:
  max_concurrent_runs: 20
  {threads}dequeue_num_workers: 4
"""


def test_dequeue_workers_without_threads(monkeypatch):
    text = DEQUEUE.format(threads="")
    assert _reported(text) == {"run_queue.dequeue_num_workers"}
    assert _dequeue(text, monkeypatch)._executor is None  # dequeued in the daemon's thread


def test_dequeue_workers_near_miss(monkeypatch):
    text = DEQUEUE.format(threads="dequeue_use_threads: true\n  ")
    assert _reported(text) == set()
    assert _dequeue(text, monkeypatch)._executor._max_workers == 4


RETRY_DELAY = """
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    {retries}user_code_failure_retry_delay: 30
"""


def test_user_code_retry_delay_without_retries(monkeypatch):
    from dagster._core.errors import DagsterUserCodeUnreachableError
    from dagster._core.storage.dagster_run import DagsterRunStatus

    text = RETRY_DELAY.format(retries="")
    assert _reported(text) == {"run_coordinator.config.user_code_failure_retry_delay"}
    daemon = _dequeue(text, monkeypatch, DagsterUserCodeUnreachableError("down"), location="my_location")
    assert daemon._location_timeouts == {}  # the delay is never applied...
    assert daemon.final_run_status == DagsterRunStatus.FAILURE  # ...the run fails at once


def test_user_code_retry_delay_near_miss(monkeypatch):
    from dagster._core.errors import DagsterUserCodeUnreachableError
    from dagster._core.storage.dagster_run import DagsterRunStatus

    text = RETRY_DELAY.format(retries="max_user_code_failure_retries: 2\n    ")
    assert _reported(text) == set()
    daemon = _dequeue(text, monkeypatch, DagsterUserCodeUnreachableError("down"), location="my_location")
    assert daemon._location_timeouts == {"my_location": 1000.0 + 30}
    assert daemon.final_run_status == DagsterRunStatus.QUEUED


RUN_LIMITS = (REPO / "tests/fixtures/semantic/ineffective-run-limits-without-queue.yaml").read_text()
RUN_LIMITS_NEAR_MISS = (REPO / "tests/fixtures/semantic/ineffective-run-limits-without-queue-near-miss.yaml").read_text()


def test_run_limits_without_run_queue():
    from dagster._core.run_coordinator import QueuedRunCoordinator

    assert _reported(RUN_LIMITS) == {"concurrency.runs.max_concurrent_runs", "concurrency.runs.tag_concurrency_limits",
                                     "concurrency.pools.op_granularity_run_buffer"}
    with _instance(RUN_LIMITS) as instance:
        assert not isinstance(instance.run_coordinator, QueuedRunCoordinator)  # DefaultRunCoordinator
        assert instance.get_concurrency_config().run_queue_config is None  # nothing carries the limits
        assert "QUEUED_RUN_COORDINATOR" not in instance.get_required_daemon_types()


def test_run_limits_near_miss():
    assert _reported(RUN_LIMITS_NEAR_MISS) == set()
    with _instance(RUN_LIMITS_NEAR_MISS) as instance:
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 5
        assert [limit["key"] for limit in queue.tag_concurrency_limits] == ["team"]
        assert queue.op_concurrency_slot_buffer == 1


def test_pool_config_run_buffer_is_read_nowhere():
    """`PoolConfig.op_granularity_run_buffer` is stored but no Dagster code reads the attribute."""
    import dagster

    root = Path(dagster.__file__).parent
    readers = [p for p in root.rglob("*.py") if "tests" not in p.parts
               and re.search(r"\.op_granularity_run_buffer\b", p.read_text(encoding="utf-8"))]
    assert readers == []


def test_run_limits_with_dagster_1_9_default_coordinator():
    """In Dagster 1.9 the default run coordinator is DefaultRunCoordinator: `concurrency.runs` alone has no effect."""
    text = "concurrency:\n  runs:\n    max_concurrent_runs: 5\n"
    assert _reported(text, "1.9") == {"concurrency.runs.max_concurrent_runs"}
    assert _reported(text) == set()
    snippet = f"""
        import tempfile, pathlib
        from dagster import DagsterInstance
        with tempfile.TemporaryDirectory() as home:
            pathlib.Path(home, "dagster.yaml").write_text({text!r})
            instance = DagsterInstance.from_config(home)
            print(type(instance.run_coordinator).__name__, instance.get_concurrency_config().run_queue_config)
            instance.dispose()
    """
    assert _in_other_dagster("1.9", snippet) == "DefaultRunCoordinator None"


# --- auto-materialize with sensors -------------------------------------------------------------

AUTO_MATERIALIZE = (REPO / "tests/fixtures/semantic/ineffective-auto-materialize-sensors.yaml").read_text()
AUTO_MATERIALIZE_NEAR_MISS = (REPO / "tests/fixtures/semantic/ineffective-auto-materialize-sensors-near-miss.yaml").read_text()


def _sensorless_ticks(text: str, monkeypatch) -> list:
    """Runs two asset daemon iterations back to back over an empty workspace; returns the ticks it
    processes (None: the sensorless tick, the only one that reads the interval and the retention)."""
    from dagster._daemon.asset_daemon import set_auto_materialize_paused
    from dagster._daemon.controller import create_daemon_of_type

    processed: list = []
    with _instance(text) as instance:
        set_auto_materialize_paused(instance, False)
        daemon = create_daemon_of_type("ASSET", instance)
        monkeypatch.setattr(daemon, "_process_auto_materialize_tick",
                            lambda process_context, request_context, repo, sensor, flags: processed.append(sensor))
        workspace = SimpleNamespace(get_code_location_entries=lambda: {})
        for _ in range(2):
            daemon._run_iteration_impl(_process_context(instance, workspace), threadpool_executor=None,
                                       amp_tick_futures={}, debug_crash_flags={})
        return processed


def test_auto_materialize_interval_and_retention_with_sensors(monkeypatch):
    assert _reported(AUTO_MATERIALIZE) == {"auto_materialize.minimum_interval_seconds", "retention.auto_materialize"}
    assert _sensorless_ticks(AUTO_MATERIALIZE, monkeypatch) == []  # only sensors' ticks, none without a sensor


def test_auto_materialize_near_miss(monkeypatch):
    assert _reported(AUTO_MATERIALIZE_NEAR_MISS) == set()
    # one sensorless tick: the second iteration falls within `minimum_interval_seconds: 60` and is skipped
    assert _sensorless_ticks(AUTO_MATERIALIZE_NEAR_MISS, monkeypatch) == [None]


def test_auto_materialize_enabled_false_with_sensors():
    text = "auto_materialize:\n  use_sensors: true\n  enabled: false\n"
    assert _reported(text) == {"auto_materialize.enabled"}
    with _instance(text) as instance:
        assert "ASSET" in instance.get_required_daemon_types()
    near_miss = "auto_materialize:\n  use_sensors: false\n  enabled: false\n"
    assert _reported(near_miss) == set()
    with _instance(near_miss) as instance:
        assert "ASSET" not in instance.get_required_daemon_types()


# --- run launchers -----------------------------------------------------------------------------

TASK_DEFINITION_ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/dagster-run:7"
CURRENT_TASK_DEFINITION_ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/dagster-daemon:3"


class _FakeEcs:
    """The ECS API calls the launcher makes, answered locally: the launcher's own task has a sidecar."""

    def __init__(self, meta):
        self.meta = meta

    def describe_task_definition(self, taskDefinition):
        if taskDefinition == TASK_DEFINITION_ARN:
            return {"taskDefinition": {"taskDefinitionArn": TASK_DEFINITION_ARN,
                                       "containerDefinitions": [{"name": "dagster", "image": "x"}]}}
        if taskDefinition == CURRENT_TASK_DEFINITION_ARN:
            return {"taskDefinition": {
                "taskDefinitionArn": CURRENT_TASK_DEFINITION_ARN, "family": "dagster-daemon",
                "containerDefinitions": [{"name": "daemon", "image": "daemon:1", "environment": []},
                                         {"name": "datadog-agent", "image": "datadog/agent:7"}]}}
        raise AssertionError(f"unexpected task definition {taskDefinition}")

    def describe_tasks(self, tasks, cluster):
        return {"tasks": [{"taskArn": tasks[0], "taskDefinitionArn": CURRENT_TASK_DEFINITION_ARN}]}


def _ecs_registered(text: str, monkeypatch) -> tuple:
    """Builds the EcsRunLauncher from the file and prepares one run: (the task definition it registers
    or None, the task definition the run uses)."""
    import boto3
    import dagster_aws.ecs.launcher as launcher_module
    import dagster_aws.ecs.tasks as tasks_module
    from dagster_aws.ecs.container_context import EcsContainerContext
    from dagster_aws.ecs.tasks import CurrentEcsTaskMetadata

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    real_client = boto3.client
    fake = _FakeEcs(real_client("ecs", region_name="eu-west-1").meta)
    monkeypatch.setattr(boto3, "client", lambda service, *a, **k: fake if service == "ecs" else real_client(service, *a, **k))
    monkeypatch.setattr(tasks_module, "current_ecs_container_name", lambda: "daemon")
    monkeypatch.setattr(launcher_module, "get_current_ecs_task_metadata",
                        lambda: CurrentEcsTaskMetadata(cluster="dagster", task_arn="arn:aws:ecs:task/1"))
    monkeypatch.setattr(launcher_module, "get_task_kwargs_from_current_task", lambda *a, **k: {})
    with _instance(text) as instance:
        launcher = instance.run_launcher
        registered: list = []
        monkeypatch.setattr(launcher, "_reuse_or_register_task_definition",
                            lambda desired_task_definition_config, container_name, task_definition_dict:
                            registered.append(desired_task_definition_config))
        run = _run(instance, location="my_location")
        kwargs = launcher._run_task_kwargs(run, "my-image:1", EcsContainerContext.create_for_run(run, launcher))
        return (registered[0] if registered else None), kwargs["taskDefinition"]


ECS = """
run_launcher:
  module: dagster_aws.ecs
  class: EcsRunLauncher
  config:
    container_name: dagster
    secrets_tag: null
{config}
"""


@pytest.mark.parametrize("config, reported", [
    ("    use_current_ecs_task_config: false", {"include_sidecars"}),
    ("    task_definition:\n      requires_compatibilities: [FARGATE]", {"include_sidecars"}),
    (f"    task_definition: {TASK_DEFINITION_ARN}", {"include_sidecars", "task_definition_prefix"}),
], ids=["use_current_ecs_task_config-false", "task_definition-mapping", "task_definition-arn"])
def test_ecs_include_sidecars_and_prefix_never_read(config, reported, monkeypatch):
    variants = [ECS.format(config=f"{config}\n    include_sidecars: {sidecars}\n    task_definition_prefix: {prefix}")
                for sidecars, prefix in (("true", "first"), ("false", "second"))]
    assert _reported(variants[0]) == {f"run_launcher.config.{key}" for key in reported}
    first, second = (_ecs_registered(text, monkeypatch) for text in variants)
    if "task_definition_prefix" in reported:
        assert first == second == (None, TASK_DEFINITION_ARN)  # nothing registered, whatever the prefix
    else:
        assert first[0].sidecars == second[0].sidecars == []  # no sidecar copied either way


def test_ecs_include_sidecars_near_miss(monkeypatch):
    with_sidecars, without = (ECS.format(config=f"    include_sidecars: {value}") for value in ("true", "false"))
    assert _reported(with_sidecars) == set()
    assert [s["name"] for s in _ecs_registered(with_sidecars, monkeypatch)[0].sidecars] == ["datadog-agent"]
    assert _ecs_registered(without, monkeypatch)[0].sidecars == []


def test_ecs_task_definition_prefix_near_miss(monkeypatch):
    text = ECS.format(config="    task_definition:\n      requires_compatibilities: [FARGATE]\n    task_definition_prefix: prod")
    assert _reported(text) == set()
    assert _ecs_registered(text, monkeypatch)[0].family.startswith("prod_")


def _k8s_run_container(text: str):
    """The run worker container the K8sRunLauncher's code path builds for a run (as `_launch_k8s_job_with_args`)."""
    from dagster_k8s.container_context import K8sContainerContext
    from dagster_k8s.job import construct_dagster_k8s_job

    with _instance(text) as instance:
        launcher = instance.run_launcher
        run = _run(instance)
        context = K8sContainerContext.create_for_run(run, launcher, include_run_tags=True)
        job = construct_dagster_k8s_job(
            job_config=context.get_k8s_job_config(job_image=None, run_launcher=launcher),
            args=["dagster", "api", "execute_run"], job_name="dagster-run-1", pod_name="dagster-run-1",
            component="run_worker", user_defined_k8s_config=context.run_k8s_config, labels={})
        return job.spec.template.spec.containers[0]


K8S = """
run_launcher:
  module: dagster_k8s
  class: K8sRunLauncher
  config:
    instance_config_map: dagster-instance
    service_account_name: dagster
    load_incluster_config: false
    kubeconfig_file: {kubeconfig}
    job_image: registry.example.com/runs:{tag}
    image_pull_policy: {policy}
    run_k8s_config:
      container_config:
{container}
"""

KUBECONFIG = """
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
"""


@pytest.fixture
def kubeconfig(tmp_path):
    path = tmp_path / "kubeconfig"
    path.write_text(KUBECONFIG, encoding="utf-8")
    return str(path)


def test_k8s_job_image_and_pull_policy_overridden(kubeconfig):
    container = "        image: registry.example.com/runs:2.0\n        imagePullPolicy: IfNotPresent"
    variants = [K8S.format(kubeconfig=kubeconfig, tag=tag, policy=policy, container=container)
                for tag, policy in (("1.0", "Always"), ("1.1", "Never"))]
    assert _reported(variants[0]) == {"run_launcher.config.job_image", "run_launcher.config.image_pull_policy"}
    for text in variants:
        built = _k8s_run_container(text)
        assert (built.image, built.image_pull_policy) == ("registry.example.com/runs:2.0", "IfNotPresent")


def test_k8s_near_miss(kubeconfig):
    text = K8S.format(kubeconfig=kubeconfig, tag="1.0", policy="Always", container="        resources: {limits: {memory: 2Gi}}")
    assert _reported(text) == set()
    built = _k8s_run_container(text)
    assert (built.image, built.image_pull_policy) == ("registry.example.com/runs:1.0", "Always")
