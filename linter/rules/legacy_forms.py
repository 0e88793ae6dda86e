"""`legacy-form` (info): forms Dagster fully supports but has superseded, without deprecating them.

Read from Dagster 1.13.27; each is still accepted, loaded and documented, so it is reported as an
`info` (a team that wants them gone raises it: `--severity legacy-form=warning`), once per form per
file, however many keys or class blocks use it:
- the legacy per-storage keys `run_storage` / `event_log_storage` / `schedule_storage`:
  `InstanceRef.from_dir` wraps them in a CompositeStorage, and Dagster's own Helm chart still writes
  them; `storage` configures the three at once. Not reported next to `storage`: that combination is
  a `conflicting-keys` error. The finding is on the first of them in the file.
- `dagster.core.*` (and any other pre-underscore `dagster.<submodule>`) module paths in a class slot:
  they import through `convert_dagster_submodule_name`'s back-compat rewriting to the private
  `dagster._core.*`, silently. Reported only when the catalog lists a public module for the class
  (`dagster` exports DefaultRunLauncher, QueuedRunCoordinator, UPathDefsStateStorage): for classes
  with no public home (LocalComputeLogManager, LocalArtifactStorage, the SQLite storages...) the
  `dagster.core` path is still the documented spelling. Not reported for `instance_class` (it never
  loads: unknown-class) nor for pairs that do not resolve (unknown-class). The finding is on the
  first such `module:` in the file and names the others.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Target, Violation, format_key_path
from linter.model.classes import LEGACY_STORAGE_KEYS
from linter.rules import RuleContext, check
from linter.rules.classes import class_blocks, imports_as_written, resolve_block

RULE = "legacy-form"


@check(RULE)
def legacy_storage_keys(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for the legacy `run_storage`, `event_log_storage` and `schedule_storage` keys.

    Why it matters: they still work, but `storage` configures all three at once, as Dagster's docs now do.
    """
    data = context.data
    if not isinstance(data, dict) or "storage" in data:
        return  # next to `storage` they are a conflicting-keys error
    written = [key for key in data if key in LEGACY_STORAGE_KEYS]
    if not written:
        return
    keys = ", ".join(f"`{key}`" for key in written)
    yield Violation(
        RULE,
        (written[0],),
        f"{keys}: the legacy per-storage {'keys' if len(written) > 1 else 'key'}, still fully supported;"
        " `storage` (`postgres`, `mysql`, `sqlite` or `custom`) configures run, event log and schedule"
        " storage in one key",
        Target.KEY,
    )


def _public_modules(modules: tuple[str, ...]) -> list[str]:
    public = [
        m for m in modules if imports_as_written(m) and not any(part.startswith("_") for part in m.split("."))
    ]
    return sorted(public, key=lambda m: (len(m), m))


@check(RULE)
def dagster_core_module_paths(context: RuleContext) -> Iterator[Violation]:
    """What it does: checks for `dagster.core.*` module paths where `dagster` exports the class.

    Why it matters: such paths import only through Dagster's back-compat rewriting to its private modules.
    """
    found = []
    for block in class_blocks(context.data, context.catalog):
        module = block.module
        if block.slot == "instance_class" or not module.startswith("dagster.") or imports_as_written(module):
            continue
        entry = resolve_block(context, block)
        if entry is None:
            continue
        public = _public_modules(entry.modules)
        if public:
            found.append((block, public[0]))
    if not found:
        return
    (first, replacement), others = found[0], found[1:]
    also = ""
    if others:
        also = "; also " + ", ".join(f"`{format_key_path((*block.path, 'module'))}`" for block, _ in others)
    yield Violation(
        RULE,
        (*first.path, "module"),
        f"`{first.module}` is an old module path that Dagster maps to its private `dagster._` modules itself:"
        f" `module: {replacement}` is the public one{also}",
        Target.VALUE,
        replacement,
    )
