"""`linter.document`: values identical to Dagster's loader, exact positions, and no input that crashes or hangs."""

from __future__ import annotations

import json
import math
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from linter.document import MAX_DEPTH, Document, parse_document
from linter.findings import Severity, Span, Target
from linter.yaml11 import PYYAML_VERSION

try:  # the oracle is a test-only dependency; without it only the comparisons are skipped
    import yaml
    from dagster_shared.yaml_utils import DagsterYamlLoader
except ImportError:
    yaml = DagsterYamlLoader = None

# Every comparison below is with the PyYAML release the reader follows. Another release installed (the
# lock was refreshed, or scripts/check_latest.sh runs the newest) fails one test,
# test_installed_pyyaml_is_the_release_the_reader_follows, and skips the comparisons with that reason.
INSTALLED_PYYAML = getattr(yaml, "__version__", None)
needs_dagster = pytest.mark.skipif(
    DagsterYamlLoader is None or INSTALLED_PYYAML != PYYAML_VERSION,
    reason=f"compares with PyYAML {PYYAML_VERSION} and dagster_shared; installed: PyYAML {INSTALLED_PYYAML}")
GENERATED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

FIXTURES = Path(__file__).parent / "fixtures"


# --------------------------------------------------------------------------------------------
# The oracle: what Dagster gets from the same text.


def dagster_load(text: str) -> tuple[str, object]:
    """("ok", config) | ("error", why) | ("not-a-mapping", value), as Dagster's instance loading sees it."""
    try:
        value = yaml.load(text, Loader=DagsterYamlLoader)
    except RecursionError:
        return "error", "RecursionError"
    except Exception as error:  # PyYAML also fails with ValueError, KeyError... on bad explicit tags
        return "error", f"{type(error).__name__}: {error}"
    value = value or {}  # merge_yamls: `load_yaml_from_path(...) or {}`
    return ("ok", value) if isinstance(value, dict) else ("not-a-mapping", value)


def same(a: object, b: object, seen: set | None = None) -> bool:
    """Equal values of identical types (1 != True != 1.0), NaN equal to NaN, dicts in the same order."""
    seen = set() if seen is None else seen
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if not isinstance(a, (dict, list, tuple, set)):
        return a == b
    if (id(a), id(b)) in seen:
        return True
    seen.add((id(a), id(b)))
    if len(a) != len(b):
        return False
    if isinstance(a, dict):
        return all(same(ka, kb, seen) and same(va, vb, seen) for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    if isinstance(a, set):
        return all(any(same(x, y, seen) for y in b) for x in a)
    return all(same(x, y, seen) for x, y in zip(a, b))


def assert_reads_like_dagster(text: str) -> Document:
    document = parse_document(text, "dagster.yaml")
    if DagsterYamlLoader is None or INSTALLED_PYYAML != PYYAML_VERSION:
        return document
    outcome, expected = dagster_load(text)
    rules = {finding.rule for finding in document.findings}
    if outcome == "ok" and contains_itself(expected):  # PyYAML builds it; Dagster's config checks cannot use it
        assert document.data is None and rules == {"invalid-value"}, document.findings
    elif outcome == "ok":
        assert rules <= {"duplicate-key"}, document.findings
        assert same(document.data, expected), (document.data, expected)
    elif outcome == "error":
        assert document.data is None and "yaml-syntax" in rules, (expected, document.findings)
    else:
        assert document.data is None and rules == {"invalid-type"}, (expected, document.findings)
    return document


def contains_itself(value: object, ancestors: frozenset = frozenset()) -> bool:
    if not isinstance(value, (dict, list, tuple, set)):
        return False
    if id(value) in ancestors:
        return True
    children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    return any(contains_itself(child, ancestors | {id(value)}) for child in children)


def fixture_files() -> list[Path]:
    return sorted(path for pattern in ("*.yaml", "*.yml") for path in FIXTURES.rglob(pattern))


@needs_dagster
@pytest.mark.parametrize("path", fixture_files(), ids=lambda path: str(path.relative_to(FIXTURES)))
def test_fixture_reads_like_dagster(path: Path) -> None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: covered by the decoding tests")
    assert_reads_like_dagster(text.replace("\r\n", "\n").replace("\r", "\n"))
    assert same(parse_document(raw, path.name).data, parse_document(text, path.name).data)


# --------------------------------------------------------------------------------------------
# Generated documents: random structures of tricky scalars, in block and flow style.

PLAIN_SCALARS = [
    # YAML 1.1 booleans in PyYAML's spellings, and spellings that are not booleans
    "yes", "Yes", "YES", "yEs", "no", "No", "NO", "nO", "true", "True", "TRUE", "tRUE", "false", "False",
    "FALSE", "on", "On", "ON", "oN", "off", "Off", "OFF", "y", "Y", "n", "N",
    # nulls
    "~", "null", "Null", "NULL", "nULL",
    # integers: octal, hex, binary, underscores, signs, sexagesimal
    "0", "00", "0755", "-0755", "08", "0o17", "0x1F", "0X1F", "0xff_ff", "0b101", "+0b11", "-0b1_1", "1_000",
    "1_0", "-1_0", "+12", "-0", "+0", "0_", "1__0", "190:20:30", "1:30", "-1:30", "+1:30", "1:60", "1:5:7",
    "0:30", "12:34:56:78", "9999999999999999999999", "0b2", "0x", "0o",
    # floats
    ".5", "-.5", "+.5", "1.", "1.0", "-1.0", "1e3", "1.0e+3", "1.0e3", "1.0E-3", "1_1.2_2", "0:30.5",
    "1:30.5", "-1:30.5", "1:30.5_", ".inf", "-.inf", "+.INF", ".Inf", ".iNF", ".nan", ".NaN", ".NAN",
    "-.nan", "1.2.3",
    # dates and timestamps stay strings for Dagster
    "2024-01-01", "2001-12-14t21:59:43.10-05:00", "2001-12-14",
    # YAML 1.1 oddities and ordinary words
    "=", "<<", "_1", "-x", "a b", "env", "x:y", "dagster_postgres", "0.1.2", "1:2:3.4",
]
FAILING_PLAIN_SCALARS = ["0b_", "0x_", "-0x_"]  # PyYAML resolves them as ints, then int('') fails
TAGGED_SCALARS = [
    "!!str 12", "!!int '12'", "!!int 0o17", "!!int 1e3", "!!float '1'", "!!float 1e3", "!!bool yEs", "!!bool y",
    "!!null x", "!!str", "!!binary aGVsbG8=", "!!binary '%%'", "!!timestamp 2001-12-14", "!!timestamp x",
    "! 12", "! '12'", "!!python/name:os.system", "!custom x", "!<tag:yaml.org,2002:int> 3", "!!int ' 12 '",
]
KEYS = ["storage", "run_launcher", "module", "class", "config", "env", "yes", "no", "on", "1", "0x1", "true",
        "null", "~", "1.0", "'1'", "\"yes\"", "y", "N", ".nan", "=", "2024-01-01"]


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def double_quoted(text: str) -> str:
    return json.dumps(text)


scalar_texts = st.sampled_from(PLAIN_SCALARS + [single_quoted(s) for s in PLAIN_SCALARS[::3]]
                               + [double_quoted(s) for s in PLAIN_SCALARS[1::3]] + ['"tab\\there"', "'it''s'"])
rare_scalars = st.sampled_from(FAILING_PLAIN_SCALARS + TAGGED_SCALARS)


BLOCK_SCALARS = [
    ("|", ["line one", "  indented", "", "yes"]), ("|-", ["x: y"]), (">", ["folded", "text", "", "more"]),
    ("|+", ["kept", ""]), (">-", ["0755"]), ("|2", ["  two"]),
]


class _Writer:
    """Writes one random document. A spec is (kind, detail): ("scalar", text), ("block", (indicator, lines)),
    ("alias", text), ("merge", text), ("mapping", (anchor, entries)) or ("sequence", (anchor, items))."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.anchors: list[tuple[str, str]] = []  # (name, kind) of the anchored collections written so far
        self.counter = 0

    def chance(self, one_in: int) -> bool:
        return self.draw(st.integers(0, one_in - 1)) == 0

    def alias(self, kind: str | None = None) -> str | None:
        names = [name for name, anchored_kind in self.anchors if kind in (None, anchored_kind)]
        return "*" + self.draw(st.sampled_from(names)) if names else None

    def value(self, depth: int) -> tuple[str, Any]:
        choice = self.draw(st.integers(0, 10 if depth < 3 else 5))
        if choice <= 2:
            return "scalar", self.draw(scalar_texts)
        if choice == 3:
            return "scalar", self.draw(rare_scalars if self.chance(10) else scalar_texts)
        if choice == 4:
            return "alias", self.alias() or "~"
        if choice == 5:
            return "block", self.draw(st.sampled_from(BLOCK_SCALARS))
        name = None
        if self.chance(6):
            self.counter += 1
            name = f"a{self.counter}"
        if choice <= 8:
            spec: tuple[str, Any] = ("mapping", (name, self.entries(depth)))
        else:
            spec = ("sequence", (name, [self.value(depth + 1) for _ in range(self.draw(st.integers(0, 3)))]))
        if name:
            self.anchors.append((name, spec[0]))  # only now: an alias never sits inside its own anchor
        return spec

    def entries(self, depth: int) -> list[tuple[str, tuple[str, Any]]]:
        keys = self.draw(st.lists(st.sampled_from(KEYS), max_size=4))
        entries = [(key, self.value(depth + 1)) for key in keys]
        merge = self.alias("mapping") if self.chance(5) else None
        if merge is not None:
            if self.draw(st.booleans()):
                merge = f"[{', '.join(filter(None, [merge, self.alias('mapping')]))}]"
            entries.insert(self.draw(st.integers(0, len(entries))), ("<<", ("merge", merge)))
        return entries

    def render(self, spec: tuple[str, Any], indent: int, flow: bool) -> tuple[str, str]:
        """(inline, block): the text after `key:` or `-` on its line, and the indented lines below it."""
        kind, detail = spec
        if kind == "block" and not flow:
            indicator, lines = detail
            return indicator, "".join(f"\n{' ' * indent}{line}" if line else "\n" for line in lines)
        if kind == "block":
            return double_quoted("\n".join(detail[1])), ""
        if kind in ("scalar", "alias", "merge"):
            return detail, ""
        name, children = detail
        properties = f"&{name}" if name else ""
        if flow or not children or self.chance(4):
            return f"{properties} {self.render_flow(kind, children)}".strip(), ""
        return properties, self.render_block(kind, children, indent)

    def render_flow(self, kind: str, children: list) -> str:
        if kind == "mapping":
            return "{" + ", ".join(f"{key}: {self.render(value, 0, True)[0]}" for key, value in children) + "}"
        return "[" + ", ".join(self.render(item, 0, True)[0] for item in children) + "]"

    def render_block(self, kind: str, children: list, indent: int) -> str:
        out = ""
        for child in children:
            head, value = (f"{child[0]}:", child[1]) if kind == "mapping" else ("-", child)
            inline, block = self.render(value, indent + 2, False)
            comment = "  # note" if self.chance(7) else ""
            out += f"\n{' ' * indent}{head}{' ' + inline if inline else ''}{comment}{block}"
        return out


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    writer = _Writer(draw)
    entries = writer.entries(0) if not writer.chance(10) else [("k", writer.value(0))]
    entries += [(f"k{index}", writer.value(1)) for index in range(draw(st.integers(0, 3)))]
    text = writer.render_block("mapping", entries, 0).lstrip("\n") + "\n" if entries else "{}\n"
    if writer.chance(5):
        text = text.replace("\n", "\r\n")
    if writer.chance(10):
        text = "\ufeff" + text
    return text


@needs_dagster
@settings(GENERATED, max_examples=600)
@given(yaml_documents())
def test_generated_documents_read_like_dagster(text: str) -> None:
    assert_reads_like_dagster(text)


def written_paths(data: object) -> list[tuple]:
    """Every key path in the loaded data, visiting each shared object once."""
    paths, seen, queue = [], set(), [((), data)]
    while queue:
        path, value = queue.pop()
        if not isinstance(value, (dict, list)) or id(value) in seen:
            continue
        seen.add(id(value))
        for part, child in value.items() if isinstance(value, dict) else enumerate(value):
            paths.append(path + (part,))
            queue.append((path + (part,), child))
    return paths


def written_text(document: Document, span: Span) -> str:
    assert span.line == span.end_line
    return document.line_text(span.line)[span.column - 1 : span.end_column - 1]


@needs_dagster
@settings(GENERATED, max_examples=300)
@given(yaml_documents())
def test_generated_spans_hold_what_is_written(text: str) -> None:
    document = parse_document(text, "dagster.yaml")
    assume(isinstance(document.data, dict))
    for path in written_paths(document.data):
        parent = document.data
        for part in path[:-1]:
            parent = parent[part]
        value_span = document.value_span(path)
        assert value_span is not None
        assert document.locate(path, Target.VALUE) in (value_span, document.locate(path, Target.KEY))
        if isinstance(parent, dict):
            key_span = document.key_span(path)
            assert key_span is not None and document.locate(path, Target.KEY) == key_span
            key_text = written_text(document, key_span)
            if not key_text.startswith("*") and key_text != "=":  # equal as a dict key: the last duplicate is kept
                written_key = yaml.load(key_text, Loader=DagsterYamlLoader)
                assert written_key == path[-1] or same(written_key, path[-1])
        value = parent[path[-1]]
        if value_span.line == value_span.end_line and not isinstance(value, (dict, list)):
            value_text = written_text(document, value_span)
            if value_text and value_text[0] not in "*|>":
                assert same(yaml.load(value_text, Loader=DagsterYamlLoader), value)


@needs_dagster
@pytest.mark.parametrize("scalar", PLAIN_SCALARS + FAILING_PLAIN_SCALARS + TAGGED_SCALARS)
@pytest.mark.parametrize("template", ["key: {}\n", "- {}\n", "[{}]\n", "{{k: {}}}\n", "{}: v\n", "? {}\n: v\n"])
def test_each_scalar_reads_like_dagster(template: str, scalar: str) -> None:
    assert_reads_like_dagster(template.format(scalar))


@needs_dagster
@pytest.mark.parametrize(
    "text",
    [
        # explicit collection tags and PyYAML's YAML 1.1 value key
        "a: !!set {x, y}\n", "a: !!set [x]\n", "a: !!omap [{x: 1}, {y: 2}]\n", "a: !!pairs [{x: 1}, {x: 2}]\n",
        "a: !!omap [{x: 1, y: 2}]\n", "a: !!omap {x: 1}\n", "a: !!map [x]\n", "a: !!seq {x: 1}\n",
        "a: !!str [x]\n", "a: !!int {=: 5}\n", "a: !!str {=: 5, b: 1}\n", "=: 1\n", "{=: 1, a: 2}\n",
        "a: !!timestamp {=: 2001-01-01}\n",
        "a: !!binary |\n  aGVs\n  bG8=\n", "a: ! x\n", "a: ! [x]\n", "a: !<tag:yaml.org,2002:str> 1\n",
        # merge keys: explicit keys win, earlier merged mappings win, several `<<`, errors
        "b: &b {x: 1, y: 1}\nc: &c {y: 2, z: 2}\nd:\n  <<: [*b, *c]\n  x: 0\n",
        "b: &b {x: 1}\nc: &c {x: 2}\nd:\n  <<: *b\n  <<: *c\n",
        "b: &b {x: 1}\nd:\n  x: 0\n  <<: *b\n",
        "b: &b {x: 1}\nd: {'<<': *b}\n", "b: &b {x: 1}\nd: {!!merge x: *b}\n",
        "b: &b {x: 1, <<: {y: 2}}\nd: {<<: *b}\n",
        "b: &b [x]\nd: {<<: *b}\n", "b: &b x\nd: {<<: [*b]}\n", "d: {<<: []}\n",
        "a: &a {<<: *a, x: 1}\n", "a: &a {x: 1, <<: [*a, *a]}\n",
        # anchors and aliases
        "a: &x 1\nb: &x 2\n", "a: *x\n", "a: &x [1, 2]\nb: *x\nc: [*x, *x]\n", "&r {a: *r}\n",
        "a: &k key\n*k : v\n", "? [x]\n: 1\n", "? {x: 1}\n: 1\n", "a: !!set {x}\n? !!set {y}\n: 1\n",
        # keys Dagster sees as non-strings, and keys that collide in a Python dict
        "1: a\ntrue: b\n", "1: a\n1.0: b\n0x1: c\n", ".nan: a\n.NaN: b\n", "null: a\n~: b\n: c\n",
        "yes: 1\non: 2\n", "n: 1\ny: 2\n", "2024-01-01: x\n",
        # documents
        "", "\n\n", "# only a comment\n", "---\n", "--- \n...\n", "...\n", "a: 1\n...\n", "a: 1\n---\nb: 2\n",
        "---\na: 1\n--- b\n", "%YAML 1.1\n---\na: 1\n", "%YAML 1.2\n---\na: 1\n", "%YAML 2.0\n---\na: 1\n",
        "[]\n", "{}\n", "false\n", "0\n", "''\n", "~\n", "[1]\n", "x\n", "!!set {a}\n", "!!binary aGVsbG8=\n",
        # tabs, line breaks, BOM
        "a: 'x\ty'\n", "a:\tb\n", "a:\n\tb: 1\n", "a: b\t# c\n", "a: [1,\t2]\n", "\ufeffa: 1\n", "a: \ufeff\n",
        "a: 'line\r\n  two'\n", "a: |\r\n  x\r\n  y\r\n", "a: 1\x85b: 2\n", "a: x\u2028y\n",
    ],
)
def test_structures_read_like_dagster(text: str) -> None:
    assert_reads_like_dagster(text)


# --------------------------------------------------------------------------------------------
# Positions.

CONFIG = """\
storage:
  postgres:
    postgres_db:
      username: dagster  # the user
      port: 5432
run_launcher:
  module: dagster_k8s
  config:
    env_vars: [A, "B"]
    labels: {team: data, tier: 1}
    volumes:
      - name: data
        path: /data
      - cache
    script: |
      echo one
      echo two

    empty:
    quoted: 'it''s'
"""


@pytest.fixture(scope="module")
def config() -> Document:
    document = parse_document(CONFIG, "dagster.yaml")
    assert document.findings == []
    return document


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        (("storage",), Span(1, 1, 1, 8), Span(2, 3, 5, 17)),
        (("storage", "postgres", "postgres_db", "username"), Span(4, 7, 4, 15), Span(4, 17, 4, 24)),
        (("storage", "postgres", "postgres_db", "port"), Span(5, 7, 5, 11), Span(5, 13, 5, 17)),
        (("run_launcher", "config", "env_vars"), Span(9, 5, 9, 13), Span(9, 15, 9, 23)),
        (("run_launcher", "config", "env_vars", 1), None, Span(9, 19, 9, 22)),
        (("run_launcher", "config", "labels", "tier"), Span(10, 26, 10, 30), Span(10, 32, 10, 33)),
        (("run_launcher", "config", "volumes"), Span(11, 5, 11, 12), Span(12, 7, 14, 14)),
        (("run_launcher", "config", "volumes", 0), None, Span(12, 9, 13, 20)),
        (("run_launcher", "config", "volumes", 0, "path"), Span(13, 9, 13, 13), Span(13, 15, 13, 20)),
        (("run_launcher", "config", "volumes", 1), None, Span(14, 9, 14, 14)),
        (("run_launcher", "config", "script"), Span(15, 5, 15, 11), Span(15, 13, 17, 15)),
        (("run_launcher", "config", "empty"), Span(19, 5, 19, 10), Span(19, 11, 19, 11)),  # after the `:`
        (("run_launcher", "config", "quoted"), Span(20, 5, 20, 11), Span(20, 13, 20, 20)),
    ],
)
def test_key_and_value_spans(config: Document, path: tuple, key: Span | None, value: Span) -> None:
    assert config.key_span(path) == key
    assert config.value_span(path) == value


def test_value_spans_cover_the_written_text(config: Document) -> None:
    for path, written in [
        (("run_launcher", "config", "env_vars"), '[A, "B"]'),
        (("run_launcher", "config", "labels"), "{team: data, tier: 1}"),
        (("run_launcher", "config", "quoted"), "'it''s'"),
        (("storage", "postgres", "postgres_db", "username"), "dagster"),
    ]:
        span = config.value_span(path)
        assert span is not None and span.line == span.end_line
        assert config.line_text(span.line)[span.column - 1 : span.end_column - 1] == written


@pytest.mark.parametrize(
    ("path", "target", "expected"),
    [
        ((), Target.KEY, Span(1, 1, 1, 2)),
        ((), Target.VALUE, Span(1, 1, 1, 2)),  # the root block: the document start
        (("storage",), Target.VALUE, Span(1, 1, 1, 8)),  # a block mapping value: its key
        (("run_launcher", "config", "volumes"), Target.VALUE, Span(11, 5, 11, 12)),  # a block list: its key
        (("run_launcher", "config", "env_vars"), Target.VALUE, Span(9, 15, 9, 23)),  # flow: the value
        (("run_launcher", "config", "env_vars"), Target.KEY, Span(9, 5, 9, 13)),
        (("run_launcher", "config", "labels", "team"), Target.VALUE, Span(10, 20, 10, 24)),
        (("run_launcher", "config", "volumes", 0), Target.KEY, Span(12, 9, 12, 19)),  # item: its first line
        (("run_launcher", "config", "volumes", 0), Target.VALUE, Span(12, 9, 12, 19)),
        (("run_launcher", "config", "volumes", 1), Target.VALUE, Span(14, 9, 14, 14)),
        (("run_launcher", "config", "empty"), Target.VALUE, Span(19, 5, 19, 10)),  # implicit null: the key
        (("run_launcher", "config", "script"), Target.VALUE, Span(15, 13, 17, 15)),
        # missing paths: the deepest existing ancestor
        (("run_launcher", "config", "missing"), Target.KEY, Span(8, 3, 8, 9)),
        (("run_launcher", "config", "missing", "deeper"), Target.VALUE, Span(8, 3, 8, 9)),
        (("run_launcher", "config", "volumes", 7, "x"), Target.KEY, Span(11, 5, 11, 12)),
        (("run_launcher", "config", "volumes", 0, "nope"), Target.KEY, Span(12, 9, 12, 19)),
        (("run_launcher", "module", "x"), Target.VALUE, Span(7, 3, 7, 9)),  # below a scalar
        (("nope",), Target.KEY, Span(1, 1, 1, 2)),
        (("run_launcher", "config", "env_vars", "0"), Target.KEY, Span(9, 5, 9, 13)),  # a string is no index
        (("run_launcher", "config", "env_vars", True), Target.KEY, Span(9, 5, 9, 13)),  # neither is a bool
        (("run_launcher", ["unhashable"]), Target.KEY, Span(6, 1, 6, 13)),
    ],
)
def test_locate(config: Document, path: tuple, target: Target, expected: Span) -> None:
    assert config.locate(path, target) == expected


def test_missing_paths_have_no_spans(config: Document) -> None:
    assert config.key_span(("nope",)) is None
    assert config.value_span(("storage", "nope")) is None
    assert config.key_span(()) is None
    assert config.value_span(()) == Span(1, 1, 20, 20)


def test_line_text(config: Document) -> None:
    assert config.line_text(4) == "      username: dagster  # the user"
    assert config.line_text(18) == ""
    assert config.line_text(0) == config.line_text(99) == ""


def test_multi_line_plain_and_quoted_scalars() -> None:
    document = parse_document('a: one\n  two\n  three\nb: "x\n  y"\n', "f.yaml")
    assert document.data == {"a": "one two three", "b": "x y"}
    assert document.value_span(("a",)) == Span(1, 4, 3, 8)
    assert document.value_span(("b",)) == Span(4, 4, 5, 5)


def test_crlf_bom_and_tabs_keep_positions() -> None:
    text = "\ufeffa: 1\r\nb:\r\n  c: 'x\ty'  # tab\tcomment\r\n  d: [1, 2]\r\n"
    for source in (text, text.encode("utf-8")):
        document = parse_document(source, "f.yaml")
        assert document.data == {"a": 1, "b": {"c": "x\ty", "d": [1, 2]}}
        assert document.key_span(("a",)) == Span(1, 1, 1, 2)  # the BOM takes no column
        assert document.value_span(("b", "c")) == Span(3, 6, 3, 11)  # a tab is one column
        assert document.value_span(("b", "d", 1)) == Span(4, 10, 4, 11)
        assert document.line_text(3) == "  c: 'x\ty'  # tab\tcomment"
        assert document.text.count("\r") == 0


def test_lone_carriage_returns_are_line_breaks() -> None:
    document = parse_document(b"a: 1\rb: 2\r", "f.yaml")
    assert document.data == {"a": 1, "b": 2}
    assert document.key_span(("b",)) == Span(2, 1, 2, 2)


def test_non_string_keys_as_dagster_sees_them() -> None:
    document = parse_document("2: a\nnull: b\nyes: c\n0x10: d\n1.5: e\n", "f.yaml")
    assert document.data == {2: "a", None: "b", True: "c", 16: "d", 1.5: "e"}
    assert [type(key) for key in document.data] == [int, type(None), bool, int, float]
    assert document.key_span((True,)) == Span(3, 1, 3, 4)
    assert document.key_span((None,)) == Span(2, 1, 2, 5)
    assert document.value_span((16,)) == Span(4, 7, 4, 8)


def test_positions_through_aliases_and_merges() -> None:
    text = "base: &base\n  image: x\n  env: [A]\nlauncher:\n  <<: *base\n  image: y\ncopy: *base\nlist: [*base]\n"
    document = assert_reads_like_dagster(text)
    assert document.data["launcher"] == {"image": "y", "env": ["A"]}
    assert document.key_span(("launcher", "image")) == Span(6, 3, 6, 8)  # the written key wins
    assert document.key_span(("launcher", "env")) == Span(3, 3, 3, 6)  # merged: in the anchored mapping
    assert document.value_span(("copy",)) == Span(7, 7, 7, 12)  # the alias as written
    assert document.locate(("copy",), Target.VALUE) == Span(7, 7, 7, 12)
    assert document.value_span(("copy", "env", 0)) == Span(3, 9, 3, 10)  # inside: at the anchor
    assert document.value_span(("list", 0)) == Span(8, 8, 8, 13)
    assert document.locate(("launcher", "<<"), Target.KEY) == Span(4, 1, 4, 9)
    assert document.locate(("copy", "missing"), Target.KEY) == Span(7, 1, 7, 5)


def test_recursive_structures_can_be_located() -> None:
    document = parse_document("a: &a {<<: *a, x: 1}\nb: &b [1, *b]\n", "f.yaml")
    assert document.locate(("a", "x"), Target.VALUE) == Span(1, 19, 1, 20)
    assert document.locate(("b", 1, 1, 1, 1, 0), Target.VALUE) == Span(2, 8, 2, 9)


def test_empty_document_locates_at_the_start() -> None:
    document = parse_document("", "f.yaml")
    assert document.locate(("storage",), Target.KEY) == Span(1, 1, 1, 1)
    assert document.value_span(()) is None and document.key_span(("x",)) is None


# --------------------------------------------------------------------------------------------
# Duplicate keys.


def rule_findings(document: Document, rule: str) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.message) for f in document.findings if f.rule == rule]


def test_duplicate_key_keeps_the_last_like_dagster() -> None:
    document = assert_reads_like_dagster("storage: a\nrun_launcher: b\nstorage:\n  x: 1\n")
    assert document.data == {"storage": {"x": 1}, "run_launcher": "b"}
    assert rule_findings(document, "duplicate-key") == [
        (3, 1, "duplicate key `storage` (first defined at line 1); Dagster silently keeps this last one and "
               "ignores what comes before"),
    ]
    finding = document.findings[0]
    assert finding.span == Span(3, 1, 3, 8) and finding.key_path == ("storage",)
    assert finding.severity is Severity.ERROR and finding.path == "dagster.yaml"
    assert document.value_span(("storage",)) == Span(4, 3, 4, 7)


def test_duplicate_keys_nested_in_flow_and_repeated() -> None:
    text = "a:\n  b: {x: 1, y: 2, x: 3}\n  c: 1\n  c: 2\n  c: 3\n"
    document = assert_reads_like_dagster(text)
    assert rule_findings(document, "duplicate-key") == [
        (2, 19, "duplicate key `x` (first defined at line 2); Dagster silently keeps this last one and ignores "
                "what comes before"),
        (4, 3, "duplicate key `c` (first defined at line 3); Dagster silently ignores it and keeps the last one, "
               "at line 5"),
        (5, 3, "duplicate key `c` (first defined at line 3); Dagster silently keeps this last one and ignores "
               "what comes before"),
    ]
    assert [f.key_path for f in document.findings] == [("a", "b", "x"), ("a", "c"), ("a", "c")]


def test_duplicate_keys_that_differ_only_as_written() -> None:
    document = assert_reads_like_dagster("1: a\ntrue: b\n'1': c\n")
    assert document.data == {1: "b", "1": "c"}
    assert rule_findings(document, "duplicate-key") == [
        (2, 1, "duplicate key `true` (first defined at line 1 as `1`); Dagster silently keeps this last one "
               "and ignores what comes before"),
    ]


def test_merges_are_not_duplicates() -> None:
    text = ("a: &a {x: 1, y: 1}\nb: &b {x: 1}\n"
            "c:\n  <<: [*a, *b]\n  <<: *b\n  y: 3\n"  # overriding merged keys is what merges are for
            "d: &d {z: 1, z: 2}\ne: {<<: *d}\nf: {<<: *d}\n")  # reported once, where it is written
    document = assert_reads_like_dagster(text)
    assert document.data["c"] == {"x": 1, "y": 3}
    assert rule_findings(document, "duplicate-key") == [
        (7, 14, "duplicate key `z` (first defined at line 7); Dagster silently keeps this last one and ignores "
                "what comes before"),
    ]


@needs_dagster
def test_installed_pyyaml_is_the_release_the_reader_follows() -> None:
    assert INSTALLED_PYYAML == PYYAML_VERSION, (
        f"PyYAML {INSTALLED_PYYAML} is installed, the reader follows {PYYAML_VERSION} (linter/yaml11.py). Diff the two "
        "releases' constructor.py, composer.py and resolver.py, follow what changed, and update PYYAML_VERSION "
        "and the expectations of test_merged_values_per_pyyaml_release")


# Read with PyYAML 6.0.3 and 6.0.4 themselves (SafeLoader), each in a venv of its own; the 6.0.3 column is
# what the other reading would be, and a merged key where they differ is reported.
MERGES_BY_RELEASE = [
    # text of `c`'s merge, the value of `c` in 6.0.4, in 6.0.3
    ("a: &a {key: 1}\nb: &b {key: 2}\nc:\n  <<: [*a, *b]\n", {"key": 2}, {"key": 1}),
    ("a: &a {k: 1}\nb: &b {k: 2}\nc:\n  <<: [*a, *b]\n", {"k": 1}, {"k": 1}),
    ("a: &a {key: 1}\nb: &b {key: 2}\nc:\n  <<: *a\n  <<: *b\n", {"key": 2}, {"key": 2}),
    ("a: &a {k: 1}\nb: &b {k: 2}\nc:\n  <<: *a\n  <<: *b\n", {"k": 1}, {"k": 2}),
    ("a: &a {key: 1}\nc:\n  key: 3\n  <<: *a\n", {"key": 3}, {"key": 3}),
    ("a: &a {key: 1, x: 1}\nb: &b {<<: *a, key: 2}\nc:\n  <<: [*b, *a]\n", {"key": 2, "x": 1}, {"key": 2, "x": 1}),
    ("a: &a {key: 1}\nc:\n  <<: [*a, *a]\n", {"key": 1}, {"key": 1}),
    ("c:\n  <<: [{key: 1}, {key: 2}]\n", {"key": 2}, {"key": 1}),
    ("c:\n  <<: [{k: 1}, {k: 2}]\n", {"k": 1}, {"k": 1}),
]


@pytest.mark.parametrize(("text", "pyyaml_6_0_4", "pyyaml_6_0_3"), MERGES_BY_RELEASE)
def test_merged_values_per_pyyaml_release(text: str, pyyaml_6_0_4: dict, pyyaml_6_0_3: dict) -> None:
    document = assert_reads_like_dagster(text)
    assert document.data["c"] == pyyaml_6_0_4
    findings = rule_findings(document, "duplicate-key")
    if pyyaml_6_0_4 == pyyaml_6_0_3:
        assert findings == []
    else:
        [(line, column, message)] = findings
        merge_key_line = text.splitlines().index(next(row for row in text.splitlines() if "<<" in row)) + 1
        assert (line, column) == (merge_key_line, 3)
        assert "PyYAML 6.0.4 and newer keep the value at line" in message and "PyYAML 6.0.3 and older" in message


def test_duplicate_keys_never_crash() -> None:
    for text in ["? [a]\n: 1\n? [a]\n: 2\n", ".nan: 1\n.nan: 2\n", "a: &x {k: 1}\n*x : 1\n", "~: 1\nnull: 2\n"]:
        assert_reads_like_dagster(text)


# --------------------------------------------------------------------------------------------
# What Dagster cannot load.


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("a:\n  b: 1\n c: 2\n", 3, 2, "expected the end of the indented block, but found the start of a new "
                                     "mapping"),
        ("a: [1, 2\nb: 3\n", 2, 2, "expected `,` or `]`"),
        ('a: "abc\n', 1, 8, "found unexpected end of stream"),  # the end of the file: the end of its last line
        ("a: b: c\n", 1, 5, "mapping values are not allowed here"),
        ("a:\n\tb: 1\n", 2, 1, "found a tab that cannot start any token"),
        ("a:\t1\n", 1, 3, "found a tab that cannot start any token"),
        ("a: 1\n\t\n", 2, 1, "found a tab that cannot start any token"),  # even on a blank line
        ("a: 1\nfoo\n", 2, 4, "could not find expected `:` (while scanning a simple key started at line 2)"),
        ('a: "\\q"\n', 1, 6, "found unknown escape `q`"),
        ("a: *nope\n", 1, 4, "the alias `*nope` refers to no anchor `&nope` defined before it"),
        ("a: &x 1\nb: &x 2\n", 2, 4, "the anchor `&x` is defined a second time (first at line 1)"),
        ("a:\n  b: !custom 1\n", 2, 6, "cannot build a value tagged `!custom`"),
        ("a: !!python/object:os.system 1\n", 1, 4, "cannot build a value tagged `!!python/object:os.system`"),
        ("a: !!bool y\n", 1, 4, "`y` cannot be read as a boolean (`!!bool`)"),
        ("a: !!int 1e3\n", 1, 4, "`1e3` cannot be read as an integer (`!!int`)"),
        ("a: 0x_\n", 1, 4, "`0x_` cannot be read as an integer (`!!int`)"),
        ("a: =\n", 1, 4, "a plain `=` is the YAML 1.1 value key"),
        ("a: <<\n", 1, 4, "`<<` is a merge key in YAML 1.1"),
        ("? [a]\n: 1\n", 1, 3, "a sequence cannot be a key: Dagster's YAML loader fails with \"found unhashable "
                               'key"'),
        ("a: &x 1\nb:\n  <<: *x\n", 3, 7, "a merge key (`<<`) takes a mapping or a list of mappings"),
        ("a: &x [1]\nb: {<<: [*x]}\n", 2, 10, "a merge key (`<<`) takes mappings, but this is a sequence"),
        ("a: !!omap [{x: 1, y: 2}]\n", 1, 12, "`!!omap` needs a list of one-entry mappings"),
        ("a: !!map [x]\n", 1, 4, "`!!map` needs a mapping, but the value is a sequence"),
        ("a: 1\n---\nb: 2\n", 2, 1, "expected a single document, but found another one"),
        ("---\na: 1\n...\n--- x\n", 4, 1, "expected a single document, but found another one"),
        ("%YAML 2.0\n---\na: 1\n", 1, 1, "found incompatible YAML document"),
    ],
)
def test_what_dagster_rejects_is_a_syntax_finding(text: str, line: int, column: int, words: str) -> None:
    document = assert_reads_like_dagster(text)
    assert document.data is None
    [finding] = document.findings
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", line, column)
    assert words in finding.message
    assert "\\" not in finding.message and "'<" not in finding.message and "('" not in finding.message


def test_every_constructor_problem_is_reported() -> None:
    document = parse_document("a: !!int x\nb: !nope 1\nc: [!!float y]\n", "f.yaml")
    assert [(f.rule, f.line) for f in document.findings] == [("yaml-syntax", line) for line in (1, 2, 3)]


@pytest.mark.parametrize(
    ("text", "kind", "span"),
    [("- a\n- b\n", "a list", Span(1, 1, 1, 2)), ("hello\n", "a string", Span(1, 1, 1, 2)),
     ("42\n", "an integer", Span(1, 1, 1, 2)), ("true\n", "a boolean", Span(1, 1, 1, 2)),
     ("!!set {a}\n", "a set", Span(1, 1, 1, 2)), ("1.5\n", "a float", Span(1, 1, 1, 2)),
     ("# c\n\n  - a\n", "a list", Span(3, 3, 3, 4))],
)
def test_a_root_that_is_not_a_mapping(text: str, kind: str, span: Span) -> None:
    document = assert_reads_like_dagster(text)
    [finding] = document.findings
    assert finding.rule == "invalid-type" and finding.span == span
    assert finding.message == f"the instance config must be a mapping of keys, got {kind}"


@pytest.mark.parametrize("text", ["", " \n  \n", "# just a comment\n\n# another\n", "---\n", "---\n...\n",
                                  "[]\n", "{}\n", "false\n", "~\n", "0\n", "''\n", "!!binary ''\n"])
def test_what_dagster_reads_as_an_empty_config(text: str) -> None:
    document = assert_reads_like_dagster(text)
    assert document.data == {} and document.findings == []


def test_invalid_utf8_is_reported_at_the_first_bad_byte() -> None:
    raw = "a: 1\r\nb: café\r\n".encode("utf-8") + b"c: caf\xe9 x\r\n"
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf8")  # what Dagster's `open(path, encoding="utf8")` does with it
    document = parse_document(raw, "f.yaml")
    assert document.data is None
    [finding] = document.findings
    assert finding.rule == "yaml-syntax" and finding.span == Span(3, 7, 3, 8)
    assert finding.message.startswith("the file is not UTF-8 text: byte 0xe9 cannot be decoded")
    assert document.line_text(3) == "c: caf\ufffd x"


def test_utf16_is_named() -> None:
    [finding] = parse_document("a: 1\n".encode("utf-16"), "f.yaml").findings
    assert finding.message.startswith("the file is not UTF-8 text (it looks like UTF-16)")
    assert finding.span == Span(1, 1, 1, 2)


@pytest.mark.parametrize(("source", "span", "what"), [
    (b"a: 1\nb: x\x00y\n", Span(2, 5, 2, 6), "a NUL byte"),
    ("a: 1\nb: \x07\n", Span(2, 4, 2, 5), "the control character U+0007"),
    (b"PNG\r\n\x1a\n\x00\x00", Span(2, 1, 2, 2), "the control character U+001A"),
])
def test_binary_content_is_reported(source: str | bytes, span: Span, what: str) -> None:
    if isinstance(source, str) and yaml is not None:
        with pytest.raises(yaml.YAMLError):
            yaml.load(source, Loader=DagsterYamlLoader)
    document = parse_document(source, "f.yaml")
    [finding] = document.findings
    assert finding.rule == "yaml-syntax" and finding.span == span and what in finding.message


# --------------------------------------------------------------------------------------------
# Hostile input: bounded time and memory, never a traceback.


def parse_timed(text: str) -> tuple[Document, float]:
    start = time.perf_counter()
    document = parse_document(text, "f.yaml")
    return document, time.perf_counter() - start


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi")
)


def test_alias_bomb_is_bounded() -> None:
    tracemalloc.start()
    document, seconds = parse_timed(BILLION_LAUGHS)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 5 and peak < 20_000_000  # does not hang or blow up; speed is benchmarked, not tested
    [finding] = document.findings
    assert finding.rule == "invalid-value" and "billion laughs" in finding.message
    assert document.data is None


def test_merge_bomb_is_bounded() -> None:
    """10^8 merged entries for PyYAML 6.0.3; 6.0.4 merges an aliased entry once, so it reads the file at once."""
    text = "a: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(10)) + "}\n" + "".join(
        f"m{level}: &m{level} {{<<: [{', '.join([f'*m{level - 1}'] * 10)}]}}\n" for level in range(1, 9)
    )
    document, seconds = parse_timed(text)
    assert seconds < 5  # does not hang
    assert document.findings == []
    assert document.data["m8"] == {f"k{i}": i for i in range(10)}
    assert_reads_like_dagster(text)


def test_shared_aliases_build_one_object_each() -> None:
    document = parse_document("a: &a {x: [1]}\nb: *a\nc: [*a, *a]\n", "f.yaml")
    assert document.data["b"] is document.data["a"] is document.data["c"][1]


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {k: *a}\n", "a: &a [[[*a]]]\n", "&r [*r]\n"])
def test_recursive_aliases_terminate(text: str) -> None:
    document, seconds = parse_timed(text)
    assert seconds < 5  # does not hang
    [finding] = document.findings
    assert finding.rule == "invalid-value" and "contains it" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "{a: " * 10_000 + "1" + "}" * 10_000,
        "- " * 10_000 + "x\n",
        "? " * 10_000 + "x\n",  # nested block mappings on one line
        "".join(" " * level + "k:\n" for level in range(1_500)),  # nested block mappings, indented
        "a: " + "[" * 10_000,  # unclosed as well
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences", "block-mappings", "indented-mappings", "unclosed"],
)
def test_deep_nesting_is_a_finding_not_a_recursion_error(text: str) -> None:
    document, seconds = parse_timed(text)
    assert seconds < 5  # does not hang
    [finding] = document.findings
    assert finding.rule == "yaml-syntax"
    assert f"nests more than {MAX_DEPTH} levels deep" in finding.message
    if DagsterYamlLoader is not None:
        assert dagster_load(text)[0] == "error"


def test_nesting_dagster_can_read_is_read() -> None:
    depth = MAX_DEPTH - 100  # PyYAML's own limit depends on the caller's stack depth
    assert_reads_like_dagster("a: " + "[" * depth + "1" + "]" * depth + "\n")


def test_deep_nesting_through_aliases_is_a_finding() -> None:
    text = "a0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, MAX_DEPTH + 5))
    document, seconds = parse_timed(text)
    assert seconds < 5  # does not hang
    assert [f.rule for f in document.findings] == ["invalid-value"]
    assert f"nests more than {MAX_DEPTH} levels deep" in document.findings[0].message


# --------------------------------------------------------------------------------------------
# Speed and dependencies.

EIGHTY_LINES = """\
# A production-like dagster.yaml
storage:
  postgres:
    postgres_db:
      username: {env: DAGSTER_PG_USERNAME}
      password: {env: DAGSTER_PG_PASSWORD}
      hostname: {env: DAGSTER_PG_HOST}
      db_name: dagster
      port: 5432
      params:
        sslmode: require
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 25
    tag_concurrency_limits:
      - key: "operation"
        value: "example"
        limit: 5
      - key: "team"
        value: {applyLimitPerUniqueValue: true}
        limit: 2
run_launcher:
  module: dagster_k8s
  class: K8sRunLauncher
  config:
    service_account_name: dagster
    job_image: "registry.example.com/dagster:1.13.27"
    dagster_home: /opt/dagster/dagster_home
    instance_config_map: dagster-instance
    postgres_password_secret: dagster-postgresql-secret
    image_pull_policy: Always
    env_config_maps:
      - dagster-pipeline-env
    env_secrets:
      - dagster-aws-credentials
    env_vars:
      - "AWS_REGION=us-east-1"
      - DAGSTER_CLOUD=false
    volume_mounts:
      - name: config
        mountPath: /opt/dagster/config
        readOnly: true
    volumes:
      - name: config
        configMap:
          name: dagster-config
    labels:
      team: data
      cost-center: "1234"
    resources:
      limits: {cpu: 500m, memory: 1Gi}
      requests: {cpu: 250m, memory: 512Mi}
    run_k8s_config:
      pod_spec_config:
        node_selector: {disktype: ssd}
compute_logs:
  module: dagster_aws.s3.compute_log_manager
  class: S3ComputeLogManager
  config:
    bucket: "dagster-logs"
    prefix: "compute-logs/"
    local_dir: "/tmp/compute-logs"
    use_ssl: true
    skip_empty_files: true
    upload_interval: 30
scheduler:
  module: dagster.core.scheduler
  class: DagsterDaemonScheduler
telemetry:
  enabled: false
retention:
  schedule:
    purge_after_days: 90
  sensor:
    purge_after_days:
      skipped: 7
      failure: 30
      success: -1
"""


def test_an_eighty_line_config_reads_like_dagster() -> None:
    assert EIGHTY_LINES.count("\n") == 80
    assert_reads_like_dagster(EIGHTY_LINES)


def test_runtime_imports_neither_pyyaml_nor_dagster() -> None:
    import subprocess

    code = ("import sys, linter.document as d; d.parse_document('a: 1', 'f'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'dagster', 'dagster_shared')))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parent.parent).stdout
    assert output.strip() == "[]"


def test_a_problem_repeated_through_the_file_is_one_finding() -> None:
    """Dagster's loader stops at the first; a file full of CloudFormation tags gets one finding per tag."""
    text = "a: !Ref x\nb:\n  c: !Sub y\n  d: !Ref z\ne: [!Ref w]\n"
    document = assert_reads_like_dagster(text)
    assert rule_findings(document, "yaml-syntax") == [
        (1, 4, "Dagster's YAML loader (PyYAML SafeLoader) cannot build a value tagged `!Ref`; it fails with "
               "\"could not determine a constructor\" (the same at 2 more places: lines 4, 5)"),
        (3, 6, "Dagster's YAML loader (PyYAML SafeLoader) cannot build a value tagged `!Sub`; it fails with "
               "\"could not determine a constructor\""),
    ]
