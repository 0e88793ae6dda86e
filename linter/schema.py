"""Validate the loaded document against the bundled JSON Schema and word each error as a Violation.

The schema (generated from Dagster's own config types by `scripts/generate_schema.py`) says what
Dagster's config system accepts. jsonschema reports *where* the instance broke *which keyword*;
this module turns each error into one violation of our vocabulary, pointed at the offending key
or value, in YAML words. `anyOf` branches are pruned the way Dagster itself picks them: by the
type of the value (Dagster's ScalarUnion takes the non-scalar branch for mappings and lists).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from linter.findings import KeyPath, Target, Violation
from linter.words import clear_match, close_matches, describe_value, quote_key, quoted_list

if TYPE_CHECKING:
    from linter.model import DagsterModel
    from linter.model.catalog import AgentFacts

SourceText = Callable[[KeyPath], "str | None"]


def validate(data: Any, model: DagsterModel, source_text: SourceText = lambda _path: None) -> list[Violation]:
    if _surely_valid(data, model.schema):  # the common case, answered without importing jsonschema
        return []
    violations: list[Violation] = []
    agent = model.catalog.agent
    for error in model.validator().iter_errors(data):
        violations.extend(_translate(error, data, source_text, agent))
    violations = _keys_of_a_custom_instance_class(violations, data, model)
    violations = [_with_required_fields(v, data, model) for v in violations]
    return _retention_findings_as_invalid_retention(_drop_missing_keys_explained_by_typos(violations))


def _with_required_fields(violation: Violation, data: Any, model: DagsterModel) -> Violation:
    """A class block missing its `config`: the message names the fields the class's config requires."""
    if violation.rule != "missing-key" or violation.message != _missing_message(violation.key_path, "config"):
        return violation
    from linter.schema_paths import schema_at

    config = schema_at(model, data, (*violation.key_path, "config")) or {}
    required = config.get("required") or []
    if not required:
        return violation
    fields = ", ".join(f"`{name}`" for name in required)
    return violation._replace(message=f"{violation.message}: {_class_of(data, violation.key_path)} requires"
                                      f" {fields} in it, e.g. `config: {{{required[0]}: …}}`")


def _class_of(data: Any, path: KeyPath) -> str:
    block = data
    for part in path:
        block = block.get(part) if isinstance(block, dict) else None
    name = block.get("class") if isinstance(block, dict) else None
    return f"`{name}`" if isinstance(name, str) else "the class"


def _keys_of_a_custom_instance_class(violations: list[Violation], data: Any, model: DagsterModel) -> list[Violation]:
    """With an `instance_class` instance-lint does not model, Dagster merges the class's `config_schema()`
    into the top level (`dagster_instance_config`): the top-level keys Dagster's own schema lacks may be
    the class's. One `unchecked-class` note names them (with `--import-classes` they are checked against
    the class itself, `linter.custom_classes`); a close match to a Dagster key is said in it."""
    from linter.rules.classes import custom_instance_class

    block = custom_instance_class(data, model.catalog)
    extra = [v for v in violations if v.rule == "unknown-key" and len(v.key_path) == 1] if block else []
    if not extra:
        return violations
    names = ", ".join(f"`{v.key_path[0]}`" + (f" (close to `{v.suggestion}`)" if v.suggestion else "") for v in extra)
    message = (f"{names}: not {'a key' if len(extra) == 1 else 'keys'} of Dagster's instance config; `instance_class`"
               f" is `{block.module}.{block.class_name}`, whose `config_schema()` Dagster merges into the top level,"
               " so they may be its own: they were not checked; run `instance-lint check --import-classes` to check"
               " them against the class")
    note = Violation("unchecked-class", extra[0].key_path, message, Target.KEY)
    return [note if v is extra[0] else v for v in violations if v is extra[0] or v not in extra]


def _surely_valid(data: Any, schema: Any) -> bool:
    from linter.schema_fast import Unsure, is_valid

    try:
        return is_valid(data, schema)
    except Unsure:
        return False


def _retention_findings_as_invalid_retention(violations: list[Violation]) -> list[Violation]:
    """Hook: what the schema rejects under `retention.<kind>.purge_after_days` is reported as
    `invalid-retention` (see linter/rules/retention.py), one finding per problem."""
    from linter.rules.retention import as_retention_violation

    return [as_retention_violation(v) for v in violations]


def _translate(error, root: Any, source_text: SourceText, agent: AgentFacts | None) -> Iterator[Violation]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    if keyword in ("anyOf", "oneOf"):
        yield from _translate_branches(error, root, source_text, agent)
    elif keyword == "not" and len(path) == 1 and agent is not None and path[0] in agent.keys:
        yield _agent_key_elsewhere(path, agent)
    elif keyword == "additionalProperties":
        yield from _unknown_keys(error, path, root)
    elif keyword == "required":
        yield from _missing_keys(error, path, agent)
    elif keyword == "type" and _is_about_a_key(error):
        yield _wrong_key_type(error, path)
    elif keyword == "type":
        yield _wrong_type(path, error.instance, _expected_from_type_error(error), source_text)
    elif keyword in ("enum", "const"):
        yield _wrong_value(error, path, source_text)
    elif keyword == "minProperties":
        yield _empty_selector(error, path)
    elif keyword == "maxProperties":
        yield from _selector_with_several_keys(error, path)
    else:
        yield Violation(
            "invalid-value", path, f"{_subject(path)}: {error.message}", Target.VALUE
        )


# --- anyOf / oneOf -------------------------------------------------------------------------


def _translate_branches(error, root: Any, source_text: SourceText, agent: AgentFacts | None) -> Iterator[Violation]:
    by_branch: dict[int, list] = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    for index in range(len(error.validator_value)):
        by_branch.setdefault(index, [])

    plausible = {i: errs for i, errs in by_branch.items() if not _rejects_type_of_value(errs)}
    if not plausible:
        path = tuple(error.absolute_path)
        expected = _expected_from_errors([e for errs in by_branch.values() for e in errs])
        yield _wrong_type(path, error.instance, expected, source_text)
        return
    # The branch the user meant: the one that accepts this kind of value with the fewest complaints.
    _, meant = min(plausible.items(), key=lambda item: (len(item[1]), item[0]))
    for sub in meant:
        yield from _translate(sub, root, source_text, agent)


def _rejects_type_of_value(branch_errors: list) -> bool:
    """True when the branch refuses the value for its type alone (not for its contents)."""
    top_level = [e for e in branch_errors if not e.relative_path]
    if not top_level:
        return False
    for error in top_level:
        if error.validator == "type" or _is_env_reference_without_env(error):
            return True
        if error.validator in ("anyOf", "oneOf"):
            groups: dict[int, list] = {}
            for sub in error.context:
                groups.setdefault(sub.relative_schema_path[0], []).append(sub)
            if len(groups) == len(error.validator_value) and all(
                _rejects_type_of_value(g) for g in groups.values()
            ):
                return True
    return False


def _expected_from_errors(errors: Iterable) -> list[str]:
    expected: list[str] = []
    for error in errors:
        if error.relative_path:
            continue
        if error.validator == "type":
            words = _expected_from_type_error(error)
        elif _is_env_reference_without_env(error):
            words = ["an `env:` reference"]
        elif error.validator in ("anyOf", "oneOf"):
            words = _expected_from_errors(error.context)
        else:
            continue
        expected.extend(w for w in words if w not in expected)
    return expected


def _expected_from_type_error(error) -> list[str]:
    if _is_env_reference_schema(error.schema):
        return ["an `env:` reference"]
    types = error.validator_value
    if isinstance(types, str):
        types = [types]
    return [_TYPE_WORDS.get(t, t) for t in types]


def _is_env_reference_without_env(error) -> bool:
    """A mapping offered to a Source type's `{env: NAME}` branch that has no `env` key is not an env
    reference at all (e.g. the docs' `{ DAGSTER_PG_USERNAME }` placeholder): a type problem."""
    return (
        error.validator == "required"
        and _is_env_reference_schema(error.schema)
        and isinstance(error.instance, dict)
        and "env" not in error.instance
    )


def _is_about_a_key(error) -> bool:
    schema_path = list(error.absolute_schema_path)
    return len(schema_path) >= 2 and schema_path[-2] == "propertyNames"


def _wrong_key_type(error, path: KeyPath) -> Violation:
    key = error.instance
    return Violation(
        "invalid-type",
        path + (key,),
        f"key {quote_key(key)} in {_subject(path)} must be a string, not {describe_value(key)}; quote it",
        Target.KEY,
    )


def _is_env_reference_schema(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("type") == "object"
        and set(schema.get("properties", {})) == {"env"}
    )


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "`true` or `false`",
    "object": "a mapping",
    "array": "a list",
    "null": "empty (`null`)",
}


# --- individual keywords -------------------------------------------------------------------


def _wrong_type(path: KeyPath, value: Any, expected: list[str], source_text: SourceText) -> Violation:
    subject = _subject(path)
    placeholder = _placeholder_name(value, source_text(path))
    if placeholder is not None and any(word != "a mapping" for word in expected):
        return Violation(
            "placeholder-value",
            path,
            f"{subject} is the docs placeholder `{{ {placeholder} }}`, which YAML reads as a mapping "
            f"`{{{placeholder}: null}}`; Dagster expects {_either(expected)} here",
            Target.VALUE,
            f"{{env: {placeholder}}}",
        )
    if _looks_like_env_reference(value) and "an `env:` reference" not in expected:
        return Violation(
            "invalid-type",
            path,
            f"{subject} takes {_either(expected)}, not an `env:` reference: Dagster resolves `env:` "
            "only in StringSource, IntSource and BoolSource fields (storage credentials, class `config` fields)",
            Target.VALUE,
        )
    if value is None:
        return Violation(
            "invalid-type",
            path,
            f"{subject} is empty (`null`), but Dagster requires {_either(expected)} here; "
            "remove the key to use the defaults, or give it a value",
            Target.VALUE,
        )
    return Violation(
        "invalid-type",
        path,
        f"{subject} must be {_either(expected)}, not {describe_value(value, source_text(path))}",
        Target.VALUE,
    )


def _placeholder_name(value: Any, written: str | None) -> str | None:
    """`{ DAGSTER_PG_USERNAME }` copied from the docs: a flow mapping of one key without a value."""
    if (
        isinstance(value, dict)
        and len(value) == 1
        and written is not None
        and written.lstrip().startswith("{")
    ):
        [(name, item)] = value.items()
        if isinstance(name, str) and item is None:
            return name
    return None


def _looks_like_env_reference(value: Any) -> bool:
    return isinstance(value, dict) and "env" in value and len(value) == 1


def _wrong_value(error, path: KeyPath, source_text: SourceText) -> Violation:
    allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
    suggestion = None
    if isinstance(error.instance, str):
        close = close_matches(error.instance, [a for a in allowed if isinstance(a, str)], n=1)
        suggestion = close[0] if close else None
    message = (
        f"{_subject(path)} must be one of {quoted_list(allowed)}, "
        f"not {describe_value(error.instance, source_text(path))}"
    )
    if suggestion:
        message += f"; did you mean `{suggestion}`?"
    return Violation("invalid-value", path, message, Target.VALUE, suggestion)


def _unknown_keys(error, path: KeyPath, root: Any) -> Iterator[Violation]:
    if not isinstance(error.instance, dict):
        return
    schema = error.schema
    known = list(schema.get("properties", {}))
    where = _where(path, root)
    for key in error.instance:
        if key in known:
            continue
        match, close = clear_match(str(key), known) if isinstance(key, str) else (None, [])
        message = f"unknown key {quote_key(key)} {where}"
        if close:
            message += f"; did you mean {' or '.join(f'`{c}`' for c in close)}?"
        elif known and len(known) <= 8:
            message += f"; expected one of {quoted_list(known)}"
        yield Violation("unknown-key", path + (key,), message, Target.KEY, match)


def _agent_key_elsewhere(path: KeyPath, agent: AgentFacts) -> Violation:
    """A key of the Dagster+ agent's `config_schema()` in a file whose `instance_class` is not the agent's."""
    return Violation(
        "unknown-key",
        path,
        f"unknown key {quote_key(path[0])} at the top level: it belongs to a Dagster+ agent's dagster.yaml,"
        f" and Dagster accepts it only when `instance_class` is the agent's `{agent.instance_class}`",
        Target.KEY,
    )


def _missing_keys(error, path: KeyPath, agent: AgentFacts | None = None) -> Iterator[Violation]:
    if not isinstance(error.instance, dict):
        return
    for key in error.validator_value:
        if not path and agent is not None and key in agent.required and key not in error.instance:
            # required because `instance_class` names the agent: reported there
            yield Violation(
                "missing-key",
                ("instance_class",),
                f"the Dagster+ agent instance (`{agent.class_name}`) is missing the required key `{key}`:"
                " the agent refuses to start without it",
                Target.KEY,
            )
        elif key not in error.instance:
            yield Violation("missing-key", path, _missing_message(path, key), Target.KEY, None)


def _missing_message(path: KeyPath, key: str) -> str:
    owner = f"`{_dotted(path)}`" if path else "the instance config"
    return f"{owner} is missing the required key `{key}`"


def _empty_selector(error, path: KeyPath) -> Violation:
    options = list(error.schema.get("properties", {}))
    return Violation(
        "missing-key",
        path,
        f"{_subject(path)} is empty; it needs exactly one of {quoted_list(options)}",
        Target.KEY,
    )


def _selector_with_several_keys(error, path: KeyPath) -> Iterator[Violation]:
    chosen = list(error.instance)
    first = chosen[0]
    for extra in chosen[1:]:
        yield Violation(
            "conflicting-keys",
            path + (extra,),
            f"{_subject(path)} takes exactly one of {quoted_list(list(error.schema.get('properties', {})))}, "
            f"but both {quote_key(first)} and {quote_key(extra)} are set",
            Target.KEY,
        )


def _drop_missing_keys_explained_by_typos(violations: list[Violation]) -> list[Violation]:
    """`clas: X` gives an unknown `clas` (did you mean `class`?) and a missing `class`: one problem."""
    typo_fixes = {
        (v.key_path[:-1], v.suggestion) for v in violations if v.rule == "unknown-key" and v.suggestion
    }
    return [
        v
        for v in violations
        if not (v.rule == "missing-key" and (_owner(v), _missing_key_name(v)) in typo_fixes)
    ]


def _owner(violation: Violation) -> KeyPath:
    """The mapping a missing key belongs in (the agent's top-level keys are reported at `instance_class`)."""
    return () if violation.key_path == ("instance_class",) else violation.key_path


def _missing_key_name(violation: Violation) -> str | None:
    marker = "is missing the required key `"
    if marker in violation.message:
        return violation.message.split(marker, 1)[1].split("`", 1)[0]
    return None


# --- wording helpers -----------------------------------------------------------------------


def _dotted(path: KeyPath) -> str:
    from linter.findings import format_key_path

    return format_key_path(path)


def _subject(path: KeyPath) -> str:
    return f"`{_dotted(path)}`" if path else "the instance config"


def _where(path: KeyPath, root: Any) -> str:
    if not path:
        return "at the top level"
    where = f"in `{_dotted(path)}`"
    class_name = _class_owning(path, root)
    if class_name:
        where += f" ({class_name})"
    return where


def _class_owning(path: KeyPath, root: Any) -> str | None:
    """The class whose `config` contains `path`, for messages like `in run_launcher.config (K8sRunLauncher)`."""
    node = root
    owner = None
    for index, part in enumerate(path):
        if isinstance(node, dict) and part == "config" and isinstance(node.get("class"), str):
            owner = node["class"]
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
    return owner


def _either(options: list[str]) -> str:
    if not options:
        return "a different value"
    if len(options) == 1:
        return options[0]
    return ", ".join(options[:-1]) + " or " + options[-1]
