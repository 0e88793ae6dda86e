"""Kubernetes manifests: each ConfigMap's `data.dagster.yaml` is linted, and found where the manifest has it.

Every expected line and column below was counted by hand in the manifest (tests/manifests/), never copied
from the linter's output; the comment beside each says how.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import cli
from linter.findings import Span
from linter.manifests import lint_text_or_manifest, read_manifest

MANIFESTS = Path(__file__).parent / "manifests"
PREFIX = "ConfigMap/dagster-instance:data.dagster.yaml"
PG = {"DAGSTER_PG_PASSWORD": "from-the-secret", "DAGSTER_PG_URL": "postgresql://dagster@db/dagster"}


def check(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(cli, ["check", *args], input=stdin, catch_exceptions=False)


def findings_of(path: Path, *args: str) -> tuple[int, list[dict]]:
    env = [f"--env={name}={value}" for name, value in PG.items()]
    result = check("--format", "json", *env, *args, str(path))
    return result.exit_code, json.loads(result.stdout)["findings"]


def places(findings: list[dict]) -> list[tuple]:
    return [(f["rule"], f["line"], f["column"], f["end_line"], f["end_column"], f["key_path"]) for f in findings]


def lint(text: str) -> list:
    return lint_text_or_manifest(text, "manifest.yaml", env=PG)


def test_block_scalar_finding_is_at_its_manifest_line_and_column():
    # line 9 is `        job_namespac: dagster`: the block's 4 spaces + 4 of the file's own, the key 12 long
    code, findings = findings_of(MANIFESTS / "block_scalar.yaml")
    assert code == 1
    assert places(findings) == [
        ("unknown-key", 9, 9, 9, 21, f"{PREFIX}:run_launcher.config.job_namespac"),
    ]
    assert findings[0]["path"].endswith("block_scalar.yaml")


def test_strip_chomping_with_an_indentation_indicator():
    # `|2-` under a key indented 2: content at 4 spaces; line 9 (6 spaces) keeps 2 of them as text.
    # line 11 `      enabled: maybe`: value at 4 + 2 + len("enabled: ") + 1 = 16, 5 long
    # line 14 `      "max<TAB>retries": 3`: the quoted key at column 7, 13 characters (the tab is one)
    code, findings = findings_of(MANIFESTS / "strip_and_indicator.yaml")
    assert code == 1
    assert places(findings) == [
        ("invalid-type", 11, 16, 11, 21, f"{PREFIX}:telemetry.enabled"),
        ("unknown-key", 14, 7, 14, 20, f"{PREFIX}:run_retries.max\tretries"),
    ]


def test_double_quoted_string_with_escapes_maps_each_character_back():
    # line 6: `  dagster.yaml: "` puts the text at column 18. `telemetry:` (10) `\n` (2) `  enabled: ` (11):
    # `\"no\"` starts at 18 + 23 = 41 and is 6 source characters for the 4 of `"no"`.
    # Then `\"no\"` `\n` `run_monitoring:` `\n` `  enabled: true` `\n` `  poll_interval_seconds: ` = 6+2+15+2+15+2+25
    # = 67 more: `\"` of `"sixty"` at 108; an escaped line break joins line 7, where `    sixty\"` ends at 12.
    code, findings = findings_of(MANIFESTS / "quoted.yaml")
    assert code == 1
    assert places(findings) == [
        ("invalid-type", 6, 41, 6, 47, "ConfigMap/quoted-instance:data.dagster.yaml:telemetry.enabled"),
        ("invalid-type", 6, 108, 7, 12,
         "ConfigMap/quoted-instance:data.dagster.yaml:run_monitoring.poll_interval_seconds"),
    ]


def test_every_configmap_of_a_stream_is_checked_and_named_other_kinds_ignored():
    # line 17 `      class: QueuedRunCoordinatr`: 4 + 2 + len("class: ") + 1 = 14, 19 long.
    # line 37 `  dagster.yaml: 'python_logs: {python_log_level: ''LOUD''}'`: text at 18, 32 characters
    # before `''LOUD''` (8 source characters for the 6 of `'LOUD'`): 50 to 58.
    code, findings = findings_of(MANIFESTS / "multi_document.yaml")
    assert code == 1
    assert places(findings) == [
        ("unknown-class", 17, 14, 17, 33, f"{PREFIX}:run_coordinator.class"),
        ("invalid-value", 37, 50, 37, 58,
         "ConfigMap/dagster-sidecar-instance:data.dagster.yaml:python_logs.python_log_level"),
    ]


def test_a_manifest_without_an_instance_config_is_not_clean():
    result = check("--format", "json", str(MANIFESTS / "no_instance_config.yaml"))
    assert result.exit_code == 2
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "read-error"
    assert finding["message"] == ("no ConfigMap with a dagster.yaml or dagster.yml key in this manifest:"
                                  " nothing in it was checked")
    assert "no ConfigMap with a dagster.yaml" in result.stderr


def test_suppressions_inside_the_embedded_file():
    # line 11 disables the next line (12, `max_concurent_runs`); line 13 `        dequeue_intervl_seconds: 5`
    # stays (column 9, 23 long). Line 15's `disable=` covers nothing: the comment's `#` is at column 23.
    code, findings = findings_of(MANIFESTS / "suppression.yaml")
    assert code == 1
    assert [(rule, line, column) for rule, line, column, *_ in places(findings)] == [
        ("unknown-key", 13, 9),
        ("unused-suppression", 15, 23),
    ]
    assert findings[0]["end_column"] == 9 + len("dequeue_intervl_seconds")


def test_text_output_shows_the_manifest_line_and_the_configmap():
    result = check(f"--env=DAGSTER_PG_URL={PG['DAGSTER_PG_URL']}", str(MANIFESTS / "block_scalar.yaml"))
    assert "block_scalar.yaml:9:9: error [unknown-key]" in result.stdout
    assert "9 |         job_namespac: dagster\n" in result.stdout
    assert f"  = key: {PREFIX}:run_launcher.config.job_namespac\n" in result.stdout


def test_sarif_names_the_configmap_in_the_logical_location():
    result = check("--format", "sarif", f"--env=DAGSTER_PG_URL={PG['DAGSTER_PG_URL']}",
                   str(MANIFESTS / "block_scalar.yaml"))
    [sarif_result] = json.loads(result.stdout)["runs"][0]["results"]
    [location] = sarif_result["locations"]
    assert location["physicalLocation"]["region"]["startLine"] == 9
    assert location["logicalLocations"][0]["fullyQualifiedName"] == f"{PREFIX}:run_launcher.config.job_namespac"


def test_stdin_with_a_filename():
    text = (MANIFESTS / "block_scalar.yaml").read_bytes()
    result = check("--format", "json", f"--env=DAGSTER_PG_URL={PG['DAGSTER_PG_URL']}",
                   "--stdin-filename", "manifest.yaml", "-", stdin=text)
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["path"], finding["line"], finding["column"]) == ("manifest.yaml", 9, 9)


def test_a_plain_dagster_yaml_is_not_a_manifest():
    assert read_manifest("run_launcher:\n  module: dagster\n  class: DefaultRunLauncher\n") is None
    assert read_manifest("telemetry:\n  enabled: true\n# apiVersion and kind in a comment\n") is None


def test_crlf_line_ends_keep_columns():
    text = (MANIFESTS / "block_scalar.yaml").read_text().replace("\n", "\r\n")
    [finding] = lint(text)
    assert (finding.rule, finding.span) == ("unknown-key", Span(9, 9, 9, 21))


def test_keep_chomping_and_blank_lines():
    text = ("apiVersion: v1\n"
            "kind: ConfigMap\n"
            "metadata: {name: kept}\n"
            "data:\n"
            "  dagster.yaml: |+\n"
            "\n"  # line 6: a blank line before the content
            "    telemetry:\n"
            "\n"
            "      enabled: nope\n"  # line 9: value at 4 + 2 + 9 + 1 = 16
            "\n"
            "\n")
    [finding] = lint(text)
    assert (finding.rule, finding.span) == ("invalid-type", Span(9, 16, 9, 20))


def test_kubectl_list_of_configmaps():
    text = ("apiVersion: v1\n"
            "items:\n"
            "- apiVersion: v1\n"
            "  data:\n"
            "    dagster.yaml: |\n"
            "      telemetry:\n"
            "        enabled: nope\n"  # line 7: 6 + 2 + 9 + 1 = 18
            "  kind: ConfigMap\n"
            "  metadata:\n"
            "    name: listed\n"
            "kind: List\n")
    [finding] = lint(text)
    assert (finding.span, finding.dotted_key_path) == (Span(7, 18, 7, 22),
                                                      "ConfigMap/listed:data.dagster.yaml:telemetry.enabled")


def test_a_folded_block_maps_to_the_scalar_start():
    text = ("apiVersion: v1\n"
            "kind: ConfigMap\n"
            "metadata: {name: folded}\n"
            "data:\n"
            "  dagster.yaml: >\n"  # line 5: `>` at column 17
            "    telemetry: {enabled: nope}\n")
    [finding] = lint(text)
    assert (finding.rule, finding.span) == ("invalid-type", Span(5, 17, 5, 18))


def test_a_line_number_in_a_message_is_the_manifests():
    text = ("apiVersion: v1\n"
            "kind: ConfigMap\n"
            "metadata: {name: dup}\n"
            "data:\n"
            "  dagster.yaml: |\n"
            "    telemetry:\n"
            "      enabled: true\n"  # line 7 of the manifest, line 2 of the embedded file
            "      enabled: false\n")
    [finding] = lint(text)
    assert finding.rule == "duplicate-key"
    assert finding.span.line == 8
    assert "line 7" in finding.message and "line 2" not in finding.message


def test_a_data_value_that_is_no_string():
    text = ("apiVersion: v1\n"
            "kind: ConfigMap\n"
            "metadata: {name: nested}\n"
            "data:\n"
            "  dagster.yaml:\n"
            "    telemetry: {enabled: true}\n")  # line 6: the mapping starts at column 5
    [finding] = lint(text)
    assert (finding.rule, finding.span.line, finding.span.column) == ("invalid-type", 6, 5)
    assert finding.dotted_key_path == "ConfigMap/nested:data.dagster.yaml"


# --- Dagster's Helm chart ----------------------------------------------------------------------------------


def test_helm_default_values_give_only_what_the_plain_file_gives():
    # The same findings as tests/fixtures/corpus/046 (its `# expect: legacy-form` lines 7 and 61): its text starts
    # at its line 3, the ConfigMap's at line 24 (10 header lines, `---`, `# Source:`, 10 ConfigMap lines up to
    # `  dagster.yaml: |`), so 21 lines further: `    schedule_storage:` at line 28 (column 5) and the old module
    # path at line 82, after `      module: ` (column 15).
    code, findings = findings_of(MANIFESTS / "helm_default.yaml")
    assert code == 0
    assert [(f["rule"], f["line"], f["column"], f["key_path"]) for f in findings] == [
        ("legacy-form", 28, 5, f"{PREFIX}:schedule_storage"),
        ("legacy-form", 82, 15, f"{PREFIX}:run_coordinator.module"),
    ]


def test_helm_production_values_have_no_false_findings():
    # external Postgres, K8sRunLauncher, S3 compute logs, QueuedRunCoordinator with tag limits, retention:
    # only the chart's own legacy forms (lines 28 and 98 here: the production ConfigMap is 16 lines longer
    # above `run_coordinator`)
    code, findings = findings_of(MANIFESTS / "helm_production.yaml")
    assert code == 0
    assert [(f["rule"], f["line"]) for f in findings] == [("legacy-form", 28), ("legacy-form", 98)]


def test_helm_typos_in_the_values_are_found_at_their_manifest_lines():
    # helm_production_typo.values.yaml: `loadInclusterConfig: ture` renders as line 46
    # `        load_incluster_config: ture` (value at 8 + 23 + 1 = 32); `limt: 5` as line 105 `          limt: 5`.
    code, findings = findings_of(MANIFESTS / "helm_production_typo.yaml")
    assert code == 1
    errors = [f for f in places(findings) if f[0] != "legacy-form"]
    assert errors == [
        ("invalid-type", 46, 32, 46, 36, f"{PREFIX}:run_launcher.config.load_incluster_config"),
        ("unknown-key", 105, 11, 105, 15, f"{PREFIX}:run_coordinator.config.tag_concurrency_limits[0].limt"),
    ]


# --- render ------------------------------------------------------------------------------------------------


def render(*args: str):
    return CliRunner().invoke(cli, ["render", *args], catch_exceptions=False)


def test_render_a_manifest_renders_its_configmap():
    result = render("--only", "run_coordinator", f"--env=DAGSTER_PG_PASSWORD={PG['DAGSTER_PG_PASSWORD']}",
                    str(MANIFESTS / "helm_production.yaml"))
    assert result.exit_code == 0, result.output
    assert "class: QueuedRunCoordinator" in result.stdout
    assert "max_concurrent_runs: 25" in result.stdout


def test_render_reports_errors_at_manifest_lines():
    result = render(str(MANIFESTS / "block_scalar.yaml"))
    assert result.exit_code == 1
    assert "block_scalar.yaml:9:9: error [unknown-key]" in result.stdout


def test_render_refuses_several_configmaps_naming_them():
    result = CliRunner().invoke(cli, ["render", str(MANIFESTS / "multi_document.yaml")])
    assert result.exit_code == 2
    assert "ConfigMap/dagster-instance, ConfigMap/dagster-sidecar-instance" in result.output


@pytest.mark.parametrize("command", ["render", "check"])
def test_a_manifest_without_an_instance_config_exits_2(command):
    result = CliRunner().invoke(cli, [command, str(MANIFESTS / "no_instance_config.yaml")])
    assert result.exit_code == 2
