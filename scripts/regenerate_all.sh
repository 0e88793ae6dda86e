#!/usr/bin/env bash
# Regenerates schema/<X.Y>/ (dagster-instance.schema.json, class-catalog.json, instance-defaults.json,
# docs-examples.json) for every supported Dagster minor version, each in its own venv
# .venvs/dagster-<X.Y>/ (built by scripts/version_envs.sh), then checks each against its Dagster
# with scripts/verify_version_data.py. (schema/docs-snippets-examples.json needs a checkout of
# dagster-io/dagster: scripts/generate_docs_examples.py --docs-snippets CHECKOUT.)
#
#   bash scripts/version_envs.sh --jobs 2     # once: build the venvs from requirements/dagster-*.lock
#   bash scripts/regenerate_all.sh            # every version
#   bash scripts/regenerate_all.sh 1.9 1.12   # only these
#   bash scripts/regenerate_all.sh --check    # exit 1 if a version's files are stale (nothing written)
#
# The versions are those with a lock in requirements/ (dagster-<X.Y>.lock). The generators are the
# repository's scripts, run from the repository root with the version's python; they import only
# Dagster and its integrations, so no PYTHONPATH is set (an inherited one is dropped, and so is the
# user site-packages, so that nothing but the venv is imported). Last, schema/dagster-instance.schema.json
# (the path editors use) is written as the newest version's schema (scripts/publish_editor_schema.py).
set -euo pipefail
cd "$(dirname "$0")/.."

check=()
selected=()
for arg in "$@"; do
  case $arg in
    --check) check=(--check) ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "regenerate_all: unknown option $arg" >&2; exit 2 ;;
    *) selected+=("$arg") ;;
  esac
done

versions=()
for lock in requirements/dagster-*.lock; do
  minor=${lock#requirements/dagster-}
  minor=${minor%.lock}
  if ((${#selected[@]} == 0)) || [[ " ${selected[*]} " == *" $minor "* ]]; then versions+=("$minor"); fi
done
((${#versions[@]})) || { echo "regenerate_all: no locked version matches: ${selected[*]}" >&2; exit 2; }
mapfile -t versions < <(printf '%s\n' "${versions[@]}" | sort -V)

failed=()
for minor in "${versions[@]}"; do
  python=.venvs/dagster-$minor/bin/python
  if [[ ! -x $python ]]; then
    echo "regenerate_all: $python is missing: run bash scripts/version_envs.sh $minor" >&2
    failed+=("$minor")
    continue
  fi
  start=$SECONDS
  out=schema/$minor
  echo "== Dagster $("$python" -c 'import importlib.metadata as m; print(m.version("dagster"))') -> $out/"
  if env -u PYTHONPATH PYTHONNOUSERSITE=1 "$python" scripts/generate_schema.py --out "$out" "${check[@]}" 2> >(grep -v '^generate_schema: skipped module' >&2) &&
     env -u PYTHONPATH PYTHONNOUSERSITE=1 "$python" scripts/generate_defaults.py --out "$out" "${check[@]}" &&
     env -u PYTHONPATH PYTHONNOUSERSITE=1 "$python" scripts/generate_docs_examples.py --out "$out" "${check[@]}" 2> >(grep -v 'Warning\|warnings.warn' >&2) &&
     env -u PYTHONPATH PYTHONNOUSERSITE=1 "$python" scripts/verify_version_data.py "$out"; then
    echo "   $minor: ok in $((SECONDS - start))s"
  else
    echo "   $minor: FAILED" >&2
    failed+=("$minor")
  fi
done
if ((${#failed[@]})); then echo "regenerate_all: failed: ${failed[*]}" >&2; exit 1; fi
python3 scripts/publish_editor_schema.py "${check[@]}"  # the editors' copy of the newest version's schema
