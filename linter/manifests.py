"""Kubernetes manifests: the dagster.yaml that a ConfigMap carries in `data`, linted where it is written.

A manifest is a YAML stream (`helm template`, `kubectl get configmap -o yaml`) whose top-level mappings
have `apiVersion` and `kind`, keys a dagster.yaml never has. Each ConfigMap with a `data.dagster.yaml`
(or `dagster.yml`) key, also inside a `kind: List`, is an embedded file: its decoded text is linted as
any dagster.yaml, and every finding is moved back to the manifest's line and column, its key path
prefixed with `ConfigMap/<name>:data.dagster.yaml`. Other documents are ignored.

Positions are exact for literal block scalars (`|`, `|-`, `|+`, with or without an indentation
indicator: each line of the text is its source line without the indentation) and for plain, single- and
double-quoted scalars (escapes, `''`, folded line breaks, escaped line breaks: each decoded character keeps
the source characters it came from). A folded block scalar (`>`), or any scalar whose decoding here does
not give the parser's text, maps every position to the scalar's first character.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from linter.files import CONFIG_NAMES, ReadProblem, SourceFile
from linter.findings import EmbeddingPrefix, Finding, Span
from linter.rulebook import severity_of
from linter.yaml_loader import Lines

if TYPE_CHECKING:
    from linter.model import DagsterModel
    from linter.model.choice import VersionChoice
    from linter.settings import Settings

NO_INSTANCE_CONFIG = f"no ConfigMap with a {' or '.join(CONFIG_NAMES)} key in this manifest"


class _Places(NamedTuple):
    """Where each character of a decoded scalar is written: its first source offset and the one after it."""

    starts: list[int]
    ends: list[int]
    after: int  # the source offset just past the last character

    def start_of(self, index: int) -> int:
        return self.starts[index] if index < len(self.starts) else self.after

    def end_of(self, index: int) -> int:
        """The source end of the text that ends before character `index` (exclusive, as spans are)."""
        return self.ends[index - 1] if 0 < index <= len(self.ends) else self.start_of(index)


@dataclass(frozen=True)
class EmbeddedConfig:
    """One ConfigMap's dagster.yaml: its text as Kubernetes hands it to Dagster, and where it is written."""

    prefix: EmbeddingPrefix  # `ConfigMap/dagster-instance:data.dagster.yaml`
    text: str  # decoded, newlines normalised to "\n" as `linter.document` reads text
    _places: _Places
    _manifest_lines: Lines

    @property
    def configmap(self) -> str:
        return self.prefix.split(":", 1)[0]

    def to_manifest(self, finding: Finding, path: str) -> Finding:
        """The finding as the manifest shows it: its span, its key path and the lines its message names."""
        message = _LINE_NUMBERS.sub(lambda match: match[1] + _NUMBER.sub(
            lambda number: str(self._manifest_line(int(number[0]))), match[2]), finding.message)
        return finding._replace(path=path, span=self._manifest_span(finding.span), message=message,
                                key_path=(self.prefix, *finding.key_path))

    def _manifest_span(self, span: Span) -> Span:
        start = self._offset(span.line, span.column)
        end = self._offset(span.end_line, span.end_column)
        source_start = self._places.start_of(start)
        source_end = self._places.end_of(end) if end > start else source_start
        return Span(*self._manifest_lines.position(source_start), *self._manifest_lines.position(source_end))

    def _manifest_line(self, line: int) -> int:
        return self._manifest_lines.position(self._places.start_of(self._offset(line, 1)))[0]

    def _offset(self, line: int, column: int) -> int:
        starts = _line_starts(self.text)  # cached: one text, many findings
        if line > len(starts):
            return len(self.text)
        return min(starts[max(line, 1) - 1] + max(column, 1) - 1, len(self.text))


@dataclass(frozen=True)
class Manifest:
    configs: list[EmbeddedConfig]
    unusable: list[tuple[EmbeddingPrefix, Span, str]]  # a `dagster.yaml` that is no string: where, what it is


# `line 12`, `lines 3, 7`, `lines 3-5`: how findings' messages name other lines of the file.
_LINE_NUMBERS = re.compile(r"\b(lines? )(\d+(?:(?:, |-)\d+)*)")
_NUMBER = re.compile(r"\d+")


def lint_text_or_manifest(text: str | bytes, filename: str, env: Mapping[str, str] | None = None,
                          settings: Settings | None = None, import_classes: bool = False,
                          model: DagsterModel | None = None, version: VersionChoice | None = None) -> list[Finding]:
    """`linter.api.lint_text`, but a manifest's embedded dagster.yaml files are linted in its place."""
    from linter.api import lint_document, lint_text
    from linter.document import parse_document

    manifest = read_manifest(text) if isinstance(text, str) else None
    if manifest is None:
        return lint_text(text, filename, env, settings, import_classes, model, version)
    findings = []
    for config in manifest.configs:
        document = parse_document(config.text, filename)
        findings.extend(config.to_manifest(finding, filename)
                        for finding in lint_document(document, env, settings, import_classes, model, version))
    for prefix, span, what in manifest.unusable:
        if settings is None or settings.is_enabled("invalid-type"):
            findings.append(Finding(filename, span, severity_of("invalid-type"), "invalid-type",
                                    f"a ConfigMap's data values are strings, and this `{prefix.split(':', 1)[1]}` is"
                                    f" {what}: write the file as a block scalar (`dagster.yaml: |`)", (prefix,)))
    return sorted(findings, key=Finding.sort_key)


def refuse_manifest_without_config(source: SourceFile | ReadProblem) -> SourceFile | ReadProblem:
    """A manifest that embeds no dagster.yaml is a file nothing can be checked in: not a clean one."""
    if isinstance(source, SourceFile):
        manifest = read_manifest(source.text)
        if manifest is not None and not manifest.configs and not manifest.unusable:
            return ReadProblem(source.display_path, NO_INSTANCE_CONFIG)
    return source


@lru_cache(maxsize=4)  # `check` asks once to refuse an empty manifest and once to lint it
def read_manifest(text: str) -> Manifest | None:
    """The embedded configs, if `text` is a Kubernetes manifest; None for anything else (a dagster.yaml,
    or a stream that does not parse: linting it as a dagster.yaml reports why)."""
    if "apiVersion" not in text or "kind" not in text:  # the common case, without parsing
        return None
    from ruamel.yaml import YAML  # ruamel's whole front end: only for what may be a manifest
    from ruamel.yaml.error import YAMLError

    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    try:
        documents = list(YAML(typ="safe", pure=True).compose_all(text))
    except YAMLError:
        return None
    objects = [document for document in documents if isinstance(document, MappingNode)]
    if not any({"apiVersion", "kind"} <= set(_entries(document)) for document in objects):
        return None
    lines = Lines(text)
    configs, unusable = [], []
    for kube_object in _kube_objects(objects):
        entries = _entries(kube_object)
        if _scalar(entries.get("kind")) != "ConfigMap" or not isinstance(entries.get("data"), MappingNode):
            continue
        name = _scalar(_entries(entries["metadata"]).get("name")) if "metadata" in entries else None
        for key, value in _entries(entries["data"]).items():
            if key not in CONFIG_NAMES:
                continue
            prefix = EmbeddingPrefix(f"ConfigMap/{name or '(unnamed)'}:data.{key}")
            if isinstance(value, ScalarNode):
                configs.append(_embedded(text, value, prefix, lines))
            else:
                what = "a mapping" if isinstance(value, MappingNode) else "a list"
                unusable.append((prefix, lines.point(value.start_mark.index), what))
    return Manifest(configs, unusable)


def _kube_objects(objects: list[MappingNode]) -> list[MappingNode]:
    """The documents, with a `kind: List`'s items in its place (`kubectl get configmaps -o yaml`)."""
    found = []
    for kube_object in objects:
        entries = _entries(kube_object)
        if _scalar(entries.get("kind")) == "List" and isinstance(entries.get("items"), SequenceNode):
            found.extend(item for item in entries["items"].value if isinstance(item, MappingNode))
        else:
            found.append(kube_object)
    return found


def _entries(node: Any) -> dict[str, Any]:
    if not isinstance(node, MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, ScalarNode)}


def _scalar(node: Any) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def _embedded(text: str, node: ScalarNode, prefix: EmbeddingPrefix, lines: Lines) -> EmbeddedConfig:
    value = node.value
    if node.style == "|":
        places = _literal_places(text, node)
    elif node.style in ('"', "'", None):
        places = _flow_places(text, node)
    else:  # folded (`>`): lines joined by spaces are not worth following; see the module docstring
        places = None
    if places is None:
        start = node.start_mark.index
        places = _Places([start] * len(value), [start + 1] * len(value), start + 1)
    decoded, places = _normalised(value, places)
    return EmbeddedConfig(prefix, decoded, places, lines)


def _literal_places(text: str, node: ScalarNode) -> _Places | None:
    """Each line of a literal block is its source line less the block's indentation: the line ends
    with it (blank lines and indentation indicators included), so it is found from the line's end."""
    content = text.find("\n", node.start_mark.index) + 1  # the line after the `|` header
    if content == 0:
        return None
    starts: list[int] = []
    ends: list[int] = []
    position = content
    decoded_lines = node.value.split("\n")
    for number, decoded in enumerate(decoded_lines):
        line_end = text.find("\n", position)
        line_end = len(text) if line_end == -1 else line_end
        if position > line_end or not text[position:line_end].endswith(decoded):
            if decoded:
                return None
            line_end = max(position, line_end)
        first = line_end - len(decoded)
        starts.extend(range(first, line_end))
        ends.extend(range(first + 1, line_end + 1))
        if number < len(decoded_lines) - 1:  # the line break after it
            starts.append(line_end)
            ends.append(line_end + 1)
        position = line_end + 1
    return _Places(starts, ends, ends[-1] if ends else content)


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
            "P": "\u2029"}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


def _flow_places(text: str, node: ScalarNode) -> _Places | None:
    """Decode a plain or quoted scalar as YAML does, keeping each character's source: escapes, `''`,
    line folding (a line break between text is a space, each blank line a newline, whitespace around
    the break dropped) and escaped line breaks. None when the result is not the parser's text."""
    start, end, style = node.start_mark.index, node.end_mark.index, node.style
    if style is not None:
        if text[start : start + 1] != style or text[end - 1 : end] != style:
            return None
        start, end = start + 1, end - 1
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    trimmable: list[bool] = []  # written whitespace, which a line break drops (an escaped one stays)

    def add(char: str, first: int, after: int, is_space: bool = False) -> None:
        chars.append(char)
        starts.append(first)
        ends.append(after)
        trimmable.append(is_space)

    index = start
    try:
        while index < end:
            char = text[index]
            if style == '"' and char == "\\":
                escaped = text[index + 1]
                if escaped == "\n":  # an escaped line break joins the lines with nothing between them
                    index += 2
                    while index < end and text[index] in " \t":
                        index += 1
                elif escaped in _HEX_DIGITS:
                    width = 2 + _HEX_DIGITS[escaped]
                    add(chr(int(text[index + 2 : index + width], 16)), index, index + width)
                    index += width
                else:
                    add(_ESCAPES[escaped], index, index + 2)
                    index += 2
            elif style == "'" and char == "'":  # `''` is one quote
                add("'", index, index + 2)
                index += 2
            elif char == "\n":
                while trimmable and trimmable[-1]:
                    for column in (chars, starts, ends, trimmable):
                        column.pop()
                fold = index
                blank_lines = []
                index += 1
                while True:
                    while index < end and text[index] in " \t":
                        index += 1
                    if index < end and text[index] == "\n":
                        blank_lines.append(index)
                        index += 1
                    else:
                        break
                for blank in blank_lines:
                    add("\n", blank, blank + 1)
                if not blank_lines:
                    add(" ", fold, fold + 1)
            else:
                add(char, index, index + 1, char in " \t")
                index += 1
    except (KeyError, ValueError, IndexError):
        return None
    if "".join(chars) != node.value:
        return None
    return _Places(starts, ends, ends[-1] if ends else start)


def _normalised(value: str, places: _Places) -> tuple[str, _Places]:
    """The text as `linter.document` reads it (no leading BOM; "\\r\\n" and "\\r" are "\\n"), positions kept."""
    chars, starts, ends = [], [], []
    for index, char in enumerate(value):
        if index == 0 and char == "\ufeff":
            continue
        if char == "\r" and value[index + 1 : index + 2] == "\n":
            continue
        chars.append("\n" if char == "\r" else char)
        starts.append(places.starts[index] if char != "\n" or index == 0 or value[index - 1] != "\r"
                      else places.starts[index - 1])
        ends.append(places.ends[index])
    return "".join(chars), _Places(starts, ends, places.after)


@lru_cache(maxsize=8)
def _line_starts(text: str) -> list[int]:
    return Lines(text).starts
