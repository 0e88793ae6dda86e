"""The README's rules table lists every rule with its default severity."""

from __future__ import annotations

import re
from pathlib import Path

from linter.rulebook import RULES

README = Path(__file__).resolve().parent.parent / "README.md"


def test_rules_table_lists_every_rule_with_its_default_severity():
    rows = re.findall(r"^\| `([a-z-]+)` \| (error|warning|info) \|", README.read_text(), flags=re.M)
    assert rows == [(info.slug, info.severity.value) for info in RULES.values()]
