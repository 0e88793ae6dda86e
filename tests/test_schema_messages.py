"""How schema errors are worded and where they point: one finding per real problem."""

from __future__ import annotations

import pytest

from linter.api import lint_text

PG = "storage:\n  postgres:\n    postgres_db:\n      hostname: db\n      db_name: dagster\n      password: {env: PG_PASSWORD}\n"
ENV = {"PG_PASSWORD": "secret"}


def findings(text: str):
    # `ambiguous-scalar` (a YAML 1.1/1.2 portability warning, tested in test_ambiguous_scalars.py) is left out.
    return [(f.line, f.column, f.rule, f.message, f.suggestion) for f in lint_text(text, "dagster.yaml", ENV)
            if f.rule != "ambiguous-scalar"]


def test_docs_placeholder_is_one_placeholder_value_finding_with_the_fix():
    [(line, column, rule, message, suggestion)] = findings(PG + "      username: { DAGSTER_PG_USERNAME }\n")
    assert (line, column, rule) == (7, 17, "placeholder-value")
    assert message == (
        "`storage.postgres.postgres_db.username` is the docs placeholder `{ DAGSTER_PG_USERNAME }`, which YAML "
        "reads as a mapping `{DAGSTER_PG_USERNAME: null}`; Dagster expects a string or an `env:` reference here"
    )
    assert suggestion == "{env: DAGSTER_PG_USERNAME}"


def test_a_block_mapping_where_a_string_belongs_is_a_type_problem_not_a_placeholder():
    [(line, _, rule, message, _)] = findings(PG + "      username:\n        DAGSTER_PG_USERNAME:\n")
    assert (line, rule) == (7, "invalid-type")
    assert message.endswith("must be a string or an `env:` reference, not a mapping")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("telemetry:\n", (1, 1, "invalid-type", "`telemetry` is empty (`null`), but Dagster requires a mapping here; "
                                                "remove the key to use the defaults, or give it a value")),
        ("run_retries:\n  max_retries: {env: N}\n", (2, 16, "invalid-type",
            "`run_retries.max_retries` takes an integer, not an `env:` reference: Dagster resolves `env:` only in "
            "StringSource, IntSource and BoolSource fields (storage credentials, class `config` fields)")),
        ("run_launcher:\n  module: dagster\n  clas: DefaultRunLauncher\n", (3, 3, "unknown-key",
            "unknown key `clas` in `run_launcher`; did you mean `class`?")),
        ("storage:\n  sqlite:\n    base_dir: /a\n  postgres: {postgres_url: \"postgresql://db/d\"}\n", (4, 3, "conflicting-keys",
            "`storage` takes exactly one of `custom`, `mysql`, `postgres`, `sqlite`, but both `sqlite` and "
            "`postgres` are set")),
        ("telemetry:\n  enabled: 1:30\n", (2, 12, "invalid-type",
            "`telemetry.enabled` must be `true` or `false`, not the integer `90` (YAML 1.1 reads `1:30` as `90`)")),
    ],
)
def test_one_finding_per_problem_in_yaml_words(text, expected):
    assert [f[:4] for f in findings(text)] == [expected]
