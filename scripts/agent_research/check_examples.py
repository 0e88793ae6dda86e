"""Load each examples/*.yaml as a Dagster+ agent does, without contacting anything.

    DAGSTER_CLOUD_AGENT_TOKEN=x /tmp/agentvenvs/v113/bin/python scripts/agent_research/check_examples.py [FILES]

Steps (each the agent's own code, not constructing launchers that call AWS/K8s/Docker):
1. dagster._core.instance.config.dagster_instance_config(tmp) on a temp dir holding the file as
   dagster.yaml (the merged instance + DagsterCloudAgentInstance.config_schema() validation);
2. what DagsterCloudAgentInstance.__init__ checks: dagster_cloud_api processed with
   dagster_cloud_api_config(), not both deployment and deployments, a user_code_launcher present,
   not both isolated_agents and agent_replicas, agent_queues processed;
3. the user code launcher: import module/class (ConfigurableClassData.rehydrate's loader), subclass
   of DagsterCloudUserCodeLauncher, process_config(config_type(), config or {});
4. the launcher constructors' start-time checks that need no cloud access (ECS prefixes <= 16,
   service_discovery_reconcile_interval > 0, K8s service_account_name a string).
"""
import os
import sys
import tempfile
from pathlib import Path

from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config
from dagster._core.instance.ref import configurable_class_data
from dagster._utils import convert_dagster_submodule_name
import importlib

HERE = Path(__file__).resolve().parent


def check(path: Path) -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as home:
        Path(home, "dagster.yaml").write_text(path.read_text())
        try:
            config, cls = dagster_instance_config(home)
        except Exception as exc:  # noqa: BLE001
            return [f"dagster_instance_config: {type(exc).__name__}: {exc}"]
    if cls is None or cls.__name__ != "DagsterCloudAgentInstance":
        return [f"not an agent instance (instance class {cls})"]
    from dagster_cloud.storage.client import dagster_cloud_api_config

    api = process_config(dagster_cloud_api_config(), config["dagster_cloud_api"])
    if not api.success:
        return [f"dagster_cloud_api: {[e.message for e in api.errors]}"]
    if api.value.get("deployment") and api.value.get("deployments"):
        problems.append("constructor: both deployment and deployments (instance/__init__.py:98-104)")
    if isinstance(api.value.get("deployment"), list):
        problems.append(f"note: deployment is a list {api.value['deployment']}")
    if config.get("isolated_agents") and config.get("agent_replicas"):
        problems.append("constructor: both isolated_agents and agent_replicas (instance/__init__.py:129-133)")
    ucl = config.get("user_code_launcher")
    if not ucl:
        problems.append("constructor: no user_code_launcher (instance/__init__.py:110-115)")
        return problems
    data = configurable_class_data(ucl)
    from dagster_cloud.workspace.user_code_launcher.user_code_launcher import (
        DagsterCloudUserCodeLauncher,
    )

    try:
        module = importlib.import_module(convert_dagster_submodule_name(data.module_name, "private"))
        klass = getattr(module, data.class_name)
    except Exception as exc:  # noqa: BLE001
        problems.append(f"user_code_launcher: cannot load {data.module_name}.{data.class_name}: {type(exc).__name__}: {exc}")
        return problems
    if not issubclass(klass, DagsterCloudUserCodeLauncher):
        problems.append(f"user_code_launcher: {klass} is not a DagsterCloudUserCodeLauncher")
        return problems
    processed = process_config(klass.config_type(), data.config_dict)
    if not processed.success:
        problems.append(f"user_code_launcher.config: {[e.message for e in processed.errors]}")
        return problems
    value = processed.value
    if klass.__name__ == "EcsUserCodeLauncher":
        for key in ("server_task_definition_prefix", "run_task_definition_prefix"):
            if len(value.get(key) or "") > 16:
                problems.append(f"constructor: {key} longer than 16 (ecs/launcher.py:176-188)")
        interval = value.get("service_discovery_reconcile_interval")
        if interval is not None and interval <= 0:
            problems.append("constructor: service_discovery_reconcile_interval <= 0 (ecs/launcher.py:112-122)")
    if klass.__name__ == "K8sUserCodeLauncher" and not isinstance(value.get("service_account_name"), str):
        problems.append("constructor: service_account_name missing (kubernetes/launcher.py:133 check.str_param)")
    return problems


def main() -> int:
    os.environ.setdefault("DAGSTER_CLOUD_AGENT_TOKEN", "agent:myorg:0123456789abcdef")
    files = [Path(a) for a in sys.argv[1:]] or sorted((HERE / "examples").glob("*.yaml"))
    for path in files:
        problems = check(path)
        verdict = "ACCEPTED" if not [p for p in problems if not p.startswith("note:")] else "REJECTED"
        print(f"{path.name}: {verdict}")
        for p in problems:
            print(f"    {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
