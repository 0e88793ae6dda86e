"""What the shipped classes' constructors and the instance's settings accessors reject.

Dagster validates each class's `config` against `config_type()` (the schema mirrors that), fills
the Field defaults, then calls `from_config_value` -> `__init__`. Everything below passes the config
types and is still rejected at start-up. A class is identified by resolving its `module`/`class`
through the catalog (`qualname`), so every accepted spelling counts. Read from Dagster 1.13.27 and
the 0.29.27 integrations.

Run launchers
- DefaultRunLauncher, SyncInMemoryRunLauncher: nothing beyond the config type.
- K8sRunLauncher (dagster_k8s.launcher): `service_account_name` is optional in the config type but a
  required `__init__` argument -> missing-key; `null` fails `check.str_param` -> invalid-value.
  `kubeconfig_file` with `load_incluster_config: true` (its default) fails `load_kubernetes_config`'s
  invariant -> conflicting-keys. `labels` is a free mapping but `check.opt_mapping_param(..., str, str)`
  requires string keys and values -> invalid-type. Not checked: in-cluster/kubeconfig loading
  itself (depends on the machine).
- CeleryK8sRunLauncher (dagster_celery_k8s.launcher): `postgres_password_secret` optional in the config
  type, required by `__init__` -> missing-key. Its config type (the K8s launcher's plus Celery's)
  has keys `__init__` does not take (`job_image`, `env_vars`, `resources`, `scheduler_name`,
  `security_context`, `run_k8s_config`, `only_allow_user_defined_*`): TypeError -> unknown-key. Same
  `kubeconfig_file`/`load_incluster_config` and `labels` rules as K8sRunLauncher.
- DockerRunLauncher (dagster_docker): `network` with `networks` -> conflicting-keys at `network`;
  `image`, `environment` or `network` inside `container_kwargs` -> conflicting-keys. Not checked:
  the image reference grammar (only parsed when a run launches) and non-string `container_kwargs` keys
  (YAML keys are strings in practice).
- EcsRunLauncher (dagster_aws.ecs): `task_definition_prefix` longer than 16 characters ->
  invalid-value; `task_definition: {env: …}` with other keys -> conflicting-keys at `env`;
  `run_task_kwargs` with `taskDefinition`/`overrides` -> conflicting-keys, with a key boto3's
  `RunTaskRequest` does not have -> unknown-key; `propagate_tags.allow_list` naming
  `dagster/op_selection` or `dagster/solid_selection` -> invalid-value. An unset or empty
  `task_definition.env` variable: env_vars.py. Not checked: the container name in an existing
  task definition and ARN-list secrets (both need AWS).
- CeleryRunLauncher (dagster_celery), AcaRunLauncher (dagster_azure.container_apps): nothing beyond
  the config type (AcaRunLauncher needs the Azure SDK installed: the environment, not the file).

Run coordinators (`run_coordinator`, and `run_queue`, which Dagster turns into a QueuedRunCoordinator)
- QueuedRunCoordinator: `max_concurrent_runs` below -1 -> invalid-value;
  `block_op_concurrency_limited_runs.op_concurrency_slot_buffer` non-zero with `enabled: false` ->
  conflicting-keys; `dequeue_num_workers` below 1 with `dequeue_use_threads: true` (the dequeue thread
  pool rejects it) -> invalid-value.
- DefaultRunCoordinator / SyncInMemoryRunCoordinator: nothing.

Compute log managers
- S3ComputeLogManager: builds its boto3 client in `__init__`; botocore refuses an `endpoint_url`
  without a scheme or with an invalid host name ("Invalid endpoint", see urls.py) -> invalid-value.
  An `endpoint_url: {env: …}` is judged when the environment has the variable. Not checked: botocore
  also reads `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL` (and ~/.aws/config) when `endpoint_url` is absent;
  `verify_cert_path` is ignored when `verify: false` (accepted).
- LocalComputeLogManager, NoOpComputeLogManager, AzureBlobComputeLogManager: nothing beyond the config
  type (Azure prefers `secret_credential` over `access_key_or_sas_token`; accepted).
- GCSComputeLogManager: `json_credentials_envvar` naming an unset variable, or one not holding JSON:
  env_vars.py. Not checked: the bucket must exist (network).

Storages
- DagsterPostgresStorage and Postgres{Run,EventLog,Schedule}Storage (`storage.postgres` or a class
  block): `pg_url_from_config` wants exactly one of a non-empty `postgres_url` and `postgres_db` ->
  conflicting-keys at `postgres_url` when both, missing-key when neither, invalid-value for an empty
  `postgres_url` alone. All four also reject `auth_provider` with a `postgres_url`
  (`get_token_provider_from_config`) -> conflicting-keys at `postgres_url`.
- DagsterMySQLStorage and MySQL{Run,EventLog,Schedule}Storage: `mysql_url` and `mysql_db` together
  are a selector error (the schema's); an empty `mysql_url` makes Dagster read the absent `mysql_db`
  -> invalid-value.
- Both: the URL goes to `sqlalchemy.create_engine`, which parses it (`make_url`) and loads its dialect
  before connecting. A non-empty `postgres_url`/`mysql_url` SQLAlchemy cannot parse or whose
  `dialect+driver` it does not have (`postgres://`, `postgresql+psycopg3://`) -> invalid-value at it
  (`env:` URLs when the environment has them). Without a URL, the one `get_conn_string` builds from
  `postgres_db`/`mysql_db` is judged the same way, blamed on the field that breaks it (`scheme`, a
  `hostname` holding `:port`). Not checked: whether the DBAPI driver is installed (the machine).
- DagsterSqliteStorage, Sqlite*Storage, CompositeStorage, Legacy*Storage, InMemory*: nothing.
- UPathDefsStateStorage: not checked: `base_path` protocols need their fsspec package at run time.

Others
- DagsterDaemonScheduler, LocalArtifactStorage, EnvFileLoader, PerProjectEnvFileLoader: nothing.
- `instance_class: DagsterInstance`: `InstanceRef.from_dir` calls `config_schema()`, which
  DagsterInstance does not have. The catalog lists no instance class, so classes.py reports any
  Dagster-owned `instance_class` as unknown-class; nothing more here.

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
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from linter.findings import KeyPath, Target, Violation
from linter.rules import RuleContext, check
from linter.rules.classes import UNKNOWN, ClassBlock, class_blocks, lookup, resolve_block, resolve_entry, source_value
from linter.rules.urls import (
    botocore_endpoint_problem,
    mysql_conn_string,
    postgres_conn_string,
    replace_scheme,
    sqlalchemy_url_problem,
)

K8S_LAUNCHER = "dagster_k8s.launcher.K8sRunLauncher"
CELERY_K8S_LAUNCHER = "dagster_celery_k8s.launcher.CeleryK8sRunLauncher"
DOCKER_LAUNCHER = "dagster_docker.docker_run_launcher.DockerRunLauncher"
ECS_LAUNCHER = "dagster_aws.ecs.launcher.EcsRunLauncher"
CELERY_LAUNCHER = "dagster_celery.launcher.CeleryRunLauncher"
QUEUED_RUN_COORDINATOR = "dagster._core.run_coordinator.queued_run_coordinator.QueuedRunCoordinator"
S3_COMPUTE_LOG_MANAGER = "dagster_aws.s3.compute_log_manager.S3ComputeLogManager"

POSTGRES_STORAGES = {
    "dagster_postgres.storage.DagsterPostgresStorage",
    "dagster_postgres.run_storage.run_storage.PostgresRunStorage",
    "dagster_postgres.event_log.event_log.PostgresEventLogStorage",
    "dagster_postgres.schedule_storage.schedule_storage.PostgresScheduleStorage",
}
MYSQL_STORAGES = {
    "dagster_mysql.storage.DagsterMySQLStorage",
    "dagster_mysql.run_storage.run_storage.MySQLRunStorage",
    "dagster_mysql.event_log.event_log.MySQLEventLogStorage",
    "dagster_mysql.schedule_storage.schedule_storage.MySQLScheduleStorage",
}

# `supports_resume_run` is True only for these (RunLauncher's default is False).
RESUMING_LAUNCHERS = {K8S_LAUNCHER, DOCKER_LAUNCHER, ECS_LAUNCHER, CELERY_LAUNCHER}

# Config keys of CeleryK8sRunLauncher.config_type() that its __init__ does not accept.
CELERY_K8S_UNACCEPTED_KEYS = (
    "job_image",
    "env_vars",
    "resources",
    "scheduler_name",
    "security_context",
    "run_k8s_config",
    "only_allow_user_defined_k8s_config_fields",
    "only_allow_user_defined_env_vars",
)

# botocore's ECS `RunTaskRequest` members (botocore 1.44.5), which EcsRunLauncher checks run_task_kwargs against.
ECS_RUN_TASK_KEYS = (
    "capacityProviderStrategy",
    "clientToken",
    "cluster",
    "count",
    "enableECSManagedTags",
    "enableExecuteCommand",
    "group",
    "launchType",
    "networkConfiguration",
    "overrides",
    "placementConstraints",
    "placementStrategy",
    "platformVersion",
    "propagateTags",
    "referenceId",
    "startedBy",
    "tags",
    "taskDefinition",
    "volumeConfigurations",
)
ECS_TAGS_NOT_PROPAGATED = ("dagster/op_selection", "dagster/solid_selection")
ECS_MAX_TASK_DEFINITION_PREFIX = 16

PYTHON_LOG_LEVELS = ("CRITICAL", "FATAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG")


# ---------------------------------------------------------------- helpers


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _as_mapping(value: Any) -> dict | None:
    return value if isinstance(value, dict) else None


def _blocks_of(context: RuleContext, qualnames: set[str] | str) -> Iterator[tuple[ClassBlock, dict]]:
    """Class blocks that resolve to one of `qualnames`, with their config as a mapping (absent -> {})."""
    wanted = {qualnames} if isinstance(qualnames, str) else qualnames
    for block in class_blocks(context.data):
        entry = resolve_block(context, block)
        if entry is None or entry.qualname not in wanted:
            continue
        config = {} if block.config is None and not block.has_config else _as_mapping(block.config)
        if config is not None:
            yield block, config


def _yaml_word(value: Any) -> str:
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


# ---------------------------------------------------------------- run launchers


@check("missing-key", "invalid-value")
def k8s_launcher_service_account(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that K8sRunLauncher has a string `service_account_name`.

    Why it matters: the config type lets it out, but the launcher's constructor requires it, so Dagster fails to start.
    """
    for block, config in _blocks_of(context, K8S_LAUNCHER):
        if "service_account_name" not in config:
            yield Violation(
                "missing-key",
                block.owner_path,
                "K8sRunLauncher requires `service_account_name` (its constructor has no default for it)",
            )
        elif config["service_account_name"] is None:
            yield Violation(
                "invalid-value",
                (*block.config_path, "service_account_name"),
                "`service_account_name` must be a string, not `null`, for K8sRunLauncher",
                Target.VALUE,
            )


@check("missing-key")
def celery_k8s_launcher_postgres_password_secret(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that CeleryK8sRunLauncher has `postgres_password_secret`.

    Why it matters: the config type lets it out, but the launcher's constructor requires it, so Dagster fails to start.
    """
    for block, config in _blocks_of(context, CELERY_K8S_LAUNCHER):
        if "postgres_password_secret" not in config:
            yield Violation(
                "missing-key",
                block.owner_path,
                "CeleryK8sRunLauncher requires `postgres_password_secret` (its constructor has no default for it)",
            )


@check("unknown-key")
def celery_k8s_launcher_unaccepted_keys(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for K8s job keys that CeleryK8sRunLauncher's config type offers but its constructor does not take.

    Why it matters: Dagster passes every config key to the constructor, which fails with "unexpected keyword argument".
    """
    for block, config in _blocks_of(context, CELERY_K8S_LAUNCHER):
        for key in CELERY_K8S_UNACCEPTED_KEYS:
            if key in config:
                yield Violation(
                    "unknown-key",
                    (*block.config_path, key),
                    f"CeleryK8sRunLauncher does not accept `{key}`: its constructor has no such argument",
                )


@check("conflicting-keys")
def kubeconfig_file_with_incluster_config(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `kubeconfig_file` is not set while `load_incluster_config` is true (the default).

    Why it matters: the K8s launchers refuse to start: "`kubeconfig_file` is set but `load_incluster_config` is True".
    """
    for block, config in _blocks_of(context, {K8S_LAUNCHER, CELERY_K8S_LAUNCHER}):
        incluster = config.get("load_incluster_config", True)
        if config.get("kubeconfig_file") is not None and incluster is True:
            default = "" if "load_incluster_config" in config else " (its default)"
            yield Violation(
                "conflicting-keys",
                (*block.config_path, "kubeconfig_file"),
                f"`kubeconfig_file` cannot be set while `load_incluster_config` is `true`{default}:"
                " set `load_incluster_config: false` to use a kubeconfig file",
            )


@check("invalid-type")
def k8s_launcher_label_not_string(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that K8s launcher `labels` map strings to strings.

    Why it matters: the config type accepts any mapping, but the constructor rejects non-string labels, so Dagster fails to start.
    """
    for block, config in _blocks_of(context, {K8S_LAUNCHER, CELERY_K8S_LAUNCHER}):
        labels = _as_mapping(config.get("labels"))
        if labels is None:
            continue
        labels_path = (*block.config_path, "labels")
        for key, value in labels.items():
            if not isinstance(key, str):
                yield Violation(
                    "invalid-type",
                    labels_path,
                    f"label key {_yaml_word(key)} must be a string: quote it",
                )
            elif not isinstance(value, str):
                yield Violation(
                    "invalid-type",
                    (*labels_path, key),
                    f"label `{key}` must be a string, got {_yaml_word(value)}: quote it",
                    Target.VALUE,
                )


@check("conflicting-keys")
def docker_launcher_network_settings(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks DockerRunLauncher for `network` with `networks`, and for keys `container_kwargs` may not hold.

    Why it matters: `validate_docker_config` rejects both, so Dagster fails to start.
    """
    for block, config in _blocks_of(context, DOCKER_LAUNCHER):
        network = source_value(context.environ, config.get("network"))
        if network and config.get("networks"):
            yield Violation(
                "conflicting-keys",
                (*block.config_path, "network"),
                "`network` cannot be combined with `networks`: list every network under `networks`",
            )
        container_kwargs = _as_mapping(config.get("container_kwargs")) or {}
        for key, instead in (("image", "image"), ("environment", "env_vars"), ("network", "networks")):
            if key in container_kwargs:
                yield Violation(
                    "conflicting-keys",
                    (*block.config_path, "container_kwargs", key),
                    f"`{key}` cannot be set in `container_kwargs`: use the launcher's `{instead}` key",
                )


@check("invalid-value", "conflicting-keys")
def ecs_launcher_task_definition(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks EcsRunLauncher's `task_definition_prefix` length and the `task_definition: {env: …}` form.

    Why it matters: the launcher's constructor rejects a prefix over 16 characters and an `env` task definition with other keys.
    """
    for block, config in _blocks_of(context, ECS_LAUNCHER):
        prefix = source_value(context.environ, config.get("task_definition_prefix"))
        if isinstance(prefix, str) and len(prefix) > ECS_MAX_TASK_DEFINITION_PREFIX:
            yield Violation(
                "invalid-value",
                (*block.config_path, "task_definition_prefix"),
                f"`task_definition_prefix` must be at most {ECS_MAX_TASK_DEFINITION_PREFIX} characters,"
                f" got {len(prefix)}",
                Target.VALUE,
            )
        task_definition = _as_mapping(config.get("task_definition"))
        if task_definition and "env" in task_definition and len(task_definition) > 1:
            others = ", ".join(f"`{key}`" for key in task_definition if key != "env")
            yield Violation(
                "conflicting-keys",
                (*block.config_path, "task_definition", "env"),
                f"`env` must be the only key in `task_definition`, but it is combined with {others}",
            )


@check("conflicting-keys", "unknown-key")
def ecs_launcher_run_task_kwargs(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that EcsRunLauncher's `run_task_kwargs` holds only ECS RunTask arguments the launcher leaves to you.

    Why it matters: the constructor rejects `taskDefinition`, `overrides` and any key ECS's RunTask does not have.
    """
    for block, config in _blocks_of(context, ECS_LAUNCHER):
        kwargs = _as_mapping(config.get("run_task_kwargs")) or {}
        for key in kwargs:
            yield from _run_task_kwarg_violation((*block.config_path, "run_task_kwargs", key), key)


RUN_TASK_KWARGS_SET_BY_LAUNCHER = {
    "taskDefinition": "use the launcher's `task_definition` key",
    "overrides": "the launcher sets the task overrides itself",
}


def _run_task_kwarg_violation(path: KeyPath, key: Any) -> Iterator[Violation]:
    if key in RUN_TASK_KWARGS_SET_BY_LAUNCHER:
        reason = RUN_TASK_KWARGS_SET_BY_LAUNCHER[key]
        yield Violation("conflicting-keys", path, f"`{key}` cannot be set in `run_task_kwargs`: {reason}")
    elif key not in ECS_RUN_TASK_KEYS:
        suggestion = _closest(str(key), ECS_RUN_TASK_KEYS)
        hint = f": did you mean `{suggestion}`?" if suggestion else ""
        yield Violation("unknown-key", path, f"`{key}` is not an argument of ECS RunTask{hint}", Target.KEY, suggestion)


@check("invalid-value")
def ecs_launcher_propagated_tags(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `propagate_tags.allow_list` does not name the run tags EcsRunLauncher never propagates.

    Why it matters: the constructor rejects `dagster/op_selection` and `dagster/solid_selection` in the allow list.
    """
    for block, config in _blocks_of(context, ECS_LAUNCHER):
        allow_list = lookup(config, ("propagate_tags", "allow_list"))
        if not isinstance(allow_list, list):
            continue
        for index, tag in enumerate(allow_list):
            if tag in ECS_TAGS_NOT_PROPAGATED:
                yield Violation(
                    "invalid-value",
                    (*block.config_path, "propagate_tags", "allow_list", index),
                    f"`{tag}` cannot be propagated to ECS tasks: EcsRunLauncher excludes it",
                    Target.VALUE,
                )


# ---------------------------------------------------------------- run coordinators


def _queued_run_coordinator_configs(context: RuleContext) -> Iterator[tuple[KeyPath, dict]]:
    """`run_queue` and QueuedRunCoordinator blocks: (path of the config mapping, config)."""
    data = context.data
    run_queue = _as_mapping(data.get("run_queue")) if isinstance(data, dict) else None
    if run_queue is not None:
        yield ("run_queue",), run_queue
    for block, config in _blocks_of(context, QUEUED_RUN_COORDINATOR):
        yield block.config_path, config


@check("invalid-value")
def max_concurrent_runs_below_minus_one(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that the run queue's `max_concurrent_runs` is -1 (no limit) or more.

    Why it matters: QueuedRunCoordinator refuses other negative values, so Dagster fails to start.
    """
    for path, config in _queued_run_coordinator_configs(context):
        value = source_value(context.environ, config.get("max_concurrent_runs"), as_int=True)
        if _is_int(value) and value < -1:
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
        blocking = _as_mapping(config.get("block_op_concurrency_limited_runs"))
        if not blocking or blocking.get("enabled", True) is not False:
            continue
        buffer = blocking.get("op_concurrency_slot_buffer")
        if _is_int(buffer) and buffer != 0:
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
    for path, config in _queued_run_coordinator_configs(context):
        workers = source_value(context.environ, config.get("dequeue_num_workers"), as_int=True)
        if config.get("dequeue_use_threads") is True and _is_int(workers) and workers < 1:
            yield Violation(
                "invalid-value",
                (*path, "dequeue_num_workers"),
                f"`dequeue_num_workers` must be at least 1 when `dequeue_use_threads` is `true`, got {workers}",
                Target.VALUE,
            )


# ---------------------------------------------------------------- compute log managers


@check("invalid-value")
def s3_endpoint_url(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that S3ComputeLogManager's `endpoint_url` is a URL botocore accepts (a scheme and a valid host).

    Why it matters: the manager builds its S3 client when Dagster starts, and botocore refuses it with "Invalid endpoint".
    """
    for block, config in _blocks_of(context, S3_COMPUTE_LOG_MANAGER):
        written = config.get("endpoint_url")
        url = source_value(context.environ, written)
        if not isinstance(url, str):
            continue  # absent, an unset `env:` (env_vars.py), or a wrong type (the schema's)
        problem = "it is empty" if url == "" else botocore_endpoint_problem(url)
        if problem is None:
            continue
        suggestion = None
        if written is url and url and "//" not in url:
            scheme = "http" if config.get("use_ssl") is False else "https"
            candidate = f"{scheme}://{url.strip()}"
            suggestion = candidate if botocore_endpoint_problem(candidate) is None else None
        shown = f"`{url}`" if written is url else f"the value of `{written['env']}`"
        hint = f": did you mean `{suggestion}`?" if suggestion else ""
        yield Violation(
            "invalid-value",
            (*block.config_path, "endpoint_url"),
            f"`endpoint_url` {shown} is not an endpoint botocore accepts: {problem}{hint}",
            Target.VALUE,
            suggestion,
        )


# ---------------------------------------------------------------- storages


def _postgres_configs(context: RuleContext) -> Iterator[tuple[KeyPath, dict]]:
    """(path of the postgres config, config) for `storage.postgres` and every Postgres storage class block."""
    storage_postgres = lookup(context.data, ("storage", "postgres"))
    if isinstance(storage_postgres, dict):
        yield ("storage", "postgres"), storage_postgres
    for block, config in _blocks_of(context, POSTGRES_STORAGES):
        yield block.owner_path, config


@check("conflicting-keys", "missing-key", "invalid-value")
def postgres_connection(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that Postgres storage config has exactly one of a non-empty `postgres_url` and `postgres_db`.

    Why it matters: `pg_url_from_config` refuses both, neither, and an empty URL, so Dagster fails to start.
    """
    for owner, config in _postgres_configs(context):
        url = source_value(context.environ, config.get("postgres_url"))
        if not _is_source_string(url, "postgres_url" in config) or config.get("postgres_db", {}) is None:
            continue  # `null` or a wrong type: the schema reports it
        if url and "postgres_db" in config:
            yield Violation(
                "conflicting-keys",
                (*owner, "postgres_url"),
                "`postgres_url` cannot be combined with `postgres_db`: Dagster requires exactly one of them",
            )
        elif not url and "postgres_db" not in config:
            if "postgres_url" in config:
                yield Violation(
                    "invalid-value",
                    (*owner, "postgres_url"),
                    "`postgres_url` is empty and there is no `postgres_db`: Dagster needs a connection",
                    Target.VALUE,
                )
            else:
                yield Violation("missing-key", owner, "Postgres storage needs `postgres_url` or `postgres_db`")


def _is_source_string(value: Any, present: bool) -> bool:
    """A StringSource value we can judge: a string, an unresolved `env:` reference, or absent."""
    return isinstance(value, str) or value is UNKNOWN or (value is None and not present)


@check("conflicting-keys")
def postgres_auth_provider_with_url(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `auth_provider` is not used with `postgres_url`.

    Why it matters: the Postgres storages inject tokens per connection from `postgres_db` and refuse a URL.
    """
    for owner, config in _postgres_configs(context):
        url = source_value(context.environ, config.get("postgres_url"))
        if config.get("auth_provider") is not None and url:
            yield Violation(
                "conflicting-keys",
                (*owner, "postgres_url"),
                "`postgres_url` cannot be combined with `auth_provider`: use `postgres_db` so tokens can be injected",
            )


@check("invalid-value")
def mysql_url_empty(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `mysql_url` is not an empty string.

    Why it matters: Dagster then reads `mysql_db` instead, which is absent, and fails to start.
    """
    candidates: list[tuple[KeyPath, Any]] = [(("storage", "mysql"), lookup(context.data, ("storage", "mysql")))]
    candidates += [(block.owner_path, config) for block, config in _blocks_of(context, MYSQL_STORAGES)]
    for owner, config in candidates:
        if not isinstance(config, dict) or "mysql_db" in config:
            continue
        if source_value(context.environ, config.get("mysql_url")) == "":
            yield Violation(
                "invalid-value",
                (*owner, "mysql_url"),
                "`mysql_url` is empty: Dagster needs a connection URL",
                Target.VALUE,
            )


# Fields of `postgres_db` / `mysql_db` that go into the URL unquoted, with a value that cannot break it.
_POSTGRES_DB_SAFE = {"scheme": "postgresql", "hostname": "localhost", "username": "user", "db_name": "db"}
_MYSQL_DB_SAFE = {"hostname": "localhost", "username": "user", "db_name": "db"}


def _mysql_configs(context: RuleContext) -> Iterator[tuple[KeyPath, dict]]:
    storage_mysql = lookup(context.data, ("storage", "mysql"))
    if isinstance(storage_mysql, dict):
        yield ("storage", "mysql"), storage_mysql
    for block, config in _blocks_of(context, MYSQL_STORAGES):
        yield block.owner_path, config


def _resolved_fields(context: RuleContext, db: Any, defaults: dict[str, Any]) -> dict[str, Any] | None:
    """`postgres_db`/`mysql_db` as Dagster passes it to `get_conn_string` (defaults filled, `env:` read); None if unknown."""
    if not isinstance(db, dict):
        return None
    fields = dict(defaults)
    for key, value in db.items():
        if key == "params":
            fields[key] = value
            continue
        resolved = source_value(context.environ, value, as_int=key == "port")
        wanted_type = int if key == "port" else str
        if not isinstance(resolved, wanted_type) or isinstance(resolved, bool):
            return None  # an unset `env:` (env_vars.py) or a wrong type (the schema's)
        fields[key] = resolved
    return fields


def _url_problem(build: Any, fields: dict[str, Any]) -> str | None:
    try:
        url = build(**fields)
    except TypeError:  # a missing required field or an unknown one: the schema reports it
        return None
    found = sqlalchemy_url_problem(url)
    return found[0] if found else None


def _db_url_violation(owner: KeyPath, db_key: str, build: Any, fields: dict, safe: dict) -> Iterator[Violation]:
    problem = _url_problem(build, fields)
    if problem is None:
        return
    for key, harmless in safe.items():
        if key in fields and fields[key] != harmless and _url_problem(build, {**fields, key: harmless}) is None:
            path: KeyPath = (*owner, db_key, key)
            if key == "scheme":
                found = sqlalchemy_url_problem(f"{fields[key]}://localhost/db")
                suggestion = found[1] if found else None
                hint = f": did you mean `{suggestion}`?" if suggestion else ""
                message = f"`scheme` `{fields[key]}` is not a scheme SQLAlchemy knows{hint}"
                yield Violation("invalid-value", path, message, Target.VALUE, suggestion)
                return
            advice = ": give the port in `port`" if key == "hostname" and ":" in str(fields[key]) else ""
            message = f"`{key}` breaks the connection URL Dagster builds from `{db_key}` ({problem}){advice}"
            yield Violation("invalid-value", path, message, Target.VALUE)
            return
    yield Violation(
        "invalid-value",
        (*owner, db_key),
        f"the connection URL Dagster builds from `{db_key}` is not one SQLAlchemy accepts: {problem}",
        Target.VALUE,
    )


def _url_violation(path: KeyPath, written: Any, url: str) -> Iterator[Violation]:
    found = sqlalchemy_url_problem(url)
    if found is None:
        return
    problem, scheme = found
    literal = written is url
    suggestion = replace_scheme(url, scheme) if scheme and literal else None
    shown = "" if literal else f" (the value of `{written['env']}`)"
    yield Violation(
        "invalid-value",
        path,
        f"`{path[-1]}`{shown} is not a URL SQLAlchemy accepts: {problem}",
        Target.VALUE,
        suggestion,
    )


@check("invalid-value")
def postgres_url_dialect(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that the Postgres connection URL parses and names a dialect SQLAlchemy has (`postgresql://`, not `postgres://`).

    Why it matters: the storage creates its SQLAlchemy engine when Dagster starts, and SQLAlchemy refuses such a URL.
    """
    for owner, config in _postgres_configs(context):
        written = config.get("postgres_url")
        url = source_value(context.environ, written)
        if url is UNKNOWN:
            continue
        if isinstance(url, str) and url:
            yield from _url_violation((*owner, "postgres_url"), written, url)
        elif url in ("", None) and "postgres_db" in config:
            defaults = {"password": "", "port": 5432, "params": {}, "scheme": "postgresql"}
            fields = _resolved_fields(context, config["postgres_db"], defaults)
            if fields is not None:
                yield from _db_url_violation(owner, "postgres_db", postgres_conn_string, fields, _POSTGRES_DB_SAFE)


@check("invalid-value")
def mysql_url_dialect(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that the MySQL connection URL parses and names a dialect and driver SQLAlchemy has.

    Why it matters: the storage creates its SQLAlchemy engine when Dagster starts, and SQLAlchemy refuses such a URL.
    """
    for owner, config in _mysql_configs(context):
        written = config.get("mysql_url")
        url = source_value(context.environ, written)
        if url is UNKNOWN:
            continue
        if isinstance(url, str) and url:
            yield from _url_violation((*owner, "mysql_url"), written, url)
        elif url in ("", None) and "mysql_db" in config:
            fields = _resolved_fields(context, config["mysql_db"], {"port": 3306})
            if fields is not None:
                yield from _db_url_violation(owner, "mysql_db", mysql_conn_string, fields, _MYSQL_DB_SAFE)


# ---------------------------------------------------------------- instance class and settings


def _closest(word: str, candidates: tuple[str, ...] | list[str]) -> str | None:
    matches = difflib.get_close_matches(word, candidates, n=1)
    return matches[0] if matches else None


@check("invalid-value")
def unknown_python_log_level(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `python_logs.python_log_level` is a level Python's logging knows.

    Why it matters: Dagster's log manager rejects any other level when it sets up logging for a run.
    """
    level = lookup(context.data, ("python_logs", "python_log_level"))
    if not isinstance(level, str) or level.upper() in PYTHON_LOG_LEVELS:
        return
    suggestion = _closest(level.upper(), PYTHON_LOG_LEVELS)
    hint = f": did you mean `{suggestion}`?" if suggestion else ""
    yield Violation(
        "invalid-value",
        ("python_logs", "python_log_level"),
        f"`{level}` is not a Python log level{hint} (expected one of {', '.join(PYTHON_LOG_LEVELS)})",
        Target.VALUE,
        suggestion,
    )


def _effective_launcher(context: RuleContext) -> str | None:
    """The run launcher's qualname, the default when unset; None when it cannot be told."""
    data = context.data
    if "instance_class" in data:
        return None  # a custom instance class brings its own defaults
    launcher = data.get("run_launcher")
    if not launcher:
        return "dagster._core.launcher.default_run_launcher.DefaultRunLauncher"
    module, class_name = lookup(launcher, ("module",)), lookup(launcher, ("class",))
    if not isinstance(module, str) or not isinstance(class_name, str):
        return None
    entry = resolve_entry(context.catalog, "run_launcher", module, class_name)
    return entry.qualname if entry is not None else None


@check("conflicting-keys")
def resume_attempts_without_resumable_launcher(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `run_monitoring.max_resume_run_attempts` is 0 unless the run launcher can resume runs.

    Why it matters: with run monitoring enabled, `DagsterInstance` refuses to start with resume attempts on such a launcher.
    """
    if not isinstance(context.data, dict):
        return
    monitoring = _as_mapping(context.data.get("run_monitoring"))
    if monitoring is None or monitoring.get("enabled") is not True:
        return
    attempts = monitoring.get("max_resume_run_attempts", 0)
    if not _is_int(attempts) or attempts == 0:
        return
    launcher = _effective_launcher(context)
    if launcher is None or launcher in RESUMING_LAUNCHERS:
        return
    name = launcher.rsplit(".", 1)[-1]
    default = "" if context.data.get("run_launcher") else " (the default run launcher)"
    yield Violation(
        "conflicting-keys",
        ("run_monitoring", "max_resume_run_attempts"),
        f"`max_resume_run_attempts` must be 0 with {name}{default}: it cannot resume runs",
        Target.KEY,
        None,
    )


def _pool_violation(path: KeyPath, value: Any, minimum: int, condition: str) -> Iterator[Violation]:
    if _is_int(value) and value < minimum:
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
    data = context.data if isinstance(context.data, dict) else {}
    for section in ("sensors", "schedules", "auto_materialize", "backfills"):
        settings = _as_mapping(data.get(section))
        if settings is None or settings.get("use_threads") is not True:
            continue
        # backfills skips a pool of 0 workers; the others hand 0 to the pool, which rejects it
        minimum = 0 if section == "backfills" else 1
        condition = "when `use_threads` is `true`"
        yield from _pool_violation((section, "num_workers"), settings.get("num_workers"), minimum, condition)
        if section != "auto_materialize":
            yield from _pool_violation((section, "num_submit_workers"), settings.get("num_submit_workers"), 0, condition)
