"""The public vocabulary of rule slugs, with each rule's default severity and one-line summary."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from linter.findings import Severity


class Fix(str, enum.Enum):
    """Whether `check --fix` applies a rule's suggestion (`linter.fixes`; each rule's docs say which)."""

    SAFE = "safe"  # applied by --fix: it says what the user evidently meant
    SAME_READING = "safe when Dagster reads it the same"  # else only with --unsafe-fixes
    UNSAFE = "unsafe"  # only with --unsafe-fixes: a guess that changes what Dagster reads


@dataclass(frozen=True)
class RuleInfo:
    slug: str
    severity: Severity
    summary: str
    fix: Fix | None = None


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, RuleInfo] = {
    info.slug: info
    for info in (
        RuleInfo("yaml-syntax", _E, "The file is not valid YAML"),
        RuleInfo("read-error", _E, "A file that could not be read (missing, not text, too large, a directory without"
                                   " a config): nothing in it was checked"),
        RuleInfo("duplicate-key", _E, "A mapping repeats a key; Dagster silently keeps the last one"),
        RuleInfo("unknown-key", _E, "A key Dagster does not accept at that place", Fix.SAFE),
        RuleInfo("missing-key", _E, "A key Dagster requires is absent"),
        RuleInfo("invalid-type", _E, "A value of the wrong type (string, number, mapping, list…)"),
        RuleInfo("invalid-value", _E, "A value of the right type that Dagster rejects", Fix.UNSAFE),
        RuleInfo("unknown-class", _E, "A module/class pair Dagster does not ship for that slot", Fix.SAFE),
        RuleInfo("conflicting-keys", _E, "Keys that Dagster refuses to see together"),
        RuleInfo("missing-env-var", _E, "An `env:` reference to a variable that is not set", Fix.UNSAFE),
        RuleInfo("placeholder-value", _E, "A placeholder left in place of a value: `{ VAR }`, `${VAR}`, `<your-bucket>`,"
                                          " `...`, a docs sample's made-up value", Fix.SAFE),
        RuleInfo("invalid-retention", _E, "A tick retention setting Dagster cannot use", Fix.SAFE),
        RuleInfo("ambiguous-scalar", _W, "A plain scalar that YAML 1.1 (Dagster) and YAML 1.2 read differently",
                 Fix.SAME_READING),
        RuleInfo("deprecated", _W, "A key or form Dagster deprecates, or that stops working in a supported version",
                 Fix.SAFE),
        RuleInfo("ineffective-setting", _W, "A setting Dagster accepts but never reads, given the rest of the file"),
        RuleInfo("plaintext-secret", _W, "A password, token or key written in the file instead of `env:`"),
        RuleInfo("component-mismatch", _W, "Components that cannot work together in one deployment"),
        RuleInfo("suspicious-value", _W, "A value Dagster accepts but reads otherwise than people expect", Fix.SAFE),
        RuleInfo("legacy-form", _I, "A form Dagster fully supports but has superseded (the legacy storage keys,"
                                    " `dagster.core.*` module paths)", Fix.SAFE),
        RuleInfo("unchecked-class", _I, "A class of a package instance-lint does not model: its config was not checked"),
        RuleInfo("unused-suppression", _I, "An `# instance-lint: disable…` comment that suppresses nothing"),
        RuleInfo("unsupported-version", _I, "The file runs with a Dagster version instance-lint does not know; "
                                            "it is judged as the nearest one it knows"),
    )
}


# Findings another supported Dagster version may not give: `linter.version_facts` says when.
VERSIONED_RULES = frozenset({"unknown-key", "unknown-class", "missing-key"})


def severity_of(slug: str) -> Severity:
    return RULES[slug].severity


def rule_doc(slug: str) -> str | None:
    """The rule's documentation (`linter/rule_docs/<slug>.md`, shipped in the wheel); None if it has none."""
    from importlib.resources import files

    doc = files("linter").joinpath("rule_docs", f"{slug}.md")
    return doc.read_text(encoding="utf-8") if doc.is_file() else None
