"""`invalid-retention`: tick retention (`retention.{schedule,sensor,auto_materialize}.purge_after_days`).

What Dagster 1.13.27 does with it (`dagster/_core/instance/config.py`, the daemons' purge code):
- The config type is `ScalarUnion(int, {skipped, success, failure, started: int})`: anything else
  (a string, a float, a boolean, null, an `env:` reference, an unknown or upper-case status) is
  rejected when the instance loads. Those are the only rejections, so this rule's findings come
  from the schema: `schema.py` hands every violation under a `purge_after_days` path to
  `as_retention_violation`, which re-labels it `invalid-retention` (one finding per problem) and,
  for an unknown status, words it as a tick status with a did-you-mean. No check is registered here.
- `get_tick_retention_settings`: a falsy value (`0`, `{}`) counts as not set and the defaults
  apply (the model's `defaults["retention"]`, from `get_default_tick_retention_settings`); an int applies to every status; a mapping overrides the
  statuses it names. The sensor, schedule and asset daemons purge a status only when its day
  count is positive (`if day_offset <= 0: continue`), so 0 and every negative number inside a
  mapping, and any negative bare number, mean "keep forever". Dagster accepts all of these:
  `suspicious_values.py` warns about the ones people read otherwise.
"""

from __future__ import annotations

from linter.findings import KeyPath, Violation, format_key_path
from linter.words import close_matches

RULE = "invalid-retention"
RETENTION_KINDS = ("schedule", "sensor", "auto_materialize")
TICK_STATUSES = ("skipped", "success", "failure", "started")

# the schema-level rules that become invalid-retention under `purge_after_days`
_RELABELLED = frozenset({"unknown-key", "invalid-type", "invalid-value"})


def purge_after_days_path(kind: str) -> KeyPath:
    return ("retention", kind, "purge_after_days")


def is_retention_path(key_path: KeyPath) -> bool:
    """`retention.<kind>.purge_after_days` or anything below it."""
    return (
        len(key_path) >= 3
        and key_path[0] == "retention"
        and key_path[1] in RETENTION_KINDS
        and key_path[2] == "purge_after_days"
    )


def closest_status(word: str) -> str | None:
    lowered = word.lower()
    if lowered in TICK_STATUSES:
        return lowered
    matches = close_matches(lowered, TICK_STATUSES, n=1, cutoff=0.6)
    return matches[0] if matches else None


def as_retention_violation(violation: Violation) -> Violation:
    """The schema's violation as `invalid-retention` when it is about `purge_after_days`; else unchanged."""
    if violation.rule not in _RELABELLED or not is_retention_path(violation.key_path):
        return violation
    statuses = ", ".join(f"`{status}`" for status in TICK_STATUSES)
    if violation.rule == "unknown-key" and len(violation.key_path) == 4:
        key = violation.key_path[3]
        where = f"`{format_key_path(violation.key_path[:3])}`"
        if key == "env":
            message = (
                f"{where} takes a number of days, not an `env:` reference: Dagster does not resolve"
                " `env:` in retention settings"
            )
            return Violation(RULE, violation.key_path, message, violation.target)
        suggestion = closest_status(key) if isinstance(key, str) else None
        message = f"`{key}` is not a tick status Dagster knows in {where}"
        if suggestion:
            message += f"; did you mean `{suggestion}`?"
        message += f" (tick statuses: {statuses})"
        return Violation(RULE, violation.key_path, message, violation.target, suggestion)
    if violation.rule == "invalid-type" and len(violation.key_path) == 3 and "is empty (`null`)" in violation.message:
        message = (
            f"`{format_key_path(violation.key_path)}` is empty (`null`), but Dagster requires a number of days"
            f" (-1 keeps ticks forever) or a mapping of tick statuses ({statuses}) to days"
        )
        return Violation(RULE, violation.key_path, message, violation.target)
    return Violation(RULE, violation.key_path, violation.message, violation.target, violation.suggestion)
