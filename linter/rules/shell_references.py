"""`placeholder-value` (warning): shell-style `$NAME` / `${NAME}` references Dagster never expands.

Dagster reads `dagster.yaml` with PyYAML and resolves environment variables only through
`{env: NAME}` in StringSource/IntSource/BoolSource fields. Nothing in Dagster 1.13.27 calls
`os.path.expandvars` or a template engine on the file, so `base_dir: $DAGSTER_HOME/storage` makes
the SQLite storage create a directory literally named `$DAGSTER_HOME` (relative to the working
directory) and `hostname: ${PG_HOST:-localhost}` makes Postgres look up a host of that name.

Reported: `$NAME` with an upper-case name (`$HOME`, `$DAGSTER_HOME`; a lower-case `$word` is more
likely part of a password than a reference, and `$$` is skipped) and `${name}` with any name and
any shell operator (`${PG_HOST:-localhost}`), in any string value Dagster reads, including the
`KEY=VALUE` entries of launcher `env_vars`: Dagster splits them at the first `=` and hands the
value to Docker, ECS or Kubernetes as it is, and none of them expands `$NAME` there (Kubernetes
expands only `$(NAME)`, which is not reported).

Reported in the container-level lists nothing expands either: volume specs (Docker
`container_kwargs.volumes`, K8s `volumes`/`volume_mounts`, ECS `mount_points`). Not reported, because another program reads the text and may expand it:
the other pass-through sections (`run_k8s_config`, the rest of `container_kwargs`, `run_task_kwargs`,
container `command`/`args` run by a shell...) and `python_logs.dagster_handler_config` (handler arguments and logging
formats, where `$name` is the `string.Template` style of `logging.Formatter`). Windows `%NAME%` is
not reported either: it is cmd.exe-only syntax, and `%XX` is URL percent-encoding in
`postgres_url`/`mysql_url`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from linter.findings import KeyPath, Severity, Target, Violation, format_key_path
from linter.model import DagsterModel
from linter.rules import RuleContext, check
from linter.rules.env_vars import env_references

_REFERENCE = re.compile(
    r"(?<!\$)\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<operator>[^{}]*)\}|(?P<bare>[A-Z_][A-Z0-9_]+)\b)"
)
# Values other programs read (and may expand), not Dagster.
PASS_THROUGH_KEYS = frozenset({
    "dagster_handler_config",
    "run_k8s_config",
    "pod_spec_config",
    "pod_template_spec_metadata",
    "container_config",
    "job_spec_config",
    "job_metadata",
    "container_kwargs",
    "run_task_kwargs",
    "task_overrides",
    "run_sidecar_containers",
    "server_sidecar_containers",
    "run_resources",
    "server_resources",
    "command",
    "args",
    "entrypoint",
})
# Inside a pass-through section, what its reader hands on without expanding `$NAME`: docker-py passes
# `container_kwargs.volumes` to the Docker API as written (only docker compose expands). (`environment`
# there is refused: conflicting-keys.)
EXPANDED_BY_NOBODY = {"container_kwargs": frozenset({"volumes"})}
# Volume specs: Docker, Kubernetes (`volumes`, `volume_mounts`; only `subPathExpr` takes `$(NAME)`) and ECS
# (`mount_points`) mount them as written.
_VOLUME_KEYS = frozenset({"volumes", "volume_mounts", "mount_points"})
_DIRECTORY_KEYS = ("base_dir", "local_dir", "path", "directory")
_HOST_KEYS = ("hostname", "host", "endpoint_url", "postgres_url", "mysql_url")


def has_shell_reference(text: str) -> bool:
    """Whether `text` holds a `$NAME` / `${NAME}` this rule reads as a shell-style reference."""
    return _REFERENCE.search(text) is not None


def strings_dagster_reads(value: Any, path: KeyPath, seen: set[int]) -> Iterator[tuple[KeyPath, str]]:
    """Every string value under `value` with its path, less what other programs read (PASS_THROUGH_KEYS)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, (dict, list)):
        if id(value) in seen:  # shared through an alias: reported where it is first met
            return
        seen.add(id(value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            if isinstance(value, dict) and key == "env":
                continue
            if key in EXPANDED_BY_NOBODY and isinstance(child, dict):
                for inner in EXPANDED_BY_NOBODY[key] & set(child):
                    yield from strings_dagster_reads(child[inner], (*path, key, inner), seen)
                continue
            if key in PASS_THROUGH_KEYS:
                continue
            yield from strings_dagster_reads(child, (*path, key), seen)


def _resolves_env_at(data: dict, path: KeyPath, model: DagsterModel) -> bool:
    """Whether Dagster would resolve `{env: NAME}` written at `path` (a StringSource-like field)."""
    root = dict(data)
    node: Any = root
    for part in path[:-1]:
        child = node[part]
        child = dict(child) if isinstance(child, dict) else list(child)
        node[part] = child
        node = child
    node[path[-1]] = {"env": "X"}
    return any(reference.path == path for reference in env_references(root, model))


def _effect(path: KeyPath, value: str, reference: str) -> str:
    key = next((part for part in reversed(path) if isinstance(part, str)), "")
    if len(path) >= 2 and path[-2] == "env_vars" and "=" in value:
        name = value.split("=", 1)[0]
        return (f"the launcher sets `{name}` to the literal text `{value.split('=', 1)[1]}` (Docker, ECS and "
                f"Kubernetes do not expand `$NAME` in it); list `{name}` alone to pass the launcher's own `{name}`")
    if any(part in _VOLUME_KEYS for part in path if isinstance(part, str)):
        return (f"the container runtime mounts `{value}` as written (Docker, Kubernetes and ECS do not expand"
                " `$NAME` in volume specs; if a step such as `envsubst` renders this file first, check what it"
                " renders: `envsubst < dagster.yaml | instance-lint check -`)")
    if key.endswith(_DIRECTORY_KEYS) or key.endswith("_dir"):
        return f"it creates and uses a directory literally named `{reference}`"
    if key in _HOST_KEYS:
        return f"it connects to a host named `{reference}`" if value == reference else \
            f"it uses `{reference}` literally in the address"
    return f"it uses the text `{value}` as written"


@check("placeholder-value")
def shell_style_reference(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for shell-style `$NAME` / `${NAME}` references in values, which Dagster never expands.

    Why it matters: Dagster uses the text literally, so it writes to a directory named `$DAGSTER_HOME` or
    connects to a host named `${PG_HOST}`.
    """
    data = context.data
    if not isinstance(data, dict):
        return
    for path, value in strings_dagster_reads(data, (), set()):
        match = _REFERENCE.search(value)
        if match is None:
            continue
        name = match["braced"] or match["bare"]
        reference = match.group()
        whole = match.group() == value
        suggestion = None
        fix = f"use `{{env: {name}}}` instead" if whole else "write the value out, or set the whole value with `{env: NAME}`"
        if not _resolves_env_at(data, path, context.model):
            fix = "write the value out: Dagster does not resolve `env:` in this field"
        elif whole:
            suggestion = f"{{env: {name}}}"
        if match["operator"]:
            fix += " (`env:` has no default value: set the variable)"
        message = (f"`{format_key_path(path)}` contains the shell-style reference `{reference}`, which Dagster "
                   f"never expands: {_effect(path, value, reference)}")
        if not (len(path) >= 2 and path[-2] == "env_vars"):
            message += f"; {fix}"
        yield Violation("placeholder-value", path, message, Target.VALUE, suggestion, Severity.WARNING)
