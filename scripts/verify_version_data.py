"""Check a version's generated schema/<X.Y>/ files against the Dagster installed with this python.

    .venvs/dagster-1.9/bin/python scripts/verify_version_data.py schema/1.9
    .venv/bin/python scripts/verify_version_data.py            # schema/<X.Y>/ of the installed Dagster

Run it with the venv of the version the directory is for (scripts/regenerate_all.sh does, after
generating). It re-reads the facts from Dagster rather than from the generators' code, and exits 1 on
any mismatch, listing them:

* the three files name the installed Dagster version, and the catalog the installed integrations';
* the schema's top-level keys are `dagster_instance_config_schema()`'s, and each key's properties
  (after `$ref`s) are the fields of its Dagster config type, one level down;
* the catalog's slots are the class slots whose key the version has; every class imports from every
  module the catalog lists, through Dagster's loader spelling, is that class, subclasses the slot's
  base class and comes from the distribution named; its `config:` definition exists and has the fields
  of its `config_type()`;
* the Dagster+ agent (when dagster-cloud is installed, else the catalog says it is unavailable):
  the schema's other top-level keys are `DagsterCloudAgentInstance.config_schema()`'s, accepted exactly
  when `instance_class` names the agent through a module `class_from_code_pointer` finds it in, which
  then requires the config schema's required keys plus `user_code_launcher`; the `user_code_launcher`
  slot's classes pass the checks above against `DagsterCloudUserCodeLauncher`; `agent_slots` are
  `DagsterCloudAgentInstance.config_defaults()`'s;
* instance-defaults.json: the slots and their classes are `InstanceRef.config_defaults()`'s, each
  injected default is what the InstanceRef property loads for an empty $DAGSTER_HOME (null: nothing),
  the settings and retention sections exist in the schema.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import inspect
import json
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
INTEGRATIONS = ("dagster-postgres", "dagster-mysql", "dagster-k8s", "dagster-docker", "dagster-aws",
                "dagster-gcp", "dagster-azure", "dagster-celery-k8s")
# top-level key of each class slot (as in scripts/generate_schema.py's SLOT_PATHS)
SLOT_KEYS = {
    "run_launcher": "run_launcher", "run_coordinator": "run_coordinator", "compute_logs": "compute_logs",
    "scheduler": "scheduler", "local_artifact_storage": "local_artifact_storage", "storage": "storage",
    "run_storage": "run_storage", "event_log_storage": "event_log_storage",
    "schedule_storage": "schedule_storage", "secrets": "secrets",
    "defs_state_storage": "defs_state_storage", "instance_class": "instance_class",
}
INJECTING_PROPERTIES = {"secrets": "secrets_loader", "defs_state_storage": "defs_state_storage"}


class Report:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked = 0

    def expect(self, ok: bool, message: str) -> None:
        self.checked += 1
        if not ok:
            self.problems.append(message)


def import_object(qualified_name: str) -> Any:
    module_name, _, attribute = qualified_name.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].removeprefix("#/definitions/")]
    return node


def fields_of(config_type: Any) -> set[str] | None:
    from dagster._config import ConfigTypeKind

    fielded = (ConfigTypeKind.STRICT_SHAPE, ConfigTypeKind.PERMISSIVE_SHAPE, ConfigTypeKind.SELECTOR)
    return set(config_type.fields) if config_type.kind in fielded else None


def check_versions(report: Report, schema: dict, catalog: dict, defaults: dict) -> None:
    dagster = importlib.metadata.version("dagster")
    report.expect(schema.get("x-dagster-version") == dagster,
                  f"schema x-dagster-version {schema.get('x-dagster-version')} != installed {dagster}")
    report.expect(catalog.get("dagster_version") == dagster,
                  f"catalog dagster_version {catalog.get('dagster_version')} != installed {dagster}")
    report.expect(defaults.get("dagster_version") == dagster,
                  f"defaults dagster_version {defaults.get('dagster_version')} != installed {dagster}")
    for dist in INTEGRATIONS:
        installed = importlib.metadata.version(dist)
        report.expect(catalog.get("integrations_version") == installed,
                      f"catalog integrations_version {catalog.get('integrations_version')} != {dist} {installed}")


AGENT_CLASS = "dagster_cloud.instance.DagsterCloudAgentInstance"
AGENT_UCL_BASE = "dagster_cloud.workspace.user_code_launcher.user_code_launcher.DagsterCloudUserCodeLauncher"


def agent_class() -> type | None:
    try:
        return import_object(AGENT_CLASS)
    except ImportError:
        return None


def agent_keys() -> set[str]:
    cls = agent_class()
    return set(cls.config_schema()) if cls else set()


def check_agent(report: Report, schema: dict, catalog: dict, defaults: dict) -> None:
    cls = agent_class()
    agent = catalog.get("agent", {})
    if cls is None:
        report.expect(agent.get("dagster_cloud_version") is None and bool(agent.get("unavailable")),
                      "dagster-cloud is not installed, but the catalog does not say the agent is unavailable")
        report.expect("allOf" not in schema, "dagster-cloud is not installed, but the schema has an agent rule")
        return
    report.expect(agent.get("dagster_cloud_version") == importlib.metadata.version("dagster-cloud"),
                  f"catalog agent version {agent.get('dagster_cloud_version')} != installed dagster-cloud")
    config_schema = cls.config_schema()
    required = {k for k, f in config_schema.items() if f.is_required} | {"user_code_launcher"}
    report.expect(agent.get("daemons") == sorted(cls.get_required_daemon_types(None)), "agent daemons")
    report.expect(set(agent.get("required", ())) == required, f"agent required {agent.get('required')} != {sorted(required)}")
    entries = [e for e in catalog["slots"]["instance_class"]["classes"] if e["qualname"] == AGENT_CLASS]
    report.expect(len(entries) == 1, "the agent is not in the instance_class slot")
    modules = entries[0]["modules"] if entries else []
    for module in modules:  # class_from_code_pointer: import as written, getattr
        report.expect(getattr(importlib.import_module(module), cls.__name__, None) is cls,
                      f"agent instance class not found in {module}")
    [rule] = schema.get("allOf", [None])
    names = rule["if"]["properties"]["instance_class"]["properties"] if rule else {}
    report.expect(names.get("module", {}).get("enum") == modules and names.get("class", {}).get("const") == cls.__name__,
                  "the schema's agent rule does not name the catalog's agent modules")
    report.expect(set(rule["then"]["required"]) == required if rule else False, "the agent rule's required keys")
    report.expect(set(rule["else"]["properties"]) == set(config_schema) if rule else False,
                  "the agent rule does not refuse exactly the agent's keys elsewhere")
    ucl = catalog["slots"].get("user_code_launcher", {})
    report.expect(ucl.get("base_class") and issubclass(import_object(ucl["base_class"]), import_object(AGENT_UCL_BASE)),
                  "the user_code_launcher slot's base class")
    with tempfile.TemporaryDirectory() as home:
        expected = {slot: None if data is None else [data.module_name, data.class_name]
                    for slot, data in cls.config_defaults(home).items()}
    got = {slot: None if data is None else [data["module"], data["class"]]
           for slot, data in (defaults.get("agent_slots") or {}).items()}
    report.expect(got == expected, f"agent_slots {got} != config_defaults {expected}")


def check_top_level(report: Report, schema: dict) -> None:
    from dagster._config import resolve_to_config_type
    from dagster._core.instance.config import dagster_instance_config_schema

    keys = set(dagster_instance_config_schema()) | agent_keys()
    report.expect(set(schema["properties"]) == keys,
                  f"top-level keys: schema has {sorted(set(schema['properties']) - keys)} extra, "
                  f"lacks {sorted(keys - set(schema['properties']))}")
    root = resolve_to_config_type(dagster_instance_config_schema())
    for key, field in root.fields.items():
        if key not in schema["properties"]:
            continue
        expected = fields_of(field.config_type)
        node = resolve(schema, schema["properties"][key])
        if expected is not None:
            got = set(node.get("properties", {}))
            report.expect(got == expected, f"{key}: schema properties {sorted(got)} != Dagster fields "
                                           f"{sorted(expected)}")


def check_catalog(report: Report, schema: dict, catalog: dict) -> None:
    from dagster._config import resolve_to_config_type
    from dagster._utils import convert_dagster_submodule_name

    present = {slot for slot, key in SLOT_KEYS.items() if key in schema["properties"]}
    if agent_class() is not None:
        present.add("user_code_launcher")
    report.expect(set(catalog["slots"]) == present,
                  f"catalog slots {sorted(catalog['slots'])} != slots whose key the version has {sorted(present)}")
    distributions = importlib.metadata.packages_distributions()
    for slot, body in catalog["slots"].items():
        report.expect("slot:" + slot in schema["definitions"], f"schema lacks definitions/slot:{slot}")
        try:
            base = import_object(body["base_class"])
        except (ImportError, AttributeError) as exc:
            report.expect(False, f"{slot}: base class {body['base_class']} does not import: {exc}")
            continue
        for entry in body["classes"]:
            where = f"{slot}: {entry['qualname']} as {entry['class']}"
            try:
                cls = import_object(entry["qualname"])
            except (ImportError, AttributeError) as exc:
                report.expect(False, f"{where}: does not import: {exc}")
                continue
            report.expect(inspect.isclass(cls) and issubclass(cls, base), f"{where}: not a {body['base_class']}")
            package = distributions.get(cls.__module__.split(".")[0], ["?"])[0]
            report.expect(package == entry["package"], f"{where}: package {entry['package']} != {package}")
            report.expect(bool(entry["modules"]), f"{where}: no module")
            for module in entry["modules"]:
                try:
                    loaded = getattr(importlib.import_module(convert_dagster_submodule_name(module, "private")),
                                     entry["class"])
                except (ImportError, AttributeError) as exc:
                    report.expect(False, f"{where}: not loadable from {module}: {exc}")
                    continue
                report.expect(loaded is cls, f"{where}: {module}.{entry['class']} is another object")
            if slot == "instance_class":  # class_from_code_pointer: its `config` is not read (check_agent)
                continue
            definition = schema["definitions"].get(entry["config_definition"])
            if definition is None:
                report.expect(False, f"{where}: schema lacks {entry['config_definition']}")
                continue
            expected = fields_of(resolve_to_config_type(cls.config_type()))
            if expected is not None:
                got = set(resolve(schema, definition).get("properties", {}))
                report.expect(got == expected, f"{where}: config properties {sorted(got)} != "
                                               f"config_type() fields {sorted(expected)}")


def check_defaults(report: Report, schema: dict, defaults: dict) -> None:
    from dagster._core.instance.ref import InstanceRef

    with tempfile.TemporaryDirectory() as home:
        config_defaults = InstanceRef.config_defaults(home)
        expected = {slot: None if data is None else (data.module_name, data.class_name)
                    for slot, data in config_defaults.items()}
        got = {slot: None if data is None else (data["module"], data["class"])
               for slot, data in defaults["slots"].items()}
        report.expect(got == expected, f"defaults slots {got} != InstanceRef.config_defaults {expected}")
        instance_ref = InstanceRef.from_dir(home)
        properties = {slot: name for slot, name in INJECTING_PROPERTIES.items()
                      if isinstance(getattr(InstanceRef, name, None), property)}
        report.expect(set(defaults["injected"]) == set(properties),
                      f"injected slots {sorted(defaults['injected'])} != InstanceRef properties {sorted(properties)}")
        for slot, name in properties.items():
            loaded = getattr(instance_ref, name)
            entry = defaults["injected"].get(slot, "<absent>")
            if loaded is None:
                report.expect(entry is None, f"injected {slot}: Dagster injects nothing, file says {entry}")
            else:
                report.expect(isinstance(entry, dict) and (entry["module"], entry["class"])
                              == (type(loaded).__module__, type(loaded).__name__),
                              f"injected {slot}: Dagster loads {type(loaded).__name__}, file says {entry}")
    for section, values in defaults["settings"].items():
        prop = schema["properties"].get(section)
        report.expect(prop is not None, f"settings section {section} is not a top-level key")
        if prop is not None:
            unknown = set(values) - set(resolve(schema, prop).get("properties", {}))
            report.expect(not unknown, f"settings {section}: {sorted(unknown)} are not its keys")
    retention = resolve(schema, schema["properties"]["retention"]).get("properties", {})
    report.expect(set(defaults["retention"]) <= set(retention),
                  f"retention kinds {sorted(defaults['retention'])} not all in the schema's {sorted(retention)}")


def check_schema_document(report: Report, schema: dict) -> None:
    """Only where jsonschema happens to be installed (it is not a dependency of older Dagster)."""
    try:
        import jsonschema
    except ImportError:
        return
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        report.expect(False, f"not a valid draft-07 schema: {exc.message}")
    report.expect(jsonschema.Draft7Validator(schema).is_valid({}), "the schema rejects an empty instance")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema_dir", nargs="?", type=Path,
                        help="directory of the three files (default: schema/<X.Y>/ of the installed Dagster)")
    args = parser.parse_args(argv)
    directory = args.schema_dir
    if directory is None:
        directory = REPO / "schema" / ".".join(importlib.metadata.version("dagster").split(".")[:2])
    schema = json.loads((directory / "dagster-instance.schema.json").read_text(encoding="utf-8"))
    catalog = json.loads((directory / "class-catalog.json").read_text(encoding="utf-8"))
    defaults = json.loads((directory / "instance-defaults.json").read_text(encoding="utf-8"))

    report = Report()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
        warnings.simplefilter("ignore")
        check_versions(report, schema, catalog, defaults)
        check_top_level(report, schema)
        check_catalog(report, schema, catalog)
        check_defaults(report, schema, defaults)
        check_agent(report, schema, catalog, defaults)
        check_schema_document(report, schema)
    classes = sum(len(body["classes"]) for body in catalog["slots"].values())
    summary = (f"{directory}: Dagster {catalog['dagster_version']}, {len(schema['properties'])} top-level keys, "
               f"{len(catalog['slots'])} slots, {classes} catalog entries; {report.checked} checks")
    if report.problems:
        print(f"{summary}, {len(report.problems)} FAILED:", file=sys.stderr)
        for problem in report.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"{summary}, all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
