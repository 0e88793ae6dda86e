"""`unchecked-class`: a class of a `dagster_*` package that instance-lint does not model.

instance-lint judges the classes of Dagster and of the integrations it models (the catalog: dagster-postgres,
-mysql, -k8s, -docker, -aws, -gcp, -azure, -celery-k8s, dagster-cloud). A `module:` in any other `dagster_*`
package (`dagster_ray`, `dagster_celery`, `dagster_obstore`) names a class whose existence and config
nobody checked: one info finding per class block, at its `module:` value, says so and how to check it
(`--import-classes`, which imports it as Dagster does: linter/custom_classes.py).

Not reported here: a retired integration (`dagster_cron`) or a typo of a modelled package (`dagster_k8`),
which are `unknown-class` errors (linter/rules/classes.py); a user's own module (`my_company.x`), which
instance-lint never judges without `--import-classes`.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Target, Violation
from linter.rules import RuleContext, check
from linter.rules.classes import ClassBlock, class_blocks, is_unchecked, top_package


def unchecked_message(block: ClassBlock) -> str:
    package = top_package(block.module)
    if block.slot == "instance_class":  # Dagster does not read an instance class's `config`
        what, verb, them = f"`{block.class_name}`", "was", "it"
    else:
        what, verb, them = f"`{block.class_name}` and its config", "were", "them"
    return (
        f"`{package}` is not a package instance-lint models: {what} {verb} not checked;"
        f" run `instance-lint check --import-classes` where the package is installed to check {them}"
    )


@check("unchecked-class")
def unchecked_classes(context: RuleContext) -> Iterator[Violation]:
    """What it does: notes each class of a `dagster_*` package instance-lint does not model.

    Why it matters: a clean report says nothing about such a class: a misspelt class name or config key
    in it still stops Dagster at start-up.
    """
    for block in class_blocks(context.data, context.catalog):
        if is_unchecked(block, context.catalog):
            yield Violation("unchecked-class", (*block.path, "module"), unchecked_message(block), Target.VALUE)
