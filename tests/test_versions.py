"""Issue 10: each file is judged as one supported Dagster version, chosen and reported as the README says,
and a finding that another supported version would not give carries that version fact.

The expected version facts come from the generated data of each version (`schema/<X.Y>/`), which
tests/test_version_data.py checks against each version's real Dagster.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.api import lint_text
from linter.cli import cli
from linter.model.choice import VersionError, choose_version, requested_version
from linter.model.store import load_model, supported_versions

SUPPORTED = ("1.9", "1.10", "1.11", "1.12", "1.13")


def test_the_supported_versions_are_the_data_directories():
    assert supported_versions() == SUPPORTED


@pytest.mark.parametrize("version", SUPPORTED)
def test_each_model_is_its_own_dagster(version):
    model = load_model(version)
    assert model.version == version
    assert model.dagster_version.startswith(f"{version}.")


@pytest.mark.parametrize(("asked", "judged"), [("1.11", "1.11"), ("1.11.16", "1.11"), ("1.9.0", "1.9"),
                                              (" 1.13 ", "1.13")])
def test_a_requested_version_is_judged_as_its_minor(asked, judged):
    choice = requested_version(asked, "--dagster-version", SUPPORTED)
    assert (choice.version, choice.reason, choice.note) == (judged, "--dagster-version", None)


@pytest.mark.parametrize("asked", ["1.8", "1.8.13", "0.15.3"])
def test_older_than_the_oldest_is_a_usage_error_listing_the_supported(asked):
    with pytest.raises(VersionError) as raised:
        requested_version(asked, "--dagster-version", SUPPORTED)
    assert str(raised.value) == (f"--dagster-version: Dagster {asked} is older than 1.9, the oldest version "
                                 "instance-lint supports (supported: 1.9, 1.10, 1.11, 1.12, 1.13)")


@pytest.mark.parametrize("asked", ["latest", "1", "1.x", ""])
def test_a_version_that_is_no_version_is_a_usage_error(asked):
    with pytest.raises(VersionError, match="is not a Dagster version such as 1.11 or 1.11.16"):
        requested_version(asked, "--dagster-version", SUPPORTED)


@pytest.mark.parametrize("asked", ["1.14", "1.14.2", "2.0"])
def test_newer_than_the_newest_is_judged_as_the_newest_with_a_note(asked):
    choice = requested_version(asked, "pyproject.toml:4", SUPPORTED)
    assert choice.version == "1.13"
    assert choice.note == (f"Dagster {asked} (pyproject.toml:4) is newer than 1.13, the newest version "
                           "instance-lint knows: the file is judged as Dagster 1.13")


# ----------------------------------------------------------------------------- detection, end to end


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository whose dagster.yaml sits two levels below the root."""
    (tmp_path / ".git").mkdir()
    deploy = tmp_path / "deploy" / "dagster"
    deploy.mkdir(parents=True)
    (deploy / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return tmp_path


def _choice(project: Path, requested: str | None = None):
    return choose_version(requested, "--dagster-version", project / "deploy" / "dagster" / "dagster.yaml", SUPPORTED)


def test_the_nearest_pin_above_the_file_decides(project):
    (project / "requirements.txt").write_text("dagster-k8s==0.26.21\n# the platform\ndagster[postgres]==1.10.21\n")
    choice = _choice(project)
    assert (choice.version, choice.reason, choice.note) == ("1.10", "../../requirements.txt:3", None)


def test_a_range_is_judged_as_the_highest_supported_minor_it_allows(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = [\n  "dagster>=1.10,<1.12",\n]\n')
    assert (_choice(project).version, _choice(project).reason) == ("1.11", "../../pyproject.toml:4")


def test_no_pin_is_judged_as_the_newest(project):
    choice = _choice(project)
    assert (choice.version, choice.note) == ("1.13", None)
    assert choice.reason == "the newest; no `dagster` pin above the file"


def test_a_pin_below_the_oldest_is_judged_as_the_oldest_with_a_note(project):
    (project / "requirements.txt").write_text("dagster==1.8.13\n")
    choice = _choice(project)
    assert (choice.version, choice.reason) == ("1.9", "../../requirements.txt:1")
    assert choice.note == ("Dagster `dagster==1.8.13` (../../requirements.txt:1) is older than 1.9, the oldest version "
                           "instance-lint supports: the file is judged as Dagster 1.9")


def test_a_pin_above_the_newest_is_judged_as_the_newest_with_a_note(project):
    (project / "requirements.txt").write_text("dagster>=1.14\n")
    choice = _choice(project)
    assert (choice.version, choice.reason) == ("1.13", "../../requirements.txt:1")
    assert choice.note.startswith("Dagster `dagster>=1.14` (../../requirements.txt:1) is newer than 1.13")


def test_the_command_line_beats_the_pin(project):
    (project / "requirements.txt").write_text("dagster==1.10.21\n")
    assert _choice(project, "1.12").version == "1.12"


# ----------------------------------------------------------------------------- the command line


def _check(project: Path, *args: str):
    return CliRunner().invoke(cli, ["check", "--format", "json", *args,
                                    str(project / "deploy" / "dagster" / "dagster.yaml")])


def _judged(result) -> tuple[str, str]:
    [file] = json.loads(result.output)["files"]
    return file["dagster_version"], file["dagster_version_source"]


def test_config_key_beats_the_pin_and_the_flag_beats_the_config(project):
    (project / "requirements.txt").write_text("dagster==1.10.21\n")
    (project / "pyproject.toml").write_text('[tool.instance-lint]\nselect = ["unknown-key"]\ndagster-version = "1.11"\n')
    assert _judged(_check(project)) == ("1.11", f"{project / 'pyproject.toml'}:3")
    assert _judged(_check(project, "--dagster-version", "1.12.22")) == ("1.12", "--dagster-version")


def test_a_bad_config_version_is_a_usage_error_at_its_line(project):
    (project / "pyproject.toml").write_text('[tool.instance-lint]\n\ndagster-version = "1.7"\n')
    result = CliRunner().invoke(cli, ["check", str(project / "deploy" / "dagster" / "dagster.yaml")])
    assert result.exit_code == 2
    assert "pyproject.toml:3: Dagster 1.7 is older than 1.9" in result.output


def test_a_bad_flag_is_a_usage_error_before_anything_is_read(tmp_path):
    result = CliRunner().invoke(cli, ["check", "--dagster-version", "1.8", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert "supported: 1.9, 1.10, 1.11, 1.12, 1.13" in result.output and "missing.yaml" not in result.output


def test_the_text_summary_says_which_version_judged_and_why(project):
    (project / "requirements.txt").write_text("dagster==1.11.16\n")
    result = CliRunner().invoke(cli, ["check", str(project / "deploy" / "dagster" / "dagster.yaml")])
    assert result.exit_code == 0
    assert result.output.strip() == "No problems found in 1 file, judged as Dagster 1.11 (../../requirements.txt:1)."


def test_a_newer_version_gives_one_info_note_at_the_top(project):
    result = _check(project, "--dagster-version", "1.14")
    [finding] = json.loads(result.output)["findings"]
    assert (finding["rule"], finding["severity"], finding["line"], finding["column"]) == (
        "unsupported-version", "info", 1, 1)
    assert result.exit_code == 0


def test_sarif_carries_the_version(project):
    result = CliRunner().invoke(cli, ["check", "--format", "sarif", "--dagster-version", "1.10",
                                      str(project / "deploy" / "dagster" / "dagster.yaml")])
    [run] = json.loads(result.output)["runs"]
    [judged] = run["properties"]["dagsterVersions"]
    assert (judged["version"], judged["source"]) == ("1.10", "--dagster-version")


def test_schema_command_prints_each_versions_schema():
    for version in SUPPORTED:
        result = CliRunner().invoke(cli, ["schema", "--dagster-version", f"{version}.0"])
        assert result.exit_code == 0
        assert json.loads(result.output)["x-dagster-version"].startswith(f"{version}.")
    newest = json.loads(CliRunner().invoke(cli, ["schema"]).output)
    versioned = json.loads(CliRunner().invoke(cli, ["schema", "--dagster-version", "1.13"]).output)
    assert newest["$id"].endswith("/schema/dagster-instance.schema.json")  # the path editors are given
    assert versioned["$id"].endswith("/schema/1.13/dagster-instance.schema.json")
    assert {**newest, "$id": None} == {**versioned, "$id": None}


def test_render_is_judged_as_the_chosen_version(project):
    result = CliRunner().invoke(cli, ["render", "--dagster-version", "1.9",
                                      str(project / "deploy" / "dagster" / "dagster.yaml")])
    assert result.exit_code == 0
    assert "# judged as Dagster 1.9 (--dagster-version)" in result.output


def test_detection_reads_no_directory_below_or_beside(tmp_path):
    """Only the file's directory and its parents are read (a pin in a sibling project is not found)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "requirements.txt").write_text("dagster==1.9.13\n")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "dagster.yaml").write_text("{}\n")
    choice = choose_version(None, "", tmp_path / "deploy" / "dagster.yaml", SUPPORTED)
    assert choice.version == "1.13"


# ----------------------------------------------------------------------------- version facts


def _messages(text: str, version: str) -> list[tuple[str, str, str | None]]:
    choice = requested_version(version, "--dagster-version", SUPPORTED)
    return [(f.rule, f.message, f.suggestion)
            for f in lint_text(text, "dagster.yaml", env={}, model=load_model(version), version=choice)]


def test_a_top_level_key_added_later_says_when():
    assert _messages("freshness:\n  enabled: true\n", "1.10") == [
        ("unknown-key", "unknown key `freshness` at the top level; it was added in Dagster 1.11; this file is "
                        "judged as Dagster 1.10 (--dagster-version)", None)]
    assert _messages("freshness:\n  enabled: true\n", "1.11") == []


def test_a_field_added_later_loses_its_misleading_did_you_mean():
    assert _messages("backfills:\n  num_submit_workers: 2\n", "1.9") == [
        ("unknown-key", "unknown key `num_submit_workers` in `backfills`; it was added in Dagster 1.10; this file "
                        "is judged as Dagster 1.9 (--dagster-version)", None)]


BLOB = ("defs_state_storage:\n  module: dagster._core.storage.defs_state.blob_storage_state_storage\n"
        "  class: BlobStorageStateStorage\n  config:\n    base_path: s3://bucket/defs\n")


def test_a_class_of_one_version_only_says_so_and_keeps_its_replacement():
    [(rule, message, suggestion)] = _messages(BLOB, "1.12")
    assert rule == "unknown-class" and suggestion == "UPathDefsStateStorage"
    assert message.endswith("; it exists only in Dagster 1.11; this file is judged as Dagster 1.12 (--dagster-version)")
    assert _messages(BLOB, "1.11") == []


def test_a_class_added_later_says_when():
    text = "run_launcher:\n  module: dagster_azure.container_apps\n  class: AcaRunLauncher\n"
    [(rule, message, suggestion)] = _messages(text, "1.12")
    assert (rule, suggestion) == ("unknown-class", None)
    assert message == ("`AcaRunLauncher` is not a run launcher Dagster ships; it was added in Dagster 1.13; "
                       "this file is judged as Dagster 1.12 (--dagster-version)")


def test_a_key_unknown_in_every_version_has_no_version_fact():
    [(rule, message, suggestion)] = _messages("telemetry:\n  enabeld: true\n", "1.10")
    assert (rule, suggestion) == ("unknown-key", "enabled") and "Dagster" not in message


def test_a_clean_file_never_loads_another_version(tmp_path):
    """The other versions are read only when the judged one found a versioned finding (start-up time)."""
    program = ("import linter.model.store as store\n"
               "loaded = []\n"
               "real = store.load_model\n"
               "store.load_model = lambda version, *a: loaded.append(version) or real(version, *a)\n"
               "import linter.version_facts as facts\n"
               "facts.load_model = store.load_model\n"
               "from linter.api import lint_text\n"
               "lint_text('telemetry:\\n  enabled: false\\n', 'dagster.yaml', env={}, model=real('1.10'))\n"
               "print(loaded)\n")
    result = subprocess.run([__import__("sys").executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- render per version


@pytest.mark.parametrize(("version", "coordinator", "secrets", "defs_state", "freshness"), [
    # what each version's InstanceRef builds for an empty dagster.yaml (config_defaults, the injected
    # secrets loader and defs state storage) and its `freshness` default: Dagster 1.9.13 ... 1.13.27
    ("1.9", "DefaultRunCoordinator", None, None, None),
    ("1.10", "QueuedRunCoordinator", "PerProjectEnvFileLoader", None, None),
    ("1.11", "QueuedRunCoordinator", "PerProjectEnvFileLoader", "BlobStorageStateStorage", False),
    ("1.12", "QueuedRunCoordinator", "PerProjectEnvFileLoader", "UPathDefsStateStorage", True),
    ("1.13", "QueuedRunCoordinator", "PerProjectEnvFileLoader", "UPathDefsStateStorage", True),
])
def test_render_shows_the_versions_defaults(tmp_path, version, coordinator, secrets, defs_state, freshness):
    (tmp_path / "dagster.yaml").write_text("{}\n")
    result = CliRunner().invoke(cli, ["render", "--format", "json", "--dagster-version", version,
                                      "--dagster-home", str(tmp_path), str(tmp_path / "dagster.yaml")])
    assert result.exit_code == 0, result.output
    rendered = json.loads(result.stdout)
    assert rendered["run_coordinator"]["class"] == coordinator
    # the injected secrets loader is said in a comment, not written (issue 13: writing it changes what it loads)
    assert "secrets" not in rendered
    as_yaml = CliRunner().invoke(cli, ["render", "--dagster-version", version, "--dagster-home", str(tmp_path),
                                       str(tmp_path / "dagster.yaml")]).stdout
    said = [line for line in as_yaml.splitlines() if line.startswith("# `secrets` is absent")]
    assert (said[0].split("injects ")[1].split(" ")[0] if said else None) == secrets
    assert (rendered["defs_state_storage"]["class"] if "defs_state_storage" in rendered else None) == defs_state
    assert (rendered["freshness"]["enabled"] if "freshness" in rendered else None) == freshness
