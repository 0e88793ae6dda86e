"""What real Dagster says about a `dagster.yaml`: the differential oracle of the test suite.

`judge(path, env)` runs, in-process and in order, the steps a Dagster webserver or daemon (or, for
a Dagster+ Hybrid agent file, the agent: see below) takes when it loads its instance, and stops at
the first one that raises. It judges as the Dagster it is imported with: 1.13.27 in the test venv,
and each supported version's venv (1.9 to 1.13, see tests/oracle_batch.py). Where those versions
differ, the oracle asks the running Dagster what it has (an import, a getattr, an InstanceRef
property) and never reads a version string. Any exception raised by Dagster's own code is a
rejection: Dagster would fail to start. Exceptions from the oracle's own code, and any attempt by
Dagster's code to open a network connection or to write a file, raise `OracleError` instead, so
that a bug in the oracle never passes for a rejection.

Stages (the `Verdict.stage` of a rejection):

    yaml             load_yaml_from_path of dagster_shared.yaml_utils (dagster._utils.yaml_utils
                     before dagster_shared existed) (DagsterYamlLoader: PyYAML SafeLoader, YAML 1.1,
                     minus the timestamp resolver)
    instance_config  dagster._core.instance.config.dagster_instance_config(tempdir): the
                     `run_queue`/`run_coordinator` and `storage`/legacy-storage conflicts, the
                     storage selector count, the `concurrency` checks, then the instance schema
    instance_ref     InstanceRef.from_dir(tempdir)
    class:<slot>     what ConfigurableClassData.rehydrate does before constructing: import the
                     module, getattr the class, issubclass(klass, <the InstanceRef property's
                     as_type>), process_config(klass.config_type(), config)
    build:<slot>     what `klass.from_config_value(inst_data, config_value)` does (see below)
    agent            (Dagster+ agent files only, see below) the agent's instance class constructed
                     and read as the agent does at start
    settings         the instance-level checks DagsterInstance makes on its settings (see below)

Slots are the instance keys: instance_class, storage (or run_storage / event_log_storage /
schedule_storage when the legacy keys are used: CompositeStorage rehydrates each of them),
local_artifact_storage, scheduler, secrets, defs_state_storage, compute_logs, run_coordinator,
run_launcher. This is the order of `create_instance_from_ref` followed by the lazily loaded
components (a version without `defs_state_storage` has no such slot). Where the file has no
`secrets` or no `defs_state_storage`, the InstanceRef property that supplies the default is
evaluated, as `create_instance_from_ref` does: `secrets_loader` (None, or the injected
PerProjectEnvFileLoader) and `defs_state_storage` (UPathDefsStateStorage, or
BlobStorageStateStorage where that is the default, under the artifact directory). As in
`create_instance_from_ref`, the per-kind storage data that `InstanceRef` keeps
next to a unified `storage` (PostgresRunStorage next to DagsterPostgresStorage, ...) is not
rehydrated: Dagster never loads it.

The build step. Each class is constructed exactly as its `from_config_value` does, except where
construction would touch a database, the network, a cluster or the file system:

* Storages are never constructed (their constructors create SQLAlchemy engines, connect, create
  tables, create directories and SQLite files). Instead the oracle calls what their
  `from_config_value` validates before that:
    - DagsterPostgresStorage, PostgresRunStorage, PostgresEventLogStorage, PostgresScheduleStorage:
      `pg_url_from_config` (one of `postgres_url`/`postgres_db`), `get_token_provider_from_config`
      where dagster_postgres has it (`auth_provider` with `postgres_url`), `check.bool_param(should_autocreate_tables)`, then
      what `sqlalchemy.create_engine` does with the URL before connecting: `make_url(url)` and
      load the dialect (a bad URL or an unknown scheme such as `postgres://` fails here; the DBAPI
      import is skipped, see `_check_sqlalchemy_url`).
    - DagsterMySQLStorage, MySQLRunStorage, MySQLEventLogStorage, MySQLScheduleStorage:
      `mysql_url_from_config`, then the same URL/dialect/DBAPI check.
    - DagsterSqliteStorage and the Sqlite run/event-log/schedule storages: `from_local`'s
      `check.str_param(base_dir)` and `mkdir_p(base_dir)` (with the mkdir stub below).
    - CompositeStorage (legacy `run_storage`/`event_log_storage`/`schedule_storage` keys): each
      constituent goes through its own class and build stages (slots named after the keys).
    - LegacyRunStorage / LegacyEventLogStorage / LegacyScheduleStorage: the wrapped storage goes
      through the class and build stages again.
    - InMemoryEventLogStorage: not built (it creates an in-memory SQLite engine).
* Everything else is constructed for real, through `from_config_value`, with these replacements
  in force for the whole judgement:
    - `kubernetes.config.load_incluster_config` / `load_kube_config` and
      `kubernetes.client.Configuration.set_default`: no-ops (K8sRunLauncher and
      CeleryK8sRunLauncher load cluster credentials in their constructors). The constructor's
      own checks (`service_account_name` given, `kubeconfig_file` not set together with
      `load_incluster_config`, label values are strings, ...) still run.
    - `boto3.client` / `boto3.resource`: the real botocore client is built, but with dummy
      credentials and a default region, so the credential chain (which may query the EC2/ECS
      metadata endpoints) is never consulted. Argument checks such as a malformed
      `endpoint_url` still fail as they would. EcsRunLauncher's calls to AWS at construction
      (`describe_task_definition`, `describe_secret`) are answered by a stub that assumes the
      task definition exists and contains the configured container.
    - `google.cloud.storage.Client`: a stub whose buckets exist (GCSComputeLogManager calls
      `bucket.exists()` in its constructor; `from_service_account_info` accepts any mapping).
    - `dagster_azure.blob.compute_log_manager.create_blob_client` and its
      `DefaultAzureCredential`: stubs. `ClientSecretCredential` is real (it validates its
      arguments without I/O).
    - `os.makedirs`, `os.mkdir`, `pathlib.Path.mkdir`: no-ops that still reject an empty path.
  Guards, which raise OracleError (never a rejection): `socket` connect/getaddrinfo/
  create_connection, `sqlalchemy.create_engine`, and `open()` for writing outside the oracle's
  temporary directory.
* instance_class: `dagster_instance_config` and `InstanceRef.from_dir` already import the class
  and call its `config_schema()`/`config_defaults()`; the instance itself is not constructed.
* Cases the oracle cannot judge and accepts: `python_logs.dagster_handler_config` is not passed
  to `logging.config.dictConfig` (handlers may open files or sockets); whether buckets, task
  definitions, clusters or databases exist.

Dagster+ Hybrid agent files (instance class DagsterCloudAgentInstance of dagster-cloud, or a
subclass) are judged as `dagster-cloud agent run` starts, with dagster-cloud's own code. The yaml,
instance_config (Dagster's schema merged with the agent's `config_schema()`) and instance_ref
stages are the same; InstanceRef.from_dir takes the agent's `config_defaults()`: a CompositeStorage
of GraphQLRunStorage / GraphQLEventLogStorage / GraphQLScheduleStorage, CloudComputeLogManager,
DagsterCloudSecretsLoader and (from dagster-cloud 1.13) GraphQLDefsStateStorage. Then, in order:
    - the slots `create_instance_from_ref` builds before calling the instance class: storage,
      local_artifact_storage, scheduler, secrets, defs_state_storage (with the defaults above).
      The dagster-cloud classes among them are constructed for real: their constructors only
      record their arguments (GraphQL storages, secrets loader) and no GraphQL client exists until
      a query is sent; a GraphQL storage is never connected.
    - agent: the instance class called as `create_instance_from_ref` calls it, with the ref's
      `custom_instance_class_config` (the agent's top-level keys) as keyword arguments. Its own
      __init__ runs for real (`dagster_cloud_api` processed with `dagster_cloud_api_config()`, not
      both `deployment` and `deployments`, a `user_code_launcher` present, `dagster_cloud_url`
      derived from the agent token unless `url` is set, not both `isolated_agents` and
      `agent_replicas`, `agent_queues` processed, ...). DagsterInstance.__init__ is replaced by
      `_bypassed_instance_init`: no storage or other component is constructed (the slot stages
      judge them), but the arguments are bound as the real one binds them and its one check that
      depends on the file, run monitoring's resume check, runs as the running Dagster has it (on
      an agent it evaluates `run_launcher`, i.e. the user code launcher, before the agent's
      attributes exist: AttributeError, as the real agent).
    - class:user_code_launcher, build:user_code_launcher: the `user_code_launcher` property: the
      agent's ConfigurableClassData rehydrated as DagsterCloudUserCodeLauncher (the class stage
      above), constructed for real through `from_config_value` (the ECS prefixes of at most 16
      characters, ECS `service_discovery_reconcile_interval` > 0 where the version has it, K8s
      `check.str_param(service_account_name)` and its CloudK8sRunLauncher, ...), entered into the
      instance's exit stack, `register_instance`. The exit stack is closed afterwards (the
      launcher's `__exit__`; no launcher constructor starts a thread, its `start()` does).
    - agent: what `DagsterCloudAgent.run_loop` reads before its first request to Dagster+:
      `dagster_cloud_url`, `includes_branch_deployments`, `deployment_names`,
      `include_all_serverless_deployments`, and the first GraphQL client it builds
      (`organization_scoped_graphql_client()` when deployments are named, else `graphql_client`:
      its headers need `agent_token`, its requests session translates `socket_options`).
    - compute_logs and run_coordinator, as for any file: the agent itself loads neither, but the
      code servers and run workers it launches load its instance ref (get_instance_ref_for_user_code).
    - settings: python_log_level and concurrency as for any file; the run-monitoring check is the
      agent stage's; the daemon pools and tick retention are checked only if the instance's
      `get_required_daemon_types()` is not empty (the agent's is: no daemon runs against it).
  Not run: `run_launcher` (the agent never loads the key: its `run_launcher` property is
  `user_code_launcher.run_launcher()`, so a bad `run_launcher` does not stop an agent and is not
  judged); the launcher's `start()` (its first step builds `run_launcher()`, which for ECS asks
  EC2 for the subnets' route tables unless `assign_public_ip` is set, and for Azure Container Apps
  asks the management API for the environment, then it lists existing code servers in the
  cluster); everything after the agent's first request. Replacements added for agent files, on top
  of those above: `boto3.session.Session.client`/`resource` get the same dummy credentials and
  default region (the ECS launcher's Client builds a Session from assumed-role credentials), and
  the sts (`assume_role`, `get_caller_identity`) and servicediscovery (`get_namespace`) calls the
  ECS launcher makes in its constructor when `service_discovery_role_arn` is set are answered by
  `_AgentAwsStub` (the role can be assumed, the namespace is in the agent's own account) after
  botocore's own parameter validation. The Docker launcher creates no Docker client at
  construction and the Azure Container Apps launcher no Azure client, so neither needs one. An
  agent token in `env` (`DAGSTER_CLOUD_AGENT_TOKEN=agent:<org>:<uuid>`) or written in the file is
  judged as given: a token in the legacy form (no `:`) with no `url`, a `user:` token or a
  malformed one is rejected at the agent stage.

The settings stage (after all slots), on `InstanceRef.settings`:
    - run_monitoring: `enabled` and a non-zero `max_resume_run_attempts` need a run launcher whose
      `supports_resume_run` is true (`_initialize_run_monitoring`, of DagsterInstance or, from
      1.11, of SettingsMethods);
    - python_logs.python_log_level: `coerce_valid_log_level` (what every run's log manager does);
    - concurrency: `ConcurrencyConfig.from_concurrency_settings` with the run coordinator's run
      queue config (what `DagsterInstance.get_concurrency_config` does);
    - retention: `get_tick_retention_settings` for schedules, sensors and auto-materialize;
    - the daemons' thread pools (`sensors`, `schedules`, `backfills`, `auto_materialize`
      `num_workers`/`num_submit_workers`, the run coordinator's `dequeue_num_workers`): what
      `dagster-daemon run` constructs as its daemons start (see `_check_daemon_thread_pools`;
      the sensor and backfill daemons are constructed for real, their pools differ by version).

Environment: for the duration of a judgement `os.environ` holds only a few process variables
(PATH, LANG, ...) plus the given `env`; HOME points at an empty temporary directory so no user
configuration (~/.kube, ~/.aws) is read. Everything is restored afterwards. Warnings are silenced
(a warning is not a rejection).

`skip_imports`: module paths whose `ModuleNotFoundError` is expected (a user's own class that is
not installed here, marked `# oracle: skip-import <module>` in a fixture). A slot (an agent's
user_code_launcher included) whose module is one of them is accepted without class or build checks,
and the settings checks that need its object are skipped. (Not available for `instance_class`:
Dagster imports it while validating the file, and its `config_schema()` shapes the rest of the
validation.)
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import importlib
import inspect
import logging
import os
import pathlib
import shutil
import socket
import sys
import tempfile
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

ACCEPTED = "accepted"

# Variables kept from the real environment while judging (everything else is removed).
_KEPT_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT")


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    stage: str  # the rejecting stage, or "accepted"
    message: str  # the first line of Dagster's error ("" when accepted, or what was not judged)
    detail: str = ""  # the exception type and its full text


class OracleError(RuntimeError):
    """The oracle itself failed, or Dagster's code attempted a side effect the oracle does not neutralise."""


class _SideEffectAttempt(BaseException):
    """Raised by the guards. A BaseException so that Dagster's `except Exception` cannot swallow it."""


class _Rejected(Exception):
    def __init__(self, stage: str, error: BaseException):
        super().__init__(stage)
        self.stage = stage
        self.error = error


class _SkippedImport(Exception):
    def __init__(self, module: str):
        super().__init__(module)
        self.module = module


# ---------------------------------------------------------------------------------------------
# Public entry point


def judge(path: Path, env: Mapping[str, str], *, skip_imports: Collection[str] = ()) -> Verdict:
    """Dagster's verdict on the instance config file at `path`, under environment `env`."""
    text = Path(path).read_bytes()
    workdir = tempfile.mkdtemp(prefix="dagster-oracle-")
    try:
        instance_dir = os.path.join(workdir, "instance")
        home_dir = os.path.join(workdir, "home")
        os.mkdir(instance_dir)
        os.mkdir(home_dir)
        with open(os.path.join(instance_dir, "dagster.yaml"), "wb") as copy:
            copy.write(text)
        with _environment(env, home_dir), warnings.catch_warnings(), _quiet_dagster_logs():
            warnings.simplefilter("ignore")
            with _neutralised(workdir):
                try:
                    skipped = _run(instance_dir, frozenset(skip_imports))
                except _Rejected as rejection:
                    error = rejection.error
                    return Verdict(False, rejection.stage, _first_line(error), _detail(error))
                except _SideEffectAttempt as attempt:
                    raise OracleError(f"Dagster attempted a side effect: {attempt}") from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    message = "; ".join(f"{slot}: not judged, module {module} is not installed" for slot, module in skipped)
    return Verdict(True, ACCEPTED, message)


# ---------------------------------------------------------------------------------------------
# The stages


def _stage(stage: str, call: Callable[..., Any], *args: Any) -> Any:
    """Run one call into Dagster; anything it raises is a rejection at `stage`."""
    try:
        return call(*args)
    except _SideEffectAttempt:
        raise
    except Exception as error:  # noqa: BLE001 - every Dagster failure counts as a rejection
        raise _Rejected(stage, error) from error


def _run(instance_dir: str, skip_imports: frozenset[str]) -> list[tuple[str, str]]:
    from dagster._core.instance.config import dagster_instance_config
    from dagster._core.instance.ref import InstanceRef

    yaml_utils = _optional_import("dagster_shared.yaml_utils") or importlib.import_module("dagster._utils.yaml_utils")
    _stage("yaml", yaml_utils.load_yaml_from_path, os.path.join(instance_dir, "dagster.yaml"))
    _stage("instance_config", dagster_instance_config, instance_dir)
    ref = _stage("instance_ref", InstanceRef.from_dir, instance_dir)
    agent_class = _stage("instance_ref", _agent_instance_class, ref)

    run = _Run(skip_imports)
    slots = list(_slots(ref))
    if agent_class is not None:  # the agent loads these when its instance is built; see _run_agent
        slots = [slot for slot in slots if slot[0] in _AGENT_EAGER_SLOTS]
    for slot, data, base in slots:
        run.load(slot, data, base)
    if ref.secrets_loader_data is None:  # the default: None, or an injected PerProjectEnvFileLoader
        _stage("build:secrets", lambda: ref.secrets_loader)
    has_defs_state = hasattr(InstanceRef, "defs_state_storage")
    if has_defs_state and ref.defs_state_storage_data is None and "local_artifact_storage" in run.built:
        _stage("build:defs_state_storage", lambda: ref.defs_state_storage)
    if agent_class is not None:
        _run_agent(run, ref, agent_class)
        return run.skipped
    run.check_settings(ref.settings)
    return run.skipped


def _slots(ref: Any) -> Iterator[tuple[str, Any, type]]:
    """(slot, ConfigurableClassData, as_type) in the order Dagster loads them."""
    from dagster._core.launcher.base import RunLauncher
    from dagster._core.run_coordinator.base import RunCoordinator
    from dagster._core.scheduler.scheduler import Scheduler
    from dagster._core.secrets.loader import SecretsLoader
    from dagster._core.storage.base_storage import DagsterStorage
    from dagster._core.storage.compute_log_manager import ComputeLogManager
    from dagster._core.storage.event_log.base import EventLogStorage
    from dagster._core.storage.root import LocalArtifactStorage
    from dagster._core.storage.runs.base import RunStorage
    from dagster._core.storage.schedules.base import ScheduleStorage

    if ref.storage_data is not None:
        yield "storage", ref.storage_data, DagsterStorage
    else:  # never produced by InstanceRef.from_dir; kept for completeness
        yield from (
            (slot, data, base)
            for slot, data, base in (
                ("run_storage", ref.run_storage_data, RunStorage),
                ("event_log_storage", ref.event_storage_data, EventLogStorage),
                ("schedule_storage", ref.schedule_storage_data, ScheduleStorage),
            )
            if data is not None
        )
    yield "local_artifact_storage", ref.local_artifact_storage_data, LocalArtifactStorage
    if ref.scheduler_data is not None:
        yield "scheduler", ref.scheduler_data, Scheduler
    if ref.secrets_loader_data is not None:
        yield "secrets", ref.secrets_loader_data, SecretsLoader
    if getattr(ref, "defs_state_storage_data", None) is not None:  # the key exists from 1.11
        from dagster._core.storage.defs_state.base import DefsStateStorage

        yield "defs_state_storage", ref.defs_state_storage_data, DefsStateStorage
    yield "compute_logs", ref.compute_logs_data, ComputeLogManager
    if ref.run_coordinator_data is not None:
        yield "run_coordinator", ref.run_coordinator_data, RunCoordinator
    if ref.run_launcher_data is not None:
        yield "run_launcher", ref.run_launcher_data, RunLauncher


class _Run:
    def __init__(self, skip_imports: frozenset[str]):
        self.skip_imports = skip_imports
        self.skipped: list[tuple[str, str]] = []
        self.built: dict[str, Any] = {}  # slot -> constructed object (None: validated, not constructed)

    # --- class + build ---------------------------------------------------------------------

    def load(self, slot: str, data: Any, as_type: type) -> None:
        loaded = self._class_stage(slot, data, as_type)
        if loaded is None:
            return
        klass, config_value = loaded
        qualname = f"{klass.__module__}.{klass.__qualname__}"
        builder = _BUILDERS.get(qualname)
        if builder is None:
            self.built[slot] = _stage(f"build:{slot}", klass.from_config_value, data, config_value)
        else:
            self.built[slot] = builder(self, slot, klass, data, config_value)

    def load_user_code_launcher(self, instance: Any, as_type: type) -> None:
        """`DagsterCloudAgentInstance.user_code_launcher`: rehydrate the agent's launcher data as
        `as_type`, enter the launcher into the instance's exit stack, `register_instance`."""
        slot = "user_code_launcher"
        data = instance._user_code_launcher_data
        loaded = self._class_stage(slot, data, as_type)
        if loaded is None:
            return
        klass, config_value = loaded

        def build() -> Any:
            launcher = instance._exit_stack.enter_context(klass.from_config_value(data, config_value))
            instance._user_code_launcher = launcher
            launcher.register_instance(instance)
            return launcher

        self.built[slot] = _stage(f"build:{slot}", build)

    def _class_stage(self, slot: str, data: Any, as_type: type) -> tuple[type, Mapping[str, Any]] | None:
        """The class stage of `slot`; None when its module is a skipped import."""
        try:
            return _stage(f"class:{slot}", self._rehydrate_class, data, as_type)
        except _Rejected as rejection:
            if isinstance(rejection.error, _SkippedImport):
                self.skipped.append((slot, rejection.error.module))
                return None
            raise

    def _rehydrate_class(self, data: Any, as_type: type) -> tuple[type, Mapping[str, Any]]:
        """`ConfigurableClassData.rehydrate` (dagster/_serdes/config_class.py) up to, not including,
        `klass.from_config_value(self, result.value)`. Kept line for line; see test_oracle's drift test.
        """
        import dagster._check as check
        from dagster._config import process_config, resolve_to_config_type
        from dagster._core.errors import DagsterInvalidConfigError

        try:
            module = importlib.import_module(data.module_name)
        except ModuleNotFoundError as error:
            if data.module_name in self.skip_imports and _names_module(error, data.module_name):
                raise _SkippedImport(data.module_name) from error
            check.failed(
                f"Couldn't import module {data.module_name} when attempting to load the "
                f"configurable class {data.module_name}.{data.class_name}"
            )
        try:
            klass = getattr(module, data.class_name)
        except AttributeError:
            check.failed(
                f"Couldn't find class {data.class_name} in module when attempting to load the "
                f"configurable class {data.module_name}.{data.class_name}"
            )
        if not issubclass(klass, as_type):
            raise check.CheckError(
                klass,
                f"class {data.class_name} in module {data.module_name}",
                as_type,
            )
        config_dict = data.config_dict
        result = process_config(resolve_to_config_type(klass.config_type()), config_dict)
        if not result.success:
            raise DagsterInvalidConfigError(
                f"Errors whilst loading configuration for {klass.config_type()}.",
                result.errors,
                config_dict,
            )
        return klass, check.not_none(result.value)

    # --- settings ----------------------------------------------------------------------------

    def check_settings(self, settings: Mapping[str, Any], *, daemons: bool = True) -> None:
        from dagster._core.definitions.run_request import InstigatorType
        from dagster._core.instance.config import (
            ConcurrencyConfig,
            get_default_tick_retention_settings,
            get_tick_retention_settings,
        )
        from dagster._core.run_coordinator.queued_run_coordinator import QueuedRunCoordinator
        from dagster._core.utils import coerce_valid_log_level

        run_monitoring = settings.get("run_monitoring") or {}
        launcher = self.built.get("run_launcher")
        if run_monitoring.get("enabled", False) and run_monitoring.get("max_resume_run_attempts", 0):
            if launcher is not None:
                _stage("settings", _check_resumable, launcher)

        python_logs = settings.get("python_logs") or {}
        if python_logs.get("python_log_level") is not None:
            _stage("settings", coerce_valid_log_level, python_logs["python_log_level"])

        coordinator = self.built.get("run_coordinator")
        if "run_coordinator" not in dict(self.skipped):
            run_queue_config = (
                _stage("settings", coordinator.get_run_queue_config)
                if isinstance(coordinator, QueuedRunCoordinator)
                else None
            )
            _stage(
                "settings",
                ConcurrencyConfig.from_concurrency_settings,
                settings.get("concurrency") or {},
                run_queue_config,
            )

        if not daemons:  # the rest is read only by `dagster-daemon run`
            return
        _stage("settings", _check_daemon_thread_pools, settings, self.built.get("scheduler"), coordinator)

        retention = settings.get("retention") or {}
        for key, instigator in (
            ("schedule", InstigatorType.SCHEDULE),
            ("sensor", InstigatorType.SENSOR),
            ("auto_materialize", InstigatorType.AUTO_MATERIALIZE),
        ):
            _stage(
                "settings",
                get_tick_retention_settings,
                retention.get(key),
                get_default_tick_retention_settings(instigator),
            )


def _check_resumable(launcher: Any) -> None:
    import dagster._check as check

    # DagsterInstance._initialize_run_monitoring, verbatim condition and message.
    check.invariant(
        launcher.supports_resume_run,
        "The configured run launcher does not support resuming runs. Set"
        " max_resume_run_attempts to 0 to use run monitoring. Any runs with a failed"
        " run worker will be marked as failed, but will not be resumed.",
    )


def _check_daemon_thread_pools(settings: Mapping[str, Any], scheduler: Any, coordinator: Any) -> None:
    """The thread pools `dagster-daemon run` creates as its daemons start, with their conditions.

    The sensor and backfill daemons are constructed for real (their `__init__` creates their pools,
    under conditions that differ by version: BackfillDaemon's `use_threads` default and its
    `num_submit_workers` pool, say). Copied, because they are made inside the daemons' loops: the
    start of execute_scheduler_iteration_loop (dagster/_scheduler/scheduler.py), of AssetDaemon's
    loop (dagster/_daemon/asset_daemon.py; its `num_submit_workers` pool of 1.9 and 1.10 reads a
    key the schema of every version refuses) and the threaded dequeue of QueuedRunCoordinatorDaemon,
    all the same from 1.9 to 1.13. A pool with `max_workers` 0 or negative raises ValueError: the
    daemon cannot run.
    """
    from dagster._core.run_coordinator.queued_run_coordinator import QueuedRunCoordinator
    from dagster._core.scheduler import DagsterDaemonScheduler
    from dagster._core.utils import InheritContextThreadPoolExecutor
    from dagster._daemon.daemon import BackfillDaemon, SensorDaemon

    for daemon, key in ((SensorDaemon, "sensors"), (BackfillDaemon, "backfills")):
        daemon(settings=settings.get(key) or {}).__exit__(None, None, None)

    pools: list[Any] = []
    if isinstance(scheduler, DagsterDaemonScheduler):
        schedules = settings.get("schedules") or {}
        if schedules.get("use_threads"):
            pools.append(schedules.get("num_workers"))
            if schedules.get("num_submit_workers"):
                pools.append(schedules.get("num_submit_workers"))
    auto_materialize = settings.get("auto_materialize") or {}
    asset_daemon = auto_materialize.get("enabled", True) or auto_materialize.get("use_sensors", True)
    if asset_daemon and auto_materialize.get("use_threads"):
        pools.append(auto_materialize.get("num_workers"))
    if isinstance(coordinator, QueuedRunCoordinator) and coordinator.dequeue_use_threads:
        pools.append(coordinator.dequeue_num_workers)
    for max_workers in pools:
        InheritContextThreadPoolExecutor(max_workers=max_workers).shutdown(wait=False)


def _names_module(error: ModuleNotFoundError, module: str) -> bool:
    """The missing module is `module` itself or one of its parent packages."""
    missing = error.name or ""
    return bool(missing) and (module == missing or module.startswith(missing + "."))


# ---------------------------------------------------------------------------------------------
# The Dagster+ Hybrid agent (dagster-cloud's DagsterCloudAgentInstance)


# The slots create_instance_from_ref builds before it calls the instance class (they are its keyword
# arguments); compute_logs, run_coordinator and run_launcher are loaded lazily.
_AGENT_EAGER_SLOTS = frozenset(
    {
        "storage",
        "run_storage",
        "event_log_storage",
        "schedule_storage",
        "local_artifact_storage",
        "scheduler",
        "secrets",
        "defs_state_storage",
    }
)
# Judged after the agent's own stages. `run_launcher` is left out: the agent never loads it (its
# `run_launcher` property is `user_code_launcher.run_launcher()`).
_AGENT_LAZY_SLOTS = ("compute_logs", "run_coordinator")


def _agent_instance_class(ref: Any) -> type | None:
    """The file's instance class when it is DagsterCloudAgentInstance or a subclass, else None."""
    if ref.custom_instance_class_data is None:
        return None
    agent_module = sys.modules.get("dagster_cloud.instance")  # imported by any subclass of it
    agent_base = getattr(agent_module, "DagsterCloudAgentInstance", None)
    klass = ref.custom_instance_class
    if agent_base is not None and isinstance(klass, type) and issubclass(klass, agent_base):
        return klass
    return None


def _run_agent(run: _Run, ref: Any, agent_class: type) -> None:
    """The stages of an agent file after its eager slots (see the module docstring)."""
    from dagster_cloud.workspace.user_code_launcher.user_code_launcher import DagsterCloudUserCodeLauncher

    with contextlib.ExitStack() as cleanup:
        cleanup.enter_context(_agent_neutralised())
        instance = _stage("agent", _construct_agent, ref, agent_class)
        cleanup.callback(instance._exit_stack.close)  # what the instance's dispose() closes
        run.load_user_code_launcher(instance, DagsterCloudUserCodeLauncher)
        _stage("agent", _agent_start_reads, instance)
    for slot, data, base in _slots(ref):
        if slot in _AGENT_LAZY_SLOTS:
            run.load(slot, data, base)
    daemons = _stage("settings", lambda: bool(instance.get_required_daemon_types()))
    run.check_settings(ref.settings, daemons=daemons)


def _construct_agent(ref: Any, agent_class: type) -> Any:
    """`create_instance_from_ref(ref)` for an agent: the class called with the same keyword arguments,
    its InstanceRef's `custom_instance_class_config` among them, with DagsterInstance.__init__ bypassed.
    """
    from dagster._core.instance import DagsterInstance, InstanceType
    from dagster._core.instance.ref import InstanceRef

    components: dict[str, Any] = {
        "local_artifact_storage": None,
        "run_storage": None,
        "event_storage": None,
        "schedule_storage": None,
        "compute_log_manager": None,
        "scheduler": None,
        "run_coordinator": None,
        "run_launcher": None,
        "secrets_loader": None,
    }
    if hasattr(InstanceRef, "defs_state_storage"):  # passed by create_instance_from_ref from 1.11
        components["defs_state_storage"] = None
    with mock.patch.object(DagsterInstance, "__init__", _bypassed_instance_init(DagsterInstance.__init__)):
        return agent_class(
            instance_type=InstanceType.PERSISTENT,
            settings=ref.settings,
            ref=ref,
            **components,
            **ref.custom_instance_class_config,
        )


def _bypassed_instance_init(real_init: Callable[..., Any]) -> Callable[..., Any]:
    """Stands in for DagsterInstance.__init__ under an agent: binds the arguments as the real one
    would (a TypeError for an unknown keyword), records the settings and the ref, constructs and
    registers no component, and runs the one check of the real __init__ that depends on the file:
    run monitoring's resume check (which, on an agent, evaluates `self.run_launcher` before the
    agent's own attributes exist).
    """
    signature = inspect.signature(real_init)

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        arguments = signature.bind(self, *args, **kwargs).arguments
        self._instance_type = arguments.get("instance_type")
        self._settings = arguments.get("settings") or {}
        self._ref = arguments.get("ref")
        for attribute in (
            "_local_artifact_storage",
            "_run_storage",
            "_event_storage",
            "_schedule_storage",
            "_compute_log_manager",
            "_scheduler",
            "_run_coordinator",
            "_run_launcher",
            "_secrets_loader",
            "_defs_state_storage",
        ):
            setattr(self, attribute, None)
        initialize = getattr(self, "_initialize_run_monitoring", None)
        if initialize is not None:  # DagsterInstance's (1.10) or SettingsMethods' (from 1.11)
            initialize()
            return
        # Dagster 1.9: the same statements inline at the end of DagsterInstance.__init__.
        self._run_monitoring_enabled = self.run_monitoring_settings.get("enabled", False)
        if self.run_monitoring_enabled and self.run_monitoring_max_resume_run_attempts:
            _check_resumable(self.run_launcher)

    return init


def _agent_start_reads(instance: Any) -> None:
    """What the agent reads of its instance after building its user code launcher and before its
    first request to Dagster+ (`DagsterCloudAgent.run_loop` up to its first `execute`): the URL,
    the deployments it serves, and the first GraphQL client it builds (organization-scoped to check
    named deployments, else the deployment-scoped one used to ask for the deployment's name). The
    client's headers need `agent_token`; its requests session translates `socket_options`.
    """
    values = [instance.dagster_cloud_url, instance.includes_branch_deployments]
    values.append(instance.include_all_serverless_deployments)
    if instance.deployment_names:
        values.append(instance.organization_scoped_graphql_client())
    else:
        values.append(instance.graphql_client)


# ---------------------------------------------------------------------------------------------
# Builders for the classes that are not constructed for real


_Builder = Callable[[_Run, str, type, Any, Mapping[str, Any]], Any]


def _check_sqlalchemy_url(url: str) -> None:
    """What sqlalchemy.create_engine does with the URL before it connects: parse it, load the dialect.

    The DBAPI import that follows in create_engine is left out on purpose: whether a driver is
    installed is a property of the machine, not of the file. (In the dev environment SQLAlchemy
    2.1 maps `postgresql://` to psycopg 3, which dagster-postgres does not install, so real
    Dagster there fails to build any Postgres storage whose URL has no explicit driver.)
    """
    from sqlalchemy.engine import make_url

    make_url(url).get_dialect()


def _build_postgres(run: _Run, slot: str, klass: type, data: Any, config_value: Mapping[str, Any]) -> None:
    import dagster._check as check
    from dagster_postgres import utils

    def validate() -> None:
        url = utils.pg_url_from_config(config_value)
        check.bool_param(config_value.get("should_autocreate_tables", True), "should_autocreate_tables")
        if hasattr(utils, "get_token_provider_from_config"):  # `auth_provider`, where the version has it
            utils.get_token_provider_from_config(config_value)
        _check_sqlalchemy_url(url)

    _stage(f"build:{slot}", validate)


def _build_mysql(run: _Run, slot: str, klass: type, data: Any, config_value: Mapping[str, Any]) -> None:
    from dagster_mysql.utils import mysql_url_from_config

    _stage(f"build:{slot}", lambda: _check_sqlalchemy_url(mysql_url_from_config(config_value)))


def _build_sqlite(run: _Run, slot: str, klass: type, data: Any, config_value: Mapping[str, Any]) -> None:
    import dagster._check as check
    from dagster._utils import mkdir_p

    def validate(base_dir: Any, **_: Any) -> None:
        check.str_param(base_dir, "base_dir")
        mkdir_p(base_dir)

    _stage(f"build:{slot}", lambda: validate(**config_value))


def _build_not_constructed(run: _Run, slot: str, klass: type, data: Any, config_value: Mapping[str, Any]) -> None:
    return None


def _build_composite(run: _Run, slot: str, klass: type, data: Any, config_value: Mapping[str, Any]) -> None:
    from dagster._core.storage.event_log.base import EventLogStorage
    from dagster._core.storage.runs.base import RunStorage
    from dagster._core.storage.schedules.base import ScheduleStorage
    from dagster._serdes import ConfigurableClassData

    for key, base in (
        ("run_storage", RunStorage),
        ("event_log_storage", EventLogStorage),
        ("schedule_storage", ScheduleStorage),
    ):
        part = config_value[key]
        nested = _stage(
            f"build:{slot}",
            ConfigurableClassData,
            part["module_name"],
            part["class_name"],
            part["config_yaml"],
        )
        run.load(key, nested, base)


def _build_legacy(run: _Run, slot: str, klass: type, data: Any, config_value: Mapping[str, Any]) -> None:
    from dagster._core.storage.base_storage import DagsterStorage
    from dagster._serdes import ConfigurableClassData

    nested = _stage(
        f"build:{slot}",
        ConfigurableClassData,
        config_value["module_name"],
        config_value["class_name"],
        config_value["config_yaml"],
    )
    run.load(slot, nested, DagsterStorage)


def _build_ecs(run: _Run, slot: str, klass: type, data: Any, config_value: Mapping[str, Any]) -> Any:
    container = config_value.get("container_name", "run")
    with mock.patch.object(_EcsStub, "container_name", container):
        return _stage(f"build:{slot}", klass.from_config_value, data, config_value)


_BUILDERS: dict[str, _Builder] = {
    **{
        name: _build_postgres
        for name in (
            "dagster_postgres.storage.DagsterPostgresStorage",
            "dagster_postgres.run_storage.run_storage.PostgresRunStorage",
            "dagster_postgres.event_log.event_log.PostgresEventLogStorage",
            "dagster_postgres.schedule_storage.schedule_storage.PostgresScheduleStorage",
        )
    },
    **{
        name: _build_mysql
        for name in (
            "dagster_mysql.storage.DagsterMySQLStorage",
            "dagster_mysql.run_storage.run_storage.MySQLRunStorage",
            "dagster_mysql.event_log.event_log.MySQLEventLogStorage",
            "dagster_mysql.schedule_storage.schedule_storage.MySQLScheduleStorage",
        )
    },
    **{
        name: _build_sqlite
        for name in (
            "dagster._core.storage.sqlite_storage.DagsterSqliteStorage",
            "dagster._core.storage.runs.sqlite.sqlite_run_storage.SqliteRunStorage",
            "dagster._core.storage.event_log.sqlite.sqlite_event_log.SqliteEventLogStorage",
            "dagster._core.storage.event_log.sqlite.consolidated_sqlite_event_log.ConsolidatedSqliteEventLogStorage",
            "dagster._core.storage.schedules.sqlite.sqlite_schedule_storage.SqliteScheduleStorage",
        )
    },
    "dagster._core.storage.event_log.in_memory.InMemoryEventLogStorage": _build_not_constructed,
    "dagster._core.storage.legacy_storage.CompositeStorage": _build_composite,
    "dagster._core.storage.legacy_storage.LegacyRunStorage": _build_legacy,
    "dagster._core.storage.legacy_storage.LegacyEventLogStorage": _build_legacy,
    "dagster._core.storage.legacy_storage.LegacyScheduleStorage": _build_legacy,
    "dagster_aws.ecs.launcher.EcsRunLauncher": _build_ecs,
}


# ---------------------------------------------------------------------------------------------
# Replacements and guards


class _GcsBucketStub:
    def __init__(self, name: str):
        self.name = name

    def exists(self) -> bool:
        return True


class _GcsClientStub:
    """Stands in for google.cloud.storage.Client: no credentials lookup, every bucket exists."""

    def __init__(self, *args: Any, **kwargs: Any):
        pass

    @classmethod
    def from_service_account_info(cls, info: Any, *args: Any, **kwargs: Any) -> _GcsClientStub:
        return cls()

    def bucket(self, name: str) -> _GcsBucketStub:
        return _GcsBucketStub(name)


class _AzureStub:
    """Stands in for BlobServiceClient / ContainerClient / DefaultAzureCredential."""

    def __init__(self, *args: Any, **kwargs: Any):
        pass

    def get_container_client(self, *args: Any, **kwargs: Any) -> _AzureStub:
        return _AzureStub()


class _EcsStub:
    """Answers the AWS calls EcsRunLauncher makes in its constructor, delegating the rest."""

    services: tuple[str, ...] = ("ecs", "secretsmanager")
    container_name = "run"

    def __init__(self, client: Any):
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def describe_task_definition(self, taskDefinition: str, **_: Any) -> dict[str, Any]:
        return {
            "taskDefinition": {
                "taskDefinitionArn": taskDefinition,
                "containerDefinitions": [{"name": type(self).container_name}],
            }
        }

    def describe_secret(self, SecretId: str, **_: Any) -> dict[str, Any]:
        return {"Name": SecretId.rsplit(":", 1)[-1], "ARN": SecretId}


_ORACLE_AWS_ACCOUNT = "000000000000"


class _AgentAwsStub(_EcsStub):
    """Also answers the calls the ECS user code launcher's Client makes in its constructor when
    `service_discovery_role_arn` is set (sts AssumeRole and GetCallerIdentity, servicediscovery
    GetNamespace): the role can be assumed, and the namespace is in the agent's own account. The
    parameters are first validated as botocore does before sending a request.
    """

    services = (*_EcsStub.services, "sts", "servicediscovery")

    def _validate(self, operation: str, params: Mapping[str, Any]) -> None:
        from botocore.validate import validate_parameters

        validate_parameters(params, self._client.meta.service_model.operation_model(operation).input_shape)

    def assume_role(self, **params: Any) -> dict[str, Any]:
        import datetime

        self._validate("AssumeRole", params)
        expiration = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        return {
            "Credentials": {
                "AccessKeyId": "instance-lint-oracle",
                "SecretAccessKey": "instance-lint-oracle",
                "SessionToken": "instance-lint-oracle",
                "Expiration": expiration,
            }
        }

    def get_caller_identity(self, **params: Any) -> dict[str, Any]:
        self._validate("GetCallerIdentity", params)
        return {"Account": _ORACLE_AWS_ACCOUNT, "Arn": f"arn:aws:iam::{_ORACLE_AWS_ACCOUNT}:role/agent"}

    def get_namespace(self, **params: Any) -> dict[str, Any]:
        self._validate("GetNamespace", params)
        namespace = params["Id"]
        arn = f"arn:aws:servicediscovery:us-east-1:{_ORACLE_AWS_ACCOUNT}:namespace/{namespace}"
        return {"Namespace": {"Id": namespace, "Arn": arn, "Name": "instance-lint-oracle.local"}}


def _with_dummy_aws_credentials(real: Callable[..., Any], stub: type[_EcsStub] | None = _EcsStub) -> Callable[..., Any]:
    def create(service_name: str, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("aws_access_key_id", "instance-lint-oracle")
        kwargs.setdefault("aws_secret_access_key", "instance-lint-oracle")
        kwargs.setdefault("region_name", "us-east-1")
        made = real(service_name, *args, **kwargs)
        if stub is None or isinstance(made, _EcsStub) or service_name not in stub.services:
            return made
        return stub(made)

    return create


def _session_method(real: Callable[..., Any], stub: type[_EcsStub] | None) -> Callable[..., Any]:
    """`boto3.session.Session.client`/`resource` with the replacements of `_with_dummy_aws_credentials`."""

    def method(session: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        bound = functools.partial(real, session)
        return _with_dummy_aws_credentials(bound, stub)(service_name, *args, **kwargs)

    return method


@contextlib.contextmanager
def _agent_neutralised() -> Iterator[None]:
    """The replacements added for the stages of an agent file (see the module docstring)."""
    with contextlib.ExitStack() as stack:
        boto3 = _optional_import("boto3")
        if boto3 is not None:
            session = boto3.session.Session
            stack.enter_context(mock.patch.object(session, "client", _session_method(session.client, _AgentAwsStub)))
            stack.enter_context(mock.patch.object(session, "resource", _session_method(session.resource, None)))
        yield


def _mkdir_stub(path: Any, *args: Any, **kwargs: Any) -> None:
    if not os.fspath(path):
        raise FileNotFoundError(2, "No such file or directory", path)


def _path_mkdir_stub(self: pathlib.Path, *args: Any, **kwargs: Any) -> None:
    _mkdir_stub(self)


def _guard(what: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise _SideEffectAttempt(f"{what}{args!r}")

    return refuse


def _write_guard(allowed_root: str) -> Callable[..., Any]:
    real_open = builtins.open
    root = os.path.realpath(allowed_root)

    def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(flag in mode for flag in "wax+") and not isinstance(file, int):
            target = os.path.realpath(os.fspath(file))
            if not (target == root or target.startswith(root + os.sep)):
                raise _SideEffectAttempt(f"open({file!r}, {mode!r})")
        return real_open(file, mode, *args, **kwargs)

    return guarded_open


@contextlib.contextmanager
def _neutralised(workdir: str) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        patch = stack.enter_context

        # Guards: reaching any of these is an oracle bug, never a rejection.
        patch(mock.patch.object(socket.socket, "connect", _guard("socket.connect")))
        patch(mock.patch.object(socket.socket, "connect_ex", _guard("socket.connect_ex")))
        patch(mock.patch.object(socket, "create_connection", _guard("socket.create_connection")))
        patch(mock.patch.object(socket, "getaddrinfo", _guard("socket.getaddrinfo")))
        patch(mock.patch.object(builtins, "open", _write_guard(workdir)))
        sqlalchemy = _optional_import("sqlalchemy")
        if sqlalchemy is not None:
            patch(mock.patch.object(sqlalchemy, "create_engine", _guard("sqlalchemy.create_engine")))
            patch(mock.patch.object(sqlalchemy.engine, "create_engine", _guard("sqlalchemy.create_engine")))

        # File system: directories are never created.
        patch(mock.patch.object(os, "makedirs", _mkdir_stub))
        patch(mock.patch.object(os, "mkdir", _mkdir_stub))
        patch(mock.patch.object(pathlib.Path, "mkdir", _path_mkdir_stub))

        # Kubernetes: no cluster credentials are loaded.
        kube_config = _optional_import("kubernetes.config")
        if kube_config is not None:
            kube_client = importlib.import_module("kubernetes.client")
            patch(mock.patch.object(kube_config, "load_incluster_config", lambda *a, **k: None))
            patch(mock.patch.object(kube_config, "load_kube_config", lambda *a, **k: None))
            patch(mock.patch.object(kube_client.Configuration, "set_default", lambda *a, **k: None))

        # AWS: real clients, dummy credentials, stubbed constructor-time calls.
        boto3 = _optional_import("boto3")
        if boto3 is not None:
            patch(mock.patch.object(boto3, "client", _with_dummy_aws_credentials(boto3.client)))
            patch(mock.patch.object(boto3, "resource", _with_dummy_aws_credentials(boto3.resource, None)))

        # GCP: every bucket exists.
        gcs = _optional_import("google.cloud.storage")
        if gcs is not None:
            patch(mock.patch.object(gcs, "Client", _GcsClientStub))

        # Azure: no blob service client, no default credential chain.
        azure_clm = _optional_import("dagster_azure.blob.compute_log_manager")
        if azure_clm is not None:
            patch(mock.patch.object(azure_clm, "create_blob_client", _AzureStub))
            patch(mock.patch.object(azure_clm, "DefaultAzureCredential", _AzureStub))
        yield


def _optional_import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@contextlib.contextmanager
def _environment(env: Mapping[str, str], home: str) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update({name: saved[name] for name in _KEPT_ENVIRONMENT if name in saved})
        os.environ["HOME"] = home
        os.environ.update(env)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _quiet_dagster_logs() -> Iterator[None]:
    logger = logging.getLogger("dagster")
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


def _first_line(error: BaseException) -> str:
    for line in str(error).splitlines():
        if line.strip():
            return line.strip()
    return type(error).__name__


def _detail(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
