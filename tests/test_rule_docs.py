"""Every rule's documentation (`linter/rule_docs/<slug>.md`): its sections, and that its examples are true.

The Example must give at least one finding of the rule and the Fix none of it, linted with an empty
environment (so the Fix may still lack environment variables; that is another rule's business).
"""

from __future__ import annotations

import re

import pytest

from linter.api import lint_text
from linter.model.choice import requested_version
from linter.model.store import load_model, supported_versions
from linter.rulebook import RULES, rule_doc

SECTIONS = ["What it does", "Why it matters", "Example", "Fix"]
DOCUMENTED = [slug for slug in RULES if rule_doc(slug) is not None]


def _sections(doc: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", doc, flags=re.M)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2])}


def _yaml_block(body: str) -> str:
    blocks = re.findall(r"^```yaml\n(.*?)^```$", body, flags=re.M | re.S)
    assert len(blocks) == 1, "expected exactly one ```yaml block"
    return blocks[0]


def test_every_rule_has_a_doc():
    """Fails until every rule in the rulebook ships `linter/rule_docs/<slug>.md`."""
    missing = [slug for slug in RULES if rule_doc(slug) is None]
    assert not missing, f"rules without linter/rule_docs/<slug>.md: {missing}"


@pytest.mark.parametrize("slug", DOCUMENTED)
def test_doc_has_exactly_the_sections(slug):
    doc = rule_doc(slug)
    assert doc.startswith(f"# {slug}\n\n## What it does\n")
    assert list(_sections(doc)) == SECTIONS
    assert _sections(doc)["What it does"].strip().startswith("Checks for")
    assert _sections(doc)["Why it matters"].strip()


def _lint_section(body: str) -> list:
    """The section's YAML, judged as the `--dagster-version X` the section names, if any."""
    asked = re.search(r"`--dagster-version ([^`]+)`", body)
    if asked is None:
        return lint_text(_yaml_block(body), "dagster.yaml", env={})
    choice = requested_version(asked[1], "--dagster-version", supported_versions())
    return lint_text(_yaml_block(body), "dagster.yaml", env={}, model=load_model(choice.version),
                     version=choice)


# Rules about the file rather than its text: their Example is a command (tests/test_cli.py runs it).
ABOUT_THE_FILE = {"read-error"}


@pytest.mark.parametrize("slug", [slug for slug in DOCUMENTED if slug not in ABOUT_THE_FILE])
def test_example_triggers_the_rule_and_fix_does_not(slug):
    sections = _sections(rule_doc(slug))
    example = _lint_section(sections["Example"])
    fixed = _lint_section(sections["Fix"])
    assert any(f.rule == slug for f in example), [f.rule for f in example]
    assert not [f for f in fixed if f.rule == slug], [f.message for f in fixed if f.rule == slug]


def test_no_doc_for_an_unknown_slug():
    from importlib.resources import files

    shipped = {p.name[:-3] for p in files("linter").joinpath("rule_docs").iterdir() if p.name.endswith(".md")}
    assert shipped <= set(RULES), shipped - set(RULES)
