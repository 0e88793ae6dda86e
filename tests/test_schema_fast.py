"""The jsonschema-free validity check (linter/schema_fast.py) never calls valid what jsonschema rejects.

`schema.validate` skips jsonschema when `schema_fast.is_valid` says "valid", so on every YAML file
of the test suite, and on each of its top-level sections on its own and with each section retyped,
the quick answer (when it gives one) must equal jsonschema's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.document import parse_document
from linter.api import newest_model
from linter.schema_fast import Unsure, is_valid

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/**/*.yaml"), *ROOT.glob("tests/**/*.yml"), *ROOT.glob("examples/*.yaml")])


def _variants(data):
    yield data
    for key, value in data.items():
        yield {key: value}
        for replacement in (None, 1, "x", True, [value], {"x": value}):
            yield {**data, key: replacement}
        if isinstance(value, dict):
            for inner in value:
                yield {**data, key: {k: v for k, v in value.items() if k != inner}}
                yield {**data, key: {**value, inner: 1.5}}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_quick_answer_matches_jsonschema(path: Path) -> None:
    data = parse_document(path.read_bytes(), str(path)).data
    if not isinstance(data, dict):
        pytest.skip("not a mapping: never validated")
    model = newest_model()
    schema, validator = model.schema, model.validator()
    for variant in _variants(data):
        try:
            quick = is_valid(variant, schema)
        except Unsure:
            continue
        assert quick == validator.is_valid(variant), variant


def test_unknown_keyword_is_unsure() -> None:
    with pytest.raises(Unsure):
        is_valid(1, {"multipleOf": 2})
    with pytest.raises(Unsure):
        is_valid("a", {"$ref": "https://example.com/schema"})


def test_draft7_integer_when_not_strict() -> None:
    assert is_valid(1.0, {"type": "integer"}, strict_integer=False)
    assert not is_valid(1.0, {"type": "integer"})
    assert not is_valid(True, {"type": "integer"}, strict_integer=False)


def test_non_printable_is_pyyamls_class() -> None:
    """linter/yaml11.NON_PRINTABLE is written as the complement of PyYAML's reader class (quicker to compile)."""
    import re

    from linter.yaml11 import NON_PRINTABLE

    pyyaml = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    text = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in NON_PRINTABLE.finditer(text)] == [m.start() for m in pyyaml.finditer(text)]
