"""The environment `env:` references resolve against: the process's, then --env-file, then --env."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path


_DOTENV_LINE = re.compile(
    r"""^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*
        (?:"(?P<double>(?:[^"\\]|\\.)*)"|'(?P<single>[^']*)'|(?P<plain>[^#]*?))
        \s*(?:\#.*)?$""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


class EnvironmentSettingError(ValueError):
    """A malformed --env-file line or --env option, with where it was."""


def parse_dotenv(text: str, source: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _DOTENV_LINE.match(line)
        if not match:
            raise EnvironmentSettingError(f"{source}:{number}: expected `NAME=value`, got `{line.strip()}`")
        if match["double"] is not None:
            value = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), match["double"])
        elif match["single"] is not None:
            value = match["single"]
        else:
            value = match["plain"]
        values[match["name"]] = value
    return values


def parse_assignment(option: str) -> tuple[str, str]:
    name, sep, value = option.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise EnvironmentSettingError(f"--env expects NAME=VALUE, got `{option}`")
    return name, value


def build_environment(
    process: Mapping[str, str], env_files: Iterable[str], assignments: Iterable[str]
) -> dict[str, str]:
    environment = dict(process)
    for env_file in env_files:
        try:
            text = Path(env_file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else "not UTF-8 text"
            raise EnvironmentSettingError(f"{env_file}: cannot read the env file: {reason}") from None
        environment.update(parse_dotenv(text, env_file))
    for assignment in assignments:
        name, value = parse_assignment(assignment)
        environment[name] = value
    return environment
