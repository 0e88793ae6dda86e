"""The example values Dagster's samples make up (scripts/generate_docs_examples.py), and what the linter does
with them (`placeholder-value`, plaintext-secret's and render's masking).

Expected values are read from the samples by hand: the S3ComputeLogManager docstring writes
`bucket: "mycorp-dagster-compute-logs"`, the K8sRunLauncher docstring `job_image:
my_project/dagster_image:latest`, the docs page `base_dir: /path/to/dir`, `storage_account: mycorp-dagster`.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from linter.api import lint_text
from linter.model.store import data_dir, load_model, supported_versions

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "scripts" / "generate_docs_examples.py"
sys.path.insert(0, str(GENERATOR.parent))
import generate_docs_examples as generator  # noqa: E402


@pytest.mark.parametrize("value", [
    "mycorp-dagster-compute-logs", "mycorp-dagster", "my_project/dagster_image:latest", "/path/to/dir",
    "/path/to/cert/bundle.pem", "http://alternate-s3-host.io", "my-storage-account", "/some/path",
    "some_celery_broker_url", "your_service_account", "https://example.com/hook",
])
def test_made_up_sample_values(value):
    assert generator.is_invented(value)


@pytest.mark.parametrize("value", [
    "dagster-instance", "dagster-postgresql-secret", "/tmp/cool", "dagster-test-", "us-west-1", "AES256",
    "compute-logs", "Production", "mysql", "/var/lib/dagster/path-to-logs", "dagster-k8s-pg-password",
    "My formatted message: %(message)s",  # python_logs' format sample: prose, not a resource's name
])
def test_sample_values_real_deployments_use(value):
    assert not generator.is_invented(value)


def test_a_sample_keeps_every_value_of_a_repeated_key():
    sample = "storage:\n  sqlite:\n    base_dir: /path/to/dir\nstorage:\n  sqlite:\n    base_dir: /path/to/other\n"
    assert sorted(generator.sample_values(sample)) == ["/path/to/dir", "/path/to/other"]


def test_module_class_keys_and_variable_names_are_not_sample_values():
    sample = ("compute_logs:\n  module: my_module\n  class: MyClass\n  config:\n    my_key: 1\n    bucket: b\n"
              "    prefix:\n      env: MYCORP_PREFIX\n")
    assert list(generator.sample_values(sample)) == ["b"]


def test_a_broken_sample_yields_nothing():
    assert list(generator.sample_values("config:\n  a: b\n c: d: e\n")) == []


def test_docstring_blocks_are_found_and_dedented():
    doc = (
        "Logs to S3.\n\n    .. code-block:: YAML\n\n        compute_logs:\n          config:\n"
        "            bucket: \"mycorp-dagster-compute-logs\"\n\n    Args:\n        bucket (str): the bucket\n"
    )
    (sample,) = generator.docstring_samples(doc)
    assert list(generator.sample_values(sample)) == ["mycorp-dagster-compute-logs"]


@pytest.mark.skipif(importlib.util.find_spec("dagster_aws") is None, reason="needs Dagster's integrations")
def test_committed_docstring_examples_match_a_fresh_generation():
    """The installed Dagster (the test environment's, 1.13) regenerates its version's file unchanged."""
    done = subprocess.run([sys.executable, str(GENERATOR), "--check"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("version", supported_versions())
def test_every_version_knows_the_values_the_issue_names(version):
    values = load_model(version).example_values
    for value in ("mycorp-dagster-compute-logs", "my_project/dagster_image:latest", "/path/to/dir"):
        assert value in values, (version, value)


def test_the_docs_site_samples_are_recorded_with_their_commits():
    snippets = json.loads((data_dir() / "docs-snippets-examples.json").read_text(encoding="utf-8"))
    assert snippets["repository"] == "dagster-io/dagster"
    assert snippets["files"] and all(len(commit) == 40 for commit in snippets["files"].values())
    assert "mycorp-dagster" in snippets["values"]  # the docs page's AzureBlobComputeLogManager storage_account
    for sources in snippets["values"].values():
        assert set(sources) <= set(snippets["files"])


def _findings(text: str, env: dict | None = None):
    return lint_text(text, "dagster.yaml", env=env or {}, model=load_model("1.13"))


def test_the_message_names_the_sample():
    (finding,) = [f for f in _findings(
        "compute_logs:\n  module: dagster_aws.s3.compute_log_manager\n  class: S3ComputeLogManager\n"
        "  config:\n    bucket: mycorp-dagster-compute-logs\n") if f.rule == "placeholder-value"]
    assert (finding.line, finding.column) == (5, 13)
    assert "`S3ComputeLogManager`'s API docs" in finding.message


def test_a_made_up_secret_is_one_finding_not_a_plaintext_secret():
    text = (
        "compute_logs:\n  module: dagster_azure.blob.compute_log_manager\n  class: AzureBlobComputeLogManager\n"
        "  config:\n    storage_account: acmelogs\n    container: compute-logs\n"
        "    secret_credential:\n      client_id: 2b7c\n      tenant_id: 9f1e\n      client_secret: my-client-secret\n"
    )
    assert [(f.rule, f.line) for f in _findings(text)] == [("placeholder-value", 10)]


def test_an_env_variable_holding_a_made_up_value():
    text = ("compute_logs:\n  module: dagster_gcp.gcs.compute_log_manager\n  class: GCSComputeLogManager\n"
            "  config:\n    bucket:\n      env: LOGS_BUCKET\n")
    (finding,) = _findings(text, {"LOGS_BUCKET": "mycorp-dagster-compute-logs"})
    assert (finding.rule, finding.line) == ("placeholder-value", 6)
    assert "`LOGS_BUCKET`" in finding.message
    assert _findings(text, {"LOGS_BUCKET": "acme-dagster-compute-logs"}) == []
