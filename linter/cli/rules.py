"""`instance-lint rules` and `instance-lint explain RULE`: the rules and their documentation."""

from __future__ import annotations

import json
import sys

import click

from linter.cli.check import EXIT_USAGE_OR_IO
from linter.rulebook import RULES, rule_doc
from linter.settings import did_you_mean


@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
def rules_command(output_format: str) -> None:
    """List every rule: slug, default severity and what it finds."""
    if output_format == "json":
        payload = [{"rule": r.slug, "severity": r.severity.value, "summary": r.summary} for r in RULES.values()]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    width = max(len(slug) for slug in RULES)
    for info in RULES.values():
        click.echo(f"{info.slug:<{width}}  {info.severity.value:<7}  {info.summary}")


@click.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print the documentation of RULE (see `instance-lint rules`)."""
    if rule not in RULES:
        click.echo(f"Error: unknown rule `{rule}`{did_you_mean(rule)}", err=True)
        sys.exit(EXIT_USAGE_OR_IO)
    doc = rule_doc(rule)
    if doc is None:
        info = RULES[rule]
        doc = f"# {rule}\n\n{info.summary} (default severity: {info.severity.value}).\n"
    click.echo(doc, nl=not doc.endswith("\n"))
