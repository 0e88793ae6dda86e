"""Prototype: generate what a Dagster+ Hybrid agent's dagster.yaml adds, from dagster-cloud itself.

Usage (with a Python that has dagster and dagster-cloud, with the `ecs`, `kubernetes`, `docker`
and, where the release declares it, `aca` extras installed):

    /tmp/agentvenvs/v113/bin/python scripts/agent_research/generate_agent_data.py OUT.json

It writes one JSON document:

* `instance_class`: the module/class an agent names (`dagster_cloud.instance.DagsterCloudAgentInstance`)
  and every module path Dagster's `class_from_code_pointer` would find it under;
* `properties` / `required`: the top-level keys that `DagsterCloudAgentInstance.config_schema()`
  adds, as draft-07 JSON Schema (scripts/generate_schema.py's SchemaBuilder; `user_code_launcher`
  is a `$ref` to `slot:user_code_launcher`, like the instance schema's slots);
  `overrides_dagster_keys`: agent keys that replace one of Dagster's own keys in the merge
  (`merge_dicts(dagster_instance_config_schema(), config_schema())`, instance/config.py);
* `definitions`: the `$ref` targets (`config:<qualname>` for every class below, `slot:<slot>`,
  shared types, StringSource...);
* `catalog.slots`: like class-catalog.json: `user_code_launcher` (base class
  DagsterCloudUserCodeLauncher, the `as_type` of the agent's rehydrate) and, for Dagster's own
  slots, the classes dagster-cloud ships (only classes defined in dagster_cloud);
* `config_defaults`: what `DagsterCloudAgentInstance.config_defaults(base_dir)` puts in each
  slot when the file leaves it unset (replacing Dagster's InstanceRef defaults);
* `skipped_modules`: dagster_cloud modules that failed to import (missing optional extras).

The generator refuses (exit 2) when an extra-gated launcher module does not import.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SCRIPTS))

import generate_schema as gs  # noqa: E402  (scripts/generate_schema.py, imported, not copied)
from dagster._config import resolve_to_config_type  # noqa: E402
from dagster._core.instance.config import dagster_instance_config_schema  # noqa: E402

AGENT_MODULE = "dagster_cloud.instance"
AGENT_CLASS = "DagsterCloudAgentInstance"
UCL_SLOT = "user_code_launcher"
UCL_BASE = (
    "dagster_cloud.workspace.user_code_launcher.user_code_launcher.DagsterCloudUserCodeLauncher"
)
# Launcher packages that import only with one of dagster-cloud's extras: module -> extra.
EXTRA_MODULES = {
    "dagster_cloud.workspace.ecs": "ecs",
    "dagster_cloud.workspace.kubernetes": "kubernetes",
    "dagster_cloud.workspace.docker": "docker",
    "dagster_cloud.workspace.aca": "aca",
}
UCL_NOUN = "user code launcher"


class AgentGenerationError(Exception):
    pass


def check_extras(modules: dict[str, Any]) -> None:
    declared = gs.declared_extras("dagster-cloud")
    missing = [
        f"{module} (pip install 'dagster-cloud[{extra}]')"
        for module, extra in EXTRA_MODULES.items()
        if extra in declared and module not in modules
    ]
    if missing:
        raise AgentGenerationError("cannot import launcher modules: " + ", ".join(missing))


def agent_root_type(agent_class: type):
    return resolve_to_config_type(agent_class.config_schema())


def discover(modules, bases):
    """Per slot, dagster-cloud's own classes loadable there (generate_schema's discovery)."""
    gs.PACKAGES = ("dagster_cloud",)  # class_names() keeps classes defined in these packages
    found = gs.discover_slot_classes(modules, bases)
    return {slot: entries for slot, entries in found.items() if entries}


def config_defaults(agent_class: type) -> dict[str, Any]:
    """The agent's defaults per slot, with the temporary base_dir written as `$DAGSTER_HOME`."""
    with tempfile.TemporaryDirectory() as home, gs.quiet_imports():
        defaults = agent_class.config_defaults(home)
        text = json.dumps({
            slot: None
            if data is None
            else {
                "module": data.module_name,
                "class": data.class_name,
                "config": gs.yaml_load(data.config_yaml),
            }
            for slot, data in sorted(defaults.items())
        })
        return json.loads(text.replace(home, "$DAGSTER_HOME"))


def instance_class_modules(agent_class: type, modules) -> list[str]:
    """Module names under which Dagster's class_from_code_pointer (a plain import + getattr) finds
    the agent instance class."""
    found = []
    for name in sorted(modules):
        module = modules[name]
        if gs.module_attribute(module, AGENT_CLASS) is agent_class:
            found.append(name)
    return found


def build(agent_class: type, modules, slot_classes, bases) -> dict[str, Any]:
    agent_type = agent_root_type(agent_class)
    dagster_keys = set(dagster_instance_config_schema())
    overrides = {(UCL_SLOT,): gs.ref("slot:" + UCL_SLOT)}
    classes = {e.qualname: e.cls for entries in slot_classes.values() for e in entries}
    roots = [(agent_type, ())]
    roots += [(gs.class_config_type(cls), ("#config:" + q,)) for q, cls in classes.items()]
    builder = gs.SchemaBuilder(gs.shared_type_keys(roots, overrides), overrides)

    for qualname, cls in sorted(classes.items()):
        schema = builder.type_schema(gs.class_config_type(cls), ("#config:" + qualname,))
        schema.setdefault("description", f"Configuration of `{qualname}`.")
        builder.definitions["config:" + qualname] = dict(schema, title=f"{cls.__name__} config")
    for slot, entries in slot_classes.items():
        builder.definitions["slot:" + slot] = gs.slot_definition(builder, slot, bases[slot], entries)

    properties = {}
    for name, field in agent_type.fields.items():
        properties[name] = builder.field_schema(name, field, (name,))
    required = sorted(name for name, field in agent_type.fields.items() if field.is_required)

    catalog = {
        slot: {
            "base_class": gs.qualified_name(bases[slot]),
            "path": [slot] if slot == UCL_SLOT else list(
                next(p for p, s in gs.SLOT_PATHS.items() if s == slot)
            ),
            "noun": UCL_NOUN if slot == UCL_SLOT else gs.SLOT_NOUNS[slot],
            "classes": [
                {
                    "class": item.name,
                    "qualname": item.qualname,
                    "package": gs.distribution_of(item.cls),
                    "modules": list(item.modules),
                    "config_definition": item.config_definition,
                    "config_required": not gs.process_config(
                        gs.class_config_type(item.cls), {}
                    ).success,
                    "base_classes": [gs.qualified_name(b) for b in item.cls.__mro__[1:]
                                     if b.__module__.split(".")[0] in ("dagster", "dagster_cloud")
                                     and b.__name__ not in ("object", "Generic")][:4],
                }
                for item in items
            ],
        }
        for slot, items in slot_classes.items()
    }
    return {
        "dagster_version": importlib.metadata.version("dagster"),
        "dagster_cloud_version": importlib.metadata.version("dagster-cloud"),
        "dagster_cloud_extras": sorted(gs.declared_extras("dagster-cloud")),
        "instance_class": {
            "module": AGENT_MODULE,
            "class": AGENT_CLASS,
            "qualname": gs.qualified_name(agent_class),
            "modules": instance_class_modules(agent_class, modules),
        },
        "properties": properties,
        "required": required,
        "overrides_dagster_keys": sorted(set(agent_type.fields) & dagster_keys),
        "catalog": {"slots": catalog},
        "config_defaults": config_defaults(agent_class),
        "definitions": builder.definitions,
    }


def generate() -> tuple[dict[str, Any], list[str]]:
    with gs.quiet_imports():
        root_type = resolve_to_config_type(dagster_instance_config_schema())
        bases = gs.slot_bases(root_type)
        bases[UCL_SLOT] = gs.import_object(UCL_BASE)
        modules, failed = gs.import_all_modules(("dagster_cloud",))
        check_extras(modules)
        agent_class = gs.import_object(f"{AGENT_MODULE}.{AGENT_CLASS}")
        slot_classes = discover(modules, bases)
        if UCL_SLOT not in slot_classes:
            raise AgentGenerationError("no user code launcher class found")
        document = build(agent_class, modules, slot_classes, bases)
    document["skipped_modules"] = failed
    return document, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="JSON file to write")
    args = parser.parse_args(argv)
    try:
        document, failed = generate()
    except (AgentGenerationError, gs.GenerationError) as exc:
        print(f"generate_agent_data: {exc}", file=sys.stderr)
        return 2
    for line in failed:
        print(f"generate_agent_data: skipped module {line}", file=sys.stderr)
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()) / 1024:.1f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
