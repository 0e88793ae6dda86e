"""Checks on `{module, class}` pairs: is the named class one Dagster ships for that slot?

Dagster loads every pluggable component from a `module`/`class` pair
(`ConfigurableClassData.rehydrate`): it rewrites the module with `convert_dagster_submodule_name`
(`dagster.core.x` -> `dagster._core.x`, and likewise `dagster.launcher` -> `dagster._launcher`),
imports it, takes the class from it and requires a subclass of the slot's base class. A misspelt
module or class, or a class of another kind, therefore only fails when Dagster starts.

`instance_class` is the exception: Dagster loads it with `class_from_code_pointer`, which imports
the module as written (no `dagster.core` -> `dagster._core` rewrite), and then needs the class's
`config_schema()`, which no class Dagster ships has. Every Dagster-owned `instance_class` therefore
fails: at the module when it does not import (`dagster.core.instance`), else at the class.

A `dagster_*` package the catalog does not model is judged by what instance-lint knows of it
(linter/model/retired.py), in this order:

1. a retired integration (`dagster_cron`), or a class its still-released package dropped
   (`dagster_k8s.K8sScheduler`): `unknown-class`, saying when it was last released and what replaces it;
2. a typo of a modelled package (`dagster_k8` for `dagster_k8s`, `dagster_azure_blob` for
   `dagster_azure.blob`): `unknown-class` with a did-you-mean, as for a misspelt module;
3. any other package (`dagster_ray`, `dagster_celery`): not judged here. `unchecked-class`
   (linter/rules/unmodelled.py) says its class was not checked; `--import-classes` checks it.

This module also holds the helpers the other semantic checks share: where the class slots are in
the document (`class_blocks`) and how a pair resolves to a catalog entry (`resolve_entry`).
"""

from __future__ import annotations

from linter.words import close_matches
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from linter.model import Catalog, ClassEntry
from linter.model.retired import RETIRED_CLASSES, RETIRED_PACKAGES, UNMODELLED_PACKAGES
from linter.findings import KeyPath, Target, Violation
from linter.rules import RuleContext, check

@dataclass(frozen=True)
class ClassBlock:
    """One `{module, class, config}` mapping found in the document."""

    slot: str
    path: KeyPath
    module: str
    class_name: str
    config: Any  # the `config` value as written (None when absent)
    has_config: bool

    @property
    def config_path(self) -> KeyPath:
        return (*self.path, "config")

    @property
    def owner_path(self) -> KeyPath:
        """Where a missing config key is reported: `config` if present, else the slot key."""
        return self.config_path if self.has_config else self.path


def lookup(data: Any, path: KeyPath) -> Any:
    """The value at `path`, or None when any step is missing or not a mapping."""
    value = data
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


UNKNOWN = object()  # an `env:` reference to a variable the linter was not given


def source_value(environ: Any, value: Any, as_int: bool = False) -> Any:
    """A StringSource/IntSource value as Dagster resolves it: `{env: NAME}` reads the environment."""
    if not (isinstance(value, dict) and len(value) == 1 and isinstance(value.get("env"), str)):
        return value
    resolved = environ.get(value["env"]) if hasattr(environ, "get") else None
    if resolved is None:
        return UNKNOWN
    if not as_int:
        return resolved
    try:
        return int(resolved)
    except ValueError:
        return UNKNOWN


def class_blocks(data: Any, catalog: Catalog) -> Iterator[ClassBlock]:
    """Every slot whose value is a mapping with string `module` and `class` (the schema reports the rest),
    in the order the file writes them."""
    written = {key: index for index, key in enumerate(data)} if isinstance(data, dict) else {}
    slots = sorted(catalog.slot_paths.items(), key=lambda item: written.get(item[1][0], len(written)))
    agent = catalog.names_agent(data)
    for slot, path in slots:
        if slot in catalog.agent_only_slots and not agent:
            continue  # an unknown-key: the key exists only in an agent's file
        block = lookup(data, path)
        if not isinstance(block, dict):
            continue
        module, class_name = block.get("module"), block.get("class")
        if isinstance(module, str) and isinstance(class_name, str):
            yield ClassBlock(slot, path, module, class_name, block.get("config"), "config" in block)


def private_module_name(module: str) -> str:
    """Dagster's `convert_dagster_submodule_name(name, "private")`: the module it actually imports."""
    return re.sub(r"^dagster\.([^_])", r"dagster._\1", module)


def _accepts_module(entry: ClassEntry, module: str) -> bool:
    if module in entry.modules:
        return True
    wanted = private_module_name(module)
    return any(private_module_name(accepted) == wanted for accepted in entry.modules)


def resolve_entry(catalog: Catalog, slot: str, module: str, class_name: str) -> ClassEntry | None:
    """The shipped class Dagster would load for this pair in this slot, if any."""
    found = catalog.find(slot, module, class_name)
    if found is not None:
        return found
    for entry in catalog.in_slot(slot):
        if entry.class_name == class_name and _accepts_module(entry, module):
            return entry
    return None


def resolve_block(context: RuleContext, block: ClassBlock) -> ClassEntry | None:
    return resolve_entry(context.catalog, block.slot, block.module, block.class_name)


def is_dagster_module(module: str) -> bool:
    return module == "dagster" or module.startswith(("dagster.", "dagster_"))


def top_package(module: str) -> str:
    return module.split(".", 1)[0]


def closest(word: str, candidates: list[str] | set[str] | tuple[str, ...]) -> str | None:
    matches = close_matches(word, sorted(set(candidates)), n=1)
    return matches[0] if matches else None


def _backticked(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _slot_modules(catalog: Catalog, slot: str) -> set[str]:
    return {module for entry in catalog.in_slot(slot) for module in entry.modules}


def _known_packages(catalog: Catalog) -> set[str]:
    return {top_package(module) for entry in catalog.entries for module in entry.modules}


def _is_public(module: str) -> bool:
    return not any(part.startswith("_") for part in module.split("."))


def _home_modules(entry: ClassEntry) -> list[str]:
    """The accepted modules on the way from the package to where the class is defined
    (`dagster_k8s`, `dagster_k8s.launcher`), not the unrelated ones that merely import it."""
    defining = entry.qualname.rsplit(".", 1)[0]
    spellings = {defining, re.sub(r"^dagster\._", "dagster.", defining)}
    home = [m for m in entry.modules if any(s == m or s.startswith(m + ".") for s in spellings)]
    return home or list(entry.modules)


def _preferred(modules: set[str] | list[str]) -> list[str]:
    """Public spellings first (what users should write), shortest first."""
    public = [m for m in modules if _is_public(m)]
    return sorted(public or modules, key=lambda m: (len(m), m))


def _module_violation(block: ClassBlock, entries: list[ClassEntry]) -> Violation:
    modules = _preferred({module for entry in entries for module in _home_modules(entry)})
    suggestion = closest(block.module, modules) or modules[0]
    return Violation(
        "unknown-class",
        (*block.path, "module"),
        f"`{block.class_name}` cannot be imported from `{block.module}`: did you mean `{suggestion}`?"
        f" (accepted modules: {_backticked(modules)})",
        Target.VALUE,
        suggestion,
    )


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _other_kind_violation(block: ClassBlock, entries: list[ClassEntry], catalog: Catalog) -> Violation:
    kinds = " / ".join(sorted({catalog.slot_nouns[entry.slot] for entry in entries}))
    return Violation(
        "unknown-class",
        (*block.path, "class"),
        f"`{block.class_name}` is {_a(kinds)}, not {_a(catalog.slot_nouns[block.slot])}",
        Target.VALUE,
    )


def _unknown_class_violation(block: ClassBlock, catalog: Catalog) -> Violation:
    noun = catalog.slot_nouns[block.slot]
    in_slot = catalog.in_slot(block.slot)
    if not in_slot:
        return Violation(
            "unknown-class",
            (*block.path, "class"),
            f"`{block.class_name}` cannot be the `{block.path[0]}`: Dagster ships no {noun}; leave"
            f" `{block.path[0]}` out to use DagsterInstance",
            Target.VALUE,
        )
    same_module = [e.class_name for e in in_slot if _accepts_module(e, block.module)]
    suggestion = closest(block.class_name, same_module) or closest(block.class_name, [e.class_name for e in in_slot])
    if suggestion and suggestion not in same_module:  # the module must change too: say to what
        entries = [e for e in in_slot if e.class_name == suggestion]
        module = _preferred({m for e in entries for m in _home_modules(e)})[0]
        message = (f"`{block.class_name}` is not {_a(noun)} {_shipper(block.module)} ships: did you mean"
                   f" `{suggestion}` (module `{module}`)?")
    elif suggestion:
        message = f"`{block.class_name}` is not {_a(noun)} {_shipper(block.module)} ships: did you mean `{suggestion}`?"
    else:
        message = f"`{block.class_name}` is not {_a(noun)} {_shipper(block.module)} ships in `{block.module}`"
    return Violation("unknown-class", (*block.path, "class"), message, Target.VALUE, suggestion)


def _shipper(module: str) -> str:
    """Who ships the classes of `module`'s package, in messages: dagster-cloud (the Dagster+ agent's), or Dagster."""
    return "dagster-cloud" if top_package(module) == "dagster_cloud" else "Dagster"


def _module_near_miss(block: ClassBlock, candidates: set[str], catalog: Catalog) -> Violation | None:
    """A misspelt module of a misspelt class (both are wrong when this is asked): the module suggested is
    one the slot's class nearest to `block.class_name` is imported from."""
    meant = _meant_class(block, catalog)
    exporting = {module for entry in catalog.in_slot(block.slot) if entry.class_name == meant for module in entry.modules}
    suggestion = closest(block.module, _preferred(candidates & exporting))
    if suggestion is None:
        return None
    noun = catalog.slot_nouns[block.slot]
    return Violation(
        "unknown-class",
        (*block.path, "module"),
        f"{_shipper(block.module)} ships no {noun} in `{block.module}`, and none named `{block.class_name}`:"
        f" did you mean `{meant}` from `{suggestion}`?",
        Target.VALUE,
        suggestion,
    )


def _meant_class(block: ClassBlock, catalog: Catalog) -> str | None:
    """The slot's class nearest to `block.class_name`, those of the module's own package first
    (`dagster_aws.s3...` + `DefaultComputeLogManager` means S3's, though Local's is importable there too)."""
    in_slot = catalog.in_slot(block.slot)
    own = [entry.class_name for entry in in_slot if top_package(entry.qualname) == top_package(block.module)]
    return closest(block.class_name, own) or closest(block.class_name, [entry.class_name for entry in in_slot])


def _package_near_miss(block: ClassBlock, catalog: Catalog) -> Violation | None:
    """`dagster_k8.launcher` -> `dagster_k8s.launcher`, `dagster_azure_blob` -> `dagster_azure.blob` (a package
    of its own never gets here: `typo_target`)."""
    package = top_package(block.module)
    target = typo_target(package, catalog)
    if target is None:
        return None
    candidates = {m for m in _slot_modules(catalog, block.slot) if m == target or m.startswith(target + ".")}
    near_miss = _module_near_miss(block, candidates, catalog)
    if near_miss is not None:
        return near_miss
    return Violation(  # no class of the slot is meant: the package name alone is wrong
        "unknown-class",
        (*block.path, "module"),
        f"`{package}` is not a package Dagster ships: did you mean `{target}`?",
        Target.VALUE,
        target + block.module[len(package):],
    )


def is_unmodelled_package(module: str, catalog: Catalog) -> bool:
    """Whether `module` is in a `dagster_*` package the catalog does not model (`dagster_ray`, `dagster_cron`)."""
    package = top_package(module)
    return package.startswith("dagster_") and package not in _known_packages(catalog)


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent transpositions."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


# A package name within this many edits of a modelled one (and close by difflib) is taken for its typo.
TYPO_EDITS = 2


def _shipped_modules(catalog: Catalog) -> set[str]:
    """The modules of `catalog` and of every supported version's catalog (a slip for a module that only
    some versions ship is the same slip in all: the version facts then tell the difference)."""
    return {m for entry in catalog.entries for m in entry.modules} | _every_version_modules()


@functools.lru_cache(maxsize=1)
def _every_version_modules() -> frozenset[str]:
    import json

    from linter.model.store import CATALOG_FILENAME, data_dir, supported_versions

    modules: set[str] = set()
    try:
        for version in supported_versions():
            raw = json.loads((data_dir() / version / CATALOG_FILENAME).read_text(encoding="utf-8"))
            modules.update(m for body in raw["slots"].values() for item in body["classes"] for m in item["modules"])
    except (OSError, ValueError, KeyError):  # no data beside the code: the judged catalog's modules only
        return frozenset()
    return frozenset(modules)


def typo_target(package: str, catalog: Catalog) -> str | None:
    """What an unmodelled `dagster_*` package name is a slip for, if it is one: a module of a modelled
    package with an underscore written for the dot (`dagster_azure_blob` -> `dagster_azure.blob`), or a
    modelled package a few edits away (`dagster_k8` -> `dagster_k8s`, `dagster_postgress`). None for a
    released package of its own with a close name (`dagster_celery`, `dagster_looker`:
    retired.UNMODELLED_PACKAGES) and any other name."""
    if package in UNMODELLED_PACKAGES:
        return None
    known = {p for p in _known_packages(catalog) if p.startswith("dagster_")}
    modules = _shipped_modules(catalog)
    for modelled in sorted(known, key=len, reverse=True):
        if package.startswith(modelled + "_"):
            dotted = modelled + "." + package[len(modelled) + 1 :]
            if any(m == dotted or m.startswith(dotted + ".") for m in modules):
                return dotted
    suffix = package.removeprefix("dagster_")
    match = closest(suffix, {p.removeprefix("dagster_") for p in known})
    if match is not None and _edits(suffix, match) <= TYPO_EDITS:
        return "dagster_" + match
    return None


def is_typo_of_modelled(package: str, catalog: Catalog) -> bool:
    return typo_target(package, catalog) is not None


def _retired_violation(block: ClassBlock) -> Violation | None:
    """A class of a retired integration, or one its package no longer ships (retired.py)."""
    package = top_package(block.module)
    dropped = RETIRED_CLASSES.get((package, block.class_name))
    if dropped is not None:
        return Violation(
            "unknown-class",
            (*block.path, "class"),
            f"`{block.class_name}` was removed from {dropped.distribution} after {dropped.last_release} (for Dagster"
            f" {dropped.last_dagster}): no release for Dagster 1.x has it; use {dropped.replacement}",
            Target.VALUE,
        )
    retired = RETIRED_PACKAGES.get(package)
    if retired is not None:
        return Violation(
            "unknown-class",
            (*block.path, "module"),
            f"`{package}` is a retired integration: its last release, {retired.distribution} {retired.last_release},"
            f" is for Dagster {retired.last_dagster} and does not install with Dagster 1.x, so `{block.class_name}`"
            f" cannot be imported; use {retired.replacement}",
            Target.VALUE,
        )
    return None


def _judged_elsewhere(block: ClassBlock, catalog: Catalog) -> bool:
    """A package of its own that the catalog does not model: `unchecked-class` says so, not this rule."""
    package = top_package(block.module)
    return is_unmodelled_package(block.module, catalog) and not is_typo_of_modelled(package, catalog)


def is_unchecked(block: ClassBlock, catalog: Catalog) -> bool:
    """Whether the block names a class of an unmodelled `dagster_*` package that instance-lint leaves
    unjudged (not retired, not a typo of a modelled package): `unchecked-class`, `--import-classes`."""
    return (
        block.slot in catalog.base_classes
        and is_unmodelled_package(block.module, catalog)
        and unknown_class_violation(block, catalog) is None
    )


def _module_is_known(catalog: Catalog, module: str) -> bool:
    wanted = private_module_name(module)
    return any(private_module_name(m) == wanted for e in catalog.entries for m in e.modules)


# The public subpackages of `dagster` (1.13.27): they import as written. Any other public path
# (`dagster.core…`, `dagster.cli…`, `dagster.launcher`) imports only through the class slots' rewriting.
DAGSTER_PUBLIC_SUBPACKAGES = ("components", "deprecated", "preview", "version")


def imports_as_written(module: str) -> bool:
    """Whether a module path inside the `dagster` package can import without `convert_dagster_submodule_name`."""
    if module == "dagster":
        return True
    first = module.removeprefix("dagster.").split(".", 1)[0]
    return first.startswith("_") or first in DAGSTER_PUBLIC_SUBPACKAGES


def _instance_class_violation(block: ClassBlock, catalog: Catalog) -> Violation | None:
    """`instance_class` is loaded by `class_from_code_pointer`: the module as written, no `dagster._core` mapping.

    The only shipped instance classes with a `config_schema()` are the catalog's (the Dagster+ agent's,
    from dagster-cloud), found under the modules it lists. Any other Dagster-owned pair fails: on the
    `module:` line when the module does not import, else on the `class:` line.
    """
    if catalog.find("instance_class", block.module, block.class_name) is not None:
        return None  # class_from_code_pointer imports the module as written: no private-name rewriting
    retired = _retired_violation(block)
    if retired is not None:
        return retired
    if _judged_elsewhere(block, catalog):
        return None
    same_name = [e for e in catalog.in_slot("instance_class") if e.class_name == block.class_name]
    if same_name:
        return _module_violation(block, same_name)
    package = top_package(block.module)
    base = catalog.base_classes["instance_class"].rpartition(".")[2]
    if block.class_name == base and package == "dagster" and imports_as_written(block.module):
        return Violation(  # `InstanceRef.from_dir` calls the class's config_schema(), which DagsterInstance lacks
            "unknown-class",
            (*block.path, "class"),
            f"`{base}` cannot be named as `instance_class`: Dagster calls the class's `config_schema()`, which"
            f" {base} does not have, and fails at start (AttributeError); leave `instance_class` out, {base} is"
            " the default",
            Target.VALUE,
        )
    if package == "dagster" and not imports_as_written(block.module):
        return Violation(
            "unknown-class",
            (*block.path, "module"),
            f"`{block.module}` does not import: Dagster imports the `instance_class` module as written, without"
            " the `dagster.core` -> `dagster._core` mapping other classes get; and Dagster ships no instance class:"
            " leave `instance_class` out to use DagsterInstance",
            Target.VALUE,
        )
    if package != "dagster" and package not in _known_packages(catalog):
        return _package_near_miss(block, catalog)
    same_name_elsewhere = [e for e in catalog.entries if e.class_name == block.class_name]
    if same_name_elsewhere:
        return _other_kind_violation(block, same_name_elsewhere, catalog)
    return _unknown_class_violation(block, catalog)


def unknown_class_violation(block: ClassBlock, catalog: Catalog) -> Violation | None:
    """Why a Dagster-owned pair does not load in its slot, or None when it does (or is not Dagster's, or is
    in an unmodelled `dagster_*` package instance-lint leaves unjudged: see `is_unchecked`)."""
    if not is_dagster_module(block.module) or block.slot not in catalog.base_classes:
        return None
    if block.slot == "instance_class":
        return _instance_class_violation(block, catalog)
    if resolve_entry(catalog, block.slot, block.module, block.class_name) is not None:
        return None
    retired = _retired_violation(block)
    if retired is not None:
        return retired
    if _judged_elsewhere(block, catalog):
        return None
    same_name_in_slot = [e for e in catalog.in_slot(block.slot) if e.class_name == block.class_name]
    if same_name_in_slot:
        return _module_violation(block, same_name_in_slot)
    same_name_elsewhere = [e for e in catalog.entries if e.class_name == block.class_name]
    if same_name_elsewhere:
        return _other_kind_violation(block, same_name_elsewhere, catalog)
    if top_package(block.module) not in _known_packages(catalog):
        return _package_near_miss(block, catalog)
    if not _module_is_known(catalog, block.module):
        package_modules = {m for e in catalog.entries for m in e.modules if top_package(m) == top_package(block.module)}
        near_miss = _module_near_miss(block, package_modules, catalog)
        if near_miss is not None:
            return near_miss
    return _unknown_class_violation(block, catalog)


@check("unknown-class")
def unknown_dagster_class(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that each Dagster-owned `module`/`class` pair names a class Dagster ships for that slot,
    and that no pair names a retired integration's class (`dagster_cron.SystemCronScheduler`).

    Why it matters: Dagster imports the pair only when the instance starts, so a misspelt module or class,
    or a compute log manager configured as a run launcher, stops the webserver and daemon from starting.
    """
    for block in class_blocks(context.data, context.catalog):
        violation = unknown_class_violation(block, context.catalog)
        if violation is not None:
            yield violation


def custom_instance_class(data: Any, catalog: Catalog) -> ClassBlock | None:
    """The `instance_class` block when it names a class instance-lint does not model (the user's own, or an
    unmodelled `dagster_*` package's): Dagster merges its `config_schema()` into the top level."""
    block = next((b for b in class_blocks(data, catalog) if b.slot == "instance_class"), None)
    if block is None or catalog.names_agent(data):
        return None
    return block if not is_dagster_module(block.module) or is_unchecked(block, catalog) else None


def with_meant_classes(data: Any, catalog: Catalog) -> Any:
    """`data`, where a class block names a shipped class under a module that does not export it
    (`module: dagster_postgres.event_log`, `class: PostgresScheduleStorage`) and the class name is exactly
    one class of that slot: with that class's module, so that its `config` is judged against the class
    meant. The wrong module stays an `unknown-class` error (the rules see the file as written)."""
    if not isinstance(data, dict):
        return data
    meant = []
    for block in class_blocks(data, catalog):
        if not is_dagster_module(block.module) or block.slot == "instance_class":
            continue
        if resolve_entry(catalog, block.slot, block.module, block.class_name) is not None:
            continue
        same_name = [e for e in catalog.in_slot(block.slot) if e.class_name == block.class_name]
        if len(same_name) == 1:
            meant.append((block.path, same_name[0].modules[0]))
    if not meant:
        return data
    copied = dict(data)
    for path, module in meant:
        parent = copied
        for part in path[:-1]:
            parent[part] = dict(parent[part])
            parent = parent[part]
        parent[path[-1]] = {**parent[path[-1]], "module": module}
    return copied
