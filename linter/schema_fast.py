"""A quick yes/no answer to "is this document valid against the bundled schema?", without jsonschema.

Importing jsonschema (with referencing, attrs and the format checkers) costs more than the rest of
a `check` run together. Most files a linter sees in CI are valid, and for a valid file jsonschema
has nothing to report. So `schema.validate` first asks this module; only when the answer is not a
plain "valid" does it load jsonschema, which then produces every error and its wording.

The answer must never be "valid" where jsonschema would find an error. This module therefore
implements exactly the draft-07 keywords the bundled schema uses, with jsonschema's semantics
(`$ref` hides its siblings, as in draft 7; `integer` is a strict int, as `schema._validator`
redefines it), and gives up (`Unsure`) on anything else: an unknown keyword, a remote `$ref`, an
`enum`/`const` of a non-string, a value of a type JSON does not have. Giving up only costs time.
"""

from __future__ import annotations

from typing import Any

_ANNOTATIONS = frozenset({
    "$schema", "$id", "$comment", "title", "description", "markdownDescription", "default", "examples",
    "defaultSnippets", "definitions", "x-dagster-version", "deprecationMessage", "doNotSuggest",
})
_JSON_SCALARS = (str, int, float, bool, type(None))


class Unsure(Exception):
    """The schema or the value uses something this module does not implement."""


def is_valid(data: Any, schema: dict[str, Any], strict_integer: bool = True) -> bool:
    """True when `data` is valid against `schema`; False when it is not; Unsure when it cannot tell.
    `strict_integer`: `integer` is Dagster's Int (as `schema._validator`), else draft 7's (1.0 is one)."""
    try:
        return _Checker(schema, strict_integer).valid(data, schema)
    except RecursionError:
        raise Unsure("nested too deeply") from None


class _Checker:
    def __init__(self, root: dict[str, Any], strict_integer: bool) -> None:
        self.root = root
        self.strict_integer = strict_integer

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise Unsure(f"$ref {ref}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise Unsure(f"$ref {ref}")
            node = node[part]
        return node

    def valid(self, value: Any, schema: Any) -> bool:  # noqa: C901 - one branch per keyword
        if schema is True:
            return True
        if schema is False:
            return False
        if not isinstance(schema, dict):
            raise Unsure("schema is not an object")
        if "$ref" in schema:  # draft 7: the siblings of $ref are ignored
            return self.valid(value, self.resolve(schema["$ref"]))
        for keyword, argument in schema.items():
            if keyword in _ANNOTATIONS or keyword in ("then", "else"):
                continue
            if keyword == "type":
                if not _has_type(value, argument, self.strict_integer):
                    return False
            elif keyword == "properties":
                if isinstance(value, dict):
                    for key, subschema in argument.items():
                        if key in value and not self.valid(value[key], subschema):
                            return False
            elif keyword == "additionalProperties":
                if isinstance(value, dict):
                    if "patternProperties" in schema:
                        raise Unsure("patternProperties")
                    known = schema.get("properties", {})
                    for key, item in value.items():
                        if key not in known and not self.valid(item, argument):
                            return False
            elif keyword == "required":
                if isinstance(value, dict) and any(key not in value for key in argument):
                    return False
            elif keyword == "propertyNames":
                if isinstance(value, dict) and not all(self.valid(key, argument) for key in value):
                    return False
            elif keyword == "minProperties":
                if isinstance(value, dict) and len(value) < argument:
                    return False
            elif keyword == "maxProperties":
                if isinstance(value, dict) and len(value) > argument:
                    return False
            elif keyword == "items":
                if not isinstance(argument, (dict, bool)):
                    raise Unsure("items as a list")
                if isinstance(value, list) and not all(self.valid(item, argument) for item in value):
                    return False
            elif keyword == "enum":
                if not any(_equal(value, option) for option in argument):
                    return False
            elif keyword == "const":
                if not _equal(value, argument):
                    return False
            elif keyword == "anyOf":
                if not any(self.valid(value, subschema) for subschema in argument):
                    return False
            elif keyword == "not":
                if self.valid(value, argument):
                    return False
            elif keyword == "allOf":
                if not all(self.valid(value, subschema) for subschema in argument):
                    return False
            elif keyword == "if":
                branch = schema.get("then", True) if self.valid(value, argument) else schema.get("else", True)
                if not self.valid(value, branch):
                    return False
            else:
                raise Unsure(f"keyword {keyword}")
        return True


def _equal(value: Any, option: Any) -> bool:
    if not isinstance(option, str):
        raise Unsure("enum or const of a non-string")
    return isinstance(value, str) and value == option  # jsonschema compares with a string by ==


def _has_type(value: Any, expected: Any, strict_integer: bool) -> bool:
    if isinstance(expected, list):
        return any(_has_type(value, one, strict_integer) for one in expected)
    if not isinstance(value, _JSON_SCALARS + (dict, list)):
        raise Unsure(f"a value of type {type(value).__name__}")
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    if expected == "string":
        return isinstance(value, str)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "null":
        return value is None
    if expected == "integer":  # strict: schema._validator's (Dagster's Int); else draft 7's
        if isinstance(value, float) and not strict_integer:
            return value.is_integer()
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    raise Unsure(f"type {expected}")
