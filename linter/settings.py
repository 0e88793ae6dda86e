"""Which rules run, at which severity: `[tool.instance-lint]` in pyproject.toml, `--config`, and the command line.

Layering follows ruff: the config file is read first, then the command line on top of it.
`select` replaces the set of enabled rules (all rules when never given); `ignore` removes rules from it;
a later `select` (the command line's) starts again from what it names, so `--select X` enables `X` even
when the file ignores it. `severity` is merged rule by rule, the command line winning. `exit-zero` from
the command line wins over the file's.
"""

from __future__ import annotations

from linter.words import close_matches
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.findings import Severity
from linter.rulebook import RULES



def _tomllib():  # imported only when a TOML file is read: most runs have none to read
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - declared as `tomli; python_version < "3.11"` in pyproject.toml
        import tomli as tomllib
    return tomllib


TABLE = ("tool", "instance-lint")
# `[tool.instance-lint]`, `[tool.instance-lint.severity]`, `instance-lint = {...}` under `[tool]`, or a
# header broken off at the line's end (parsed, so that its error is reported)
_TABLE_MENTION = re.compile(r"(?m)instance-lint[\"']?[ \t]*(?:[.=\]]|$)")
KEYS = ("select", "ignore", "severity", "exit-zero", "dagster-version")


class SettingsError(ValueError):
    """A bad rule name or value, with where it was written (`pyproject.toml:12` or `--select`)."""


@dataclass(frozen=True)
class Layer:
    """What one source (a config file, or the command line) says; None where it says nothing."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    exit_zero: bool | None = None
    dagster_version: tuple[str, str] | None = None  # (the version as written, where: `pyproject.toml:7`)


@dataclass(frozen=True)
class Settings:
    enabled: frozenset[str] = frozenset(RULES)
    severity: Mapping[str, Severity] = field(default_factory=dict)
    exit_zero: bool = False
    source: str | None = None  # the config file these settings came from, if any
    dagster_version: tuple[str, str] | None = None  # (requested version, where it was written)

    def is_enabled(self, slug: str) -> bool:
        return slug in self.enabled

    def severity_for(self, slug: str, default: Severity) -> Severity:
        return self.severity.get(slug, default)


def combine(*layers: Layer, source: str | None = None) -> Settings:
    """Apply the layers in order (file first, then command line)."""
    enabled = set(RULES)
    severity: dict[str, Severity] = {}
    exit_zero = False
    dagster_version = None
    for layer in layers:
        if layer.select is not None:
            enabled = set(layer.select)
        enabled -= layer.ignore
        severity.update(layer.severity)
        if layer.exit_zero is not None:
            exit_zero = layer.exit_zero
        if layer.dagster_version is not None:
            dagster_version = layer.dagster_version
    return Settings(frozenset(enabled), severity, exit_zero, source, dagster_version)


# ---------------------------------------------------------------------------------------------
# Values, wherever they come from.


def check_rule(name: str, where: str) -> str:
    if name in RULES:
        return name
    raise SettingsError(f"{where}: unknown rule `{name}`{did_you_mean(name)}")


def did_you_mean(name: str) -> str:
    close = close_matches(name, list(RULES), n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else " (`instance-lint rules` lists them)"


def parse_severity(value: str, where: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise SettingsError(f"{where}: severity must be `error`, `warning` or `info`, not `{value}`") from None


def cli_layer(
    select: Iterable[str], ignore: Iterable[str], severity: Iterable[str], exit_zero: bool,
    dagster_version: str | None = None,
) -> Layer:
    """The command line's layer. Options may repeat and take comma-separated lists."""
    select_names = [_split(value, "--select") for value in select]
    ignore_names = [_split(value, "--ignore") for value in ignore]
    overrides: dict[str, Severity] = {}
    for item in severity:
        rule, sep, level = item.partition("=")
        if not sep:
            raise SettingsError(f"--severity: expected RULE=error|warning|info, got `{item}`")
        overrides[check_rule(rule.strip(), "--severity")] = parse_severity(level.strip(), "--severity")
    return Layer(
        select=frozenset(n for names in select_names for n in names) if select_names else None,
        ignore=frozenset(n for names in ignore_names for n in names),
        severity=overrides,
        exit_zero=True if exit_zero else None,
        dagster_version=None if dagster_version is None else (dagster_version, "--dagster-version"),
    )


def _split(value: str, option: str) -> list[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    if not names:
        raise SettingsError(f"{option}: expected RULE[,RULE...], got `{value}`")
    return [check_rule(name, option) for name in names]


# ---------------------------------------------------------------------------------------------
# Config files.


def find_config(checked_file: Path, tables: dict[Path, bool] | None = None) -> Path | None:
    """The nearest pyproject.toml above the checked file that has a `[tool.instance-lint]` table
    (as ruff does for `[tool.ruff]`: a pyproject.toml without the table is passed over).
    `tables`: what earlier calls of one run found for each pyproject.toml, so each is read once."""
    directory = checked_file.resolve().parent
    tables = {} if tables is None else tables
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / "pyproject.toml"
        if candidate in tables:
            if tables[candidate]:
                return candidate
        elif candidate.is_file():
            tables[candidate] = _has_table(candidate)
            if tables[candidate]:
                return candidate
    return None


def _has_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True  # report the problem when it is read, instead of silently skipping it
    if _TABLE_MENTION.search(text) is None:  # most pyproject.toml files: no TOML parser needed to say no
        return False
    tomllib = _tomllib()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True
    return isinstance(data.get("tool"), dict) and TABLE[1] in data["tool"]


def load_config(path: Path, shown: str | None = None) -> Layer:
    """`[tool.instance-lint]` of a pyproject.toml or any .toml file; an absent table is an empty layer."""
    shown = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{shown}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not UTF-8 text"
        raise SettingsError(f"{shown}: cannot read the config file: {reason}") from None
    tomllib = _tomllib()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{shown}: not valid TOML: {error}") from None
    table = data.get("tool", {}).get(TABLE[1]) if isinstance(data.get("tool"), dict) else None
    if table is None:
        return Layer()
    return _table_layer(table, _Locator(shown, text))


class _Locator:
    """`file:line` of a key or value inside `[tool.instance-lint]` (tomllib keeps no positions)."""

    def __init__(self, shown: str, text: str) -> None:
        self.shown = shown
        self.lines = text.splitlines()
        own = re.compile(r"^\s*\[\s*tool\s*\.\s*(\"instance-lint\"|instance-lint)\s*[.\]]")
        self.start = next((i for i, line in enumerate(self.lines) if own.match(line)), 0)
        self.end = next((i for i in range(self.start + 1, len(self.lines))
                         if self.lines[i].lstrip().startswith("[") and not own.match(self.lines[i])),
                        len(self.lines))

    def at(self, key: str, needle: str | None = None) -> str:
        """The line of `key` (or of `[tool.instance-lint.key]`), or of `needle` at or after it."""
        key_line = re.compile(rf"^\s*(\"?{re.escape(key)}\"?\s*[=.]|\[.*\.\s*\"?{re.escape(key)}\"?\s*\])")
        line = next((i for i in range(self.start, self.end) if key and key_line.match(self.lines[i])), self.start)
        if needle is not None:
            line = next((i for i in range(line, self.end) if needle in self.lines[i]), line)
        return f"{self.shown}:{line + 1}"


def _table_layer(table: Any, where: _Locator) -> Layer:
    if not isinstance(table, dict):
        raise SettingsError(f"{where.at('')}: `[tool.instance-lint]` must be a table")
    for key in table:
        if key not in KEYS:
            close = close_matches(key, KEYS, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f" (known keys: {', '.join(KEYS)})"
            raise SettingsError(f"{where.at(key)}: unknown key `{key}` in [tool.instance-lint]{hint}")
    select = _rule_list(table, "select", where) if "select" in table else None
    ignore = _rule_list(table, "ignore", where) if "ignore" in table else frozenset()
    severity: dict[str, Severity] = {}
    if "severity" in table:
        overrides = table["severity"]
        if not isinstance(overrides, dict):
            raise SettingsError(f"{where.at('severity')}: `severity` must be a table of RULE = \"error|warning|info\"")
        for rule, level in overrides.items():
            check_rule(rule, where.at("severity", rule))
            if not isinstance(level, str):
                raise SettingsError(f"{where.at('severity', rule)}: severity of `{rule}` must be a string")
            severity[rule] = parse_severity(level, where.at("severity", rule))
    exit_zero = table.get("exit-zero")
    if exit_zero is not None and not isinstance(exit_zero, bool):
        raise SettingsError(f"{where.at('exit-zero')}: `exit-zero` must be true or false")
    dagster_version = table.get("dagster-version")
    if dagster_version is not None and not isinstance(dagster_version, str):
        raise SettingsError(f"{where.at('dagster-version')}: `dagster-version` must be a string such as \"1.11\"")
    requested = None if dagster_version is None else (dagster_version, where.at("dagster-version"))
    return Layer(select, ignore, severity, exit_zero, requested)


def _rule_list(table: dict, key: str, where: _Locator) -> frozenset[str]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SettingsError(f"{where.at(key)}: `{key}` must be a list of rule names")
    return frozenset(check_rule(name, where.at(key, f'"{name}"' if name else None)) for name in value)


class SettingsFinder:
    """The settings for each checked file: `--config FILE`, or the nearest pyproject.toml with a
    `[tool.instance-lint]` table above the file (each read once), then the command line on top."""

    def __init__(self, command_line: Layer, config_file: str | None) -> None:
        self.command_line = command_line
        self.fixed = None if config_file is None else (config_file, load_config(Path(config_file)))
        self.cache: dict[Path | None, Settings] = {}
        self.tables: dict[Path, bool] = {}  # pyproject.toml -> has [tool.instance-lint]: each read once

    def __call__(self, checked_file: str) -> Settings:
        if self.fixed is not None:
            shown, layer = self.fixed
            return combine(layer, self.command_line, source=shown)
        config = find_config(Path(checked_file), self.tables)
        if config not in self.cache:
            if config is None:
                self.cache[config] = combine(self.command_line)
            else:
                shown = os.path.relpath(config) if not os.path.isabs(checked_file) else str(config)
                self.cache[config] = combine(load_config(config, shown), self.command_line, source=shown)
        return self.cache[config]
