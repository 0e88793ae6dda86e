"""`dagster_*` packages instance-lint does not model (issue 12).

- a retired integration (`dagster_cron`), or a class a still-released package dropped (`K8sScheduler`):
  an `unknown-class` error that says so and names the replacement;
- a typo of a modelled package (`dagster_k8`): the did-you-mean `unknown-class` error, as before;
- any other package (`dagster_ray`, `dagster_celery`): one `unchecked-class` info per class block,
  at its `module:` value;
- `--import-classes` imports the latter like the user's own classes: a package missing from the
  environment is an `unknown-class` error there.
"""

from __future__ import annotations

import sys
import textwrap

import pytest
import yaml

from linter.api import lint_text
from linter.custom_classes import imported_blocks, replaces_finding
from linter.findings import Severity
from linter.model.retired import RETIRED_CLASSES, RETIRED_PACKAGES, UNMODELLED_PACKAGES
from linter.model.store import load_model, supported_versions
from linter.rules.classes import is_typo_of_modelled, top_package

VERSIONS = supported_versions()
NEWEST = load_model(VERSIONS[-1])
CLASS_RULES = {"unknown-class", "unchecked-class"}
UNCHECKED_RAY = (
    "`dagster_ray` is not a package instance-lint models: `RayRunLauncher` and its config were not checked;"
    " run `instance-lint check --import-classes` where the package is installed to check them"
)


def block(slot: str, module: str, class_name: str, config: str = "") -> str:
    text = f"{slot}:\n  module: {module}\n  class: {class_name}\n"
    return text + (f"  config:\n{textwrap.indent(config, '    ')}" if config else "")


def findings(text: str, version: str = VERSIONS[-1], import_classes: bool = False):
    return lint_text(text, "dagster.yaml", env={}, model=load_model(version), import_classes=import_classes)


def spots(text: str, **kwargs) -> list[tuple[int, str]]:
    return [(f.span.line, f.rule) for f in findings(text, **kwargs)]


# --- the data ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_retired_and_unmodelled_packages_are_in_no_catalog(version):
    catalog = load_model(version).catalog
    modelled = {top_package(m) for entry in catalog.entries for m in entry.modules}
    assert not (set(RETIRED_PACKAGES) | UNMODELLED_PACKAGES) & modelled
    shipped = {(top_package(m), entry.class_name) for entry in catalog.entries for m in entry.modules}
    assert not set(RETIRED_CLASSES) & shipped


def test_retired_entries_are_complete():
    for package, retired in {**RETIRED_PACKAGES, **{k[0]: v for k, v in RETIRED_CLASSES.items()}}.items():
        assert retired.distribution == package.replace("_", "-")
        assert retired.last_release and retired.last_dagster.startswith("0.")
        assert retired.replacement.startswith("the ")


# --- retired integrations ---------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("module", ["dagster_cron", "dagster_cron.cron_scheduler"])
def test_retired_package_is_an_unknown_class_error_at_module(version, module):
    [finding] = findings(block("scheduler", module, "SystemCronScheduler"), version)
    assert (finding.span.line, finding.span.column, finding.rule, finding.severity) == (
        2, 11, "unknown-class", Severity.ERROR)
    assert finding.message == (
        "`dagster_cron` is a retired integration: its last release, dagster-cron 0.11.16, is for Dagster 0.11.16"
        " and does not install with Dagster 1.x, so `SystemCronScheduler` cannot be imported; use the"
        " DagsterDaemonScheduler, Dagster's default scheduler, run by `dagster-daemon`: leave `scheduler` out"
    )


def test_retired_package_in_any_slot():
    [finding] = findings(block("run_launcher", "dagster_cron", "CronRunLauncher"))
    assert (finding.rule, finding.key_path) == ("unknown-class", ("run_launcher", "module"))
    assert "retired integration" in finding.message


@pytest.mark.parametrize("version", VERSIONS)
def test_class_dropped_from_a_modelled_package(version):
    [finding] = findings(block("scheduler", "dagster_k8s", "K8sScheduler", "scheduler_namespace: dagster\n"), version)
    assert (finding.span.line, finding.rule) == (3, "unknown-class")
    assert finding.message == (
        "`K8sScheduler` was removed from dagster-k8s after 0.11.16 (for Dagster 0.11.16): no release for"
        " Dagster 1.x has it; use the DagsterDaemonScheduler, Dagster's default scheduler, run by"
        " `dagster-daemon`: leave `scheduler` out"
    )


def test_class_dropped_from_an_unmodelled_package():
    [finding] = findings(block("run_launcher", "dagster_graphql.launcher", "RemoteDagitRunLauncher"))
    assert (finding.span.line, finding.rule) == (3, "unknown-class")
    assert "dagster-graphql after 0.9.14" in finding.message and "DefaultRunLauncher" in finding.message


def test_other_classes_of_that_package_are_unchecked():
    assert spots(block("run_launcher", "dagster_graphql", "SomeRunLauncher")) == [(2, "unchecked-class")]


# --- packages instance-lint does not model ------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_third_party_package_is_one_info_at_module(version):
    [finding] = findings(block("run_launcher", "dagster_ray", "RayRunLauncher", "address: ray://head:10001\n"), version)
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (2, 11, 22)
    assert (finding.rule, finding.severity, finding.key_path) == (
        "unchecked-class", Severity.INFO, ("run_launcher", "module"))
    assert finding.message == UNCHECKED_RAY


@pytest.mark.parametrize(
    "slot, module, class_name",
    [
        ("run_launcher", "dagster_celery.launcher", "CeleryRunLauncher"),  # close to dagster_celery_k8s
        ("run_launcher", "dagster_celery_docker", "CeleryDockerRunLauncher"),
        ("run_launcher", "dagster_docker_swarm", "SwarmRunLauncher"),  # close to dagster_docker
        ("compute_logs", "dagster_looker", "LookerLogs"),  # close to dagster_docker by difflib
        ("compute_logs", "dagster_obstore.s3.compute_log_manager", "S3ComputeLogManager"),  # dagster-aws's class name
        ("run_launcher", "dagster_foo", "K8sRunLauncher"),  # a modelled class name in a package of its own
        ("run_coordinator", "dagster_clt_queued_run_coordinator", "QueuedRunCoordinator"),
        ("run_storage", "dagster_pipes", "PipesRunStorage"),
        ("secrets", "dagster_modal", "ModalSecrets"),
    ],
)
def test_packages_of_their_own_are_unchecked(slot, module, class_name):
    text = block(slot, module, class_name) if slot != "secrets" else (
        f"secrets:\n  custom:\n    module: {module}\n    class: {class_name}\n")
    found = [f for f in findings(text) if f.rule in CLASS_RULES]  # `run_storage` is also a legacy form
    assert [(f.rule, f.key_path[-1]) for f in found] == [("unchecked-class", "module")], [f.message for f in found]
    assert found[0].message.startswith(f"`{top_package(module)}` is not a package instance-lint models: `{class_name}`")


def test_one_finding_per_class_block():
    text = (block("run_launcher", "dagster_ray", "RayRunLauncher")
            + block("compute_logs", "dagster_ray.logs", "RayLogs")
            + block("run_coordinator", "dagster_ray", "RayCoordinator"))
    assert spots(text) == [(2, "unchecked-class"), (5, "unchecked-class"), (8, "unchecked-class")]


def test_instance_class_of_an_unmodelled_package():
    [finding] = findings(block("instance_class", "dagster_acme", "AcmeInstance"))
    assert finding.rule == "unchecked-class"
    assert "`AcmeInstance` was not checked" in finding.message and "its config" not in finding.message


def test_instance_class_of_a_retired_package():
    assert spots(block("instance_class", "dagster_cron", "CronInstance")) == [(2, "unknown-class")]


@pytest.mark.parametrize(
    "module, class_name",
    [
        ("my_company.launchers", "MyRunLauncher"),  # the user's own: not judged without --import-classes
        ("dagster", "DefaultRunLauncher"),
        ("dagster.core.launcher", "DefaultRunLauncher"),
        ("dagster_k8s", "K8sRunLauncher"),
        ("dagster_docker", "DockerRunLauncher"),
    ],
)
def test_no_unchecked_class(module, class_name):
    assert "unchecked-class" not in {f.rule for f in findings(block("run_launcher", module, class_name))}


def test_dagster_cloud_is_modelled():
    text = block("compute_logs", "dagster_cloud.storage.compute_logs", "CloudComputeLogManager")
    assert "unchecked-class" not in {f.rule for f in findings(text)}


def test_rule_can_be_ignored():
    from linter.rulebook import RULES
    from linter.settings import Settings

    settings = Settings(enabled=frozenset(RULES) - {"unchecked-class"})
    text = block("run_launcher", "dagster_ray", "RayRunLauncher")
    assert lint_text(text, "dagster.yaml", env={}, settings=settings) == []


# --- typos of modelled packages keep their did-you-mean ------------------------------------------


@pytest.mark.parametrize(
    "module, class_name, at, suggestion",
    [
        ("dagster_k8", "K8sRunLaunchr", "module", "dagster_k8s"),
        ("dagster_k8.launcher", "K8sRunLauncher", "module", "dagster_k8s.launcher"),
        ("dagster_postgress", "PostgresRunStorag", "module", None),
        ("dagster_celery_k8", "CeleryK8sRunLauncher", "module", "dagster_celery_k8s"),
        ("dagster_aws_ecs", "EcsRunLauncher", "module", "dagster_aws.ecs"),
    ],
)
def test_typo_of_a_modelled_package_is_an_error(module, class_name, at, suggestion):
    # the block has no `config`: where the class names one shipped launcher, that launcher's required config is
    # also reported (issue 15: the config is judged against the class meant); here only the class verdict counts
    found = [f for f in findings(block("run_launcher", module, class_name)) if f.rule != "missing-key"]
    assert [(f.rule, f.key_path[-1]) for f in found] == [("unknown-class", at)], [f.message for f in found]
    if suggestion is not None:
        assert found[0].suggestion == suggestion


def test_typo_detection():
    catalog = NEWEST.catalog
    typos = ["dagster_k8", "dagster_postgress", "dagster_postgresql", "dagster_mysq", "dagster_gcs",
             "dagster_celeryk8s", "dagster_azure_blob", "dagster_aws_s3"]
    own = ["dagster_celery", "dagster_looker", "dagster_mcp", "dagster_obstore", "dagster_docker_swarm",
           "dagster_ray", "dagster_cloud_cli", "dagster_k8s_ext", "dagster_graphql", "dagster_pipes"]
    assert [p for p in typos if not is_typo_of_modelled(p, catalog)] == []
    assert [p for p in own if is_typo_of_modelled(p, catalog)] == []


# --- --import-classes ----------------------------------------------------------------------------

FAKE_PLUGIN = '''
from dagster import Field, IntSource, StringSource
from dagster._core.launcher import RunLauncher
from dagster._serdes import ConfigurableClass


class FakeRunLauncher(RunLauncher, ConfigurableClass):
    def __init__(self, inst_data=None, **config):
        self._inst_data = inst_data
        super().__init__()

    @property
    def inst_data(self):
        return self._inst_data

    @classmethod
    def config_type(cls):
        return {"endpoint": Field(StringSource), "workers": Field(IntSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def launch_run(self, context):
        raise NotImplementedError

    def terminate(self, run_id):
        raise NotImplementedError


class NotALauncher:
    pass
'''


@pytest.fixture
def fake_plugin(tmp_path, monkeypatch):
    package = tmp_path / "dagster_fakeplugin"
    package.mkdir()
    (package / "__init__.py").write_text(FAKE_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "dagster_fakeplugin"
    sys.modules.pop("dagster_fakeplugin", None)


def errors(text: str) -> list[tuple[int, str]]:
    return [(f.span.line, f.rule) for f in findings(text, import_classes=True) if f.rule != "unchecked-class"]


def test_fake_plugin_is_unchecked_and_not_imported_by_default(fake_plugin):
    text = block("run_launcher", fake_plugin, "FakeRunLauncher", "endpoint: http://x\n")
    assert spots(text) == [(2, "unchecked-class")]
    assert fake_plugin not in sys.modules


def test_fake_plugin_is_imported_and_checked(fake_plugin):
    assert errors(block("run_launcher", fake_plugin, "FakeRunLauncher", "endpoint: http://x\nworkers: 2\n")) == []
    assert fake_plugin in sys.modules
    assert errors(block("run_launcher", fake_plugin, "FakeRunLauncher", "workers: many\nbogus: 1\n")) == [
        (4, "missing-key"), (5, "invalid-type"), (6, "unknown-key")]
    assert errors(block("run_launcher", fake_plugin, "FakeRunLaunchr", "endpoint: x\n")) == [(3, "unknown-class")]
    assert errors(block("run_launcher", fake_plugin, "NotALauncher")) == [(3, "unknown-class")]


def test_installed_third_party_class_is_checked():
    pytest.importorskip("dagster_celery")
    good = block("run_launcher", "dagster_celery.launcher", "CeleryRunLauncher", "broker: pyamqp://guest@rabbitmq//\n")
    assert errors(good) == []
    bad = block("run_launcher", "dagster_celery.launcher", "CeleryRunLauncher", "brokr: pyamqp://guest@rabbitmq//\n")
    [finding] = [f for f in findings(bad, import_classes=True) if f.rule != "unchecked-class"]
    assert (finding.span.line, finding.rule) == (5, "unknown-key")
    assert finding.message == "`brokr` is not a config key `CeleryRunLauncher` accepts: did you mean `broker`?"


def test_missing_package_is_an_unknown_class_error():
    [finding] = [f for f in findings(block("run_launcher", "dagster_nowhere_plugin.launcher", "NowhereRunLauncher"),
                                     import_classes=True) if f.rule == "unknown-class"]
    assert (finding.span.line, finding.span.column, finding.severity) == (2, 11, Severity.ERROR)
    assert finding.message == (
        "`dagster_nowhere_plugin` is not installed here (ModuleNotFoundError: No module named"
        " 'dagster_nowhere_plugin'): Dagster cannot load `NowhereRunLauncher` without it; install the package"
        " that provides it where Dagster runs"
    )


def test_import_classes_replaces_the_unchecked_note(fake_plugin):
    assert spots(block("run_launcher", "dagster_nowhere_plugin", "X"), import_classes=True) == [(2, "unknown-class")]
    assert spots(block("run_launcher", fake_plugin, "FakeRunLauncher", "endpoint: x\n"), import_classes=True) == []


@pytest.mark.parametrize(
    "slot, module, class_name, line",
    [
        ("scheduler", "dagster_cron", "SystemCronScheduler", 2),
        ("run_launcher", "dagster_k8", "K8sRunLaunchr", 2),
        ("scheduler", "dagster_k8s", "K8sScheduler", 3),
    ],
)
def test_retired_and_typos_are_not_imported(slot, module, class_name, line):
    text = block(slot, module, class_name)
    assert imported_blocks(yaml.safe_load(text), NEWEST.catalog) == []
    assert spots(text, import_classes=True) == spots(text) == [(line, "unknown-class")]


def test_imported_blocks_and_replaced_rule():
    text = (block("run_launcher", "my_company.launchers", "Mine")
            + block("compute_logs", "dagster_ray.logs", "RayLogs")
            + block("run_coordinator", "dagster", "QueuedRunCoordinator"))
    chosen = imported_blocks(yaml.safe_load(text), NEWEST.catalog)
    assert [b.module for b in chosen] == ["my_company.launchers", "dagster_ray.logs"]
    assert replaces_finding("unchecked-class") and not replaces_finding("unknown-class")
