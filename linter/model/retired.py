"""`dagster_*` packages and classes that instance-lint does not model, and what it knows of them.

Two facts the `module`/`class` checks need about packages outside the catalog (linter/rules/classes.py):

- RETIRED_PACKAGES, RETIRED_CLASSES: integrations that shipped classes for an instance slot (schedulers,
  run launchers...) and are no longer released for a supported Dagster (1.9-1.13). Dagster cannot
  import them, so naming one is an `unknown-class` error that says so and names the replacement.
- UNMODELLED_PACKAGES: `dagster_*` packages that are released today (PyPI) and whose names are close to
  a modelled package's (`dagster_celery` / `dagster_celery_k8s`, `dagster_looker` / `dagster_docker`):
  they are packages of their own, not typos, so they get the `unchecked-class` note, not a did-you-mean.

Each entry says where it was verified. "PyPI" means the wheel of the named version was downloaded with
`pip download --no-deps <dist>==<version>` and read (its METADATA pins and its modules), and
`pip index versions <dist>` gave the last release; checked with Dagster 1.13.27 / integrations 0.29.27.
"""

from __future__ import annotations

from typing import NamedTuple


class Retired(NamedTuple):
    distribution: str  # what `pip install` names: "dagster-cron"
    last_release: str  # the last release of the distribution that has the class(es)
    last_dagster: str  # the Dagster that release is for (its pin on `dagster`, or the release it tracks)
    replacement: str  # what to write instead, told in the message after "use"


_DAEMON_SCHEDULER = (
    "the DagsterDaemonScheduler, Dagster's default scheduler, run by `dagster-daemon`: leave `scheduler` out"
)

# package (top-level module) -> why none of its classes load.
RETIRED_PACKAGES: dict[str, Retired] = {
    # dagster-cron: SystemCronScheduler (dagster_cron, dagster_cron.cron_scheduler). PyPI: the last
    # release is 0.11.16 (`pip index versions dagster-cron`: nothing after 0.11.16), and its wheel's
    # METADATA says `Requires-Dist: dagster (==0.11.16)`. Dagster 0.10.0's changelog moves schedules to
    # the DagsterDaemonScheduler ("moving from SystemCronScheduler or K8sScheduler to the new scheduler").
    "dagster_cron": Retired("dagster-cron", "0.11.16", "0.11.16", _DAEMON_SCHEDULER),
}

# (package, class) -> why that class no longer loads, while its package is still released.
RETIRED_CLASSES: dict[tuple[str, str], Retired] = {
    # dagster-k8s: K8sScheduler (dagster_k8s, dagster_k8s.scheduler). PyPI: the 0.11.16 wheel has
    # dagster_k8s/scheduler.py and exports K8sScheduler (`Requires-Dist: dagster (==0.11.16)`); the
    # 0.12.0 wheel has no scheduler module and dagster_k8s no K8sScheduler.
    ("dagster_k8s", "K8sScheduler"): Retired("dagster-k8s", "0.11.16", "0.11.16", _DAEMON_SCHEDULER),
    # dagster-graphql: RemoteDagitRunLauncher (dagster_graphql.launcher). PyPI: the wheels 0.7.16 to
    # 0.9.14 have dagster_graphql/launcher/__init__.py with the class; 0.9.15 and later have no
    # `launcher` package. dagster-graphql's releases are Dagster's (0.9.14 is Dagster 0.9.14's).
    ("dagster_graphql", "RemoteDagitRunLauncher"): Retired(
        "dagster-graphql", "0.9.14", "0.9.14",
        "the DefaultRunLauncher, Dagster's default run launcher: leave `run_launcher` out",
    ),
}

# Released `dagster_*` packages whose names are close to a modelled package's (difflib's did-you-mean
# would take them for typos). All on PyPI with a release for Dagster 1.13 (or, for third-party ones,
# `dagster>=` a supported version) at the time of writing; the ones that ship an instance class are said.
UNMODELLED_PACKAGES: frozenset[str] = frozenset({
    "dagster_celery",  # dagster-celery 0.29.27: CeleryRunLauncher (dagster_celery.launcher); ~ dagster_celery_k8s
    "dagster_celery_docker",  # dagster-celery-docker 0.29.27: an executor only; ~ dagster_celery_k8s
    "dagster_cloud_cli",  # dagster-cloud-cli 1.13.x: the Dagster+ CLI; ~ dagster_cloud
    "dagster_cloudquery",  # dagster-cloudquery 0.1.2 (third-party); ~ dagster_cloud
    "dagster_docker_swarm",  # dagster-docker-swarm 0.2.2 (third-party): a run launcher; ~ dagster_docker
    "dagster_dora",  # dagster-dora 0.1.0 (third-party); ~ dagster_docker
    "dagster_huaweicloud",  # dagster-huaweicloud 1.0.0 (third-party); ~ dagster_cloud
    "dagster_looker",  # dagster-looker 0.29.27; ~ dagster_docker
    "dagster_mcp",  # dagster-mcp 0.12.3 (third-party); ~ dagster_gcp
    "dagster_obstore",  # dagster-obstore 0.2.5 (third-party): S3/ADLS/GCS compute log managers; ~ dagster_postgres
    "dagster_qcloud_cos",  # dagster-qcloud-cos 0.27.4 (third-party); ~ dagster_cloud
})
