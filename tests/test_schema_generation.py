"""The generated schema and class catalog, checked against Dagster itself.

The differential cases compare `jsonschema` on the bundled schema with what Dagster does when it
loads an instance: `validate_config(dagster_instance_config_schema(), value)`, then, for every
class slot that names a class Dagster can load, `process_config(klass.config_type(), config or {})`
as `ConfigurableClassData.rehydrate` does. Each case also states the expected verdict, written from
Dagster's source, so that a bug shared by both sides still fails.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "dagster", reason="Dagster is not installed: install the `test` extra to check the schema"
)
jsonschema = pytest.importorskip("jsonschema")

from dagster import Enum, EnumValue, Field, Map, Noneable, Selector, Shape  # noqa: E402
from dagster._config import process_config, resolve_to_config_type, validate_config  # noqa: E402
from dagster._core.instance.config import dagster_instance_config_schema  # noqa: E402
from dagster._serdes import ConfigurableClassData  # noqa: E402

from linter.model import store as linter_store  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATOR = REPO_ROOT / "scripts" / "generate_schema.py"
NEWEST = linter_store.supported_versions()[-1]  # the version the test environment's Dagster is
SCHEMA = json.loads((REPO_ROOT / "schema" / NEWEST / linter_store.SCHEMA_FILENAME).read_text("utf-8"))
CATALOG = json.loads((REPO_ROOT / "schema" / NEWEST / linter_store.CATALOG_FILENAME).read_text("utf-8"))


@functools.cache
def load_generator():
    spec = importlib.util.spec_from_file_location("generate_schema", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def import_object(qualified_name: str) -> Any:
    module_name, _, attribute = qualified_name.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def importable(module_name: str) -> bool:
    try:
        importlib.import_module(module_name)
    except ImportError:
        return False
    return True


# AcaRunLauncher ships in dagster-azure behind its `container-apps` extra.
needs_container_apps = pytest.mark.skipif(
    not importable("dagster_azure.container_apps"),
    reason="dagster-azure[container-apps] is not installed: AcaRunLauncher cannot be imported",
)


def strict_integer(checker, instance) -> bool:
    """Dagster's Int: a Python int that is not a bool (1.0 is rejected)."""
    return isinstance(instance, int) and not isinstance(instance, bool)


StrictValidator = jsonschema.validators.extend(
    jsonschema.Draft7Validator,
    type_checker=jsonschema.Draft7Validator.TYPE_CHECKER.redefine("integer", strict_integer),
)


# ------------------------------------------------------------------------------------------
# The files
# ------------------------------------------------------------------------------------------


@needs_container_apps
def test_checked_in_files_match_a_fresh_generation():
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def test_schema_is_valid_draft_07():
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_schema_uses_no_keyword_newer_than_draft_07():
    newer = {
        "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor",
        "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems",
        "prefixItems", "minContains", "maxContains", "$vocabulary",
    }  # fmt: skip

    def keywords(node: Any):
        if isinstance(node, dict):
            for key, value in node.items():
                yield key
                if key not in ("properties", "definitions", "default", "enum", "const"):
                    yield from keywords(value)
                elif key in ("properties", "definitions"):
                    for sub in value.values():
                        yield from keywords(sub)
        elif isinstance(node, list):
            for item in node:
                yield from keywords(item)

    assert newer.isdisjoint(keywords(SCHEMA))


def test_file_names_and_versions():
    generator = load_generator()
    assert generator.SCHEMA_FILENAME == linter_store.SCHEMA_FILENAME
    assert generator.CATALOG_FILENAME == linter_store.CATALOG_FILENAME
    assert SCHEMA["x-dagster-version"] == CATALOG["dagster_version"] == "1.13.27"
    assert CATALOG["integrations_version"] == "0.29.27"


def agent_instance_class():
    from dagster_cloud.instance import DagsterCloudAgentInstance

    return DagsterCloudAgentInstance


def test_top_level_keys_are_dagsters_and_the_dagster_plus_agents():
    agent_keys = set(agent_instance_class().config_schema())
    assert set(SCHEMA["properties"]) == set(dagster_instance_config_schema()) | agent_keys
    assert len(SCHEMA["properties"]) == 26 + 7
    assert SCHEMA["additionalProperties"] is False
    assert all(prop.get("description") for prop in SCHEMA["properties"].values())


# ------------------------------------------------------------------------------------------
# The catalog
# ------------------------------------------------------------------------------------------

SLOTS = {
    "run_launcher", "run_coordinator", "compute_logs", "scheduler", "local_artifact_storage",
    "storage", "run_storage", "event_log_storage", "schedule_storage", "secrets",
    "defs_state_storage", "instance_class", "user_code_launcher",
}  # fmt: skip

# (slot, class, module): spellings from Dagster's deployment docs and its source
# (InstanceRef.config_defaults in dagster/_core/instance/ref.py, package __init__ exports).
EXPECTED_MODULES = [
    ("run_launcher", "K8sRunLauncher", "dagster_k8s"),
    ("run_launcher", "K8sRunLauncher", "dagster_k8s.launcher"),
    ("run_launcher", "DefaultRunLauncher", "dagster"),
    ("run_launcher", "DefaultRunLauncher", "dagster._core.launcher"),
    ("run_launcher", "DefaultRunLauncher", "dagster.core.launcher"),
    ("run_launcher", "DockerRunLauncher", "dagster_docker"),
    ("run_launcher", "EcsRunLauncher", "dagster_aws.ecs"),
    ("run_launcher", "CeleryK8sRunLauncher", "dagster_celery_k8s"),
    ("run_coordinator", "QueuedRunCoordinator", "dagster.core.run_coordinator"),
    ("run_coordinator", "QueuedRunCoordinator", "dagster._core.run_coordinator"),
    # An alias: `DefaultRunCoordinator = SyncInMemoryRunCoordinator`, still in Dagster's docs.
    ("run_coordinator", "DefaultRunCoordinator", "dagster.core.run_coordinator"),
    ("compute_logs", "S3ComputeLogManager", "dagster_aws.s3.compute_log_manager"),
    ("compute_logs", "LocalComputeLogManager", "dagster.core.storage.local_compute_log_manager"),
    ("compute_logs", "NoOpComputeLogManager", "dagster.core.storage.noop_compute_log_manager"),
    ("compute_logs", "AzureBlobComputeLogManager", "dagster_azure.blob.compute_log_manager"),
    ("compute_logs", "GCSComputeLogManager", "dagster_gcp.gcs.compute_log_manager"),
    ("scheduler", "DagsterDaemonScheduler", "dagster.core.scheduler"),
    ("local_artifact_storage", "LocalArtifactStorage", "dagster.core.storage.root"),
    ("storage", "DagsterPostgresStorage", "dagster_postgres"),
    ("storage", "DagsterMySQLStorage", "dagster_mysql"),
    ("storage", "DagsterSqliteStorage", "dagster._core.storage.sqlite_storage"),
    ("run_storage", "PostgresRunStorage", "dagster_postgres.run_storage"),
    ("run_storage", "SqliteRunStorage", "dagster.core.storage.runs"),
    ("run_storage", "MySQLRunStorage", "dagster_mysql.run_storage"),
    ("event_log_storage", "PostgresEventLogStorage", "dagster_postgres.event_log"),
    ("event_log_storage", "SqliteEventLogStorage", "dagster.core.storage.event_log"),
    ("event_log_storage", "ConsolidatedSqliteEventLogStorage", "dagster.core.storage.event_log"),
    ("schedule_storage", "PostgresScheduleStorage", "dagster_postgres.schedule_storage"),
    ("schedule_storage", "SqliteScheduleStorage", "dagster.core.storage.schedules"),
    ("secrets", "EnvFileLoader", "dagster.core.secrets.env_file"),
    ("secrets", "PerProjectEnvFileLoader", "dagster._core.secrets.env_file"),
    ("defs_state_storage", "UPathDefsStateStorage", "dagster"),
]

# Names Dagster would not load: the class is not exported there, or belongs to another slot.
UNEXPECTED_MODULES = [
    ("run_launcher", "K8sRunLauncher", "dagster"),
    ("run_launcher", "DefaultRunLauncher", "dagster_k8s"),
    ("run_launcher", "DefaultRunLauncher", "dagster.core.launcher.base"),
    ("compute_logs", "K8sRunLauncher", "dagster_k8s"),
]


def catalog_entries(slot: str, class_name: str) -> list[dict[str, Any]]:
    return [e for e in CATALOG["slots"][slot]["classes"] if e["class"] == class_name]


def test_catalog_has_every_slot_with_its_base_class():
    assert set(CATALOG["slots"]) == SLOTS
    for slot, body in CATALOG["slots"].items():
        assert inspect.isclass(import_object(body["base_class"])), slot


def test_the_only_shipped_instance_class_is_the_dagster_plus_agents():
    # InstanceRef.from_dir needs config_schema()/config_defaults(), which nothing Dagster and its
    # integrations ship defines; dagster-cloud's agent instance does. Its `config` is never read.
    [entry] = CATALOG["slots"]["instance_class"]["classes"]
    assert entry["qualname"] == "dagster_cloud.instance.DagsterCloudAgentInstance"
    assert entry["config_definition"] is None
    for module in entry["modules"]:  # class_from_code_pointer: import as written, getattr
        assert getattr(importlib.import_module(module), entry["class"]) is agent_instance_class()


@pytest.mark.parametrize(("slot", "class_name", "module"), EXPECTED_MODULES)
def test_catalog_lists_documented_module(slot, class_name, module):
    assert any(module in entry["modules"] for entry in catalog_entries(slot, class_name))


@pytest.mark.parametrize(("slot", "class_name", "module"), UNEXPECTED_MODULES)
def test_catalog_omits_module_dagster_would_not_load(slot, class_name, module):
    assert all(module not in entry["modules"] for entry in catalog_entries(slot, class_name))


def test_catalog_entry_fields():
    (k8s,) = catalog_entries("run_launcher", "K8sRunLauncher")
    assert k8s["qualname"] == "dagster_k8s.launcher.K8sRunLauncher"
    assert k8s["package"] == "dagster-k8s"
    assert k8s["config_definition"] == "config:dagster_k8s.launcher.K8sRunLauncher"
    for slot, body in CATALOG["slots"].items():
        for entry in body["classes"]:
            if slot != "instance_class":
                assert entry["config_definition"] in SCHEMA["definitions"]
            assert entry["modules"] == sorted(set(entry["modules"]))


def test_catalog_loads_with_the_linter():
    loaded = linter_store.load_model(NEWEST).catalog
    assert set(loaded.slots()) == SLOTS
    entry = loaded.find("run_launcher", "dagster_k8s", "K8sRunLauncher")
    assert entry is not None and entry.package == "dagster-k8s"


def every_catalog_module() -> list[Any]:
    return [
        pytest.param(
            body["base_class"],
            entry,
            module,
            id=f"{slot}:{module}:{entry['class']}",
            marks=[needs_container_apps] if entry["package"] == "dagster-azure" else [],
        )
        for slot, body in CATALOG["slots"].items()
        for entry in body["classes"]
        for module in entry["modules"]
    ]


@pytest.mark.parametrize(("base_class", "entry", "module"), every_catalog_module())
def test_dagster_loader_finds_catalog_class(base_class, entry, module):
    """What ConfigurableClassData.rehydrate does before it constructs anything."""
    data = ConfigurableClassData(module, entry["class"], "{}\n")  # converts dagster.core.* names
    klass = getattr(importlib.import_module(data.module_name), data.class_name)
    assert issubclass(klass, import_object(base_class))
    assert f"{klass.__module__}.{klass.__name__}" == entry["qualname"]


# ------------------------------------------------------------------------------------------
# Differential: jsonschema vs. Dagster
# ------------------------------------------------------------------------------------------

ENV = {
    "DAGSTER_BASE_DIR": "/var/dagster",
    "DAGSTER_PG_PASSWORD": "secret",
    "DAGSTER_PG_PORT": "5432",
    "DAGSTER_MAX_RUNS": "10",
    "DAGSTER_AM_ENABLED": "true",
    "DAGSTER_AM_INTERVAL": "30",
    "DAGSTER_K8S_NAMESPACE": "dagster",
    "DAGSTER_DOCKER_NETWORK": "dagster_net",
    "DAGSTER_S3_BUCKET": "logs-bucket",
    "DAGSTER_TASK_DEF": "arn:aws:ecs:us-east-1:1:task-definition/run:1",
}

# (instance key path, base class) of every `{module, class, config}` value.
CLASS_SLOTS = {
    ("run_launcher",): "dagster._core.launcher.base.RunLauncher",
    ("run_coordinator",): "dagster._core.run_coordinator.base.RunCoordinator",
    ("compute_logs",): "dagster._core.storage.compute_log_manager.ComputeLogManager",
    ("scheduler",): "dagster._core.scheduler.scheduler.Scheduler",
    ("local_artifact_storage",): "dagster._core.storage.root.LocalArtifactStorage",
    ("storage", "custom"): "dagster._core.storage.base_storage.DagsterStorage",
    ("run_storage",): "dagster._core.storage.runs.base.RunStorage",
    ("event_log_storage",): "dagster._core.storage.event_log.base.EventLogStorage",
    ("schedule_storage",): "dagster._core.storage.schedules.base.ScheduleStorage",
    ("secrets", "custom"): "dagster._core.secrets.loader.SecretsLoader",
    ("defs_state_storage",): "dagster._core.storage.defs_state.base.DefsStateStorage",
}

PG_DB = {"username": "u", "hostname": "db", "db_name": "dagster"}
MYSQL_DB = {"username": "u", "password": "p", "hostname": "db", "db_name": "dagster"}
S3_MODULE = "dagster_aws.s3.compute_log_manager"
LOCAL_LOGS_MODULE = "dagster.core.storage.local_compute_log_manager"
ENV_FILE_MODULE = "dagster._core.secrets.env_file"


def slot(module: str, class_name: str, config: Any = ..., **extra: Any) -> dict[str, Any]:
    value = {"module": module, "class": class_name, **extra}
    if config is not ...:
        value["config"] = config
    return value


def launcher(module: str, class_name: str, config: Any = ..., **extra: Any) -> dict[str, Any]:
    return {"run_launcher": slot(module, class_name, config, **extra)}


def k8s(**config: Any) -> dict[str, Any]:
    return launcher("dagster_k8s", "K8sRunLauncher", config)


def k8s_fields(**config: Any) -> dict[str, Any]:
    return k8s(instance_config_map="dagster-instance", **config)


def k8s_allow_fields(allowed: Any) -> dict[str, Any]:
    return k8s_fields(only_allow_user_defined_k8s_config_fields=allowed)


def docker(**config: Any) -> dict[str, Any]:
    return launcher("dagster_docker", "DockerRunLauncher", config)


def celery_k8s(**config: Any) -> dict[str, Any]:
    config = {"instance_config_map": "dagster-instance", **config}
    return launcher("dagster_celery_k8s", "CeleryK8sRunLauncher", config)


def ecs(**config: Any) -> dict[str, Any]:
    return launcher("dagster_aws.ecs", "EcsRunLauncher", config)


def s3(config: Any = ...) -> dict[str, Any]:
    return {"compute_logs": slot(S3_MODULE, "S3ComputeLogManager", config)}


def local_logs(**config: Any) -> dict[str, Any]:
    config = {"base_dir": "/logs", **config}
    return {"compute_logs": slot(LOCAL_LOGS_MODULE, "LocalComputeLogManager", config)}


def coordinator(class_name: str, config: Any = ...) -> dict[str, Any]:
    return {"run_coordinator": slot("dagster.core.run_coordinator", class_name, config)}


def queued(**config: Any) -> dict[str, Any]:
    return coordinator("QueuedRunCoordinator", config)


def mysql_run_storage(config: Any = ...) -> dict[str, Any]:
    return {"run_storage": slot("dagster_mysql", "MySQLRunStorage", config)}


def secrets(module: str, class_name: str, config: Any = ...) -> dict[str, Any]:
    return {"secrets": {"custom": slot(module, class_name, config)}}


def custom_storage(config: Any) -> dict[str, Any]:
    return {"storage": {"custom": slot("dagster_postgres", "DagsterPostgresStorage", config)}}


def pg(**postgres: Any) -> dict[str, Any]:
    return {"storage": {"postgres": postgres}}


def pg_db(**fields: Any) -> dict[str, Any]:
    return pg(postgres_db={**PG_DB, **fields})


def pg_auth(auth_provider: Any) -> dict[str, Any]:
    return pg(postgres_url="postgresql://db", auth_provider=auth_provider)


def tag_limits(limits: Any) -> dict[str, Any]:
    return {"run_queue": {"tag_concurrency_limits": limits}}


def purge_after(tick_type: str, days: Any) -> dict[str, Any]:
    return {"retention": {tick_type: {"purge_after_days": days}}}


def handler_config(**config: Any) -> dict[str, Any]:
    return {"python_logs": {"dagster_handler_config": config}}


def env(name: str) -> dict[str, str]:
    return {"env": name}


CASES: list[tuple[str, dict[str, Any], bool]] = [
    # top level, plain shapes and scalars
    ("empty-document", {}, True),
    ("unknown-top-level-key", {"run_launchers": {}}, False),
    ("telemetry-bool", {"telemetry": {"enabled": False}}, True),
    ("telemetry-string-for-bool", {"telemetry": {"enabled": "yes"}}, False),
    ("telemetry-null", {"telemetry": None}, False),
    ("telemetry-empty", {"telemetry": {}}, True),
    ("freshness-missing-required", {"freshness": {}}, False),
    ("freshness-ok", {"freshness": {"enabled": True}}, True),
    ("int-given-whole-float", {"run_monitoring": {"poll_interval_seconds": 1.0}}, False),
    ("int-given-bool", {"run_monitoring": {"max_runtime_seconds": True}}, False),
    ("run-monitoring-ok", {"run_monitoring": {"enabled": True, "start_timeout_seconds": 9}}, True),
    ("run-retries-ok", {"run_retries": {"enabled": True, "max_retries": 3}}, True),
    ("code-servers-unknown-key", {"code_servers": {"startup_timeout": 60}}, False),
    # storage: a selector
    ("storage-no-key", {"storage": {}}, False),
    ("storage-null", {"storage": None}, False),
    ("storage-two-keys", {"storage": {"sqlite": {"base_dir": "/d"}, "postgres": {}}}, False),
    ("storage-postgres-null-means-empty", {"storage": {"postgres": None}}, True),
    ("storage-sqlite-null-misses-base-dir", {"storage": {"sqlite": None}}, False),
    ("storage-sqlite-env", {"storage": {"sqlite": {"base_dir": env("DAGSTER_BASE_DIR")}}}, True),
    ("storage-sqlite-int", {"storage": {"sqlite": {"base_dir": 5}}}, False),
    (
        "storage-postgres-env-sources",
        pg_db(password=env("DAGSTER_PG_PASSWORD"), port=env("DAGSTER_PG_PORT")),
        True,
    ),
    ("intsource-string", pg_db(port="5432"), False),
    ("intsource-whole-float", pg_db(port=5432.0), False),
    ("postgres-db-missing-hostname", pg(postgres_db={"username": "u", "db_name": "d"}), False),
    ("env-with-extra-key", pg_db(password={"env": "X", "default": "y"}), False),
    ("env-name-not-string", pg_db(password={"env": 5}), False),
    ("env-empty-mapping", pg_db(password={}), False),
    ("storage-mysql-null", {"storage": {"mysql": None}}, False),
    ("storage-mysql-url", {"storage": {"mysql": {"mysql_url": "mysql://u@db/d"}}}, True),
    ("storage-mysql-both", {"storage": {"mysql": {"mysql_url": "x", "mysql_db": MYSQL_DB}}}, False),
    ("auth-provider-no-key", pg_auth({}), False),
    ("auth-provider-gcp-null", pg_auth({"gcp_wif": None}), True),
    ("auth-provider-aws-null", pg_auth({"aws_wif": None}), False),
    ("storage-custom-postgres", custom_storage({"postgres_url": "x"}), True),
    ("storage-custom-postgres-wrong-type", custom_storage({"postgres_url": 5}), False),
    ("storage-custom-null", {"storage": {"custom": None}}, False),
    # secrets: a selector with one required choice
    ("secrets-no-key", {"secrets": {}}, False),
    ("secrets-env-file", secrets("dagster.core.secrets.env_file", "EnvFileLoader", {}), True),
    ("secrets-config-missing", secrets(ENV_FILE_MODULE, "PerProjectEnvFileLoader"), False),
    (
        "map-of-strings",
        secrets(ENV_FILE_MODULE, "PerProjectEnvFileLoader", {"location_paths": {"loc": "/p"}}),
        True,
    ),
    (
        "map-value-wrong-type",
        secrets(ENV_FILE_MODULE, "PerProjectEnvFileLoader", {"location_paths": {"loc": 1}}),
        False,
    ),
    # run_queue: QueuedRunCoordinator's config type
    ("run-queue-env", {"run_queue": {"max_concurrent_runs": env("DAGSTER_MAX_RUNS")}}, True),
    ("run-queue-string-int", {"run_queue": {"max_concurrent_runs": "10"}}, False),
    ("run-queue-null", {"run_queue": None}, False),
    ("noneable-array-null", tag_limits(None), True),
    (
        "tag-limits-scalar-union",
        tag_limits([
            {"key": "team", "limit": 2},
            {"key": "db", "value": "pg", "limit": 1},
            {"key": "user", "value": {"applyLimitPerUniqueValue": True}, "limit": 1},
        ]),
        True,
    ),
    ("scalar-union-list", tag_limits([{"key": "k", "value": ["x"], "limit": 1}]), False),
    ("scalar-union-null", tag_limits([{"key": "k", "value": None, "limit": 1}]), False),
    ("array-item-missing-field", tag_limits([{"key": "k"}]), False),
    ("array-null-item", tag_limits([None]), False),
    ("array-given-mapping", tag_limits({"key": "k", "limit": 1}), False),
    ("run-queue-block-op", {"run_queue": {"block_op_concurrency_limited_runs": {}}}, True),
    # retention: ScalarUnion(Int, Shape)
    ("retention-days", purge_after("schedule", 90), True),
    ("retention-per-status", purge_after("sensor", {"skipped": 7, "failure": 30}), True),
    ("retention-null", purge_after("schedule", None), False),
    ("retention-string", purge_after("schedule", "7"), False),
    ("retention-list", purge_after("schedule", [7]), False),
    ("retention-unknown-status", purge_after("schedule", {"skip": 7}), False),
    ("retention-missing-days", {"retention": {"schedule": {}}}, False),
    # python_logs: arrays and permissive dicts
    ("python-logs-ok", {"python_logs": {"managed_python_loggers": ["app"]}}, True),
    ("array-given-string", {"python_logs": {"managed_python_loggers": "app"}}, False),
    ("array-item-wrong-type", {"python_logs": {"managed_python_loggers": [1]}}, False),
    ("permissive-ok", handler_config(handlers={"console": {"class": "StreamHandler"}}), True),
    ("permissive-null", handler_config(handlers=None), False),
    ("permissive-list", handler_config(handlers=[]), False),
    # auto_materialize and concurrency: Source types next to plain ones
    (
        "boolsource-and-intsource-env",
        {"auto_materialize": {
            "enabled": env("DAGSTER_AM_ENABLED"),
            "minimum_interval_seconds": env("DAGSTER_AM_INTERVAL"),
        }},
        True,
    ),
    ("env-on-plain-bool", {"auto_materialize": {"use_threads": env("DAGSTER_AM_ENABLED")}}, False),
    ("env-on-plain-int", {"auto_materialize": {"num_workers": env("DAGSTER_MAX_RUNS")}}, False),
    ("run-tags-map", {"auto_materialize": {"run_tags": {"team": "data"}}}, True),
    ("run-tags-list", {"auto_materialize": {"run_tags": ["team"]}}, False),
    ("concurrency-ok", {"concurrency": {"pools": {"default_limit": 1, "granularity": "op"}}}, True),
    (
        "env-on-plain-int-concurrency",
        {"concurrency": {"runs": {"max_concurrent_runs": env("DAGSTER_MAX_RUNS")}}},
        False,
    ),
    # class slots: the slot's own shape
    ("slot-config-null", launcher("dagster", "DefaultRunLauncher", None), False),
    ("slot-config-missing", launcher("dagster", "DefaultRunLauncher"), True),
    ("slot-config-empty", launcher("dagster", "DefaultRunLauncher", {}), True),
    ("slot-config-extra-key", launcher("dagster", "DefaultRunLauncher", {"x": 1}), False),
    ("slot-config-list", launcher("dagster", "DefaultRunLauncher", []), False),
    ("slot-missing-class", {"run_launcher": {"module": "dagster"}}, False),
    ("slot-unknown-key", launcher("dagster", "DefaultRunLauncher", cls="x"), False),
    ("slot-module-not-string", {"run_launcher": {"module": 5, "class": "X"}}, False),
    # Outside the catalog the config stays open: whether the class imports is a rule's job.
    ("unknown-class-open-config", launcher("my_company.launch", "Fancy", {"a": [1, None]}), True),
    # K8sRunLauncher
    (
        "k8s-ok",
        k8s_fields(
            job_namespace=env("DAGSTER_K8S_NAMESPACE"),
            env_vars=["A=1"],
            image_pull_secrets=[{"name": "regcred"}],
            labels={"team": "data"},
        ),
        True,
    ),
    ("k8s-missing-config", launcher("dagster_k8s", "K8sRunLauncher"), False),
    ("k8s-missing-required-field", k8s(job_namespace="dagster"), False),
    ("k8s-unknown-field", k8s_fields(namespace="dagster"), False),
    ("k8s-string-for-bool", k8s_fields(load_incluster_config="yes"), False),
    ("k8s-noneables-null", k8s_fields(job_image=None, env_secrets=None), True),
    ("k8s-noneable-array-item-wrong", k8s_fields(env_secrets=[{"name": "s"}]), False),
    (
        "k8s-launcher-module",
        launcher("dagster_k8s.launcher", "K8sRunLauncher", {"instance_config_map": "m"}),
        True,
    ),
    ("map-of-bools", k8s_allow_fields({"container_config": {"resources": True}}), True),
    ("map-of-bools-given-str", k8s_allow_fields({"container_config": {"resources": "y"}}), False),
    # DockerRunLauncher
    (
        "docker-ok",
        docker(
            image="repo/img:tag",
            networks=["net", env("DAGSTER_DOCKER_NETWORK")],
            env_vars=["A"],
            container_kwargs={"auto_remove": True},
        ),
        True,
    ),
    ("docker-networks-string", docker(networks="net"), False),
    ("docker-env-vars-int", docker(env_vars=[1]), False),
    ("docker-registry-incomplete", docker(registry={"url": "r"}), False),
    ("docker-no-config", launcher("dagster_docker", "DockerRunLauncher"), True),
    # QueuedRunCoordinator
    ("queued-public-module", queued(max_concurrent_runs=5, tag_concurrency_limits=[]), True),
    ("queued-float", queued(max_concurrent_runs=5.5), False),
    ("queued-bool-for-intsource", queued(max_concurrent_runs=True), False),
    ("queued-env", queued(max_concurrent_runs=env("DAGSTER_MAX_RUNS")), True),
    ("queued-unknown-field", queued(max_runs=5), False),
    ("alias-class-name", coordinator("DefaultRunCoordinator"), True),
    ("alias-class-name-bad-config", coordinator("DefaultRunCoordinator", {"x": 1}), False),
    # S3ComputeLogManager
    (
        "s3-ok",
        s3({"bucket": env("DAGSTER_S3_BUCKET"), "upload_interval": None, "upload_extra_args": {}}),
        True,
    ),
    ("s3-missing-config", s3(), False),
    ("s3-missing-bucket", s3({"prefix": "logs"}), False),
    ("s3-unknown-field", s3({"bucket": "b", "region_name": "us-east-1"}), False),
    ("s3-string-for-bool", s3({"bucket": "b", "use_ssl": "false"}), False),
    ("s3-float-for-noneable-int", s3({"bucket": "b", "upload_interval": 1.5}), False),
    # Float accepts ints and (as Python bools are ints) booleans
    ("float-ok", local_logs(polling_timeout=0.5), True),
    ("float-given-int", local_logs(polling_timeout=2), True),
    ("float-given-bool", local_logs(polling_timeout=True), True),
    ("float-given-string", local_logs(polling_timeout="0.5"), False),
    # class configs that are selectors, or contain one
    ("mysql-run-storage-no-config", mysql_run_storage(), False),
    ("mysql-run-storage-url", mysql_run_storage({"mysql_url": "x"}), True),
    ("selector-child-null", celery_k8s(retries={"disabled": None}), True),
    ("selector-two-children", celery_k8s(retries={"enabled": {}, "disabled": {}}), False),
    ("selector-no-child", celery_k8s(retries={}), False),
    # EcsRunLauncher: unions of a string and a shape
    ("ecs-task-definition-arn", ecs(task_definition="arn:aws:ecs:task-definition/run:1"), True),
    ("ecs-task-definition-env", ecs(task_definition=env("DAGSTER_TASK_DEF")), True),
    ("ecs-secrets-mixed", ecs(secrets=["arn:secret", {"name": "X", "valueFrom": "arn"}]), True),
    ("ecs-secret-incomplete", ecs(secrets=[{"name": "X"}]), False),
]


def pluck(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def load_like_dagster(module: str, class_name: str, base_class: str) -> type | None:
    """The class ConfigurableClassData.rehydrate would use, or None if it cannot load one.

    A class Dagster cannot load (ValueError: an empty module name) is the class rules' business:
    the schema leaves its config open.
    """
    data = ConfigurableClassData(module, class_name, "{}\n")
    try:
        klass = getattr(importlib.import_module(data.module_name), data.class_name)
    except (ImportError, AttributeError, ValueError):
        return None
    return klass if issubclass(klass, import_object(base_class)) else None


@functools.cache
def instance_config_type():
    return resolve_to_config_type(dagster_instance_config_schema())  # built once: 100x faster


@functools.cache
def class_config_type(klass: type):
    return resolve_to_config_type(klass.config_type())


def dagster_accepts(instance: dict[str, Any]) -> bool:
    if not validate_config(instance_config_type(), instance).success:
        return False
    for path, base_class in CLASS_SLOTS.items():
        value = pluck(instance, path)
        if value is None:
            continue
        klass = load_like_dagster(value["module"], value["class"], base_class)
        config = value.get("config") or {}
        if klass and not process_config(class_config_type(klass), config).success:
            return False
    return True


def schema_accepts(instance: dict[str, Any]) -> bool:
    return StrictValidator(SCHEMA).is_valid(instance)


@pytest.fixture
def environment(monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


def test_there_are_enough_cases():
    assert len(CASES) >= 40
    assert len({name for name, _, _ in CASES}) == len(CASES)
    assert {True, False} == {valid for _, _, valid in CASES}


@pytest.mark.usefixtures("environment")
@pytest.mark.parametrize(("instance", "valid"), [pytest.param(c, v, id=n) for n, c, v in CASES])
def test_schema_agrees_with_dagster(instance, valid):
    verdicts = {"dagster": dagster_accepts(instance), "schema": schema_accepts(instance)}
    assert verdicts == {"dagster": valid, "schema": valid}


# Every case again with one change at one place: each value replaced by values of other kinds,
# each key removed or misspelt. Strings under `env` stay, as unset variables are not the schema's.
REPLACEMENTS = [
    None, True, False, 0, 1, -1, 1.0, 2.5, "", "s", [], ["s"], [1], [None], [[]], {}, {"x": 1},
    {"a": None}, {"a": {"b": 1}}, {"env": "DAGSTER_MAX_RUNS"}, {"env": "DAGSTER_MAX_RUNS", "x": 1},
]  # fmt: skip


def value_paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths of every value below the root, except the names under `env`."""
    found = [path] if path and path[-1] != "env" else []
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        children = ()
    for key, child in children:
        found += value_paths(child, path + (key,))
    return found


def with_change(value: Any, path: tuple, change) -> Any:
    copied = json.loads(json.dumps(value))
    parent = copied
    for key in path[:-1]:
        parent = parent[key]
    change(parent, path[-1])
    return copied


def replace_with(replacement: Any):
    def change(parent, key):
        parent[key] = replacement

    return change


def remove(parent, key) -> None:
    parent.pop(key)


def misspell(parent, key) -> None:
    parent[key + "_x"] = parent.pop(key)


def mutations(instance: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path in value_paths(instance):
        changes = [replace_with(r) for r in REPLACEMENTS] + [remove]
        if isinstance(path[-1], str):
            changes.append(misspell)
        found += [with_change(instance, path, change) for change in changes]
    return found


@pytest.mark.usefixtures("environment")
def test_schema_agrees_with_dagster_on_mutated_cases():
    variants = {json.dumps(v, sort_keys=True) for _, case, _ in CASES for v in mutations(case)}
    disagreements = [
        (text, verdict)
        for text in sorted(variants)
        if (verdict := dagster_accepts(json.loads(text))) != schema_accepts(json.loads(text))
    ]
    assert len(variants) > 5000
    assert disagreements == [], f"{len(disagreements)} disagreements, e.g. {disagreements[:5]}"


# Kinds the 1.13 instance schema does not use (Enum, a selector with one optional choice),
# converted by the same builder and compared the same way.
SYNTHETIC_TYPE = Shape({
    "mode": Field(Enum("Mode", [EnumValue("fast"), EnumValue("safe")]), is_required=False),
    "choice": Field(Selector({"only": {"x": Field(int, is_required=False)}}), is_required=False),
    "counts": Field(Map(str, int), is_required=False),
    "tags": Field(Noneable([str]), is_required=False),
})  # fmt: skip

SYNTHETIC_CASES = [
    ({"mode": "fast"}, True),
    ({"mode": "FAST"}, False),
    ({"mode": 1}, False),
    ({"mode": None}, False),
    ({"choice": {}}, True),
    ({"choice": {"only": None}}, True),
    ({"choice": {"only": {"x": 1.0}}}, False),
    ({"choice": {"other": {}}}, False),
    ({"counts": {"a": 1}}, True),
    ({"counts": {"a": "1"}}, False),
    ({"tags": None}, True),
    ({"tags": ["a", None]}, False),
]


@pytest.mark.parametrize(("value", "valid"), SYNTHETIC_CASES, ids=lambda v: json.dumps(v))
def test_builder_agrees_with_dagster_on_other_kinds(value, valid):
    generator = load_generator()
    config_type = resolve_to_config_type(SYNTHETIC_TYPE)
    builder = generator.SchemaBuilder(shared_keys=set(), overrides={})
    schema = {**builder.type_schema(config_type), "definitions": builder.definitions}
    verdicts = {
        "dagster": validate_config(config_type, value).success,
        "schema": StrictValidator(schema).is_valid(value),
    }
    assert verdicts == {"dagster": valid, "schema": valid}
