"""Reading the bundled JSON Schema as a tree: following `$ref`s and finding the branch for a mapping."""

from __future__ import annotations

from typing import Any


def deref(root: dict, schema: Any) -> Any:
    """`schema` with its `$ref`s (to `#/definitions/...` of `root`) followed; None when one does not resolve."""
    seen = 0
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < 50:
        ref = schema["$ref"]
        schema = root.get("definitions", {}).get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/definitions/") else None
        seen += 1
    return schema


def object_branch(root: dict, schema: Any) -> Any:
    """The branch of a schema that describes a mapping (for `anyOf: [null, {...}]` fields)."""
    schema = deref(root, schema)
    if not isinstance(schema, dict):
        return None
    if "properties" in schema or schema.get("type") == "object":
        return schema
    for branch in schema.get("anyOf", []):
        found = object_branch(root, branch)
        if found is not None:
            return found
    return None
