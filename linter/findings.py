"""The one record every check produces: a finding that carries its own location."""

from __future__ import annotations

import enum
from typing import NamedTuple

KeyPath = tuple  # tuple[str | int, ...]: mapping keys and sequence indexes from the document root


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Target(str, enum.Enum):
    """Which part of the node at a key path a finding points at."""

    KEY = "key"  # the mapping key itself (unknown keys, conflicts, missing keys under it)
    VALUE = "value"  # the value under the key (wrong type, wrong value)


# Records are NamedTuples, not dataclasses: immutable all the same, and ~5x cheaper to define at every start.


class Span(NamedTuple):
    """1-based line and column of the first character; end is exclusive (the column after the last character)."""

    line: int
    column: int
    end_line: int
    end_column: int


class Violation(NamedTuple):
    """What a rule reports: a key path and a message. The runner turns it into a Finding."""

    rule: str
    key_path: KeyPath
    message: str
    target: Target = Target.KEY
    suggestion: str | None = None
    severity: Severity | None = None  # None: the rule's default severity


class Finding(NamedTuple):
    path: str  # the checked file as given on the command line ("-" or --stdin-filename for stdin)
    span: Span
    severity: Severity
    rule: str
    message: str
    key_path: KeyPath = ()
    suggestion: str | None = None
    target: Target | None = None  # what the span covers, the key or the value (None: neither, e.g. a read error)

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    @property
    def dotted_key_path(self) -> str:
        return format_key_path(self.key_path)

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.rule, self.message)


class EmbeddingPrefix(str):
    """A key path's first element when the file is embedded in another one (a Kubernetes ConfigMap's
    `data.dagster.yaml`): `ConfigMap/dagster-instance:data.dagster.yaml`, written before the path with a `:`."""


def format_key_path(key_path: KeyPath) -> str:
    """`run_launcher.config.env_vars[0]`; the empty path is the document root. An embedded file's paths
    start with where it is embedded: `ConfigMap/dagster-instance:data.dagster.yaml:run_launcher.class`."""
    prefix = ""
    if key_path and isinstance(key_path[0], EmbeddingPrefix):
        prefix, key_path = key_path[0], key_path[1:]
    out = ""
    for part in key_path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return f"{prefix}:{out}" if prefix and out else prefix or out
