"""`instance-lint render`: print the resolved instance as dagster.yaml (YAML) or JSON.

The YAML is itself a dagster.yaml Dagster loads into the same instance (unless secrets are masked
or `--expand` adds the implied storages). Strings PyYAML would read as something else (`yes`,
`010`, `null`…) are quoted, since Dagster reads YAML 1.1.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from linter.resolve import Resolved
from linter.rules.agent import token_public_part
from linter.rules.secrets import is_secret_name, url_has_password  # what counts as a secret
from linter.yaml11 import STR, resolve_plain

MASK = "***"


def redact(value: Any, left_to_fill: Callable[[str], bool], key: Any = None, env_sources: dict | None = None,
           path: tuple = ()) -> Any:
    """`value` with every secret (a secret-named field's literal, a URL's password, a secret
    `NAME=value` in `env_vars`, an agent token's id) replaced by `***`. A value `left_to_fill` (a `${NAME}`,
    placeholder text, a docs sample's invented value) is no secret and is kept: it is what Dagster gets.
    `{env: NAME}` references are kept, and a secret read from a variable (`env_sources`: output path ->
    name) is shown as that reference again: it loads into the same instance, where `***` would not."""
    sources = env_sources or {}
    if isinstance(value, dict):
        if set(value) == {"env"}:
            return value
        return {k: redact(v, left_to_fill, k, sources, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        if key == "env_vars":
            return [_redact_env_item(item, left_to_fill) for item in value]
        return [redact(item, left_to_fill, None, sources, (*path, i)) for i, item in enumerate(value)]
    masked = value
    if isinstance(key, str):
        if key.lower().endswith(("url", "uri")) and url_has_password(value):
            masked = _mask_url(value)
        elif isinstance(value, str) and left_to_fill(value):
            pass  # `${NAME}`, `...` are no secret: the literal text Dagster gets (placeholder-value says so)
        elif key == "agent_token" and isinstance(value, str) and token_public_part(value):
            masked = token_public_part(value) + MASK  # the organization the agent derives its URL from stays
        elif is_secret_name(key) and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            masked = MASK if str(value) != "" else value
    if masked != value and path in sources:
        return {"env": sources[path]}
    return masked


def _redact_env_item(item: Any, left_to_fill: Callable[[str], bool]) -> Any:
    if isinstance(item, str) and "=" in item:
        name, _, value = item.partition("=")
        if value and is_secret_name(name.strip()) and not left_to_fill(value):
            return f"{name}={MASK}"
    return item


def _mask_url(url: str) -> str:
    parts = urlsplit(url)
    password = parts.password or ""
    return re.sub(re.escape(":" + password) + "@", f":{MASK}@", url, count=1) if password else url


def select(resolved: Resolved, only: str | None) -> tuple[dict, dict]:
    """The data and origins to print: all, or the one top-level section `only`."""
    if only is None:
        return resolved.data, resolved.origins
    data = {only: resolved.data[only]} if only in resolved.data else {only: resolved.implied[only]}
    origins = {p: o for p, o in {**resolved.origins, **resolved.implied_origins}.items() if p[:1] == (only,)}
    return data, origins


def leaf_origins(data: Any, origins: dict, path: tuple = ()) -> dict[str, str]:
    """Dotted key -> origin for every leaf of `data`."""
    if isinstance(data, dict) and data:
        found: dict[str, str] = {}
        for key, value in data.items():
            found.update(leaf_origins(value, origins, (*path, key)))
        return found
    if isinstance(data, list) and data:
        found = {}
        for index, value in enumerate(data):
            found.update(leaf_origins(value, origins, (*path, index)))
        return found
    origin = origins.get(path)
    probe = path
    while origin is None and probe:
        probe = probe[:-1]
        origin = origins.get(probe)
    return {".".join(map(str, path)): origin or "default"}


def to_json(data: dict, origins: dict | None) -> str:
    payload: Any = data if origins is None else {"config": data, "origin": leaf_origins(data, origins)}
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def to_yaml(data: dict, origins: dict | None, header: list[str], implied: dict | None = None,
            implied_origins: dict | None = None, expand: bool = False, unwritten: dict | None = None,
            shared: dict | None = None) -> str:
    """`data` as dagster.yaml; each key of `unwritten` (key -> why) as a commented block, above the key
    that follows it (a key with none after it is written as a key)."""
    yaml = _yaml()
    keys = list(data)
    unwritten = {key: why for key, why in (unwritten or {}).items()
                 if key in data and any(k not in (unwritten or {}) for k in keys[keys.index(key) + 1:])}
    tree = _commented({k: v for k, v in data.items() if k not in unwritten}, origins, (), shared, {})
    pending: list[str] = []
    for key in keys:
        if key in unwritten:
            block = io.StringIO()
            yaml.dump({key: _commented(data[key], None, (key,))}, block)
            pending += [f"{key} {unwritten[key]}:", *block.getvalue().splitlines()]
        elif pending:
            tree.yaml_set_comment_before_after_key(key, before="\n".join(pending))
            pending = []
    if implied and expand:
        for key, value in implied.items():
            tree[key] = _commented(value, implied_origins if origins is not None else None, (key,))
            if origins is not None:
                tree.yaml_set_comment_before_after_key(key, before="expanded view: not a loadable key beside `storage`")
    stream = io.StringIO()
    yaml.dump(tree, stream)
    text = stream.getvalue()
    lines = [f"# {line}" for line in header]
    if implied and expand:
        lines.append(f"# --expand: {', '.join(implied)} (what `storage` implies) are shown in full below; "
                     "a view, not a loadable dagster.yaml (Dagster rejects them beside `storage`)")
    if implied and not expand and origins is not None:
        lines.append("# `storage` implies (not keys of their own; --expand shows them in full):")
        for key, value in implied.items():
            lines.append(f"#   {key}: {value['module']}.{value['class']}")
    return ("\n".join(lines) + "\n" if lines else "") + text


def _commented(value: Any, origins: dict | None, path: tuple, shared: dict | None = None,
               built: dict | None = None) -> Any:
    """`value` as ruamel nodes with origin comments. Paths that copy one written node (`shared`, YAML aliases
    in the file) and still hold equal values become one node, which ruamel writes as an anchor and aliases."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    identity = (shared or {}).get(path)
    if identity is not None and built is not None and identity in built and built[identity][0] == value:
        return built[identity][1]
    node = _build(value, origins, path, shared, {} if built is None else built)
    if identity is not None and built is not None and isinstance(node, (CommentedMap, CommentedSeq)):
        built.setdefault(identity, (value, node))
    return node


def _build(value: Any, origins: dict | None, path: tuple, shared: dict | None, built: dict) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap()
        for key, child in value.items():
            node[key] = _commented(child, origins, (*path, key), shared, built)
            if origins is not None and not (isinstance(child, (dict, list)) and child):
                node.yaml_add_eol_comment(origins.get((*path, key)) or _nearest(origins, (*path, key)), key, column=0)
        return node
    if isinstance(value, list):
        seq = CommentedSeq()
        for index, child in enumerate(value):
            seq.append(_commented(child, origins, (*path, index), shared, built))
            if origins is not None and not (isinstance(child, (dict, list)) and child):
                seq.yaml_add_eol_comment(origins.get((*path, index)) or _nearest(origins, (*path, index)), index,
                                        column=0)  # column 0: one space after the value, every line alike
        return seq
    if isinstance(value, str) and (resolve_plain(value) != STR or value != value.strip() or value == ""):
        from ruamel.yaml.scalarstring import SingleQuotedScalarString

        return SingleQuotedScalarString(value)
    return value


def _nearest(origins: dict, path: tuple) -> str:
    while path:
        path = path[:-1]
        if path in origins:
            return origins[path]
    return "default"
