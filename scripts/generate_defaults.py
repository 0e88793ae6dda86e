"""Write schema/instance-defaults.json: what Dagster fills in when dagster.yaml leaves something out.

Everything is read from Dagster itself (1.13.27), never typed here:

- `slots`: `InstanceRef.config_defaults(base_dir)` evaluated with base_dir = "$DAGSTER_HOME" (the
  placeholder `render` replaces with the real directory).
- `injected`: the defaults the InstanceRef properties inject when the slot is unset
  (`secrets_loader` -> PerProjectEnvFileLoader(), `defs_state_storage` -> UPathDefsStateStorage under
  the local artifact storage's base_dir, written with the "$LOCAL_ARTIFACT_STORAGE" placeholder).
- `storage_selectors`: what `configurable_storage_data` makes of `storage: {postgres|mysql|sqlite|custom}`
  (the unified class and the run/event-log/schedule storages it implies).
- `settings`: per settings section, the value each key takes when absent: the defaults the instance's
  accessors apply (each accessor evaluated on an instance whose settings are empty, and matched to the
  key it reads), else the schema's `default_value`.
- `retention`: `get_default_tick_retention_settings` per tick kind (`schedule`, `sensor`, `auto_materialize`).

Class config defaults are not here: they are in the schema's `config:<qualname>` definitions.

    python scripts/generate_defaults.py           # write the file
    python scripts/generate_defaults.py --check   # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "schema" / "instance-defaults.json"
HOME = "$DAGSTER_HOME"
LOCAL_ARTIFACT_STORAGE = "$LOCAL_ARTIFACT_STORAGE"


def _class_data(data: Any) -> dict | None:
    if data is None:
        return None
    return {"module": data.module_name, "class": data.class_name, "config": yaml.safe_load(data.config_yaml) or {}}


def _slots() -> dict:
    from dagster._core.instance.ref import InstanceRef

    return {slot: _class_data(data) for slot, data in InstanceRef.config_defaults(HOME).items()}


def _injected() -> dict:
    from dagster._config import process_config
    from dagster._core.instance.ref import _defs_state_directory
    from dagster._core.secrets.env_file import PerProjectEnvFileLoader
    from dagster._core.storage.defs_state.blob_storage_state_storage import UPathDefsStateStorage

    def entry(klass: type, config: dict) -> dict:
        processed = process_config(klass.config_type(), config)
        assert processed.success, processed.errors
        return {"module": klass.__module__, "class": klass.__name__, "config": dict(processed.value)}

    loader = PerProjectEnvFileLoader()
    secrets_config = {"location_paths": dict(loader._location_paths or {})}  # noqa: SLF001 - what the constructor keeps
    return {
        "secrets": entry(PerProjectEnvFileLoader, secrets_config),
        "defs_state_storage": entry(UPathDefsStateStorage, {"base_path": _defs_state_directory(LOCAL_ARTIFACT_STORAGE)}),
    }


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


def _settings(schema: dict) -> dict:
    from dagster._core.instance.methods.settings_methods import SettingsMethods

    sentinel = object()

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
            fake._initialize_run_monitoring()  # noqa: SLF001 - sets what run_monitoring_enabled returns
            return accessor(fake)
        except Exception:  # noqa: BLE001 - accessors that need a real instance are skipped
            return sentinel

    result: dict[str, dict] = {}
    for section in SETTINGS_SECTIONS:
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
                if "default" in prop:
                    found[key] = prop["default"]
        result[section] = found
    return result


SETTINGS_SECTIONS = (
    "telemetry", "run_monitoring", "run_retries", "code_servers", "retention", "sensors", "schedules",
    "backfills", "auto_materialize", "concurrency", "python_logs", "nux", "freshness",
)


def _retention() -> dict:
    from dagster._core.definitions.run_request import InstigatorType
    from dagster._core.instance.config import get_default_tick_retention_settings

    kinds = {"schedule": InstigatorType.SCHEDULE, "sensor": InstigatorType.SENSOR,
             "auto_materialize": InstigatorType.AUTO_MATERIALIZE}
    return {
        key: {status.value.lower(): days for status, days in get_default_tick_retention_settings(kind).items()}
        for key, kind in kinds.items()
    }


def generate() -> str:
    from dagster.version import __version__

    schema = json.loads((REPO / "schema" / "dagster-instance.schema.json").read_text(encoding="utf-8"))
    payload = {
        "dagster_version": __version__,
        "placeholders": {"dagster_home": HOME, "local_artifact_storage": LOCAL_ARTIFACT_STORAGE},
        "slots": _slots(),
        "injected": _injected(),
        "storage_selectors": _storage_selectors(),
        "settings": _settings(schema),
        "retention": _retention(),
    }
    return json.dumps(payload, indent=2, sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    args = parser.parse_args()
    text = generate()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(REPO)} is stale: run scripts/generate_defaults.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
