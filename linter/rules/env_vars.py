"""`env:` references and the other environment variables Dagster reads while it loads the instance.

Dagster resolves `{env: NAME}` only where a field's config type is StringSource, IntSource or
BoolSource (`dagster/_config/source.py`, `_ensure_env_variable`), and only in what it processes
with `process_config`: each class's `config` (`ConfigurableClassData.rehydrate`), including the
storages `storage.postgres`/`mysql`/`sqlite` stand for and the QueuedRunCoordinator `run_queue`
stands for. The instance-level settings are only validated (`dagster_instance_config` calls
`validate_config`): `auto_materialize.minimum_interval_seconds: {env: X}` is accepted at start-up
with X unset, so it is not reported. Dagster 1.13.27:
- StringSource / BoolSource: an unset variable fails; any set value is accepted (an empty string is
  the empty string for StringSource, false for BoolSource). An empty one is reported as a warning.
- IntSource: an unset variable fails, and so does a value `int()` refuses (empty included).
A `{env: NAME}` anywhere else is not resolved: in a free-form mapping (`run_task_kwargs`,
`container_kwargs`, `labels`, `params`…) it is kept as a mapping, and where only a plain value is
accepted it is a type error (the schema's). Which fields are Source types is read from the bundled
schema, which mirrors the config types, following each class block to its class's `config`.
A class outside the catalog (a user's own) has an unknown config type: its `config` is not judged.

Read by the constructors themselves:
- EcsRunLauncher `task_definition: {env: NAME}` (a plain string field, not a StringSource): the
  constructor reads `os.getenv(NAME)` and refuses a missing or empty value. Not read when
  `task_definition` has other keys (the constructor fails before; launchers.py reports that).
- GCSComputeLogManager `json_credentials_envvar: NAME` (a non-empty name): the constructor runs
  `json.loads(os.environ.get(NAME))`, so an unset variable, an empty one or one that does not hold
  JSON fails. (That the JSON is a service account's credentials is checked by Google's library,
  not here.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from linter.findings import KeyPath, Severity, Target, Violation, format_key_path
from linter.model import Catalog, DagsterModel
from linter.model.classes import ECS_RUN_LAUNCHER, GCS_COMPUTE_LOG_MANAGER
from linter.rules import RuleContext, check
from linter.rules.classes import UNKNOWN, source_value
from linter.rules.common import blocks_of
from linter.words import close_matches

SOURCE_TYPES = ("StringSource", "IntSource", "BoolSource")
# An empty URL is refused when the storage is built (an `invalid-value` of the URL checks): no warning on top.
URL_FIELDS = ("postgres_url", "mysql_url")

# The top-level keys `InstanceRef.from_dir` turns into ConfigurableClassData, whose config goes through
# `process_config` (which reads `env:`). `storage.postgres`/`mysql`/`sqlite` become storage classes and
# `run_queue` a QueuedRunCoordinator. Everything else is only validated (`dagster_instance_config` calls
# `validate_config`, not `process_config`), so an `env:` there is never read at start-up.
RESOLVED_SECTIONS = (
    "storage",
    "run_storage",
    "event_log_storage",
    "schedule_storage",
    "local_artifact_storage",
    "compute_logs",
    "scheduler",
    "run_coordinator",
    "run_launcher",
    "secrets",
    "defs_state_storage",
    "run_queue",
)

_JSON_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


@dataclass(frozen=True)
class EnvReference:
    path: KeyPath  # the field holding `{env: NAME}`
    name: str
    source_type: str  # StringSource, IntSource or BoolSource


def env_name(value: Any) -> str | None:
    """NAME for `{env: NAME}` (a mapping whose only key is `env`, with a string value)."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("env"), str):
        return value["env"]
    return None


# ---------------------------------------------------------------- where Dagster resolves `env:`


def resolved_sections(data: Any, catalog: Catalog) -> tuple[str, ...]:
    """The top-level keys whose `env:` Dagster reads at start: RESOLVED_SECTIONS, plus, in a Dagster+
    agent's file, the agent's keys (DagsterCloudAgentInstance runs `process_config` on each of them, and
    rehydrates `user_code_launcher` like any class)."""
    if catalog.names_agent(data):
        return RESOLVED_SECTIONS + catalog.agent.keys
    return RESOLVED_SECTIONS


def env_references(data: Any, model: DagsterModel, sections: Container[str] | None = None) -> list[EnvReference]:
    """Every `{env: NAME}` in `data` that sits in a StringSource/IntSource/BoolSource field of one of the
    top-level `sections` (default: those Dagster resolves, `resolved_sections`) of the model's schema,
    in document order."""
    if sections is None:
        sections = resolved_sections(data, model.catalog)
    schema = model.schema
    found: dict[KeyPath, EnvReference] = {}
    properties = schema.get("properties")
    if not isinstance(data, dict) or not isinstance(properties, dict):
        return []
    for key, value in data.items():
        if key in sections and key in properties:
            _walk(schema, properties[key], value, (key,), found, set())
    return list(found.values())


def _definition(root: Mapping[str, Any], ref: str) -> Any:
    if not ref.startswith("#/definitions/"):
        return None
    definitions = root.get("definitions")
    return definitions.get(ref[len("#/definitions/") :]) if isinstance(definitions, dict) else None


def _source_type(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        name = ref[len("#/definitions/") :]
        if name in SOURCE_TYPES:
            return name
    return None


def _walk(root: Mapping[str, Any], schema: Any, value: Any, path: KeyPath, found: dict, active: set) -> None:
    if not isinstance(schema, dict):
        return
    marker = (id(schema), id(value))
    if marker in active:  # a recursive structure (YAML aliases) or schema: nothing new below
        return
    active.add(marker)
    try:
        _walk_schema(root, schema, value, path, found, active)
    finally:
        active.discard(marker)


def _walk_schema(root: Mapping[str, Any], schema: dict, value: Any, path: KeyPath, found: dict, active: set) -> None:
    ref = schema.get("$ref")
    if ref is not None:
        source = _source_type(ref)
        if source is not None:
            name = env_name(value)
            if name is not None and path not in found:
                found[path] = EnvReference(path, name, source)
            return
        _walk(root, _definition(root, ref) if isinstance(ref, str) else None, value, path, found, active)
        return  # draft-07: keywords next to $ref are ignored
    for branch in _list(schema.get("anyOf")):
        if _fits(root, branch, value, 0):
            _walk(root, branch, value, path, found, active)
    for part in _list(schema.get("allOf")):
        if isinstance(part, dict) and "if" in part:
            if _satisfies(part["if"], value):
                _walk(root, part.get("then"), value, path, found, active)
            elif "else" in part:
                _walk(root, part.get("else"), value, path, found, active)
        else:
            _walk(root, part, value, path, found, active)
    if isinstance(value, dict):
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        extra = schema.get("additionalProperties")
        for key, child in value.items():
            if isinstance(key, str) and key in properties:
                _walk(root, properties[key], child, (*path, key), found, active)
            elif isinstance(extra, dict):  # `true`/absent: a free-form mapping, nothing resolved
                _walk(root, extra, child, (*path, key), found, active)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for index, item in enumerate(value):
                _walk(root, items, item, (*path, index), found, active)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _fits(root: Mapping[str, Any], schema: Any, value: Any, depth: int) -> bool:
    """Whether `value` has a type the branch allows (how Dagster's ScalarUnion picks its branch)."""
    if not isinstance(schema, dict) or depth > 20:
        return False
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _fits(root, _definition(root, ref), value, depth + 1)
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        return any(kind in _JSON_TYPES and _JSON_TYPES[kind](value) for kind in kinds)
    branches = _list(schema.get("anyOf"))
    if branches:
        return any(_fits(root, branch, value, depth + 1) for branch in branches)
    return True


_VALIDATORS: dict[int, tuple[Any, Any]] = {}


def _satisfies(schema: Any, value: Any) -> bool:
    """A class block's `if` (its `module`/`class` pair), evaluated as JSON Schema does."""
    from linter.schema_fast import Unsure, is_valid

    try:  # the quick answer, without importing jsonschema (see linter/schema_fast.py)
        if isinstance(schema, dict):
            return is_valid(value, schema, strict_integer=False)
    except Unsure:
        pass
    from jsonschema import Draft7Validator

    try:
        cached = _VALIDATORS.get(id(schema))
        if cached is None or cached[0] is not schema:
            cached = _VALIDATORS[id(schema)] = (schema, Draft7Validator(schema))
        return bool(cached[1].is_valid(value))
    except Exception:  # noqa: BLE001 - an `if` we cannot evaluate selects nothing
        return False


# ---------------------------------------------------------------- the environment


def _read(environ: Any, name: str) -> str | None:
    try:
        value = environ.get(name) if hasattr(environ, "get") else None
    except (TypeError, ValueError):  # os.environ refuses names with NUL
        return None
    return value if isinstance(value, str) else None


def _names(environ: Any) -> list[str]:
    try:
        return [name for name in environ if isinstance(name, str)]
    except TypeError:
        return []


def closest_set_variable(environ: Any, name: str) -> str | None:
    """A set variable whose name is close to `name`: same letters in another case, or a near spelling."""
    names = [candidate for candidate in _names(environ) if candidate != name]
    same_letters = [candidate for candidate in names if candidate.upper() == name.upper()]
    if same_letters:
        return sorted(same_letters)[0]
    by_upper = {candidate.upper(): candidate for candidate in sorted(names, reverse=True)}
    matches = close_matches(name.upper(), list(by_upper), n=1, cutoff=0.8)
    return by_upper[matches[0]] if matches else None


def _unset(environ: Any, name: str, path: KeyPath, reader: str) -> Violation:
    if not name:
        return Violation("missing-env-var", path, f"`env:` names no variable; {reader}", Target.VALUE)
    suggestion = closest_set_variable(environ, name)
    hint = f": did you mean `{suggestion}` (which is set)?" if suggestion else ""
    return Violation(
        "missing-env-var",
        path,
        f"environment variable `{name}` is not set; {reader}{hint}",
        Target.VALUE,
        suggestion,
    )


@check("missing-env-var", "invalid-value")
def env_reference_resolves(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that each `{env: NAME}` Dagster resolves names a set variable (holding an integer for IntSource fields).

    Why it matters: Dagster reads these variables when it loads the instance and fails to start if one is missing.
    """
    if not isinstance(context.data, dict):
        return
    for reference in env_references(context.data, context.model):
        where = format_key_path(reference.path)
        at = (*reference.path, "env")
        value = _read(context.environ, reference.name)
        if value is None:
            yield _unset(context.environ, reference.name, at, f"Dagster fails when it reads `{where}`")
        elif value == "" and reference.source_type != "IntSource" and reference.path[-1] not in URL_FIELDS:
            reads = "an empty string" if reference.source_type == "StringSource" else "false"
            yield Violation(
                "missing-env-var",
                at,
                f"environment variable `{reference.name}` is set but empty; Dagster will use {reads} for `{where}`",
                Target.VALUE,
                severity=Severity.WARNING,
            )
        elif reference.source_type == "IntSource":
            yield from _set_value_violation(
                reference.name,
                value,
                at,
                empty=f"Dagster needs an integer from it for `{where}`",
                parse=int,
                holds="an integer",
                reader=f"Dagster needs one for `{where}`",
            )


def _set_value_violation(
    name: str,
    value: str,
    at: KeyPath,
    empty: str,
    parse: Callable[[str], Any] | None = None,
    holds: str = "",
    reader: str = "",
) -> Iterator[Violation]:
    """A set variable whose value its reader cannot use: empty (`empty` says why that fails), or not
    something `parse` accepts (it should hold `holds`; `reader` says who needs it)."""
    if value == "":
        yield Violation("missing-env-var", at, f"environment variable `{name}` is set but empty; {empty}", Target.VALUE)
    elif parse is not None and not _parses(parse, value):
        yield Violation("invalid-value", at, f"environment variable `{name}` does not hold {holds}; {reader}", Target.VALUE)


def _parses(parse: Callable[[str], Any], text: str) -> bool:
    try:
        parse(text)
    except (ValueError, RecursionError):
        return False
    return True


@check("missing-env-var")
def ecs_task_definition_variable(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that EcsRunLauncher's `task_definition: {env: NAME}` names a set, non-empty variable.

    Why it matters: the launcher's constructor reads the variable itself and refuses to start without a task definition.
    """
    for block, config in blocks_of(context, ECS_RUN_LAUNCHER):
        name = env_name(config.get("task_definition"))
        if name is None:
            continue
        at = (*block.config_path, "task_definition", "env")
        value = _read(context.environ, name)
        if value is None:
            yield _unset(context.environ, name, at, "EcsRunLauncher fails when it reads its `task_definition`")
        else:
            empty = "EcsRunLauncher treats an empty `task_definition` variable as unset and fails"
            yield from _set_value_violation(name, value, at, empty)


@check("missing-env-var", "invalid-value")
def gcs_json_credentials_variable(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that GCSComputeLogManager's `json_credentials_envvar` names a set variable holding JSON.

    Why it matters: the compute log manager parses that variable's JSON when it starts, and Dagster fails if it cannot.
    """
    for block, config in blocks_of(context, GCS_COMPUTE_LOG_MANAGER):
        name = source_value(context.environ, config.get("json_credentials_envvar"))
        if name is UNKNOWN or not isinstance(name, str) or not name:
            continue  # unset `env:` (reported above), a wrong type (the schema's), or "" (not used)
        at = (*block.config_path, "json_credentials_envvar")
        value = _read(context.environ, name)
        reader = "GCSComputeLogManager reads its JSON credentials from it (`json_credentials_envvar`) when it starts"
        if value is None:
            yield _unset(context.environ, name, at, reader)
        else:
            yield from _set_value_violation(name, value, at, reader, json.loads, "JSON", reader)
