"""The schema node for a key path of a document: what the editor shows on hover and offers to complete."""

from __future__ import annotations

from typing import Any

from linter.findings import KeyPath
from linter.model import DagsterModel
from linter.schema_nodes import deref, object_branch


def schema_at(model: DagsterModel, data: Any, key_path: KeyPath) -> dict | None:
    """The schema of the value at `key_path`: through `properties`, list `items`, and a class block's
    `config`, which is the config type of the class its `module`/`class` name (the catalog's entry)."""
    from linter.rules.classes import class_blocks

    root = model.schema
    blocks = {block.path: block for block in class_blocks(data, model.catalog)} if isinstance(data, dict) else {}
    node: Any = root
    for depth, part in enumerate(key_path):
        here = tuple(key_path[:depth])
        if part == "config" and here in blocks:
            block = blocks[here]
            entry = model.catalog.find(block.slot, block.module, block.class_name)
            node = root.get("definitions", {}).get(entry.config_definition) if entry and entry.config_definition else None
        elif isinstance(part, int):
            node = _items(root, node)
        else:
            branch = object_branch(root, node)
            node = (branch or {}).get("properties", {}).get(part)
        if node is None:
            return None
    resolved = deref(root, node)
    if not isinstance(resolved, dict):
        return None
    own = {k: v for k, v in node.items() if k != "$ref"} if isinstance(node, dict) else {}
    return {**resolved, **own}  # the field's own description and default over its type's


def properties_at(model: DagsterModel, data: Any, key_path: KeyPath) -> dict[str, dict]:
    """The keys the mapping at `key_path` may hold, with their schemas."""
    node = model.schema if not key_path else schema_at(model, data, key_path)
    branch = object_branch(model.schema, node) if node is not None else None
    return {key: deref(model.schema, value) or {} for key, value in (branch or {}).get("properties", {}).items()}


def _items(root: dict, node: Any) -> Any:
    node = deref(root, node)
    if not isinstance(node, dict):
        return None
    if "items" in node:
        return node["items"]
    for branch in node.get("anyOf", []):
        found = _items(root, branch)
        if found is not None:
            return found
    return None
