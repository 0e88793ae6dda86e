"""Which files to check and how to read them: paths, directories, stdin; I/O problems as values."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAMES = ("dagster.yaml", "dagster.yml")
_SKIPPED_DIRS = {"node_modules", "__pycache__", "site-packages"}

# A real dagster.yaml is a few kilobytes; 20,000 lines of tag concurrency limits are about 0.4 MB.
# Reading costs about 3 s and 80-110 MB of memory per MB, as Dagster's own pure-Python PyYAML loader
# does (measured in BENCHMARKS.md): 10 MB is what Dagster reads in about half a minute. Bigger input is
# refused before it is read (`--max-file-size` raises the limit): not a hang on something that is not
# an instance config.
MAX_FILE_BYTES = 10_000_000
_UNITS = {"": 1, "B": 1, "KB": 1_000, "K": 1_000, "MB": 1_000_000, "M": 1_000_000, "GB": 1_000_000_000, "G": 1_000_000_000}
_TOO_LARGE = "too large to be a dagster.yaml"


@dataclass(frozen=True)
class SourceFile:
    display_path: str
    text: str  # decoded, without the BOM
    bom: bool = False  # the file starts with a UTF-8 BOM (kept when --fix writes it back)


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


def parse_size(text: str) -> int:
    """A size as `--max-file-size` takes it: bytes, or a number with KB, MB or GB (decimal units)."""
    cleaned = text.strip().upper().replace(" ", "")
    number = cleaned.rstrip("KMGB")
    unit = cleaned[len(number):]
    try:
        value = float(number)
    except ValueError:
        value = -1
    if unit not in _UNITS or not value > 0:
        raise ValueError(f"{text!r} is not a size: give bytes or a number with KB, MB or GB, e.g. 20MB")
    return int(value * _UNITS[unit])


def read_source(path: str, stdin_bytes: bytes | None = None, display_path: str | None = None,
                limit: int = MAX_FILE_BYTES) -> SourceFile | ReadProblem:
    shown = display_path or path
    if stdin_bytes is not None:
        if len(stdin_bytes) > limit:
            return ReadProblem(shown, f"input {_TOO_LARGE} (over the limit of {_megabytes(limit)};"
                                      " --max-file-size raises it)")
        raw = stdin_bytes
    else:
        try:
            raw = _read_file(path, limit)
        except _Refused as refusal:
            return ReadProblem(shown, str(refusal))
        except FileNotFoundError:
            return ReadProblem(shown, "no such file")
        except IsADirectoryError:
            return ReadProblem(shown, "is a directory")
        except PermissionError:
            return ReadProblem(shown, "cannot read the file: permission denied")
        except OSError as error:
            return ReadProblem(shown, f"cannot read the file: {error.strerror or error}")
    return _decode(raw, shown)


def read_stdin(stream, limit: int = MAX_FILE_BYTES) -> bytes:  # noqa: ANN001 - a binary stream
    """Standard input, but never more than one byte past the size limit (`read_source` refuses it)."""
    return stream.read(limit + 1)


class _Refused(Exception):
    pass


_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _read_file(path: str, limit: int) -> bytes:
    """The file's bytes: only a regular file (opening a named pipe would wait for a writer, a device
    may never end), and only up to the size limit, checked before reading and while reading."""
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "a special file")
        raise _Refused(f"not a regular file ({kind}); to check piped input, give `-` and pipe it to stdin")
    if info.st_size > limit:
        raise _Refused(_too_large(info.st_size, limit))
    with open(path, "rb") as file:
        raw = file.read(limit + 1)
        if len(raw) > limit:  # it grew since it was looked at
            raise _Refused(_too_large(os.fstat(file.fileno()).st_size, limit))
    return raw


def _too_large(size: int, limit: int) -> str:
    return (f"file {_TOO_LARGE} ({size / 1_000_000:.1f} MB; the limit is {_megabytes(limit)};"
            " --max-file-size raises it)")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def _decode(raw: bytes, shown: str) -> SourceFile | ReadProblem:
    if b"\x00" in raw:
        line, column = _position_of(raw, raw.index(b"\x00"))
        return ReadProblem(shown, f"not a text file (NUL byte at line {line}, column {column})")
    try:
        return SourceFile(shown, raw.decode("utf-8-sig"), raw.startswith(b"\xef\xbb\xbf"))
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
