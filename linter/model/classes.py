"""The shipped classes and keys the rules name, each in one place.

A rule that mirrors one class's constructor names that class by its qualified name (the catalog's
`qualname`, the same in every supported version); what differs by version (whether it exists, its
config, whether it resumes runs) is read from the `Catalog` of the version judged.
"""

K8S_RUN_LAUNCHER = "dagster_k8s.launcher.K8sRunLauncher"
CELERY_K8S_RUN_LAUNCHER = "dagster_celery_k8s.launcher.CeleryK8sRunLauncher"
DOCKER_RUN_LAUNCHER = "dagster_docker.docker_run_launcher.DockerRunLauncher"
ECS_RUN_LAUNCHER = "dagster_aws.ecs.launcher.EcsRunLauncher"
QUEUED_RUN_COORDINATOR = "dagster._core.run_coordinator.queued_run_coordinator.QueuedRunCoordinator"
DAEMON_SCHEDULER = "dagster._core.scheduler.scheduler.DagsterDaemonScheduler"
GCS_COMPUTE_LOG_MANAGER = "dagster_gcp.gcs.compute_log_manager.GCSComputeLogManager"

# The per-kind storage keys that `storage` replaces; Dagster still loads them (a CompositeStorage).
LEGACY_STORAGE_KEYS = ("run_storage", "event_log_storage", "schedule_storage")

# Dagster+ agent user code launchers (dagster-cloud)
ECS_USER_CODE_LAUNCHER = "dagster_cloud.workspace.ecs.launcher.EcsUserCodeLauncher"
K8S_USER_CODE_LAUNCHER = "dagster_cloud.workspace.kubernetes.launcher.K8sUserCodeLauncher"
