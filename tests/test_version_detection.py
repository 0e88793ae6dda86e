"""Which Dagster version a dagster.yaml runs with: the nearest `dagster` pin (linter.model.detect)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from linter.model.detect import MinorChoice, Pin, Verdict, find_dagster_pin, minor_for

SUPPORTED = ("1.9", "1.10", "1.11", "1.12", "1.13")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root (it holds `.git`), so no test reads what lies above tmp_path."""
    (tmp_path / ".git").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path.parent))
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pin_for(directory: Path) -> Pin | None:
    return find_dagster_pin(directory / "dagster.yaml")


# ---------------------------------------------------------------------------------------------
# requirements*.txt


def test_requirements_skips_comments_options_and_other_distributions(repo):
    write(repo / "requirements.txt", "\n".join([
        "# Production dependencies",  # 1
        "-r base.txt",  # 2
        "--index-url https://pypi.org/simple",  # 3
        "",  # 4
        "dagster-k8s==0.27.16  # not dagster itself",  # 5
        "dagster_postgres==0.27.16",  # 6
        "dagster-webserver==1.11.16",  # 7
        "-e git+https://github.com/dagster-io/dagster#egg=dagster",  # 8
        "dagster @ git+https://github.com/dagster-io/dagster",  # 9: a URL gives no version
        "# dagster==1.9.0",  # 10
        'dagster[postgres]==1.11.16 ; python_version >= "3.10"  # the one',  # 11
    ]) + "\n")
    assert pin_for(repo) == Pin(
        'dagster[postgres]==1.11.16 ; python_version >= "3.10"', "requirements.txt:11", repo / "requirements.txt")


def test_requirements_hashes_and_continuations_report_the_first_line(repo):
    write(repo / "requirements.txt", (
        "click==8.2.1 \\\n"  # 1
        "    --hash=sha256:aaaa\n"  # 2
        "dagster==1.10.3 \\\n"  # 3
        "    --hash=sha256:0123 \\\n"  # 4
        "    --hash=sha256:4567\n"  # 5
    ))
    pin = pin_for(repo)
    assert (pin.requirement, pin.source) == ("dagster==1.10.3", "requirements.txt:3")


def test_requirement_split_over_lines(repo):
    write(repo / "requirements.txt", "pyyaml\n\nDagster \\\n  >=1.10,<1.12\n")
    pin = pin_for(repo)
    assert pin.source == "requirements.txt:3"
    assert minor_for(pin.requirement, SUPPORTED) == MinorChoice(Verdict.SUPPORTED, "1.11")


def test_comment_line_ending_in_backslash_does_not_swallow_the_next_line(repo):
    write(repo / "requirements.txt", "# see below \\\ndagster==1.12.1\n")
    assert pin_for(repo).source == "requirements.txt:2"


def test_continuation_at_the_end_of_the_file(repo):
    write(repo / "requirements.txt", "pandas\ndagster==1.10.0 \\")
    assert pin_for(repo) == Pin("dagster==1.10.0", "requirements.txt:2", repo / "requirements.txt")


def test_requirements_variant_names(repo):
    write(repo / "requirements-prod.txt", "pandas\ndagster~=1.12.0\n")
    assert pin_for(repo) == Pin("dagster~=1.12.0", "requirements-prod.txt:2", repo / "requirements-prod.txt")


def test_the_main_requirements_file_is_read_first(repo):
    # requirements.txt (what a Dockerfile installs) before requirements-dev.txt, the others by name;
    # a file without dagster is passed over.
    write(repo / "requirements.txt", "dagster==1.12.0\n")
    write(repo / "requirements-dev.txt", "dagster==1.10.0\n")
    write(repo / "requirements-a.txt", "pytest\n")
    assert pin_for(repo).source == "requirements.txt:1"
    (repo / "requirements.txt").unlink()
    assert pin_for(repo).source == "requirements-dev.txt:1"


def test_a_requirements_directory_is_read(repo):
    # requirements/base.txt, as Django-style projects and their Dockerfiles keep it; base before dev.
    write(repo / "pyproject.toml", '[project]\nname = "x"\ndependencies = ["pandas"]\n')
    write(repo / "requirements" / "dev.txt", "-r base.txt\ndagster==1.11.0\n")
    write(repo / "requirements" / "base.txt", "django\ndagster==1.13.3\n")
    pin = pin_for(repo)
    assert (pin.requirement, pin.source, pin.path) == ("dagster==1.13.3", "base.txt:2", repo / "requirements" / "base.txt")


def test_an_unconstrained_entry_gives_way_to_a_pin_beside_it(repo):
    # pyproject's bare `dagster` says nothing about the version; requirements.txt pins it.
    write(repo / "pyproject.toml", '[project]\nname = "x"\ndependencies = [\n  "dagster",\n]\n')
    write(repo / "requirements.txt", "dagster==1.11.3\n")
    assert pin_for(repo).source == "requirements.txt:1"
    (repo / "requirements.txt").unlink()
    assert pin_for(repo).source == "pyproject.toml:4"


def test_pixi_dependencies_are_read(repo):
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.pixi.dependencies]\npython = "3.12.*"\n'
                                   'dagster = ">=1.7.15, <1.12.23"\n')
    pin = pin_for(repo)
    assert (pin.requirement, pin.source) == (">=1.7.15, <1.12.23", "pyproject.toml:6")
    assert minor_for(pin.requirement, SUPPORTED).minor == "1.12"
    (repo / "pyproject.toml").unlink()
    write(repo / "pixi.toml", '[workspace]\nname = "x"\n\n[feature.etl.pypi-dependencies]\ndagster = "==1.10.2"\n')
    assert (pin_for(repo).requirement, pin_for(repo).source) == ("==1.10.2", "pixi.toml:5")


def test_only_the_dagster_distribution_is_a_pin(repo):
    write(repo / "requirements.txt", "dagster-k8s==0.29.1\ndagster_postgres==0.29.1\ndagster.aws\ndagsterx==1\n")
    assert pin_for(repo) is None


# ---------------------------------------------------------------------------------------------
# pyproject.toml


def test_pep621_dependencies(repo):
    write(repo / "pyproject.toml", "\n".join([
        "[project]",  # 1
        'name = "pipelines"',  # 2
        "dependencies = [",  # 3
        '    "dagster-k8s>=0.25",',  # 4
        '    "dagster[postgres]>=1.10,<1.12; python_version >= \'3.10\'",',  # 5
        "]",  # 6
    ]) + "\n")
    assert pin_for(repo) == Pin(
        "dagster[postgres]>=1.10,<1.12; python_version >= '3.10'", "pyproject.toml:5", repo / "pyproject.toml")


def test_optional_dependencies(repo):
    write(repo / "pyproject.toml", "\n".join([
        "[project]",  # 1
        'name = "pipelines"',  # 2
        'dependencies = ["pandas"]',  # 3
        "",  # 4
        "[project.optional-dependencies]",  # 5
        'docs = ["sphinx"]',  # 6
        'runtime = ["dagster==1.12.4"]',  # 7
    ]) + "\n")
    pin = pin_for(repo)
    assert (pin.requirement, pin.source) == ("dagster==1.12.4", "pyproject.toml:7")


def test_dependency_groups(repo):
    write(repo / "pyproject.toml", "\n".join([
        "[project]",  # 1
        'name = "pipelines"',  # 2
        "",  # 3
        "[dependency-groups]",  # 4
        'lint = ["ruff"]',  # 5
        "dev = [",  # 6
        '    {include-group = "lint"},',  # 7
        '    "Dagster>=1.9",',  # 8
        "]",  # 9
    ]) + "\n")
    pin = pin_for(repo)
    assert (pin.requirement, pin.source) == ("Dagster>=1.9", "pyproject.toml:8")


def test_poetry_string_form(repo):
    write(repo / "pyproject.toml", "\n".join([
        "[tool.uv.sources]",  # 1: a `dagster =` line outside Poetry's table is not the pin
        'dagster = { git = "https://github.com/dagster-io/dagster" }',  # 2
        "",  # 3
        "[tool.poetry.dependencies]",  # 4
        'python = "^3.11"',  # 5
        'dagster = "^1.10"',  # 6
    ]) + "\n")
    pin = pin_for(repo)
    assert (pin.requirement, pin.source) == ("^1.10", "pyproject.toml:6")
    assert minor_for(pin.requirement, SUPPORTED).minor == "1.13"


def test_poetry_table_form_in_a_group(repo):
    write(repo / "pyproject.toml", "\n".join([
        "[tool.poetry.dependencies]",  # 1
        'python = "^3.11"',  # 2
        'dagster-k8s = "^0.25"',  # 3
        "",  # 4
        "[tool.poetry.group.orchestration.dependencies]",  # 5
        'dagster = {version = "~1.11", extras = ["postgres"]}',  # 6
    ]) + "\n")
    pin = pin_for(repo)
    assert (pin.requirement, pin.source) == ("~1.11", "pyproject.toml:6")
    assert minor_for(pin.requirement, SUPPORTED).minor == "1.11"


def test_poetry_git_dependency_has_no_version(repo):
    write(repo / "pyproject.toml", '[tool.poetry.dependencies]\ndagster = {git = "https://github.com/x/y"}\n')
    write(repo / "requirements.txt", "dagster==1.9.2\n")
    assert pin_for(repo).source == "requirements.txt:1"


# ---------------------------------------------------------------------------------------------
# Lock files

UV_LOCK = """\
version = 1
requires-python = ">=3.11"

[[package]]
name = "dagit"
version = "1.11.16"
dependencies = [{ name = "dagster" }]

[[package]]
name = "dagster"
version = "1.11.16"
source = { registry = "https://pypi.org/simple" }
"""  # dagster's version is on line 11


def test_uv_lock(repo):
    write(repo / "uv.lock", UV_LOCK)
    assert pin_for(repo) == Pin("1.11.16", "uv.lock:11", repo / "uv.lock")


def test_poetry_lock(repo):
    write(repo / "poetry.lock", "\n".join([
        "[[package]]",  # 1
        'name = "dagster-pipes"',  # 2
        'version = "1.10.20"',  # 3
        "",  # 4
        "[[package]]",  # 5
        'name = "dagster"',  # 6
        'version = "1.10.20"',  # 7
        'description = "Dagster is an orchestration platform"',  # 8
    ]) + "\n")
    assert pin_for(repo) == Pin("1.10.20", "poetry.lock:7", repo / "poetry.lock")


def test_pipfile_lock_default_and_develop(repo):
    lock = {"_meta": {"hash": {"sha256": "00"}},
            "default": {"dagster-k8s": {"version": "==0.28.1"}, "dagster": {"version": "==1.12.1"}},
            "develop": {}}
    write(repo / "Pipfile.lock", json.dumps(lock, indent=4))
    # indent=4: `{`, `"_meta": {`, `"hash": {`, `"sha256"`, `}`, `},`, `"default": {`, `"dagster-k8s": {`,
    # `"version"`, `},`, `"dagster": {` (11), `"version": "==1.12.1"` (12)
    assert pin_for(repo) == Pin("==1.12.1", "Pipfile.lock:12", repo / "Pipfile.lock")

    lock = {"default": {"pandas": {"version": "==2.2.0"}}, "develop": {"dagster": {"version": "==1.9.5"}}}
    write(repo / "Pipfile.lock", json.dumps(lock, indent=4))
    # `{`, `"default": {`, `"pandas": {`, `"version"`, `}`, `},`, `"develop": {`, `"dagster": {` (8), `"version"` (9)
    assert pin_for(repo) == Pin("==1.9.5", "Pipfile.lock:9", repo / "Pipfile.lock")


def test_lock_file_wins_over_manifests_in_the_same_directory(repo):
    write(repo / "requirements.txt", "dagster>=1.9\n")
    write(repo / "pyproject.toml", '[project]\nname = "p"\ndependencies = ["dagster>=1.9"]\n')
    write(repo / "uv.lock", UV_LOCK)
    assert pin_for(repo).source == "uv.lock:11"


def test_pyproject_wins_over_requirements(repo):
    write(repo / "requirements.txt", "dagster==1.9.0\n")
    write(repo / "pyproject.toml", '[project]\nname = "p"\ndependencies = ["dagster==1.13.0"]\n')
    assert pin_for(repo).source == "pyproject.toml:3"


# ---------------------------------------------------------------------------------------------
# The walk


def test_nearest_directory_wins(repo):
    write(repo / "uv.lock", UV_LOCK)
    write(repo / "deploy" / "requirements.txt", "dagster==1.13.2\n")
    checked = repo / "deploy" / "prod" / "dagster.yaml"
    assert find_dagster_pin(checked) == Pin("dagster==1.13.2", "requirements.txt:1", repo / "deploy" / "requirements.txt")


def test_directory_without_a_pin_is_passed_over(repo):
    write(repo / "requirements.txt", "dagster==1.13.2\n")
    write(repo / "deploy" / "requirements.txt", "pandas\n")
    write(repo / "deploy" / "pyproject.toml", '[project]\nname = "p"\n')
    assert pin_for(repo / "deploy").path == repo / "requirements.txt"


def test_start_may_be_a_directory_or_a_missing_file(repo):
    write(repo / "requirements.txt", "dagster==1.13.2\n")
    (repo / "deploy").mkdir()
    assert find_dagster_pin(repo / "deploy").path == repo / "requirements.txt"
    assert find_dagster_pin(repo / "deploy" / "not-yet-written.yaml").path == repo / "requirements.txt"


def test_repository_root_stops_the_walk(repo):
    write(repo / "requirements.txt", "dagster==1.13.2\n")  # above the inner repository: not read
    (repo / "inner" / ".git").mkdir(parents=True)
    assert pin_for(repo / "inner" / "app") is None
    write(repo / "inner" / "requirements.txt", "dagster==1.12.0\n")  # at the root: read
    assert pin_for(repo / "inner" / "app").path == repo / "inner" / "requirements.txt"


def test_git_file_of_a_worktree_also_marks_the_root(repo):
    write(repo / "requirements.txt", "dagster==1.13.2\n")
    write(repo / "worktree" / ".git", "gitdir: ../.git/worktrees/w\n")
    assert pin_for(repo / "worktree") is None


def test_home_directory_stops_the_walk(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    home = tmp_path / "home"
    write(home / "requirements.txt", "dagster==1.13.2\n")
    monkeypatch.setenv("HOME", str(home))
    assert pin_for(home / "project") is None
    assert pin_for(home) == Pin("dagster==1.13.2", "requirements.txt:1", home / "requirements.txt")


def test_walk_is_bounded(repo):
    write(repo / "requirements.txt", "dagster==1.13.2\n")
    deep = repo.joinpath(*["d"] * 40)
    deep.mkdir(parents=True)
    assert pin_for(deep) is None
    assert pin_for(repo.joinpath(*["d"] * 5)).path == repo / "requirements.txt"


# ---------------------------------------------------------------------------------------------
# Malformed files never raise


@pytest.mark.parametrize(
    "name, content",
    [
        ("uv.lock", b"[[package]\nname = "),
        ("poetry.lock", b'[[package]]\nname = "dagster"\nversion = 1.10.0\n'),
        ("Pipfile.lock", b'{"default": {"dagster": {"version": "==1.10.0"}'),
        ("Pipfile.lock", b'["default"]'),
        ("pyproject.toml", b'[project]\ndependencies = "dagster==1.10.0"\n'),
        ("pyproject.toml", b"project = 3\n[tool]\npoetry = [1]\n"),
        ("pyproject.toml", b"[tool.poetry.group]\ndev = 3\n[dependency-groups]\ndev = {a = 1}\n"),
        ("pyproject.toml", b"\xff\xfe[project]\n"),
        ("requirements.txt", b"dagster==1.10.0\xff\n"),
        ("requirements-a.txt", b"\\"),
    ],
)
def test_malformed_file_is_skipped(repo, name, content):
    # Were the file read as a pin, the walk would stop in `app` and never reach the repository root's pin.
    (repo / "app").mkdir()
    (repo / "app" / name).write_bytes(content)
    write(repo / "requirements.txt", "dagster==1.12.3\n")
    assert pin_for(repo / "app").path == repo / "requirements.txt"


def test_directory_named_like_a_pin_file_is_skipped(repo):
    for name in ("uv.lock", "Pipfile.lock", "pyproject.toml", "requirements.txt"):
        (repo / "app" / name).mkdir(parents=True)
    write(repo / "requirements.txt", "dagster==1.12.3\n")
    assert pin_for(repo / "app").path == repo / "requirements.txt"


def test_unreadable_file_is_skipped(repo, monkeypatch):
    write(repo / "app" / "requirements.txt", "dagster==1.10.0\n")
    write(repo / "requirements.txt", "dagster==1.12.3\n")
    read_text = Path.read_text

    def denied(self: Path, *args, **kwargs):
        if self.parent.name == "app":
            raise PermissionError(13, "Permission denied", str(self))
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)  # chmod 000 does not stop root
    assert pin_for(repo / "app").path == repo / "requirements.txt"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_on_disk(repo):
    locked = write(repo / "app" / "requirements.txt", "dagster==1.10.0\n")
    write(repo / "requirements.txt", "dagster==1.12.3\n")
    locked.chmod(0)
    try:
        assert pin_for(repo / "app").path == repo / "requirements.txt"
    finally:
        locked.chmod(0o644)


def test_unlistable_directory_is_passed_over(repo, monkeypatch):
    write(repo / "app" / "requirements.txt", "dagster==1.10.0\n")
    write(repo / "requirements.txt", "dagster==1.12.3\n")
    listdir = os.listdir

    def denied(path):
        if Path(path).name == "app":
            raise PermissionError(13, "Permission denied", str(path))
        return listdir(path)

    monkeypatch.setattr(os, "listdir", denied)
    assert pin_for(repo / "app").path == repo / "requirements.txt"


# ---------------------------------------------------------------------------------------------
# minor_for


@pytest.mark.parametrize(
    "requirement, minor",
    [
        ("1.11.16", "1.11"),  # a lock file's exact version
        ("==1.11.16", "1.11"),  # Pipfile.lock
        ("dagster==1.10.2", "1.10"),
        ("Dagster==1.10.2", "1.10"),
        ("dagster", "1.13"),  # no specifier: anything, so the newest
        ("dagster>=1.0", "1.13"),
        ("dagster>=1.10", "1.13"),
        ("dagster[postgres]>=1.10,<1.12", "1.11"),
        ("dagster>=1.10,<1.12 ; python_version >= '3.10'", "1.11"),
        ("dagster (>=1.10,<1.11)", "1.10"),
        (">= 1.10, < 1.12", "1.11"),
        (">=1.10 <1.12", "1.11"),  # Poetry separates with spaces
        ("<1.12", "1.11"),  # PEP 440: `<1.12` excludes 1.12's pre-releases too
        ("<1.12.0", "1.11"),
        ("<=1.12", "1.12"),  # 1.12.0 itself
        ("<=1.12.3", "1.12"),
        (">1.11", "1.13"),
        (">1.13.99", "1.13"),  # 1.13.100 would do: a minor is a range, not its known releases
        ("==1.11.*", "1.11"),
        ("1.10.*", "1.10"),
        ("!=1.13.*", "1.12"),
        (">=1.9,!=1.13.*,!=1.12.*", "1.11"),
        ("!=1.13.0", "1.13"),  # 1.13.1 is still allowed
        ("~=1.10.3", "1.10"),  # >=1.10.3, ==1.10.*
        ("~=1.10", "1.13"),  # >=1.10, ==1.*
        ("^1.10", "1.13"),  # >=1.10,<2.0
        ("^1.10.2", "1.13"),
        ("~1.10", "1.10"),  # >=1.10,<1.11
        ("~1.10.3", "1.10"),
        ("~1", "1.13"),  # >=1,<2
        ("*", "1.13"),
        ("===1.10.1", "1.10"),
        ("~1.9 || ~1.11", "1.11"),
        ("1.11.0rc1", "1.11"),  # a pre-release of 1.11.0 belongs to 1.11
        ("==1.12.0.post1", "1.12"),
        ("1.12.0.dev3", "1.12"),
        (">=1.10.0b1,<1.11", "1.10"),
        (">=1.12.0a1", "1.13"),
    ],
)
def test_highest_supported_minor_allowed(requirement, minor):
    assert minor_for(requirement, SUPPORTED) == MinorChoice(Verdict.SUPPORTED, minor)


@pytest.mark.parametrize(
    "requirement, nearest, excluded",
    [
        ("==1.8.3", "1.8.3", False),
        ("dagster==1.8.3", "1.8.3", False),
        ("<=1.8.3", "1.8.3", False),
        ("<1.9", "1.9", True),
        ("~=1.8.2", "1.9", True),  # <1.9
        ("~1.8", "1.9", True),
        ("==1.8.*", "1.9", True),
        ("^0.15", "0.16", True),
        ("0.15.0", "0.15.0", False),
    ],
)
def test_older_than_the_oldest_supported(requirement, nearest, excluded):
    assert minor_for(requirement, SUPPORTED) == MinorChoice(Verdict.OLDER, None, nearest, excluded)


def test_pre_release_of_the_oldest_minor_is_that_minor():
    assert minor_for("1.9.0rc1", SUPPORTED) == MinorChoice(Verdict.SUPPORTED, "1.9")


@pytest.mark.parametrize(
    "requirement, nearest, excluded",
    [
        (">=1.14", "1.14", False),
        ("dagster>=1.14,<1.15", "1.14", False),
        ("==2.0.1", "2.0.1", False),
        ("^2.0", "2.0", False),
        ("==1.14.*", "1.14", False),
        (">1.14", "1.14", True),
        ("!=1.9.*,!=1.10.*,!=1.11.*,!=1.12.*,!=1.13.*", "1.14", False),  # allows older too; judged as newest
    ],
)
def test_newer_than_the_newest_supported(requirement, nearest, excluded):
    assert minor_for(requirement, SUPPORTED) == MinorChoice(Verdict.NEWER, None, nearest, excluded)


@pytest.mark.parametrize("requirement", [">=1.12,<1.10", "==1.11.0,!=1.11.0", ">1.10,<=1.10", "^1.10,<1.9"])
def test_unsatisfiable(requirement):
    assert minor_for(requirement, SUPPORTED) == MinorChoice(Verdict.UNSATISFIABLE)


@pytest.mark.parametrize(
    "requirement",
    [
        "dagster @ git+https://github.com/dagster-io/dagster",
        "latest",
        ">=banana",
        "=>1.10",
        "~=1",  # a compatible release needs two release parts
        ">=1.11.*",  # wildcards only with == and !=
        "!=*",
        ">=1.10,,<1.12",
        "^1.10 ||",
        "dagster[postgres",
    ],
)
def test_unparseable(requirement):
    assert minor_for(requirement, SUPPORTED) == MinorChoice(Verdict.UNPARSEABLE)


def test_supported_minors_are_a_value_in_any_order():
    assert minor_for(">=1.10", tuple(reversed(SUPPORTED))).minor == "1.13"
    assert minor_for(">=1.10", ("1.9", "1.10")).minor == "1.10"
    assert minor_for("==1.13.0", ("1.9", "1.10")) == MinorChoice(Verdict.NEWER, None, "1.13.0", False)
    assert minor_for("^2.1", ("1.13", "2.0", "2.1", "2.2")).minor == "2.2"
    with pytest.raises(ValueError):
        minor_for("dagster", ())


def test_pin_and_minor_together(repo):
    write(repo / "requirements.txt", "dagster==1.8.3\n")
    pin = pin_for(repo)
    choice = minor_for(pin.requirement, SUPPORTED)
    assert (pin.source, choice) == ("requirements.txt:1", MinorChoice(Verdict.OLDER, None, "1.8.3", False))


def test_module_imports_nothing_heavy():
    code = "import sys, linter.model.detect; print(sorted({'tomllib', 'tomli', 'packaging'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
