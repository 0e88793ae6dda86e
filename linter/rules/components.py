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

from linter.findings import Target, Violation
from linter.model.classes import LEGACY_STORAGE_KEYS
from linter.rules import RuleContext, check
from linter.rules.classes import class_blocks, resolve_block

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
    for describe, consequence in _CONSEQUENCES:
        what: Any = describe(context, classes)
        if what is not None:
            yield Violation(
                "component-mismatch",
                at,
                f"{launcher} runs each run in its own container, but {what} is local to one machine: {consequence}",
                Target.VALUE,
            )
