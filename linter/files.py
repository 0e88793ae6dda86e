"""Which files to check and how to read them: paths, directories, stdin; I/O problems as values."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAMES = ("dagster.yaml", "dagster.yml")
_SKIPPED_DIRS = {"node_modules", "__pycache__", "site-packages"}


@dataclass(frozen=True)
class SourceFile:
    display_path: str
    text: str


@dataclass(frozen=True)
class ReadProblem:
    display_path: str
    message: str


def default_targets(environ: dict[str, str]) -> list[str]:
    home = environ.get("DAGSTER_HOME")
    return [os.path.join(home, "dagster.yaml")] if home else ["dagster.yaml"]


def expand_targets(targets: list[str]) -> Iterator[str | ReadProblem]:
    """Files as given; directories searched (without following links) for dagster.yaml/yml."""
    for target in targets:
        if target == "-":
            yield target
        elif os.path.isdir(target):
            found = sorted(_find_configs(target))
            if not found:
                yield ReadProblem(target, f"no {' or '.join(CONFIG_NAMES)} found under this directory")
            yield from found
        else:
            yield target


def _find_configs(directory: str) -> Iterator[str]:
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in files:
            if name in CONFIG_NAMES:
                yield os.path.join(root, name)


def read_source(path: str, stdin_bytes: bytes | None = None, display_path: str | None = None) -> SourceFile | ReadProblem:
    shown = display_path or path
    if stdin_bytes is not None:
        raw = stdin_bytes
    else:
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            return ReadProblem(shown, "no such file")
        except IsADirectoryError:
            return ReadProblem(shown, "is a directory")
        except PermissionError:
            return ReadProblem(shown, "cannot read the file: permission denied")
        except OSError as error:
            return ReadProblem(shown, f"cannot read the file: {error.strerror or error}")
    return _decode(raw, shown)


def _decode(raw: bytes, shown: str) -> SourceFile | ReadProblem:
    if b"\x00" in raw:
        line, column = _position_of(raw, raw.index(b"\x00"))
        return ReadProblem(shown, f"not a text file (NUL byte at line {line}, column {column})")
    try:
        return SourceFile(shown, raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line, column = _position_of(raw, error.start)
        return ReadProblem(
            shown, f"not UTF-8 text (byte 0x{raw[error.start]:02x} at line {line}, column {column})"
        )


def _position_of(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column
