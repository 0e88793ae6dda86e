"""Which Dagster version a dagster.yaml will run with: the nearest `dagster` pin above it, and the
supported minor that pin allows.

Detection looks only at the checked file's directory and its parents (and, in each, the one
conventional `requirements/` folder), never deeper, and stops at the repository root. In each
directory a lock file wins over a manifest: a lock names the exact version that gets installed, while
`dagster>=1.10` in pyproject.toml or requirements.txt only names a range.
Specifiers are evaluated here rather than with `packaging`, which is not a runtime dependency.
"""

from __future__ import annotations

import enum
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

MAX_DIRECTORIES = 32  # a bound on the walk up, however deep the checked file is


class Pin(NamedTuple):
    requirement: str  # as written: "dagster[postgres]>=1.10,<1.12" (PEP 508), "^1.10" (Poetry), "1.11.16" (lock)
    source: str  # "requirements.txt:3": the file's name and the 1-based line of the pin
    path: Path


class Verdict(str, enum.Enum):
    SUPPORTED = "supported"  # `minor` is the highest supported minor the requirement allows
    OLDER = "older"  # allows only versions older than the oldest supported minor
    NEWER = "newer"  # allows no supported minor, but versions newer than the newest
    UNSATISFIABLE = "unsatisfiable"  # allows no version at all (`>=1.12,<1.10`)
    UNPARSEABLE = "unparseable"


class MinorChoice(NamedTuple):
    verdict: Verdict
    minor: str | None = None  # SUPPORTED only
    # OLDER: the highest version allowed; NEWER: the lowest. `nearest_excluded` when that version is
    # the bound itself and not allowed: `<1.9` gives ("1.9", True), `==1.8.3` gives ("1.8.3", False).
    nearest: str | None = None
    nearest_excluded: bool = False


# ---------------------------------------------------------------------------------------------
# Finding the pin.


def find_dagster_pin(start: Path) -> Pin | None:
    """The nearest pin of the `dagster` distribution above `start` (a file or directory).
    The walk stops at the first directory holding `.git` (after reading it), before the user's home
    directory (read only when the walk starts there), at the filesystem root, or after MAX_DIRECTORIES."""
    try:
        is_dir = start.is_dir()
    except OSError:
        is_dir = False
    directory, home = _absolute(start if is_dir else start.parent), _home()
    for depth, candidate in enumerate((directory, *directory.parents)):
        if depth >= MAX_DIRECTORIES or (depth and candidate == home):
            return None
        try:
            names = set(os.listdir(candidate))
        except OSError:
            names = set()
        pin = _pin_in(candidate, names)
        if pin is not None or ".git" in names:
            return pin
    return None


def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _home() -> Path | None:
    try:
        return _absolute(Path.home())
    except (KeyError, RuntimeError):  # no HOME and no password entry
        return None


def _pin_in(directory: Path, names: set[str]) -> Pin | None:
    """A lock's pin (exact) if a lock names dagster; else the first manifest pin with a constraint, in
    the order pyproject.toml, pixi.toml, requirements*.txt, requirements/*.txt (the directory many
    projects keep their requirement sets in, such as requirements/base.txt); else an unconstrained one
    (`dagster` alone says nothing about the version, so an exact pin beside it wins)."""
    for name, read in (("uv.lock", _from_toml_lock), ("poetry.lock", _from_toml_lock),
                       ("Pipfile.lock", _from_pipfile_lock)):
        if name in names and (pin := _read_pin(directory / name, read)) is not None:
            return pin
    manifests = [directory / name for name in ("pyproject.toml", "pixi.toml") if name in names]
    manifests += [directory / name for name in sorted(names, key=_requirements_order) if _is_requirements(name)]
    if "requirements" in names:
        try:
            nested = sorted(os.listdir(directory / "requirements"), key=_requirements_order)
        except OSError:
            nested = []
        manifests += [directory / "requirements" / name for name in nested if name.endswith((".txt", ".in"))]
    unconstrained = None
    for path in manifests:
        read = _from_requirements if path.name.endswith((".txt", ".in")) else _from_pyproject
        pin = _read_pin(path, read)
        if pin is not None and _constraint(pin.requirement) not in ("", "*"):
            return pin
        unconstrained = unconstrained or pin
    return unconstrained


def _read_pin(path: Path, read: Callable[[Path, str], Pin | None]) -> Pin | None:
    try:
        return read(path, path.read_text(encoding="utf-8-sig")) if path.is_file() else None
    except (OSError, ValueError, TypeError, AttributeError):  # ValueError: bad TOML, JSON or UTF-8
        return None


def _is_requirements(name: str) -> bool:
    return name.startswith("requirements") and name.endswith((".txt", ".in"))


def _requirements_order(name: str) -> tuple:
    """The main set first (requirements.txt, base, prod), then the rest by name; `.txt` before `.in`."""
    stem = name.rsplit(".", 1)[0].lower()
    main = stem in ("requirements", "base", "prod", "production", "main", "common")
    return (not main, name.endswith(".in"), name)


def _from_toml_lock(path: Path, text: str) -> Pin | None:
    """uv.lock and poetry.lock: `[[package]] name = "dagster" version = "1.11.16"`. Locks run to
    thousands of lines: they are read as TOML only when they name dagster at all."""
    if not _mentions_dagster(text):
        return None
    for package in _list(_toml(text).get("package")):
        if isinstance(package, dict) and _is_dagster(package.get("name")) and isinstance(package.get("version"), str):
            name = re.escape(package["name"])
            line = _line_of(text, rf"^\s*name\s*=\s*[\"']{name}[\"']\s*$", r"^\s*version\s*=")
            return Pin(package["version"], f"{path.name}:{line}", path)
    return None


def _from_pipfile_lock(path: Path, text: str) -> Pin | None:
    data = json.loads(text)
    for section in ("default", "develop"):
        for name, entry in _dict(_dict(data).get(section)).items():
            if _is_dagster(name) and isinstance(entry, dict) and isinstance(entry.get("version"), str):
                line = _line_of(text, rf'"{section}"\s*:', re.escape(json.dumps(name)) + r"\s*:", r'"version"\s*:')
                return Pin(entry["version"], f"{path.name}:{line}", path)
    return None


def _from_pyproject(path: Path, text: str) -> Pin | None:
    if not _mentions_dagster(text):  # most are read for nothing: no TOML parser then
        return None
    data = _toml(text)
    project = _dict(data.get("project"))
    lists = [(r"^\s*\[\s*project\s*\]", project.get("dependencies"))]
    lists += [(r"^\s*\[\s*project\.optional-dependencies\s*\]", extra)
              for extra in _dict(project.get("optional-dependencies")).values()]
    lists += [(r"^\s*\[\s*dependency-groups\s*\]", group) for group in _dict(data.get("dependency-groups")).values()]
    for header, requirements in lists:
        for requirement in _list(requirements):
            if isinstance(requirement, str) and _names_dagster(requirement):
                line = _line_of(text, header, rf"[\"']{re.escape(requirement)}[\"']")
                return Pin(requirement.strip(), f"{path.name}:{line}", path)
    poetry = _dict(_dict(data.get("tool")).get("poetry"))
    tables = [(r"tool\.poetry\.dependencies", poetry.get("dependencies")),
              (r"tool\.poetry\.dev-dependencies", poetry.get("dev-dependencies"))]
    tables += [(rf"tool\.poetry\.group\.{re.escape(group)}\.dependencies", _dict(table).get("dependencies"))
               for group, table in _dict(poetry.get("group")).items()]
    # pixi: `[tool.pixi.dependencies]` in pyproject.toml, `[dependencies]` in pixi.toml (conda or PyPI specs)
    pixi, prefix = (_dict(_dict(data.get("tool")).get("pixi")), r"tool\.pixi\.") if path.name == "pyproject.toml" \
        else (data, "")
    for kind in ("dependencies", "pypi-dependencies"):
        tables.append((prefix + kind, pixi.get(kind)))
        tables += [(rf"{prefix}feature\.{re.escape(feature)}\.{kind}", _dict(table).get(kind))
                   for feature, table in _dict(pixi.get("feature")).items()]
    for header, table in tables:
        for name, value in _dict(table).items():
            constraint = _poetry_constraint(value)
            if _is_dagster(name) and constraint is not None:
                line = _line_of(text, rf"^\s*\[\s*{header}\s*\]", rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
                return Pin(constraint, f"{path.name}:{line}", path)
    return None


def _mentions_dagster(text: str) -> bool:
    return re.search(r"(?i)[\"'\s]dagster[\"'\s\[=<>~^!;@]", text) is not None


def _poetry_constraint(value: Any) -> str | None:
    """`"^1.10"`, `{version = "^1.10", extras = [...]}`, or a list of such tables (one per Python
    version, which may install any of them); None for git, path and url sources."""
    if isinstance(value, str):
        return value
    versions = [item.get("version") for item in (value if isinstance(value, list) else [value])
                if isinstance(item, dict) and isinstance(item.get("version"), str)]
    return " || ".join(versions) if versions else None


def _from_requirements(path: Path, text: str) -> Pin | None:
    lines, logical, first_line = text.split("\n"), "", 0
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        first_line = first_line or number
        continues = line.endswith("\\") and not line.lstrip().startswith("#")  # as pip: comments never continue
        logical += line[:-1] if continues else line
        if continues and number < len(lines):
            continue
        requirement = re.sub(r"(^|\s)#.*$", "", logical)
        requirement = re.split(r"\s--", requirement)[0].strip()  # per-requirement options: --hash=…
        if requirement and not requirement.startswith("-") and _names_dagster(requirement):
            return Pin(requirement, f"{path.name}:{first_line}", path)
        logical, first_line = "", 0
    return None


def _names_dagster(requirement: str) -> bool:
    """Whether a PEP 508 requirement is for `dagster` by version (a URL requirement gives none)."""
    name = re.match(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)", requirement)
    if name is None or not _is_dagster(name[1]):
        return False
    rest = re.sub(r"^\s*\[[^\]]*\]", "", requirement[name.end():]).lstrip()
    return not rest.startswith("@")


def _is_dagster(name: Any) -> bool:
    return isinstance(name, str) and re.sub(r"[-_.]+", "-", name).lower() == "dagster"


def _toml(text: str) -> dict:
    if sys.version_info >= (3, 11):  # imported only here: most runs read no TOML file
        import tomllib
    else:  # pragma: no cover - declared as `tomli; python_version < "3.11"` in pyproject.toml
        import tomli as tomllib
    return tomllib.loads(text)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _line_of(text: str, *patterns: str) -> int:
    """The 1-based line matching the last pattern, each pattern searched from the previous one's line.
    A pattern not found is passed over (inline tables have no `[header]` line); 1 when none is found."""
    lines = text.split("\n")
    index, found = 0, 0
    for pattern in patterns:
        regex = re.compile(pattern)
        hit = next((i for i in range(index, len(lines)) if regex.search(lines[i])), None)
        if hit is not None:
            index, found = hit, hit + 1
    return found or 1


# ---------------------------------------------------------------------------------------------
# Evaluating the requirement. A version is a sort key; a requirement is a union of spans of keys
# between two edges (None: unbounded), found by intersecting its clauses' spans.


class _Edge(NamedTuple):
    key: tuple
    included: bool
    text: str  # the version as written, for messages


_Span = tuple[_Edge | None, _Edge | None]


def minor_for(requirement: str, supported: Sequence[str]) -> MinorChoice:
    """The highest of the `supported` minors ("1.9", "1.10", …) that `requirement` allows. It may be a
    PEP 508 requirement (name, extras and markers are ignored) or a bare constraint: `1.11.16`,
    `==1.11.16`, `^1.10`, `~1.10`, `>=1.10 <1.12`, `*`, `^1.9 || ^2.0`. Minor X.Y stands for every
    version whose release starts with X.Y, pre- and post-releases included (`1.11.0rc1` is a 1.11)."""
    constraint = _constraint(requirement)
    exact = _exact_minor(constraint)
    if exact in supported:  # the common case, a plain pin, read without compiling the PEP 440 patterns
        return MinorChoice(Verdict.SUPPORTED, exact)
    allowed = _allowed(constraint)
    if allowed is None:
        return MinorChoice(Verdict.UNPARSEABLE)
    if not allowed:
        return MinorChoice(Verdict.UNSATISFIABLE)
    minors = sorted(supported, key=_release_of)
    if not minors:
        raise ValueError("no supported minor versions given")
    for minor in reversed(minors):
        release = _release_of(minor)
        series = (_Edge(_floor(release), True, minor), _Edge(_floor(_bump(release)), False, ""))
        if _intersect(allowed, [series]):
            return MinorChoice(Verdict.SUPPORTED, minor)
    after_newest = _bump(_release_of(minors[-1]))
    above = _intersect(allowed, [(_Edge(_floor(after_newest), True, _text(after_newest)), None)])
    if above:
        lowest = min((span[0] for span in above), key=_as_start)
        return MinorChoice(Verdict.NEWER, nearest=lowest.text, nearest_excluded=not lowest.included)
    highest = max((span[1] for span in allowed if span[1] is not None), key=_as_end)
    return MinorChoice(Verdict.OLDER, nearest=highest.text, nearest_excluded=not highest.included)


def _exact_minor(constraint: str | None) -> str | None:
    """"1.11" for `==1.11.16`, `===1.11.16`, `1.11.16` (a lock's version), `==1.11`; else None."""
    version = (constraint or "").lstrip("=").strip()
    parts = version.split(".")
    if constraint is None or constraint[:1] not in "=0123456789" or len(parts) < 2:
        return None
    return f"{int(parts[0])}.{int(parts[1])}" if all(part.isdigit() for part in parts) else None


def _release_of(minor: str) -> tuple[int, ...]:
    return tuple(int(part) for part in minor.split("."))


def _constraint(requirement: str) -> str | None:
    """The version constraint of a requirement: without name, extras, markers and parentheses."""
    text = requirement.split(";", 1)[0].strip()
    name = re.match(r"([A-Za-z][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?", text)
    if name and not _is_dagster(name[1]):
        return None
    if name:
        text = text[name.end():].strip()
        if text.startswith("@"):
            return None
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1].strip()
    return text


# Patterns, not compiled ones: `re` compiles (and caches) them on first use, not at import.
_CLAUSE = r"\s*(?P<op>===|==|!=|~=|<=|>=|<|>|\^|~|=)?\s*(?P<version>[^\s,]+)\s*,?\s*"
_VERSION = r"""(?xi)
    (?P<release>\d+(?:\.\d+)*)  # no epochs: Dagster has never used one
    (?:[-_.]?(?P<pre>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>\d*))?
    (?:-(?P<post_n1>\d+)|[-_.]?(?P<post>post|rev|r)[-_.]?(?P<post_n2>\d*))?
    (?:[-_.]?(?P<dev>dev)[-_.]?(?P<dev_n>\d*))?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?"""


def _allowed(constraint: str | None) -> list[_Span] | None:
    """The spans a constraint allows ([] for none); None when it cannot be read."""
    if constraint is None:
        return None
    if not constraint:
        return [(None, None)]
    union: list[_Span] = []
    for alternative in constraint.split("||"):
        alternative, position = alternative.strip(), 0
        spans: list[_Span] | None = [(None, None)] if alternative else None
        while spans is not None and position < len(alternative):
            clause = re.compile(_CLAUSE).match(alternative, position)
            clause_spans = _clause(clause["op"] or "", clause["version"]) if clause else None
            spans = _intersect(spans, clause_spans) if clause_spans is not None else None
            position = clause.end() if clause else position
        if spans is None:
            return None
        union += spans
    return union


def _clause(op: str, text: str) -> list[_Span] | None:
    if text == "*":
        return [(None, None)] if op == "" else None
    wildcard = re.fullmatch(r"(\d+(?:\.\d+)*)\.\*", text)
    if wildcard:
        release = _release_of(wildcard[1])
        start, end = _Edge(_floor(release), True, wildcard[1]), _Edge(_floor(_bump(release)), False, _text(_bump(release)))
        if op in ("", "=", "=="):
            return [(start, end)]
        return [(None, _flip(start)), (_flip(end), None)] if op == "!=" else None
    version = re.fullmatch(_VERSION, text)
    if version is None:
        return None
    release = _release_of(version["release"])
    is_pre, is_post = bool(version["pre"] or version["dev"]), bool(version["post"] or version["post_n1"])
    exact = _Edge(_key(version), True, text)
    if op in ("", "=", "==", "==="):
        return [(exact, exact)]
    if op == "!=":
        return [(None, _flip(exact)), (_flip(exact), None)]
    if op == ">=":
        return [(exact, None)]
    if op == "<=":
        return [(None, exact)]
    if op == ">":  # PEP 440: `>1.10` allows no 1.10.postN
        return [(_Edge(_ceiling(release), False, text) if not (is_pre or is_post) else _flip(exact), None)]
    if op == "<":  # PEP 440: `<1.12` allows no 1.12 pre-release
        return [(None, _Edge(_floor(release), False, text) if not (is_pre or is_post) else _flip(exact))]
    if op == "~=" and len(release) < 2:
        return None
    if op == "~=":
        upper = _bump(release[:-1])
    elif op == "~":  # Poetry: ~1.10 and ~1.10.3 stay below 1.11; ~1 below 2
        upper = _bump(release[:2])
    else:  # Poetry's ^: below the next change of the first non-zero part (^1.10 <2.0, ^0.9 <0.10)
        first = next((i for i, part in enumerate(release) if part), len(release) - 1)
        upper = _bump(release[: first + 1])
    return [(exact, _Edge(_floor(upper), False, _text(upper)))]


def _key(version: re.Match) -> tuple:
    """A sort key in PEP 440 order: 1.0.dev1 < 1.0a1 < 1.0rc1 < 1.0 == 1.0.0 < 1.0.post1 < 1.0.1."""
    has_post = bool(version["post"] or version["post_n1"])
    post = int(version["post_n1"] or version["post_n2"] or 0) if has_post else None
    dev = int(version["dev_n"] or 0) if version["dev"] else None
    if version["pre"]:
        phase = version["pre"].lower()
        pre = (1 if phase.startswith("a") else 2 if phase.startswith("b") else 3, int(version["pre_n"] or 0))
    else:
        pre = (0, 0) if dev is not None and post is None else (9, 0)
    return (_trimmed(_release_of(version["release"])), pre, -1 if post is None else post, (1, 0) if dev is None else (0, dev))


def _floor(release: tuple[int, ...]) -> tuple:  # below every version of this release, dev-releases too
    return (_trimmed(release), (-1, 0), -1, (0, 0))


def _ceiling(release: tuple[int, ...]) -> tuple:  # above every version of this release, post-releases too
    return (_trimmed(release), (99, 0), 0, (0, 0))


def _trimmed(release: tuple[int, ...]) -> tuple[int, ...]:  # 1.10.0 == 1.10
    while release and release[-1] == 0:
        release = release[:-1]
    return release


def _bump(release: tuple[int, ...]) -> tuple[int, ...]:
    return (*release[:-1], release[-1] + 1)


def _text(release: tuple[int, ...]) -> str:
    return ".".join(map(str, release))


def _flip(edge: _Edge) -> _Edge:
    return _Edge(edge.key, not edge.included, edge.text)


def _intersect(spans: list[_Span], others: list[_Span]) -> list[_Span]:
    overlaps = []
    for low, high in spans:
        for other_low, other_high in others:
            start = max((edge for edge in (low, other_low) if edge), key=_as_start, default=None)
            end = min((edge for edge in (high, other_high) if edge), key=_as_end, default=None)
            if start is None or end is None or start.key < end.key or (
                    start.key == end.key and start.included and end.included):
                overlaps.append((start, end))
    return overlaps


def _as_start(edge: _Edge) -> tuple:  # at the same version, an excluding lower edge starts later
    return (edge.key, not edge.included)


def _as_end(edge: _Edge) -> tuple:  # at the same version, an excluding upper edge ends sooner
    return (edge.key, edge.included)
