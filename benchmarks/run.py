"""Benchmark instance-lint against the tools a user would use instead, in one run, and write BENCHMARKS.md.

Usage (from the repository, in a venv with `pip install -e '.[bench]'`):

    python benchmarks/run.py [--runs N] [--output BENCHMARKS.md]

Every case is a whole process, started the way a user or CI starts it. Each command runs once as a
warm-up, then N times (default 7); the table gives the median wall time, the median CPU time
(user + system, from `os.wait4`'s rusage of that one child) and the largest max RSS. Commands run
with bytecode caching on (`PYTHONDONTWRITEBYTECODE` unset, `PYTHONPYCACHEPREFIX` in a temporary
directory), as an installed package has its .pyc files.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "dagster.yaml"
ENV_FILE = ROOT / "examples" / "production.env"
AGENT_EXAMPLE = ROOT / "examples" / "dagster-plus-agent.yaml"
AGENT_TOKEN = "DAGSTER_CLOUD_AGENT_TOKEN=agent:myorg:5a9c2b1e-7d3f-4e8a-9b6c-1d2e3f4a5b6c"
SCHEMA = ROOT / "schema" / "dagster-instance.schema.json"
BIN = Path(sys.executable).parent

KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: bench
  user: {token: not-a-token}
contexts:
- name: bench
  context: {cluster: bench, user: bench}
current-context: bench
"""


@dataclass
class Result:
    name: str
    command: str
    wall: float  # median seconds
    cpu: float  # median seconds (user + system)
    rss_mb: float  # largest max RSS, MiB
    exit_codes: set[int]
    runs: int


def tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    if found is None:
        sys.exit(f"benchmarks: `{name}` not found; install the bench extra: pip install -e '.[bench]'")
    return found


def measure(name: str, argv: list[str], env: dict[str, str], runs: int, shown: str) -> Result:
    walls, cpus, rss, codes = [], [], [], set()
    for attempt in range(runs + 1):  # the first is the warm-up
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if attempt == 0:
            continue
        walls.append(wall)
        cpus.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss / 1024)  # KiB on Linux
        codes.add(process.returncode)
    result = Result(name, shown, statistics.median(walls), statistics.median(cpus), max(rss), codes, runs)
    print(f"{name:<44} {result.wall * 1000:8.1f} ms wall {result.cpu * 1000:8.1f} ms cpu "
          f"{result.rss_mb:6.1f} MiB  exit {sorted(codes)}", flush=True)
    return result


def read_env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            pairs[name.strip()] = value.strip()
    return pairs


def dagster_openable_copy(home: Path) -> Path:
    """The example as `dagster instance info` can open it here: no Postgres (the default SQLite
    storage under DAGSTER_HOME instead) and the K8sRunLauncher on a dummy kubeconfig."""
    lines, kept, skipping = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True), [], False
    for line in lines:
        if line[:1] not in (" ", "\n", "#", ""):
            skipping = line.startswith("storage:")
        if not skipping:
            kept.append(line)
    (home / "kubeconfig").write_text(KUBECONFIG, encoding="utf-8")
    text = "".join(kept).replace(
        "load_incluster_config: true", f"load_incluster_config: false\n    kubeconfig_file: {home / 'kubeconfig'}")
    assert "kubeconfig_file" in text and "\nstorage:" not in text
    (home / "dagster.yaml").write_text(text, encoding="utf-8")
    return home / "dagster.yaml"


def variation(number: int) -> str:
    """The example with distinct values: every file of the 500 differs."""
    text = EXAMPLE.read_text(encoding="utf-8")
    return (text.replace("max_concurrent_runs: 40", f"max_concurrent_runs: {10 + number}")
                .replace("prefix: compute-logs", f"prefix: compute-logs-{number}")
                .replace("service_account_name: dagster-run", f"service_account_name: dagster-run-{number % 37}")
                .replace("num_workers: 8", f"num_workers: {1 + number % 16}"))


def with_tag_limits(lines: int) -> str:
    """The example with enough tag concurrency limits to reach about `lines` lines."""
    text = EXAMPLE.read_text(encoding="utf-8")
    anchor = "    tag_concurrency_limits:\n"
    missing = max(0, lines - text.count("\n"))
    entries = "".join(f'      - key: "team-{i}"\n        value: "v{i}"\n        limit: {1 + i % 50}\n'
                      for i in range(missing // 3))
    return text.replace(anchor, anchor + entries)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for package in ("instance-lint", "jsonschema", "ruamel.yaml", "click", "check-jsonschema", "yamllint", "dagster"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    return (f"{model}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()} ({sys.executable}); " + ", ".join(versions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per command, after one warm-up")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"), help="where to write the report")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs: at least 5")

    work = Path(tempfile.mkdtemp(prefix="instance-lint-bench-"))
    try:
        report = run(work, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    Path(args.output).write_text(report, encoding="utf-8")
    print(f"wrote {args.output}")


def run(work: Path, runs: int) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME")}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env.pop("GITHUB_ACTIONS", None)
    lint, example, env_file = tool("instance-lint"), str(EXAMPLE.relative_to(ROOT)), str(ENV_FILE.relative_to(ROOT))
    agent = str(AGENT_EXAMPLE.relative_to(ROOT))

    many = work / "many"
    for number in range(500):
        (many / f"{number:03d}").mkdir(parents=True)
        (many / f"{number:03d}" / "dagster.yaml").write_text(variation(number), encoding="utf-8")
    many_paths = sorted(str(p) for p in many.glob("*/dagster.yaml"))
    sized = {}
    for lines in (5_000, 10_000, 20_000):
        sized[lines] = work / f"lines-{lines}.yaml"
        sized[lines].write_text(with_tag_limits(lines), encoding="utf-8")
    home = work / "dagster-home"
    home.mkdir()
    dagster_copy = dagster_openable_copy(home)
    dagster_env = {**env, **read_env_file(ENV_FILE), "DAGSTER_HOME": str(home), "HOME": str(work)}

    cases = [
        ("typical", "instance-lint check (typical file)", [lint, "check", example, "--env-file", env_file], env,
         f"instance-lint check {example} --env-file {env_file}"),
        ("cjs", "check-jsonschema (schema only)",
         [tool("check-jsonschema"), "--schemafile", str(SCHEMA.relative_to(ROOT)), example], env,
         f"check-jsonschema --schemafile schema/dagster-instance.schema.json {example}"),
        ("yamllint", "yamllint (syntax/style only)", [tool("yamllint"), example], env, f"yamllint {example}"),
        ("agent", "instance-lint check (Dagster+ agent file)", [lint, "check", agent, "--env", AGENT_TOKEN], env,
         f"instance-lint check {agent} --env {AGENT_TOKEN}"),
        ("yamllint_agent", "yamllint (the agent file)", [tool("yamllint"), agent], env, f"yamllint {agent}"),
        ("dagster", "Dagster's own validation", [sys.executable, "benchmarks/dagster_validate.py", example, env_file],
         env, f"python benchmarks/dagster_validate.py {example} {env_file}"),
        ("render", "instance-lint render", [lint, "render", example, "--env-file", env_file], env,
         f"instance-lint render {example} --env-file {env_file}"),
        ("info", "dagster instance info", [tool("dagster"), "instance", "info"], dagster_env,
         "dagster instance info (DAGSTER_HOME: the example, storage removed, dummy kubeconfig)"),
        ("many", "instance-lint check, 500 files", [lint, "check", *many_paths, "--env-file", env_file], env,
         "instance-lint check <500 variations of the example> --env-file ..."),
    ]
    for lines, path in sized.items():
        cases.append((f"lines{lines}", f"instance-lint check, {lines:,}-line file",
                      [lint, "check", str(path), "--env-file", env_file], env,
                      f"instance-lint check <example + tag limits: {path.read_text().count(chr(10)):,} lines> ..."))
    results = {key: measure(name, argv, case_env, runs, shown) for key, name, argv, case_env, shown in cases}
    return write_report(results, runs, {lines: path.read_text().count("\n") for lines, path in sized.items()})


def write_report(results: dict[str, Result], runs: int, line_counts: dict[int, int]) -> str:
    r = results
    typical = r["typical"].wall
    past = {n: r[f"lines{n}"].wall - typical for n in line_counts}
    linear = past[20_000] / past[10_000] if past[10_000] > 0 else float("inf")
    targets = [
        ("typical ÷ check-jsonschema", typical / r["cjs"].wall, 0.35),
        ("typical ÷ yamllint", typical / r["yamllint"].wall, 1.0),
        ("agent file ÷ yamllint (same file)", r["agent"].wall / r["yamllint_agent"].wall, 1.0),
        ("typical ÷ Dagster's own validation", typical / r["dagster"].wall, 0.1),
        ("render ÷ dagster instance info", r["render"].wall / r["info"].wall, 0.1),
        ("500 files ÷ one file", r["many"].wall / typical, 3.0),
        ("20,000-line ÷ 10,000-line, time past start-up", linear, 2.0),
    ]
    out = [
        "# Benchmarks",
        "",
        "Generated by `python benchmarks/run.py` (do not edit by hand; see benchmarks/run.py for what is run).",
        "",
        f"Machine: {machine()}.",
        "",
        f"Each command: one warm-up, then {runs} runs; median wall and CPU (user + system) time, largest max RSS.",
        "Bytecode caching on, as in an install. Exit codes are as expected: yamllint's default config "
        "reports lines over 80 characters in the example (exit 1); everything else accepts it (exit 0).",
        "",
        "| case | command | wall (ms) | CPU (ms) | max RSS (MiB) | exit |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for result in r.values():
        out.append(f"| {result.name} | `{result.command}` | {result.wall * 1000:.1f} | {result.cpu * 1000:.1f} | "
                   f"{result.rss_mb:.1f} | {','.join(map(str, sorted(result.exit_codes)))} |")
    out += ["", "## Targets (wall-time ratios, this run)", "", "| ratio | measured | target | met |",
            "| --- | ---: | ---: | --- |"]
    for label, value, target in targets:
        out.append(f"| {label} | {value:.3f} | ≤ {target} | {'yes' if value <= target else '**no**'} |")
    out += ["", "Time past start-up (file time − typical-file time): "
            + ", ".join(f"{line_counts[n]:,} lines: {past[n] * 1000:.0f} ms" for n in line_counts)
            + f"; per 1,000 lines: " + ", ".join(f"{past[n] * 1e6 / line_counts[n]:.1f} ms" for n in line_counts)
            + ".", ""]
    notes = Path(__file__).with_name("NOTES.md")
    if notes.exists():
        out += [notes.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(out)


if __name__ == "__main__":
    main()
