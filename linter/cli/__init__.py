"""The `instance-lint` command line: one module per command, registered on the group here."""

from __future__ import annotations

import click

from linter import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="instance-lint")
def cli() -> None:
    """Validate and lint Dagster's instance config file, dagster.yaml."""


from linter.cli.check import check  # noqa: E402
from linter.cli.lsp import lsp_command  # noqa: E402
from linter.cli.render import render  # noqa: E402
from linter.cli.rules import explain, rules_command  # noqa: E402
from linter.cli.schema import schema_command  # noqa: E402

for command in (check, rules_command, explain, schema_command, render, lsp_command):
    cli.add_command(command)


def main() -> None:
    # A lint run builds many small, long-lived objects (the positioned document) and frees them all at
    # exit. With the default thresholds the cyclic GC runs every 700 allocations and its full passes
    # grow with the heap: ~8% of a 20,000-line check, and more than linear. Modules loaded so far
    # are frozen out of the collector's reach; collections are rarer, not disabled.
    import gc

    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
    cli(prog_name="instance-lint")
