"""Hostile and broken input, through the real command line (a subprocess with a timeout).

Every case is checked next to two ordinary files, one clean and one with an error, in the same run:
the bad file ends with a clear one-line message naming it (and the line and column where there is
one), the exit status is 1 (findings) or 2 (a file could not be read), nothing prints a traceback,
nothing hangs, and the ordinary files are still checked.
"""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linter.files import MAX_FILE_BYTES, read_source

TIMEOUT = 60
CLEAN = "telemetry:\n  enabled: false\n"
BROKEN = "telemetry:\n  enabled: false\ndata_retention: {}\n"  # unknown-key at 3:1
BROKEN_FINDING = "other/dagster.yaml:3:1: error [unknown-key]"


def instance_lint(*args: str, cwd: Path, stdin: bytes | None = None, preexec_fn=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "GITHUB_ACTIONS")}
    env["NO_COLOR"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "linter", *args], cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT,
        env=env, preexec_fn=preexec_fn,
    )
    out, err = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, out + err
    result.out, result.err = out, err  # type: ignore[attr-defined]
    return result


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """tmp_path with the two ordinary files: clean/dagster.yaml and other/dagster.yaml (one error)."""
    for name, text in (("clean", CLEAN), ("other", BROKEN)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "dagster.yaml").write_text(text)
    return tmp_path


def check_with_others(workdir: Path, target: str, *extra: str, stdin: bytes | None = None, preexec_fn=None):
    """`check TARGET clean other`: the ordinary files must be checked whatever TARGET is."""
    result = instance_lint("check", *extra, target, "clean/dagster.yaml", "other/dagster.yaml",
                           cwd=workdir, stdin=stdin, preexec_fn=preexec_fn)
    assert BROKEN_FINDING in result.out, result.out + result.err
    assert result.returncode in (1, 2), result.out + result.err
    return result


def one_line_about(text: str, name: str) -> str:
    """The one line that names `name` and says `error`."""
    lines = [line for line in text.splitlines() if line.startswith(f"{name}:") and " error" in line]
    assert len(lines) == 1, text
    return lines[0]


def write_bomb(path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        anchor, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{anchor}: &{anchor} [" + ",".join([f"*{previous}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n")


# ------------------------------------------------------------------------------------------------
# Findings (exit 1)


def test_alias_bomb_is_a_finding_in_bounded_time(workdir):
    write_bomb(workdir / "bomb.yaml")
    started = time.monotonic()
    result = check_with_others(workdir, "bomb.yaml")
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    line = one_line_about(result.out, "bomb.yaml")
    assert re.match(r"bomb\.yaml:\d+:\d+: error \[invalid-value\] .*billion laughs", line), line


NESTING = {
    # 10,000 levels, as flow collections and as compact block sequences (`- - - x`)
    "flow": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", "1:404"),
    "block": ("a:\n  " + "- " * 10_000 + "x\n", "2:801"),
    # an indented block mapping 10,000 levels deep is 50 MB of indentation (refused by size, below);
    # 1,000 levels is 0.5 MB
    "indented": ("".join(" " * level + "k:\n" for level in range(1_000)), "401:401"),
}


@pytest.mark.parametrize("shape", NESTING)
def test_deep_nesting_is_a_finding_not_a_recursion_error(workdir, shape):
    text, position = NESTING[shape]
    (workdir / "deep.yaml").write_text(text)
    result = check_with_others(workdir, "deep.yaml")
    assert result.returncode == 1
    line = one_line_about(result.out, "deep.yaml")
    assert line.startswith(f"deep.yaml:{position}: error [yaml-syntax] the document nests more than 400 levels"), line
    assert "RecursionError" in line  # named as Dagster's failure, not ours


def test_multiple_documents_are_a_finding_at_the_second(workdir):
    (workdir / "multi.yaml").write_text("telemetry:\n  enabled: false\n---\nretention: {}\n")
    result = check_with_others(workdir, "multi.yaml")
    assert result.returncode == 1
    line = one_line_about(result.out, "multi.yaml")
    assert line.startswith("multi.yaml:3:1: error [yaml-syntax] expected a single document"), line


def test_one_explicit_document_is_fine(workdir):
    (workdir / "one.yaml").write_text("---\ntelemetry:\n  enabled: false\n...\n")
    result = instance_lint("check", "one.yaml", cwd=workdir)
    assert result.returncode == 0, result.out


BAD_BOOL = "telemetry:\n  enabled: notabool\nretention: {}\nbogus: 1\n"


@pytest.mark.parametrize(
    "raw",
    [
        BAD_BOOL.encode(),
        b"\xef\xbb\xbf" + BAD_BOOL.encode(),
        BAD_BOOL.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + BAD_BOOL.replace("\n", "\r\n").encode(),
        BAD_BOOL.replace("\n", "\r").encode(),
    ],
    ids=["lf", "bom", "crlf", "bom-crlf", "cr"],
)
def test_bom_and_line_endings_keep_exact_positions(workdir, raw):
    (workdir / "eol.yaml").write_bytes(raw)
    result = check_with_others(workdir, "eol.yaml")
    assert result.returncode == 1
    assert "eol.yaml:2:12: error [invalid-type] `telemetry.enabled`" in result.out
    assert "eol.yaml:4:1: error [unknown-key] unknown key `bogus`" in result.out
    assert "\r" not in result.out  # the excerpts show the line, not its line ending


def test_bom_does_not_count_as_a_column(workdir):
    (workdir / "bom.yaml").write_bytes(b"\xef\xbb\xbfbogus: 1\r\n")
    result = instance_lint("check", "--format", "json", "bom.yaml", cwd=workdir)
    assert result.returncode == 1
    assert '"line": 1' in result.out and '"column": 1' in result.out


def test_whitespace_with_a_tab_is_what_dagster_rejects(workdir):
    (workdir / "tab.yaml").write_text("  \n\t\n  \n")
    result = check_with_others(workdir, "tab.yaml")
    assert result.returncode == 1
    assert one_line_about(result.out, "tab.yaml").startswith("tab.yaml:2:1: error [yaml-syntax]")


# ------------------------------------------------------------------------------------------------
# Files that are not read (exit 2)


def test_a_50_mb_file_is_refused_without_reading_it(workdir):
    huge = workdir / "huge.yaml"
    with open(huge, "wb") as file:  # sparse: 50 MB on paper
        file.truncate(50_000_000)
    started = time.monotonic()
    result = check_with_others(workdir, "huge.yaml")
    assert time.monotonic() - started < 10
    assert result.returncode == 2
    assert one_line_about(result.err, "huge.yaml") == (
        "huge.yaml: error: file too large to be a dagster.yaml (50.0 MB; the limit is 10 MB; --max-file-size raises it)"
    )


def test_a_file_just_under_the_limit_is_read(tmp_path):
    path = tmp_path / "dagster.yaml"
    path.write_bytes(b"# padding\n" * ((MAX_FILE_BYTES - 100) // 10) + CLEAN.encode())
    source = read_source(str(path))
    assert source.text.endswith(CLEAN)


def test_too_much_stdin_is_refused(workdir):
    result = check_with_others(workdir, "-", stdin=b"# x\n" * (MAX_FILE_BYTES // 4 + 10))
    assert result.returncode == 2
    assert one_line_about(result.err, "-") == (
        "-: error: input too large to be a dagster.yaml (over the limit of 10 MB; --max-file-size raises it)")


def test_a_file_dagster_loads_is_not_refused_for_its_size_and_the_limit_is_adjustable(workdir):
    """Issue 13: a 3.1 MB file (refused under the old 2 MB limit) is checked by default; `--max-file-size`
    lowers or raises the limit for `check` and `render`, and a size it cannot read is a usage error."""
    big = workdir / "big.yaml"
    big.write_bytes(b"# padding\n" * 310_000 + CLEAN.encode())
    checked = check_with_others(workdir, "big.yaml")
    assert checked.returncode == 1 and "big.yaml" not in checked.err  # only the other file's finding
    lowered = check_with_others(workdir, "big.yaml", "--max-file-size", "1MB")
    assert lowered.returncode == 2
    assert one_line_about(lowered.err, "big.yaml") == (
        "big.yaml: error: file too large to be a dagster.yaml (3.1 MB; the limit is 1 MB; --max-file-size raises it)")
    rendered = instance_lint("render", "big.yaml", "--max-file-size", "1000000", cwd=workdir)
    assert rendered.returncode == 2 and "the limit is 1 MB" in rendered.err
    assert instance_lint("render", "big.yaml", "--max-file-size", "5MB", cwd=workdir).returncode == 0
    wrong = instance_lint("check", "--max-file-size", "big", "big.yaml", cwd=workdir)
    assert wrong.returncode == 2 and "'big' is not a size" in wrong.err


def test_render_refuses_a_50_mb_file(workdir):
    with open(workdir / "huge.yaml", "wb") as file:
        file.truncate(50_000_000)
    result = instance_lint("render", "huge.yaml", cwd=workdir)
    assert result.returncode == 2
    assert "huge.yaml: error: file too large to be a dagster.yaml (50.0 MB" in result.err
    assert result.out == ""


@pytest.mark.parametrize(
    "raw, message",
    [
        (bytes(range(256)) * 40, "not a text file (NUL byte at line 1, column 1)"),
        (b"telemetry:\n  enabled: \xc3\x28\n", "not UTF-8 text (byte 0xc3 at line 2, column 12)"),
        (b"\xff\xfet\x00e\x00", "not a text file (NUL byte at line 1, column 4)"),  # UTF-16
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 9, "not a text file (NUL byte at line 1, column 8)"),
    ],
    ids=["binary", "invalid-utf8", "utf16", "elf"],
)
def test_binary_and_invalid_utf8(workdir, raw, message):
    (workdir / "bin.yaml").write_bytes(raw)
    result = check_with_others(workdir, "bin.yaml")
    assert result.returncode == 2
    assert one_line_about(result.err, "bin.yaml") == f"bin.yaml: error: {message}"
    rendered = instance_lint("render", "bin.yaml", cwd=workdir)
    assert (rendered.returncode, rendered.out) == (2, "")
    assert f"bin.yaml: error: {message}" in rendered.err


def test_a_path_that_does_not_exist(workdir):
    result = check_with_others(workdir, "nowhere/dagster.yaml")
    assert result.returncode == 2
    assert one_line_about(result.err, "nowhere/dagster.yaml") == "nowhere/dagster.yaml: error: no such file"
    rendered = instance_lint("render", "nowhere/dagster.yaml", cwd=workdir)
    assert (rendered.returncode, rendered.err.strip()) == (2, "nowhere/dagster.yaml: error: no such file")


def test_a_directory_with_a_symlink_loop(workdir):
    loop = workdir / "loop"
    (loop / "sub").mkdir(parents=True)
    (loop / "sub" / "up").symlink_to("..")  # a cycle for anything that follows links
    (loop / "self").symlink_to(".")
    (loop / "sub" / "dagster.yaml").write_text(BROKEN.replace("data_retention", "retention_days"))
    (loop / "dagster.yml").symlink_to("dagster.yml")  # a link to itself, named like a config
    result = check_with_others(workdir, "loop")
    assert result.returncode == 2
    assert "loop/sub/dagster.yaml:3:1: error [unknown-key]" in result.out  # found once, not in a loop
    assert result.out.count("loop/sub/dagster.yaml:3:1") == 1
    assert one_line_about(result.err, "loop/dagster.yml") == (
        "loop/dagster.yml: error: cannot read the file: Too many levels of symbolic links"
    )


def test_a_symlink_loop_given_as_the_file(workdir):
    (workdir / "a.yaml").symlink_to("b.yaml")
    (workdir / "b.yaml").symlink_to("a.yaml")
    result = check_with_others(workdir, "a.yaml")
    assert result.returncode == 2
    assert "a.yaml: error: cannot read the file: Too many levels of symbolic links" in result.err
    rendered = instance_lint("render", "a.yaml", cwd=workdir)
    assert rendered.returncode == 2 and "Too many levels of symbolic links" in rendered.err


def test_a_directory_named_dagster_yaml_is_searched_not_read(workdir):
    (workdir / "dagster.yaml").mkdir()
    result = check_with_others(workdir, "dagster.yaml")
    assert result.returncode == 2
    assert "dagster.yaml: error: no dagster.yaml or dagster.yml found under this directory" in result.err
    rendered = instance_lint("render", "dagster.yaml", cwd=workdir)
    # render searches a directory as check does (issue 13): the same finding
    assert (rendered.returncode, rendered.err.strip()) == (
        2, "dagster.yaml: error: no dagster.yaml or dagster.yml found under this directory")


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(workdir):
    os.mkfifo(workdir / "pipe.yaml")
    result = check_with_others(workdir, "pipe.yaml")  # opening it would block forever: the timeout fails
    assert result.returncode == 2
    assert one_line_about(result.err, "pipe.yaml").startswith("pipe.yaml: error: not a regular file (a named pipe)")
    rendered = instance_lint("render", "pipe.yaml", cwd=workdir)
    assert rendered.returncode == 2 and "not a regular file (a named pipe)" in rendered.err


def test_a_device_is_refused(workdir):
    result = check_with_others(workdir, "/dev/zero")  # would never end
    assert result.returncode == 2
    assert "/dev/zero: error: not a regular file (a character device)" in result.err


def _without_read_override() -> None:
    """In the child, before exec: a root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH (dropped from the
    bounding set, so the exec'd process never has them) is refused a mode-000 file like anyone else."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _can_drop_read_override() -> bool:
    try:
        subprocess.run([sys.executable, "-c", ""], preexec_fn=_without_read_override, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def test_an_unreadable_file(workdir):
    secret = workdir / "secret.yaml"
    secret.write_text(CLEAN)
    secret.chmod(0)
    preexec = None
    if os.geteuid() == 0:  # root reads a mode-000 file regardless: take that power away from the child
        if not sys.platform.startswith("linux") or not _can_drop_read_override():
            pytest.skip("running as root without the capability to drop CAP_DAC_OVERRIDE: cannot make a file unreadable")
        preexec = _without_read_override
    try:
        result = check_with_others(workdir, "secret.yaml", preexec_fn=preexec)
        rendered = instance_lint("render", "secret.yaml", cwd=workdir, preexec_fn=preexec)
    finally:
        secret.chmod(0o644)
    assert result.returncode == 2
    assert one_line_about(result.err, "secret.yaml") == "secret.yaml: error: cannot read the file: permission denied"
    assert (rendered.returncode, rendered.err.strip()) == (2, "secret.yaml: error: cannot read the file: permission denied")


def test_an_unreadable_file_in_process(tmp_path, monkeypatch):
    """The same path without privileges games: `open` refused as it would be for another user."""
    path = tmp_path / "dagster.yaml"
    path.write_text(CLEAN)
    real_open = open

    def refusing_open(file, *args, **kwargs):
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refusing_open)
    problem = read_source(str(path))
    assert problem.message == "cannot read the file: permission denied"


# ------------------------------------------------------------------------------------------------
# Empty files: Dagster reads them as `{}`, the default instance, so they are not errors


@pytest.mark.parametrize("raw", [b"", b"\n\n   \n", b"\r\n \r\n", b"\xef\xbb\xbf", b"# only a comment\n", b"---\n...\n"],
                         ids=["empty", "blank-lines", "crlf-blanks", "bom-only", "comment-only", "empty-document"])
def test_empty_and_whitespace_only_files_are_the_default_instance(workdir, raw):
    """Not exit 1 or 2: Dagster accepts these (`yaml.load(...) or {}` is the default instance, as the
    oracle confirms below), so reporting an error would be a false positive. `render` shows the defaults."""
    from dagster_oracle import judge

    (workdir / "empty.yaml").write_bytes(raw)
    assert judge(workdir / "empty.yaml", {}).accepted
    result = instance_lint("check", "empty.yaml", "clean/dagster.yaml", "other/dagster.yaml", cwd=workdir)
    assert result.returncode == 1 and BROKEN_FINDING in result.out
    assert "empty.yaml" not in result.out + result.err
    alone = instance_lint("check", "empty.yaml", cwd=workdir)
    assert (alone.returncode, alone.out.strip()) == (0, "No problems found in 1 file, judged as Dagster 1.13 (the newest; "
                                                          "no `dagster` pin above the file).")
    rendered = instance_lint("render", "empty.yaml", cwd=workdir)
    assert rendered.returncode == 0 and "run_launcher:" in rendered.out


# ------------------------------------------------------------------------------------------------
# render on input it cannot render: the findings, exit 1, no traceback


@pytest.mark.parametrize("name", ["bomb", "flow", "block", "multi", "not-a-mapping"])
def test_render_reports_findings_on_hostile_input(workdir, name):
    path = workdir / "bad.yaml"
    if name == "bomb":
        write_bomb(path)
    elif name == "flow":
        path.write_text("a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    elif name == "block":
        path.write_text("a:\n  " + "- " * 10_000 + "x\n")
    elif name == "multi":
        path.write_text("telemetry:\n  enabled: false\n---\nretention: {}\n")
    else:
        path.write_text("- just\n- a list\n")
    result = instance_lint("render", "bad.yaml", cwd=workdir)
    assert result.returncode == 1, result.out + result.err
    assert re.search(r"^bad\.yaml:\d+:\d+: error \[", result.out, re.MULTILINE), result.out
