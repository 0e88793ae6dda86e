"""`component-mismatch`: components that cannot work together in one deployment.

A launcher that starts each run in its own container or pod (K8sRunLauncher, DockerRunLauncher,
EcsRunLauncher, CeleryK8sRunLauncher, and Azure's AcaRunLauncher; any module path Dagster accepts,
resolved through the catalog) needs components every container shares. Paired with it:

- SQLite storage (each container writes its own database file, so the webserver and daemon never
  see the runs' events): explicit `storage.sqlite`, `storage.custom` naming DagsterSqliteStorage,
  the legacy `run_storage`/`event_log_storage`/`schedule_storage` naming a SQLite (or in-memory)
  storage, and the defaults: no `storage` (or an empty one) and no legacy key is DagsterSqliteStorage
  under `$DAGSTER_HOME`; once one legacy key is given, each legacy key left out is its SQLite default
  (`InstanceRef.from_dir`). One finding for the storage, however many legacy keys are SQLite.
- a LocalComputeLogManager, explicit or by default (no `compute_logs`): stdout/stderr stay on the
  run's container and the UI cannot show them.
- an explicit `local_artifact_storage` (the only kind Dagster ships is local): the runs write
  artifacts inside their own containers. The default is not reported: every deployment has one, and
  Dagster's own Helm chart leaves it so.

Not a mismatch: a local directory that lies on a volume mounted into every run container (the
directory is then shared): DockerRunLauncher `container_kwargs.volumes` (`src:dst[:mode]` strings,
or docker-py's `{src: {bind: dst}}`), K8sRunLauncher / CeleryK8sRunLauncher `volume_mounts` and
`run_k8s_config.container_config.volume_mounts` (`mountPath`), EcsRunLauncher
`task_definition.mount_points` (`containerPath`, when `task_definition` is a mapping; a task
definition ARN or the copied current task hides them). The directories are each component's
`base_dir` (an `env:` value when it is given), and for what defaults under `$DAGSTER_HOME` (no
`storage`, no `compute_logs`), the run containers' `$DAGSTER_HOME`, which only the K8s launchers
show (`dagster_home`, default `/opt/dagster/dagster_home`). A directory that cannot be told keeps
the warning.

Where: every finding points at the launcher's `class:` line, the one place all three pairs share (a
default storage or compute log manager has no line of its own); the message names the other
component and where it is set. One finding per mismatched pair.

Not judged in a Dagster+ agent's file: the agent never loads its `run_launcher` (agent.py reports
one written there), and its storage, compute logs and secrets default to Dagster+'s own.

Not mismatches: QueuedRunCoordinator needs the daemon, which no file can show is running;
`run_monitoring.max_resume_run_attempts` with a launcher that cannot resume is `conflicting-keys`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import posixpath

from linter.findings import Target, Violation
from linter.model.classes import LEGACY_STORAGE_KEYS
from linter.rules import RuleContext, check
from linter.rules.classes import class_blocks, lookup, resolve_block, source_value
from linter.rules.common import as_mapping
from linter.schema_nodes import object_branch

CONTAINER_LAUNCHERS = {
    "dagster_k8s.launcher.K8sRunLauncher": "K8sRunLauncher",
    "dagster_docker.docker_run_launcher.DockerRunLauncher": "DockerRunLauncher",
    "dagster_aws.ecs.launcher.EcsRunLauncher": "EcsRunLauncher",
    "dagster_celery_k8s.launcher.CeleryK8sRunLauncher": "CeleryK8sRunLauncher",
    "dagster_azure.container_apps.launcher.AcaRunLauncher": "AcaRunLauncher",
}
SQLITE_STORAGES = {
    "dagster._core.storage.sqlite_storage.DagsterSqliteStorage",
    "dagster._core.storage.runs.sqlite.sqlite_run_storage.SqliteRunStorage",
    "dagster._core.storage.event_log.sqlite.sqlite_event_log.SqliteEventLogStorage",
    "dagster._core.storage.event_log.sqlite.consolidated_sqlite_event_log.ConsolidatedSqliteEventLogStorage",
    "dagster._core.storage.schedules.sqlite.sqlite_schedule_storage.SqliteScheduleStorage",
}
IN_MEMORY_STORAGES = {"dagster._core.storage.event_log.in_memory.InMemoryEventLogStorage"}
LOCAL_COMPUTE_LOGS = "dagster._core.storage.local_compute_log_manager.LocalComputeLogManager"


def _qualnames(context: RuleContext) -> dict[str, str | None]:
    """slot -> qualname of the shipped class its block resolves to (None: not a shipped class)."""
    found: dict[str, str | None] = {}
    for block in class_blocks(context.data, context.catalog):
        entry = resolve_block(context, block)
        found[block.slot] = entry.qualname if entry is not None else None
    return found


def _legacy_storage(context: RuleContext, classes: dict[str, str | None]) -> str | None:
    """Why the legacy storages are local, or None."""
    local = []
    for key in LEGACY_STORAGE_KEYS:
        if not context.data.get(key):
            local.append(f"`{key}` (left out: SQLite by default)")
        elif classes.get(key) in SQLITE_STORAGES:
            local.append(f"`{key}` (SQLite)")
        elif classes.get(key) in IN_MEMORY_STORAGES:
            local.append(f"`{key}` (in memory)")
    if not local:
        return None
    return "the legacy storage " + ", ".join(local)


def local_storage(context: RuleContext, classes: dict[str, str | None]) -> str | None:
    """How the storage ends up SQLite (or in memory), described for a message; None when it is shared or unknown."""
    data = context.data
    if any(data.get(key) for key in LEGACY_STORAGE_KEYS):  # Dagster's own test: any truthy legacy key
        return _legacy_storage(context, classes)
    storage = data.get("storage")
    if not storage:
        return "the storage (no `storage`: SQLite under `$DAGSTER_HOME` by default)"
    if not isinstance(storage, dict):
        return None  # the schema's business
    if "postgres" in storage or "mysql" in storage:
        return None
    if "sqlite" in storage:
        return "the SQLite storage (`storage.sqlite`)"
    if classes.get("storage") in SQLITE_STORAGES:
        return "the SQLite storage (`storage.custom`)"
    return None


def local_compute_logs(context: RuleContext, classes: dict[str, str | None]) -> str | None:
    if "compute_logs" not in context.data or context.data.get("compute_logs") is None:
        return "the compute log manager (no `compute_logs`: LocalComputeLogManager by default)"
    if classes.get("compute_logs") == LOCAL_COMPUTE_LOGS:
        return "the LocalComputeLogManager (`compute_logs`)"
    return None


def local_artifacts(context: RuleContext, classes: dict[str, str | None]) -> str | None:
    if classes.get("local_artifact_storage") is not None:
        return "the local artifact storage (`local_artifact_storage`)"
    return None


def _mount_targets(context: RuleContext, launcher: str) -> list[str]:
    """The container paths the run launcher mounts a volume at, in every run container it starts."""
    config = as_mapping(lookup(context.data, ("run_launcher", "config"))) or {}
    targets: list = []
    if launcher == "DockerRunLauncher":
        volumes = lookup(config, ("container_kwargs", "volumes"))
        if isinstance(volumes, list):
            targets += [v.split(":")[1] for v in volumes if isinstance(v, str) and v.count(":") >= 1]
        elif isinstance(volumes, dict):
            targets += [b.get("bind") for b in volumes.values() if isinstance(b, dict)]
    elif launcher in ("K8sRunLauncher", "CeleryK8sRunLauncher"):
        mounts = list(config.get("volume_mounts") or [])
        container = as_mapping(lookup(config, ("run_k8s_config", "container_config"))) or {}
        mounts += list(container.get("volume_mounts") or container.get("volumeMounts") or [])
        targets += [m.get("mount_path", m.get("mountPath")) for m in mounts if isinstance(m, dict)]
    elif launcher == "EcsRunLauncher":
        mounts = lookup(config, ("task_definition", "mount_points"))
        targets += [m.get("containerPath") for m in mounts or [] if isinstance(m, dict)]
    resolved = [source_value(context.environ, target) for target in targets]
    return [posixpath.normpath(t) for t in resolved if isinstance(t, str) and t.startswith("/")]


def _run_dagster_home(context: RuleContext, launcher: str) -> str | None:
    """`$DAGSTER_HOME` in the run containers, where the launcher shows it (the K8s launchers' `dagster_home`)."""
    if launcher not in ("K8sRunLauncher", "CeleryK8sRunLauncher"):
        return None
    home = source_value(context.environ, lookup(context.data, ("run_launcher", "config", "dagster_home")))
    if home is None:  # the config type's default
        qualname = next(q for q, name in CONTAINER_LAUNCHERS.items() if name == launcher)
        config = object_branch(context.model.schema, context.model.schema["definitions"].get(f"config:{qualname}"))
        home = ((config or {}).get("properties", {}).get("dagster_home") or {}).get("default")
    return home if isinstance(home, str) else None


def _directories(context: RuleContext, describe, classes: dict[str, str | None], home: str | None) -> list | None:
    """The run-container directories the component `describe` judges writes to; None when one cannot be told."""
    data = context.data

    def base_dir(path: tuple) -> str | None:
        value = source_value(context.environ, lookup(data, path))
        return value if isinstance(value, str) else None

    def under_home(suffix: str) -> str | None:
        return None if home is None else posixpath.join(home, suffix)

    if describe is local_storage:
        if any(data.get(key) for key in LEGACY_STORAGE_KEYS):
            return [base_dir((key, "config", "base_dir")) if data.get(key) else under_home("") for key in LEGACY_STORAGE_KEYS
                    if not data.get(key) or classes.get(key) in SQLITE_STORAGES | IN_MEMORY_STORAGES]
        storage = data.get("storage")
        if not storage:
            return [under_home("")]
        if "sqlite" in storage:
            return [base_dir(("storage", "sqlite", "base_dir"))]
        return [base_dir(("storage", "custom", "config", "base_dir"))]
    if describe is local_compute_logs:
        if not data.get("compute_logs"):
            return [under_home("storage")]
        return [base_dir(("compute_logs", "config", "base_dir"))]
    return [base_dir(("local_artifact_storage", "config", "base_dir"))]


def _on_mounted_volume(directories: list | None, targets: list[str]) -> bool:
    if not directories or not targets or any(d is None for d in directories):
        return False
    return all(any(posixpath.normpath(d) == t or posixpath.normpath(d).startswith(t.rstrip("/") + "/")
                   for t in targets) for d in directories)


_CONSEQUENCES = (
    (local_storage, "each run's container writes its own database file, so the webserver and daemon never see its events"),
    (local_compute_logs, "each run's stdout/stderr stays in its container, so the UI cannot show them; use S3, GCS or Azure compute logs"),
    (
        local_artifacts,
        "each run writes its artifacts inside its own container unless `base_dir` is a volume every container mounts",
    ),
)


@check("component-mismatch")
def container_launcher_with_local_components(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for local storage, compute logs or artifacts beside a launcher that runs each run in its own container.

    Why it matters: what one container writes to its own disk, the webserver, the daemon and other runs never see.
    """
    if not isinstance(context.data, dict) or context.catalog.names_agent(context.data):
        return  # a Dagster+ agent never loads `run_launcher`; its storage and logs default to Dagster+'s
    classes = _qualnames(context)
    launcher = CONTAINER_LAUNCHERS.get(classes.get("run_launcher") or "")
    if launcher is None:
        return
    at = ("run_launcher", "class")
    targets = _mount_targets(context, launcher)
    home = _run_dagster_home(context, launcher)
    for describe, consequence in _CONSEQUENCES:
        what: Any = describe(context, classes)
        if what is not None and not _on_mounted_volume(_directories(context, describe, classes, home), targets):
            yield Violation(
                "component-mismatch",
                at,
                f"{launcher} runs each run in its own container, but {what} is local to one machine: {consequence}",
                Target.VALUE,
            )
