"""How values and keys are named in messages: in YAML's words, never Python reprs."""

from __future__ import annotations

import json
import math
from typing import Any

_MAX_SHOWN = 60


def yaml_scalar(value: Any, shorten: bool = True) -> str:
    """A scalar as YAML would print it: `null`, `true`, `5`, `.inf`, `"text"` (long text cut short unless
    `shorten` is false, e.g. for a replacement value)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    text = json.dumps(str(value), ensure_ascii=False)
    if shorten and len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 2] + "…\""
    return text


def describe_value(value: Any, source: str | None = None) -> str:
    """`the string "5432"`, `a mapping`, `the boolean true (written `yes`)`."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "`null`"
    if isinstance(value, bool):
        kind = "the boolean"
    elif isinstance(value, (int, float)):
        kind = "the integer" if isinstance(value, int) else "the number"
    else:
        kind = "the string"
    shown = yaml_scalar(value)
    described = f"{kind} `{shown}`"
    if source is not None and source.strip() and source.strip() != shown and not isinstance(value, str):
        described += f" (YAML 1.1 reads `{source.strip()}` as `{shown}`)"
    return described


def quote_key(key: Any) -> str:
    if isinstance(key, str):
        return f"`{key}`"
    return f"`{yaml_scalar(key)}`"


def quoted_list(items: list[Any]) -> str:
    return ", ".join(f"`{yaml_scalar(i) if not isinstance(i, str) else i}`" for i in items)


def close_matches(word: Any, possibilities: Any, n: int = 3, cutoff: float = 0.6) -> list:
    """`difflib.get_close_matches`, with difflib imported when a did-you-mean is first needed
    (difflib and heapq: ~1 ms of every start, for a clean file never used)."""
    import difflib

    return difflib.get_close_matches(word, possibilities, n, cutoff)


def clear_match(word: str, possibilities: Any, cutoff: float = 0.6) -> tuple[str | None, list[str]]:
    """The one close match clearly closer than any other (None when two are about as close), and the
    close matches to name (one, or the two tied ones)."""
    import difflib

    found = difflib.get_close_matches(word, possibilities, 2, cutoff)
    if len(found) == 2:
        first, second = (difflib.SequenceMatcher(None, word, match).ratio() for match in found)
        if first - second < 0.02:  # as close as each other (`deploymnt`: `deployment` 0.95, `deployments` 0.90 is clear)
            return None, found
    return (found[0], found[:1]) if found else (None, [])
