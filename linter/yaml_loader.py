"""PyYAML's SafeLoader (as Dagster configures it) over ruamel's positioned events: the nodes, the
values, and what Dagster's loader would fail on or silently hide.

`read_yaml` decodes the text as Python's `open(path, encoding="utf8")` does, composes nodes from
`yaml11.iter_events` (PyYAML's `Composer`, without recursion), builds values by PyYAML 6.0.4's
`SafeConstructor` rules (tags, merge keys, objects shared between aliases, the same failures), and
finds what the values hide: duplicate keys, merged keys PyYAML 6.0.3 reads otherwise, and aliases
that expand beyond reason. Every problem is returned as a `Problem` (rule, span, message, key path),
never raised. `linter.document` turns a `Reading` into the positioned `Document`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from collections.abc import Hashable
from typing import Any, NamedTuple

from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from linter import yaml11
from linter.findings import Span
from linter.yaml11 import MAX_DEPTH, YamlProblem

# Aliases share one object per anchor (as in PyYAML), but whatever walks the loaded config (Dagster's
# config processing, our schema check) sees the expansion.
MAX_EXPANDED_VALUES = 100_000
# `flatten_mapping` copies the merged entries into each mapping; PyYAML would go on without bound.
MAX_MERGED_ENTRIES = 200_000

SCALAR, SEQUENCE, MAPPING = "scalar", "sequence", "mapping"  # PyYAML's node ids, also used in messages
UNSET = object()
_COLON = re.compile(r"[ \t]*:")


class Problem(NamedTuple):
    rule: str  # yaml-syntax, duplicate-key, invalid-type (the root), invalid-value (aliases)
    span: Span
    message: str
    key_path: tuple = ()


def _one_per_message(problems: list[YamlProblem], rule: str, lines: Lines) -> list[Problem]:
    """One finding per distinct problem, at its first place, naming the others: a CloudFormation
    template's 88 `!Ref` tags are one problem for Dagster's loader (which stops at the first)."""
    places: dict[str, list[int]] = {}
    for problem in problems:
        places.setdefault(problem.message, []).append(problem.index)
    found = []
    for message, indexes in places.items():
        indexes.sort()  # construction fills collections breadth-first: report in the file's order
        if len(indexes) > 1:
            others = [lines.position(index)[0] for index in indexes[1:]]
            shown = ", ".join(map(str, others[:5])) + (", …" if len(others) > 5 else "")
            message = f"{message} (the same at {len(others)} more place{'s' if len(others) > 1 else ''}: line{'s' if len(others) > 1 else ''} {shown})"
        found.append(Problem(rule, lines.point(indexes[0]), message))
    return found


class Reading(NamedTuple):
    text: str  # decoded, newlines normalised to "\n", without a leading BOM
    lines: Lines
    root: Node | None  # None for a file with no document, or one that could not be composed
    data: Any  # what Dagster's loader gives (`{}` for an empty file); None if Dagster cannot use it
    problems: list[Problem]


def read_yaml(source: str | bytes) -> Reading:
    """Read the text as Dagster does. Never raises: whatever Dagster would fail on is a Problem."""
    text, decode_problem = _decode(source)
    lines = Lines(text)

    def unusable(problems: list[YamlProblem], rule: str, root: Node | None = None) -> Reading:
        return Reading(text, lines, root, None, _one_per_message(problems, rule, lines))

    if decode_problem is not None:
        return unusable([decode_problem], "yaml-syntax")
    try:
        root = _Composer(lines).compose()
    except YamlProblem as problem:
        return unusable([problem], "yaml-syntax")
    if root is None:  # no document at all: empty, blank, or comments only
        return Reading(text, lines, None, {}, [])
    constructor = _Constructor()
    data = constructor.construct_document(root)
    if constructor.problems:
        return unusable(constructor.problems, "yaml-syntax", root)
    if constructor.saw_shared_node and (problem := _expansion_problem(root)) is not None:
        return unusable([problem], "invalid-value", root)
    problems = [Problem("duplicate-key", *report) for report in _duplicate_reports(constructor.mappings, root, lines)]
    if constructor.merge_conflicts:
        readings = constructor.construct_legacy_merges()
        problems += [Problem("duplicate-key", *report)
                     for report in _merge_version_reports(readings, constructor.mappings, root, lines)]
    data = data or {}  # Dagster: `load_yaml_from_path(...) or {}`
    if not isinstance(data, dict):
        message = f"the instance config must be a mapping of keys, got {_type_name(data)}"
        problems.append(Problem("invalid-type", lines.point(root.start), message))
        data = None
    return Reading(text, lines, root, data, problems)


# ---------------------------------------------------------------------------------------------
# Nodes and positions.


class Node:
    """A composed node at offsets [start, end). `value` is the scalar's text, a sequence's (node, at)
    items, or a mapping's (key, value, key_at, value_at) entries, where `at` is the (start, end) of the
    alias token when the child is written as `*name`, and None when the child is written in place."""

    __slots__ = ("kind", "tag", "value", "start", "end", "flow", "style", "own", "lookup", "data")

    def __init__(self, kind: str, tag: str, value: Any, start: int, end: int, flow: bool, style: Any = None):
        self.kind = kind
        self.tag = tag
        self.value = value
        self.start = start
        self.end = end
        self.flow = flow
        self.style = style  # a scalar's quoting or block style; None when plain
        self.own: list | None = None  # a mapping's written entries without `<<` (merging prepends to value)
        self.lookup: dict | None = None  # a constructed mapping's final key -> the entry it came from
        self.data: Any = UNSET

    @property
    def is_empty_plain(self) -> bool:
        return self.kind == SCALAR and self.style is None and self.start == self.end



def written_at(node: Node, at: tuple[int, int] | None) -> tuple[int, int]:
    return at if at is not None else (node.start, node.end)


def entry_children(item: tuple) -> list[tuple[Node, Any]]:
    """The (node, at) pairs of a sequence item or of a mapping entry."""
    if len(item) == 2:
        return [item]
    return [(item[0], item[2]), (item[1], item[3])]


class Lines:
    """Offsets in the text -> 1-based line and column. Only "\\n" ends a line, as in editors and git."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, index: int) -> tuple[int, int]:
        if index >= len(self.text) and self.text.endswith("\n"):  # the end of the file (an unclosed quote,
            line = len(self.starts) - 1  # a missing value) is the end of its last line, not a line after it
            return line, len(self.text) - self.starts[line - 1]
        line = bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        while end > start and self.text[end - 1] in " \t\n":  # a block scalar's end includes its line breaks
            end -= 1
        return Span(*self.position(start), *self.position(end))

    def point(self, index: int) -> Span:
        line, column = self.position(index)
        width = 1 if index < len(self.text) and self.text[index] != "\n" else 0
        return Span(line, column, line, column + width)

    def first_line_span(self, start: int, end: int) -> Span:
        line_end = self.text.find("\n", start)
        return self.span(start, end if line_end == -1 else min(end, line_end))

    def line_text(self, line: int) -> str:
        if not 1 <= line <= len(self.starts):
            return ""
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[self.starts[line - 1] : end]


# ---------------------------------------------------------------------------------------------
# Decoding: Python's `open(path, encoding="utf8")`, then PyYAML's reader check.


def _decode(source: str | bytes) -> tuple[str, YamlProblem | None]:
    problem = None
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError as error:
            text = source.decode("utf-8", "replace")  # still shown in code frames
            problem = _not_utf8(source, error)
    else:
        text = source
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):  # PyYAML skips a BOM at the very start, and only there
        text = text[1:]
        if problem is not None:
            problem.index -= 1
    return text, problem or _non_printable(text)


def _not_utf8(source: bytes, error: UnicodeDecodeError) -> YamlProblem:
    before = source[: error.start].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    hint = " (it looks like UTF-16)" if source[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
    message = (f"the file is not UTF-8 text{hint}: byte 0x{source[error.start]:02x} cannot be decoded, "
               "and Dagster reads dagster.yaml as UTF-8")
    return YamlProblem(message, len(before))


def _non_printable(text: str) -> YamlProblem | None:
    match = yaml11.NON_PRINTABLE.search(text)
    if match is None:
        return None
    char = match.group()
    what = "a NUL byte" if char == "\0" else f"the control character U+{ord(char):04X}"
    return YamlProblem(f"the file is not text YAML accepts: it contains {what} (is it a binary file?)",
                       match.start())


def _type_name(value: Any) -> str:
    names = {list: "a list", str: "a string", int: "an integer", float: "a float", bool: "a boolean",
             set: "a set", bytes: "binary data"}
    return names.get(type(value), f"a {type(value).__name__}")


# ---------------------------------------------------------------------------------------------
# Composing: PyYAML's `Composer`, without recursion.


class _Composer:
    """One document of nodes from the events; anchors are registered before their content, as in PyYAML."""

    def __init__(self, lines: Lines) -> None:
        self.lines = lines
        self.anchors: dict[str, Node] = {}
        self.open: list[Node] = []  # the collections being composed, innermost last
        self.pending_keys: list[tuple[Node, Any] | None] = []  # per open collection: a key awaiting its value
        self.root: Node | None = None

    def compose(self) -> Node | None:
        events = yaml11.iter_events(self.lines.text)
        next(events)  # stream start
        if isinstance(next(events), StreamEndEvent):
            return None
        for event in events:
            if isinstance(event, DocumentEndEvent):
                break
            self._add(event)
        after = next(events)
        if not isinstance(after, StreamEndEvent):
            raise YamlProblem("expected a single document, but found another one; Dagster reads only a single "
                              "YAML document from dagster.yaml", after.start_mark.index)
        return self.root

    def _add(self, event: Any) -> None:
        kind = type(event)
        if kind is ScalarEvent:
            tag = _written_tag(event)
            if tag is None:
                tag = yaml11.resolve_plain(event.value) if event.implicit[0] else yaml11.STR
            start, end = event.start_mark.index, event.end_mark.index
            node = Node(SCALAR, tag, event.value, start, end, False, event.style)
            self._register(event, node)
            self._attach(node, None)
        elif kind is AliasEvent:
            node = self.anchors.get(event.anchor)
            if node is None:
                raise YamlProblem(f"the alias `*{event.anchor}` refers to no anchor `&{event.anchor}` defined "
                                  "before it", event.start_mark.index)
            self._attach(node, (event.start_mark.index, event.end_mark.index))
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            self._open(event, SEQUENCE if kind is SequenceStartEvent else MAPPING)
        else:  # the end of a sequence or a mapping
            self._close(self.open.pop(), event)
            self.pending_keys.pop()

    def _open(self, event: Any, kind: str) -> None:
        if len(self.open) >= MAX_DEPTH:
            raise YamlProblem(yaml11.TOO_DEEP, event.start_mark.index)
        tag = _written_tag(event) or (yaml11.SEQ if kind == SEQUENCE else yaml11.MAP)
        node = Node(kind, tag, [], event.start_mark.index, event.end_mark.index, bool(event.flow_style))
        self._register(event, node)
        self._attach(node, None)
        self.open.append(node)
        self.pending_keys.append(None)

    def _close(self, node: Node, event: Any) -> None:
        if node.flow:
            node.end = event.end_mark.index
        elif node.value:  # a block ends with its last child, not at the next token after comments
            node.end = max(written_at(child, at)[1] for child, at in entry_children(node.value[-1]))
        if node.kind == MAPPING:
            has_merge = any(entry[0].tag == yaml11.MERGE for entry in node.value)
            node.own = [entry for entry in node.value if entry[0].tag != yaml11.MERGE] if has_merge else node.value

    def _register(self, event: Any, node: Node) -> None:
        anchor = event.anchor
        if anchor is None:
            return
        if anchor in self.anchors:
            first_line = self.lines.position(self.anchors[anchor].start)[0]
            raise YamlProblem(f"the anchor `&{anchor}` is defined a second time (first at line {first_line}); "
                              "Dagster's YAML loader rejects duplicate anchors", event.start_mark.index)
        self.anchors[anchor] = node

    def _attach(self, node: Node, at: tuple[int, int] | None) -> None:
        if not self.open:
            self.root = node
            return
        parent = self.open[-1]
        if parent.kind == SEQUENCE:
            parent.value.append((node, at))
        elif self.pending_keys[-1] is None:
            self.pending_keys[-1] = (node, at)
        else:
            key, key_at = self.pending_keys[-1]
            if node.is_empty_plain:  # ruamel puts an omitted value at the next token; PyYAML after the `:`
                key_end = written_at(key, key_at)[1]
                colon = _COLON.match(self.lines.text, key_end)
                node.start = node.end = colon.end() if colon else key_end
            parent.value.append((key, node, key_at, at))
            self.pending_keys[-1] = None


def _written_tag(event: Any) -> str | None:
    """The explicit tag, or None when the node has none or the bare `!` (which PyYAML resolves as plain)."""
    tag = None if event.tag is None else str(event.tag)
    return None if tag == "!" else tag


# ---------------------------------------------------------------------------------------------
# Constructing: PyYAML's `SafeConstructor`, without recursion.


class _Constructor:
    """As in PyYAML, a collection is created empty and registered before its children are built (so an
    alias shares the anchor's object, and a node may contain itself), then filled in FIFO order (the
    order of PyYAML's `state_generators`). Unlike PyYAML, a failure is recorded and the rest goes on."""

    def __init__(self) -> None:
        self.fill_queue: deque[Node] = deque()
        self.problems: list[YamlProblem] = []
        self.merge_budget = MAX_MERGED_ENTRIES
        self.saw_shared_node = False  # through an alias or a merge
        self.mappings: list[Node] = []  # the constructed mappings, for the duplicate-key check
        self.merge_conflicts: list[tuple[Node, tuple, list]] = []  # mappings PyYAML 6.0.3 merges otherwise

    def construct_document(self, root: Node) -> Any:
        try:
            data = self.construct_object(root)
            while self.fill_queue:
                node = self.fill_queue.popleft()
                try:
                    _FILLERS[node.tag](self, node)
                except _TooLarge:
                    raise
                except YamlProblem as problem:
                    self.problems.append(problem)
        except YamlProblem as problem:
            self.problems.append(problem)
            return None
        return data

    def construct_object(self, node: Node) -> Any:
        if node.data is not UNSET:
            self.saw_shared_node = True
            return node.data
        tag = node.tag
        if tag in yaml11.COLLECTION_TAGS:
            node.data = set() if tag == yaml11.SET else {} if tag == yaml11.MAP else []
            self.fill_queue.append(node)
        elif tag in yaml11.SCALAR_TAGS:
            try:
                node.data = yaml11.construct_scalar(tag, self._scalar_text(node))
            except ValueError as error:
                raise YamlProblem(str(error), node.start) from None
        else:
            raise YamlProblem(_unknown_tag_message(tag), node.start)
        return node.data

    @staticmethod
    def _scalar_text(node: Node) -> str:
        """PyYAML's `construct_scalar`: a mapping stands for the value of its `=` key (YAML 1.1 value key)."""
        start, seen = node, set()
        while node.kind == MAPPING and start.tag != yaml11.TIMESTAMP and id(node) not in seen:
            seen.add(id(node))
            node = next((entry[1] for entry in node.value if entry[0].tag == yaml11.VALUE), node)
        if node.kind != SCALAR:
            raise YamlProblem(f"`{yaml11.short_tag(start.tag)}` needs a scalar, but the value is a {start.kind}",
                              start.start)
        return node.value

    def fill_sequence(self, node: Node) -> None:
        _expect(node, SEQUENCE)
        for item, _ in node.value:
            try:
                node.data.append(self.construct_object(item))
            except YamlProblem as problem:  # go on: the next items may have problems of their own
                self.problems.append(problem)

    def fill_mapping_or_set(self, node: Node) -> None:
        node.data.update(self.construct_mapping(node))

    def fill_pairs(self, node: Node) -> None:
        """`!!omap` and `!!pairs`: a list of one-entry mappings, read as a list of (key, value) tuples."""
        _expect(node, SEQUENCE)
        for item, _ in node.value:
            if item.kind != MAPPING or len(item.value) != 1:
                raise YamlProblem(f"`{yaml11.short_tag(node.tag)}` needs a list of one-entry mappings", item.start)
            key, value = item.value[0][:2]
            node.data.append((self.construct_object(key), self.construct_object(value)))

    def construct_mapping(self, node: Node) -> dict:
        if node.kind == MAPPING:
            try:
                self._flatten(node)
            except RecursionError:
                problem = YamlProblem("merge keys (`<<`) nest too deeply for Dagster's YAML loader", node.start)
                raise problem from None
        _expect(node, MAPPING)
        mapping: dict = {}
        lookup: dict = {}
        for entry in node.value:
            try:
                key = self.construct_object(entry[0])
                if not isinstance(key, Hashable):
                    raise YamlProblem(f"a {entry[0].kind} cannot be a key: Dagster's YAML loader fails with "
                                      "\"found unhashable key\"", written_at(entry[0], entry[2])[0])
                mapping[key] = self.construct_object(entry[1])
                lookup[key] = entry
            except YamlProblem as problem:  # go on: the next entries may have problems of their own
                self.problems.append(problem)
        node.lookup = lookup
        self.mappings.append(node)
        return mapping

    def _flatten(self, node: Node) -> None:
        """PyYAML 6.0.4's `flatten_mapping`, mutations included: merged entries go first, so written keys
        win. Of the merged entries it keeps the first one per key *object* (`_merge_identity`), then the
        dict keeps the last: a key merged twice keeps its first value only when both entries are one
        object. PyYAML 6.0.3 and older kept the earlier merged mapping's value; where that reading
        differs, `merge_conflicts` names the key (see `_merge_version_reports`)."""
        merge: list = []
        legacy: list = []  # the same entries in PyYAML <= 6.0.3's order: a list of mappings reversed
        identities: set = set()
        merge_key: tuple | None = None
        index = 0
        while index < len(node.value):  # re-read on purpose: a recursive merge may replace node.value
            key, value, key_at, value_at = node.value[index]
            if key.tag == yaml11.MERGE:
                del node.value[index]
                merge_key = merge_key or (key, key_at)
                merge_key_start = written_at(key, key_at)[0]
                if value.kind == MAPPING:
                    self._flatten(value)
                    self._merge(merge, identities, value.value, merge_key_start)
                    legacy.extend(value.value)
                elif value.kind == SEQUENCE:
                    merged = []
                    for item, item_at in value.value:
                        if item.kind != MAPPING:
                            raise YamlProblem(f"a merge key (`<<`) takes mappings, but this is a {item.kind}",
                                              written_at(item, item_at)[0])
                        self._flatten(item)
                        self._merge(merge, identities, item.value, merge_key_start)
                        merged.append(item.value)
                    for entries in reversed(merged):
                        legacy.extend(entries)
                else:
                    raise YamlProblem("a merge key (`<<`) takes a mapping or a list of mappings, but this is a "
                                      "scalar", written_at(value, value_at)[0])
            else:
                if key.tag == yaml11.VALUE:
                    key.tag = yaml11.STR
                index += 1
        if merge:
            if len(legacy) != len(merge) or any(a is not b for a, b in zip(legacy, merge)):
                self.merge_conflicts.append((node, merge_key, legacy))
            node.value = merge + node.value

    def _merge(self, merge: list, identities: set, entries: list, merge_key_start: int) -> None:
        self.merge_budget -= len(entries)
        if self.merge_budget < 0:
            raise _TooLarge(f"merge keys (`<<`) expand to more than {MAX_MERGED_ENTRIES:,} entries; Dagster's "
                            "YAML loader would run out of time and memory", merge_key_start)
        for entry in entries:
            identity = _merge_identity(entry[0])
            if identity not in identities:
                identities.add(identity)
                merge.append(entry)

    def construct_legacy_merges(self) -> list[tuple[Node, tuple, dict]]:
        """For each mapping whose merged entries PyYAML 6.0.3 ordered differently: (mapping, its first
        `<<` entry, key -> the entry 6.0.3 keeps). Values only 6.0.3 reads are built here, quietly:
        a failure in them is not one of Dagster's on 6.0.4."""
        readings = []
        for node, merge_key, legacy in self.merge_conflicts:
            kept: dict = {}
            for entry in legacy + node.own:
                try:
                    key = self.construct_object(entry[0])
                    if isinstance(key, Hashable):
                        self.construct_object(entry[1])
                        kept[key] = entry
                except YamlProblem:
                    continue
            while self.fill_queue:
                filling = self.fill_queue.popleft()
                try:
                    _FILLERS[filling.tag](self, filling)
                except YamlProblem:
                    continue
            readings.append((node, merge_key, kept))
        return readings


def _merge_identity(key: Node) -> Any:
    """What PyYAML 6.0.4 compares merged keys by: `id(key_node.value)`. Entries merged twice through an
    alias share that object. So do equal one-character keys: CPython caches the strings of length 0
    and of one Latin-1 character, which is what PyYAML's scanner returns for them."""
    text = key.value
    if key.kind == SCALAR and (text == "" or (len(text) == 1 and ord(text) < 256)):
        return text
    return id(key)


class _TooLarge(YamlProblem):
    """Stops constructing altogether."""


_FILLERS = {
    yaml11.SEQ: _Constructor.fill_sequence,
    yaml11.MAP: _Constructor.fill_mapping_or_set,
    yaml11.SET: _Constructor.fill_mapping_or_set,
    yaml11.OMAP: _Constructor.fill_pairs,
    yaml11.PAIRS: _Constructor.fill_pairs,
}


def _expect(node: Node, kind: str) -> None:
    if node.kind != kind:
        raise YamlProblem(f"`{yaml11.short_tag(node.tag)}` needs a {kind}, but the value is a {node.kind}",
                          node.start)


def _unknown_tag_message(tag: str) -> str:
    if tag == yaml11.MERGE:
        return "`<<` is a merge key in YAML 1.1 and cannot be used as a value; quote it to mean the text"
    if tag == yaml11.VALUE:
        return "a plain `=` is the YAML 1.1 value key and cannot be used as a value; quote it to mean the text"
    return (f"Dagster's YAML loader (PyYAML SafeLoader) cannot build a value tagged `{yaml11.short_tag(tag)}`; "
            "it fails with \"could not determine a constructor\"")


# ---------------------------------------------------------------------------------------------
# What the loaded values hide: duplicate keys, and aliases that make them unusable.


def _duplicate_reports(mappings: list[Node], root: Node, lines: Lines) -> list[tuple[Span, str, tuple]]:
    """(span, message, key path) for each written key that repeats an earlier one of its mapping."""
    reports = []
    paths = None
    for node in mappings:
        for later, first, last in _duplicates(node):
            paths = paths if paths is not None else _paths_to_nodes(root)
            key_path = paths.get(id(node), ()) + (later[0].data,)
            reports.append((lines.span(*written_at(later[0], later[2])),
                            _duplicate_message(later, first, last, lines), key_path))
    return sorted(reports, key=lambda report: (report[0].line, report[0].column))


def _merge_version_reports(readings: list[tuple[Node, tuple, dict]], mappings: list[Node], root: Node,
                           lines: Lines) -> list[tuple[Span, str, tuple]]:
    """(span of the `<<` key, message, key path) for each key whose merged value PyYAML 6.0.4 and 6.0.3
    read differently: users run both, so Dagster's value depends on the machine."""
    reports = []
    paths = _paths_to_nodes(root)
    written_in = {id(entry): id(mapping) for mapping in mappings for entry in mapping.own}
    for node, (merge_key, merge_key_at), legacy_kept in readings:
        if node.lookup is None:
            continue
        for key, entry in node.lookup.items():
            legacy = legacy_kept.get(key)
            if legacy is None or legacy is entry or _same_value(legacy[1].data, entry[1].data):
                continue
            if written_in.get(id(legacy)) == written_in.get(id(entry)) is not None:
                continue  # a key repeated inside one merged mapping: that duplicate-key is the finding
            new_line = lines.position(written_at(entry[0], entry[2])[0])[0]
            old_line = lines.position(written_at(legacy[0], legacy[2])[0])[0]
            message = (f"`{key_text(entry[0])}` is merged (`<<`) from two mappings that disagree: PyYAML 6.0.4 "
                       f"and newer keep the value at line {new_line}, PyYAML 6.0.3 and older the one at line "
                       f"{old_line}; write the key in this mapping to give it one value")
            key_path = paths.get(id(node), ()) + (key,)
            reports.append((lines.span(*written_at(merge_key, merge_key_at)), message, key_path))
    return reports


def _same_value(left: Any, right: Any) -> bool:
    return type(left) is type(right) and left == right


def _duplicates(node: Node) -> list[tuple[tuple, tuple, tuple]]:
    """(later entry, first entry, last entry) for each repeated key among the entries written in `node`.
    Keys repeat as Python dict keys do (`1`, `1.0` and `true` are one key): what PyYAML keeps is the last."""
    by_key: dict[Any, list[tuple]] = {}
    for entry in node.own:
        key = entry[0].data
        if key is not UNSET and isinstance(key, Hashable):  # otherwise already a problem
            by_key.setdefault(key, []).append(entry)
    return [(entry, same[0], same[-1]) for same in by_key.values() if len(same) > 1 for entry in same[1:]]


def _duplicate_message(later: tuple, first: tuple, last: tuple, lines: Lines) -> str:
    name, first_name = key_text(later[0]), key_text(first[0])
    first_line = lines.position(written_at(first[0], first[2])[0])[0]
    as_written = "" if first_name == name else f" as `{first_name}`"
    where = f"duplicate key `{name}` (first defined at line {first_line}{as_written})"
    if later is last:
        return f"{where}; Dagster silently keeps this last one and ignores what comes before"
    last_line = lines.position(written_at(last[0], last[2])[0])[0]
    return f"{where}; Dagster silently ignores it and keeps the last one, at line {last_line}"


def key_text(node: Node) -> str:
    return node.value if node.kind == SCALAR else repr(node.data)


def _paths_to_nodes(root: Node) -> dict[int, tuple]:
    """The first key path (breadth first) to each node reachable from the root."""
    paths = {id(root): ()}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        if node.kind == MAPPING and node.lookup is not None:
            children = [(key, entry[1]) for key, entry in node.lookup.items()]
        elif node.kind == SEQUENCE:
            children = [(index, item) for index, (item, _) in enumerate(node.value)]
        else:
            continue
        for part, child in children:
            if id(child) not in paths:
                paths[id(child)] = paths[id(node)] + (part,)
                queue.append(child)
    return paths


def _expansion_problem(root: Node) -> YamlProblem | None:
    """A value that contains itself, or that aliases expand beyond reason ("billion laughs").

    PyYAML builds both without trouble, sharing objects, but Dagster's config processing (and our
    schema check) walks the loaded values as a tree.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    in_progress: set[int] = {id(root)}
    stack = [(root, value_children(root), 0)]  # depth-first, without recursion
    while stack:
        node, children, next_child = stack.pop()
        if next_child < len(children):
            stack.append((node, children, next_child + 1))
            child, at = children[next_child]
            if id(child) in in_progress:
                return YamlProblem("this alias refers to a value that contains it, so the config would be "
                                   "infinitely deep; Dagster cannot use it", written_at(child, at)[0])
            if id(child) not in size:
                in_progress.add(id(child))
                stack.append((child, value_children(child), 0))
            continue
        in_progress.discard(id(node))
        size[id(node)] = min(MAX_EXPANDED_VALUES + 1, 1 + sum(size[id(child)] for child, _ in children))
        depth[id(node)] = 1 + max((depth[id(child)] for child, _ in children), default=0)
        if size[id(node)] > MAX_EXPANDED_VALUES:
            return YamlProblem(f"through aliases (`*name`) this value expands to more than "
                               f"{MAX_EXPANDED_VALUES:,} values (a \"billion laughs\"); Dagster would hang "
                               "reading it", node.start)
        if depth[id(node)] > MAX_DEPTH:
            return YamlProblem(f"through aliases (`*name`) this value nests more than {MAX_DEPTH} levels deep, "
                               "beyond what Dagster's config processing can recurse", node.start)
    return None


def value_children(node: Node) -> list[tuple[Node, Any]]:
    if node.kind == SEQUENCE:
        return node.value
    if node.kind == MAPPING:  # an unconstructed mapping (a `!!omap` item) still holds its values
        entries = node.lookup.values() if node.lookup is not None else node.value
        return [child for entry in entries for child in entry_children(entry)]
    return []
