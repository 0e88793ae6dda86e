#!/usr/bin/env bash
# Runs the test suite against the newest release of every test dependency that pyproject.toml allows,
# ignoring requirements/test.lock, so a maintainer learns of a breaking release (PyYAML, jsonschema,
# ruamel.yaml, pytest, Dagster's transitive tree...) before users do. Not part of .ci/run.
#
#   bash scripts/check_latest.sh [pytest args...]
#
# Green: refresh the lock (bash scripts/lock_test_env.sh) and commit it. Red: the failing test names the
# release that changed (e.g. test_installed_pyyaml_is_the_release_the_reader_follows for a new PyYAML).
# Dagster and its integrations stay at the versions the test extra pins: the generated data is theirs.
# The editor test keeps the yaml-language-server of .ci/node/package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/test_venv.sh
new_test_venv --upgrade -e '.[test]'
echo "Newest releases installed; differences from requirements/test.lock:"
"$work/venv/bin/pip" freeze --disable-pip-version-check --exclude instance-lint | LC_ALL=C sort -f \
  | diff <(grep -v '^#' requirements/test.lock) - || true
"$work/venv/bin/python" -m pytest -p no:cacheprovider "$@"
