"""Inline suppressions: `# instance-lint: disable=RULE[,RULE]` and its two siblings.

- `disable=` at the end of a line: findings on that line.
- `disable-next-line=` on a line of its own: the next line with content; when that line holds a key,
  the key and everything under it (the extent of its value, from the document's spans).
- `disable-file=` anywhere: the whole file.

Only real YAML comments count: a `#` that starts a comment follows whitespace or starts the line, and is
not inside a scalar (a quoted or block scalar may hold `# instance-lint: …` as text). A suppression
(or one rule of it) that suppressed nothing becomes an `unused-suppression` finding at the comment,
like ruff's unused-noqa; so does a rule name that does not exist.
"""

from __future__ import annotations

from linter.words import close_matches
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from linter.document import Document
from linter.findings import Finding, Span
from linter.rulebook import RULES, severity_of

UNUSED = "unused-suppression"

SUPPRESSION = re.compile(
    r"(?:^|(?<=[ \t]))\#[ \t]*instance-lint:[ \t]*(?P<kind>disable-next-line|disable-file|disable)"
    r"[ \t]*=[ \t]*(?P<rules>[\w-]+(?:[ \t]*,[ \t]*[\w-]+)*)"
)

# The same pattern over the whole text, `^` at every line start: it matches wherever a line matches.
_ANY_SUPPRESSION = re.compile(SUPPRESSION.pattern, re.MULTILINE)


@dataclass(frozen=True)
class Suppression:
    kind: str  # "disable", "disable-next-line" or "disable-file"
    rules: tuple[str, ...]
    span: Span  # the comment, for reporting it
    first_line: int  # the lines it covers, inclusive
    last_line: int

    def covers(self, finding: Finding) -> bool:
        return self.kind == "disable-file" or self.first_line <= finding.line <= self.last_line


def find_suppressions(document: Document) -> list[Suppression]:
    if "instance-lint" not in document.text or not _ANY_SUPPRESSION.search(document.text):
        return []  # the common case (even with `instance-lint` in a comment): skip walking the document
    scalars = _scalar_spans(document)
    unread = not isinstance(document.data, dict)  # no spans to go by: fall back to quotes on the line
    key_extents = _key_extents(document)
    lines = document.text.split("\n")
    found = []
    for number, line in enumerate(lines, start=1):
        if "instance-lint" not in line:
            continue
        for match in SUPPRESSION.finditer(line):
            column = match.start() + 1
            if _inside_scalar(scalars, number, column) or (unread and _inside_quotes(line, match.start())):
                continue
            span = Span(number, column, number, match.end() + 1)
            rules = tuple(part.strip() for part in match["rules"].split(","))
            kind = match["kind"]
            first = last = number
            if kind == "disable-next-line":
                first = last = _next_content_line(lines, number)
                last = key_extents.get(first, last)
            found.append(Suppression(kind, rules, span, first, last))
            break  # one suppression comment per line
    return found


def apply_suppressions(
    document: Document, findings: list[Finding], is_enabled: Callable[[str], bool]
) -> list[Finding]:
    """The findings no suppression covers, plus `unused-suppression` findings (if that rule is enabled)."""
    suppressions = find_suppressions(document)
    if not suppressions:
        return findings
    used: set[tuple[int, str]] = set()
    kept = []
    for finding in findings:
        hits = [(index, finding.rule) for index, s in enumerate(suppressions)
                if finding.rule in s.rules and s.covers(finding)]
        used.update(hits)
        if not hits:
            kept.append(finding)
    if is_enabled(UNUSED):
        for unused in _unused(document, suppressions, used, is_enabled):
            if not any(UNUSED in s.rules and s.covers(unused) for s in suppressions):
                kept.append(unused)
    return kept


def _unused(document: Document, suppressions: list[Suppression], used: set[tuple[int, str]],
            is_enabled: Callable[[str], bool]) -> Iterator[Finding]:
    for index, suppression in enumerate(suppressions):
        for rule in suppression.rules:
            if rule not in RULES:
                close = close_matches(rule, list(RULES), n=1, cutoff=0.6)
                message = f"`{rule}` in this `{suppression.kind}` comment is not a rule, so it suppresses nothing"
                if close:
                    message += f"; did you mean `{close[0]}`?"
                yield _finding(document, suppression, message, close[0] if close else None)
            elif rule == UNUSED or (index, rule) in used or not is_enabled(rule):
                continue  # a rule not enabled in this run has nothing to suppress, and that is fine
            else:
                where = {"disable": "on this line", "disable-file": "in this file",
                         "disable-next-line": _lines_phrase(suppression)}[suppression.kind]
                yield _finding(document, suppression,
                               f"unused suppression: no `{rule}` finding {where}; remove `{rule}` from the comment")


def _lines_phrase(suppression: Suppression) -> str:
    if suppression.first_line == suppression.last_line:
        return f"on line {suppression.first_line}"
    return f"on lines {suppression.first_line}-{suppression.last_line}"


def _finding(document: Document, suppression: Suppression, message: str, suggestion: str | None = None) -> Finding:
    return Finding(document.filename, suppression.span, severity_of(UNUSED), UNUSED, message, (), suggestion)


# ---------------------------------------------------------------------------------------------
# What the document knows: where its scalars and keys are written.


def _walk(data, path: tuple = (), seen: set | None = None) -> Iterator[tuple[tuple, object]]:
    """(key path, value) of every node under `data`; shared (aliased) collections are walked once."""
    seen = set() if seen is None else seen
    if isinstance(data, (dict, list)):
        if id(data) in seen:
            return
        seen.add(id(data))
        items = data.items() if isinstance(data, dict) else enumerate(data)
        for part, value in items:
            yield path + (part,), value
            yield from _walk(value, path + (part,), seen)


def _scalar_spans(document: Document) -> list[Span]:
    if not isinstance(document.data, dict):
        return []
    spans = []
    for path, value in _walk(document.data):
        if isinstance(path[-1], str) and (key := document.key_span(path)) is not None:
            spans.append(key)
        if not isinstance(value, (dict, list)) and (written := document.value_span(path)) is not None:
            spans.append(written)
    return spans


def _key_extents(document: Document) -> dict[int, int]:
    """For each line where a key is written first on its line: the last line of that key's value."""
    if not isinstance(document.data, dict):
        return {}
    extents: dict[int, tuple[int, int]] = {}  # line -> (column of the key, last line)
    for path, _ in _walk(document.data):
        key = document.key_span(path) if not isinstance(path[-1], int) else None
        if key is None:
            continue
        value = document.value_span(path)
        last = max(key.end_line, value.end_line if value is not None else key.end_line)
        if key.line not in extents or key.column < extents[key.line][0]:
            extents[key.line] = (key.column, last)
    return {line: last for line, (_, last) in extents.items()}


def _inside_scalar(spans: list[Span], line: int, column: int) -> bool:
    return any((s.line, s.column) <= (line, column) < (s.end_line, s.end_column) for s in spans)


def _inside_quotes(line: str, index: int) -> bool:
    """For a file the document could not read (no spans): a `#` inside quotes on its own line."""
    quote = None
    for char in line[:index]:
        if quote is None and char in "\"'":
            quote = char
        elif char == quote:
            quote = None
    return quote is not None


def _next_content_line(lines: list[str], number: int) -> int:
    for following in range(number + 1, len(lines) + 1):
        stripped = lines[following - 1].strip()
        if stripped and not stripped.startswith("#"):
            return following
    return number + 1
