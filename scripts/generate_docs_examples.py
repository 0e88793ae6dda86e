"""Write the example values Dagster's own samples invent: values a real dagster.yaml never means.

Dagster documents its instance config with samples that invent the names of resources the user owns:
`bucket: mycorp-dagster-compute-logs`, `job_image: my_project/dagster_image:latest`,
`base_dir: /path/to/dir`, `storage_account: mycorp-dagster`. Copied unchanged, Dagster accepts them,
and the component fails (or writes where nobody meant) when it first uses them. instance-lint's
`placeholder-value` reports such a value by its exact text and says which sample it comes from. The
values are read from Dagster's samples here, never typed by hand. Two sources:

- the YAML samples (`.. code-block:: yaml`) in the docstring of every class the version's catalog
  lists (schema/<X.Y>/class-catalog.json), read from the installed Dagster and integrations:
  schema/<X.Y>/docs-examples.json, one per version like the other generated data;

      python scripts/generate_docs_examples.py            # schema/<X.Y>/docs-examples.json
      python scripts/generate_docs_examples.py --check    # exit 1 if it is stale

- the instance samples of Dagster's docs site, `examples/docs_snippets/` of a checkout of
  dagster-io/dagster (every YAML file there whose top-level keys include one of dagster.yaml's):
  schema/docs-snippets-examples.json, for every version (the docs are one snapshot, and a value copied
  from them is as invented on 1.9 as on 1.13). Written only when a checkout is given:

      python scripts/generate_docs_examples.py --docs-snippets CHECKOUT [--commits MANIFEST.tsv]

  The commit of each file is the checkout's HEAD, or the file's line in MANIFEST.tsv
  (`<repository path>\\t<commit>`) for files gathered one by one.

Which sample values are invented: a string value (not a `module`/`class`, not a key, not the name an
`env:` reads, no whitespace: a name, not prose) whose words include `my`, `mycorp`, `some`, `your`,
`example` or `alternate`, or whose path starts `/path/to` or `/some/path`. Other sample values are what a real deployment may well use (`dagster-instance`, the
Helm chart's config map; `/tmp/cool`, a local staging directory that works; `us-west-1`; `AES256`), so
they are left out: a warning on them would be noise.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import inspect
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO / "schema"
FILENAME = "docs-examples.json"
SNIPPETS_FILENAME = "docs-snippets-examples.json"
SNIPPETS_REPOSITORY = "dagster-io/dagster"
SNIPPETS_FOLDER = "examples/docs_snippets"

_INVENTED_WORDS = frozenset({"my", "mycorp", "some", "your", "example", "alternate"})
_INVENTED_PATHS = ("/path/to", "/some/path")
_NOT_VALUES = frozenset({"module", "class", "env"})  # `env:` holds a variable's name, which the user chooses
_YAML_BLOCK = re.compile(r"^([ \t]*)\.\. code-block::[ \t]*ya?ml[ \t]*\n((?:[ \t]*\n|\1[ \t]+\S.*\n?)+)",
                         re.IGNORECASE | re.MULTILINE)


def is_invented(value: str) -> bool:
    """Whether a sample's value names a resource the sample invented (see the module docstring)."""
    text = value.strip().lower()
    if any(character.isspace() for character in text):  # prose (a log format, a description): names nothing
        return False
    if any(text == prefix or text.startswith(prefix + "/") for prefix in _INVENTED_PATHS):
        return True
    return not _INVENTED_WORDS.isdisjoint(re.split(r"[^a-z0-9]+", text))


def sample_values(text: str) -> Iterator[str]:
    """Every string value of a YAML sample, duplicate keys included (the docs repeat a key to show two
    ways of setting it; a loader would keep only the last). Keys, `module`/`class` values and the names
    `env:` reads are not values a user fills in. A sample that is not YAML yields nothing."""
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return
    stack = [(node, None) for node in documents if node is not None]
    while stack:
        node, key = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack.extend((value, key_node.value) for key_node, value in node.value
                         if isinstance(key_node, yaml.ScalarNode))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, key) for item in node.value)
        elif (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" and node.value.strip()
              and key not in _NOT_VALUES):
            yield node.value


def docstring_samples(doc: str) -> Iterator[str]:
    """The YAML code blocks of a reStructuredText docstring, dedented."""
    for match in _YAML_BLOCK.finditer(inspect.cleandoc(doc) + "\n"):
        yield textwrap.dedent(match.group(2))


def _catalog_classes(out_dir: Path) -> list[str]:
    catalog = json.loads((out_dir / "class-catalog.json").read_text(encoding="utf-8"))
    return sorted({entry["qualname"] for slot in catalog["slots"].values() for entry in slot["classes"]})


def docstring_examples(out_dir: Path) -> dict[str, list[str]]:
    """Invented value -> the qualnames of the catalog's classes whose own docstring samples use it."""
    found: dict[str, set[str]] = {}
    for qualname in _catalog_classes(out_dir):
        module_name, _, class_name = qualname.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except Exception as error:  # noqa: BLE001  # a class of a package not installed in this venv
            print(f"generate_docs_examples: skipped {qualname}: {error}", file=sys.stderr)
            continue
        doc = cls.__dict__.get("__doc__") or ""  # its own: an inherited docstring shows the base's sample
        for sample in docstring_samples(doc):
            for value in sample_values(sample):
                if is_invented(value):
                    found.setdefault(value.strip(), set()).add(qualname)
    return {value: sorted(found[value]) for value in sorted(found)}


def _instance_keys(out_dir: Path) -> set[str]:
    schema = json.loads((out_dir / "dagster-instance.schema.json").read_text(encoding="utf-8"))
    keys = set(schema.get("properties", {}))
    for definition in schema.get("definitions", {}).values():  # the agent's keys, when the schema has them
        if isinstance(definition, dict) and "dagster_cloud_api" in definition.get("properties", {}):
            keys |= set(definition["properties"])
    return keys - {"instance_class"}  # alone it marks no instance file (workspace files have none, though)


def _is_instance_sample(text: str, instance_keys: set[str]) -> bool:
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return False
    return any(isinstance(node, yaml.MappingNode)
               and any(isinstance(key, yaml.ScalarNode) and key.value in instance_keys for key, _ in node.value)
               for node in documents)


def snippets_examples(checkout: Path, out_dir: Path, commits: dict[str, str]) -> dict[str, Any]:
    """The invented values of the instance samples under `checkout`/examples/docs_snippets."""
    head = ""
    if not commits:
        done = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True)
        head = done.stdout.strip() if done.returncode == 0 else ""
    instance_keys = _instance_keys(out_dir)
    files: dict[str, str] = {}
    found: dict[str, set[str]] = {}
    for path in sorted((checkout / SNIPPETS_FOLDER).rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if not _is_instance_sample(text, instance_keys):
            continue
        relative = path.relative_to(checkout).as_posix()
        files[relative] = commits.get(relative, head)
        for value in sample_values(text):
            if is_invented(value):
                found.setdefault(value.strip(), set()).add(relative)
    if not files:
        raise SystemExit(f"generate_docs_examples: no instance sample under {checkout / SNIPPETS_FOLDER}")
    return {
        "repository": SNIPPETS_REPOSITORY,
        "files": files,
        "values": {value: sorted(found[value]) for value in sorted(found)},
    }


def _read_commits(manifest: Path | None) -> dict[str, str]:
    if manifest is None:
        return {}
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t")[:2] for line in lines if line.count("\t") >= 1)


def _dump(payload: dict) -> str:
    return json.dumps(payload, indent=2) + "\n"


def _write_or_check(path: Path, text: str, check: bool, how: str) -> int:
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is stale: run scripts/generate_docs_examples.py{how}", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed file differs")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="the version's data directory (default: schema/<X.Y>/ of the installed Dagster)")
    parser.add_argument("--docs-snippets", type=Path, metavar="CHECKOUT",
                        help="a checkout of dagster-io/dagster: also write schema/docs-snippets-examples.json")
    parser.add_argument("--commits", type=Path, metavar="MANIFEST",
                        help="per-file commits of the checkout's files (<path>\\t<commit> lines)")
    args = parser.parse_args(argv)
    dagster_version = importlib.metadata.version("dagster")
    out_dir = args.out or SCHEMA_DIR / ".".join(dagster_version.split(".")[:2])
    payload = {"dagster_version": dagster_version, "values": docstring_examples(out_dir)}
    how = "" if args.out is None else f" --out {args.out}"
    status = _write_or_check(out_dir / FILENAME, _dump(payload), args.check, how)
    if args.docs_snippets is not None:
        snippets = snippets_examples(args.docs_snippets, out_dir, _read_commits(args.commits))
        status |= _write_or_check(SCHEMA_DIR / SNIPPETS_FILENAME, _dump(snippets), args.check, " --docs-snippets ...")
    return status


if __name__ == "__main__":
    sys.exit(main())
