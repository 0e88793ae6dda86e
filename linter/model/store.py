"""Where each supported Dagster version's data lives, and loading it into a `DagsterModel`.

`schema/<X.Y>/` holds one directory per supported minor version, each written by the generators in
`scripts/` from that version's real Dagster and integrations. `schema/dagster-instance.schema.json`
(the path editors are configured with) is a copy of the newest version's schema. The data ships in the
wheel as `linter/schema/`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from linter.model import DagsterModel, version_key
from linter.model.catalog import catalog_from_json

SCHEMA_FILENAME = "dagster-instance.schema.json"
CATALOG_FILENAME = "class-catalog.json"
DEFAULTS_FILENAME = "instance-defaults.json"
EXAMPLES_FILENAME = "docs-examples.json"  # the version's docstring samples (scripts/generate_docs_examples.py)
SNIPPETS_EXAMPLES_FILENAME = "docs-snippets-examples.json"  # the docs site's samples, for every version
_VERSION_DIR = re.compile(r"^\d+\.\d+$")


def data_dir() -> Path:
    """The bundled data: inside the installed wheel (linter/schema/) or the source checkout (schema/)."""
    package = Path(__file__).resolve().parent.parent
    beside = package / "schema"  # an installed wheel, found without importing importlib.resources
    if beside.is_dir():
        return beside
    checkout = package.parent / "schema"
    if checkout.is_dir():
        return checkout
    from importlib import resources  # a package in a zip file

    return Path(str(resources.files("linter").joinpath("schema")))


def supported_versions(directory: Path | None = None) -> tuple[str, ...]:
    """Every supported minor version, oldest first: the `schema/<X.Y>/` directories."""
    directory = directory or data_dir()
    names = [entry.name for entry in directory.iterdir() if entry.is_dir() and _VERSION_DIR.match(entry.name)]
    return tuple(sorted(names, key=version_key))


def editor_schema_path(directory: Path | None = None) -> Path:
    """The schema editors are pointed at: the newest version's."""
    return (directory or data_dir()) / SCHEMA_FILENAME


def schema_path(version: str, directory: Path | None = None) -> Path:
    return (directory or data_dir()) / version / SCHEMA_FILENAME


def nearest_agent_model(version: str, directory: Path | None = None) -> DagsterModel | None:
    """The model of the supported version nearest to `version` (the newer of two equally near) whose
    data has the Dagster+ agent; None when no version's does. For a version generated without
    dagster-cloud (its catalog says why)."""
    versions = supported_versions(directory)
    if version not in versions:
        return None
    here = versions.index(version)
    for other in sorted(versions, key=lambda v: (abs(versions.index(v) - here), -versions.index(v))):
        if other != version:
            model = load_model(other, directory)
            if model.catalog.agent is not None:
                return model
    return None


def load_model(version: str, directory: Path | None = None) -> DagsterModel:
    """The model of one supported minor version ("1.13"), read from its data directory."""
    base = (directory or data_dir()) / version

    def read(filename: str) -> dict:
        return json.loads((base / filename).read_text(encoding="utf-8"))

    return DagsterModel(
        version=version,
        schema=read(SCHEMA_FILENAME),
        catalog=catalog_from_json(read(CATALOG_FILENAME)),
        defaults=read(DEFAULTS_FILENAME),
        example_values=_example_values(base),
    )


def _example_values(base: Path) -> dict[str, tuple[str, ...]]:
    """Each invented sample value -> where it comes from: the qualnames of the classes whose docstring
    shows it, then the docs samples' repository paths."""
    merged: dict[str, tuple[str, ...]] = {}
    for path in (base / EXAMPLES_FILENAME, base.parent / SNIPPETS_EXAMPLES_FILENAME):
        for value, sources in json.loads(path.read_text(encoding="utf-8"))["values"].items():
            merged[value] = merged.get(value, ()) + tuple(sources)
    return merged
