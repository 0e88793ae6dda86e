"""Golden outputs of `check --format text|json`: they pin message wording, columns and layout.

Each golden file was reviewed by hand against its input; rewrite with `pytest --update-goldens`
only together with a review of the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import cli

HERE = Path(__file__).resolve().parent
# The variables the golden inputs reference, set so that the output does not depend on the machine.
GOLDEN_ENVIRONMENT = {"DAGSTER_PG_USERNAME": "dagster", "DAGSTER_PG_PASSWORD": "secret"}
INPUTS = sorted((HERE / "golden").glob("*.yaml"))


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_golden(source: Path, fmt: str, update_goldens: bool, monkeypatch):
    monkeypatch.chdir(source.parent)
    result = CliRunner().invoke(
        cli, ["check", "--format", fmt, "--color", "never", source.name], env=GOLDEN_ENVIRONMENT
    )
    golden = source.with_suffix(f".{fmt}.out")
    output = f"exit {result.exit_code}\n{result.stdout}"
    if update_goldens:
        golden.write_text(output)
    assert output == golden.read_text()
