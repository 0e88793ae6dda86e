"""`instance-lint lsp`: a Language Server Protocol server on stdio (pygls).

It serves files named dagster.yaml / dagster.yml, and those matching the globs the client gives as
`initializationOptions.globs`. For the buffer's unsaved text it publishes every finding `check` gives
(the same rules, severities, `[tool.instance-lint]` settings, suppressions and Dagster version, found
for the file's path as `check` finds them), debounced after each change; it offers each suggestion as a
quick fix (`linter.fixes`), and "disable for this line" for every finding; it shows the schema's
description, type, default and first version on hover, and completes keys, class names and enum
values from the model.

Positions: findings count columns in characters, LSP in UTF-16 code units (the default position
encoding); `_Positions` converts between them on the buffer's own lines.
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
import time
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from linter import __version__
from linter.document import Document, parse_document
from linter.findings import Finding, Severity
from linter.files import CONFIG_NAMES

# Debounce: a change after a quiet moment is judged at once; changes that come faster than that are
# coalesced, and only the last one is judged, DEBOUNCE_SECONDS after it.
DEBOUNCE_SECONDS = 0.02
QUIET_SECONDS = 0.1
SOURCE = "instance-lint"
_SEVERITIES = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
               Severity.INFO: types.DiagnosticSeverity.Information}


class _Positions:
    """Character columns (findings) <-> UTF-16 columns (LSP) on the lines of one text."""

    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def to_lsp(self, line: int, column: int) -> types.Position:
        """A 1-based line and character column -> an LSP position."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return types.Position(line - 1, len(text[: column - 1].encode("utf-16-le")) // 2)

    def from_lsp(self, position: types.Position) -> tuple[int, int]:
        """An LSP position -> a 1-based line and character column."""
        text = self.lines[position.line] if position.line < len(self.lines) else ""
        units, column = 0, 0
        while column < len(text) and units < position.character:
            units += 2 if ord(text[column]) > 0xFFFF else 1
            column += 1
        return position.line + 1, column + 1


class _Buffer:
    """One open file: its text and what was last found in it."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.findings: list[Finding] = []
        self.document: Document | None = None
        self.model = None
        self.pending: asyncio.Task | None = None
        self.changed_at = 0.0  # time.monotonic() of the last change


class InstanceLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("instance-lint", __version__)
        self.globs: list[str] = []
        self.buffers: dict[str, _Buffer] = {}
        self._models = None

    def serves(self, uri: str) -> bool:
        path = _path(uri)
        name = os.path.basename(path)
        return name in CONFIG_NAMES or any(fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(name, glob)
                                           for glob in self.globs)

    def lint(self, buffer: _Buffer) -> None:
        """Judge the buffer as `check` judges the file at its path: its settings, its Dagster version."""
        from linter.api import lint_document
        from linter.cli.options import ModelChooser
        from linter.settings import SettingsError, SettingsFinder, cli_layer

        if self._models is None:
            self._models = ModelChooser()
        try:
            settings = SettingsFinder(cli_layer((), (), (), False, None), None)(buffer.path)
            requested, where = settings.dagster_version or (None, "")
            choice, model = self._models.choose(requested, where, Path(buffer.path))
        except Exception as error:  # noqa: BLE001 - a broken pyproject.toml: say so in the editor, judge with defaults
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"instance-lint: {error}"))
            settings, choice, model = None, None, None
        document = parse_document(buffer.text, buffer.path)
        buffer.document, buffer.model = document, model
        buffer.findings = lint_document(document, os.environ, settings, False, model, choice)

    def publish(self, uri: str) -> None:
        buffer = self.buffers[uri]
        positions = _Positions(buffer.text)
        diagnostics = [_diagnostic(finding, positions) for finding in buffer.findings]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))


def _path(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def rule_url(slug: str) -> str:
    """The rule's documentation, as shipped with instance-lint (`instance-lint explain RULE` prints it)."""
    return Path(str(files("linter").joinpath("rule_docs", f"{slug}.md"))).as_uri()


def _range(finding: Finding, positions: _Positions) -> types.Range:
    span = finding.span
    return types.Range(positions.to_lsp(span.line, span.column), positions.to_lsp(span.end_line, span.end_column))


def _diagnostic(finding: Finding, positions: _Positions) -> types.Diagnostic:
    return types.Diagnostic(
        range=_range(finding, positions),
        message=finding.message,
        severity=_SEVERITIES[finding.severity],
        code=finding.rule,
        code_description=types.CodeDescription(href=rule_url(finding.rule)),
        source=SOURCE,
    )


def build_server() -> InstanceLintServer:
    server = InstanceLintServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: InstanceLintServer, params: types.InitializedParams) -> None:
        return None

    @server.feature(types.INITIALIZE)
    def initialize(ls: InstanceLintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("globs"), list):
            ls.globs = [str(glob) for glob in options["globs"]]

    async def relint(ls: InstanceLintServer, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        buffer = ls.buffers.get(uri)
        if buffer is not None:
            ls.lint(buffer)
            ls.publish(uri)

    def schedule(ls: InstanceLintServer, uri: str, delay: float) -> None:
        buffer = ls.buffers[uri]
        now = time.monotonic()
        if buffer.pending is not None and not buffer.pending.done():
            buffer.pending.cancel()
        elif now - buffer.changed_at > QUIET_SECONDS:
            delay = 0
        buffer.changed_at = now
        buffer.pending = asyncio.get_event_loop().create_task(relint(ls, uri, delay))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: InstanceLintServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.serves(uri):
            ls.buffers[uri] = _Buffer(_path(uri), params.text_document.text)
            schedule(ls, uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: InstanceLintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri not in ls.buffers:
            return
        ls.buffers[uri].text = ls.workspace.get_text_document(uri).source
        schedule(ls, uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: InstanceLintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.buffers.pop(uri, None) is not None:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: InstanceLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        buffer = ls.buffers.get(params.text_document.uri)
        if buffer is None or buffer.document is None:
            return []
        return code_actions(buffer, params.text_document.uri, params.range, params.context.diagnostics)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: InstanceLintServer, params: types.HoverParams) -> types.Hover | None:
        buffer = ls.buffers.get(params.text_document.uri)
        if buffer is None or buffer.document is None:
            return None
        return hover_at(buffer, params.position)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[":", " "]))
    def completion(ls: InstanceLintServer, params: types.CompletionParams) -> types.CompletionList | None:
        buffer = ls.buffers.get(params.text_document.uri)
        if buffer is None or buffer.model is None:
            return None
        return completions_at(buffer, params.position)

    return server


# --- code actions ------------------------------------------------------------------------------


def code_actions(buffer: _Buffer, uri: str, wanted: types.Range, diagnostics: list[types.Diagnostic]
                 ) -> list[types.CodeAction]:
    from linter.fixes import applicability, edit_for

    positions = _Positions(buffer.text)
    lines = buffer.document.text.split("\n")
    actions = []
    for finding in buffer.findings:
        where = _range(finding, positions)
        if not _overlaps(where, wanted):
            continue
        diagnostic = _diagnostic(finding, positions)
        safe = applicability(finding, buffer.document)
        edit = edit_for(finding, buffer.document) if safe is not None else None
        if edit is not None:
            start = _offset_position(buffer.document.text, edit.start, positions)
            end = _offset_position(buffer.document.text, edit.end, positions)
            title = f"Fix: write `{finding.suggestion}`" + ("" if safe else " (unsafe: may change what Dagster reads)")
            actions.append(types.CodeAction(
                title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic], is_preferred=bool(safe),
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(types.Range(start, end), edit.text)]})))
        actions.append(types.CodeAction(
            title=f"Disable {finding.rule} for this line", kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(changes={uri: [_disable_edit(lines, finding, positions)]})))
    return actions


def _overlaps(one: types.Range, other: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(one.start) <= key(other.end) and key(other.start) <= key(one.end)


def _offset_position(text: str, offset: int, positions: _Positions) -> types.Position:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return positions.to_lsp(line, column)


def _disable_edit(lines: list[str], finding: Finding, positions: _Positions) -> types.TextEdit:
    """`  # instance-lint: disable=RULE` at the end of the finding's line, or the rule added to the one there."""
    from linter.suppressions import SUPPRESSION

    line = lines[finding.line - 1] if finding.line <= len(lines) else ""
    existing = next((m for m in SUPPRESSION.finditer(line) if m["kind"] == "disable"), None)
    if existing is not None:
        at = positions.to_lsp(finding.line, existing.end("rules") + 1)
        return types.TextEdit(types.Range(at, at), f",{finding.rule}")
    end = positions.to_lsp(finding.line, len(line.rstrip()) + 1)
    stop = positions.to_lsp(finding.line, len(line) + 1)
    return types.TextEdit(types.Range(end, stop), f"  # instance-lint: disable={finding.rule}")


# --- hover and completion ----------------------------------------------------------------------


def _key_at(buffer: _Buffer, position: types.Position) -> tuple | None:
    """The key path of the plain key under the cursor, if any."""
    line, column = _Positions(buffer.text).from_lsp(position)
    for scalar in buffer.document.plain_scalars():
        span = scalar.span
        if scalar.is_key and span.line == line and span.column <= column <= span.end_column:
            return scalar.key_path
    return None


def hover_at(buffer: _Buffer, position: types.Position) -> types.Hover | None:
    from linter.rulebook import RULES

    line, column = _Positions(buffer.text).from_lsp(position)
    parts = []
    for finding in buffer.findings:
        span = finding.span
        if (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column) and finding.rule in RULES:
            parts.append(f"**{finding.rule}** ({finding.severity.value}): {RULES[finding.rule].summary}")
    key_path = _key_at(buffer, position)
    if key_path is not None and buffer.model is not None:
        parts.extend(describe_key(buffer, key_path))
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n".join(parts))) if parts else None


def describe_key(buffer: _Buffer, key_path: tuple) -> list[str]:
    """What the schema says of a key: description, type, default, and the first supported version with it."""
    import json

    from linter.findings import format_key_path
    from linter.schema_paths import schema_at

    schema = schema_at(buffer.model, buffer.document.data, key_path)
    if schema is None:
        return []
    lines = [f"`{format_key_path(key_path)}`"]
    if schema.get("description"):
        lines.append(str(schema["description"]))
    kind = schema.get("title") or schema.get("type")
    if kind:
        lines.append(f"Type: `{kind}`")
    if "default" in schema:
        lines.append(f"Default: `{json.dumps(schema['default'])}`")
    since = first_version_with(buffer.document.data, key_path)
    if since is not None:
        lines.append(f"Since: Dagster {since}" if since != "oldest" else "In every supported Dagster version")
    return lines


def first_version_with(data: Any, key_path: tuple) -> str | None:
    """The oldest supported version whose schema has the key ("oldest": all of them have it)."""
    from linter.model.store import load_model, supported_versions
    from linter.schema_paths import schema_at

    versions = supported_versions()
    having = [version for version in versions if schema_at(load_model(version), data, key_path) is not None]
    if not having:
        return None
    return "oldest" if having[0] == versions[0] else having[0]


def completions_at(buffer: _Buffer, position: types.Position) -> types.CompletionList | None:
    """Keys of the mapping the cursor's line is in, the slot's classes after `class:`, an enum's values."""
    from linter.schema_paths import properties_at, schema_at

    text = buffer.text.replace("\r\n", "\n")
    lines = text.split("\n")
    line = lines[position.line] if position.line < len(lines) else ""
    line_number, column = _Positions(text).from_lsp(position)
    before = line[: column - 1]
    indent = len(line) - len(line.lstrip(" "))
    parent = _parent_path(buffer, line_number, indent)
    data = buffer.document.data if buffer.document is not None else None
    model = buffer.model
    items: list[types.CompletionItem] = []
    if ":" in before:  # a value
        key = before.split(":", 1)[0].strip()
        if key == "class" and parent is not None:
            slot = next((s for s, path in model.catalog.slot_paths.items() if path == parent), None)
            names = sorted({entry.class_name for entry in model.catalog.in_slot(slot)}) if slot else []
            items = [types.CompletionItem(name, kind=types.CompletionItemKind.Class) for name in names]
        elif parent is not None:
            schema = schema_at(model, data, (*parent, key)) or {}
            values = schema.get("enum") or [v for b in schema.get("anyOf", []) if isinstance(b, dict)
                                             for v in b.get("enum", [])]
            items = [types.CompletionItem(str(v), kind=types.CompletionItemKind.EnumMember) for v in values]
    elif parent is not None:
        existing = _value(data, parent)
        agent_keys = set(model.catalog.agent.keys) if model.catalog.agent and not parent else set()
        for key, schema in properties_at(model, data, parent).items():
            if isinstance(existing, dict) and key in existing:
                continue
            if key in agent_keys and not model.catalog.names_agent(data):
                continue
            items.append(types.CompletionItem(key, kind=types.CompletionItemKind.Property,
                                              detail=schema.get("title"), documentation=schema.get("description"),
                                              insert_text=f"{key}: "))
    return types.CompletionList(is_incomplete=False, items=items)


def _parent_path(buffer: _Buffer, line_number: int, indent: int) -> tuple | None:
    """The key path of the mapping a line at `indent` belongs to: the nearest key above it, indented less."""
    if indent == 0:
        return ()
    best = None
    for scalar in buffer.document.plain_scalars() if buffer.document is not None else []:
        if scalar.is_key and scalar.span.line < line_number and scalar.span.column - 1 < indent:
            if best is None or scalar.span.line > best.span.line:
                best = scalar
    return tuple(best.key_path) if best is not None else None


def _value(data: Any, path: tuple) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def serve() -> None:
    build_server().start_io()
