"""What a Dagster+ Hybrid agent refuses, or never uses, beyond its config schema.

An agent's dagster.yaml names `dagster_cloud.instance.DagsterCloudAgentInstance` as `instance_class`;
its keys and the user code launchers' configs are in the schema (generated from dagster-cloud, see
scripts/agent_source.py). These checks run only on such a file (`Catalog.names_agent`), and mirror
dagster-cloud's code (read in dagster-cloud 1.9.13 to 1.13.27; line numbers are 1.13.27's):

- `DagsterCloudAgentInstance.__init__` (dagster_cloud/instance/__init__.py):
  - `dagster_cloud_api` with both `deployment` and `deployments` set (truthy) -> conflicting-keys
    (`check.invariant`, :98-104);
  - `isolated_agents` together with `agent_replicas` (both truthy) -> conflicting-keys (:129-133);
  - `assert self.dagster_cloud_url`: without `url`, the URL is derived from the agent token by
    `decode_agent_token` (dagster_cloud/auth/constants.py), which fails for a token without an
    organization (one part), a user token (`user:...`) and a token that is not `agent:<org>:<id>` (a
    ValueError unpacking it) -> invalid-value, where the token is known (written, or its `env:` given);
  - a missing `user_code_launcher` (:110-115): the schema (`required` under the agent's `instance_class`).
- The user code launchers' constructors (run when the agent first uses the launcher, at start):
  - EcsUserCodeLauncher (dagster_cloud/workspace/ecs/launcher.py): `server_task_definition_prefix`
    and `run_task_definition_prefix` longer than 16 characters (`check.invariant`, :176-188);
    `service_discovery_reconcile_interval` <= 0 (:112-122; the key exists from dagster-cloud 1.13)
    -> invalid-value;
  - K8sUserCodeLauncher (dagster_cloud/workspace/kubernetes/launcher.py): `service_account_name` is
    `Noneable` and optional in the config but `check.str_param` in `__init__` (:133) -> missing-key
    when absent, invalid-value when `null`.
- `run_monitoring` enabled with `max_resume_run_attempts` > 0 -> conflicting-keys: the instance's
  `_initialize_run_monitoring` (DagsterInstance.__init__, before the agent's own `__init__` body)
  asks `self.run_launcher.supports_resume_run`, and the agent's `run_launcher` is its user code
  launcher's, which does not exist yet: AttributeError `_user_code_launcher` (1.9 to 1.13).
- `agent_replicas` -> deprecated (dagster-cloud's `config_schema()`: "deprecated in favor of
  isolated_agents"; it still works), unless it already conflicts with `isolated_agents`.
- `run_launcher` -> component-mismatch: `DagsterCloudAgentInstance.run_launcher` returns
  `self.user_code_launcher.run_launcher()` (:345-350), so the agent never loads the file's run
  launcher; its runs are launched as the user code launcher decides.
- `deployment` written as a list -> suspicious-value: the schema accepts it (`ScalarUnion(str, [str])`),
  but `deployment_names` returns `[deployment]`, one "name" that is a list; several deployments go
  under `deployments`.
"""

from __future__ import annotations

from collections.abc import Iterator
from linter.findings import Target, Violation
from linter.model.classes import ECS_USER_CODE_LAUNCHER, K8S_USER_CODE_LAUNCHER
from linter.rules import RuleContext, check
from linter.rules.classes import UNKNOWN, source_value
from linter.rules.common import as_mapping, blocks_of
from linter.rules.launchers import ECS_MAX_TASK_DEFINITION_PREFIX

API = "dagster_cloud_api"
ECS_PREFIX_KEYS = ("server_task_definition_prefix", "run_task_definition_prefix")
ECS_RECONCILE_INTERVAL = "service_discovery_reconcile_interval"


def _agent_config(context: RuleContext) -> dict | None:
    data = context.data
    return data if context.catalog.names_agent(data) else None


def _later_of(mapping: dict, first: str, second: str) -> str:
    keys = list(mapping)
    return second if keys.index(second) > keys.index(first) else first


@check("conflicting-keys")
def agent_constructor_conflicts(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `deployment` with `deployments`, and `isolated_agents` with `agent_replicas`.

    Why it matters: the Dagster+ agent refuses each pair when it starts.
    """
    data = _agent_config(context)
    if data is None:
        return
    api = as_mapping(data.get(API))
    if api and api.get("deployment") and api.get("deployments"):
        later = _later_of(api, "deployment", "deployments")
        yield Violation(
            "conflicting-keys",
            (API, later),
            "`dagster_cloud_api` sets both `deployment` and `deployments`; the agent refuses to start"
            " (\"Cannot set both deployment and deployments\"); list every deployment under `deployments`",
            Target.KEY,
        )
    if data.get("isolated_agents") and data.get("agent_replicas"):
        later = _later_of(data, "isolated_agents", "agent_replicas")
        yield Violation(
            "conflicting-keys",
            (later,),
            "both `isolated_agents` and `agent_replicas` are set; the agent refuses to start with both"
            " (`agent_replicas` is the former name of `isolated_agents`); remove `agent_replicas`",
            Target.KEY,
        )


def token_public_part(token: str) -> str | None:
    """What of an agent token is not secret: `agent:<organization>:`, from which the agent derives its
    Dagster+ URL (None when `token` is not of that form)."""
    parts = token.split(":")
    return f"{parts[0]}:{parts[1]}:" if len(parts) == 3 and _token_problem(token) is None else None


def _token_problem(token: str) -> str | None:
    """Why `decode_agent_token` cannot derive the Dagster+ URL from `token`, if it cannot."""
    parts = token.split(":")
    if len(parts) == 1:
        return ("names no organization (not `agent:<organization>:<id>`), so the agent cannot derive its Dagster+"
                " URL; use an agent token, or set `dagster_cloud_api.url`")
    if parts[0] == "user":
        return "is a user token; agents authenticate only with an agent token (`agent:<organization>:<id>`)"
    if len(parts) != 3:
        return "is not of the form `agent:<organization>:<id>`, and the agent fails to read it"
    return None


@check("invalid-value")
def agent_token_form(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that the agent token can give the agent its Dagster+ URL when `url` is not set.

    Why it matters: without `url`, the agent derives its URL from the token and fails to start on a token it cannot read.
    """
    data = _agent_config(context)
    api = as_mapping(data.get(API)) if data else None
    if not api or "url" in api:
        return
    token = source_value(context.environ, api.get("agent_token"))
    if not isinstance(token, str) or token is UNKNOWN:
        return
    problem = _token_problem(token)
    if problem:
        if isinstance(api.get("agent_token"), str):
            where, what = (API, "agent_token"), "`agent_token`"
        else:  # the value of an `env:` reference: at the variable's name
            where, what = (API, "agent_token", "env"), f"`{api['agent_token']['env']}` (the `agent_token`)"
        yield Violation("invalid-value", where, f"{what} {problem}", Target.VALUE)


@check("invalid-value", "missing-key")
def user_code_launcher_constructor(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks what the ECS and Kubernetes user code launchers' constructors refuse.

    Why it matters: the agent builds its user code launcher when it starts, and stops on these.
    """
    if _agent_config(context) is None:
        return
    for block, config in blocks_of(context, ECS_USER_CODE_LAUNCHER):
        for key in ECS_PREFIX_KEYS:
            prefix = source_value(context.environ, config.get(key))
            if isinstance(prefix, str) and len(prefix) > ECS_MAX_TASK_DEFINITION_PREFIX:
                yield Violation(
                    "invalid-value",
                    (*block.config_path, key),
                    f"`{key}` must be at most {ECS_MAX_TASK_DEFINITION_PREFIX} characters, got {len(prefix)}",
                    Target.VALUE,
                )
        interval = source_value(context.environ, config.get(ECS_RECONCILE_INTERVAL), as_int=True)
        if isinstance(interval, int) and not isinstance(interval, bool) and interval <= 0:
            yield Violation(
                "invalid-value",
                (*block.config_path, ECS_RECONCILE_INTERVAL),
                f"`{ECS_RECONCILE_INTERVAL}` must be a positive number of seconds, got {interval}",
                Target.VALUE,
            )
    for block, config in blocks_of(context, K8S_USER_CODE_LAUNCHER):
        if "service_account_name" not in config:
            yield Violation(
                "missing-key",
                block.owner_path,
                "K8sUserCodeLauncher requires `service_account_name` (its constructor has no default for it)",
            )
        elif config["service_account_name"] is None:
            yield Violation(
                "invalid-value",
                (*block.config_path, "service_account_name"),
                "`service_account_name` must be a string, not `null`, for K8sUserCodeLauncher",
                Target.VALUE,
            )


@check("conflicting-keys")
def run_monitoring_resume_on_agent(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for run monitoring with resume attempts in a Dagster+ agent's file.

    Why it matters: the agent crashes when it starts: Dagster asks its run launcher whether it can resume runs before the agent has one.
    """
    data = _agent_config(context)
    monitoring = as_mapping(data.get("run_monitoring")) if data else None
    if not monitoring or not monitoring.get("enabled"):
        return
    attempts = monitoring.get("max_resume_run_attempts")
    if isinstance(attempts, int) and not isinstance(attempts, bool) and attempts:
        yield Violation(
            "conflicting-keys",
            ("run_monitoring", "max_resume_run_attempts"),
            "`max_resume_run_attempts` must be 0 in a Dagster+ agent's file with run monitoring enabled: Dagster asks"
            " the run launcher whether it can resume runs before the agent has built its user code launcher, and the"
            " agent crashes (AttributeError `_user_code_launcher`)",
            Target.KEY,
        )


@check("deprecated")
def deprecated_agent_keys(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for agent keys dagster-cloud has renamed (`agent_replicas` -> `isolated_agents`).

    Why it matters: the old name still works, but it is no longer documented and may be removed.
    """
    data = _agent_config(context)
    if data is None:
        return
    for key, replacement in context.catalog.agent.deprecated_keys.items():
        if key in data and not data.get(replacement):
            yield Violation(
                "deprecated",
                (key,),
                f"`{key}` is deprecated: dagster-cloud reads it as `{replacement}`",
                Target.KEY,
                suggestion=replacement,
            )


@check("component-mismatch")
def run_launcher_on_agent(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for a `run_launcher` in a Dagster+ agent's file.

    Why it matters: the agent never loads it; its runs are launched by the user code launcher's own run launcher.
    """
    data = _agent_config(context)
    if data is None or "run_launcher" not in data:
        return
    launcher = as_mapping(data.get("user_code_launcher")) or {}
    name = launcher.get("class") if isinstance(launcher.get("class"), str) else "the user code launcher"
    yield Violation(
        "component-mismatch",
        ("run_launcher",),
        f"the Dagster+ agent never uses `run_launcher`: its runs are launched by the run launcher of {name}"
        " (`DagsterCloudAgentInstance.run_launcher`), so these settings have no effect; configure runs in"
        " the `user_code_launcher` config",
        Target.KEY,
    )


@check("suspicious-value")
def deployment_as_list(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `dagster_cloud_api.deployment` written as a list.

    Why it matters: the agent reads `deployment` as one deployment name; several deployments go under `deployments`.
    """
    data = _agent_config(context)
    api = as_mapping(data.get(API)) if data else None
    if api and isinstance(api.get("deployment"), list):
        yield Violation(
            "suspicious-value",
            (API, "deployment"),
            "`deployment` is a list: dagster-cloud accepts it but takes the whole list as one deployment name;"
            " list several deployments under `deployments`",
            Target.KEY,
            suggestion="deployments",
        )
