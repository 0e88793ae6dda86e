"""`instance-lint lsp`: the language server, on stdio."""

from __future__ import annotations

import click


@click.command("lsp")
def lsp_command() -> None:
    """Run the instance-lint language server on stdin/stdout (for editors: see the README's Editors section).

    It needs pygls: pip install 'instance-lint[lsp]'.
    """
    try:
        from linter.language_server import serve
    except ModuleNotFoundError as error:
        if error.name not in ("pygls", "lsprotocol") and not (error.name or "").startswith(("pygls.", "lsprotocol.")):
            raise
        raise click.UsageError("the language server needs pygls, which is not installed here:"
                               " pip install 'instance-lint[lsp]'") from None
    serve()
