"""`plaintext-secret`: a password, token or key written in the file instead of read with `env:`.

Which fields hold a secret is decided per field name, from the bundled schema's definitions
(Dagster 1.13.27, integrations 0.29.27) and from the names people use in free-form mappings
(`storage_options`, `run_task_kwargs`, `container_kwargs`…):

- secrets: Postgres/MySQL `password`, Docker `registry.password`, Azure `client_secret` and
  `access_key_or_sas_token`, and any key named like `*password*`, `*secret*` (`secret_key`,
  `aws_secret_access_key`), `*token*` (`aws_session_token`), `*api_key*`, `*private_key*`,
  `*account_key*`, `*access_key*`, `sas`, `credentials`.
- not secrets, though the names look so: `postgres_password_secret` (the name of a Kubernetes
  Secret), `env_secrets` / `image_pull_secrets` (lists of Secret names), ECS `secrets` (ARNs) and
  `secrets_tag`, `repository_credentials` (the ARN of a secret), `json_credentials_envvar` (a
  variable's name), `secret_credential` / `default_azure_credential` (mappings), the top-level
  `secrets` section, and any name ending in `_envvar`, `_env`, `_file`, `_path`, `_arn`, `_name`,
  `_tag`, `_id` (`aws_access_key_id`: an identifier, not the secret half).
- `postgres_url` / `mysql_url` (and any `*_url`/`*_uri`) holding a URL with a password part
  (`postgresql://user:pass@host/db`); a URL without one is fine.
- `env_vars` list items `NAME=value` whose NAME is a secret's name (`AWS_SECRET_ACCESS_KEY=…`):
  the launcher would pass the literal to every run.

A value is reported when it is a literal: a non-empty string (or a number) rather than `{env: NAME}`.
An empty string is not a secret (Postgres's `password` defaults to "": no password) and is not
reported. A docs placeholder such as `...` is reported: it stands where the real secret will be
pasted, and the fix is the same. Keys Dagster does not accept (the schema's `unknown-key`) are
still reported: the secret is in the file either way. The message names the field and never
repeats the value; the suggestion is the `{env: NAME}` to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from linter.findings import KeyPath, Target, Violation, format_key_path
from linter.rules import RuleContext, check
from linter.rules.placeholder_strings import stands_in_for_a_value

_SECRET_WORDS = re.compile(
    r"(^|_)(password|passwd|pwd|secret|secret_key|secret_access_key|session_token|token|api_key|apikey"
    r"|private_key|account_key|access_key|sas|sas_token|credentials?)(_|$)"
)
NOT_SECRET_NAMES = frozenset(
    {
        "postgres_password_secret",  # K8s / CeleryK8s launcher: the name of a Kubernetes Secret
        "env_secrets",  # names of Kubernetes Secrets
        "image_pull_secrets",  # names of Kubernetes Secrets
        "secrets",  # ECS: Secrets Manager ARNs; the instance's `secrets` section
        "secrets_tag",  # ECS: a tag
        "repository_credentials",  # ECS: the ARN of a secret
        "secret_credential",  # Azure: a mapping of client_id/client_secret/tenant_id
        "default_azure_credential",  # Azure: a mapping of options
        "json_credentials_envvar",  # GCS: the name of a variable
    }
)
_REFERENCE_SUFFIXES = ("_envvar", "_env_var", "_env", "_file", "_path", "_arn", "_name", "_tag", "_id", "_ids")
_URL_SUFFIXES = ("url", "uri")
_PLACEHOLDERS = frozenset({"...", "…", "xxx", "<password>", "changeme"})

# Variable names for the suggestion, by the section the field is in and the field's name.
_SECTION_PREFIX = {"postgres": "DAGSTER_PG", "mysql": "DAGSTER_MYSQL", "dagster_cloud_api": "DAGSTER_CLOUD"}


def is_secret_name(name: str) -> bool:
    """Whether a key of this name holds a secret value (not a reference to one)."""
    lowered = name.lower().replace("-", "_")
    if lowered in NOT_SECRET_NAMES or lowered.endswith(_REFERENCE_SUFFIXES):
        return False
    return bool(_SECRET_WORDS.search(lowered))


def is_literal(value: Any) -> bool:
    """A value written in the file: a non-empty string or a number (not `{env: NAME}`, not empty)."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def url_has_password(value: Any) -> bool:
    if not isinstance(value, str) or "://" not in value:
        return False
    try:
        return bool(urlsplit(value.strip()).password)
    except ValueError:
        return False


def variable_name(path: KeyPath) -> str:
    """A sensible variable name for the `{env: NAME}` suggestion (the docs' `DAGSTER_PG_PASSWORD` style)."""
    key = str(path[-1]).upper().replace("-", "_")
    for part in reversed(path[:-1]):
        for word, prefix in _SECTION_PREFIX.items():
            if isinstance(part, str) and word in part:
                return f"{prefix}_URL" if key.endswith("_URL") else f"{prefix}_{key}"
    if key in ("POSTGRES_URL", "MYSQL_URL"):
        return _SECTION_PREFIX[key[:-4].lower()] + "_URL"
    if key.startswith(("AWS_", "AZURE_", "GOOGLE_", "GCP_", "DAGSTER_")):
        return key
    if "registry" in path:
        return f"DOCKER_REGISTRY_{key}"
    if "secret_credential" in path or key in ("ACCESS_KEY_OR_SAS_TOKEN", "ACCOUNT_KEY", "SAS_TOKEN"):
        return f"AZURE_{key}"
    return f"DAGSTER_{key}"


def _secret_violation(path: KeyPath, value: Any, what: str) -> Violation:
    name = variable_name(path)
    if isinstance(value, str) and value.strip().lower() in _PLACEHOLDERS:
        what = "a placeholder where a secret belongs"
    return Violation(
        "plaintext-secret",
        path,
        f"`{format_key_path(path)}` holds {what}, written in the file: read it from the environment"
        f" with `{{env: {name}}}`",
        Target.VALUE,
        f"{{env: {name}}}",
    )


def _env_var_item(path: KeyPath, item: Any, left_to_fill: Callable[[str], bool]) -> Violation | None:
    if not isinstance(item, str) or "=" not in item:
        return None
    name, _, value = item.partition("=")
    if not value.strip() or not is_secret_name(name.strip()) or left_to_fill(value):
        return None
    return Violation(
        "plaintext-secret",
        path,
        f"`{format_key_path(path)}` sets `{name.strip()}` to a literal written in the file: list only"
        f" `{name.strip()}` (without `=`) so the launcher passes the variable from its own environment",
        Target.VALUE,
        name.strip(),
    )


def plaintext_secrets(data: Any, left_to_fill: Callable[[str], bool]) -> Iterator[Violation]:
    """Every literal secret in the document, in document order. A value `left_to_fill` (a `${NAME}`,
    placeholder text, a docs sample's invented value) is no secret: placeholder-value reports it, if Dagster
    reads it."""
    yield from _walk(data, (), set(), left_to_fill)


def _walk(node: Any, path: KeyPath, active: set[int], left_to_fill: Callable[[str], bool]) -> Iterator[Violation]:
    if id(node) in active:  # YAML aliases may repeat a node; a cycle ends here
        return
    if isinstance(node, dict):
        active.add(id(node))
        for key, value in node.items():
            child = (*path, key)
            if isinstance(key, str):
                lowered = key.lower()
                if isinstance(value, str) and left_to_fill(value):
                    continue  # `${PASSWORD}`, `changeme`: no secret
                if lowered.endswith(_URL_SUFFIXES) and url_has_password(value):
                    yield _secret_violation(child, value, "a URL with a password")
                    continue
                if is_secret_name(key) and is_literal(value):
                    yield _secret_violation(child, value, "a literal secret")
                    continue
                if lowered == "env_vars" and isinstance(value, list):
                    for index, item in enumerate(value):
                        violation = _env_var_item((*child, index), item, left_to_fill)
                        if violation is not None:
                            yield violation
                    continue
            yield from _walk(value, child, active, left_to_fill)
        active.discard(id(node))
    elif isinstance(node, list):
        active.add(id(node))
        for index, item in enumerate(node):
            yield from _walk(item, (*path, index), active, left_to_fill)
        active.discard(id(node))


@check("plaintext-secret")
def plaintext_secret(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for passwords, tokens and keys written in the file instead of read with `env:`.

    Why it matters: `dagster.yaml` is committed, baked into images and shown in ConfigMaps; a secret in it leaks.
    """
    yield from plaintext_secrets(context.data, lambda value: stands_in_for_a_value(value, context.model))
