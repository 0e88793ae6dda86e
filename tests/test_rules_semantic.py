"""The semantic checks (cross_keys, constructors, classes) on fixtures under tests/fixtures/semantic/.

Each fixture marks the line of every expected finding with `# expect: <rule>`. Fixtures are loaded
with PyYAML's safe loader here; positions are checked end-to-end with the document loader elsewhere.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from linter.catalog import Catalog, ClassEntry, load_catalog
from linter.findings import Target, Violation
from linter.rules import RuleContext, run_checks
from linter.rules.classes import ClassBlock, private_module_name, resolve_entry, unknown_class_violation

FIXTURES = Path(__file__).parent / "fixtures" / "semantic"
MARKER = re.compile(r"#\s*expect:\s*(?P<rule>[a-z-]+)\s*$")


def _entry(slot: str, qualname: str, package: str, *modules: str) -> ClassEntry:
    class_name = qualname.rsplit(".", 1)[1]
    return ClassEntry(slot, class_name, qualname, package, modules, f"config:{qualname}")


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
)

# fixture -> the (rule, key path) of every finding the semantic checks must give; absent = none
EXPECTED: dict[str, set[tuple[str, tuple]]] = {
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
    "k8s-launcher-label-not-string.yaml": {("invalid-value", ("run_launcher", "config", "labels", "version"))},
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
    "class-misspelt-module.yaml": {("unknown-class", ("run_launcher", "module"))},
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
    "class-misspelt-class.yaml": "K8sRunLauncher",
    "class-not-at-module-path.yaml": "dagster.core.launcher",
    "class-misspelt-package.yaml": "dagster_aws.s3",
    "class-of-another-kind.yaml": None,
}

ALL_FIXTURES = sorted(path.name for path in FIXTURES.glob("*.yaml"))


def _violations(data, catalog: Catalog = CATALOG) -> list[Violation]:
    return list(run_checks(RuleContext(data=data, catalog=catalog)))


def _load(name: str):
    return yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))


def _markers(name: str) -> Counter:
    found = Counter()
    for number, line in enumerate((FIXTURES / name).read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
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
    mark = key_node.start_mark if target is Target.KEY and key_node is not None else node.start_mark
    return mark.line + 1


def test_every_fixture_has_the_header():
    for name in ALL_FIXTURES:
        assert (FIXTURES / name).read_text(encoding="utf-8").startswith("# source: hand-written\n"), name


def test_every_expectation_has_a_fixture():
    assert set(EXPECTED) <= set(ALL_FIXTURES)
    assert set(SUGGESTIONS) <= set(EXPECTED)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_findings_match_expectations(name):
    found = {(v.rule, v.key_path) for v in _violations(_load(name))}
    assert found == EXPECTED.get(name, set())


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_markers_sit_on_the_lines_findings_point_to(name):
    violations = _violations(_load(name))
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
        violations = _violations(_load(name))
        assert len(violations) == len({(v.rule, v.key_path, v.message) for v in violations}), name


@pytest.mark.parametrize("name", sorted(SUGGESTIONS))
def test_suggestions(name):
    (violation,) = _violations(_load(name))
    assert violation.suggestion == SUGGESTIONS[name]


def test_target_conventions():
    for name in ALL_FIXTURES:
        for violation in _violations(_load(name)):
            if violation.rule in ("conflicting-keys", "missing-key", "unknown-key"):
                assert violation.target is Target.KEY, (name, violation)
            else:
                assert violation.target is Target.VALUE or violation.key_path[-1] == "labels", (name, violation)


def test_messages_use_yaml_words():
    for name in ALL_FIXTURES:
        for violation in _violations(_load(name)):
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


# Fixtures the generated catalog still gets wrong, with the reason (reported to the catalog's owner).
CATALOG_GAPS = {
    "ok-dagster-core-launcher.yaml": "the catalog lacks the `DefaultRunCoordinator` alias of SyncInMemoryRunCoordinator",
}


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_with_the_generated_catalog(name, request):
    try:
        catalog = load_catalog()
    except FileNotFoundError:
        pytest.skip("schema/class-catalog.json is not generated yet")
    if name in CATALOG_GAPS:
        request.applymarker(pytest.mark.xfail(reason=CATALOG_GAPS[name]))
    assert {(v.rule, v.key_path) for v in _violations(_load(name), catalog)} == EXPECTED.get(name, set())


# ---------------------------------------------------------------- the environment


def _found(data, environ) -> set[tuple[str, tuple]]:
    return {(v.rule, v.key_path) for v in run_checks(RuleContext(data=data, catalog=CATALOG, environ=environ))}


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
    assert _found(postgres, {}) == set()  # unset: another rule's business
    run_queue = {"run_queue": {"max_concurrent_runs": {"env": "MAX_RUNS"}}}
    assert _found(run_queue, {"MAX_RUNS": "-3"}) == {("invalid-value", ("run_queue", "max_concurrent_runs"))}
    assert _found(run_queue, {"MAX_RUNS": "-1"}) == set()
    assert _found(run_queue, {"MAX_RUNS": "many"}) == set()


def test_null_connection_keys_are_left_to_the_schema():
    assert _found({"storage": {"postgres": {"postgres_url": None}}}, {}) == set()
    assert _found({"storage": {"postgres": {"postgres_url": "postgresql://db", "postgres_db": None}}}, {}) == set()


def test_postgres_storage_without_config_misses_its_connection():
    data = {"storage": {"custom": {"module": "dagster_postgres", "class": "DagsterPostgresStorage"}}}
    assert _found(data, {}) == {("missing-key", ("storage", "custom"))}
