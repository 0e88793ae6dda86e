"""`--import-classes`: check the classes instance-lint does not model by importing them, as Dagster does.

Off by default: importing a module runs its code. Nothing here runs unless the CLI (or `lint_text(...,
import_classes=True)`) asks for it, and `linter.api` imports this module only then.

Which blocks: those whose module is the user's own (not `dagster`, `dagster.*`, `dagster_*`), and those
in a third-party or unmodelled `dagster_*` package (`dagster_ray`, `dagster_celery`: the ones the
`unchecked-class` rule reports, `linter.rules.classes.is_unchecked`). The catalog judges the classes of
Dagster and the integrations it models without importing anything, and a retired integration
(`dagster_cron`) or a typo of a modelled package (`dagster_k8`) is already an `unknown-class` error.

For each such `{module, class, config}` block, Dagster's `ConfigurableClassData.rehydrate` is mirrored
(Dagster 1.13.27):

1. `importlib.import_module(module)` with the current directory first on `sys.path` (where Dagster's
   processes find the user's code when started from the project) -> `unknown-class` on `module:`
   (for a `dagster_*` package that is not installed: that it is not installed here);
2. `getattr(module, class)` -> `unknown-class` on `class:` (with a did-you-mean among the module's classes);
3. `issubclass(klass, <the slot's base class>)` (catalog `base_classes`) -> `unknown-class` on `class:`;
4. `process_config(resolve_to_config_type(klass.config_type()), config or {})` -> each
   `EvaluationError` becomes `unknown-key` / `missing-key` / `invalid-type` / `invalid-value` /
   `missing-env-var` at the key path its `stack` gives, under the block's `config`. `env:` references
   are resolved by Dagster against this process's environment.
   `instance_class` is loaded differently (`class_from_code_pointer`, `config_schema()`): only
   steps 1-3 apply to it.

Without Dagster installed, one info-level `unknown-class` finding says so and nothing is imported.

These findings replace the `unchecked-class` notes of the same blocks: the caller drops those
(`replaces_finding`), so each block gets one verdict.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import inspect
import os
import sys
from typing import TYPE_CHECKING, Any

from linter.model import Catalog
from linter.findings import KeyPath, Severity, Target, Violation
from linter.rules.classes import ClassBlock, class_blocks, is_dagster_module, is_unchecked, top_package

if TYPE_CHECKING:
    from linter.document import Document

RULE = "unknown-class"


def imported_blocks(data: Any, catalog: Catalog) -> list[ClassBlock]:
    """The class blocks `--import-classes` imports: the user's own modules, and the `dagster_*` packages
    instance-lint does not model (not retired, not a typo of a modelled one), in document order."""
    if not isinstance(data, dict):
        return []
    return [
        block for block in class_blocks(data, catalog)
        if block.slot in catalog.base_classes and (not is_dagster_module(block.module) or is_unchecked(block, catalog))
    ]


def replaces_finding(rule: str) -> bool:
    """Whether `--import-classes` gives the verdict a finding of `rule` stands in for: the `unchecked-class`
    note of a block it imports (every block that rule reports is one of `imported_blocks`)."""
    return rule == "unchecked-class"


def check_custom_classes(document: Document, catalog: Catalog, top_level_keys: frozenset = frozenset()) -> list[Violation]:
    """Import the classes instance-lint does not model named in `document` (the user's own, and those of
    unmodelled `dagster_*` packages) and check them as Dagster would load them.

    `document` is a parsed `linter.document.Document` (only `.data` is read); `catalog` is
    the judged version's `DagsterModel.catalog` (its `base_classes` give each slot's base class);
    `top_level_keys`, the keys of Dagster's own instance schema (the rest may be an instance class's). Returns
    Violations (positions are added by the caller through `document.locate`), in document order:
    `unknown-class` when the module does not import, the class is missing or does not subclass the
    slot's base class; `unknown-key`, `missing-key`, `invalid-type`, `invalid-value`,
    `missing-env-var` for what Dagster's config system rejects in the class's `config`. Classes in
    Dagster's own modules and the modelled integrations' are skipped (the catalog checks them). Without
    Dagster installed: a single info-level `unknown-class` finding ("install dagster to check custom
    classes") and no import.

    This imports and runs code the file names: call it only when the user asked (`--import-classes`).
    """
    blocks = imported_blocks(getattr(document, "data", None), catalog)
    if not blocks:
        return []
    if importlib.util.find_spec("dagster") is None:
        return [
            Violation(
                RULE,
                (*blocks[0].path, "module"),
                "install dagster to check custom and third-party classes: `--import-classes` imports them with"
                " Dagster's loader",
                Target.VALUE,
                severity=Severity.INFO,
            )
        ]
    violations: list[Violation] = []
    cwd = os.getcwd()
    added = cwd not in sys.path
    if added:
        sys.path.insert(0, cwd)
    try:
        for block in blocks:
            violations.extend(_check_block(block, catalog, document.data, top_level_keys))
    finally:
        if added and cwd in sys.path:
            sys.path.remove(cwd)
    return violations


def _import_error(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _import_failure(block: ClassBlock, error: BaseException) -> str:
    package = top_package(block.module)
    if package.startswith("dagster_") and isinstance(error, ModuleNotFoundError) and error.name == package:
        return (
            f"`{package}` is not installed here ({_import_error(error)}): Dagster cannot load `{block.class_name}`"
            f" without it; install the package that provides it where Dagster runs"
        )
    return f"`{block.module}` does not import ({_import_error(error)})"


def _load_base(qualname: str) -> type | None:
    module_name, _, class_name = qualname.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), class_name)
    except Exception:  # noqa: BLE001 - a base we cannot load: skip the subclass check
        return None


def _check_block(block: ClassBlock, catalog: Catalog, data: Any, top_level_keys: frozenset) -> list[Violation]:
    module_path, class_path = (*block.path, "module"), (*block.path, "class")
    try:
        module = importlib.import_module(block.module)
    except (Exception, SystemExit) as error:  # the user's code may raise anything while importing
        return [Violation(RULE, module_path, _import_failure(block, error), Target.VALUE)]
    klass = getattr(module, block.class_name, None)
    if klass is None:
        classes = sorted(name for name, value in vars(module).items() if inspect.isclass(value))
        match = difflib.get_close_matches(block.class_name, classes, n=1)
        hint = f": did you mean `{match[0]}`?" if match else ""
        return [
            Violation(
                RULE,
                class_path,
                f"`{block.module}` has no `{block.class_name}`{hint}",
                Target.VALUE,
                match[0] if match else None,
            )
        ]
    base = _load_base(catalog.base_classes[block.slot])
    if base is not None and not (inspect.isclass(klass) and issubclass(klass, base)):
        noun = catalog.slot_nouns.get(block.slot, block.slot)
        what = "is not a class" if not inspect.isclass(klass) else f"does not subclass `{base.__name__}`"
        return [
            Violation(
                RULE,
                class_path,
                f"`{block.module}.{block.class_name}` {what}: Dagster requires {base.__name__} for the {noun}",
                Target.VALUE,
            )
        ]
    if block.slot == "instance_class":
        return _check_instance_keys(block, klass, data, top_level_keys)
    return _check_config(block, klass)


def _check_instance_keys(block: ClassBlock, klass: Any, data: Any, top_level_keys: frozenset) -> list[Violation]:
    """The top-level keys Dagster's own schema lacks, and the instance class's own, judged against the class's
    `config_schema()` as `dagster_instance_config` merges it into the top level."""
    from dagster._config import Shape, process_config

    try:
        fields = klass.config_schema() if hasattr(klass, "config_schema") else {}
        shape = Shape(fields or {})
    except Exception as error:  # noqa: BLE001 - Dagster fails the same way when it builds the instance
        return [Violation(RULE, (*block.path, "class"), f"`{block.class_name}.config_schema()` does not give"
                                                         f" config fields ({_import_error(error)})", Target.VALUE)]
    own = set(shape.fields)
    written = {key: value for key, value in data.items() if key in own or key not in top_level_keys}
    result = process_config(shape, written)
    if result.success:
        return []
    owner = f"`{block.class_name}` (the instance class)"
    violations: list[Violation] = []
    for error in result.errors or []:
        reason = getattr(getattr(error, "reason", None), "value", "")
        error_data = getattr(error, "error_data", None)
        at = stack_path(error.stack)
        if reason in ("FIELD_NOT_DEFINED", "FIELDS_NOT_DEFINED"):
            names = [error_data.field_name] if reason == "FIELD_NOT_DEFINED" else list(error_data.field_names)
            for name in names:
                known = sorted(own | top_level_keys) if not at else sorted(_fields_at(shape, at))
                match = difflib.get_close_matches(str(name), known, n=1)
                hint = f"; did you mean `{match[0]}`?" if match else ""
                where = "at the top level: neither Dagster nor " + owner + " accepts it" if not at else f"in {owner}'s config"
                violations.append(Violation("unknown-key", (*at, name), f"unknown key `{name}` {where}{hint}", Target.KEY,
                                            match[0] if match else None))
        elif reason in ("MISSING_REQUIRED_FIELD", "MISSING_REQUIRED_FIELDS"):
            names = [error_data.field_name] if reason == "MISSING_REQUIRED_FIELD" else list(error_data.field_names)
            keys = ", ".join(f"`{name}`" for name in names)
            violations.append(Violation("missing-key", at or (*block.path, "class"), f"{owner} requires {keys}",
                                        Target.KEY))
        else:
            message = str(getattr(error, "message", "")).strip().rstrip(".")
            rule = "invalid-type" if reason == "RUNTIME_TYPE_MISMATCH" else "invalid-value"
            violations.append(Violation(rule, at, f"{owner}: {message}", Target.VALUE))
    return violations


def _fields_at(config_type: Any, path: KeyPath) -> set[str]:
    """The field names of the (nested) Shape at `path` of a config type; empty where there is none."""
    for part in path:
        fields = getattr(config_type, "fields", None)
        if not isinstance(fields, dict) or part not in fields:
            return set()
        config_type = fields[part].config_type
    fields = getattr(config_type, "fields", None)
    return set(fields) if isinstance(fields, dict) else set()


def _check_config(block: ClassBlock, klass: Any) -> list[Violation]:
    from dagster._config import process_config, resolve_to_config_type

    class_path = (*block.path, "class")
    try:
        config_type = resolve_to_config_type(klass.config_type())
    except Exception as error:  # noqa: BLE001 - Dagster fails the same way when it loads the class
        return [
            Violation(
                RULE,
                class_path,
                f"`{block.class_name}.config_type()` does not give a config type ({_import_error(error)})",
                Target.VALUE,
            )
        ]
    config = block.config if block.config is not None else {}
    try:
        result = process_config(config_type, config)
    except Exception as error:  # noqa: BLE001
        return [Violation("invalid-value", block.owner_path, f"Dagster cannot process this config ({_import_error(error)})")]
    if result.success:
        return []
    violations: list[Violation] = []
    for error in result.errors or []:
        violations.extend(_from_evaluation_error(block, error, config_type))
    return violations


def stack_path(stack: Any) -> KeyPath:
    """The key path an `EvaluationError.stack` names, relative to the class's `config`."""
    path: list[Any] = []
    for entry in getattr(stack, "entries", []):
        for attribute in ("field_name", "list_index", "map_key"):
            if hasattr(entry, attribute):
                path.append(getattr(entry, attribute))
                break
    return tuple(path)


def _from_evaluation_error(block: ClassBlock, error: Any, config_type: Any = None) -> list[Violation]:
    reason = getattr(getattr(error, "reason", None), "value", "")
    data = getattr(error, "error_data", None)
    inner = stack_path(error.stack)
    at = (*block.config_path, *inner) if inner or block.has_config else block.path
    message = str(getattr(error, "message", "")).strip().rstrip(".")
    owner = f"`{block.class_name}`"
    if reason in ("FIELD_NOT_DEFINED", "FIELDS_NOT_DEFINED"):
        names = [data.field_name] if reason == "FIELD_NOT_DEFINED" else list(data.field_names)
        known = sorted(_fields_at(config_type, inner)) if config_type is not None else []
        found = []
        for name in names:
            match = difflib.get_close_matches(str(name), known, n=1)
            hint = f": did you mean `{match[0]}`?" if match else ""
            found.append(Violation("unknown-key", (*at, name), f"`{name}` is not a config key {owner} accepts{hint}",
                                   Target.KEY, match[0] if match else None))
        return found
    if reason in ("MISSING_REQUIRED_FIELD", "MISSING_REQUIRED_FIELDS"):
        names = [data.field_name] if reason == "MISSING_REQUIRED_FIELD" else list(data.field_names)
        keys = ", ".join(f"`{name}`" for name in names)
        return [Violation("missing-key", at, f"{owner} requires config {keys}", Target.KEY)]
    if reason == "RUNTIME_TYPE_MISMATCH":
        return [Violation("invalid-type", at, f"{owner} config: {message}", Target.VALUE)]
    if reason == "FAILED_POST_PROCESSING" and "environment variable" in message.lower():
        return [Violation("missing-env-var", (*at, "env"), message, Target.VALUE)]
    return [Violation("invalid-value", at, f"{owner} config: {message}", Target.VALUE)]
