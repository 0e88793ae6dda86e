"""What instance-lint knows about one Dagster version, as a value.

A `DagsterModel` holds one supported Dagster minor version's generated data: the JSON Schema of its
`dagster.yaml`, the catalog of the classes it and its integrations ship, the defaults its
`InstanceRef` applies, and the example values its samples invent. `linter.model.store` loads one per version from `schema/<X.Y>/`; the command
line chooses the version (`linter.model.choice`) and passes the model to everything that needs
Dagster facts: the schema check, the rules (through `RuleContext`), `resolve` and `render`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linter.model.catalog import Catalog, ClassEntry

__all__ = ["Catalog", "ClassEntry", "DagsterModel", "version_key"]


def version_key(version: str) -> tuple[int, ...]:
    """"1.10" -> (1, 10): supported versions compare as numbers, not text."""
    return tuple(int(part) for part in version.split("."))


class DagsterModel:
    """Immutable once built. A plain class, not a dataclass: it is created at every start (start-up time)."""

    __slots__ = ("version", "schema", "catalog", "defaults", "example_values", "_built")

    def __init__(
        self,
        version: str,
        schema: Mapping[str, Any],
        catalog: Catalog,
        defaults: Mapping[str, Any],
        example_values: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.version = version  # the supported minor version, "1.13"
        self.schema = schema  # draft-07 JSON Schema of dagster.yaml
        self.catalog = catalog
        self.defaults = defaults  # what InstanceRef fills in (instance-defaults.json)
        # the values Dagster's samples invent -> where: class qualnames (docstrings), docs sample paths
        self.example_values = example_values or {}
        self._built: dict = {}  # lazily built helpers (the validator)

    def __repr__(self) -> str:
        return f"DagsterModel({self.version!r}, Dagster {self.dagster_version})"

    def with_catalog(self, catalog: Catalog) -> DagsterModel:
        """The same version with another catalog (tests judge rules against a catalog excerpt)."""
        return DagsterModel(self.version, self.schema, catalog, self.defaults, self.example_values)

    def since(self, version: str) -> bool:
        """Whether this version is `version` ("1.10") or newer: for facts of `linter.model.behaviour`."""
        return version_key(self.version) >= version_key(version)

    @property
    def dagster_version(self) -> str:
        """The Dagster release the data was generated from, "1.13.27"."""
        return self.catalog.dagster_version

    @property
    def integrations_version(self) -> str:
        return self.catalog.integrations_version

    def validator(self) -> Any:
        """A jsonschema validator for `schema`, built on first use (importing jsonschema costs ~50 ms)."""
        if "validator" not in self._built:
            from jsonschema import Draft7Validator, validators

            # Dagster's Int rejects booleans and floats (even 1.0); draft-07's "integer" accepts 1.0.
            def is_strict_integer(_checker, instance):
                return isinstance(instance, int) and not isinstance(instance, bool)

            type_checker = Draft7Validator.TYPE_CHECKER.redefine("integer", is_strict_integer)
            validator_class = validators.extend(Draft7Validator, type_checker=type_checker)
            self._built["validator"] = validator_class(self.schema)
        return self._built["validator"]
