"""`ambiguous-scalar`: plain scalars that YAML 1.1 (Dagster) and YAML 1.2 (editors, most tools) read differently.

Dagster reads `dagster.yaml` with PyYAML (YAML 1.1 resolvers, exact spellings, minus timestamps);
`Document.plain_scalars` gives each plain scalar with PyYAML's value. This module reads the same
text with the YAML 1.2 core schema (the JSON-compatible one yq, Go's yaml.v3, ruamel, js-yaml 4,
the YAML language server and most other tools use) and reports where the two values differ:

- `yes/no/on/off` (and `Yes`, `YES`, ... the spellings PyYAML knows): booleans to Dagster, strings in 1.2.
- leading-zero octals (`0755` is 493 to Dagster, 755 in 1.2); `08`/`09` (strings to Dagster, integers
  in 1.2); `0o17` (a string to Dagster, 15 in 1.2); `0b101`, `1_000`, sexagesimal `1:30` (90),
  signed hex `-0x1F` (numbers to Dagster, strings in 1.2); `1e3` and `1.0e3` (strings to Dagster,
  which wants a dot and a signed exponent, floats in 1.2).

Not reported, because both read them alike: `y`/`n`/`Y`/`N` (strings to PyYAML, whose 1.1
resolver lacks them, and strings in 1.2; only tools that follow the 1.1 spec's boolean table, such
as Go's yaml.v2, read them as booleans, and Dagster does not), `0x1F` (31 in both), `.inf`/`.NaN`
spellings (the same floats in both), `~`/`null`, dates (Dagster drops the timestamp resolver, 1.2
has none). A plain `=` value is already a `yaml-syntax` error; as a key it is the string `=` in both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from linter.findings import Target, Violation
from linter.rules import RuleContext, check
from linter.words import yaml_scalar

_CORE_NULL = re.compile(r"~|null|Null|NULL")
_CORE_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CORE_INT10 = re.compile(r"[-+]?[0-9]+")
_CORE_INT8 = re.compile(r"0o[0-7]+")
_CORE_INT16 = re.compile(r"0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_CORE_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_CORE_NAN = re.compile(r"\.(?:nan|NaN|NAN)")


def core_schema_value(text: str) -> Any:
    """What a YAML 1.2 core-schema reader makes of a plain scalar."""
    if text == "" or _CORE_NULL.fullmatch(text):
        return None
    if text in _CORE_BOOL:
        return _CORE_BOOL[text]
    if _CORE_INT10.fullmatch(text):
        return int(text)
    if _CORE_INT8.fullmatch(text):
        return int(text[2:], 8)
    if _CORE_INT16.fullmatch(text):
        return int(text[2:], 16)
    if _CORE_FLOAT.fullmatch(text):
        return float(text)
    if _CORE_INF.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _CORE_NAN.fullmatch(text):
        return math.nan
    return text


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _show(value: Any) -> str:
    """A value as a reader would describe it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        if math.isnan(value):
            return "the float NaN"
        if math.isinf(value):
            return f"the float {'-' if value < 0 else ''}infinity"
        return f"the float {value!r}"
    return f'the string "{value}"'


def _unambiguous(value: Any) -> str:
    """`value` written so that every YAML reader reads it alike."""
    return yaml_scalar(value, shorten=False)


_OCTAL_INTENDED = ("mode", "umask", "permission")  # keys where an octal number is what people mean


def _is_octal_surprise(scalar, core: Any) -> bool:
    """A value like `05432`: an int to both, but YAML 1.1 (Dagster) reads the leading 0 as octal."""
    return (not scalar.is_key and type(scalar.value) is int and type(core) is int
            and scalar.text.lstrip("+-").startswith("0") and scalar.value != core)


def _octal_violation(scalar, core: int, dagster_form: str) -> Violation:
    key = scalar.key_path[-1] if scalar.key_path else "the value"
    said = f"`{key}: {scalar.text}`" if isinstance(key, str) else f"`{scalar.text}`"
    message = (f"Dagster reads {said} as {scalar.value}: YAML 1.1 takes a leading 0 for an octal number"
               f" (YAML 1.2 tools such as editors read {core})")
    if isinstance(key, str) and any(word in key.lower() for word in _OCTAL_INTENDED):
        message += f"; write `{dagster_form}` to say so, or `{core}` if the decimal number was meant"
        suggestion = dagster_form
    else:
        message += f"; write `{core}` if the decimal number was meant, or `{dagster_form}` to keep what Dagster reads"
        suggestion = str(core)
    return Violation("ambiguous-scalar", scalar.key_path, message, Target.VALUE, suggestion)


@check("ambiguous-scalar")
def ambiguous_plain_scalar(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for plain scalars that YAML 1.1 (Dagster) and YAML 1.2 (most other tools) read differently.

    Why it matters: editors, linters and templating tools show or rewrite a different value from the one Dagster uses.
    """
    document = context.document
    if document is None:
        return
    for scalar in document.plain_scalars():
        core = core_schema_value(scalar.text)
        if _same(scalar.value, core):
            continue
        dagster_form = _unambiguous(scalar.value)
        quoted = _unambiguous(scalar.text)
        what = "key" if scalar.is_key else "value"
        if _is_octal_surprise(scalar, core):
            yield _octal_violation(scalar, core, dagster_form)
            continue
        message = (
            f"the plain {what} `{scalar.text}` is {_show(scalar.value)} to Dagster (YAML 1.1) but "
            f"{_show(core)} to YAML 1.2 tools (editors, yq, most linters)"
        )
        if isinstance(scalar.value, str):
            message += f"; quote it (`{quoted}`) so that every reader sees the text"
            suggestion = quoted
        elif scalar.is_key:
            message += f"; quote it (`{quoted}`) for the text, or write `{dagster_form}` for what Dagster reads now"
            suggestion = quoted
        else:
            message += f"; write `{dagster_form}` to keep what Dagster reads, or `{quoted}` for the text"
            if isinstance(core, int) and not isinstance(core, bool) and type(scalar.value) is int:
                message += f" (or `{core}` if the decimal number was meant)"
            suggestion = dagster_form
        yield Violation("ambiguous-scalar", scalar.key_path, message, Target.KEY if scalar.is_key else Target.VALUE,
                        suggestion)
