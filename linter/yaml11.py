"""YAML 1.1 exactly as Dagster reads it, stated once.

Dagster loads `dagster.yaml` with PyYAML's pure-Python `SafeLoader` minus the implicit timestamp
resolver (`dagster_shared.yaml_utils.DagsterYamlLoader`). The runtime may not import PyYAML, so this
module reproduces it on top of ruamel.yaml.

Which PyYAML: Dagster asks only for `PyYAML>=5.1`, so a fresh `pip install dagster` gets the newest,
6.0.4 (2026-11-20), and the reader follows it (`PYYAML_VERSION`). 6.0.4 differs from 6.0.3 in one
place, `SafeConstructor.flatten_mapping` (the diff of the two releases' `constructor.py`; the composer,
resolver, scanner and parser are unchanged): of the entries merged into one mapping by `<<` it keeps
the first per key *object*, in written order, where 6.0.3 kept all of them with a list of merged
mappings reversed. So a key that two merged mappings both define keeps the later mapping's value in
6.0.4 (the earlier one's in 6.0.3), except for one-character keys (CPython shares those strings, so
6.0.4 keeps the first). `document.py` reads as 6.0.4 and reports, as `duplicate-key`, every merged key
whose value the two versions read differently, since Dagster deployments run both.

* `iter_events`: ruamel's reader, scanner and parser (a fork of PyYAML's) in YAML 1.1 mode, with the
  few lexical rules where ruamel follows YAML 1.2 put back to PyYAML 6's.
* `resolve_plain`: PyYAML's implicit resolvers (the regexps below are copied verbatim).
* `construct_scalar`: PyYAML SafeConstructor's scalar constructors, same parsing, same failures.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from collections.abc import Iterator
from typing import Any

import ruamel.yaml.parser
import ruamel.yaml.reader
import ruamel.yaml.scanner
from ruamel.yaml.docinfo import DocInfo
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.tokens import ScalarToken

PYYAML_VERSION = "6.0.4"  # the PyYAML release this module and document.py reproduce (see above)

TAG = "tag:yaml.org,2002:"
NULL, BOOL, INT, FLOAT, STR = TAG + "null", TAG + "bool", TAG + "int", TAG + "float", TAG + "str"
BINARY, TIMESTAMP, MERGE, VALUE = TAG + "binary", TAG + "timestamp", TAG + "merge", TAG + "value"
SEQ, MAP, SET, OMAP, PAIRS = TAG + "seq", TAG + "map", TAG + "set", TAG + "omap", TAG + "pairs"
SCALAR_TAGS = frozenset({NULL, BOOL, INT, FLOAT, STR, BINARY, TIMESTAMP})
COLLECTION_TAGS = frozenset({SEQ, MAP, SET, OMAP, PAIRS})

# PyYAML's reader rejects any other character anywhere in the stream before parsing anything.
# PyYAML's class is [^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]; compiling that
# negated set of wide ranges takes ~5 ms at every start, its complement (the same characters) ~0.5 ms.
# tests/test_schema_fast.py::test_non_printable_is_pyyamls_class checks them equal on every code point.
NON_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


# PyYAML's composer recurses twice per nesting level and hits Python's default recursion limit at
# about 490 levels from an empty stack (measured, PyYAML 6.0.3). Dagster calls it with its own frames
# on the stack (CLI, daemon, webserver), so its limit is lower and varies; 400 leaves ~180 frames.
MAX_DEPTH = 400
TOO_DEEP = (f"the document nests more than {MAX_DEPTH} levels deep; Dagster's YAML loader (PyYAML) fails with "
            "a RecursionError at about this depth")


class YamlProblem(Exception):
    """Why PyYAML would refuse the text, and the offset in the text where it would say so."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


# ---------------------------------------------------------------------------------------------
# Implicit resolution of plain scalars: PyYAML's `Resolver`, minus the timestamp resolver.
# A resolver is chosen by the scalar's first character; the first regexp that matches wins.

_BOOL_RE = re.compile(
    r"""^(?:yes|Yes|YES|no|No|NO
        |true|True|TRUE|false|False|FALSE
        |on|On|ON|off|Off|OFF)$""",
    re.X,
)
_FLOAT_RE = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
        |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT_RE = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+
        |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
    re.X,
)
_MERGE_RE = re.compile(r"^(?:<<)$")
_NULL_RE = re.compile(r"""^(?: ~ |null|Null|NULL | )$""", re.X)
_VALUE_RE = re.compile(r"^(?:=)$")
_YAML_RE = re.compile(r"^(?:!|&|\*)$")  # PyYAML registers it "for documentation"; `! '*'` reaches it

_RESOLVERS_BY_FIRST_CHAR: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _regexp, _first_chars in (  # registration order = PyYAML's, which decides ties
    (BOOL, _BOOL_RE, "yYnNtTfFoO"),
    (FLOAT, _FLOAT_RE, "-+0123456789."),
    (INT, _INT_RE, "-+0123456789"),
    (MERGE, _MERGE_RE, "<"),
    (NULL, _NULL_RE, ["~", "n", "N", ""]),
    (VALUE, _VALUE_RE, "="),
    (TAG + "yaml", _YAML_RE, "!&*"),
):
    for _char in _first_chars:
        _RESOLVERS_BY_FIRST_CHAR.setdefault(_char, []).append((_tag, _regexp))


def resolve_plain(value: str) -> str:
    """The tag PyYAML gives an untagged plain scalar (or one tagged with the bare `!`)."""
    for tag, regexp in _RESOLVERS_BY_FIRST_CHAR.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return STR


# ---------------------------------------------------------------------------------------------
# Scalar constructors: PyYAML `SafeConstructor.construct_yaml_*`, including how they fail.

_BOOL_VALUES = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}


def _infinity() -> float:
    value = 1e300
    while value != value * value:
        value *= value
    return value


INF = _infinity()
NAN = -INF / INF  # one shared object, as PyYAML's `nan_value`: two `.nan` keys are the same key

# Compiled on first use (re's own cache): Dagster's loader never resolves a timestamp, so only an
# explicit `!!timestamp` tag needs it.
_TIMESTAMP = (
    r"""^(?P<year>[0-9][0-9][0-9][0-9])
        -(?P<month>[0-9][0-9]?)
        -(?P<day>[0-9][0-9]?)
        (?:(?:[Tt]|[ \t]+)
        (?P<hour>[0-9][0-9]?)
        :(?P<minute>[0-9][0-9])
        :(?P<second>[0-9][0-9])
        (?:\.(?P<fraction>[0-9]*))?
        (?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)
        (?::(?P<tz_minute>[0-9][0-9]))?))?)?$"""
)


def _int(text: str) -> int:
    value = text.replace("_", "")
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == "0":
        return 0
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if value[0] == "0":
        return sign * int(value, 8)
    if ":" in value:
        return sign * _sexagesimal([int(part) for part in value.split(":")], 0)
    return sign * int(value)


def _float(text: str) -> float:
    value = text.replace("_", "").lower()
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == ".inf":
        return sign * INF
    if value == ".nan":
        return NAN
    if ":" in value:
        return sign * _sexagesimal([float(part) for part in value.split(":")], 0.0)
    return sign * float(value)


def _sexagesimal(digits: list, total: Any) -> Any:
    base = 1
    for digit in reversed(digits):
        total += digit * base
        base *= 60
    return total


def _binary(text: str) -> bytes:
    return base64.decodebytes(text.encode("ascii"))


def _timestamp(text: str) -> datetime.date:
    values = re.match(_TIMESTAMP, text, re.X).groupdict()  # type: ignore[union-attr]  # no match fails, as in PyYAML
    year, month, day = int(values["year"]), int(values["month"]), int(values["day"])
    if not values["hour"]:
        return datetime.date(year, month, day)
    fraction = int(values["fraction"][:6].ljust(6, "0")) if values["fraction"] else 0
    tzinfo = None
    if values["tz_sign"]:
        delta = datetime.timedelta(hours=int(values["tz_hour"]), minutes=int(values["tz_minute"] or 0))
        tzinfo = datetime.timezone(-delta if values["tz_sign"] == "-" else delta)
    elif values["tz"]:
        tzinfo = datetime.timezone.utc
    hour, minute, second = int(values["hour"]), int(values["minute"]), int(values["second"])
    return datetime.datetime(year, month, day, hour, minute, second, fraction, tzinfo=tzinfo)


_SCALAR_CONSTRUCTORS = {
    NULL: lambda text: None,
    BOOL: lambda text: _BOOL_VALUES[text.lower()],
    INT: _int,
    FLOAT: _float,
    STR: lambda text: text,
    BINARY: _binary,
    TIMESTAMP: _timestamp,
}
_READS_AS = {NULL: "null", BOOL: "a boolean", INT: "an integer", FLOAT: "a float", BINARY: "base64 data",
             TIMESTAMP: "a timestamp"}


def construct_scalar(tag: str, text: str) -> Any:
    """The value PyYAML's SafeLoader builds for a scalar with this tag; ValueError where it fails."""
    try:
        return _SCALAR_CONSTRUCTORS[tag](text)
    except (ValueError, IndexError, KeyError, AttributeError, OverflowError, binascii.Error) as error:
        raise ValueError(f"{_quote(text)} cannot be read as {_READS_AS[tag]} (`{short_tag(tag)}`)") from error


def short_tag(tag: str) -> str:
    return "!!" + tag[len(TAG):] if tag.startswith(TAG) else tag


def _quote(text: str) -> str:
    return f"`{text}`" if text and len(text) <= 40 and "`" not in text and "\n" not in text else "the value"


# ---------------------------------------------------------------------------------------------
# The event stream: ruamel's reader/scanner/parser with PyYAML 6's lexical rules.

_BREAKS = "\r\n\x85\u2028\u2029"
_END = "\0 \t" + _BREAKS


class _Reader(ruamel.yaml.reader.Reader):
    def forward(self, length: int = 1) -> None:
        """PyYAML counts NEL, LS and PS as line breaks; it matters to the one-line rule of simple keys."""
        if self.pointer + length + 1 >= len(self.buffer):
            self.update(length + 1)
        buffer = self.buffer
        while length:
            char = buffer[self.pointer]
            self.pointer += 1
            self.index += 1
            if char in "\n\x85\u2028\u2029" or (char == "\r" and buffer[self.pointer] != "\n"):
                self.line += 1
                self.column = 0
            elif char != "\ufeff":
                self.column += 1
            length -= 1


class _Scanner(ruamel.yaml.scanner.Scanner):
    """ruamel's scanner where PyYAML 6 scans differently (each method is PyYAML's logic)."""

    reader: Any = None  # plain attributes instead of ruamel's per-call property lookups
    scanner_processing_version = (1, 1)

    def __init__(self, loader: _Loader) -> None:
        self.reader = loader.reader
        super().__init__(loader)

    def fetch_flow_collection_start(self, token_class: Any, to_push: str) -> None:
        """Stop at Dagster's depth limit: deeper flow nesting also makes simple-key tracking quadratic."""
        if self.flow_level >= MAX_DEPTH:
            raise ruamel.yaml.scanner.ScannerError(None, None, TOO_DEEP, self.reader.get_mark())
        super().fetch_flow_collection_start(token_class, to_push)

    def scan_to_next_token(self) -> None:
        """Only spaces separate tokens: PyYAML rejects a tab before a token, even in flow context.

        (PyYAML also skips a BOM at offset 0 here: `iter_events` gets the text with that BOM removed.)
        """
        peek, forward = self.reader.peek, self.reader.forward
        while True:
            while peek() == " ":
                forward()
            if peek() == "#":
                while peek() not in "\0" + _BREAKS:
                    forward()
            if not self.scan_line_break():
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def scan_anchor(self, token_class: Any) -> Any:
        """Anchor and alias names are ASCII letters, digits, `-` and `_` (so `*a:` is an alias key)."""
        reader = self.reader
        start_mark = reader.get_mark()
        name = "alias" if reader.peek() == "*" else "anchor"
        reader.forward()
        length = 0
        char = reader.peek(length)
        while "0" <= char <= "9" or "A" <= char <= "Z" or "a" <= char <= "z" or char in "-_":
            length += 1
            char = reader.peek(length)
        if not length or char not in _END + "?:,]}%@`":
            reader.forward(length)
            raise ruamel.yaml.scanner.ScannerError(
                f"while scanning an {name}", start_mark,
                f"expected alphabetic or numeric character, but found {char!r}", reader.get_mark(),
            )
        value = reader.prefix(length)
        reader.forward(length)
        return token_class(value, start_mark, reader.get_mark())

    def scan_plain(self) -> Any:
        """In flow context `:` ends a plain scalar before a space or `,[]{}`; otherwise it is content."""
        reader = self.reader
        peek = reader.peek
        chunks: list[str] = []
        start_mark = end_mark = reader.get_mark()
        indent = self.indent + 1
        spaces: list[str] = []
        stops_after_colon = _END + (",[]{}" if self.flow_level else "")
        while peek() != "#":
            length = 0
            while True:
                char = peek(length)
                if char in _END or (char == ":" and peek(length + 1) in stops_after_colon) or (
                    self.flow_level and char in ",?[]{}"
                ):
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces)
            chunks.append(reader.prefix(length))
            reader.forward(length)
            end_mark = reader.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if not spaces or peek() == "#" or (not self.flow_level and reader.column < indent):
                break
        return ScalarToken("".join(chunks), True, start_mark, end_mark)

    def scan_block_scalar_indentation(self) -> Any:
        """PyYAML accepts leading blank lines of any indentation in a block scalar."""
        reader = self.reader
        chunks = []
        max_indent = 0
        end_mark = reader.get_mark()
        while reader.peek() in " " + _BREAKS:
            if reader.peek() != " ":
                chunks.append(self.scan_line_break())
                end_mark = reader.get_mark()
            else:
                reader.forward()
                max_indent = max(max_indent, reader.column)
        return chunks, max_indent, end_mark


class _Parser(ruamel.yaml.parser.Parser):
    scanner: Any = None  # plain attributes instead of ruamel's per-call property lookups
    resolver: Any = None


class _Loader:
    """The object ruamel's components use to find each other, set for YAML 1.1."""

    typ = "safe"
    processing_version = (1, 1)
    comment_handling = None
    top_level_block_style_scalar_no_indent_error_1_1 = True  # PyYAML: a block scalar needs indentation

    def __init__(self, text: str) -> None:
        self.resolver = self
        self.doc_infos = [DocInfo(requested_version=None, doc_version=None)]
        self.reader = self._reader = _Reader(text, self)
        self.scanner = self._scanner = _Scanner(self)
        self.parser = self._parser = _Parser(self)
        self.parser.scanner, self.parser.resolver = self.scanner, self


def iter_events(text: str) -> Iterator[Any]:
    """ruamel events for `text`, where PyYAML fails a YamlProblem.

    `text` has been checked with NON_PRINTABLE and has lost the one leading BOM PyYAML skips, so that
    marks are offsets into it.
    """
    parser = _Loader(text).parser
    try:
        while parser.check_event():
            yield parser.get_event()
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlProblem(describe_error(error), mark.index if mark else 0) from None


_TOKEN_NAME = r"<[a-z ]+>"  # these two are compiled on first use (re's cache): only for messages
_TOKEN_WORDS = {
    "<stream end>": "the end of the file",
    "<block end>": "the end of the indented block",
    "<block mapping start>": "the start of a new mapping",
    "<block sequence start>": "the start of a new list",
    "<document start>": "`---`",
    "<document end>": "`...`",
    "<scalar>": "a value",
    "<alias>": "an alias (`*name`)",
    "<anchor>": "an anchor (`&name`)",
    "<tag>": "a tag (`!name`)",
    "<directive>": "a directive (`%...`)",
    "<block entry>": "`-`",
}
_CHAR_WORDS = {"\t": "a tab", "\0": "the end of the file", "\n": "a line break", "\r": "a line break",
               " ": "a space"}
_QUOTED = r"""(?:character )?\(?'((?:[^'\\]|\\.)*)',?\)?|(?:character )?"((?:[^"\\]|\\.)*)\""""


_HINTS = {
    "found character '\\t' that cannot start any token": "Dagster's YAML loader allows no tab before a key or a "
                                                         "value; indent with spaces",
    "mapping values are not allowed here": "is there a `: ` in an unquoted value, or a key indented too far?",
}


def describe_error(error: MarkedYAMLError) -> str:
    """The parser's problem (and context) in plain words: no Python reprs, no token ids."""
    problem = error.problem or error.context or "invalid YAML"
    message = _plain_words(problem)
    if error.context and error.problem and error.context_mark is not None:
        message += f" ({_plain_words(error.context)} started at line {error.context_mark.line + 1})"
    hint = _HINTS.get(problem)
    return f"{message}: {hint}" if hint else message


def _plain_words(text: str) -> str:
    text = re.sub(_QUOTED, _word_for_quoted, text.strip())
    return re.sub(_TOKEN_NAME, lambda match: _TOKEN_WORDS.get(match.group(), match.group()), text)


def _word_for_quoted(match: re.Match[str]) -> str:
    inner = match.group(1) if match.group(1) is not None else match.group(2)
    if inner in _TOKEN_WORDS:
        return _TOKEN_WORDS[inner]
    char = inner.encode("latin-1", "backslashreplace").decode("unicode_escape") if "\\" in inner else inner
    if char in _CHAR_WORDS:
        return _CHAR_WORDS[char]
    if len(char) == 1 and not char.isprintable():
        return f"the character U+{ord(char):04X}"
    return f"`{char}`"
