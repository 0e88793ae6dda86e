"""The file as Dagster reads it, and where every key and value is written: the `Document`.

Dagster reads the file with `open(path, encoding="utf8")` (universal newlines; a BOM is just a first
character) and `yaml.load(file, Loader=DagsterYamlLoader)`, then takes `loaded or {}` and requires a
dict (`dagster_shared.yaml_utils.merge_yamls`). `linter.yaml_loader.read_yaml` does the same; this
module keeps its values and its problems (as findings) and answers where a key path is written.

Positions live next to the values, as in Dagster's `SourcePositionTree`: every node keeps its offsets
and every mapping keeps which key node and value node each of its final keys came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from linter.findings import Finding, Span, Target
from linter.rulebook import severity_of
from linter.yaml11 import MAX_DEPTH
from linter import yaml11
from linter.yaml_loader import MAPPING, SCALAR, SEQUENCE, UNSET, Lines, Node, read_yaml, written_at

__all__ = ["MAX_DEPTH", "Document", "PlainScalar", "parse_document"]



@dataclass
class Document:
    filename: str
    text: str  # decoded, newlines normalised to "\n", without a leading BOM
    data: Any  # what Dagster's loader gives (`{}` for an empty file); None if Dagster cannot use it
    findings: list[Finding]  # yaml-syntax, duplicate-key, invalid-type (root), invalid-value (aliases)
    _root: Node | None = field(default=None, repr=False, compare=False)
    _lines: Lines | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._lines is None:
            self._lines = Lines(self.text)

    def key_span(self, key_path: tuple) -> Span | None:
        """The mapping key at `key_path` (its last element is the key); None if there is none."""
        places = self._places(key_path)
        if not key_path or len(places) <= len(key_path) or places[-1].key_at is None:
            return None
        return self._lines.span(*places[-1].key_at)

    def value_span(self, key_path: tuple) -> Span | None:
        """Where the value at `key_path` is written: the alias if written as `*name`, else the node."""
        places = self._places(key_path)
        if len(places) <= len(key_path):
            return None
        return self._lines.span(*places[-1].value_at)

    def locate(self, key_path: tuple, target: Target) -> Span:
        """Where to report about `key_path`. Never fails: a missing path falls back to its deepest
        existing ancestor, and a multi-line block or an omitted value to its key."""
        places = self._places(key_path)
        if not places:
            return self._lines.point(0)
        place = places[-1]
        found = len(places) == len(key_path) + 1
        if found and target is Target.VALUE and place.shows_value:
            return self._lines.span(*place.value_at)
        if place.key_at is not None:
            return self._lines.span(*place.key_at)
        if len(places) == 1:  # the root: the document start
            return self._lines.point(place.node.start)
        return self._lines.first_line_span(*place.value_at)  # a list item

    def plain_scalars(self) -> list[PlainScalar]:
        """Every untagged plain scalar Dagster reads, key or value, once each, in document order.

        A scalar shared through an alias or a merge key is reported at the path where it is written
        in place. Keys a later duplicate overrides are not included (Dagster never sees them)."""
        if self._root is None:
            return []
        best: dict[int, tuple[bool, tuple, Node, bool]] = {}  # id -> (in place, key path, node, is key)
        stack: list[tuple[Node, tuple, bool]] = [(self._root, (), True)]
        visited: set[tuple[int, bool]] = set()
        while stack:
            node, path, in_place = stack.pop()
            if (id(node), in_place) in visited:
                continue
            visited.add((id(node), in_place))
            children: list[tuple[Node, tuple, bool, bool]] = []  # (node, key path, in place, is key)
            if node.kind == MAPPING and node.lookup is not None:
                own = {id(entry) for entry in node.own or ()}
                for key, entry in node.lookup.items():
                    written = in_place and id(entry) in own
                    children.append((entry[0], (*path, key), written and entry[2] is None, True))
                    children.append((entry[1], (*path, key), written and entry[3] is None, False))
            elif node.kind == SEQUENCE:
                children = [(item, (*path, index), in_place and at is None, False)
                            for index, (item, at) in enumerate(node.value)]
            for child, child_path, child_in_place, is_key in children:
                if child.kind == SCALAR:
                    if child.style is None and child.tag in yaml11.SCALAR_TAGS and not child.is_empty_plain:
                        if id(child) not in best or (child_in_place and not best[id(child)][0]):
                            best[id(child)] = (child_in_place, child_path, child, is_key)
                elif not is_key:
                    stack.append((child, child_path, child_in_place))
        found = sorted(best.values(), key=lambda item: item[2].start)
        scalars = []
        for _, path, node, is_key in found:
            properties = _PROPERTIES.match(self.text, node.start)
            tagged = any(token.startswith("!") for token in properties.group().split())
            if node.data is UNSET or tagged:
                continue
            span = self._lines.span(properties.end(), node.end)
            scalars.append(PlainScalar(path, node.value, node.data, is_key, span))
        return scalars

    def through_alias(self, key_path: tuple) -> bool:
        """Whether the path reaches its node through a YAML alias (`*name`) or a merge key, not where it is written."""
        return any(place.via_alias for place in self._places(key_path)[1:])

    def offset(self, line: int, column: int) -> int | None:
        """The offset in `text` of a 1-based line and column (None outside the text)."""
        starts = self._lines.starts
        if not 1 <= line <= len(starts) or column < 1:
            return None
        return starts[line - 1] + column - 1

    def node_identity(self, key_path: tuple) -> int | None:
        """The same number for every path that reaches one written node (through aliases or merge keys); None
        where the path has no node."""
        places = self._places(key_path)
        return id(places[-1].node) if len(places) == len(key_path) + 1 else None

    def line_text(self, line: int) -> str:
        """The source line (no newline); "" outside the file."""
        return self._lines.line_text(line)

    def _places(self, key_path: tuple) -> list[_Place]:
        if self._root is None:
            return []
        place = _Place(self._root, (self._root.start, self._root.end), None, False)
        places = [place]
        for part in key_path:
            place = place.child(part)
            if place is None:
                break
            places.append(place)
        return places


@dataclass(frozen=True)
class PlainScalar:
    """A plain (unquoted, untagged) scalar: where Dagster finds it, its text, and what PyYAML made of it."""

    key_path: tuple  # the key's path for a mapping key (its last element is the key), else the value's path
    text: str
    value: Any
    is_key: bool
    span: Span


_PROPERTIES = re.compile(r"(?:(?:&|!)[^ \t\n]*[ \t\n]+)*")  # a node's anchor and tag, before its text


def parse_document(text: str | bytes, filename: str) -> Document:
    """Read the file as Dagster does. Never raises: whatever Dagster would fail on becomes a finding."""
    reading = read_yaml(text)
    findings = [Finding(filename, problem.span, severity_of(problem.rule), problem.rule, problem.message,
                        problem.key_path) for problem in reading.problems]
    return Document(filename, reading.text, reading.data, findings, reading.root, reading.lines)


@dataclass(frozen=True)
class _Place:
    """The node at a key path, where its value is written, and the key it is written under."""

    node: Node
    value_at: tuple[int, int]
    key_at: tuple[int, int] | None
    via_alias: bool

    @property
    def shows_value(self) -> bool:
        # A multi-line block is unreadable in a code frame, and an omitted value is not written at all.
        node = self.node
        return self.via_alias or not ((node.kind != SCALAR and not node.flow) or node.is_empty_plain)

    def child(self, part: Any) -> _Place | None:
        node = self.node
        if node.kind == MAPPING and node.lookup is not None:
            try:
                entry = node.lookup.get(part)
            except TypeError:  # an unhashable path element
                return None
            if entry is None:
                return None
            key, value, key_at, value_at = entry
            return _Place(value, written_at(value, value_at), written_at(key, key_at), value_at is not None)
        if node.kind == SEQUENCE and type(part) is int and 0 <= part < len(node.value):
            item, at = node.value[part]
            return _Place(item, written_at(item, at), None, at is not None)
        return None


