"""cfn-lint over a stack's template, with the serverless rules of cfn-lint-serverless.

A stack must have no error and no warning. A rule may be switched off only inside the
template (``Metadata: cfn-lint: config: ignore_checks``), with a comment that says why.
"""

from __future__ import annotations

from sitekit.stacks import StackPaths

SERVERLESS_RULES = "cfn_lint_serverless.rules"
REGIONS = ["us-east-1"]


def lint(stack: StackPaths) -> list[str]:
    """Errors and warnings of cfn-lint for ``stack``, as ``path:line: RULE message``."""
    from cfnlint.api import ManualArgs, lint_file

    config = ManualArgs(append_rules=[SERVERLESS_RULES], regions=REGIONS)
    found = []
    for match in lint_file(stack.template, config=config):
        rule = match.rule.id
        if rule[0] in "EW":  # E1001, W3005, ES2000, WS1004: informational ones pass
            found.append(f"{stack.rel}:{match.linenumber}: cfn-lint {rule}: {match.message}")
    return sorted(set(found))
