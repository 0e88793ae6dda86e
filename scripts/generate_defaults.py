"""Write schema/<X.Y>/instance-defaults.json: what Dagster fills in when dagster.yaml leaves something out.

Everything is read from the installed Dagster itself (any of 1.9 to 1.13; X.Y is its minor version),
never typed here. What the installed version does not have is detected and left out, not assumed:

- `slots`: `InstanceRef.config_defaults(base_dir)` evaluated with base_dir = "$DAGSTER_HOME" (the
  placeholder `render` replaces with the real directory).
- `agent_slots`: the same for a Dagster+ agent (`DagsterCloudAgentInstance.config_defaults`, which
  replaces InstanceRef's when the file names the agent's `instance_class`); null where dagster-cloud
  is not installed.
- `injected`: the defaults the InstanceRef properties inject when the slot is unset, found by reading
  the property on an InstanceRef of an empty $DAGSTER_HOME (in 1.13: `secrets_loader` ->
  PerProjectEnvFileLoader(), `defs_state_storage` -> UPathDefsStateStorage under the local artifact
  storage's base_dir, written with the "$LOCAL_ARTIFACT_STORAGE" placeholder). `null` where the
  version's property injects nothing (the slot is then unset); the slot is absent where the version
  has no such slot (no property).
- `storage_selectors`: what `configurable_storage_data` makes of `storage: {postgres|mysql|sqlite|custom}`
  (the unified class and the run/event-log/schedule storages it implies).
- `settings`: per settings section the version has, the value each key takes when absent: the defaults
  the instance's accessors apply (each accessor evaluated on an instance whose settings are empty, and
  matched to the key it reads; the accessors are SettingsMethods' where that mixin exists, else
  DagsterInstance's own), else the schema's `default_value`.
- `retention`: `get_default_tick_retention_settings` per tick kind (`schedule`, `sensor`, `auto_materialize`)
  the version's InstigatorType has.

Class config defaults are not here: they are in the schema's `config:<qualname>` definitions. The
settings section reads the schema in the same directory: run scripts/generate_schema.py first.

    python scripts/generate_defaults.py             # write schema/<X.Y>/instance-defaults.json
    python scripts/generate_defaults.py --out DIR   # write DIR/instance-defaults.json (reads DIR's schema)
    python scripts/generate_defaults.py --check     # exit 1 if the committed file (or --out DIR's) is stale
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

if str(Path(__file__).resolve().parent) not in sys.path:  # imported from elsewhere (the tests)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import agent_source  # noqa: E402  # scripts/agent_source.py

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO / "schema"  # the version's files are in SCHEMA_DIR / "<X.Y>" by default
FILENAME = "instance-defaults.json"
SCHEMA_FILENAME = "dagster-instance.schema.json"  # written by scripts/generate_schema.py
HOME = "$DAGSTER_HOME"
LOCAL_ARTIFACT_STORAGE = "$LOCAL_ARTIFACT_STORAGE"


def _class_data(data: Any) -> dict | None:
    if data is None:
        return None
    return {"module": data.module_name, "class": data.class_name, "config": yaml.safe_load(data.config_yaml) or {}}


def _slots() -> dict:
    from dagster._core.instance.ref import InstanceRef

    return {slot: _class_data(data) for slot, data in InstanceRef.config_defaults(HOME).items()}


def _agent_slots() -> dict | None:
    """The Dagster+ agent's `config_defaults(base_dir)` (scripts/agent_source.py); None without dagster-cloud."""
    if not agent_source.installed():
        return None
    return agent_source.config_defaults(lambda text: yaml.safe_load(text) or {})


# slot -> the InstanceRef property that loads it, and injects a default where the version does.
INJECTING_PROPERTIES = {"secrets": "secrets_loader", "defs_state_storage": "defs_state_storage"}
# The config an injected object was built with, for classes that keep it in another form than the
# config's own field names (else each config field is read from the attribute `_<field>` or `<field>`).
INJECTED_CONFIG: dict[str, Callable[[Any], dict]] = {
    # what the constructor keeps: None, which get_secrets_for_environment reads as {}
    "PerProjectEnvFileLoader": lambda loader: {"location_paths": dict(loader._location_paths or {})},  # noqa: SLF001
}


def _injected() -> dict:
    from dagster._core.instance.ref import InstanceRef

    result = {}
    with tempfile.TemporaryDirectory() as home:
        instance_ref = InstanceRef.from_dir(home)  # no dagster.yaml: every slot unset
        artifacts = instance_ref.local_artifact_storage.base_dir
        for slot, name in INJECTING_PROPERTIES.items():
            if not isinstance(getattr(InstanceRef, name, None), property):
                continue  # the version has no such slot
            loaded = getattr(instance_ref, name)
            result[slot] = None if loaded is None else _loaded_entry(loaded, artifacts)
    return result


def _loaded_entry(loaded: Any, artifacts: str) -> dict:
    """module/class/config of an object an InstanceRef property built, its config processed."""
    from dagster._config import process_config, resolve_to_config_type

    klass = type(loaded)
    if klass.__name__ in INJECTED_CONFIG:
        config = INJECTED_CONFIG[klass.__name__](loaded)
    else:
        config = {}
        for field in resolve_to_config_type(klass.config_type()).fields:
            value = _attribute(loaded, "_" + field, _attribute(loaded, field, None))
            if value is not None:
                config[field] = _placeholder_path(value, artifacts)
    processed = process_config(klass.config_type(), config)
    if not processed.success:
        raise SystemExit(f"generate_defaults: cannot read the config of the injected {klass.__name__}: "
                         f"{processed.errors}; add it to INJECTED_CONFIG")
    return {"module": klass.__module__, "class": klass.__name__, "config": dict(processed.value)}


def _attribute(obj: Any, name: str, default: Any) -> Any:
    try:
        return getattr(obj, name)
    except Exception:  # noqa: BLE001 - a property may need what a bare object lacks
        return default


def _placeholder_path(value: Any, artifacts: str) -> Any:
    """A path under the local artifact storage, with its base_dir written as the placeholder."""
    if isinstance(value, os.PathLike) or type(value).__module__.startswith("upath"):
        value = str(value)
    if isinstance(value, str) and (value == artifacts or value.startswith(artifacts + os.sep)):
        return LOCAL_ARTIFACT_STORAGE + value[len(artifacts):]
    return value


def _storage_selectors() -> dict:
    from dagster._core.instance.ref import InstanceRef, configurable_storage_data

    defaults = InstanceRef.config_defaults(HOME)
    selectors = {}
    samples = {
        "postgres": {"postgres": {}},
        "mysql": {"mysql": {}},
        "sqlite": {"sqlite": {"base_dir": "$BASE_DIR"}},
        "custom": {"custom": {"module": "$MODULE", "class": "$CLASS", "config": {}}},
    }
    for name, sample in samples.items():
        storage, run, event, schedule = configurable_storage_data(sample, defaults)
        implied = {}
        for key, data in (("run_storage", run), ("event_log_storage", event), ("schedule_storage", schedule)):
            entry = _class_data(data)
            if name == "sqlite":
                entry["config"] = {"base_dir_suffix": entry["config"]["base_dir"][len("$BASE_DIR"):]}
            elif name in ("postgres", "mysql"):
                entry["config"] = "same"  # the selector's config, as written
            else:
                entry["config"] = "wrapped"  # {module_name, class_name, config_yaml} of the custom class
            implied[key] = entry
        selectors[name] = {
            "module": storage.module_name if name != "custom" else None,
            "class": storage.class_name if name != "custom" else None,
            "implied": implied,
        }
    return selectors


def _settings_accessor_class() -> type:
    """The class whose methods read the settings: the SettingsMethods mixin where the version has it,
    else DagsterInstance (which defined the accessors itself before the mixin existed)."""
    try:
        from dagster._core.instance.methods.settings_methods import SettingsMethods
    except ImportError:
        from dagster._core.instance import DagsterInstance

        return DagsterInstance
    return SettingsMethods


def _settings(schema: dict) -> dict:
    SettingsMethods = _settings_accessor_class()  # noqa: N806 - a class

    sentinel = object()
    source_defaults = _source_defaults(SettingsMethods)

    class Fake(SettingsMethods):
        def __init__(self, settings: dict) -> None:
            self._settings = settings

        @property
        def is_ephemeral(self) -> bool:
            return False

        def get_settings(self, key: str) -> Any:  # DagsterInstance.get_settings
            return self._settings.get(key) if key in self._settings else {}

    accessors = []
    for name in dir(SettingsMethods):
        member = getattr(SettingsMethods, name)
        if isinstance(member, property):
            accessors.append(member.fget)
        elif callable(member) and name.startswith("get_") and name.endswith(("settings", "config")):
            accessors.append(member)

    def call(accessor: Any, settings: dict) -> Any:
        fake = Fake(settings)
        try:
            if hasattr(fake, "_initialize_run_monitoring"):
                fake._initialize_run_monitoring()  # noqa: SLF001 - sets what run_monitoring_enabled returns
            return accessor(fake)
        except Exception:  # noqa: BLE001 - accessors that need a real instance are skipped
            return sentinel

    result: dict[str, dict] = {}
    for section in SETTINGS_SECTIONS:
        if section not in schema["properties"]:
            continue  # the version has no such section
        body = schema["properties"][section]
        found: dict[str, Any] = {}
        for key in sorted(body.get("properties", {})):
            for accessor in accessors:
                marker = object()
                if call(accessor, {section: {key: marker}}) is marker:
                    default = call(accessor, {})
                    # A key whose default is None (no default) is left out: Dagster reads the absent key
                    # as None, while an explicit `key: null` is a different file (some accessors use
                    # `.get(key, fallback)`, and the schema rejects null for several keys).
                    if default is not sentinel and default is not None:
                        found[key] = default
                    break
            else:
                prop = body["properties"][key]
                if (section, key) in source_defaults:
                    found[key] = source_defaults[section, key]
                elif "default" in prop:
                    found[key] = prop["default"]
        result[section] = found
    return result


def _source_defaults(klass: type) -> dict[tuple[str, str], Any]:
    """`(section, key) -> default` for the settings `klass` reads outside its accessors, as written in its
    source: `<settings>.get("key", <literal>)`, where `<settings>` is `self.get_settings("section")` (or
    `... or {}`), a local variable assigned from it, or a property of the class that returns it.

    Older versions apply some defaults in code no accessor returns (e.g. 1.9 sets `run_monitoring.enabled`
    to False in `DagsterInstance.__init__`, and reads `python_logs.dagster_handler_config` with a `{}`
    default where it builds the handlers); this reads them from the version's own code. A key read with
    two different defaults is left out.
    """
    import ast
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
    functions = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]

    def section_of(node: ast.expr, names: Mapping[str, str], properties: Mapping[str, str]) -> str | None:
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return section_of(node.values[0], names, properties)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_settings"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"
                and len(node.args) == 1 and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            return node.args[0].value
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            return properties.get(node.attr)
        return None

    properties: dict[str, str] = {}
    for function in functions:
        is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in function.decorator_list)
        returns = [node for node in function.body if isinstance(node, ast.Return) and node.value is not None]
        if is_property and len(returns) == 1:
            section = section_of(returns[0].value, {}, {})
            if section:
                properties[function.name] = section

    found: dict[tuple[str, str], Any] = {}
    ambiguous: set[tuple[str, str]] = set()
    for function in functions:
        names = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                section = section_of(node.value, {}, properties)
                if section:
                    names[node.targets[0].id] = section
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            section = section_of(node.func.value, names, properties)
            if section is None:
                continue
            try:
                default = ast.literal_eval(node.args[1])
            except ValueError:
                continue
            key = (section, node.args[0].value)
            if key in found and found[key] != default:
                ambiguous.add(key)
            found[key] = default
    return {key: value for key, value in found.items() if key not in ambiguous and value is not None}


SETTINGS_SECTIONS = (
    "telemetry", "run_monitoring", "run_retries", "code_servers", "retention", "sensors", "schedules",
    "backfills", "auto_materialize", "concurrency", "python_logs", "nux", "freshness",
)


def _retention() -> dict:
    from dagster._core.definitions.run_request import InstigatorType
    from dagster._core.instance.config import get_default_tick_retention_settings

    kinds = {key: getattr(InstigatorType, key.upper()) for key in ("schedule", "sensor", "auto_materialize")
             if hasattr(InstigatorType, key.upper())}
    return {
        key: {status.value.lower(): days for status, days in get_default_tick_retention_settings(kind).items()}
        for key, kind in kinds.items()
    }


def default_out_dir() -> Path:
    """schema/<X.Y>/ for the installed Dagster X.Y."""
    return SCHEMA_DIR / ".".join(importlib.metadata.version("dagster").split(".")[:2])


def generate(out_dir: Path) -> str:
    from dagster.version import __version__

    schema_path = out_dir / SCHEMA_FILENAME
    if not schema_path.exists():
        raise SystemExit(f"generate_defaults: {schema_path} does not exist: run scripts/generate_schema.py "
                         f"--out {out_dir} first")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    if schema.get("x-dagster-version") != __version__:
        raise SystemExit(f"generate_defaults: {schema_path} is for Dagster {schema.get('x-dagster-version')}, "
                         f"not the installed {__version__}")
    payload = {
        "dagster_version": __version__,
        "placeholders": {"dagster_home": HOME, "local_artifact_storage": LOCAL_ARTIFACT_STORAGE},
        "slots": _slots(),
        "agent_slots": _agent_slots(),
        "injected": _injected(),
        "storage_selectors": _storage_selectors(),
        "settings": _settings(schema),
        "retention": _retention(),
    }
    return json.dumps(payload, indent=2, sort_keys=False) + "\n"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="directory of the file and of the schema it reads (default: schema/<X.Y>/)")
    args = parser.parse_args(argv)
    out_dir = default_out_dir() if args.out is None else args.out
    output = out_dir / FILENAME
    text = generate(out_dir)
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            out = "" if args.out is None else f" --out {args.out}"
            print(f"{_display(output)} is stale: run scripts/generate_defaults.py{out}", file=sys.stderr)
            return 1
        return 0
    out_dir.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
