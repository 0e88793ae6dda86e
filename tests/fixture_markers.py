"""The comment markers that make a `dagster.yaml` fixture self-describing.

Header lines (the comment lines at the top of the file, before the first YAML line; a
header-looking comment further down, such as commented-out `#   env: VAR`, is an ordinary comment):

    # source: <where the file comes from>
    # env: NAME=value              the environment the fixture is judged under (repeatable)
    # dagster-blind: duplicate-key rules whose findings Dagster cannot see (comma-separated)
    # oracle: skip-import <module>  a user module that is not installed here (repeatable)
    # accepted-in: 1.11 1.12 1.13    the supported Dagster versions that accept the file, read by
                                   hand from each version's source (tests/fixtures/versions/)
    # version-fact: 1.9 1.10: it was added in Dagster 1.11
                                   what the message of the version-specific finding says when the
                                   file is judged as one of the listed versions (repeatable)

Trailing markers, on the exact line where a finding must point:

    port: abc  # expect: invalid-type
    key: x     # expect: unknown-key, plaintext-secret
    env: X     # expect: missing-env-var (warning)   a finding at other than the rule's default severity

All markers are found by one regular expression; several may share a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FIXTURES_DIR = Path(__file__).parent / "fixtures"

MARKER = re.compile(
    r"#\s*(?P<kind>source|env|dagster-blind|oracle|accepted-in|version-fact|expect):[ \t]*"
    r"(?P<value>.*?)[ \t]*"
    r"(?=#\s*(?:source|env|dagster-blind|oracle|accepted-in|version-fact|expect):|$)"
)
_ENV = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)")
_SKIP_IMPORT = re.compile(r"skip-import\s+(?P<module>[A-Za-z_][\w.]*)")
_ITEM = re.compile(r"(?P<rule>[^\s(]+)(?:\s*\((?P<severity>error|warning|info)\))?")
_VERSION_FACT = re.compile(r"(?P<versions>\d+\.\d+(?:\s+\d+\.\d+)*)\s*:\s*(?P<fact>\S.*)")
_HEADER_KINDS = frozenset({"source", "env", "dagster-blind", "oracle", "accepted-in", "version-fact"})


@dataclass(frozen=True)
class FixtureMarkers:
    source: str | None
    env: dict[str, str]
    dagster_blind: frozenset[str]
    skip_imports: frozenset[str]
    expected: frozenset[tuple[int, str]]  # (1-based line, rule slug)
    severities: tuple[tuple[tuple[int, str], str], ...] = ()  # ((line, rule), severity) given as `rule (severity)`
    accepted_in: frozenset[str] | None = None  # `# accepted-in:` versions; None without the marker
    version_facts: tuple[tuple[str, str], ...] = ()  # (version, fact) from `# version-fact:`

    @property
    def expected_rules(self) -> frozenset[str]:
        return frozenset(rule for _, rule in self.expected)


def parse_markers(text: str) -> FixtureMarkers:
    source: str | None = None
    env: dict[str, str] = {}
    blind: set[str] = set()
    skips: set[str] = set()
    expected: set[tuple[int, str]] = set()
    severities: dict[tuple[int, str], str] = {}
    accepted_in: frozenset[str] | None = None
    facts: list[tuple[str, str]] = []
    in_header = True
    for number, line in enumerate(text.splitlines(), start=1):
        in_header = in_header and (not line.strip() or line.lstrip().startswith("#"))
        for match in MARKER.finditer(line):
            kind, value = match["kind"], match["value"]
            if kind in _HEADER_KINDS and not in_header:
                continue
            if kind == "expect":
                for item in _split(value, number):
                    parsed_item = _ITEM.fullmatch(item)
                    if parsed_item is None:
                        raise ValueError(f"line {number}: `# expect:` needs `rule` or `rule (severity)`, got {item!r}")
                    expected.add((number, parsed_item["rule"]))
                    if parsed_item["severity"]:
                        severities[(number, parsed_item["rule"])] = parsed_item["severity"]
            elif kind == "accepted-in":
                accepted_in = frozenset(value.split())
            elif kind == "version-fact":
                parsed_fact = _VERSION_FACT.fullmatch(value)
                if parsed_fact is None:
                    raise ValueError(f"line {number}: `# version-fact:` needs `X.Y ...: text`, got {value!r}")
                facts.extend((version, parsed_fact["fact"]) for version in parsed_fact["versions"].split())
            elif kind == "dagster-blind":
                blind.update(_split(value, number))
            elif kind == "env":
                parsed = _ENV.fullmatch(value)
                if parsed is None:
                    raise ValueError(f"line {number}: `# env:` needs NAME=value, got {value!r}")
                env[parsed["name"]] = parsed["value"]
            elif kind == "oracle":
                parsed = _SKIP_IMPORT.fullmatch(value)
                if parsed is None:
                    raise ValueError(f"line {number}: unknown oracle directive {value!r}")
                skips.add(parsed["module"])
            elif source is None:
                source = value
    return FixtureMarkers(source, env, frozenset(blind), frozenset(skips), frozenset(expected),
                          tuple(sorted(severities.items())), accepted_in, tuple(facts))


def load_markers(path: Path) -> FixtureMarkers:
    return parse_markers(path.read_text(encoding="utf-8"))


def fixture_paths() -> list[Path]:
    """Every fixture of the suite: tests/fixtures/**/*.yaml, in a stable order."""
    return sorted(FIXTURES_DIR.glob("**/*.yaml"))


def fixture_id(path: Path) -> str:
    return path.relative_to(FIXTURES_DIR).as_posix()


def _split(value: str, number: int) -> list[str]:
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        raise ValueError(f"line {number}: empty item in {value!r}")
    return items
