"""Generate the JSON Schema and the class catalog for dagster.yaml from Dagster itself.

Usage (from the repository root):

    python scripts/generate_schema.py              # write schema/<X.Y>/, X.Y: installed Dagster
    python scripts/generate_schema.py --out DIR    # write them to DIR instead
    python scripts/generate_schema.py --check      # exit 1 if schema/<X.Y>/ (or DIR) is stale

It runs on every supported Dagster minor version (1.9 to 1.13; scripts/regenerate_all.sh runs it in
each version's venv). What the installed version lacks is detected, not assumed from its number: a
top-level key it does not have (and so the class slot behind it), a base class that lives in another
module, an optional extra the installed integration does not declare, a default it does not inject.

Sources of truth, all read from the installed packages:

* `dagster._core.instance.config.dagster_instance_config_schema()`: the top-level keys (26 in 1.13);
* with dagster-cloud installed, what its Hybrid agent adds (scripts/agent_source.py): its instance
  class's keys, the `user_code_launcher` slot, its classes for every slot;
* every concrete ConfigurableClass that Dagster and the official integrations ship for a slot
  (found by importing every non-test module), and its `config_type()`;
* Dagster's own loader rules (`convert_dagster_submodule_name`, `ConfigurableClassData.rehydrate`)
  for the module paths under which each class can be named.

How Dagster config types become draft-07 JSON Schema is described in `SchemaBuilder`.
The generator needs the `test` extra's packages (Dagster and the integrations) plus, when the
installed dagster-azure declares its `container-apps` extra (the one that ships AcaRunLauncher),
that extra; it refuses to write a catalog without it.

Dagster quirks the schema mirrors on purpose: a Float field accepts booleans (Python's bool is an
int); `null` under a selector's chosen key means `{}` (`storage: {postgres: }`); a class slot's
`config: null` is an error although a missing `config` is fine.

Known gaps (Dagster behaviour the schema cannot or does not express):

* Int vs. whole floats: Dagster's Int rejects `1.0`, JSON Schema's `integer` accepts it. A
  validator must use a type checker whose `integer` excludes floats and bools (the linter and
  the tests do); plain draft-07 tools such as editors accept `1.0`.
* `{env: VAR}` values are checked only for shape. Whether VAR is set, and whether its value parses
  as an int for IntSource, is decided when Dagster loads the instance (the linter's env rules).
  BoolSource treats every value except `false`, `none`, `0` and the empty string
  (case-insensitively) as true, so `{env: VAR}` never fails on a bool field once VAR is set.
* A custom `instance_class` may add top-level keys through its `config_schema()`; the schema
  knows only the one shipped class that does, the Dagster+ agent's (dagster-cloud, when installed:
  scripts/agent_source.py), whose keys it accepts under an `if`/`then`/`else` on `instance_class`,
  and rejects other unknown top-level keys.
* The class-specific `config` check applies only to the shipped classes in the catalog, named by a
  module Dagster accepts. Other `module`/`class` pairs get an open `config` object: whether
  they import is for the linter's class rules, not for the schema.
* An empty dagster.yaml is `null` as YAML; Dagster reads it as `{}`. The schema's root is an
  object, so the caller must validate `{}` for an empty document.
* Non-string mapping keys (YAML `1: x`): the schema rejects them where Dagster's keys are closed
  (shapes, selectors, `Map(str, ...)`; Dagster raises there) and accepts them in `Permissive`
  objects. Dagster accepts them there too at the top level, but raises on them inside a
  class's `config` when it post-processes it.
* Dagster cross-key rules (`storage` with `run_storage`, `run_queue` with `run_coordinator`,
  `concurrency` vs. `run_queue` limits, pool limit ranges) are semantic rules, not schema.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import functools
import importlib
import importlib.metadata
import inspect
import json
import os
import pkgutil
import re
import sys
import tempfile
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from dagster._config import (
    ConfigType,
    ConfigTypeKind,
    Field,
    process_config,
    resolve_to_config_type,
    validate_config,
)
from dagster._core.instance.config import configurable_class_schema, dagster_instance_config_schema
from dagster._core.storage.config import mysql_config, pg_config
from dagster._utils import convert_dagster_submodule_name

if str(Path(__file__).resolve().parent) not in sys.path:  # imported from elsewhere (the tests)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import agent_source  # noqa: E402  # scripts/agent_source.py: what dagster-cloud's agent adds, when installed

REPO_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO_ROOT / "schema"  # the version's files go to SCHEMA_DIR / "<X.Y>" by default
# Same names as linter/catalog.py (checked by tests/test_schema_generation.py).
SCHEMA_FILENAME = "dagster-instance.schema.json"
CATALOG_FILENAME = "class-catalog.json"
REPO_URL = "https://raw.githubusercontent.com/instance-lint/instance-lint/main/"
SCHEMA_ID = REPO_URL + "schema/" + SCHEMA_FILENAME

PACKAGES = (
    "dagster",
    "dagster_postgres",
    "dagster_mysql",
    "dagster_k8s",
    "dagster_docker",
    "dagster_aws",
    "dagster_gcp",
    "dagster_azure",
    "dagster_celery_k8s",
)
INTEGRATION_DISTRIBUTIONS = tuple(name.replace("_", "-") for name in PACKAGES[1:])

# slot -> base class that `ConfigurableClassData.rehydrate(as_type=...)` checks (instance/ref.py),
# where 1.13 defines it (`import_base` also finds it in an enclosing package, where older versions
# define it). A slot exists in a version when its top-level key does (SLOT_PATHS).
SLOT_BASES = {
    "run_launcher": "dagster._core.launcher.base.RunLauncher",
    "run_coordinator": "dagster._core.run_coordinator.base.RunCoordinator",
    "compute_logs": "dagster._core.storage.compute_log_manager.ComputeLogManager",
    "scheduler": "dagster._core.scheduler.scheduler.Scheduler",
    "local_artifact_storage": "dagster._core.storage.root.LocalArtifactStorage",
    "storage": "dagster._core.storage.base_storage.DagsterStorage",
    "run_storage": "dagster._core.storage.runs.base.RunStorage",
    "event_log_storage": "dagster._core.storage.event_log.base.EventLogStorage",
    "schedule_storage": "dagster._core.storage.schedules.base.ScheduleStorage",
    "secrets": "dagster._core.secrets.loader.SecretsLoader",
    "defs_state_storage": "dagster._core.storage.defs_state.base.DefsStateStorage",
    "instance_class": "dagster._core.instance.instance.DagsterInstance",
}

# Where, in the instance schema, a `{module, class, config}` value names a class of a slot.
SLOT_PATHS = {
    ("run_launcher",): "run_launcher",
    ("run_coordinator",): "run_coordinator",
    ("compute_logs",): "compute_logs",
    ("scheduler",): "scheduler",
    ("local_artifact_storage",): "local_artifact_storage",
    ("storage", "custom"): "storage",
    ("run_storage",): "run_storage",
    ("event_log_storage",): "event_log_storage",
    ("schedule_storage",): "schedule_storage",
    ("secrets", "custom"): "secrets",
    ("defs_state_storage",): "defs_state_storage",
    ("instance_class",): "instance_class",
}
# What a slot's classes are called in messages ("is not a run launcher Dagster ships").
SLOT_NOUNS = {
    "run_launcher": "run launcher",
    "run_coordinator": "run coordinator",
    "compute_logs": "compute log manager",
    "scheduler": "scheduler",
    "local_artifact_storage": "local artifact storage",
    "storage": "storage",
    "run_storage": "run storage",
    "event_log_storage": "event log storage",
    "schedule_storage": "schedule storage",
    "secrets": "secrets loader",
    "defs_state_storage": "defs state storage",
    "instance_class": "instance class",
}
# Modules that ship slot classes only when their distribution's optional extra is installed:
# module -> (distribution, extra). Required only where the installed distribution declares it.
EXTRA_MODULES = {"dagster_azure.container_apps": ("dagster-azure", "container-apps")}
RUN_QUEUE_CLASS = "dagster._core.run_coordinator.queued_run_coordinator.QueuedRunCoordinator"

TOP_LEVEL_DESCRIPTIONS = {
    "local_artifact_storage": "Local artifact storage: the directory on local disk where Dagster "
    "keeps artifacts. Default: `{default:local_artifact_storage}` with `base_dir: $DAGSTER_HOME`.",
    "compute_logs": "Compute log manager: captures the stdout/stderr of runs and steps. "
    "Default: `{default:compute_logs}` under `$DAGSTER_HOME/storage`.",
    "storage": "Storage for runs, event logs and schedules in one setting: `postgres`, `mysql`, "
    "`sqlite` or a `custom` storage class. Cannot be combined with `run_storage`, "
    "`event_log_storage` or `schedule_storage`. Default: SQLite under `$DAGSTER_HOME`.",
    "run_queue": "{run_queue}",
    "run_storage": "Legacy per-store setting: the run storage class. Prefer `storage`; the two "
    "cannot be combined.",
    "event_log_storage": "Legacy per-store setting: the event log storage class. Prefer "
    "`storage`; the two cannot be combined.",
    "schedule_storage": "Legacy per-store setting: the schedule storage class. Prefer `storage`; "
    "the two cannot be combined.",
    "scheduler": "Scheduler class. Default: `{default:scheduler}`, which runs schedules in the "
    "dagster-daemon.",
    "run_coordinator": "Run coordinator class: decides how submitted runs wait before they are "
    "launched. Default: `{default:run_coordinator}`. Cannot be combined with `run_queue`.",
    "run_launcher": "Run launcher class: starts the process, container or job that executes a "
    "run. Default: `{default:run_launcher}` (a local subprocess).",
    "telemetry": "Anonymous usage telemetry. `enabled` defaults to true.",
    "nux": "The new-user experience prompts in the Dagster UI. `enabled` defaults to true.",
    "instance_class": "A custom `DagsterInstance` subclass to load instead of `DagsterInstance`. "
    "Its `config_schema()` keys are then also accepted at the top level.",
    "python_logs": "Python logging: the loggers Dagster captures (`managed_python_loggers`), "
    "their level (`python_log_level`) and handlers, formatters and filters for Dagster's own "
    "logger (`dagster_handler_config`).",
    "run_monitoring": "Run monitoring by the dagster-daemon: detects runs that hang while starting "
    "or canceling or exceed `max_runtime_seconds`, and resumes or fails them.",
    "run_retries": "Automatic retries of failed runs, performed by the dagster-daemon.",
    "code_servers": "Code servers that Dagster starts for local code locations: startup and "
    "reload timeouts, and whether to wait for them on shutdown.",
    "secrets": "Secrets loader that supplies environment variables to code locations. "
    "{injected:secrets}",
    "defs_state_storage": "Storage for definitions state (state-backed definitions). "
    "{injected:defs_state_storage}",
    "retention": "How long the daemon keeps schedule, sensor and auto-materialize ticks. "
    "`purge_after_days` is a number of days for every tick status, or one per status; a value "
    "of 0 or less keeps those ticks forever.",
    "backfills": "Backfill daemon: process backfills in threads.",
    "sensors": "Sensor daemon: evaluate sensors and submit their runs in threads.",
    "schedules": "Schedule daemon: evaluate schedules and submit their runs in threads.",
    "auto_materialize": "Declarative automation (auto-materialize) daemon settings.",
    "freshness": "Freshness evaluation by the daemon. `enabled` is required when this key is set.",
    "concurrency": "Concurrency limits: for runs (`runs`, like the run queue's limits) and for "
    "ops and assets in pools (`pools`).",
}

# The parts of TOP_LEVEL_DESCRIPTIONS that depend on the installed version, read from it by
# `version_placeholders`: `{default:<slot>}` is the class `InstanceRef.config_defaults()` gives the
# slot; `{injected:<slot>}` says what the InstanceRef property named here loads when the slot is
# unset (a version without the property has no such slot); `{run_queue}` depends on whether the
# default run coordinator is QueuedRunCoordinator, which `run_queue` configures.
INJECTING_PROPERTIES = {"secrets": "secrets_loader", "defs_state_storage": "defs_state_storage"}
INJECTED_PHRASES = {"PerProjectEnvFileLoader": ", which reads each project's `.env` file"}
PLACEHOLDER = re.compile(r"\{((?:default|injected):[a-z_]+|run_queue)\}")
# A description may name (in backticks) only the key's own fields, at any depth, and top-level
# keys, so that it never names a setting the installed version lacks; and these other words.
DESCRIPTION_WORDS = {"defs_state"}

# The Dagster docs page on dagster.yaml, and its section for each top-level key (heading anchors).
DOCS_URL = "https://docs.dagster.io/deployment/oss/oss-instance-configuration"
DEFAULT_DOCS_SECTION = ("Configuration reference", "configuration-reference")
DOCS_SECTIONS = {
    "storage": ("Dagster storage", "dagster-storage"),
    "run_storage": ("Dagster storage", "dagster-storage"),
    "event_log_storage": ("Dagster storage", "dagster-storage"),
    "schedule_storage": ("Dagster storage", "dagster-storage"),
    "run_launcher": ("Run launcher", "run-launcher"),
    "run_coordinator": ("Run coordinator", "run-coordinator"),
    "run_queue": ("Run coordinator", "run-coordinator"),
    "compute_logs": ("Compute log storage", "compute-log-storage"),
    "local_artifact_storage": ("Local artifact storage", "local-artifact-storage"),
    "telemetry": ("Telemetry", "telemetry"),
    "code_servers": ("gRPC servers", "grpc-servers"),
    "retention": ("Data retention", "data-retention"),
    "sensors": ("Sensor evaluation", "sensor-evaluation"),
    "schedules": ("Schedule evaluation", "schedule-evaluation"),
}


def env(name: str) -> dict[str, str]:
    return {"env": name}


# Editor completions (yaml-language-server `defaultSnippets`) for common setups, offered as the
# value of a top-level key. tests/test_editor_schema.py lints each body inserted under its key.
DEFAULT_SNIPPETS: dict[str, list[dict[str, Any]]] = {
    "storage": [
        {
            "label": "Postgres from environment variables",
            "description": "DagsterPostgresStorage for runs, event logs and schedules; credentials "
            "from DAGSTER_PG_* environment variables (needs dagster-postgres).",
            "body": {
                "postgres": {
                    "postgres_db": {
                        "username": env("DAGSTER_PG_USERNAME"),
                        "password": env("DAGSTER_PG_PASSWORD"),
                        "hostname": env("DAGSTER_PG_HOST"),
                        "db_name": env("DAGSTER_PG_DB"),
                        "port": 5432,
                    }
                }
            },
        },
        {
            "label": "Postgres URL from an environment variable",
            "description": "DagsterPostgresStorage with the connection URL in DAGSTER_PG_URL.",
            "body": {"postgres": {"postgres_url": env("DAGSTER_PG_URL")}},
        },
    ],
    "run_launcher": [
        {
            "label": "K8sRunLauncher",
            "description": "Launch each run as a Kubernetes job (needs dagster-k8s).",
            "body": {
                "module": "dagster_k8s",
                "class": "K8sRunLauncher",
                "config": {
                    "service_account_name": "dagster",
                    "job_image": env("DAGSTER_JOB_IMAGE"),
                    "job_namespace": env("DAGSTER_K8S_NAMESPACE"),
                    "load_incluster_config": True,
                    "image_pull_policy": "Always",
                    "instance_config_map": "dagster-instance",
                    "postgres_password_secret": "dagster-postgresql-secret",
                    "dagster_home": "/opt/dagster/dagster_home",
                },
            },
        }
    ],
    "run_coordinator": [
        {
            "label": "QueuedRunCoordinator with tag limits",
            "description": "Queue runs: at most 25 at a time, and limits per run tag.",
            "body": {
                "module": "dagster",
                "class": "QueuedRunCoordinator",
                "config": {
                    "max_concurrent_runs": 25,
                    "tag_concurrency_limits": [
                        {"key": "database", "value": "redshift", "limit": 4},
                        {"key": "dagster/backfill", "limit": 10},
                    ],
                },
            },
        }
    ],
    "compute_logs": [
        {
            "label": "S3ComputeLogManager",
            "description": "Upload run and step stdout/stderr to S3 (needs dagster-aws).",
            "body": {
                "module": "dagster_aws.s3.compute_log_manager",
                "class": "S3ComputeLogManager",
                "config": {
                    "bucket": env("DAGSTER_S3_BUCKET"),
                    "prefix": "dagster-compute-logs",
                },
            },
        }
    ],
}

ENV_VAR_DESCRIPTION = (
    "Name of an environment variable. Dagster reads its value when it loads the instance and "
    "fails if the variable is not set."
)
SOURCE_DEFINITIONS = {
    # Dagster type key -> (definition name, JSON type of the literal, description)
    "StringSourceType": (
        "StringSource",
        "string",
        "A string, or `{env: VAR}` to read it from an environment variable.",
    ),
    "IntSourceType": (
        "IntSource",
        "integer",
        "An integer, or `{env: VAR}` to read it from an environment variable whose value must "
        "parse as an integer.",
    ),
    "BoolSourceType": (
        "BoolSource",
        "boolean",
        "A boolean, or `{env: VAR}` to read it from an environment variable: every value except "
        "`false`, `none`, `0` and the empty string (in any case) means true.",
    ),
}
# Shared Dagster types that have a name in Dagster's source (dagster._core.storage.config).
NAMED_TYPES = {
    resolve_to_config_type(pg_config()).key: "type:pg_config",
    resolve_to_config_type(mysql_config()).key: "type:mysql_config",
}
SCALAR_JSON_TYPES: dict[str, Any] = {
    "STRING": "string",
    "INT": "integer",
    # Dagster's Float accepts any isinstance(value, (int, float)) value, and bool is an int.
    "FLOAT": ["boolean", "number"],
    "BOOL": "boolean",
}
FIELDED_KINDS = (
    ConfigTypeKind.STRICT_SHAPE,
    ConfigTypeKind.PERMISSIVE_SHAPE,
    ConfigTypeKind.SELECTOR,
)


class GenerationError(Exception):
    """Dagster has something this generator does not know how to translate faithfully."""


# --------------------------------------------------------------------------------------------
# Discovery: modules, slot classes and the module paths Dagster loads them from
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotClass:
    """A class as Dagster's loader finds it: `name` in each of `modules` (an alias if it differs
    from the class's own name, e.g. `DefaultRunCoordinator` for SyncInMemoryRunCoordinator)."""

    slot: str
    cls: type
    name: str
    modules: tuple[str, ...]

    @property
    def qualname(self) -> str:
        return f"{self.cls.__module__}.{self.cls.__name__}"

    @property
    def config_definition(self) -> str:
        return "config:" + self.qualname


def is_test_module(name: str) -> bool:
    return any(
        part in ("test", "tests", "testing", "conftest")
        or part.startswith("test_")
        or part.endswith(("_test", "_tests", "_for_test"))
        for part in name.split(".")
    )


@contextlib.contextmanager
def quiet_imports() -> Iterator[None]:
    """Module imports and lazy attributes may warn or print; keep stdout and stderr clean."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
        warnings.simplefilter("ignore")
        yield


def import_all_modules(packages: tuple[str, ...]) -> tuple[dict[str, ModuleType], list[str]]:
    """Import every non-test module of `packages`; return them and the ones that failed.

    Like pkgutil.walk_packages, but test packages and `__main__` modules are never imported
    (walk_packages imports every package to list its children).
    """
    modules = {name: importlib.import_module(name) for name in packages}
    failed: list[str] = []
    pending = list(modules.values())
    while pending:
        package = pending.pop()
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            if is_test_module(info.name) or info.name.endswith(".__main__"):
                continue
            try:
                module = importlib.import_module(info.name)
            except Exception as exc:  # noqa: BLE001 - optional dependencies raise anything
                failed.append(f"{info.name} ({type(exc).__name__}: {exc})")
                continue
            modules[info.name] = module
            if info.ispkg:
                pending.append(module)
    return modules, sorted(failed)


def check_extras_imported(modules: Mapping[str, ModuleType]) -> None:
    """Refuse to write a catalog that silently lacks the classes behind an optional extra."""
    missing = [
        f"{name} (install {dist}[{extra}])"
        for name, (dist, extra) in EXTRA_MODULES.items()
        if name not in modules and extra in declared_extras(dist)
    ]
    if missing:
        raise GenerationError("cannot import modules that ship slot classes: " + ", ".join(missing))


def import_object(qualified_name: str) -> Any:
    module_name, _, attribute = qualified_name.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def import_base(qualified_name: str) -> type:
    """The class named `qualified_name`, or, where the installed version defines it in an enclosing
    package (e.g. `dagster._core.instance.DagsterInstance` before `dagster._core.instance.instance`
    existed), the class of that name the nearest enclosing package exports."""
    module_name, _, attribute = qualified_name.rpartition(".")
    parts = module_name.split(".")
    for end in range(len(parts), 1, -1):
        try:
            value = getattr(importlib.import_module(".".join(parts[:end])), attribute)
        except (ImportError, AttributeError):
            continue
        if inspect.isclass(value):
            return value
    raise GenerationError(f"cannot import the base class {qualified_name} or an enclosing export")


def qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def has_top_level_path(root_type: ConfigType, path: TypePath) -> bool:
    """Whether the installed version has the top-level key of `path` (then all of it must exist)."""
    if path[0] not in root_type.fields:
        return False
    try:
        field_at(root_type, path)
    except (KeyError, AttributeError) as exc:
        raise GenerationError(f"{'.'.join(path)}: the key exists but not this path") from exc
    return True


def slot_bases(root_type: ConfigType) -> dict[str, type]:
    """The class slots of the installed version (those whose key it has), with their base class."""
    paths = {slot: path for path, slot in SLOT_PATHS.items()}
    return {
        slot: import_base(base_name)
        for slot, base_name in SLOT_BASES.items()
        if has_top_level_path(root_type, paths[slot])
    }


def declared_extras(distribution: str) -> set[str]:
    """The optional extras the installed `distribution` declares (Provides-Extra), normalized."""
    declared = importlib.metadata.metadata(distribution).get_all("Provides-Extra") or []
    return {re.sub(r"[-_.]+", "-", extra).lower() for extra in declared}


def implements_configurable_class(cls: type) -> bool:
    return callable(getattr(cls, "config_type", None)) and callable(
        getattr(cls, "from_config_value", None)
    )


def module_attribute(module: ModuleType, name: str) -> Any:
    try:
        return getattr(module, name)
    except (AttributeError, ImportError):  # a lazy module __getattr__ may raise ImportError
        return None


def class_names(modules: Mapping[str, ModuleType], packages: tuple[str, ...]) -> dict[type, set[str]]:
    """Each class defined in `packages`, with every name a module binds it to."""
    names: dict[type, set[str]] = defaultdict(set)
    for module in modules.values():
        for name in dir(module):  # dir(), not vars(): it includes lazily provided names
            value = module_attribute(module, name)
            if inspect.isclass(value) and value.__module__.split(".")[0] in packages:
                names[value].add(name)
    return names


def is_slot_class(cls: type, base: type) -> bool:
    return (
        issubclass(cls, base)
        and not inspect.isabstract(cls)
        and implements_configurable_class(cls)
    )


def dagster_loads(module_name: str, class_name: str, base: type) -> type | None:
    """The class Dagster's loader finds for `module`/`class` in a slot, without constructing it.

    Mirrors ConfigurableClassData: private module spelling, import, getattr, issubclass.
    """
    try:
        module = importlib.import_module(convert_dagster_submodule_name(module_name, "private"))
    except ImportError:
        return None
    klass = module_attribute(module, class_name)
    return klass if inspect.isclass(klass) and issubclass(klass, base) else None


def loader_module_names(
    cls: type, name: str, base: type, modules: Mapping[str, ModuleType]
) -> list[str]:
    """Every module name under which Dagster's loader finds exactly `cls` as `name`."""
    candidates = set(modules) | {convert_dagster_submodule_name(m, "public") for m in modules}
    return sorted(m for m in candidates if dagster_loads(m, name, base) is cls)


def discover_slot_classes(
    modules: Mapping[str, ModuleType], bases: Mapping[str, type], packages: tuple[str, ...]
) -> dict[str, list[SlotClass]]:
    """Per slot, one entry per (class, name it is loadable as), sorted by qualname and name."""
    names = class_names(modules, packages)
    found: dict[str, list[SlotClass]] = {}
    for slot, base in bases.items():
        entries = [
            SlotClass(slot, cls, name, tuple(loader_module_names(cls, name, base, modules)))
            for cls in names
            if is_slot_class(cls, base)
            for name in names[cls]
        ]
        found[slot] = sorted(
            (entry for entry in entries if entry.modules),
            key=lambda entry: (entry.qualname, entry.name),
        )
    return found


@functools.cache
def top_level_distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def distribution_of(cls: type) -> str:
    return top_level_distributions()[cls.__module__.split(".")[0]][0]


def integrations_version() -> str:
    versions = {importlib.metadata.version(dist) for dist in INTEGRATION_DISTRIBUTIONS}
    if len(versions) != 1:
        raise GenerationError(f"integrations are at different versions: {sorted(versions)}")
    return versions.pop()


def build_catalog(
    slot_classes: Mapping[str, list[SlotClass]], bases: Mapping[str, type], agent: Agent | None
) -> dict[str, Any]:
    paths = {slot: list(path) for path, slot in SLOT_PATHS.items()}
    nouns = dict(SLOT_NOUNS)
    if agent is not None:
        paths[agent_source.UCL_SLOT] = [agent_source.UCL_SLOT]
        nouns[agent_source.UCL_SLOT] = agent_source.UCL_NOUN
    catalog = {
        "dagster_version": importlib.metadata.version("dagster"),
        "integrations_version": integrations_version(),
        "agent": agent_catalog(agent),
        "slots": {
            slot: {
                "base_class": qualified_name(bases[slot]),
                "path": paths[slot],
                "noun": nouns[slot],
                **({"instance_class": agent_source.INSTANCE_CLASS} if agent and slot == agent_source.UCL_SLOT else {}),
                "classes": [
                    {
                        "class": item.name,
                        "qualname": item.qualname,
                        "package": distribution_of(item.cls),
                        "modules": list(item.modules),
                        "config_definition": item.config_definition,
                        **({"resumes_runs": resumes_runs(item.cls)} if slot == "run_launcher" else {}),
                    }
                    for item in items
                ],
            }
            for slot, items in slot_classes.items()
        },
    }
    if agent is not None:  # loaded by class_from_code_pointer: no config type, its `config` is not read
        catalog["slots"]["instance_class"]["classes"].append({
            "class": agent.cls.__name__,
            "qualname": qualified_name(agent.cls),
            "package": distribution_of(agent.cls),
            "modules": agent.modules,
            "config_definition": None,
        })
    return catalog


@dataclass(frozen=True)
class Agent:
    """The Dagster+ agent instance class of the installed dagster-cloud (scripts/agent_source.py)."""

    cls: type
    modules: list[str]  # where class_from_code_pointer finds it

    @property
    def config_type(self) -> ConfigType:
        return resolve_to_config_type(self.cls.config_schema())

    @property
    def required_keys(self) -> list[str]:
        declared = {name for name, field in self.config_type.fields.items() if field.is_required}
        return sorted(declared | set(agent_source.START_REQUIRED_KEYS))


def agent_catalog(agent: Agent | None) -> dict[str, Any]:
    """The catalog's `agent` section: the agent instance class and its top-level keys, or why there is none."""
    if agent is None:
        return {
            "dagster_cloud_version": None,
            "unavailable": agent_source.unavailable_reason(importlib.metadata.version("dagster")),
        }
    return {
        "dagster_cloud_version": agent_source.version(),
        "instance_class": qualified_name(agent.cls),
        "keys": sorted(agent.config_type.fields),
        "required": agent.required_keys,
        "deprecated_keys": dict(agent_source.DEPRECATED_KEYS),
        "daemons": agent_source.required_daemons(agent.cls),
    }


def resumes_runs(launcher: type) -> bool:
    """`RunLauncher.supports_resume_run`, which DagsterInstance checks against
    `run_monitoring.max_resume_run_attempts`. Every launcher Dagster ships answers it without its
    instance state (a constant), so it is read from an instance that was never initialised."""
    value = launcher.supports_resume_run
    if isinstance(value, property):
        value = value.fget(object.__new__(launcher))
    if not isinstance(value, bool):
        raise GenerationError(f"{qualified_name(launcher)}.supports_resume_run is not a constant bool: {value!r}")
    return value


# --------------------------------------------------------------------------------------------
# Conversion: Dagster config types -> draft-07 JSON Schema
# --------------------------------------------------------------------------------------------

TypePath = tuple[str, ...]


def child_types(config_type: ConfigType) -> list[tuple[str, ConfigType]]:
    """The nested types of `config_type`, each with its path segment."""
    kind = config_type.kind
    if kind in FIELDED_KINDS:
        return [(name, field.config_type) for name, field in sorted(config_type.fields.items())]
    if kind in (ConfigTypeKind.ARRAY, ConfigTypeKind.NONEABLE):
        return [("[]" if kind == ConfigTypeKind.ARRAY else "?", config_type.inner_type)]
    if kind == ConfigTypeKind.MAP:
        return [("{key}", config_type.key_type), ("{value}", config_type.inner_type)]
    if kind == ConfigTypeKind.SCALAR_UNION:
        return [
            ("<scalar>", config_type.scalar_type),
            ("<non-scalar>", config_type.non_scalar_type),
        ]
    return []


def is_shareable(config_type: ConfigType) -> bool:
    """Worth a definition when repeated: one-field types read better inline."""
    return config_type.kind in FIELDED_KINDS and len(config_type.fields) > 1


def shared_type_keys(
    roots: list[tuple[ConfigType, TypePath]], overrides: Mapping[TypePath, Any]
) -> set[str]:
    """Keys of the fielded types that would be written out more than once if inlined."""
    uses: Counter[str] = Counter()

    def visit(config_type: ConfigType, path: TypePath) -> None:
        if path in overrides or config_type.key in SOURCE_DEFINITIONS:
            return
        if is_shareable(config_type):
            uses[config_type.key] += 1
            if uses[config_type.key] > 1:
                return  # its children are written once, inside its definition
        for segment, child in child_types(config_type):
            visit(child, path + (segment,))

    for config_type, path in roots:
        visit(config_type, path)
    return {key for key, count in uses.items() if count > 1}


def accepts_null_as_empty(config_type: ConfigType) -> bool:
    """A selector's chosen key with a null value: Dagster validates `{}` for fielded types."""
    return config_type.kind in FIELDED_KINDS and validate_config(config_type, {}).success


def json_value(value: Any) -> Any:
    """Dagster default values, checked to be plain JSON."""
    return json.loads(json.dumps(value))


def ref(definition: str) -> dict[str, str]:
    return {"$ref": "#/definitions/" + definition}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [{"type": "null"}, schema]}


# A field Dagster or an integration describes as deprecated ("[Deprecated] ...", "Deprecated - use ...").
DEPRECATED_DESCRIPTION = re.compile(r"\s*\[?deprecated\b", re.IGNORECASE)


class SchemaBuilder:
    """Translates Dagster config types to draft-07 JSON Schema, collecting `definitions`.

    Dagster kind -> JSON Schema (the linter's error translator relies on these shapes):
      scalars: string / integer / boolean; Float -> number or boolean (Dagster accepts bools);
      Any -> {}; Noneable(T) -> anyOf [null, T]; Array(T) -> array of T;
      Map(K, V) -> object with propertyNames K and additionalProperties V;
      Enum -> enum of its config values;
      ScalarUnion(S, N) -> anyOf [S, N] (S never matches a mapping or list, N only matches one);
      String/Int/BoolSource -> $ref to a definition: anyOf [literal, EnvVar];
      Shape -> closed object with `required`; Permissive -> the same, open;
      Selector -> closed object with exactly one key (zero allowed when its only field is
      optional); a child that has fields may be `null`, which Dagster reads as `{}`, when `{}`
      passes it.
    Fielded types used in more than one place become `type:<Dagster key>` definitions.
    `overrides` replaces the schema at given field paths (the configurable-class slots).
    """

    def __init__(self, shared_keys: set[str], overrides: Mapping[TypePath, dict[str, Any]]):
        self.definitions: dict[str, Any] = {}
        self._shared_keys = shared_keys
        self._overrides = overrides

    def type_schema(self, config_type: ConfigType, path: TypePath = ()) -> dict[str, Any]:
        if path in self._overrides:
            return dict(self._overrides[path])
        if config_type.key in SOURCE_DEFINITIONS:
            return self._source_ref(config_type)
        if config_type.key in self._shared_keys:
            return self._shared_ref(config_type)
        return self._convert(config_type, path)

    def field_schema(
        self, name: str, field: Field, path: TypePath, null_means_empty: bool = False
    ) -> dict[str, Any]:
        schema = self.type_schema(field.config_type, path)
        if null_means_empty and accepts_null_as_empty(field.config_type):
            schema = nullable(schema)
        # Editors show title and description on hover: every field has both.
        schema["title"] = name
        schema["description"] = (
            field.description or field.config_type.description or fallback_description(field)
        )
        if field.default_provided:
            schema["default"] = json_value(field.default_value)
        if DEPRECATED_DESCRIPTION.match(schema["description"]):  # editors strike it through; the linter warns
            schema["deprecationMessage"] = schema["description"]
        return schema

    def _source_ref(self, config_type: ConfigType) -> dict[str, Any]:
        name, literal_type, description = SOURCE_DEFINITIONS[config_type.key]
        if name not in self.definitions:
            self._check_env_var_selector(config_type.non_scalar_type)
            self.definitions.setdefault("EnvVar", env_var_definition())
            self.definitions[name] = {
                "title": name,
                "description": description,
                "anyOf": [{"type": literal_type}, ref("EnvVar")],
            }
        return ref(name)

    @staticmethod
    def _check_env_var_selector(selector: ConfigType) -> None:
        fields = selector.fields
        env = fields.get("env")
        if list(fields) != ["env"] or not env.is_required or env.config_type.key != "String":
            raise GenerationError(f"unexpected env var selector {selector.key}")

    def _shared_ref(self, config_type: ConfigType) -> dict[str, Any]:
        name = NAMED_TYPES.get(config_type.key, "type:" + config_type.key)
        if name not in self.definitions:
            self.definitions[name] = {}  # placeholder: breaks reference cycles
            self.definitions[name] = self._convert(config_type, ("#" + name,))
        return ref(name)

    def _convert(self, config_type: ConfigType, path: TypePath) -> dict[str, Any]:
        kind = config_type.kind
        if kind == ConfigTypeKind.SCALAR:
            return {"type": SCALAR_JSON_TYPES[config_type.scalar_kind.value]}
        if kind == ConfigTypeKind.ANY:
            return {}
        if kind == ConfigTypeKind.NONEABLE:
            return nullable(self.type_schema(config_type.inner_type, path + ("?",)))
        if kind == ConfigTypeKind.ARRAY:
            items = self.type_schema(config_type.inner_type, path + ("[]",))
            return {"type": "array", "items": items}
        if kind == ConfigTypeKind.MAP:
            return self._map(config_type, path)
        if kind == ConfigTypeKind.ENUM:
            return self._enum(config_type)
        if kind == ConfigTypeKind.SCALAR_UNION:
            return self._scalar_union(config_type, path)
        if kind == ConfigTypeKind.SELECTOR:
            return self._selector(config_type, path)
        return self._shape(config_type, path)

    def _map(self, config_type: ConfigType, path: TypePath) -> dict[str, Any]:
        return {
            "type": "object",
            "propertyNames": self.type_schema(config_type.key_type, path + ("{key}",)),
            "additionalProperties": self.type_schema(config_type.inner_type, path + ("{value}",)),
        }

    @staticmethod
    def _enum(config_type: ConfigType) -> dict[str, Any]:
        values = config_type.enum_values
        lines = [config_type.description or f"One of the `{config_type.given_name}` values."]
        lines += [f"- `{v.config_value}`: {v.description}" for v in values if v.description]
        return {"enum": [v.config_value for v in values], "description": "\n".join(lines)}

    def _scalar_union(self, config_type: ConfigType, path: TypePath) -> dict[str, Any]:
        # Dagster picks the non-scalar side for a dict or list and the scalar side otherwise;
        # anyOf prunes the same way only while the scalar side rejects dicts and lists.
        scalar, non_scalar = config_type.scalar_type, config_type.non_scalar_type
        collection_kinds = (*FIELDED_KINDS, ConfigTypeKind.ARRAY, ConfigTypeKind.MAP)
        if scalar.kind != ConfigTypeKind.SCALAR or non_scalar.kind not in collection_kinds:
            raise GenerationError(f"cannot express scalar union {config_type.key}")
        return {
            "anyOf": [
                self.type_schema(scalar, path + ("<scalar>",)),
                self.type_schema(non_scalar, path + ("<non-scalar>",)),
            ]
        }

    def _properties(self, config_type: ConfigType, path: TypePath) -> dict[str, Any]:
        if getattr(config_type, "field_aliases", None):
            raise GenerationError(f"field aliases are not supported: {config_type.key}")
        is_selector = config_type.kind == ConfigTypeKind.SELECTOR
        return {
            name: self.field_schema(name, field, path + (name,), null_means_empty=is_selector)
            for name, field in config_type.fields.items()
        }

    def _shape(self, config_type: ConfigType, path: TypePath) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object"}
        if config_type.fields:
            schema["properties"] = self._properties(config_type, path)
        required = sorted(name for name, field in config_type.fields.items() if field.is_required)
        if required:
            schema["required"] = required
        if config_type.kind == ConfigTypeKind.STRICT_SHAPE:
            schema["additionalProperties"] = False
        if config_type.description:
            schema["description"] = config_type.description
        return schema

    def _selector(self, config_type: ConfigType, path: TypePath) -> dict[str, Any]:
        properties = self._properties(config_type, path)
        fields = list(config_type.fields.values())
        # validate.py's _validate_empty_selector_config: `{}` passes a lone optional field.
        empty_ok = len(fields) == 1 and not fields[0].is_required
        schema = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
            "minProperties": 0 if empty_ok else 1,
            "maxProperties": 1,
        }
        if config_type.description:
            schema["description"] = config_type.description
        return schema


SCALAR_PHRASES = {"STRING": "a string", "INT": "an integer", "FLOAT": "a number", "BOOL": "a boolean"}
SOURCE_PHRASES = {
    "StringSourceType": "a string, or `{env: VAR}`",
    "IntSourceType": "an integer, or `{env: VAR}`",
    "BoolSourceType": "a boolean, or `{env: VAR}`",
}


def type_phrase(config_type: ConfigType) -> str:
    """A short English name of a Dagster config type, for fields Dagster gives no description."""
    kind = config_type.kind
    if config_type.key in SOURCE_PHRASES:
        return SOURCE_PHRASES[config_type.key]
    if kind == ConfigTypeKind.SCALAR:
        return SCALAR_PHRASES[config_type.scalar_kind.value]
    if kind == ConfigTypeKind.ANY:
        return "any value"
    if kind == ConfigTypeKind.NONEABLE:
        return type_phrase(config_type.inner_type) + ", or null"
    if kind == ConfigTypeKind.ARRAY:
        return "a list; each item is " + type_phrase(config_type.inner_type)
    if kind == ConfigTypeKind.MAP:
        return "a mapping; each value is " + type_phrase(config_type.inner_type)
    if kind == ConfigTypeKind.ENUM:
        return "one of " + ", ".join(f"`{v.config_value}`" for v in config_type.enum_values)
    if kind == ConfigTypeKind.SCALAR_UNION:
        scalar = type_phrase(config_type.scalar_type)
        return f"{scalar}, or {type_phrase(config_type.non_scalar_type)}"
    names = ", ".join(f"`{name}`" for name in config_type.fields)
    if kind == ConfigTypeKind.SELECTOR:
        return f"exactly one of {names}" if names else "a mapping"
    return f"a mapping with the keys {names}" if names else "a mapping"


def fallback_description(field: Field) -> str:
    text = type_phrase(field.config_type)
    text = text[0].upper() + text[1:] + "."
    return text + (" Required." if field.is_required else " Optional.")


def env_var_definition() -> dict[str, Any]:
    return {
        "title": "EnvVar",
        "description": "Read the value from an environment variable.",
        "type": "object",
        "properties": {
            "env": {"type": "string", "title": "env", "description": ENV_VAR_DESCRIPTION}
        },
        "required": ["env"],
        "additionalProperties": False,
    }


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------


def class_config_type(cls: type) -> ConfigType:
    return resolve_to_config_type(cls.config_type())  # exactly as rehydrate() resolves it


def check_class_slot_fields(slot_type: ConfigType) -> None:
    """The slots' `{module, class, config}` shape must be what this generator documents."""
    expected = resolve_to_config_type(configurable_class_schema())
    if slot_type.key != expected.key:
        raise GenerationError(f"slot type changed: {slot_type.key} != {expected.key}")


def slot_field_descriptions(slot: str, base: str) -> dict[str, str]:
    if slot == "instance_class":  # loaded by class_from_code_pointer, not rehydrate()
        return {
            "module": "Module that Dagster imports the class from, exactly as written.",
            "class": f"Name of a `{base}` subclass in `module` that defines `config_schema()` "
            "and `config_defaults(base_dir)`.",
            "config": "Accepted but not read: the class takes its settings from the top-level "
            "keys that its `config_schema()` names.",
        }
    return {
        "module": "Module that Dagster imports the class from, e.g. `dagster_k8s`. Legacy "
        "`dagster.core.*` paths name Dagster's private `dagster._core.*` modules.",
        "class": f"Name of the class in `module`. It must be a subclass of `{base}` that "
        "implements `config_type` and `from_config_value`.",
        "config": "Configuration of the class, checked against its `config_type()`. A missing "
        "`config` is processed as `{}`; `null` is rejected.",
    }


def slot_definition(
    builder: SchemaBuilder, slot: str, base_class: type, entries: list[SlotClass]
) -> dict[str, Any]:
    base = qualified_name(base_class)
    schema = builder.type_schema(resolve_to_config_type(configurable_class_schema()))
    for name, description in slot_field_descriptions(slot, base).items():
        schema["properties"][name].update(title=name, description=description)
    schema.update(title=slot, description=f"A class for `{slot}`: a subclass of `{base}`.")
    rules = [class_rule(entry) for entry in entries]
    if rules:  # draft-07 requires allOf to be non-empty
        schema["allOf"] = rules
    return schema


def class_rule(entry: SlotClass) -> dict[str, Any]:
    then: dict[str, Any] = {"properties": {"config": ref(entry.config_definition)}}
    # rehydrate() processes a missing config as {}: only then is `config` needed.
    if not process_config(class_config_type(entry.cls), {}).success:
        then["required"] = ["config"]
    names_this_class = {
        "properties": {
            "module": {"enum": list(entry.modules)},
            "class": {"const": entry.name},
        },
        "required": ["module", "class"],
    }
    return {"if": names_this_class, "then": then}


def build_schema(
    slot_classes: Mapping[str, list[SlotClass]],
    bases: Mapping[str, type],
    schema_id: str,
    agent: Agent | None,
) -> dict[str, Any]:
    root_type = resolve_to_config_type(dagster_instance_config_schema())
    descriptions = top_level_descriptions(root_type)
    if not set(DOCS_SECTIONS) | set(DEFAULT_SNIPPETS) <= set(TOP_LEVEL_DESCRIPTIONS):
        raise GenerationError("DOCS_SECTIONS or DEFAULT_SNIPPETS names an unknown top-level key")
    classes = {entry.qualname: entry.cls for entries in slot_classes.values() for entry in entries}
    overrides = slot_overrides(root_type, bases)
    roots = [(root_type, ())]
    if agent is not None:
        overrides[(agent_source.UCL_SLOT,)] = ref("slot:" + agent_source.UCL_SLOT)
        roots.append((agent.config_type, ()))
    roots += [(class_config_type(cls), ("#config:" + q,)) for q, cls in classes.items()]
    builder = SchemaBuilder(shared_type_keys(roots, overrides), overrides)

    for qualname, cls in sorted(classes.items()):
        config_schema = builder.type_schema(class_config_type(cls), ("#config:" + qualname,))
        config_schema.setdefault("description", f"Configuration of `{qualname}`.")
        builder.definitions["config:" + qualname] = dict(config_schema, title=f"{cls.__name__} config")
    for slot, base in bases.items():
        definition = slot_definition(builder, slot, base, slot_classes[slot])
        builder.definitions["slot:" + slot] = definition

    properties = builder.type_schema(root_type)["properties"]
    for name, description in descriptions.items():
        section, anchor = DOCS_SECTIONS.get(name, DEFAULT_DOCS_SECTION)
        properties[name].update(
            title=name,
            description=description,
            markdownDescription=f"{description}\n\n[Dagster docs: {section}]({DOCS_URL}#{anchor})",
        )
    for name, snippets in DEFAULT_SNIPPETS.items():
        if name in properties:
            properties[name]["defaultSnippets"] = snippets
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": schema_id,
        "title": "Dagster instance (dagster.yaml)",
        "description": "Dagster's instance configuration file, `$DAGSTER_HOME/dagster.yaml`.",
        "x-dagster-version": importlib.metadata.version("dagster"),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "definitions": builder.definitions,
    }
    if agent is not None:
        schema["allOf"] = [agent_keys_rule(builder, agent, properties)]
    return schema


def refused_here(name: str, agent: Agent) -> dict[str, Any]:
    return {
        "title": name,
        "description": f"A key of a Dagster+ agent's dagster.yaml: accepted only when `instance_class` is "
        f"`{qualified_name(agent.cls)}`.",
        "not": {},
    }


def agent_keys_rule(builder: SchemaBuilder, agent: Agent, properties: dict[str, Any]) -> dict[str, Any]:
    """Adds the agent's keys to `properties`; returns the rule that accepts them exactly when
    `instance_class` names the agent (any module `class_from_code_pointer` finds it in), and then
    requires what the agent requires to start."""
    keys = agent.config_type.fields
    for name, field in keys.items():
        if name in properties:  # merge_dicts would let the agent's type replace Dagster's
            raise GenerationError(f"the agent's key {name} is also one of Dagster's top-level keys")
        schema = builder.field_schema(name, field, (name,))
        description = field.description or agent_source.KEY_DESCRIPTIONS.get(name)
        if description is None:
            raise GenerationError(f"the agent's key {name} has no description; add it to KEY_DESCRIPTIONS")
        schema["description"] = description
        schema["markdownDescription"] = f"{description}\n\n[Dagster+ docs: {agent_source.DOCS_TITLE}]({agent_source.DOCS_URL})"
        if name in agent_source.DEPRECATED_KEYS:
            schema["deprecationMessage"] = f"Deprecated: use `{agent_source.DEPRECATED_KEYS[name]}`."
        properties[name] = schema
    names_agent = {
        "properties": {
            "instance_class": {  # an object: `properties`/`required` hold vacuously for a string
                "type": "object",
                "properties": {"module": {"enum": agent.modules}, "class": {"const": agent.cls.__name__}},
                "required": ["module", "class"],
            }
        },
        "required": ["instance_class"],
    }
    return {
        "if": names_agent,
        "then": {"required": agent.required_keys},
        # `not: {}` rather than `false`: jsonschema reports a `false` property schema without its path
        "else": {"properties": {name: refused_here(name, agent) for name in sorted(keys)}},
    }


def slot_overrides(
    root_type: ConfigType, bases: Mapping[str, type]
) -> dict[TypePath, dict[str, Any]]:
    """Field paths of the instance schema whose schema is a `$ref` instead of a conversion."""
    overrides: dict[TypePath, dict[str, Any]] = {}
    for path, slot in SLOT_PATHS.items():
        if slot not in bases:
            continue  # the installed version has no such key
        check_class_slot_fields(field_at(root_type, path).config_type)
        overrides[path] = ref("slot:" + slot)
    run_queue_type = field_at(root_type, ("run_queue",)).config_type
    if run_queue_type.key != class_config_type(import_object(RUN_QUEUE_CLASS)).key:
        raise GenerationError("run_queue is no longer QueuedRunCoordinator's config type")
    overrides[("run_queue",)] = ref("config:" + RUN_QUEUE_CLASS)
    return overrides


def field_at(config_type: ConfigType, path: TypePath) -> Field:
    field = config_type.fields[path[0]]
    return field if len(path) == 1 else field_at(field.config_type, path[1:])


def top_level_descriptions(root_type: ConfigType) -> dict[str, str]:
    """TOP_LEVEL_DESCRIPTIONS for the keys the installed version has, its placeholders filled in."""
    unknown = sorted(set(root_type.fields) - set(TOP_LEVEL_DESCRIPTIONS))
    if unknown:
        raise GenerationError(f"new top-level keys {unknown}; update TOP_LEVEL_DESCRIPTIONS")
    values = version_placeholders()

    def fill(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            raise GenerationError(f"the installed Dagster has no value for {match.group(0)}")
        return values[match.group(1)]

    descriptions = {}
    for name, template in TOP_LEVEL_DESCRIPTIONS.items():
        if name not in root_type.fields:
            continue
        text = PLACEHOLDER.sub(fill, template)
        allowed = set(root_type.fields) | DESCRIPTION_WORDS
        allowed |= nested_field_names(root_type.fields[name].config_type)
        named = set(re.findall(r"`([a-z][a-z0-9_]*)`", text))
        if not named <= allowed:
            raise GenerationError(f"the description of {name} names {sorted(named - allowed)}")
        descriptions[name] = text
    return descriptions


def nested_field_names(config_type: ConfigType) -> set[str]:
    names: set[str] = set()
    pending = [config_type]
    seen: set[str] = set()
    while pending:
        current = pending.pop()
        if current.key in seen:
            continue
        seen.add(current.key)
        if current.kind in FIELDED_KINDS:
            names |= set(current.fields)
        pending += [child for _, child in child_types(current)]
    return names


def version_placeholders() -> dict[str, str]:
    """The values of the description placeholders (PLACEHOLDER), read from the installed Dagster."""
    from dagster._core.instance.ref import InstanceRef

    values: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as home, quiet_imports():
        defaults = InstanceRef.config_defaults(home)
        for slot, data in defaults.items():
            if data is not None:
                values["default:" + slot] = data.class_name
        compute_logs = defaults["compute_logs"]
        if yaml_load(compute_logs.config_yaml).get("base_dir") != os.path.join(home, "storage"):
            raise GenerationError("compute_logs no longer defaults to $DAGSTER_HOME/storage")
        instance_ref = InstanceRef.from_dir(home)
        for slot, prop in INJECTING_PROPERTIES.items():
            if isinstance(getattr(InstanceRef, prop, None), property):
                values["injected:" + slot] = injected_phrase(getattr(instance_ref, prop), home)
        coordinator = defaults["run_coordinator"]
        default_coordinator = import_object(
            convert_dagster_submodule_name(coordinator.module_name, "private")
            + "."
            + coordinator.class_name
        )
    queued = import_object(RUN_QUEUE_CLASS)
    if default_coordinator is queued:
        values["run_queue"] = (
            f"Settings of the default run coordinator, `{queued.__name__}`, without naming the "
            "class. Cannot be combined with `run_coordinator`."
        )
    else:
        values["run_queue"] = (
            f"Settings of `{queued.__name__}`: setting this key makes it the run coordinator "
            f"without naming the class (the default is `{coordinator.class_name}`). Cannot be "
            "combined with `run_coordinator`."
        )
    return values


def injected_phrase(loaded: Any, home: str) -> str:
    """What an unset slot loads: `loaded` is what the InstanceRef property returned for it."""
    if loaded is None:
        return "Default: none (nothing is loaded when the key is unset)."
    name = type(loaded).__name__
    where = ""
    base_path = getattr(loaded, "base_path", None)
    if base_path is not None:
        relative = os.path.relpath(str(base_path), home)
        where = f" in the `{relative}` directory of the local artifact storage"
    return f"Default: `{name}`{INJECTED_PHRASES.get(name, '')}{where}."


def yaml_load(text: str) -> Any:
    import yaml  # Dagster's own dependency: the config of ConfigurableClassData is YAML

    return yaml.safe_load(text) or {}


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def render(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def dagster_minor_version() -> str:
    """`X.Y` of the installed Dagster."""
    return ".".join(importlib.metadata.version("dagster").split(".")[:2])


def default_out_dir() -> Path:
    return SCHEMA_DIR / dagster_minor_version()


def schema_id(out_dir: Path) -> str:
    """The schema's URL where the repository publishes it: its path in the repository, if any."""
    try:
        relative = (out_dir.resolve() / SCHEMA_FILENAME).relative_to(REPO_ROOT)
    except ValueError:
        return SCHEMA_ID
    return REPO_URL + relative.as_posix()


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def generate(out_dir: Path | None = None) -> dict[Path, str]:
    out_dir = default_out_dir() if out_dir is None else out_dir
    root_type = resolve_to_config_type(dagster_instance_config_schema())
    with quiet_imports():
        bases = slot_bases(root_type)
        with_agent = agent_source.installed()
        packages = PACKAGES + ((agent_source.PACKAGE,) if with_agent else ())
        modules, failed = import_all_modules(packages)
        for line in failed:
            print(f"generate_schema: skipped module {line}", file=sys.stderr)
        check_extras_imported(modules)
        agent = None
        if with_agent:
            missing = agent_source.missing_extra_modules(modules, declared_extras(agent_source.DISTRIBUTION))
            if missing:
                raise GenerationError("cannot import the agent's launcher modules: " + ", ".join(missing))
            bases[agent_source.UCL_SLOT] = import_object(agent_source.UCL_BASE)
            cls = agent_source.agent_class()
            agent = Agent(cls, agent_source.instance_class_modules(cls, modules))
        slot_classes = discover_slot_classes(modules, bases, packages)
    return {
        out_dir / SCHEMA_FILENAME: render(build_schema(slot_classes, bases, schema_id(out_dir), agent)),
        out_dir / CATALOG_FILENAME: render(build_catalog(slot_classes, bases, agent)),
    }


def stale_files(outputs: Mapping[Path, str]) -> list[str]:
    """A short summary line per file whose checked-in text differs from `outputs`."""
    summaries = []
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        diff = list(difflib.unified_diff(current.splitlines(), text.splitlines(), lineterm="", n=0))
        edits = [line for line in diff if line[:1] in ("+", "-") and line[:3] not in ("+++", "---")]
        first = next((line for line in diff if line.startswith("@@")), "")
        name = display(path)
        summaries.append(f"{name}: {len(edits)} changed lines, first hunk {first}")
    return summaries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are stale")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="directory of the files (default: schema/<X.Y>/ for the installed Dagster X.Y)",
    )
    args = parser.parse_args(argv)
    out_dir = default_out_dir() if args.out is None else args.out
    try:
        outputs = generate(out_dir)
    except GenerationError as exc:
        print(f"generate_schema: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files(outputs)
        for line in stale:
            print(f"stale: {line}", file=sys.stderr)
        if stale:
            out = "" if args.out is None else f" --out {args.out}"
            print(f"run: python scripts/generate_schema.py{out}", file=sys.stderr)
        return 1 if stale else 0
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {display(path)} ({len(text.encode()) / 1024:.1f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
