"""What the shipped compute log managers' constructors reject.

Everything below passes the config types and is still rejected at start-up (common.py says how a
class is identified). Read from Dagster 1.13.27 and the 0.29.27 integrations.

Compute log managers
- S3ComputeLogManager: builds its boto3 client in `__init__`; botocore refuses an `endpoint_url`
  without a scheme or with an invalid host name ("Invalid endpoint", see urls.py) -> invalid-value.
  An `endpoint_url: {env: …}` is judged when the environment has the variable. Not checked: botocore
  also reads `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL` (and ~/.aws/config) when `endpoint_url` is absent;
  `verify_cert_path` is ignored when `verify: false` (accepted).
- LocalComputeLogManager, NoOpComputeLogManager, AzureBlobComputeLogManager: nothing beyond the config
  type (Azure prefers `secret_credential` over `access_key_or_sas_token`; accepted).
- GCSComputeLogManager: `json_credentials_envvar` naming an unset variable, or one not holding JSON:
  env_vars.py. Not checked: the bucket must exist (network).
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Target, Violation
from linter.rules import RuleContext, check
from linter.rules.classes import source_value
from linter.rules.common import blocks_of
from linter.rules.urls import botocore_endpoint_problem

S3_COMPUTE_LOG_MANAGER = "dagster_aws.s3.compute_log_manager.S3ComputeLogManager"


@check("invalid-value")
def s3_endpoint_url(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that S3ComputeLogManager's `endpoint_url` is a URL botocore accepts (a scheme and a valid host).

    Why it matters: the manager builds its S3 client when Dagster starts, and botocore refuses it with "Invalid endpoint".
    """
    for block, config in blocks_of(context, S3_COMPUTE_LOG_MANAGER):
        written = config.get("endpoint_url")
        url = source_value(context.environ, written)
        if not isinstance(url, str):
            continue  # absent, an unset `env:` (env_vars.py), or a wrong type (the schema's)
        problem = "it is empty" if url == "" else botocore_endpoint_problem(url)
        if problem is None:
            continue
        suggestion = None
        if written is url and url and "//" not in url:
            scheme = "http" if config.get("use_ssl") is False else "https"
            candidate = f"{scheme}://{url.strip()}"
            suggestion = candidate if botocore_endpoint_problem(candidate) is None else None
        shown = f"`{url}`" if written is url else f"the value of `{written['env']}`"
        hint = f": did you mean `{suggestion}`?" if suggestion else ""
        yield Violation(
            "invalid-value",
            (*block.config_path, "endpoint_url"),
            f"`endpoint_url` {shown} is not an endpoint botocore accepts: {problem}{hint}",
            Target.VALUE,
            suggestion,
        )
