"""Dagster's own validation of a dagster.yaml, as its webserver/daemon does at start, minus construction.

Usage: python benchmarks/dagster_validate.py DAGSTER_YAML [ENV_FILE]

Steps (Dagster 1.13): its YAML loader (`load_yaml_from_path`), `dagster_instance_config` (the
instance schema and its conflict checks), `InstanceRef.from_dir`, then for every configured class
what `ConfigurableClassData.rehydrate` does before constructing it: import the module, get the
class, check its base class, and `process_config(klass.config_type(), config)`. Nothing is
constructed (no database, cluster or bucket is touched); see tests/dagster_oracle.py for the full
judgement the test suite uses. Exit 0 when Dagster accepts the file, 1 when it rejects it.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile


def main(path: str, env_file: str | None) -> int:
    if env_file:
        with open(env_file, encoding="utf-8") as lines:
            for line in lines:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    name, value = line.split("=", 1)
                    os.environ[name.strip()] = value.strip()

    from dagster._config import process_config, resolve_to_config_type
    from dagster._core.instance.config import dagster_instance_config
    from dagster._core.instance.ref import InstanceRef
    from dagster_shared.yaml_utils import load_yaml_from_path

    with tempfile.TemporaryDirectory() as home:
        shutil.copyfile(path, os.path.join(home, "dagster.yaml"))
        load_yaml_from_path(os.path.join(home, "dagster.yaml"))
        dagster_instance_config(home)
        ref = InstanceRef.from_dir(home)
        slots = [ref.storage_data, ref.local_artifact_storage_data, ref.scheduler_data, ref.secrets_loader_data,
                 ref.defs_state_storage_data, ref.compute_logs_data, ref.run_coordinator_data, ref.run_launcher_data]
        for data in slots:
            if data is None:
                continue
            klass = getattr(importlib.import_module(data.module_name), data.class_name)
            result = process_config(resolve_to_config_type(klass.config_type()), data.config_dict)
            if not result.success:
                print(f"{data.module_name}.{data.class_name}: {result.errors}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
