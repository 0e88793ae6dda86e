"""What a Dagster+ Hybrid agent adds to dagster.yaml, read from the installed dagster-cloud.

Imported by scripts/generate_schema.py and scripts/generate_defaults.py. dagster-cloud's releases
track Dagster's (dagster-cloud X.Y.Z pins dagster==X.Y.Z), so each version venv
(scripts/version_envs.sh) holds the dagster-cloud of its Dagster, with the extras that ship the
agent's user code launchers. Where it is not installed, `installed()` is false and the generators
write the version's data without the agent, saying why (`unavailable_reason`); the linter then judges
agent files with the nearest version that has agent data, and says so.

Sources of truth, all read from the installed dagster-cloud:

* the agent instance class, `dagster_cloud.instance.DagsterCloudAgentInstance`: its
  `config_schema()` is merged into Dagster's instance schema by `dagster_instance_config`
  (`merge_dicts`), so its keys (`dagster_cloud_api`, `user_code_launcher`, `isolated_agents`,
  `agent_replicas`, `agent_queues`, and per version `opentelemetry` or the `allowed_*_locations`)
  are top-level keys of an agent's file, and only of an agent's file;
* the modules under which Dagster's `class_from_code_pointer` (import as written, getattr) finds it;
* the `user_code_launcher` slot: `DagsterCloudAgentInstance.user_code_launcher` rehydrates it with
  `as_type=DagsterCloudUserCodeLauncher`, so its classes are found like every other slot's;
* dagster-cloud's classes for Dagster's own slots (found by the same scan as the integrations');
* `DagsterCloudAgentInstance.config_defaults(base_dir)`: the slots an agent gets when the file
  leaves them unset (Dagster+ storages, compute logs and secrets instead of SQLite and local files).

One fact is not in any config type: the agent's constructor refuses a file without
`user_code_launcher` (`DagsterCloudAgentInstance.__init__` raises "User code launcher is not
configured"), although `config_schema()` declares it optional. `START_REQUIRED_KEYS` holds it;
tests/test_differential.py checks it against the agent (tests/dagster_oracle.py, stage `agent`).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import json
import tempfile
from collections.abc import Mapping
from types import ModuleType
from typing import Any

PACKAGE = "dagster_cloud"
DISTRIBUTION = "dagster-cloud"
INSTANCE_CLASS = "dagster_cloud.instance.DagsterCloudAgentInstance"
UCL_SLOT = "user_code_launcher"
UCL_BASE = "dagster_cloud.workspace.user_code_launcher.user_code_launcher.DagsterCloudUserCodeLauncher"
UCL_NOUN = "user code launcher"
# Launcher packages that import only with one of dagster-cloud's extras: module -> extra.
EXTRA_MODULES = {
    "dagster_cloud.workspace.ecs": "ecs",
    "dagster_cloud.workspace.kubernetes": "kubernetes",
    "dagster_cloud.workspace.docker": "docker",
    "dagster_cloud.workspace.aca": "aca",
}
START_REQUIRED_KEYS = ("user_code_launcher",)  # see the module docstring

# Descriptions of the agent's top-level keys that dagster-cloud's Fields do not describe (a key
# with a `description` in dagster-cloud keeps its own). Hover text in editors.
KEY_DESCRIPTIONS = {
    "dagster_cloud_api": "Dagster+ agent: how the agent reaches Dagster+: its `agent_token` "
    "(required), the `deployment` or `deployments` it serves, `branch_deployments`, and the HTTP "
    "client settings.",
    "user_code_launcher": "Dagster+ agent: the class that starts code servers and runs (Docker, "
    "ECS, Kubernetes, local processes). Required: the agent refuses to start without it.",
    "isolated_agents": "Dagster+ agent: `enabled: true` when several agents serve the same "
    "deployment and cannot reach each other's code servers.",
    "agent_replicas": "Dagster+ agent: the former name of `isolated_agents` (deprecated); the "
    "two cannot be combined.",
    "agent_queues": "Dagster+ agent: the agent queues this agent serves: the default queue "
    "(`include_default_queue`) and `additional_queues`.",
    "opentelemetry": "Dagster+ agent: OpenTelemetry metrics and traces of the agent.",
}
# The Dagster+ docs page on an agent's dagster.yaml (hover links of the agent's keys).
DOCS_URL = "https://docs.dagster.io/deployment/dagster-plus/management/customizing-agent-settings"
DOCS_TITLE = "Customizing agent settings"
DEPRECATED_KEYS = {  # dagster-cloud's own comment: "deprecated in favor of isolated_agents"
    "agent_replicas": "isolated_agents",
}


def installed() -> bool:
    return importlib.util.find_spec(PACKAGE) is not None


def version() -> str:
    return importlib.metadata.version(DISTRIBUTION)


def unavailable_reason(dagster_version: str) -> str:
    return (
        f"dagster-cloud {dagster_version} was not installed where this data was generated "
        f"(no release of it for Dagster {dagster_version})"
    )


def agent_class() -> type:
    module_name, _, name = INSTANCE_CLASS.rpartition(".")
    return getattr(importlib.import_module(module_name), name)


def instance_class_modules(cls: type, modules: Mapping[str, ModuleType]) -> list[str]:
    """Modules where `class_from_code_pointer` (a plain import + getattr) finds exactly `cls`."""
    found = []
    for name, module in sorted(modules.items()):
        try:
            value = getattr(module, cls.__name__, None)
        except ImportError:
            value = None
        if value is cls:
            found.append(name)
    return found


def missing_extra_modules(modules: Mapping[str, ModuleType], declared: set[str]) -> list[str]:
    return [
        f"{module} (pip install 'dagster-cloud[{extra}]')"
        for module, extra in EXTRA_MODULES.items()
        if extra in declared and module not in modules
    ]


def config_defaults(yaml_load) -> dict[str, Any]:
    """`DagsterCloudAgentInstance.config_defaults(base_dir)` per slot, base_dir written `$DAGSTER_HOME`."""
    cls = agent_class()
    with tempfile.TemporaryDirectory() as home:
        defaults = cls.config_defaults(home)
        text = json.dumps({
            slot: None if data is None else {
                "module": data.module_name,
                "class": data.class_name,
                "config": yaml_load(data.config_yaml),
            }
            for slot, data in defaults.items()
        })
    return json.loads(text.replace(home, "$DAGSTER_HOME"))


def required_daemons(cls: type) -> list[str]:
    """The daemons an instance of the agent class needs (`get_required_daemon_types`, which reads no
    instance state in dagster-cloud: `[]`, the agent runs none)."""
    return sorted(cls.get_required_daemon_types(None))


def is_concrete_subclass(cls: type, base: type) -> bool:
    return inspect.isclass(cls) and issubclass(cls, base) and not inspect.isabstract(cls)
