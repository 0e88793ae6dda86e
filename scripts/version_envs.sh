#!/usr/bin/env bash
# Builds one virtual environment per supported Dagster minor version, .venvs/dagster-<X.Y>/, from its
# lock requirements/dagster-<X.Y>.lock. Each holds only Dagster, the integrations the schema
# generator scans (dagster-postgres, -mysql, -k8s, -docker, -aws, -gcp, -azure, -celery-k8s) and what
# they pull in, plus dagster-cloud at Dagster's version with the extras that ship the Dagster+ agent's
# launchers (ecs, kubernetes, docker, aca; where declared): scripts/regenerate_all.sh runs the
# generators in them to write schema/<X.Y>/.
#
#   bash scripts/version_envs.sh                    # build every venv from its lock, one after another
#   bash scripts/version_envs.sh --jobs 2           # the same, two versions at a time (2 cores)
#   bash scripts/version_envs.sh --lock --jobs 2    # re-resolve every lock first, then build
#   bash scripts/version_envs.sh --lock 1.9 1.12    # only the named minor versions
#
# --lock resolves a version's packages in a new, empty virtual environment with no package cache
# (what a fresh machine resolves today, like scripts/lock_test_env.sh) and pins every package with
# `pip freeze --all` minus pip itself (setuptools is pinned: older Dagster imports pkg_resources).
# dagster-azure gets its `container-apps` extra only when that release declares it: read from the
# release's metadata (pip's install report, nothing installed), never from a version list.
# A venv is built with `pip install --no-deps -r <lock>` and must pass `pip check`.
# Logs: .venvs/logs/dagster-<X.Y>.log. Review `git diff requirements/` after --lock.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}

# minor  dagster  integrations (the latest patch of each minor; 1.13 is the test environment's pin)
VERSIONS=(
  "1.9   1.9.13   0.25.13"
  "1.10  1.10.21  0.26.21"
  "1.11  1.11.16  0.27.16"
  "1.12  1.12.22  0.28.22"
  "1.13  1.13.27  0.29.27"
)
INTEGRATIONS=(dagster-postgres dagster-mysql dagster-k8s dagster-docker dagster-aws dagster-gcp dagster-azure dagster-celery-k8s)
OPTIONAL_EXTRAS=("dagster-azure:container-apps")  # distribution:extra, added where the release declares it
# Dagster+ Hybrid: dagster-cloud releases track Dagster's (dagster-cloud X.Y.Z pins dagster==X.Y.Z). The
# agent's launchers import only with these extras; each is added where the release declares it.
CLOUD_EXTRAS=(ecs kubernetes docker aca)

lock=0
jobs=1
selected=()
while (($#)); do
  case $1 in
    --lock) lock=1 ;;
    --jobs) jobs=$2; shift ;;
    --jobs=*) jobs=${1#--jobs=} ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "version_envs: unknown option $1" >&2; exit 2 ;;
    *) selected+=("$1") ;;
  esac
  shift
done

pip_quiet() {  # pip without its "WARNING: Location ..." noise (and the version nag)
  "$@" --disable-pip-version-check 2> >(grep -v '^WARNING: Location' >&2)
}

# The extras `dist==version` declares (Provides-Extra, normalized), from pip's install report.
declared_extras() {
  local venv=$1 requirement=$2
  PIP_NO_CACHE_DIR=1 "$venv/bin/pip" install --disable-pip-version-check --quiet --dry-run \
    --no-deps --ignore-installed --report - "$requirement" 2> >(grep -v '^WARNING: Location' >&2) |
    "$venv/bin/python" -c '
import json, re, sys
(item,) = json.load(sys.stdin)["install"]
for extra in item["metadata"].get("provides_extra", []):
    print(re.sub(r"[-_.]+", "-", extra).lower())'
}

lock_one() {
  local minor=$1 dagster=$2 integrations=$3
  local out=requirements/dagster-$minor.lock
  work=$(mktemp -d)  # global: each version runs in its own subshell, which removes it on exit
  trap 'rm -rf "$work"' EXIT
  "$python" -m venv "$work/venv"
  local specs=("dagster==$dagster") dist entry extras
  for dist in "${INTEGRATIONS[@]}"; do
    extras=()
    for entry in "${OPTIONAL_EXTRAS[@]}"; do
      [[ ${entry%%:*} == "$dist" ]] || continue
      if declared_extras "$work/venv" "$dist==$integrations" | grep -qx "${entry#*:}"; then
        extras+=("${entry#*:}")
      fi
    done
    if ((${#extras[@]})); then
      specs+=("$dist[$(IFS=,; echo "${extras[*]}")]==$integrations")
    else
      specs+=("$dist==$integrations")
    fi
  done
  # dagster-cloud at Dagster's own version, when the registry has that release
  local cloud_declared
  if cloud_declared=$(declared_extras "$work/venv" "dagster-cloud==$dagster" 2>/dev/null); then
    extras=()
    for entry in "${CLOUD_EXTRAS[@]}"; do
      if grep -qx "$entry" <<<"$cloud_declared"; then extras+=("$entry"); fi
    done
    specs+=("dagster-cloud[$(IFS=,; echo "${extras[*]}")]==$dagster")
  else
    echo "dagster-cloud==$dagster is not on the registry: schema/$minor/ gets no agent data of its own"
  fi
  echo "resolving: ${specs[*]}"
  PIP_NO_CACHE_DIR=1 pip_quiet "$work/venv/bin/pip" install -q "${specs[@]}"
  {
    echo "# Dagster $dagster with its integrations at $integrations: the venv .venvs/dagster-$minor that"
    echo "# scripts/regenerate_all.sh generates schema/$minor/ in. Resolved from: ${specs[*]}"
    echo "# Generated by scripts/version_envs.sh --lock with $("$work/venv/bin/python" --version) on $(uname -sm), $(date -u +%Y-%m-%d);"
    echo "# do not edit by hand. Refresh: bash scripts/version_envs.sh --lock $minor"
    "$work/venv/bin/pip" freeze --all --disable-pip-version-check --exclude pip | LC_ALL=C sort -f
  } > "$out.tmp"
  mv "$out.tmp" "$out"
  echo "wrote $out ($(grep -vc '^#' "$out") packages)"
}

build_one() {
  local minor=$1 dagster=$2 integrations=$3
  local venv=.venvs/dagster-$minor lockfile=requirements/dagster-$minor.lock
  [[ -f $lockfile ]] || { echo "missing $lockfile: run with --lock" >&2; return 1; }
  "$python" -m venv --clear "$venv"
  pip_quiet "$venv/bin/pip" install -q --no-deps -r "$lockfile"
  "$venv/bin/pip" check --disable-pip-version-check
  local got
  got=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("dagster"), m.version("dagster-k8s"))')
  [[ $got == "$dagster $integrations" ]] || { echo "$venv has $got, expected $dagster $integrations" >&2; return 1; }
  echo "built $venv (dagster $dagster, integrations $integrations)"
}

one_version() {
  local start=$SECONDS
  if ((lock)); then lock_one "$@"; fi
  build_one "$@"
  echo "done in $((SECONDS - start))s"
}

mkdir -p .venvs/logs requirements
rows=()
for row in "${VERSIONS[@]}"; do
  read -r minor _ <<<"$row"
  if ((${#selected[@]} == 0)) || [[ " ${selected[*]} " == *" $minor "* ]]; then rows+=("$row"); fi
done
((${#rows[@]})) || { echo "version_envs: no such version: ${selected[*]}" >&2; exit 2; }

declare -A pids=()
failed=()
finish() {  # wait for the job of minor $1
  if wait "${pids[$1]}"; then echo "ok: $1 ($(tail -1 ".venvs/logs/dagster-$1.log"))"
  else failed+=("$1"); echo "FAILED: $1 (see .venvs/logs/dagster-$1.log)" >&2; fi
  unset "pids[$1]"
}
for row in "${rows[@]}"; do
  read -r minor dagster integrations <<<"$row"
  while ((${#pids[@]} >= jobs)); do  # wait for any running version to end
    wait -n || true
    for m in "${!pids[@]}"; do kill -0 "${pids[$m]}" 2>/dev/null || finish "$m"; done
  done
  echo "start: $minor (dagster $dagster, integrations $integrations)"
  (set -euo pipefail; one_version "$minor" "$dagster" "$integrations") > ".venvs/logs/dagster-$minor.log" 2>&1 &
  pids[$minor]=$!
done
for m in "${!pids[@]}"; do finish "$m"; done
if ((${#failed[@]})); then echo "version_envs: failed: ${failed[*]}" >&2; exit 1; fi
