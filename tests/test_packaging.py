"""The wheel ships the schema and the class catalog; the installed package finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_contains_schema_and_catalog(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
    )
    [wheel] = tmp_path.glob("instance_lint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "linter/schema/dagster-instance.schema.json" in names
    for version in ("1.9", "1.10", "1.11", "1.12", "1.13"):
        for data in ("dagster-instance.schema.json", "class-catalog.json", "instance-defaults.json", "docs-examples.json"):
            assert f"linter/schema/{version}/{data}" in names
    assert "linter/schema/docs-snippets-examples.json" in names
    assert "linter/cli/__init__.py" in names and "linter/reporters/ci.py" in names and "linter/model/store.py" in names
    assert "linter/rule_docs/unknown-key.md" in names
    assert "linter/rule_docs/placeholder-value.md" in names
    docs = {name.rsplit("/", 1)[1][:-3] for name in names if name.startswith("linter/rule_docs/")}
    assert docs == {path.stem for path in (REPO / "linter" / "rule_docs").glob("*.md")}
    assert not any(name.startswith("tests/") for name in names)
