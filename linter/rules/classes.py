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

This module also holds the helpers the other semantic checks share: where the class slots are in
the document (`class_blocks`) and how a pair resolves to a catalog entry (`resolve_entry`).
"""

from __future__ import annotations

from linter.words import close_matches
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from linter.model import Catalog, ClassEntry
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
    if suggestion:
        message = f"`{block.class_name}` is not {_a(noun)} {_shipper(block.module)} ships: did you mean `{suggestion}`?"
    else:
        message = f"`{block.class_name}` is not {_a(noun)} {_shipper(block.module)} ships in `{block.module}`"
    return Violation("unknown-class", (*block.path, "class"), message, Target.VALUE, suggestion)


def _shipper(module: str) -> str:
    """Who ships the classes of `module`'s package, in messages: dagster-cloud (the Dagster+ agent's), or Dagster."""
    return "dagster-cloud" if top_package(module) == "dagster_cloud" else "Dagster"


def _module_near_miss(block: ClassBlock, candidates: set[str]) -> Violation | None:
    suggestion = closest(block.module, _preferred(candidates))
    if suggestion is None:
        return None
    return Violation(
        "unknown-class",
        (*block.path, "module"),
        f"`{block.module}` is not a module {_shipper(block.module)} ships: did you mean `{suggestion}`?",
        Target.VALUE,
        suggestion,
    )


def _package_near_miss(block: ClassBlock, catalog: Catalog) -> Violation | None:
    """`dagster_k8.launcher` -> `dagster_k8s.launcher`; a package of its own (`dagster_ray`) -> None."""
    package = top_package(block.module)
    by_suffix = {p.removeprefix("dagster_"): p for p in _known_packages(catalog) if p.startswith("dagster_")}
    match = closest(package.removeprefix("dagster_"), set(by_suffix))
    if match is None:
        return None
    rest = block.module[len(package):]
    candidates = {m for m in _slot_modules(catalog, block.slot) if top_package(m) == by_suffix[match]}
    return _module_near_miss(block, candidates or {by_suffix[match] + rest})


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
    same_name = [e for e in catalog.in_slot("instance_class") if e.class_name == block.class_name]
    if same_name:
        return _module_violation(block, same_name)
    package = top_package(block.module)
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
    """Why a Dagster-owned pair does not load in its slot, or None when it does (or is not Dagster's)."""
    if not is_dagster_module(block.module) or block.slot not in catalog.base_classes:
        return None
    if block.slot == "instance_class":
        return _instance_class_violation(block, catalog)
    if resolve_entry(catalog, block.slot, block.module, block.class_name) is not None:
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
        near_miss = _module_near_miss(block, _slot_modules(catalog, block.slot) & package_modules)
        if near_miss is not None:
            return near_miss
    return _unknown_class_violation(block, catalog)


@check("unknown-class")
def unknown_dagster_class(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks that each Dagster-owned `module`/`class` pair names a class Dagster ships for that slot.

    Why it matters: Dagster imports the pair only when the instance starts, so a misspelt module or class,
    or a compute log manager configured as a run launcher, stops the webserver and daemon from starting.
    """
    for block in class_blocks(context.data, context.catalog):
        violation = unknown_class_violation(block, context.catalog)
        if violation is not None:
            yield violation
