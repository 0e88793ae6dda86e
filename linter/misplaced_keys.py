"""A key indented one level too shallow or too deep, said in the user's words, as one finding.

`postgres_db` written beside `postgres` instead of under it gives three schema findings (an unknown
`postgres_db` in `storage`, a selector with two keys, a `postgres` without its connection); `config:`
at the top level gives an unknown top-level key. Both are one mistake: the indentation. An unknown
key is read as misplaced when

- too shallow: the key just above it in the same mapping takes it (its schema has the key) and does
  not have it yet (it is empty or lacks the key); the finding says it belongs under that key, and
  the other findings the same mistake causes at those two keys are dropped;
- too deep: it is not that, and the mapping one level up takes it and does not have it yet; the
  finding says it belongs one level up.

The schema at a path is the bundled schema's, with a class's `config` read from its catalog entry
(the class named by the block's `module`/`class`).
"""

from __future__ import annotations

from typing import Any

from linter.findings import KeyPath, Violation, format_key_path
from linter.model import DagsterModel
from linter.rules.classes import lookup
from linter.schema_nodes import object_branch

# What a misplaced key causes at the key it belongs under, or at itself, besides the unknown key.
_CONSEQUENCES = frozenset({"missing-key", "conflicting-keys", "invalid-type"})


def explain_misplaced_keys(violations: list[Violation], data: Any, model: DagsterModel) -> list[Violation]:
    explained: dict[int, Violation] = {}
    caused: set[KeyPath] = set()
    for index, violation in enumerate(violations):
        if violation.rule != "unknown-key" or not violation.key_path:
            continue
        *parent, key = violation.key_path
        parent = tuple(parent)
        mapping = lookup(data, parent)
        if not isinstance(mapping, dict) or not isinstance(key, str):
            continue
        above = _key_above(mapping, key)
        if above is not None and _takes(model, data, (*parent, above), key):
            where = format_key_path((*parent, above))
            explained[index] = violation._replace(
                message=f"`{key}` is indented at the level of `{above}`, but it belongs under `{above}`"
                f" (`{where}.{key}`): indent it one level",
                suggestion=None,
            )
            caused |= {(*parent, above), (*parent, key)}
        elif parent and _takes(model, data, parent[:-1], key):
            where = f"in `{format_key_path(parent[:-1])}`" if parent[:-1] else "at the top level"
            explained[index] = violation._replace(
                message=f"`{key}` is indented under `{format_key_path(parent)}`, but it belongs one level up,"
                f" {where} beside `{parent[-1]}`: outdent it one level",
                suggestion=None,
            )
    if not explained:
        return violations
    return [
        explained.get(index, violation)
        for index, violation in enumerate(violations)
        if index in explained or not (violation.rule in _CONSEQUENCES and tuple(violation.key_path) in caused)
    ]


def _key_above(mapping: dict, key: str) -> str | None:
    keys = list(mapping)
    position = keys.index(key)
    return keys[position - 1] if position > 0 and isinstance(keys[position - 1], str) else None


def _takes(model: DagsterModel, data: Any, path: KeyPath, key: str) -> bool:
    """Whether the mapping at `path` accepts `key` and does not have it yet (or is empty)."""
    value = lookup(data, path)
    if value is not None and not (isinstance(value, dict) and key not in value):
        return False
    schema = _schema_at(model, data, path)
    return schema is not None and key in schema.get("properties", {})


def _schema_at(model: DagsterModel, data: Any, path: KeyPath) -> dict | None:
    root = model.schema
    node: Any = root
    value = data
    for part in path:
        branch = object_branch(root, node)
        if branch is None:
            return None
        config = _class_config(model, value) if part == "config" else None
        properties = branch.get("properties", {})
        if config is not None:
            node = config
        elif part in properties:
            node = properties[part]
        else:
            return None
        value = value.get(part) if isinstance(value, dict) else None
    return object_branch(root, node)


def _class_config(model: DagsterModel, block: Any) -> dict | None:
    """The `config:` schema of the shipped class a `{module, class}` block names."""
    if not isinstance(block, dict) or not isinstance(block.get("module"), str) or not isinstance(block.get("class"), str):
        return None
    for entry in model.catalog.find_any_slot(block["module"], block["class"]):
        if entry.config_definition:
            return model.schema.get("definitions", {}).get(entry.config_definition)
    return None

