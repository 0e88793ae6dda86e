"""The instance Dagster would build from a dagster.yaml: every slot and setting, defaults filled in,
`env:` resolved, and where each leaf came from. Pure: no Dagster import, no I/O beyond reading the
bundled data files.

What Dagster does (1.13.27, `InstanceRef.from_dir`), mirrored here:
- a slot written with a falsy value (absent, `{}`, null) takes `InstanceRef.config_defaults`;
  `secrets` without `custom` and an absent `defs_state_storage` take the defaults the InstanceRef
  properties inject (`instance-defaults.json`, written by `scripts/generate_defaults.py`);
- `storage: {postgres|mysql|sqlite|custom}` is kept in that selector form (the form that loads
  back); the run/event-log/schedule storages it implies are listed apart (`Resolved.implied`);
  legacy `run_storage`/`event_log_storage`/`schedule_storage` keys stay legacy keys;
- `run_queue` becomes the QueuedRunCoordinator it stands for (`run_coordinator`);
- each class's config gets the defaults its config type fills (`process_config`), read from the
  schema's `config:<qualname>` definitions; `{env: NAME}` is read where the field is a
  StringSource/IntSource/BoolSource (`linter.rules.env_vars.env_references`);
- settings sections take the defaults the instance's accessors apply; `retention` is shown per tick
  status, as `get_tick_retention_settings` reads it (a single number, which it applies to every status,
  stays one number). Settings are never `env:`-resolved.

A Dagster+ agent's file (`instance_class` names `DagsterCloudAgentInstance`): the unset slots take the
agent's `config_defaults` (`agent_slots`: Dagster+ storages, compute logs, secrets and definitions
state), which `InstanceRef.from_dir` uses instead of its own, so nothing is injected; the storages are
shown as the per-kind keys the agent's CompositeStorage holds. The agent's keys are shown as its
constructor processes them (defaults filled, `env:` resolved); `agent_queues` is processed even when
unset. `run_launcher` is left out unless written: the agent never loads it
(`DagsterCloudAgentInstance.run_launcher` is the user code launcher's); so are the settings sections
(the agent runs no daemons, `get_required_daemon_types() == []`), with a note.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from typing import Any

from linter.document import Document
from linter.model import DagsterModel
from linter.model.behaviour import BACKFILL_DAEMON_THREADED_BY_DEFAULT
from linter.model.classes import LEGACY_STORAGE_KEYS
from linter.schema_nodes import deref, object_branch

CLASS_SLOTS = ("local_artifact_storage", "storage", "compute_logs", "scheduler", "run_coordinator",
               "run_launcher", "secrets", "defs_state_storage")
DEFAULT = "default"

Path_ = tuple


@dataclass
class Resolved:
    data: dict  # shaped like dagster.yaml, every slot and settings section explicit
    origins: dict[Path_, str]  # output path of every leaf -> "dagster.yaml:12" | "default" | "env NAME (dagster.yaml:7)"
    implied: dict = field(default_factory=dict)  # run/event-log/schedule storages `storage` implies
    implied_origins: dict[Path_, str] = field(default_factory=dict)
    dagster_home: str | None = None
    notes: list[str] = field(default_factory=list)
    env_sources: dict[Path_, str] = field(default_factory=dict)  # output path -> the variable its value was read from
    shared: dict[Path_, int] = field(default_factory=dict)  # output path -> the written node it copies (aliases)
    # top-level keys the file leaves out, shown as comments rather than keys (-> why): written out,
    # they load into the same instance, but say something the file does not (see `_Resolver.unwritten`)
    unwritten: dict[str, str] = field(default_factory=dict)


def resolve(document: Document, environ: Any, dagster_home: str | None, model: DagsterModel,
            keep_env: bool = False) -> Resolved:
    return _Resolver(document, environ, dagster_home, model, keep_env).run()


class _Resolver:
    def __init__(self, document: Document, environ: Any, dagster_home: str | None, model: DagsterModel,
                 keep_env: bool) -> None:
        from linter.rules.env_vars import env_references  # where Dagster reads `env:`

        self.doc = document
        self.data = document.data if isinstance(document.data, dict) else {}
        self.environ = environ
        self.home = dagster_home
        self.keep_env = keep_env
        self.model = model
        self.code_defaults: dict = {}  # (section, key) -> origin, where the code's default is not the schema's
        self.schema = model.schema
        self.defaults = model.defaults
        self.catalog = model.catalog
        self.agent = self.catalog.names_agent(self.data) and bool(model.defaults.get("agent_slots"))
        # what InstanceRef.from_dir gives an unset slot: the agent's config_defaults, or its own
        self.slot_defaults = model.defaults["agent_slots"] if self.agent else model.defaults["slots"]
        self.refs = {ref.path: ref for ref in env_references(self.data, model)}
        self.origins: dict[Path_, str] = {}
        self.env_sources: dict[Path_, str] = {}
        self.shared: dict[Path_, int] = {}
        self.unwritten: dict[str, str] = {}
        self.out: dict = {}
        self.notes: list[str] = []
        self.filename = os.path.basename(document.filename) if document.filename not in ("-", "") else "<stdin>"

    # ------------------------------------------------------------------ helpers

    def where(self, src: Path_) -> str:
        span = self.doc.key_span(src) if src and isinstance(src[-1], str) else None
        span = span or self.doc.value_span(src)
        return f"{self.filename}:{span.line}" if span else self.filename

    def place(self, value: Any, out: Path_, src: Path_ | None, resolve_env: bool = True) -> Any:
        """A copy of `value`, recording origins for each leaf: the file (src path) or the default."""
        if src is not None and resolve_env and src in self.refs:
            ref = self.refs[src]
            if not self.keep_env:
                self.origins[out] = f"env {ref.name} ({self.where(src)})"
                self.env_sources[out] = ref.name
                return _env_value(self.environ.get(ref.name), ref.source_type)
            if isinstance(value, dict) and set(value) == {"env"}:  # the `{env: NAME}` mapping, kept
                self.origins[(*out, "env")] = f"env {ref.name} ({self.where(src)}, kept)"
                return copy.deepcopy(value)
        if src is not None and isinstance(value, (dict, list)) and value:
            self.shared[out] = self.doc.node_identity(src)
        if isinstance(value, dict) and value:
            return {k: self.place(v, (*out, k), None if src is None else (*src, k), resolve_env)
                    for k, v in value.items()}
        if isinstance(value, list) and value:
            return [self.place(v, (*out, i), None if src is None else (*src, i), resolve_env)
                    for i, v in enumerate(value)]
        if src is not None and src in self.refs and self.keep_env:
            self.origins[out] = f"env {self.refs[src].name} ({self.where(src)}, kept)"
        else:
            self.origins[out] = DEFAULT if src is None else self.where(src)
        return copy.deepcopy(value)

    def home_path(self, value: Any) -> Any:
        placeholder = self.defaults["placeholders"]["dagster_home"]
        if isinstance(value, str) and value.startswith(placeholder) and self.home is not None:
            return self.home.rstrip("/") + value[len(placeholder):] if self.home != "/" else value[len(placeholder):]
        if isinstance(value, dict):
            return {k: self.home_path(v) for k, v in value.items()}
        return value

    def fill(self, definition: str | None, config: dict, out: Path_) -> dict:
        """`config` with the defaults of the class's config type filled in, recursively."""
        if definition is None:
            return config
        schema = self.schema.get("definitions", {}).get(definition)
        return _fill(self.schema, schema, config, out, self.origins)

    def class_block(self, slot: str, block: dict, out: Path_, src: Path_ | None) -> dict:
        module, klass = block.get("module"), block.get("class")
        self.origins[(*out, "module")] = DEFAULT if src is None else self.where((*src, "module"))
        self.origins[(*out, "class")] = DEFAULT if src is None else self.where((*src, "class"))
        raw = block.get("config") or {}
        config = self.place(raw, (*out, "config"), None if src is None or not block.get("config") else (*src, "config"))
        if not raw and src is not None:
            self.origins.pop((*out, "config"), None)
        entry = self.catalog.find(slot, module, klass)
        if entry is None and src is not None:
            self.notes.append(f"`{'.'.join(map(str, out))}`: {module}.{klass} is not a class Dagster ships; "
                              "its config defaults are not known")
        config = self.fill(entry.config_definition if entry else None, config, (*out, "config"))
        if not config:
            self.origins[(*out, "config")] = self.origins.get((*out, "config"), DEFAULT if src is None else self.where(src))
        return {"module": module, "class": klass, "config": config}

    def default_block(self, slot: str, block: dict) -> dict:
        block = {"module": block["module"], "class": block["class"], "config": self.home_path(block["config"])}
        return self.class_block(slot, block, (slot,), None)

    # ------------------------------------------------------------------ the instance

    def run(self) -> Resolved:
        data, defaults = self.data, self.slot_defaults
        if data.get("instance_class"):
            self.out["instance_class"] = self.place(data["instance_class"], ("instance_class",), ("instance_class",))
            if self.agent:
                self.agent_keys()
            else:
                self.notes.append("`instance_class` is a custom instance class: its own defaults may differ")
        self.out["local_artifact_storage"] = self.slot("local_artifact_storage")
        if not data.get("local_artifact_storage"):
            self.unwritten["local_artifact_storage"] = (
                "not in the file: Dagster's default, every instance has one (written out, it would read as a"
                " choice to keep run artifacts on one machine)")
        if any(data.get(key) for key in LEGACY_STORAGE_KEYS) or (self.agent and not data.get("storage")):
            for key in LEGACY_STORAGE_KEYS:
                self.out[key] = self.slot(key)
                if self.agent and not data.get(key):
                    self.unwritten[key] = ("not in the file: the Dagster+ agent's default (written out, it would be"
                                           " a legacy per-storage key)")
        else:
            self.out["storage"] = self.storage()
        for slot in ("compute_logs", "scheduler"):
            self.out[slot] = self.slot(slot)
        if data.get("run_queue"):
            block = {"module": defaults["run_coordinator"]["module"], "class": "QueuedRunCoordinator",
                     "config": data["run_queue"]}
            self.out["run_coordinator"] = self.class_block("run_coordinator", block, ("run_coordinator",), None)
            self.origins.update({(*path[:1], *path[1:]): origin for path, origin in
                                 self._rebase(("run_queue",), ("run_coordinator", "config")).items()})
            self.origins[("run_coordinator", "module")] = self.origins[("run_coordinator", "class")] = (
                f"{self.where(('run_queue',))} (run_queue)")
        else:
            self.out["run_coordinator"] = self.slot("run_coordinator")
        if not self.agent:
            self.out["run_launcher"] = self.slot("run_launcher")
        elif data.get("run_launcher"):
            self.out["run_launcher"] = self.slot("run_launcher")
            self.notes.append("`run_launcher`: the Dagster+ agent never loads it; its runs are launched by the"
                              " user code launcher's run launcher")
        secrets = self.secrets()
        if secrets is not None:
            self.out["secrets"] = secrets
        if "defs_state_storage" in self.slot_defaults:  # Dagster 1.11 and later
            self.out["defs_state_storage"] = self.defs_state_storage()
        for section in self.defaults["settings"]:
            if not self.agent or section in data:
                self.out[section] = self.settings(section)
        if self.agent:
            self.notes.append("the Dagster+ agent runs no daemons (`get_required_daemon_types` is empty) and sends"
                              " no telemetry: Dagster's settings sections are left out unless written, and deployment"
                              " settings (run retries, concurrency, retention) are set in Dagster+")
        for key, value in data.items():  # keys Dagster ignores or this version does not know: as written
            if key not in self.out and key != "run_queue":
                self.out[key] = self.place(value, (key,), (key,), resolve_env=False)
        implied, implied_origins = self.implied()
        return Resolved(self.out, self.origins, implied, implied_origins, self.home, self.notes, self.env_sources,
                        self.shared, self.unwritten)

    def agent_keys(self) -> None:
        """The Dagster+ agent's top-level keys, as DagsterCloudAgentInstance processes them."""
        properties = self.schema.get("properties", {})
        for key in self.catalog.agent.keys:
            written = self.data.get(key)
            if key == "user_code_launcher" and isinstance(written, dict):
                self.out[key] = self.class_block(key, written, (key,), (key,))
            elif key in self.data or key == "agent_queues":  # agent_queues: processed even when unset
                value = self.place(written, (key,), (key,)) if key in self.data else {}
                self.out[key] = _fill(self.schema, properties.get(key), value if value is not None else {}, (key,),
                                      self.origins)

    def _rebase(self, src: Path_, out: Path_) -> dict:
        """Origins for a block written at `src` but shown at `out` (run_queue -> run_coordinator.config)."""
        found = {}
        value = self.data.get(src[0])
        for leaf in _leaf_paths(value, ()):
            target = (*out, *leaf)
            source = (*src, *leaf)
            if source in self.refs and not self.keep_env:
                found[target] = f"env {self.refs[source].name} ({self.where(source)})"
                self.env_sources[target] = self.refs[source].name
            elif source in self.refs:
                found[target] = f"env {self.refs[source].name} ({self.where(source)}, kept)"
            else:
                found[target] = self.where(source)
        # resolve env values written under run_queue
        for leaf in _leaf_paths(value, ()):
            source = (*src, *leaf)
            if source in self.refs and not self.keep_env:
                _set(self.out, (*out, *leaf), _env_value(self.environ.get(self.refs[source].name),
                                                         self.refs[source].source_type))
        return found

    def slot(self, slot: str) -> dict:
        written = self.data.get(slot)
        if written:
            return self.class_block(slot, written, (slot,), (slot,))
        return self.default_block(slot, self.slot_defaults[slot])

    def storage(self) -> dict:
        written = self.data.get("storage")
        if not written:  # the default storage, in the selector form that builds it
            default = self.slot_defaults["storage"]
            for name, selector in self.defaults["storage_selectors"].items():
                if (selector["module"], selector["class"]) == (default["module"], default["class"]):
                    config = self.home_path(default["config"])
                    return {name: self.place(config, ("storage", name), None)}
            return {"custom": self.default_block("storage", default)}
        (name, body), = written.items()
        if name == "custom":
            return {"custom": self.class_block("storage", body, ("storage", "custom"), ("storage", "custom"))}
        selector = self.defaults["storage_selectors"][name]
        config = self.place(body or {}, ("storage", name), ("storage", name))
        entry = self.catalog.find("storage", selector["module"], selector["class"])
        return {name: self.fill(entry.config_definition if entry else None, config, ("storage", name))}

    def secrets(self) -> dict | None:
        """The written loader, else the one this version's InstanceRef injects (none before 1.10)."""
        written = self.data.get("secrets")
        if written and "custom" in written:
            return {"custom": self.class_block("secrets", written["custom"], ("secrets", "custom"), ("secrets", "custom"))}
        if self.agent:  # the agent's config_defaults has a loader: nothing is injected
            block = self.slot_defaults["secrets"]
            return {"custom": self.class_block("secrets", dict(block, config=self.home_path(block["config"])),
                                               ("secrets", "custom"), None)}
        injected = self.defaults["injected"].get("secrets")
        if injected is None:
            return None
        # Injected only while `secrets` is absent, and only that injected loader (built without instance data)
        # reads DAGSTER_PROJECT_ENV_FILE_PATHS: writing it out would change what it loads. Said, not written.
        self.notes.append(f"`secrets` is absent: Dagster then injects {injected['class']} ({injected['module']}),"
                          " which reads each project's .env file (DAGSTER_PROJECT_ENV_FILE_PATHS); it is not"
                          " written here, because an explicit `secrets` would turn that off")
        return None

    def defs_state_storage(self) -> dict:
        if self.data.get("defs_state_storage") or self.agent:
            return self.slot("defs_state_storage")
        self.unwritten["defs_state_storage"] = ("not in the file: Dagster injects it while `defs_state_storage` is"
                                                " absent, in the local artifact storage's directory")
        block = copy.deepcopy(self.defaults["injected"]["defs_state_storage"])
        base = self.out["local_artifact_storage"]["config"].get("base_dir")
        placeholder = self.defaults["placeholders"]["local_artifact_storage"]
        block["config"] = {k: (os.path.join(base, v[len(placeholder):].lstrip("/"))  # as Dagster joins it
                               if isinstance(v, str) and v.startswith(placeholder) and isinstance(base, str) else v)
                           for k, v in block["config"].items()}
        return self.class_block("defs_state_storage", block, ("defs_state_storage",), None)

    def settings(self, section: str) -> Any:
        written = self.data.get(section)
        out = (section,)
        if section == "retention":
            return self.retention(written if isinstance(written, dict) else {})
        value = self.place(written, out, out, resolve_env=False) if written else {}
        if written and not isinstance(value, dict):
            return value
        for key, default in self.defaults["settings"][section].items():
            if key not in value:
                value[key] = self.place(self.code_default(section, key, default), (*out, key), None)
                if (section, key) in self.code_defaults:
                    self.origins[(*out, key)] = self.code_defaults[(section, key)]
        if not value:
            self.origins[out] = self.where(out) if written is not None else DEFAULT
        return value

    def code_default(self, section: str, key: str, declared: Any) -> Any:
        """The value Dagster's code uses when the key is absent, where it differs from the schema's declared
        default: the backfill daemon is threaded unless told otherwise from 1.10
        (`settings.get("use_threads", True)`, linter.model.behaviour), although the schema says false."""
        if (section, key) == ("backfills", "use_threads") and self.model.since(BACKFILL_DAEMON_THREADED_BY_DEFAULT):
            self.code_defaults[(section, key)] = "default (the backfill daemon's own, not the schema's false)"
            return True
        return declared

    def retention(self, written: dict) -> dict:
        result = {}
        for kind, defaults in self.defaults["retention"].items():
            src = ("retention", kind, "purge_after_days")
            purge = (written.get(kind) or {}).get("purge_after_days") if isinstance(written.get(kind), dict) else None
            if purge and not isinstance(purge, dict):  # one number for every status, as Dagster reads it: kept so
                result[kind] = {"purge_after_days": purge}
                self.origins[("retention", kind, "purge_after_days")] = self.where(src)
                continue
            days = {}
            for status, default in defaults.items():
                out = ("retention", kind, "purge_after_days", status)
                if not purge:  # Dagster: `not settings.get("purge_after_days")` -> the defaults
                    days[status], self.origins[out] = default, DEFAULT
                elif isinstance(purge, dict) and status in purge:
                    days[status], self.origins[out] = purge[status], self.where((*src, status))
                elif isinstance(purge, dict):
                    days[status], self.origins[out] = default, DEFAULT
                else:
                    days[status], self.origins[out] = purge, self.where(src)
            result[kind] = {"purge_after_days": days}
        return result

    def implied(self) -> tuple[dict, dict]:
        storage = self.out.get("storage")
        if not storage:
            return {}, {}
        (name, body), = storage.items()
        selector = self.defaults["storage_selectors"][name]
        implied, origins = {}, {}
        for key, entry in selector["implied"].items():
            if entry["config"] == "same":
                config = body
            elif entry["config"] == "wrapped":
                config = {"module_name": body["module"], "class_name": body["class"], "config_yaml": body["config"]}
            else:
                base = body.get("base_dir")
                written = (self.data.get("storage") or {}).get("sqlite")
                if not isinstance(base, str) or (written is not None and not isinstance(written.get("base_dir"), str)):
                    continue  # Dagster: no per-kind storages when base_dir is not a string
                config = {"base_dir": base + entry["config"]["base_dir_suffix"]}
            implied[key] = {"module": entry["module"], "class": entry["class"], "config": config}
            origins[(key,)] = f"implied by storage.{name}"
            if entry["config"] not in ("same", "wrapped"):  # a SQLite one: a path, no variable of its own
                continue
            inner, shown = (("storage", name), (key, "config")) if entry["config"] == "same" else (
                ("storage", name, "config"), (key, "config", "config_yaml"))
            for path, variable in list(self.env_sources.items()):  # the same values, read from the same variables
                if path[: len(inner)] == inner:
                    self.env_sources[(*shown, *path[len(inner):])] = variable
        return implied, origins


def _env_value(value: str | None, source_type: str) -> Any:
    if value is None:
        return None
    if source_type == "IntSource":
        return int(value)
    if source_type == "BoolSource":  # dagster_shared.utils.get_boolean_string_value
        return value.lower() not in {"false", "none", "0", ""}
    return value


def _leaf_paths(value: Any, path: Path_) -> list[Path_]:
    if isinstance(value, dict) and value:
        return [leaf for k, v in value.items() for leaf in _leaf_paths(v, (*path, k))]
    if isinstance(value, list) and value:
        return [leaf for i, v in enumerate(value) for leaf in _leaf_paths(v, (*path, i))]
    return [path]


def _set(root: Any, path: Path_, value: Any) -> None:
    for part in path[:-1]:
        root = root[part]
    root[path[-1]] = value


def _fill(root: dict, schema: Any, value: Any, out: Path_, origins: dict) -> Any:
    """Dagster's `process_config` default filling: an absent field with a default takes it, and a
    mapping (written or defaulted) has its own fields filled in turn. A field marked deprecated is not
    filled: Dagster fills it again on load, and written out it would read as a use of it."""
    if isinstance(value, list):
        items = deref(root, schema).get("items") if isinstance(deref(root, schema), dict) else None
        branch = object_branch(root, schema)
        items = items or (branch or {}).get("items")
        if items is None:
            for candidate in (deref(root, schema) or {}).get("anyOf", []):
                candidate = deref(root, candidate)
                if isinstance(candidate, dict) and "items" in candidate:
                    items = candidate["items"]
        return [_fill(root, items, item, (*out, i), origins) for i, item in enumerate(value)] if items else value
    branch = object_branch(root, schema)
    if not isinstance(value, dict) or branch is None or "properties" not in branch:
        return value
    if len(value) == 1 and set(value) == {"env"} and "env" not in branch["properties"]:
        return value  # a kept `{env: NAME}`
    result = dict(value)
    # A Selector (one key of several, `maxProperties: 1`): Dagster fills only the chosen field, and
    # picks the only field when none is written; the other fields' defaults never apply.
    selector = branch.get("maxProperties") == 1
    for key, prop in branch["properties"].items():
        if selector and (result or len(branch["properties"]) != 1):
            break
        if key not in result and isinstance(prop, dict) and "default" in prop and "deprecationMessage" not in prop:
            result[key] = copy.deepcopy(prop["default"])
            for leaf in _leaf_paths(result[key], (*out, key)):
                origins[leaf] = DEFAULT
    for key, child in list(result.items()):
        if key in branch["properties"] and isinstance(child, (dict, list)):
            was_empty = not child
            result[key] = _fill(root, branch["properties"][key], child, (*out, key), origins)
            if was_empty and result[key]:
                origin = origins.pop((*out, key), DEFAULT)
                for leaf in _leaf_paths(result[key], (*out, key)):
                    origins.setdefault(leaf, origin if origin == DEFAULT else DEFAULT)
    return result
