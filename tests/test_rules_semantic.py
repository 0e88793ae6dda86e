"""The semantic checks (linter/rules: cross_keys, launchers, coordinators, compute_logs, storages, settings,
classes, env_vars) on fixtures under tests/fixtures/semantic/.

Each fixture marks the line of every expected finding with `# expect: <rule>` and sets the environment
it is judged under with `# env: NAME=value` header lines. Fixtures are loaded with PyYAML's safe loader
here; positions are checked end-to-end with the document loader elsewhere.
"""

from __future__ import annotations


import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from fixture_markers import parse_markers
from linter.api import newest_model
from linter.model import Catalog, ClassEntry
from linter.findings import Target, Violation
from linter.rules import RuleContext, run_checks
from linter.rules.classes import (
    DAGSTER_PUBLIC_SUBPACKAGES,
    ClassBlock,
    imports_as_written,
    private_module_name,
    resolve_entry,
    unknown_class_violation,
)
from linter.rules.env_vars import closest_set_variable, env_references
from linter.rules.urls import SQLALCHEMY_DIALECTS, botocore_endpoint_problem, sqlalchemy_url_problem

FIXTURES = Path(__file__).parent / "fixtures" / "semantic"
MARKER = re.compile(r"#\s*expect:\s*(?P<rule>[a-z-]+)(?:\s*\((?:error|warning|info)\))?\s*$")


# Which run launchers resume runs, Dagster 1.13.27 (`supports_resume_run`; generated into the catalog).
_RESUMES = {
    "dagster._core.launcher.default_run_launcher.DefaultRunLauncher": False,
    "dagster_k8s.launcher.K8sRunLauncher": True,
    "dagster_celery_k8s.launcher.CeleryK8sRunLauncher": False,
    "dagster_docker.docker_run_launcher.DockerRunLauncher": True,
    "dagster_aws.ecs.launcher.EcsRunLauncher": True,
}


def _entry(slot: str, qualname: str, package: str, *modules: str) -> ClassEntry:
    class_name = qualname.rsplit(".", 1)[1]
    return ClassEntry(slot, class_name, qualname, package, modules, f"config:{qualname}", _RESUMES.get(qualname))


def _core(slot: str, qualname: str, *modules: str) -> ClassEntry:
    """A class in `dagster`: also importable from each module's public `dagster.core` spelling."""
    public = tuple(m.replace("dagster._core", "dagster.core") for m in modules if m.startswith("dagster._core"))
    return _entry(slot, qualname, "dagster", *modules, *public)


def _alias(entry: ClassEntry, class_name: str) -> ClassEntry:
    return ClassEntry(entry.slot, class_name, entry.qualname, entry.package, entry.modules, entry.config_definition)


_SYNC_COORDINATOR = _core(
    "run_coordinator",
    "dagster._core.run_coordinator.sync_in_memory_run_coordinator.SyncInMemoryRunCoordinator",
    "dagster",
    "dagster._core.run_coordinator",
)

NEWEST = newest_model()

# A hand-written excerpt of the catalog: enough classes per slot to exercise every check.
CATALOG = Catalog(
    dagster_version="1.13.27",
    integrations_version="0.29.27",
    base_classes={
        "run_launcher": "dagster._core.launcher.base.RunLauncher",
        "run_coordinator": "dagster._core.run_coordinator.base.RunCoordinator",
        "compute_logs": "dagster._core.storage.compute_log_manager.ComputeLogManager",
        "scheduler": "dagster._core.scheduler.scheduler.Scheduler",
        "storage": "dagster._core.storage.base_storage.DagsterStorage",
        "run_storage": "dagster._core.storage.runs.base.RunStorage",
        "event_log_storage": "dagster._core.storage.event_log.base.EventLogStorage",
        "schedule_storage": "dagster._core.storage.schedules.base.ScheduleStorage",
        "instance_class": "dagster._core.instance.instance.DagsterInstance",
    },
    entries=(
        _core(
            "run_launcher",
            "dagster._core.launcher.default_run_launcher.DefaultRunLauncher",
            "dagster",
            "dagster._core.launcher",
            "dagster._core.launcher.default_run_launcher",
        ),
        _entry("run_launcher", "dagster_k8s.launcher.K8sRunLauncher", "dagster-k8s", "dagster_k8s", "dagster_k8s.launcher"),
        _entry(
            "run_launcher",
            "dagster_celery_k8s.launcher.CeleryK8sRunLauncher",
            "dagster-celery-k8s",
            "dagster_celery_k8s",
            "dagster_celery_k8s.launcher",
        ),
        _entry(
            "run_launcher",
            "dagster_docker.docker_run_launcher.DockerRunLauncher",
            "dagster-docker",
            "dagster_docker",
            "dagster_docker.docker_run_launcher",
        ),
        _entry("run_launcher", "dagster_aws.ecs.launcher.EcsRunLauncher", "dagster-aws", "dagster_aws.ecs", "dagster_aws.ecs.launcher"),
        _core(
            "run_coordinator",
            "dagster._core.run_coordinator.queued_run_coordinator.QueuedRunCoordinator",
            "dagster",
            "dagster._core.run_coordinator",
            "dagster._core.run_coordinator.queued_run_coordinator",
        ),
        _SYNC_COORDINATOR,
        _alias(_SYNC_COORDINATOR, "DefaultRunCoordinator"),
        _core(
            "compute_logs",
            "dagster._core.storage.local_compute_log_manager.LocalComputeLogManager",
            "dagster",
            "dagster._core.storage.local_compute_log_manager",
        ),
        _entry(
            "compute_logs",
            "dagster_aws.s3.compute_log_manager.S3ComputeLogManager",
            "dagster-aws",
            "dagster_aws.s3",
            "dagster_aws.s3.compute_log_manager",
        ),
        _core("scheduler", "dagster._core.scheduler.scheduler.DagsterDaemonScheduler", "dagster", "dagster._core.scheduler"),
        _core(
            "run_storage",
            "dagster._core.storage.runs.sqlite.sqlite_run_storage.SqliteRunStorage",
            "dagster._core.storage.runs",
        ),
        _core(
            "event_log_storage",
            "dagster._core.storage.event_log.sqlite.sqlite_event_log.SqliteEventLogStorage",
            "dagster._core.storage.event_log",
        ),
        _entry(
            "compute_logs",
            "dagster_gcp.gcs.compute_log_manager.GCSComputeLogManager",
            "dagster-gcp",
            "dagster_gcp.gcs",
            "dagster_gcp.gcs.compute_log_manager",
        ),
        _entry(
            "run_storage",
            "dagster_mysql.run_storage.run_storage.MySQLRunStorage",
            "dagster-mysql",
            "dagster_mysql",
            "dagster_mysql.run_storage",
            "dagster_mysql.run_storage.run_storage",
        ),
        _entry("storage", "dagster_postgres.storage.DagsterPostgresStorage", "dagster-postgres", "dagster_postgres", "dagster_postgres.storage"),
        _entry("storage", "dagster_mysql.storage.DagsterMySQLStorage", "dagster-mysql", "dagster_mysql", "dagster_mysql.storage"),
        _entry(
            "event_log_storage",
            "dagster_postgres.event_log.event_log.PostgresEventLogStorage",
            "dagster-postgres",
            "dagster_postgres",
            "dagster_postgres.event_log",
            "dagster_postgres.event_log.event_log",
        ),
        _entry(
            "run_storage",
            "dagster_postgres.run_storage.run_storage.PostgresRunStorage",
            "dagster-postgres",
            "dagster_postgres",
            "dagster_postgres.run_storage",
            "dagster_postgres.run_storage.run_storage",
        ),
    ),
    slot_paths=NEWEST.catalog.slot_paths,
    slot_nouns=NEWEST.catalog.slot_nouns,
)

# fixture -> the (rule, key path) of every finding the semantic checks must give; absent = none
EXPECTED: dict[str, set[tuple[str, tuple]]] = {
    "unmodelled-retired-cron-scheduler.yaml": {("unknown-class", ("scheduler", "module"))},
    "unmodelled-retired-k8s-scheduler.yaml": {("unknown-class", ("scheduler", "class"))},
    "unmodelled-retired-remote-dagit-launcher.yaml": {("unknown-class", ("run_launcher", "class"))},
    "unmodelled-typo-of-modelled-package.yaml": {("unknown-class", ("compute_logs", "module")),
                                                ("unknown-class", ("run_launcher", "module"))},
    "backfills-threaded-by-default-negative-workers.yaml": {("invalid-value", ("backfills", "num_workers"))},
    "storage-with-legacy-keys.yaml": {
        ("conflicting-keys", ("run_storage",)),
        ("conflicting-keys", ("event_log_storage",)),
    },
    "run-queue-with-run-coordinator.yaml": {("conflicting-keys", ("run_queue",))},
    "pools-with-default-op-concurrency-limit.yaml": {
        ("conflicting-keys", ("concurrency", "default_op_concurrency_limit")),
    },
    "pool-default-limit-out-of-range.yaml": {("invalid-value", ("concurrency", "pools", "default_limit"))},
    "default-op-concurrency-limit-negative.yaml": {("invalid-value", ("concurrency", "default_op_concurrency_limit"))},
    "pool-granularity-unknown.yaml": {("invalid-value", ("concurrency", "pools", "granularity"))},
    "run-queue-limits-with-concurrency-runs.yaml": {
        ("conflicting-keys", ("run_queue", "max_concurrent_runs")),
        ("conflicting-keys", ("run_queue", "tag_concurrency_limits")),
    },
    "queued-coordinator-limits-with-pools.yaml": {
        (
            "conflicting-keys",
            ("run_coordinator", "config", "block_op_concurrency_limited_runs", "op_concurrency_slot_buffer"),
        ),
    },
    "postgres-url-and-db.yaml": {("conflicting-keys", ("storage", "postgres", "postgres_url"))},
    "postgres-empty-url.yaml": {("invalid-value", ("storage", "postgres", "postgres_url"))},
    "postgres-run-storage-without-connection.yaml": {("missing-key", ("run_storage", "config"))},
    "postgres-auth-provider-with-url.yaml": {("conflicting-keys", ("storage", "postgres", "postgres_url"))},
    "postgres-legacy-storage-auth-provider-with-url.yaml": {
        ("conflicting-keys", ("run_storage", "config", "postgres_url")),
    },
    "mysql-empty-url.yaml": {("invalid-value", ("storage", "mysql", "mysql_url"))},
    "k8s-launcher-without-service-account.yaml": {("missing-key", ("run_launcher", "config"))},
    "k8s-launcher-kubeconfig-with-incluster.yaml": {
        ("conflicting-keys", ("run_launcher", "config", "kubeconfig_file")),
    },
    "k8s-launcher-label-not-string.yaml": {("invalid-type", ("run_launcher", "config", "labels", "version"))},
    "celery-k8s-launcher-without-postgres-secret.yaml": {("missing-key", ("run_launcher", "config"))},
    "celery-k8s-launcher-job-image.yaml": {("unknown-key", ("run_launcher", "config", "job_image"))},
    "docker-launcher-network-and-networks.yaml": {("conflicting-keys", ("run_launcher", "config", "network"))},
    "docker-launcher-container-kwargs-image.yaml": {
        ("conflicting-keys", ("run_launcher", "config", "container_kwargs", "image")),
    },
    "ecs-launcher-task-definition-prefix-too-long.yaml": {
        ("invalid-value", ("run_launcher", "config", "task_definition_prefix")),
    },
    "ecs-launcher-task-definition-env-with-other-keys.yaml": {
        ("conflicting-keys", ("run_launcher", "config", "task_definition", "env")),
    },
    "ecs-launcher-run-task-kwargs-unknown-key.yaml": {
        ("unknown-key", ("run_launcher", "config", "run_task_kwargs", "launch_type")),
    },
    "ecs-launcher-run-task-kwargs-overrides.yaml": {
        ("conflicting-keys", ("run_launcher", "config", "run_task_kwargs", "overrides")),
    },
    "ecs-launcher-propagate-excluded-tag.yaml": {
        ("invalid-value", ("run_launcher", "config", "propagate_tags", "allow_list", 1)),
    },
    "queued-max-concurrent-runs-below-minus-one.yaml": {("invalid-value", ("run_queue", "max_concurrent_runs"))},
    "queued-slot-buffer-without-run-blocking.yaml": {
        (
            "conflicting-keys",
            ("run_coordinator", "config", "block_op_concurrency_limited_runs", "op_concurrency_slot_buffer"),
        ),
    },
    "queued-dequeue-workers-zero.yaml": {("invalid-value", ("run_queue", "dequeue_num_workers"))},
    "python-log-level-unknown.yaml": {("invalid-value", ("python_logs", "python_log_level"))},
    "run-monitoring-resume-with-default-launcher.yaml": {
        ("conflicting-keys", ("run_monitoring", "max_resume_run_attempts")),
    },
    "run-monitoring-resume-with-celery-k8s-launcher.yaml": {
        ("conflicting-keys", ("run_monitoring", "max_resume_run_attempts")),
    },
    "daemon-thread-pool-too-small.yaml": {
        ("invalid-value", ("sensors", "num_workers")),
        ("invalid-value", ("schedules", "num_submit_workers")),
    },
    "instance-class-dagster-instance.yaml": {("unknown-class", ("instance_class", "class"))},
    "instance-class-dagster-core-module.yaml": {("unknown-class", ("instance_class", "module"))},
    "env-var-unset.yaml": {("missing-env-var", ("storage", "postgres", "postgres_db", "password", "env"))},
    "env-var-unset-in-class-config.yaml": {("missing-env-var", ("compute_logs", "config", "bucket", "env"))},
    "env-var-int-source-empty.yaml": {("missing-env-var", ("run_queue", "max_concurrent_runs", "env"))},
    "ok-env-var-set-but-empty-string.yaml": {  # a warning: Dagster uses the empty string
        ("missing-env-var", ("storage", "postgres", "postgres_db", "password", "env"))
    },
    "env-var-int-source-not-integer.yaml": {("invalid-value", ("storage", "postgres", "postgres_db", "port", "env"))},
    "ecs-launcher-task-definition-env-unset.yaml": {
        ("missing-env-var", ("run_launcher", "config", "task_definition", "env")),
    },
    "ecs-launcher-task-definition-env-empty.yaml": {
        ("missing-env-var", ("run_launcher", "config", "task_definition", "env")),
    },
    "gcs-json-credentials-envvar-unset.yaml": {("missing-env-var", ("compute_logs", "config", "json_credentials_envvar"))},
    "gcs-json-credentials-envvar-not-json.yaml": {("invalid-value", ("compute_logs", "config", "json_credentials_envvar"))},
    "s3-endpoint-url-without-scheme.yaml": {("invalid-value", ("compute_logs", "config", "endpoint_url"))},
    "s3-endpoint-url-underscore-host.yaml": {("invalid-value", ("compute_logs", "config", "endpoint_url"))},
    "postgres-url-unknown-driver.yaml": {("invalid-value", ("storage", "postgres", "postgres_url"))},
    "postgres-url-env-postgres-scheme.yaml": {("invalid-value", ("storage", "postgres", "postgres_url"))},
    "postgres-db-scheme-unknown.yaml": {("invalid-value", ("storage", "postgres", "postgres_db", "scheme"))},
    "postgres-db-hostname-with-port.yaml": {("invalid-value", ("storage", "postgres", "postgres_db", "hostname"))},
    "mysql-url-unknown-driver.yaml": {("invalid-value", ("storage", "mysql", "mysql_url"))},
    "mysql-db-hostname-with-port.yaml": {("invalid-value", ("run_storage", "config", "mysql_db", "hostname"))},
    "class-misspelt-module.yaml": {("unknown-class", ("run_launcher", "module"))},
    "class-misspelt-module-and-class.yaml": {("unknown-class", ("compute_logs", "module"))},
    "class-unknown-in-another-module.yaml": {("unknown-class", ("compute_logs", "module"))},
    "class-misspelt-class.yaml": {("unknown-class", ("run_launcher", "class"))},
    "class-of-another-kind.yaml": {("unknown-class", ("run_launcher", "class"))},
    "class-not-at-module-path.yaml": {("unknown-class", ("run_launcher", "module"))},
    "class-misspelt-package.yaml": {("unknown-class", ("compute_logs", "module"))},
    "class-storage-in-run-storage-slot.yaml": {("unknown-class", ("run_storage", "class"))},
}

# fixture -> the suggestion of its (single) finding
SUGGESTIONS = {
    "pool-granularity-unknown.yaml": "op",
    "python-log-level-unknown.yaml": "WARNING",
    "ecs-launcher-run-task-kwargs-unknown-key.yaml": "launchType",
    "class-misspelt-module.yaml": "dagster_k8s.launcher",
    # the module suggested is one the meant class is imported from (LocalComputeLogManager's, S3's)
    "class-misspelt-module-and-class.yaml": "dagster.core.storage.local_compute_log_manager",
    "class-unknown-in-another-module.yaml": "dagster_aws.s3.compute_log_manager",
    "class-misspelt-class.yaml": "K8sRunLauncher",
    "class-not-at-module-path.yaml": "dagster.core.launcher",
    "class-misspelt-package.yaml": "dagster_aws.s3",
    "class-of-another-kind.yaml": None,
    "env-var-unset.yaml": "DAGSTER_PG_PASSWD",
    "gcs-json-credentials-envvar-unset.yaml": "GCP_CREDENTIALS_JSON",
    "s3-endpoint-url-without-scheme.yaml": "http://minio.storage.svc:9000",
    "s3-endpoint-url-underscore-host.yaml": None,
    "postgres-url-unknown-driver.yaml": "postgresql+psycopg://dagster@db:5432/dagster",
    "postgres-url-env-postgres-scheme.yaml": None,  # the URL comes from the environment: not repeated
    "postgres-db-scheme-unknown.yaml": "postgresql",
    "mysql-url-unknown-driver.yaml": "mysql+mysqldb://dagster@mysql:3306/dagster",
}

ALL_FIXTURES = sorted(path.name for path in FIXTURES.glob("*.yaml"))


# Tick retention, suspicious values and deprecations are tested in test_rules_values.py and, against
# every fixture's markers, in test_differential.py.
VALUE_RULES = frozenset({"invalid-retention", "suspicious-value", "deprecated"})


def _violations(data, catalog: Catalog = CATALOG, environ=None) -> list[Violation]:
    context = RuleContext(data=data, model=NEWEST.with_catalog(catalog), environ=environ or {})
    return list(run_checks(context, selected=lambda slug: slug not in VALUE_RULES))


def _load(name: str):
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


def _env(name: str) -> dict[str, str]:
    """The fixture's `# env:` lines: the environment it is judged under."""
    return parse_markers((FIXTURES / name).read_text(encoding="utf-8")).env


# Rules whose findings this excerpt-catalog test leaves to test_differential.py (full catalog, positioned
# document) and their own test modules: `component-mismatch` reports each mismatched pair on the
# launcher's `class:` line, so one line may carry several of its findings.
# `ambiguous-scalar` and the warning form of `placeholder-value` read the positioned document (tests in
# test_ambiguous_scalars.py and test_shell_references.py).
# `legacy-form`, `ineffective-setting` and `unchecked-class` read the full catalog and the version's defaults: their
# findings are checked against every fixture's markers in test_differential.py, and in their own test modules
# (test_ineffective_settings.py, test_unmodelled_packages.py).
CHECKED_ELSEWHERE = frozenset({"plaintext-secret", "component-mismatch", "ambiguous-scalar", "placeholder-value",
                               "legacy-form", "ineffective-setting", "unchecked-class"})


def _fixture_violations(name: str, catalog: Catalog = CATALOG) -> list[Violation]:
    return [v for v in _violations(_load(name), catalog, _env(name)) if v.rule not in CHECKED_ELSEWHERE]


def _markers(name: str) -> Counter:
    found = Counter()
    for number, line in enumerate((FIXTURES / name).read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match and match["rule"] not in CHECKED_ELSEWHERE | VALUE_RULES:
            found[(number, match["rule"])] += 1
    return found


def _node_line(name: str, key_path: tuple, target: Target) -> int:
    """1-based line of the key (KEY) or value (VALUE) at `key_path`, using PyYAML's node marks."""
    node = yaml.compose((FIXTURES / name).read_text(encoding="utf-8"))
    key_node = None
    for part in key_path:
        if isinstance(part, int):
            key_node, node = None, node.value[part]
            continue
        key_node, node = next((k, v) for k, v in node.value if k.value == part)
    # README convention: a value that is a block mapping/sequence is pointed at on its key's line
    block_value = isinstance(node, yaml.CollectionNode) and not node.flow_style
    on_key = target is Target.KEY or block_value
    mark = key_node.start_mark if on_key and key_node is not None else node.start_mark
    return mark.line + 1


def test_every_fixture_has_the_header():
    for name in ALL_FIXTURES:
        assert (FIXTURES / name).read_text(encoding="utf-8").startswith("# source: hand-written\n"), name


def test_every_expectation_has_a_fixture():
    assert set(EXPECTED) <= set(ALL_FIXTURES)
    assert set(SUGGESTIONS) <= set(EXPECTED)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_findings_match_expectations(name):
    found = {(v.rule, v.key_path) for v in _fixture_violations(name)}
    assert found == EXPECTED.get(name, set())


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_markers_sit_on_the_lines_findings_point_to(name):
    violations = _fixture_violations(name)
    located = Counter((_node_line(name, v.key_path, v.target), v.rule) for v in violations)
    assert located == _markers(name)
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    for violation in violations:
        last_key = next((p for p in reversed(violation.key_path) if isinstance(p, str)), None)
        line = lines[_node_line(name, violation.key_path, violation.target) - 1]
        if isinstance(violation.key_path[-1], int):
            assert line.lstrip().startswith("- "), (name, line)
        else:
            assert f"{last_key}:" in line, (name, violation.key_path, line)


def test_no_finding_is_reported_twice():
    for name in ALL_FIXTURES:
        violations = _fixture_violations(name)
        assert len(violations) == len({(v.rule, v.key_path, v.message) for v in violations}), name


@pytest.mark.parametrize("name", sorted(SUGGESTIONS))
def test_suggestions(name):
    (violation,) = _fixture_violations(name)
    assert violation.suggestion == SUGGESTIONS[name]


def test_target_conventions():
    for name in ALL_FIXTURES:
        for violation in _fixture_violations(name):
            if violation.rule in ("conflicting-keys", "missing-key", "unknown-key"):
                assert violation.target is Target.KEY, (name, violation)
            else:
                assert violation.target is Target.VALUE or violation.key_path[-1] == "labels", (name, violation)


def test_messages_use_yaml_words():
    for name in ALL_FIXTURES:
        for violation in _fixture_violations(name):
            assert "None" not in violation.message and "True" not in violation.message, violation
            assert not violation.message.endswith("."), violation


# ---------------------------------------------------------------- totality

ODD_VALUES = [None, True, 0, -5, "text", "", [], [1, "a", None], {}, {"module": 1, "class": None}, {"env": "X"}]
TOP_KEYS = [
    "storage", "run_storage", "event_log_storage", "schedule_storage", "run_queue", "run_coordinator",
    "run_launcher", "compute_logs", "scheduler", "concurrency", "python_logs", "run_monitoring",
    "instance_class", "sensors", "schedules", "backfills", "auto_materialize", "secrets", "local_artifact_storage",
]  # fmt: skip


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_checks_skip_values_of_unexpected_types(value):
    for key in TOP_KEYS:
        _violations({key: value})
        _violations({key: {"pools": value, "runs": value, "postgres": value, "mysql": value, "custom": value}})
        _violations(
            {key: {"module": "dagster_k8s", "class": "K8sRunLauncher", "config": {"labels": value, "run_task_kwargs": value}}}
        )
    for document in (None, [], "text", 3):
        assert _violations(document) == []


def test_class_config_of_unexpected_types_is_skipped():
    for launcher in ("K8sRunLauncher", "CeleryK8sRunLauncher", "DockerRunLauncher", "EcsRunLauncher"):
        module = {"K8sRunLauncher": "dagster_k8s", "CeleryK8sRunLauncher": "dagster_celery_k8s"}.get(
            launcher, "dagster_docker" if launcher == "DockerRunLauncher" else "dagster_aws.ecs"
        )
        for value in ODD_VALUES:
            config = {key: value for key in ("labels", "container_kwargs", "task_definition", "run_task_kwargs", "propagate_tags")}
            _violations({"run_launcher": {"module": module, "class": launcher, "config": config}})
            _violations({"run_launcher": {"module": module, "class": launcher, "config": value}})


# ---------------------------------------------------------------- class resolution


def _block(slot: str, module: str, class_name: str) -> ClassBlock:
    return ClassBlock(slot, (slot,), module, class_name, None, False)


@pytest.mark.parametrize(
    "module",
    ["dagster", "dagster.core.launcher", "dagster._core.launcher", "dagster.core.launcher.default_run_launcher"],
)
def test_default_run_launcher_spellings_resolve(module):
    assert resolve_entry(CATALOG, "run_launcher", module, "DefaultRunLauncher") is not None


def test_private_module_name_mirrors_dagster():
    utils = pytest.importorskip("dagster._utils")
    for module in ("dagster", "dagster.core.launcher", "dagster._core.launcher", "dagster.launcher", "dagster_k8s", "dagster.x._y"):
        assert private_module_name(module) == utils.convert_dagster_submodule_name(module, "private")


def test_dagster_launcher_is_not_accepted():
    # Dagster imports `dagster._launcher`, which does not exist.
    violation = unknown_class_violation(_block("run_launcher", "dagster.launcher", "DefaultRunLauncher"), CATALOG)
    assert violation is not None and violation.key_path == ("run_launcher", "module")


@pytest.mark.parametrize(
    "module, class_name",
    [
        ("my_company.launchers", "K8sRunLaunchr"),  # not Dagster's module
        ("dagster_ray", "RayRunLauncher"),  # a package outside the catalog, not a near miss of one
        ("dagster_k8s", "K8sRunLauncher"),
    ],
)
def test_no_unknown_class_finding(module, class_name):
    assert unknown_class_violation(_block("run_launcher", module, class_name), CATALOG) is None


def test_wrong_kind_message_names_both_kinds():
    violation = unknown_class_violation(_block("run_launcher", "dagster_aws.s3", "S3ComputeLogManager"), CATALOG)
    assert violation is not None
    assert violation.message == "`S3ComputeLogManager` is a compute log manager, not a run launcher"


def test_queued_run_coordinator_is_matched_by_class_name_only():
    # Dagster's concurrency check compares `class` with "QueuedRunCoordinator" whatever the module.
    data = {
        "concurrency": {"runs": {"max_concurrent_runs": 4}},
        "run_coordinator": {"module": "my_company.coordinators", "class": "QueuedRunCoordinator", "config": {"max_concurrent_runs": 3}},
    }
    found = {(v.rule, v.key_path) for v in _violations(data)}
    assert ("conflicting-keys", ("run_coordinator", "config", "max_concurrent_runs")) in found


def test_run_monitoring_with_unknown_launcher_is_not_judged():
    data = {
        "run_launcher": {"module": "my_company.launchers", "class": "MyRunLauncher"},
        "run_monitoring": {"enabled": True, "max_resume_run_attempts": 2},
    }
    assert _violations(data) == []


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_with_the_generated_catalog(name):
    catalog = NEWEST.catalog
    assert {(v.rule, v.key_path) for v in _fixture_violations(name, catalog)} == EXPECTED.get(name, set())


# ---------------------------------------------------------------- the environment


def _found(data, environ) -> set[tuple[str, tuple]]:
    return {(v.rule, v.key_path) for v in run_checks(RuleContext(data=data, model=NEWEST.with_catalog(CATALOG), environ=environ))}


def test_concurrency_maximum_follows_the_environment():
    data = {"concurrency": {"pools": {"default_limit": 1500}}}
    path = ("concurrency", "pools", "default_limit")
    assert _found(data, {}) == {("invalid-value", path)}
    assert _found(data, {"DAGSTER_MAX_GLOBAL_OP_CONCURRENCY_LIMIT": "2000"}) == set()
    assert _found(data, {"DAGSTER_MAX_GLOBAL_OP_CONCURRENCY_LIMIT": "100"}) == {("invalid-value", path)}


def test_env_references_resolve_against_the_environment():
    postgres = {"storage": {"postgres": {"postgres_url": {"env": "PG_URL"}}}}
    assert _found(postgres, {"PG_URL": ""}) == {("invalid-value", ("storage", "postgres", "postgres_url"))}
    assert _found(postgres, {"PG_URL": "postgresql://db/dagster"}) == set()
    assert _found(postgres, {"PG_URL": "postgres://db/dagster"}) == {("invalid-value", ("storage", "postgres", "postgres_url"))}
    # unset: only missing-env-var, the value checks skip what they cannot read
    assert _found(postgres, {}) == {("missing-env-var", ("storage", "postgres", "postgres_url", "env"))}
    run_queue = {"run_queue": {"max_concurrent_runs": {"env": "MAX_RUNS"}}}
    assert _found(run_queue, {"MAX_RUNS": "-3"}) == {("invalid-value", ("run_queue", "max_concurrent_runs"))}
    assert _found(run_queue, {"MAX_RUNS": "-1"}) == set()
    assert _found(run_queue, {"MAX_RUNS": "many"}) == {("invalid-value", ("run_queue", "max_concurrent_runs", "env"))}


def test_null_connection_keys_are_left_to_the_schema():
    assert _found({"storage": {"postgres": {"postgres_url": None}}}, {}) == set()
    assert _found({"storage": {"postgres": {"postgres_url": "postgresql://db", "postgres_db": None}}}, {}) == set()


def test_postgres_storage_without_config_misses_its_connection():
    data = {"storage": {"custom": {"module": "dagster_postgres", "class": "DagsterPostgresStorage"}}}
    assert _found(data, {}) == {("missing-key", ("storage", "custom"))}


# ---------------------------------------------------------------- env: references


def _env_findings(data, environ) -> set[tuple[str, tuple]]:
    return {(v.rule, v.key_path) for v in _violations(data, CATALOG, environ) if v.rule in ("missing-env-var", "invalid-value")}


ECS = {"module": "dagster_aws.ecs", "class": "EcsRunLauncher"}
DOCKER = {"module": "dagster_docker", "class": "DockerRunLauncher"}
GCS = {"module": "dagster_gcp.gcs", "class": "GCSComputeLogManager"}

# Each is accepted by Dagster with UNSET unset: the reference sits where Dagster does not read `env:`
# (checked against the oracle by test_dagster_accepts_the_unread_env_references).
UNREAD_ENV_REFERENCES = {
    "free-form run_task_kwargs": {"run_launcher": {**ECS, "config": {"run_task_kwargs": {"group": {"env": "UNSET"}}}}},
    "free-form container_kwargs": {"run_launcher": {**DOCKER, "config": {"container_kwargs": {"user": {"env": "UNSET"}}}}},
    "postgres_db params": {
        "storage": {
            "postgres": {
                "postgres_db": {"username": "u", "hostname": "db", "db_name": "d", "params": {"sslmode": {"env": "UNSET"}}}
            }
        }
    },
    "instance-level setting": {"auto_materialize": {"minimum_interval_seconds": {"env": "UNSET"}}},
    "empty json_credentials_envvar": {"compute_logs": {**GCS, "config": {"bucket": "b", "json_credentials_envvar": ""}}},
}


@pytest.mark.parametrize("name", sorted(UNREAD_ENV_REFERENCES))
def test_env_references_dagster_does_not_read_are_not_reported(name):
    assert _env_findings(UNREAD_ENV_REFERENCES[name], {}) == set()


@pytest.mark.parametrize("name", sorted(UNREAD_ENV_REFERENCES))
def test_dagster_accepts_the_unread_env_references(name, tmp_path):
    pytest.importorskip("dagster")
    from dagster_oracle import judge

    path = tmp_path / "dagster.yaml"
    path.write_text(yaml.safe_dump(UNREAD_ENV_REFERENCES[name]), encoding="utf-8")
    assert judge(path, {}).accepted


def test_env_where_only_plain_values_are_accepted_is_the_schemas_business():
    for data in (
        {"run_retries": {"enabled": True, "max_retries": {"env": "UNSET"}}},
        {"telemetry": {"enabled": {"env": "UNSET"}}},
        {"run_launcher": {**ECS, "config": {"task_definition": {"env": "TD", "log_group": "/ecs/dagster"}}}},
    ):
        assert not {rule for rule, _ in _env_findings(data, {})} & {"missing-env-var"}, data


def test_a_mapping_with_env_and_other_keys_is_not_an_env_reference():
    data = {"storage": {"sqlite": {"base_dir": {"env": "UNSET", "default": "/tmp"}}}}
    assert env_references(data, NEWEST) == []


def test_user_class_config_is_not_judged():
    data = {"run_launcher": {"module": "my_company.launchers", "class": "MyLauncher", "config": {"token": {"env": "UNSET"}}}}
    assert env_references(data, NEWEST) == []


def test_env_references_in_lists_and_every_resolved_section():
    data = {
        "run_launcher": {**ECS, "config": {"env_vars": ["A=1", {"env": "ECS_VAR"}], "secrets": [{"name": "x", "valueFrom": {"env": "ARN"}}]}},
        "storage": {"sqlite": {"base_dir": {"env": "BASE"}}},
        "run_queue": {"dequeue_num_workers": {"env": "WORKERS"}},
        "scheduler": {"module": "dagster.core.scheduler", "class": "DagsterDaemonScheduler", "config": {"max_catchup_runs": {"env": "CATCHUP"}}},
    }
    found = {(r.name, r.path, r.source_type) for r in env_references(data, NEWEST)}
    assert found == {
        ("ECS_VAR", ("run_launcher", "config", "env_vars", 1), "StringSource"),
        ("ARN", ("run_launcher", "config", "secrets", 0, "valueFrom"), "StringSource"),
        ("BASE", ("storage", "sqlite", "base_dir"), "StringSource"),
        ("WORKERS", ("run_queue", "dequeue_num_workers"), "IntSource"),
        ("CATCHUP", ("scheduler", "config", "max_catchup_runs"), "IntSource"),
    }


def test_what_a_set_variable_may_hold():
    int_source = {"run_queue": {"max_concurrent_runs": {"env": "N"}}}
    path = ("run_queue", "max_concurrent_runs", "env")
    assert _env_findings(int_source, {"N": "010"}) == set()  # int("010"): env values are not YAML
    assert _env_findings(int_source, {"N": " 7 "}) == set()
    assert _env_findings(int_source, {"N": ""}) == {("missing-env-var", path)}
    assert _env_findings(int_source, {"N": "7.5"}) == {("invalid-value", path)}
    bool_source = {
        "run_launcher": {
            **ECS,
            "config": {"task_definition": {"mount_points": [{"sourceVolume": "v", "containerPath": "/x", "readOnly": {"env": "RO"}}]}},
        }
    }
    path = ("run_launcher", "config", "task_definition", "mount_points", 0, "readOnly", "env")
    # BoolSource: Dagster reads "" as false; reported as a warning (set but empty)
    [violation] = [v for v in _violations(bool_source, CATALOG, {"RO": ""}) if v.rule == "missing-env-var"]
    assert (violation.key_path, violation.severity.value) == (path, "warning")
    assert _env_findings(bool_source, {}) == {
        ("missing-env-var", ("run_launcher", "config", "task_definition", "mount_points", 0, "readOnly", "env"))
    }


def test_ecs_task_definition_variable():
    data = {"run_launcher": {**ECS, "config": {"task_definition": {"env": "TD"}}}}
    path = ("run_launcher", "config", "task_definition", "env")
    assert _env_findings(data, {"TD": "dagster-run:3"}) == set()
    assert _env_findings(data, {"TD": ""}) == {("missing-env-var", path)}
    assert _env_findings(data, {}) == {("missing-env-var", path)}


def test_gcs_credentials_variable_named_through_env():
    data = {"compute_logs": {**GCS, "config": {"bucket": "b", "json_credentials_envvar": {"env": "WHICH"}}}}
    path = ("compute_logs", "config", "json_credentials_envvar")
    assert _env_findings(data, {}) == {("missing-env-var", (*path, "env"))}  # the naming variable, only
    assert _env_findings(data, {"WHICH": "SA_JSON"}) == {("missing-env-var", path)}
    assert _env_findings(data, {"WHICH": "SA_JSON", "SA_JSON": ""}) == {("missing-env-var", path)}
    assert _env_findings(data, {"WHICH": "SA_JSON", "SA_JSON": "{not json"}) == {("invalid-value", path)}
    assert _env_findings(data, {"WHICH": "SA_JSON", "SA_JSON": '{"type": "service_account"}'}) == set()


def test_missing_variable_messages():
    data = {"storage": {"postgres": {"postgres_db": {"username": "u", "hostname": "h", "db_name": "d", "password": {"env": "DAGSTER_PG_PASSWORD"}}}}}
    (violation,) = [v for v in _violations(data, CATALOG, {"DAGSTER_PG_USERNAME": "u"}) if v.rule == "missing-env-var"]
    assert violation.message == (
        "environment variable `DAGSTER_PG_PASSWORD` is not set; Dagster fails when it reads"
        " `storage.postgres.postgres_db.password`"
    )
    assert violation.suggestion is None  # DAGSTER_PG_USERNAME is not close enough
    assert violation.target is Target.VALUE


def test_closest_set_variable():
    assert closest_set_variable({"dagster_pg_password": "x"}, "DAGSTER_PG_PASSWORD") == "dagster_pg_password"
    assert closest_set_variable({"DAGSTER_PG_PASSWD": "x", "HOME": "/"}, "DAGSTER_PG_PASSWORD") == "DAGSTER_PG_PASSWD"
    assert closest_set_variable({"DAGSTER_PG_USERNAME": "x"}, "DAGSTER_PG_PASSWORD") is None
    assert closest_set_variable({}, "X") is None


# ---------------------------------------------------------------- S3 endpoint_url, database URLs

S3 = {"module": "dagster_aws.s3", "class": "S3ComputeLogManager"}


def test_s3_endpoint_url():
    def found(config, environ=None):
        return _env_findings({"compute_logs": {**S3, "config": {"bucket": "b", **config}}}, environ or {})

    path = ("compute_logs", "config", "endpoint_url")
    assert found({"endpoint_url": "http://minio:9000"}) == set()
    assert found({"endpoint_url": "https://[::1]:9000"}) == set()
    assert found({"endpoint_url": ""}) == {("invalid-value", path)}
    assert found({"endpoint_url": "http://[::1"}) == {("invalid-value", path)}
    assert found({"endpoint_url": {"env": "S3_URL"}}, {"S3_URL": "minio:9000"}) == {("invalid-value", path)}
    assert found({"endpoint_url": {"env": "S3_URL"}}, {"S3_URL": "http://minio:9000"}) == set()
    (violation,) = _violations({"compute_logs": {**S3, "config": {"bucket": "b", "endpoint_url": "minio:9000"}}})
    assert violation.suggestion == "https://minio:9000"  # use_ssl defaults to true


def test_postgres_url_of_the_storage_dagster_uses():
    def found(postgres, environ=None):
        return _env_findings({"storage": {"postgres": postgres}}, environ or {})

    url = ("storage", "postgres", "postgres_url")
    db = {"username": "u", "hostname": "h", "db_name": "d"}
    assert found({"postgres_url": "postgresql+asyncpg://u@h/d"}) == set()
    assert found({"postgres_url": "postgresql://u@h:/d"}) == {("invalid-value", url)}  # SQLAlchemy: int("")
    assert found({"postgres_url": "", "postgres_db": {**db, "scheme": "postgres"}}) == {
        ("invalid-value", ("storage", "postgres", "postgres_db", "scheme"))
    }
    assert found({"postgres_db": {**db, "scheme": {"env": "SCHEME"}}}, {"SCHEME": "postgresql+psycopg2"}) == set()
    assert found({"postgres_db": {**db, "port": {"env": "PORT"}}}, {"PORT": "6432"}) == set()
    # Dagster rejects postgres_url with postgres_db first; the URL is still judged
    assert found({"postgres_url": "postgres://h/d", "postgres_db": db}) >= {("invalid-value", url)}


def test_mysql_url():
    def found(mysql):
        return _env_findings({"storage": {"mysql": mysql}}, {})

    assert found({"mysql_url": "mysql+pymysql://u@h/d"}) == set()
    assert found({"mysql_url": "mariadb://u@h/d"}) == set()
    assert found({"mysql_url": "mysql+mysql-connector://u@h/d"}) == {("invalid-value", ("storage", "mysql", "mysql_url"))}
    assert found({"mysql_db": {"username": "u@corp", "password": "p@ss:/?", "hostname": "h", "db_name": "d"}}) == set()


# ---------------------------------------------------------------- the mirrors against the libraries they mirror

ENDPOINTS = [
    "", "minio:9000", "minio.storage.svc:9000", "http://minio.storage.svc:9000", "http://", "ftp://host", "host",
    "//host", "http://-bad.com", "http://a_b.com", "http://[::1]:9000", "http://[::1", "http://1.2.3.4",
    "http://user:pw@host:99/path?q", "http://host:abc", "http://host.", "http://host..com", "http://hé.com",
    "http://host\n", " http://host", "http://host ", "localhost:9000", "HTTP://HOST", "http://[fe80::1%25eth0]:9",
    "http://" + "a" * 64 + ".com", "http://" + "a." * 128 + "com", "http://[v1.x]", "http://a]", "s3://bucket",
]  # fmt: skip


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoint_mirror_agrees_with_botocore(url):
    utils = pytest.importorskip("botocore.utils")
    try:
        accepted = bool(utils.is_valid_endpoint_url(url)) or bool(utils.is_valid_ipv6_endpoint_url(url))
    except ValueError:
        accepted = False
    assert (botocore_endpoint_problem(url) is None) == accepted


def _sqlalchemy_urls():
    schemes = [
        "postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg3", "postgresql+", "postgresql+a+b",
        "mysql+mysqlconnector", "mysql+mysqldb", "mariadb", "mariadb+pymysql", "sqlite", "mssql+pyodbc", "oracle",
        "Postgresql", "+x", "_typing", "postgresql+dml", "postgresql-x", "pg",
    ]  # fmt: skip
    hosts = ["h", "h:5432", "h:", "h:abc", "h:5432:5432", "[::1]:5", "[::1", ":", "u:p@h:1", "u/x:p@h", "u@"]
    for scheme in schemes:
        for host in hosts:
            for tail in ("", "/db", "/db?sslmode=require", "?a=b"):
                for separator in ("://", ":/"):
                    yield f"{scheme}{separator}{host}{tail}"


def test_url_mirror_agrees_with_sqlalchemy():
    url_module = pytest.importorskip("sqlalchemy.engine.url")
    for url in _sqlalchemy_urls():
        try:
            url_module.make_url(url).get_dialect()
            accepted = True
        except Exception:  # noqa: BLE001 - any failure is a rejection
            accepted = False
        assert (sqlalchemy_url_problem(url) is None) == accepted, url


def test_dialect_table_is_sqlalchemys():
    pytest.importorskip("sqlalchemy")
    import importlib
    import pkgutil

    from sqlalchemy.engine.url import make_url

    for dialect, drivers in SQLALCHEMY_DIALECTS.items():
        package = importlib.import_module(f"sqlalchemy.dialects.{'mysql' if dialect == 'mariadb' else dialect}")
        candidates = {m.name for m in pkgutil.iter_modules(package.__path__)} | set(dir(package))
        loaded = set()
        for driver in candidates:
            try:
                make_url(f"{dialect}+{driver}://h/d").get_dialect()
                loaded.add(driver)
            except Exception:  # noqa: BLE001
                pass
        assert loaded == set(drivers), dialect


def test_conn_strings_are_dagsters():
    pg = pytest.importorskip("dagster_postgres.utils")
    my = pytest.importorskip("dagster_mysql.utils")
    from linter.rules.urls import mysql_conn_string, postgres_conn_string

    fields = {"username": "u@corp", "password": "p@ss:/? +", "hostname": "h", "db_name": "d", "port": 5432}
    assert postgres_conn_string(**fields, params={"a": "b c", "n": 1}, scheme="postgresql+pg8000") == pg.get_conn_string(
        **fields, params={"a": "b c", "n": 1}, scheme="postgresql+pg8000"
    )
    assert postgres_conn_string(**{**fields, "password": ""}) == pg.get_conn_string(**{**fields, "password": ""})
    assert mysql_conn_string(**fields) == my.get_conn_string(**fields)


def test_dagster_public_subpackages():
    dagster = pytest.importorskip("dagster")
    import pkgutil

    public = {m.name for m in pkgutil.iter_modules(dagster.__path__) if not m.name.startswith("_")}
    assert public == set(DAGSTER_PUBLIC_SUBPACKAGES)


@pytest.mark.parametrize(
    "module",
    ["dagster", "dagster._core.instance", "dagster.core.instance", "dagster.core", "dagster.launcher", "dagster.components", "dagster._nope"],
)
def test_imports_as_written(module):
    pytest.importorskip("dagster")
    import importlib.util

    try:
        importable = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        importable = False
    if module == "dagster._nope":
        assert imports_as_written(module) and not importable  # a private path is given the benefit of the doubt
    else:
        assert imports_as_written(module) == importable


def test_instance_class_pairs():
    def at(module, class_name):
        violation = unknown_class_violation(ClassBlock("instance_class", ("instance_class",), module, class_name, None, False), CATALOG)
        return violation.key_path[-1] if violation else None

    assert at("dagster.core.instance", "DagsterInstance") == "module"
    assert at("dagster._core.instance", "DagsterInstance") == "class"
    assert at("dagster", "DagsterInstance") == "class"
    assert at("dagster_k8s", "K8sRunLauncher") == "class"  # a run launcher, not an instance class
    assert at("dagster_k8", "MyInstance") == "module"
    assert at("my_company.instance", "MyInstance") is None


def _misspellings(word: str) -> list[str]:
    """A letter dropped near the end, and a letter swapped in the middle: two typos of `word`."""
    middle = len(word) // 2
    return [word[:-2] + word[-1], word[:middle] + word[middle + 1] + word[middle] + word[middle + 2:]]


@pytest.mark.parametrize("slot", sorted({entry.slot for entry in NEWEST.catalog.entries}))
def test_a_suggested_module_exports_the_class_meant(slot):
    """Issue 15: a module suggested for a misspelt pair is one the class the message names is imported from
    (not a module of another class of the slot), over every shipped class of the generated catalog."""
    catalog = NEWEST.catalog
    exported = {(entry.class_name, module) for entry in catalog.in_slot(slot) for module in entry.modules}
    checked = 0
    for entry in catalog.in_slot(slot):
        module = min(entry.modules, key=len)
        for wrong_module in _misspellings(module):
            for class_name in [entry.class_name, *_misspellings(entry.class_name)]:
                block = ClassBlock(slot, catalog.slot_paths[slot], wrong_module, class_name, None, False)
                violation = unknown_class_violation(block, catalog)
                if violation is None or violation.key_path[-1] != "module" or violation.suggestion is None:
                    continue
                named = re.search(r"did you mean `([^`]+)` from `([^`]+)`", violation.message)
                meant = named[1] if named else class_name
                if "." not in violation.suggestion and not named and (meant, violation.suggestion) not in exported:
                    continue  # a misspelt package: the package is suggested, the module path is judged next
                assert (meant, violation.suggestion) in exported, violation.message
                checked += 1
    assert checked, slot
