"""`check --fix` / `--diff`: apply the fixes to one file, then write it back or show the diff."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable

from linter.files import SourceFile
from linter.findings import Finding


def fix_source(target: str, source: SourceFile, lint: Callable[[str], list[Finding]], unsafe: bool,
               diff: bool) -> tuple[str, int]:
    """Fix `source`; with `diff` print the unified diff and write nothing, else write the file (`-`: print
    the fixed text to stdout). The text to report on (without the BOM), and how many findings were fixed."""
    from linter.fixes import fix_text

    raw = ("\ufeff" if source.bom else "") + source.text
    fixed = fix_text(raw, source.display_path, lambda text: lint(text.removeprefix("\ufeff")), unsafe)
    changed = fixed.text != raw
    if diff:
        if changed:
            name = os.path.normpath(source.display_path).lstrip("/")  # git's a/ b/ form: `./x` and `/x` as `x`
            sys.stdout.writelines(difflib.unified_diff(raw.removeprefix("\ufeff").splitlines(keepends=True),
                                                       fixed.text.removeprefix("\ufeff").splitlines(keepends=True),
                                                       f"a/{name}", f"b/{name}"))
        return source.text, len(fixed.applied)
    if target == "-":
        sys.stdout.write(fixed.text.removeprefix("\ufeff"))
    elif changed:
        with open(target, "wb") as file:  # in place: the file keeps its inode, mode and owner
            file.write(fixed.text.encode("utf-8"))
    return fixed.text.removeprefix("\ufeff"), len(fixed.applied)
