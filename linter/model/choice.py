"""Which Dagster version a file is judged as, and why.

In order: `--dagster-version`, then `dagster-version` in `[tool.instance-lint]`, then the nearest pin
of `dagster` above the checked file (`linter.model.detect`), then the newest supported version. A
requested version may name a patch (`1.11.16`): it is judged as its minor. Below the oldest supported
minor it is a usage error; above the newest it is judged as the newest, with a note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from linter.model import version_key

_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?\s*$")


class VersionError(ValueError):
    """A requested version that is not a version, or that is older than every supported one."""


class VersionChoice(NamedTuple):
    version: str  # a supported minor version, "1.11"
    reason: str  # why, for people: "requirements.txt:3", "--dagster-version", "newest supported"
    note: str | None = None  # said once as an `info` finding: the version judged is not the one asked for

    def describe(self) -> str:
        return f"Dagster {self.version} ({self.reason})"


def requested_version(text: str, where: str, supported: Sequence[str]) -> VersionChoice:
    """`--dagster-version X.Y[.Z]` or `dagster-version = "X.Y[.Z]"`, `where` naming which."""
    match = _VERSION.match(text)
    listed = ", ".join(supported)
    if match is None:
        raise VersionError(f"{where}: `{text}` is not a Dagster version such as 1.11 or 1.11.16 "
                           f"(supported: {listed})")
    minor = f"{match[1]}.{match[2]}"
    if minor in supported:
        return VersionChoice(minor, where)
    if version_key(minor) < version_key(supported[0]):
        raise VersionError(f"{where}: Dagster {text.strip()} is older than {supported[0]}, the oldest version "
                           f"instance-lint supports (supported: {listed})")
    newest = supported[-1]
    if version_key(minor) > version_key(newest):
        return VersionChoice(newest, where, _newer_note(text.strip(), where, newest))
    raise VersionError(f"{where}: Dagster {minor} is not a supported version (supported: {listed})")


def _newer_note(asked: str, where: str, newest: str) -> str:
    return (f"Dagster {asked} ({where}) is newer than {newest}, the newest version instance-lint knows: "
            f"the file is judged as Dagster {newest}")


def choose_version(
    requested: str | None,
    requested_where: str,
    checked_file: Path | None,
    supported: Sequence[str],
) -> VersionChoice:
    """The version to judge `checked_file` as (None: standard input with no file name)."""
    if requested is not None:
        return requested_version(requested, requested_where, supported)
    if checked_file is not None:
        detected = _detected(checked_file, supported)
        if detected is not None:
            return detected
    return VersionChoice(supported[-1], "the newest; no `dagster` pin above the file")


def _shown(pin_file: Path, checked_file: Path) -> str:
    """The pin's file as the user can find it: relative to the checked file's directory when the pin is
    beside it or above it (`requirements.txt`, `../../pyproject.toml`)."""
    import os

    try:
        return os.path.relpath(pin_file, os.path.dirname(os.path.abspath(checked_file)))
    except ValueError:  # another drive on Windows
        return str(pin_file)


def _detected(checked_file: Path, supported: Sequence[str]) -> VersionChoice | None:
    """From the nearest `dagster` pin above the file: the highest supported minor it allows; a pin of a
    newer Dagster is judged as the newest, an older one as the oldest, each with a note."""
    from linter.model.detect import Verdict, find_dagster_pin, minor_for

    pin = find_dagster_pin(checked_file)
    if pin is None:
        return None
    choice = minor_for(pin.requirement, supported)
    pinned = f"`{pin.requirement}`"
    where = _shown(pin.path, checked_file) + pin.source[pin.source.rindex(":"):]
    if choice.verdict is Verdict.SUPPORTED:
        return VersionChoice(choice.minor, where)
    if choice.verdict is Verdict.NEWER:
        return VersionChoice(supported[-1], where, _newer_note(pinned, where, supported[-1]))
    if choice.verdict is Verdict.OLDER:
        note = (f"Dagster {pinned} ({where}) is older than {supported[0]}, the oldest version instance-lint "
                f"supports: the file is judged as Dagster {supported[0]}")
        return VersionChoice(supported[0], where, note)
    return None  # a pin no version satisfies, or that cannot be read: as if there were none
