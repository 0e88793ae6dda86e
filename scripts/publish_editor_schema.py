"""Writes schema/dagster-instance.schema.json, the schema editors are configured with, as a copy of the
newest supported version's schema (schema/<X.Y>/dagster-instance.schema.json) under its own `$id`.

    python3 scripts/publish_editor_schema.py          # write it
    python3 scripts/publish_editor_schema.py --check  # exit 1 if it is stale

Needs only the standard library; scripts/regenerate_all.sh runs it after regenerating every version.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
FILENAME = "dagster-instance.schema.json"


def newest_version() -> str:
    versions = [p.name for p in SCHEMA_DIR.iterdir() if p.is_dir() and re.fullmatch(r"\d+\.\d+", p.name)]
    return max(versions, key=lambda name: tuple(int(part) for part in name.split(".")))


def editor_schema_text() -> str:
    versioned = json.loads((SCHEMA_DIR / newest_version() / FILENAME).read_text(encoding="utf-8"))
    versioned["$id"] = versioned["$id"].replace(f"/schema/{newest_version()}/", "/schema/")
    return json.dumps(versioned, indent=2, sort_keys=True) + "\n"  # as scripts/generate_schema.py renders it


def main(argv: list[str]) -> int:
    target = SCHEMA_DIR / FILENAME
    text = editor_schema_text()
    if "--check" in argv:
        if target.read_text(encoding="utf-8") != text:
            print(f"stale: {target.relative_to(SCHEMA_DIR.parent)}; run python3 scripts/publish_editor_schema.py")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
