"""What the shipped run launchers' constructors reject.

Everything below passes the launchers' config types and is still rejected at start-up (common.py
says how a class is identified). Read from Dagster 1.13.27 and the 0.29.27 integrations.

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
- AcaRunLauncher (dagster_azure.container_apps): nothing beyond the config type (AcaRunLauncher needs the Azure SDK installed: the environment, not the file).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.findings import KeyPath, Target, Violation
from linter.rules import RuleContext, check
from linter.rules.classes import closest, lookup, source_value
from linter.rules.common import as_mapping, blocks_of, yaml_word

from linter.model.classes import (
    CELERY_K8S_RUN_LAUNCHER as CELERY_K8S_LAUNCHER,
    DOCKER_RUN_LAUNCHER as DOCKER_LAUNCHER,
    ECS_RUN_LAUNCHER as ECS_LAUNCHER,
    K8S_RUN_LAUNCHER as K8S_LAUNCHER,
)

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


# Keys the config type lets out but the launcher's `__init__` requires: (launcher, key, whether `null` fails `check.str_param`).
REQUIRED_BY_CONSTRUCTOR = (
    (K8S_LAUNCHER, "service_account_name", True),
    (CELERY_K8S_LAUNCHER, "postgres_password_secret", False),
)


@check("missing-key", "invalid-value")
def launcher_constructor_required_key(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that K8sRunLauncher has a string `service_account_name` and CeleryK8sRunLauncher has `postgres_password_secret`.

    Why it matters: the config type lets them out, but the launcher's constructor requires them, so Dagster fails to start.
    """
    for launcher, key, string_only in REQUIRED_BY_CONSTRUCTOR:
        name = launcher.rsplit(".", 1)[-1]
        for block, config in blocks_of(context, launcher):
            if key not in config:
                yield Violation(
                    "missing-key",
                    block.owner_path,
                    f"{name} requires `{key}` (its constructor has no default for it)",
                )
            elif string_only and config[key] is None:
                yield Violation(
                    "invalid-value",
                    (*block.config_path, key),
                    f"`{key}` must be a string, not `null`, for {name}",
                    Target.VALUE,
                )


@check("unknown-key")
def celery_k8s_launcher_unaccepted_keys(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for K8s job keys that CeleryK8sRunLauncher's config type offers but its constructor does not take.

    Why it matters: Dagster passes every config key to the constructor, which fails with "unexpected keyword argument".
    """
    for block, config in blocks_of(context, CELERY_K8S_LAUNCHER):
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
    for block, config in blocks_of(context, {K8S_LAUNCHER, CELERY_K8S_LAUNCHER}):
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
    for block, config in blocks_of(context, {K8S_LAUNCHER, CELERY_K8S_LAUNCHER}):
        labels = as_mapping(config.get("labels"))
        if labels is None:
            continue
        labels_path = (*block.config_path, "labels")
        for key, value in labels.items():
            if not isinstance(key, str):
                yield Violation(
                    "invalid-type",
                    labels_path,
                    f"label key {yaml_word(key)} must be a string: quote it",
                )
            elif not isinstance(value, str):
                yield Violation(
                    "invalid-type",
                    (*labels_path, key),
                    f"label `{key}` must be a string, got {yaml_word(value)}: quote it",
                    Target.VALUE,
                )


@check("conflicting-keys")
def docker_launcher_network_settings(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks DockerRunLauncher for `network` with `networks`, and for keys `container_kwargs` may not hold.

    Why it matters: `validate_docker_config` rejects both, so Dagster fails to start.
    """
    for block, config in blocks_of(context, DOCKER_LAUNCHER):
        network = source_value(context.environ, config.get("network"))
        if network and config.get("networks"):
            yield Violation(
                "conflicting-keys",
                (*block.config_path, "network"),
                "`network` cannot be combined with `networks`: list every network under `networks`",
            )
        container_kwargs = as_mapping(config.get("container_kwargs")) or {}
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
    for block, config in blocks_of(context, ECS_LAUNCHER):
        prefix = source_value(context.environ, config.get("task_definition_prefix"))
        if isinstance(prefix, str) and len(prefix) > ECS_MAX_TASK_DEFINITION_PREFIX:
            yield Violation(
                "invalid-value",
                (*block.config_path, "task_definition_prefix"),
                f"`task_definition_prefix` must be at most {ECS_MAX_TASK_DEFINITION_PREFIX} characters,"
                f" got {len(prefix)}",
                Target.VALUE,
            )
        task_definition = as_mapping(config.get("task_definition"))
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
    for block, config in blocks_of(context, ECS_LAUNCHER):
        kwargs = as_mapping(config.get("run_task_kwargs")) or {}
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
        suggestion = closest(str(key), ECS_RUN_TASK_KEYS)
        hint = f": did you mean `{suggestion}`?" if suggestion else ""
        yield Violation("unknown-key", path, f"`{key}` is not an argument of ECS RunTask{hint}", Target.KEY, suggestion)


@check("invalid-value")
def ecs_launcher_propagated_tags(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that `propagate_tags.allow_list` does not name the run tags EcsRunLauncher never propagates.

    Why it matters: the constructor rejects `dagster/op_selection` and `dagster/solid_selection` in the allow list.
    """
    for block, config in blocks_of(context, ECS_LAUNCHER):
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
