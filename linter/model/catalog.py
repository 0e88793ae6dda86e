"""The class catalog: which classes Dagster and its official integrations ship for each slot.

`schema/<X.Y>/class-catalog.json` is written by `scripts/generate_schema.py`. Its shape:

    {
      "dagster_version": "1.13.27",
      "integrations_version": "0.29.27",
      "slots": {
        "<slot>": {                          # run_launcher, run_coordinator, compute_logs, scheduler,
                                             # local_artifact_storage, storage, run_storage,
                                             # event_log_storage, schedule_storage, secrets,
                                             # defs_state_storage, instance_class
          "base_class": "dagster._core.launcher.base.RunLauncher",
          "path": ["run_launcher"],           # where its {module, class, config} mapping sits in dagster.yaml
          "noun": "run launcher",             # what its classes are called in messages
          "classes": [
            {
              "class": "K8sRunLauncher",
              "qualname": "dagster_k8s.launcher.K8sRunLauncher",   # defining module + class name
              "package": "dagster-k8s",                            # distribution that ships it
              "modules": ["dagster_k8s", "dagster_k8s.launcher"],  # every module path Dagster accepts,
                                                                   # public `dagster.core.*` spellings included
              "config_definition": "config:dagster_k8s.launcher.K8sRunLauncher",  # key in the schema's definitions
              "resumes_runs": true                 # run launchers only: `supports_resume_run`
            }
          ]
        }
      }
    }

`slot` names are the instance keys; `storage` means `storage.custom` and `secrets` means `secrets.custom`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClassEntry:
    slot: str
    class_name: str
    qualname: str
    package: str
    modules: tuple[str, ...]
    config_definition: str
    resumes_runs: bool | None = None  # run launchers: whether the run monitor may resume their runs


@dataclass(frozen=True)
class Catalog:
    dagster_version: str
    integrations_version: str
    base_classes: dict[str, str]  # slot -> qualified base class name
    entries: tuple[ClassEntry, ...]
    slot_paths: dict[str, tuple[str, ...]]  # slot -> where its {module, class, config} mapping sits
    slot_nouns: dict[str, str]  # slot -> what its classes are called in messages ("run launcher")

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
    )
