# Sourced by scripts/lock_test_env.sh and scripts/check_latest.sh: a new, empty virtual environment in
# "$work/venv" (removed on exit) with the `test` extra installed from the registry, no package cache,
# so it holds what a fresh machine resolves today. Arguments go to `pip install` before the project.
new_test_venv() {
  python=${PYTHON:-python3}
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$python" -m venv "$work/venv"
  PIP_NO_CACHE_DIR=1 "$work/venv/bin/pip" install -q --disable-pip-version-check "$@" \
    2> >(grep -v '^WARNING: Location' >&2)
}
