"""The class catalog: which classes Dagster and its official integrations ship for each slot.

`schema/<X.Y>/class-catalog.json` is written by `scripts/generate_schema.py`. Its shape:

    {
      "dagster_version": "1.13.27",
      "integrations_version": "0.29.27",
      "agent": {                             # the Dagster+ Hybrid agent (dagster-cloud), see AgentFacts
        "dagster_cloud_version": "1.13.27",  # null when dagster-cloud was not installed; then
        "unavailable": "...",                #   this says why, and nothing else is here
        "instance_class": "dagster_cloud.instance.DagsterCloudAgentInstance",
        "keys": ["agent_queues", ...],       # the top-level keys its config_schema() adds
        "required": ["dagster_cloud_api", "user_code_launcher"],  # what it needs to start
        "deprecated_keys": {"agent_replicas": "isolated_agents"},
        "daemons": []                        # get_required_daemon_types(): the agent runs none
      },
      "slots": {
        "<slot>": {                          # run_launcher, run_coordinator, compute_logs, scheduler,
                                             # local_artifact_storage, storage, run_storage,
                                             # event_log_storage, schedule_storage, secrets,
                                             # defs_state_storage, instance_class
          "base_class": "dagster._core.launcher.base.RunLauncher",
          "path": ["run_launcher"],           # where its {module, class, config} mapping sits in dagster.yaml
          "noun": "run launcher",             # what its classes are called in messages
          "instance_class": "...",            # only for a slot that exists only under that instance
                                              # class (the agent's `user_code_launcher`)
          "classes": [
            {
              "class": "K8sRunLauncher",
              "qualname": "dagster_k8s.launcher.K8sRunLauncher",   # defining module + class name
              "package": "dagster-k8s",                            # distribution that ships it
              "modules": ["dagster_k8s", "dagster_k8s.launcher"],  # every module path Dagster accepts,
                                                                   # public `dagster.core.*` spellings included
              "config_definition": "config:dagster_k8s.launcher.K8sRunLauncher",  # key in the schema's definitions
                                                   # (null for an instance class: its `config` is not read)
              "resumes_runs": true                 # run launchers only: `supports_resume_run`
            }
          ]
        }
      }
    }

`slot` names are the instance keys; `storage` means `storage.custom` and `secrets` means `secrets.custom`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ClassEntry:
    slot: str
    class_name: str
    qualname: str
    package: str
    modules: tuple[str, ...]
    config_definition: str | None
    resumes_runs: bool | None = None  # run launchers: whether the run monitor may resume their runs


@dataclass(frozen=True)
class Catalog:
    dagster_version: str
    integrations_version: str
    base_classes: dict[str, str]  # slot -> qualified base class name
    entries: tuple[ClassEntry, ...]
    slot_paths: dict[str, tuple[str, ...]]  # slot -> where its {module, class, config} mapping sits
    slot_nouns: dict[str, str]  # slot -> what its classes are called in messages ("run launcher")
    agent: AgentFacts | None = None  # the Dagster+ agent, when dagster-cloud's data is here
    agent_unavailable: str | None = None  # why it is not
    agent_only_slots: frozenset[str] = field(default_factory=frozenset)  # slots that only the agent has

    def names_agent(self, data: Any) -> bool:
        """Whether the document's `instance_class` is the Dagster+ agent's, spelt as Dagster loads it."""
        if self.agent is None or not isinstance(data, dict):
            return False
        block = data.get("instance_class")
        if not isinstance(block, dict):
            return False
        module, class_name = block.get("module"), block.get("class")
        entry = self.find("instance_class", module, class_name) if isinstance(module, str) else None
        return entry is not None and entry.qualname == self.agent.instance_class

    def slots(self) -> list[str]:
        return list(self.base_classes)

    def find(self, slot: str, module: str, class_name: str) -> ClassEntry | None:
        """The shipped class at `module`.`class_name` for `slot`, if Dagster would load it there."""
        for entry in self.entries:
            if entry.slot == slot and entry.class_name == class_name and module in entry.modules:
                return entry
        return None

    def find_any_slot(self, module: str, class_name: str) -> list[ClassEntry]:
        return [e for e in self.entries if e.class_name == class_name and module in e.modules]

    def in_slot(self, slot: str) -> list[ClassEntry]:
        return [e for e in self.entries if e.slot == slot]


@dataclass(frozen=True)
class AgentFacts:
    """The Dagster+ Hybrid agent instance (`DagsterCloudAgentInstance`) of one dagster-cloud release."""

    dagster_cloud_version: str
    instance_class: str  # qualified name
    keys: tuple[str, ...]  # the top-level keys it adds to dagster.yaml
    required: tuple[str, ...]  # the ones it needs to start
    deprecated_keys: dict[str, str]  # key -> the key that replaces it
    daemons: tuple[str, ...]  # the daemons it needs (`get_required_daemon_types()`); none

    @property
    def class_name(self) -> str:
        return self.instance_class.rpartition(".")[2]


def _agent_from_json(raw: dict | None) -> AgentFacts | None:
    if not raw or raw.get("dagster_cloud_version") is None:
        return None
    return AgentFacts(
        dagster_cloud_version=raw["dagster_cloud_version"],
        instance_class=raw["instance_class"],
        keys=tuple(raw["keys"]),
        required=tuple(raw["required"]),
        deprecated_keys=dict(raw.get("deprecated_keys", {})),
        daemons=tuple(raw["daemons"]),
    )


def catalog_from_json(raw: dict) -> Catalog:
    entries = tuple(
        ClassEntry(
            slot=slot,
            class_name=item["class"],
            qualname=item["qualname"],
            package=item["package"],
            modules=tuple(item["modules"]),
            config_definition=item["config_definition"],
            resumes_runs=item.get("resumes_runs"),
        )
        for slot, body in raw["slots"].items()
        for item in body["classes"]
    )
    return Catalog(
        dagster_version=raw["dagster_version"],
        integrations_version=raw["integrations_version"],
        base_classes={slot: body["base_class"] for slot, body in raw["slots"].items()},
        entries=entries,
        slot_paths={slot: tuple(body["path"]) for slot, body in raw["slots"].items()},
        slot_nouns={slot: body["noun"] for slot, body in raw["slots"].items()},
        agent=_agent_from_json(raw.get("agent")),
        agent_unavailable=(raw.get("agent") or {}).get("unavailable"),
        agent_only_slots=frozenset(slot for slot, body in raw["slots"].items() if body.get("instance_class")),
    )
