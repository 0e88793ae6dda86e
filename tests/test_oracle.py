"""The Dagster oracle itself: one rejection per stage, isolation, and no side effects."""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import textwrap
import uuid
import warnings
from pathlib import Path

import pytest

import dagster_oracle
from dagster_oracle import ACCEPTED, OracleError, Verdict, judge

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dagster.yaml"


def _write(tmp_path: Path, text: str, name: str = "dagster.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _judge(tmp_path: Path, text: str, env: dict[str, str] | None = None, **kwargs) -> Verdict:
    return judge(_write(tmp_path, text), env or {}, **kwargs)


# --- accepted --------------------------------------------------------------------------------


def test_bundled_example_is_accepted() -> None:
    from linter.environment import parse_dotenv

    env_file = EXAMPLE.with_name("production.env")
    verdict = judge(EXAMPLE, parse_dotenv(env_file.read_text(encoding="utf-8"), str(env_file)))
    assert verdict == Verdict(True, ACCEPTED, "")


def test_empty_file_is_accepted(tmp_path: Path) -> None:
    assert _judge(tmp_path, "").accepted


# --- one rejection per stage -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stage", "message"),
    [
        pytest.param("telemetry:\n  enabled: [\n", "yaml", "while parsing a flow node", id="yaml"),
        pytest.param("- a list\n- not a mapping\n", "instance_config", "Expected YAML from file", id="instance_config-top-level-list"),
        pytest.param("telemetry:\n  enabled: 1\n", "instance_config", "Errors whilst loading dagster instance config", id="instance_config-schema"),
        pytest.param(
            "instance_class:\n  module: dagster._core.instance\n  class: DagsterInstance\n",
            "instance_ref",
            "type object 'DagsterInstance' has no attribute 'config_schema'",
            id="instance_ref",
        ),
        pytest.param(
            "run_launcher:\n  module: dagster_k8s\n  class: K8sRunLaunchr\n",
            "class:run_launcher",
            "Couldn't find class K8sRunLaunchr",
            id="class-getattr",
        ),
        pytest.param(
            "compute_logs:\n  module: dagster._core.launcher\n  class: DefaultRunLauncher\n",
            "class:compute_logs",
            "DefaultRunLauncher",
            id="class-issubclass",
        ),
        pytest.param(
            "local_artifact_storage:\n  module: dagster.core.storage.root\n  class: LocalArtifactStorage\n  config: {}\n",
            "class:local_artifact_storage",
            "Errors whilst loading configuration",
            id="class-config",
        ),
        pytest.param(
            "run_storage:\n  module: dagster_postgres\n  class: PostgresRunStorage\n  config:\n    postgres_url: ''\n",
            "build:run_storage",
            "exactly one of `postgres_url` or `postgres_db`",
            id="build-legacy-storage",
        ),
        pytest.param(
            "run_coordinator:\n  module: dagster.core.run_coordinator\n  class: QueuedRunCoordinator\n"
            "  config:\n    max_concurrent_runs: -5\n",
            "build:run_coordinator",
            "Negative values other than -1",
            id="build-constructor",
        ),
        pytest.param(
            "run_launcher:\n  module: dagster_k8s\n  class: K8sRunLauncher\n  config:\n    instance_config_map: cm\n",
            "build:run_launcher",
            "missing 1 required positional argument: 'service_account_name'",
            id="build-k8s-constructor",
        ),
        pytest.param("python_logs:\n  python_log_level: LOUD\n", "settings", "Bad value for log level LOUD", id="settings-log-level"),
        pytest.param(
            "run_monitoring:\n  enabled: true\n  max_resume_run_attempts: 1\n",
            "settings",
            "does not support resuming runs",
            id="settings-run-monitoring",
        ),
        pytest.param(
            "sensors:\n  use_threads: true\n  num_workers: 0\n",
            "settings",
            "max_workers must be greater than 0",
            id="settings-daemon-pool",
        ),
    ],
)
def test_each_stage_rejects(tmp_path: Path, text: str, stage: str, message: str) -> None:
    verdict = _judge(tmp_path, text)
    assert not verdict.accepted
    assert verdict.stage == stage, verdict
    assert message in verdict.message + verdict.detail, verdict


def test_message_is_the_first_line_and_detail_the_whole_error(tmp_path: Path) -> None:
    verdict = _judge(tmp_path, "telemetry:\n  enabled: maybe\n")
    assert verdict.message == "Errors whilst loading dagster instance config at dagster.yaml."
    assert verdict.detail.startswith("DagsterInvalidConfigError: ")
    assert 'Value "maybe"' in verdict.detail


# --- the environment ---------------------------------------------------------------------------

_PG_FROM_ENV = """\
storage:
  postgres:
    postgres_db:
      username: dagster
      password:
        env: ORACLE_TEST_PG_PASSWORD
      hostname: db
      db_name: dagster
      port:
        env: ORACLE_TEST_PG_PORT
"""


def test_env_is_applied(tmp_path: Path) -> None:
    verdict = _judge(tmp_path, _PG_FROM_ENV, {"ORACLE_TEST_PG_PASSWORD": "x", "ORACLE_TEST_PG_PORT": "5432"})
    assert verdict.accepted, verdict


def test_env_value_of_the_wrong_form_is_rejected(tmp_path: Path) -> None:
    verdict = _judge(tmp_path, _PG_FROM_ENV, {"ORACLE_TEST_PG_PASSWORD": "x", "ORACLE_TEST_PG_PORT": "five"})
    assert (verdict.accepted, verdict.stage) == (False, "class:storage")


def test_process_environment_does_not_leak_in_and_is_restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORACLE_TEST_PG_PASSWORD", "from-the-outside")
    monkeypatch.setenv("ORACLE_TEST_PG_PORT", "5432")
    before = dict(os.environ)
    verdict = _judge(tmp_path, _PG_FROM_ENV, {"ORACLE_TEST_PG_PORT": "5432"})
    assert (verdict.accepted, verdict.stage) == (False, "class:storage")
    assert "ORACLE_TEST_PG_PASSWORD" in verdict.detail
    assert dict(os.environ) == before


def test_environment_is_restored_after_an_oracle_error(tmp_path: Path) -> None:
    before = dict(os.environ)
    with pytest.raises(FileNotFoundError):
        judge(tmp_path / "missing.yaml", {"ORACLE_TEST_X": "1"})
    assert dict(os.environ) == before


# --- user modules: skip-import, and side-effect guards -----------------------------------------


def test_skip_import_accepts_only_the_named_module(tmp_path: Path) -> None:
    module = f"oracle_test_missing_{uuid.uuid4().hex}"
    text = f"run_launcher:\n  module: {module}.launchers\n  class: MyLauncher\n"
    rejected = _judge(tmp_path, text)
    assert (rejected.accepted, rejected.stage) == (False, "class:run_launcher")
    accepted = _judge(tmp_path, text, skip_imports={f"{module}.launchers"})
    assert accepted.accepted and "not judged" in accepted.message
    other = _judge(tmp_path, text, skip_imports={f"{module}.other"})
    assert not other.accepted


def test_skip_import_still_judges_the_rest_of_the_file(tmp_path: Path) -> None:
    text = "run_launcher:\n  module: oracle_test_absent.launchers\n  class: L\npython_logs:\n  python_log_level: LOUD\n"
    verdict = _judge(tmp_path, text, skip_imports={"oracle_test_absent.launchers"})
    assert (verdict.accepted, verdict.stage) == (False, "settings")


def _user_launcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, constructor_body: str) -> str:
    name = f"oracle_test_launcher_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text(
        textwrap.dedent(
            """\
            import socket
            from dagster._core.launcher import DefaultRunLauncher

            class SideEffectLauncher(DefaultRunLauncher):
                def __init__(self, inst_data=None):
                    super().__init__(inst_data=inst_data)
            """
        )
        + textwrap.indent(textwrap.dedent(constructor_body), " " * 8),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    monkeypatch.delitem(sys.modules, name, raising=False)
    return name


@pytest.mark.parametrize(
    "constructor_body",
    [
        pytest.param("socket.create_connection(('db.example.com', 5432))\n", id="network"),
        pytest.param("open('/tmp/oracle-test-should-not-exist.txt', 'w').close()\n", id="file-write"),
    ],
)
def test_side_effects_raise_oracle_error_not_a_rejection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, constructor_body: str
) -> None:
    module = _user_launcher(tmp_path, monkeypatch, constructor_body)
    with pytest.raises(OracleError, match="side effect"):
        _judge(tmp_path, f"run_launcher:\n  module: {module}\n  class: SideEffectLauncher\n")
    assert not Path("/tmp/oracle-test-should-not-exist.txt").exists()


def test_user_class_without_side_effects_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _user_launcher(tmp_path, monkeypatch, "self.ready = True\n")
    assert _judge(tmp_path, f"run_launcher:\n  module: {module}\n  class: SideEffectLauncher\n").accepted


def test_no_directories_are_created(tmp_path: Path) -> None:
    target = tmp_path / "not" / "created"
    text = f"""\
    storage:
      sqlite:
        base_dir: {target}
    compute_logs:
      module: dagster.core.storage.local_compute_log_manager
      class: LocalComputeLogManager
      config:
        base_dir: {target}/logs
    local_artifact_storage:
      module: dagster.core.storage.root
      class: LocalArtifactStorage
      config:
        base_dir: {target}/artifacts
    """
    assert _judge(tmp_path, text).accepted
    assert not (tmp_path / "not").exists()


def test_cluster_and_cloud_clients_are_neutralised(tmp_path: Path) -> None:
    text = """\
    run_launcher:
      module: dagster_k8s
      class: K8sRunLauncher
      config:
        service_account_name: sa
        instance_config_map: cm
    compute_logs:
      module: dagster_gcp.gcs.compute_log_manager
      class: GCSComputeLogManager
      config:
        bucket: some-bucket
    """
    assert _judge(tmp_path, text).accepted


def test_warnings_are_not_rejections(tmp_path: Path) -> None:
    text = """\
    run_launcher:
      module: dagster_aws.ecs
      class: EcsRunLauncher
      config:
        secrets:
          - arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-password-AbCdEf
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _judge(tmp_path, text).accepted


# --- drift: the oracle mirrors Dagster's code ---------------------------------------------------


def test_rehydrate_still_has_the_shape_the_oracle_copies() -> None:
    from dagster._serdes.config_class import ConfigurableClassData

    source = inspect.getsource(ConfigurableClassData.rehydrate)
    for line in (
        "module = importlib.import_module(self.module_name)",
        "klass = cast(\"type[ConfigurableClass]\", getattr(module, self.class_name))",
        "if not issubclass(klass, as_type or ConfigurableClass):",
        "result = process_config(resolve_to_config_type(klass.config_type()), config_dict)",
        "return klass.from_config_value(self, check.not_none(result.value))",
    ):
        assert line in source, f"Dagster's rehydrate changed; re-read it and update the oracle: {line}"


def test_run_monitoring_check_still_reads_as_the_oracle_copies() -> None:
    from dagster._core.instance.methods.settings_methods import SettingsMethods

    source = inspect.getsource(SettingsMethods._initialize_run_monitoring)
    assert "self.run_monitoring_enabled and self.run_monitoring_max_resume_run_attempts" in source
    assert "self.run_launcher.supports_resume_run" in source


def test_every_builder_names_a_real_class() -> None:
    for qualname in dagster_oracle._BUILDERS:
        module_name, _, class_name = qualname.rpartition(".")
        klass = getattr(importlib.import_module(module_name), class_name)
        assert f"{klass.__module__}.{klass.__qualname__}" == qualname
