"""Security: a config file never makes instance-lint import or run code (unless --import-classes), no
command touches the network, `render` redacts secrets unless asked, and nothing writes to the checked
files or next to them. Through the real command line, in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TIMEOUT = 120

# Every way a dagster.yaml names code: module/class slots, custom storages, secrets loaders, Python tags.
NAMES_CODE = """\
run_launcher:
  module: evil_module
  class: EvilLauncher
  config:
    anything: 1
run_coordinator:
  module: evil_package.coordinator
  class: EvilCoordinator
compute_logs:
  module: evil_module
  class: EvilComputeLogs
storage:
  custom_run_storage:
    module: evil_module
    class: EvilStorage
secrets:
  custom:
    module: evil_module
    class: EvilSecrets
scheduler:
  module: evil_module
  class: EvilScheduler
code_servers:
  local_startup_timeout: !!python/object/apply:evil_module.run []
telemetry:
  enabled: !!python/name:evil_module.run
"""

EVIL = """\
import os
open(os.environ["EVIL_MARKER"], "a").write(__name__ + "\\n")
run = lambda *a, **k: open(os.environ["EVIL_MARKER"], "a").write("called\\n")
class _Anything:
    def __init__(self, *a, **k): run()
EvilLauncher = EvilCoordinator = EvilComputeLogs = EvilStorage = EvilSecrets = EvilScheduler = _Anything
"""

# Hosts, URLs and buckets everywhere a careless linter might "just check".
NETWORKED = """\
storage:
  postgres:
    postgres_url: postgresql://user:hunter2@db.example.com:5432/dagster
run_launcher:
  module: dagster_k8s
  class: K8sRunLauncher
  config:
    instance_config_map: dagster-instance
    dagster_home: /opt/dagster/dagster_home
    postgres_password_secret: dagster-postgresql-secret
    service_account_name: dagster
    job_image: registry.example.com/dagster:latest
    load_incluster_config: false
    kubeconfig_file: /nonexistent/kubeconfig
compute_logs:
  module: dagster_aws.s3.compute_log_manager
  class: S3ComputeLogManager
  config:
    bucket: my-bucket
    prefix: logs
    endpoint_url: https://s3.example.com
    region: us-east-1
telemetry:
  enabled: false
"""

SECRETS = """\
storage:
  postgres:
    postgres_db:
      username: dagster
      password: hunter2-literal
      hostname: db.internal
      db_name: dagster
      port: 5432
compute_logs:
  module: dagster_azure.blob.compute_log_manager
  class: AzureBlobComputeLogManager
  config:
    storage_account: account
    container: logs
    secret_credential:
      client_id: id
      client_secret: azure-secret-literal
      tenant_id: tenant
run_launcher:
  module: dagster_docker
  class: DockerRunLauncher
  config:
    env_vars:
      - DAGSTER_PASSWORD=from-env-var-list
"""


def instance_lint(*args: str, cwd: Path, env: dict[str, str] | None = None,
                  wrapper: str | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "GITHUB_ACTIONS", "PYTHONPATH")}
    command = [sys.executable, "-c", wrapper, *args] if wrapper else [sys.executable, "-m", "linter", *args]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                            env={**base, "NO_COLOR": "1", **(env or {})})
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


@pytest.fixture
def evil(tmp_path: Path) -> dict[str, Path]:
    """An importable module and package that leave a marker when imported, and a config naming them."""
    code = tmp_path / "code"
    (code / "evil_package").mkdir(parents=True)
    (code / "evil_module.py").write_text(EVIL)
    (code / "evil_package" / "__init__.py").write_text(EVIL)
    (code / "evil_package" / "coordinator.py").write_text(EVIL)
    config = tmp_path / "instance" / "dagster.yaml"
    config.parent.mkdir()
    config.write_text(NAMES_CODE)
    return {"code": code, "config": config, "marker": tmp_path / "marker"}


COMMANDS = [
    ("check",),
    ("check", "--format", "json"),
    ("check", "--strict", "--format", "sarif"),
    ("render",),
    ("render", "--format", "json", "--expand", "--show-origin", "--show-secrets"),
    ("render", "--keep-env"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_config_never_imports_or_runs_code(evil, command):
    env = {"PYTHONPATH": str(evil["code"]), "EVIL_MARKER": str(evil["marker"])}
    result = instance_lint(*command, str(evil["config"]), cwd=evil["config"].parent, env=env)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert not evil["marker"].exists(), f"imported or ran user code: {evil['marker'].read_text()}"
    # the same with the code directory as the working directory (on sys.path for `python -m`)
    result = instance_lint(*command, str(evil["config"]), cwd=evil["code"], env={"EVIL_MARKER": str(evil["marker"])})
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert not evil["marker"].exists(), f"imported or ran user code: {evil['marker'].read_text()}"


def test_import_classes_is_what_imports_user_code(evil):
    """The control: the module above does leave its marker when instance-lint is asked to import it."""
    evil["config"].write_text("run_launcher:\n  module: evil_module\n  class: EvilLauncher\n")
    env = {"PYTHONPATH": str(evil["code"]), "EVIL_MARKER": str(evil["marker"])}
    instance_lint("check", str(evil["config"]), cwd=evil["config"].parent, env=env)
    assert not evil["marker"].exists()
    instance_lint("check", "--import-classes", str(evil["config"]), cwd=evil["config"].parent, env=env)
    assert evil["marker"].exists() and "evil_module" in evil["marker"].read_text()


NO_NETWORK = textwrap.dedent("""\
    import socket, sys
    log = sys.argv[1]
    def refuse(*args, **kwargs):
        with open(log, "a") as file:
            file.write(repr(args)[:200] + "\\n")
        raise OSError("network access attempted")
    socket.socket.connect = socket.socket.connect_ex = refuse
    socket.socket.sendto = refuse
    socket.create_connection = socket.getaddrinfo = socket.gethostbyname = socket.gethostbyname_ex = refuse
    socket.getnameinfo = socket.gethostbyaddr = refuse
    sys.argv = ["instance-lint", *sys.argv[2:]]
    from linter.cli import main
    main()
""")


@pytest.mark.parametrize("command", [
    ("check",), ("check", "--format", "json"), ("check", "--format", "github"), ("render",),
    ("render", "--format", "json", "--expand", "--show-origin"),
], ids=" ".join)
def test_no_network_access(tmp_path, command):
    config = tmp_path / "dagster.yaml"
    config.write_text(NETWORKED)
    attempts = tmp_path / "attempts.log"
    result = instance_lint(str(attempts), *command, str(config), cwd=tmp_path, wrapper=NO_NETWORK,
                           env={"DAGSTER_HOME": str(tmp_path)})
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert not attempts.exists(), f"network access attempted: {attempts.read_text()}"
    assert "network access attempted" not in result.stdout + result.stderr


def test_the_network_guard_works(tmp_path):
    """The control: the wrapper does catch a connection attempt."""
    attempts = tmp_path / "attempts.log"
    probe = NO_NETWORK.replace("from linter.cli import main\nmain()", "socket.create_connection(('example.com', 80))")
    result = subprocess.run([sys.executable, "-c", probe, str(attempts)], capture_output=True, text=True,
                            timeout=TIMEOUT)
    assert result.returncode != 0 and attempts.exists()


LITERAL_SECRETS = ("hunter2-literal", "azure-secret-literal", "from-env-var-list", "secret-from-the-environment")


def _render(tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    config = tmp_path / "dagster.yaml"
    config.write_text(SECRETS.replace("password: hunter2-literal",
                                      "password: hunter2-literal\n      params:\n        sslpassword:\n"
                                      "          env: PG_SSL_PASSWORD")
                      if "--with-env" in options else SECRETS)
    options = tuple(o for o in options if o != "--with-env")
    return instance_lint("render", *options, str(config), cwd=tmp_path,
                         env={"DAGSTER_HOME": str(tmp_path), "PG_SSL_PASSWORD": "secret-from-the-environment"})


@pytest.mark.parametrize("output_format", ["yaml", "json"])
def test_render_redacts_secrets_unless_asked(tmp_path, output_format):
    result = _render(tmp_path, "--format", output_format, "--show-origin")
    assert result.returncode == 0, result.stdout + result.stderr
    for secret in LITERAL_SECRETS:
        assert secret not in result.stdout + result.stderr, secret
    assert "***" in result.stdout
    if output_format == "json":
        json.loads(result.stdout)
    shown = _render(tmp_path, "--format", output_format, "--show-secrets")
    assert shown.returncode == 0
    assert "hunter2-literal" in shown.stdout and "azure-secret-literal" in shown.stdout


def test_render_redacts_secrets_read_from_the_environment(tmp_path):
    result = _render(tmp_path, "--with-env", "--expand")
    assert result.returncode == 0, result.stdout + result.stderr
    for secret in LITERAL_SECRETS:
        assert secret not in result.stdout + result.stderr, secret


def _snapshot(root: Path) -> dict[str, tuple[int, int, bytes]]:
    state = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        state[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns,
                                              path.read_bytes() if path.is_file() and not path.is_symlink() else b"")
    return state


@pytest.mark.parametrize("command", [
    ("check",), ("check", "--format", "json"), ("check", "--strict", "--format", "sarif"), ("check", "--exit-zero"),
    ("render",), ("render", "--format", "json", "--expand", "--show-origin", "--show-secrets"),
], ids=" ".join)
def test_no_command_writes_to_the_checked_files_or_next_to_them(tmp_path, command):
    project = tmp_path / "project"
    (project / "deploy").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.instance-lint]\nignore = ["plaintext-secret"]\n')
    (project / "dagster.yaml").write_text(SECRETS)
    (project / "deploy" / "dagster.yaml").write_text("telemetry:\n  enabled: nope\nstorage: {sqlite: {base_dir: x}}\n")
    (project / "bad.yaml").write_bytes(b"\xff\xfe")
    before = _snapshot(project)
    targets = ["dagster.yaml"] if command[0] == "render" else [".", "bad.yaml", "dagster.yaml"]
    result = instance_lint(*command, *targets, cwd=project, env={"DAGSTER_HOME": str(project)})
    assert result.returncode in (0, 1, 2), result.stdout + result.stderr
    assert _snapshot(project) == before
