"""`placeholder-value` (warning): placeholder text from a docs sample or template left as a value.

YAML reads `bucket: <your-bucket>`, `client_id: ...`, `region: YOUR_REGION` or `password: changeme` as
strings, and Dagster accepts any string there: the mistake shows only when the component first
contacts its service (a bucket that does not exist, a login that fails). Reported, in every string
Dagster reads (the pass-through sections other programs read are skipped, as for shell references),
and in the value of a launcher's `NAME=VALUE` env_vars entry:

- `...` or `…` alone (Dagster's own Azure compute log sample writes `client_id: ...`);
- a whole value in angle brackets: `<your-bucket>`, `<ACCOUNT_ID>`;
- a value starting with `your` and a separator: `your-bucket`, `YOUR_BUCKET_NAME`;
- `REPLACE_ME`, `CHANGE_ME`/`changeme`, `CHANGETHIS`, `TODO`, `FIXME`, `TBD`, `xxx…`, `placeholder`;
- a value Dagster's own samples invent, by its exact text: `mycorp-dagster-compute-logs`,
  `my_project/dagster_image:latest`, `/path/to/dir`. The values, and where each comes from (a class's
  docstring, a docs sample), are the model's `example_values`, read from Dagster by
  scripts/generate_docs_examples.py; the message names the sample.

Not reported: keys; `module`/`class` (unknown-class judges them); a placeholder inside a longer value
(`s3://acme-<env>-logs` may be templated by the deployment); `{ NAME }` (a mapping: the schema's
placeholder-value) and `${NAME}` (shell_references.py); an agent token the agent refuses at start (the
`invalid-value` error of agent.py says it). A secret-named field holding a placeholder is this
finding, not `plaintext-secret`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.findings import Severity, Target, Violation, format_key_path
from linter.model import DagsterModel
from linter.rules import RuleContext, check
from linter.rules.env_vars import env_references
from linter.rules.shell_references import has_shell_reference, strings_dagster_reads

_PLACEHOLDER = re.compile(
    r"(?:\.\.\.|…|<[^<>\s][^<>]*>|your[-_][a-z0-9][a-z0-9_-]*"
    r"|replace[-_ ]?me|change[-_ ]?me|change[-_ ]?this|todo|fixme|tbd|x{3,}|placeholder)",
    re.IGNORECASE,
)
_NOT_VALUES = frozenset({"module", "class"})


def is_placeholder_text(value: str) -> bool:
    """Whether the whole string is placeholder text (see the module docstring)."""
    return _PLACEHOLDER.fullmatch(value.strip()) is not None


def stands_in_for_a_value(value: str, model: DagsterModel) -> bool:
    """What a user left to fill in, never a secret: a shell-style reference, placeholder text, or one of the
    values Dagster's samples invent (plaintext-secret and render's masking pass over it)."""
    return has_shell_reference(value) or _what_it_is(value, model) is not None


def _sample_name(source: str) -> str:
    """A source of `example_values` as the message names it."""
    if "/" in source:  # a docs sample's repository path
        return f"the docs sample `{source.removeprefix('examples/docs_snippets/docs_snippets/')}`"
    return f"the sample in `{source.rpartition('.')[2]}`'s API docs"


@check("placeholder-value")
def placeholder_strings(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for placeholder text left as a value (`<your-bucket>`, `...`, `YOUR_REGION`, `changeme`).

    Why it matters: Dagster accepts any string, so the instance starts; the component fails when it first
    contacts its service.
    """
    from linter.rules.agent import agent_token_form

    if not isinstance(context.data, dict):
        return
    refused = {v.key_path for v in agent_token_form(context)}  # the agent refuses it at start: that error says it
    for path, value in strings_dagster_reads(context.data, (), set()):
        if (path and path[-1] in _NOT_VALUES) or path in refused:
            continue
        text = value
        if len(path) >= 2 and path[-2] == "env_vars" and "=" in value:
            text = value.split("=", 1)[1]
        what = _what_it_is(text, context.model)
        if what is None:
            continue
        yield Violation(
            "placeholder-value",
            path,
            f"`{format_key_path(path)}` is `{value}`, {what}: Dagster accepts it as the literal value, and the"
            " component fails, or writes where nobody meant, when it first uses it; write the real value, or"
            " read it with `{env: NAME}` where the field takes one",
            Target.VALUE,
            severity=Severity.WARNING,
        )
    for reference in env_references(context.data, context.model):
        text = context.environ.get(reference.name)
        what = None if reference.source_type != "StringSource" or text is None else _what_it_is(text, context.model)
        if what is None or reference.path in refused:
            continue
        yield Violation(
            "placeholder-value",
            (*reference.path, "env"),
            f"`{format_key_path(reference.path)}` reads `{reference.name}`, which is `{text}`, {what}: Dagster"
            " accepts it as the literal value, and the component fails, or writes where nobody meant, when it"
            f" first uses it; set `{reference.name}` to the real value",
            Target.VALUE,
            severity=Severity.WARNING,
        )


def _what_it_is(text: str, model: DagsterModel) -> str | None:
    """How the message names a value left to fill in, or None for a real value."""
    if is_placeholder_text(text):
        return "placeholder text from a docs sample or template"
    sources = model.example_values.get(text.strip())
    if not sources:
        return None
    more = f" and {len(sources) - 1} more" if len(sources) > 1 else ""
    return f"an example value made up by Dagster's docs ({_sample_name(sources[0])}{more})"
