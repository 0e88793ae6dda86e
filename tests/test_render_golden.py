"""Golden outputs of `render` on the bundled example: origins (YAML comments and the JSON `origin`
field), redaction (`***` by default, the values with `--show-secrets`) and `--keep-env`.

Input: examples/dagster.yaml with examples/production.env, `--dagster-home /opt/dagster/dagster_home`
(the DAGSTER_HOME production.env also sets). Each golden file was reviewed by hand against the input:
every written value carries the line of its key in examples/dagster.yaml; every `env:` value is
production.env's and says `env NAME (dagster.yaml:N)` (or `…, kept` under --keep-env, where it stays
`{env: NAME}`); every other value is `default` and is Dagster 1.13.27's default (the differential test
in test_render.py checks the values against Dagster); the only secret in the input,
`storage.postgres.postgres_db.password`, read from DAGSTER_PG_PASSWORD, is shown as that
`{env: DAGSTER_PG_PASSWORD}` reference unless --show-secrets, and the names of Kubernetes secrets
(`postgres_password_secret`, `env_secrets`) are not masked. The local artifact storage and the
definitions state storage, which the input leaves out, are comments; `retention.schedule`'s single
number stays one number. Rewrite with
`pytest --update-goldens` only together with a review of the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import cli

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "render"
COMMON = ["examples/dagster.yaml", "--env-file", "examples/production.env", "--dagster-home", "/opt/dagster/dagster_home"]
CASES = {
    "show-origin.yaml": ["--show-origin"],
    "show-origin.json": ["--show-origin", "--format", "json"],
    "redacted.yaml": [],
    "show-secrets.yaml": ["--show-secrets"],
    "keep-env.yaml": ["--keep-env", "--show-origin"],
    "keep-env.json": ["--keep-env", "--format", "json"],
}


@pytest.mark.parametrize("name", CASES)
def test_render_golden(name: str, update_goldens: bool, monkeypatch):
    monkeypatch.chdir(REPO)
    for variable in list(__import__("os").environ):  # only production.env may feed `env:` references
        if variable.startswith("DAGSTER_"):
            monkeypatch.delenv(variable)
    result = CliRunner().invoke(cli, ["render", *COMMON, *CASES[name]])
    golden = GOLDEN / f"example.{name}.out"
    output = f"exit {result.exit_code}\n{result.stdout}"
    if update_goldens:
        golden.write_text(output)
    assert output == golden.read_text()
