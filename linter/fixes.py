"""`check --fix`: apply the replacements findings suggest, as edits of the file's own text.

A finding is fixable when its rule has a fix (`RuleInfo.fix`) and it carries a suggestion; the
suggestion replaces the text its span points at (the key, or the scalar value), and nothing else in
the file changes: comments, order, quoting, indentation, line endings and a BOM stay as written.

Whether a fix is applied without `--unsafe-fixes` is the rule's `Fix` (its docs say which):
- SAFE: the replacement says what the user evidently meant (a misspelt key or class with its one
  close match, `{ VAR }` -> `{env: VAR}`, a public module path for `dagster.core.*`);
- SAME_READING: safe when Dagster reads the replacement as it reads the text now (writing `true`
  for `yes`), else unsafe (quoting `on` makes a different key);
- UNSAFE: a guess that changes what Dagster reads (another variable name, another enum value).

Fixes are applied in passes until none is left (a second run changes nothing); a pass is kept only
if the result still reads as YAML without new errors, so a fix never makes a file worse. A file with
a `yaml-syntax` error is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from linter.document import Document, parse_document
from linter.findings import Finding, Severity, Target
from linter.rulebook import RULES, Fix
from linter.yaml_loader import read_yaml

MAX_PASSES = 10
_QUOTES = ("'", '"')


class Edit(NamedTuple):
    start: int  # offsets in the document's text ("\n" line ends)
    end: int
    text: str


class Fixed(NamedTuple):
    text: str  # the file's text after the fixes, in its own line endings, BOM included
    applied: list[Finding]  # the findings whose fixes were applied, in every pass


def applicability(finding: Finding, document: Document) -> bool | None:
    """True: a safe fix; False: an unsafe one; None: no fix (or not one this text allows)."""
    fix = RULES[finding.rule].fix if finding.rule in RULES else None
    if fix is None or finding.suggestion is None or edit_for(finding, document) is None:
        return None
    if fix is Fix.SAME_READING:
        return _reads_the_same(finding, document)
    return fix is Fix.SAFE


def fix_text(raw: str, filename: str, lint: Callable[[str], list[Finding]], unsafe: bool) -> Fixed:
    """`raw` with every applicable fix applied; unchanged when there is none or it has a syntax error."""
    bom, text = ("\ufeff", raw[1:]) if raw.startswith("\ufeff") else ("", raw)
    newline = "\r\n" if "\r\n" in text else "\n"
    applied: list[Finding] = []
    findings = lint(bom + text)
    for _ in range(MAX_PASSES):
        if any(f.rule == "yaml-syntax" for f in findings):
            break
        document = parse_document(text, filename)
        candidates: list[tuple[Finding, Edit]] = []
        for finding in findings:
            allowed = applicability(finding, document)
            edit = edit_for(finding, document) if allowed is True or (allowed is False and unsafe) else None
            if edit is not None and not any(edit.start < other.end and other.start < edit.end for _, other in candidates):
                candidates.append((finding, edit))
        # all at once; if that reads worse, one at a time, keeping each that does not
        for batch in ([candidates], [[candidate] for candidate in candidates]):
            progressed = False
            for fixes in batch:
                document = parse_document(text, filename)
                edits = [edit_for(finding, document) for finding, _ in fixes] if progressed else [e for _, e in fixes]
                if not fixes or any(e is None for e in edits):
                    continue
                candidate = _apply(text, document.text, edits, newline)
                after = lint(bom + candidate)
                if not _worse(findings, after, [finding for finding, _ in fixes]):
                    text, findings, progressed = candidate, after, True
                    applied += [finding for finding, _ in fixes]
            if progressed:
                break
        else:
            break
    return Fixed(bom + text, applied)


def edit_for(finding: Finding, document: Document) -> Edit | None:
    """The edit that writes the finding's suggestion in place of the text its span covers."""
    span = finding.span
    start, end = document.offset(span.line, span.column), document.offset(span.end_line, span.end_column)
    if start is None or end is None or end <= start:
        return None
    written = document.text[start:end]
    suggestion = str(finding.suggestion)
    if finding.target is Target.KEY:
        return _key_edit(finding, document, written, start, end, suggestion)
    value = _value_at(document.data, finding.key_path)
    if isinstance(value, dict):  # only the `{ VAR }` placeholder, a flow mapping, is replaced whole
        whole = written.startswith("{") and written.endswith("}") and suggestion.startswith("{")
        return Edit(start, end, suggestion) if whole else None
    if isinstance(value, list) or "\n" in written or not _same(_constructed(written), value):
        return None  # not a one-line scalar, or the span is not the value as written
    plain = suggestion[:1] not in (*_QUOTES, "{")
    if plain and isinstance(value, str) and RULES[finding.rule].fix is not Fix.SAME_READING \
            and _constructed(suggestion) != suggestion:
        return None  # written plain, the replacement would not read as the text it is
    if plain and written[:1] in _QUOTES:
        return Edit(start + 1, end - 1, _escaped(suggestion, written[0]))  # keep the quotes
    return Edit(start, end, suggestion)


def _key_edit(finding: Finding, document: Document, written: str, start: int, end: int, suggestion: str) -> Edit | None:
    key = finding.key_path[-1] if finding.key_path else None
    if not isinstance(key, str) or written.strip(_QUOTES[0] + _QUOTES[1]) != key:
        return None
    parent = _value_at(document.data, finding.key_path[:-1])
    first = suggestion.split(".")[0]
    if not isinstance(parent, dict) or first in parent:
        return None  # renaming onto a key that is there would make a duplicate key
    if "." not in suggestion:
        return Edit(start + 1, end - 1, suggestion) if written[:1] in _QUOTES else Edit(start, end, suggestion)
    # `concurrency.default_op_concurrency_limit` -> `pools.default_limit`: nest, in a block mapping only
    line_start = document.text.rfind("\n", 0, start) + 1
    indent = document.text[line_start:start]
    if indent.strip() or written[:1] in _QUOTES:
        return None
    parts = suggestion.split(".")
    lines = [parts[0]] + [" " * (len(indent) + 2 * depth) + part for depth, part in enumerate(parts[1:], 1)]
    return Edit(start, end, ":\n".join(lines))


def _reads_the_same(finding: Finding, document: Document) -> bool:
    """Whether Dagster (YAML 1.1) reads the suggestion as it reads what is written."""
    suggestion = str(finding.suggestion)
    if suggestion[:1] in _QUOTES:
        replacement: Any = suggestion[1:-1]
    else:
        replacement = _constructed(suggestion)
    if finding.target is Target.KEY:
        current: Any = finding.key_path[-1] if finding.key_path else None
    else:
        current = _value_at(document.data, finding.key_path)
    return _same(replacement, current)


def _same(one: Any, other: Any) -> bool:
    return type(one) is type(other) and one == other


def _constructed(plain: str) -> Any:
    """A plain scalar as Dagster (YAML 1.1) reads it."""
    data = read_yaml(f"value: {plain}\n").data
    return data.get("value") if isinstance(data, dict) else None


def _escaped(text: str, quote: str) -> str:
    if quote == "'":
        return text.replace("'", "''")
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _apply(raw: str, normalised: str, edits: list[Edit], newline: str) -> str:
    """The edits, made in `raw` (the file's own line endings) at the offsets they have in `normalised`."""
    index = _raw_offsets(raw, normalised)
    out = raw
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        out = out[: index[edit.start]] + edit.text.replace("\n", newline) + out[index[edit.end]:]
    return out


def _raw_offsets(raw: str, normalised: str) -> list[int]:
    """For each offset of the normalised text ("\\r\\n" and "\\r" read as "\\n"), the offset in `raw`."""
    if len(raw) == len(normalised):
        return list(range(len(raw) + 1))
    offsets, j = [], 0
    for _ in normalised:
        offsets.append(j)
        j += 2 if raw.startswith("\r\n", j) else 1
    offsets.append(j)
    return offsets


def _worse(before: list[Finding], after: list[Finding], fixed: list[Finding]) -> bool:
    """Whether the fixed text reads worse: a new syntax or duplicate-key error, or a new error that is not
    inside what was fixed (an error under a renamed key is one the typo hid; one at it or elsewhere, the
    fix may have caused)."""
    known = {(f.rule, f.key_path) for f in before}
    places = [(*f.key_path[:-1], *str(f.suggestion).split(".")) if f.target is Target.KEY else f.key_path
              for f in fixed]  # where the fixed key or value is now
    for finding in after:
        if finding.severity is not Severity.ERROR or (finding.rule, finding.key_path) in known:
            continue
        if finding.rule in ("yaml-syntax", "duplicate-key"):
            return True
        if not any(finding.key_path[: len(place)] == place and len(finding.key_path) > len(place) for place in places):
            return True
    return False
