"""Judge many `dagster.yaml` files with the Dagster of the running interpreter, in one process.

    <python of a version venv> tests/oracle_batch.py < requests.json > verdicts.json

Standard input: a JSON list of {"path": str, "env": {NAME: value}, "skip_imports": [module, ...]}.
Standard output: a JSON list, in the same order, of {"accepted", "stage", "message"}, plus
"oracle_error" (the oracle's own failure, never a rejection) when `judge` raised OracleError or any
other exception. It imports only the standard library, PyYAML, Dagster and tests/dagster_oracle.py,
so it runs in a venv that has Dagster and nothing of the linter or the test suite.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dagster_oracle import judge  # noqa: E402


def _verdict(request: dict) -> dict:
    try:
        verdict = judge(Path(request["path"]), request.get("env", {}), skip_imports=request.get("skip_imports", ()))
    except Exception:  # noqa: BLE001 - any failure of the oracle is reported, never taken for a verdict
        return {"accepted": None, "stage": None, "message": None, "oracle_error": traceback.format_exc()}
    return {"accepted": verdict.accepted, "stage": verdict.stage, "message": verdict.message}


def main() -> None:
    requests = json.load(sys.stdin)
    json.dump([_verdict(request) for request in requests], sys.stdout)


if __name__ == "__main__":
    main()
