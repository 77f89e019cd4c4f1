"""``make stacks`` (``sitekit stacks``): check every stack, one line each.

For each folder under stacks/: read the template, expand it with the SAM translator, check it
against its diagram and the safety rules, lint it with cfn-lint, and deploy it into moto.
Problems are printed as ``path:line: what is wrong``; the exit status is 1 if there is any.
``sitekit stacks --publish`` only writes what the pages show (used by ``make pages``).
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from sitekit.paths import DiagramPaths, diagram_modules, repo_relative
from sitekit.stacks import (
    STACKS,
    StackError,
    StackPaths,
    agreement,
    safety,
    stack_folders,
    template,
    transform,
)


@dataclass
class Prepared:
    """A stack read and expanded once, shared by every check (and by the tests)."""

    stack: StackPaths
    template: template.Template | None = None
    expanded: dict | None = None
    problems: list[str] = field(default_factory=list)


def prepare(stack: StackPaths) -> Prepared:
    prepared = Prepared(stack)
    try:
        prepared.template = template.load(stack)
        prepared.expanded = transform.expand(prepared.template)
    except StackError as exc:
        prepared.problems.extend(str(exc).splitlines())
    return prepared


def missing_stacks() -> list[str]:
    """Diagram modules without a stack folder."""
    have = {s.stack_id for s in stack_folders()}
    return [
        f"{repo_relative(d.module)}:1: no stack: add {repo_relative(STACKS)}/{d.diagram_id}/"
        "template.yaml (make new-pattern writes a skeleton)"
        for d in diagram_modules()
        if d.diagram_id not in have
    ]


def page_problems(stack: StackPaths) -> list[str]:
    """The stack's page shows it under "Deploy it", right after "Cost drivers"."""
    page = DiagramPaths(stack.module).page_file
    if not page.exists():
        return []
    lines = page.read_text(encoding="utf-8").splitlines()
    include = f'--8<-- "deploy/{stack.stack_id}.md"'
    heading = next((i for i, t in enumerate(lines, 1) if t.strip() == "## Deploy it"), None)
    found = next((i for i, t in enumerate(lines, 1) if t.strip() == include), None)
    where = repo_relative(page)
    if found is None:
        anchor = heading or next(
            (i for i, t in enumerate(lines, 1) if t.strip() == "## Cost drivers"), 1
        )
        return [
            f"{where}:{anchor}: the page does not show its stack {stack.rel}: add {include} "
            "under '## Deploy it', the H2 after '## Cost drivers'"
        ]
    before = [t.strip() for t in lines[: found - 1] if t.startswith("## ")]
    if not before or before[-1] != "## Deploy it":
        return [f"{where}:{found}: {include} belongs in the '## Deploy it' section"]
    return []


def check_problems() -> list[tuple[str, int, str]]:
    """What `make check` reports as (path, line, message): unreadable templates, failed
    transforms, dependency cycles, disagreements with the diagram, missing stacks and pages
    that do not show their stack (lint and the emulated deployment run in `make stacks` and the tests)."""
    problems = missing_stacks()
    for stack in stack_folders():
        prepared = prepare(stack)
        problems += prepared.problems + page_problems(stack)
        if prepared.template is not None:
            problems += template.dangling_references(prepared.template)
            problems += agreement.check(prepared.template, prepared.expanded)
        if prepared.expanded is not None:
            problems += transform.dependency_cycles(prepared.template, prepared.expanded)
    return [split(p) for p in problems]


def split(problem: str) -> tuple[str, int, str]:
    path, line, message = problem.split(":", 2)
    return path, int(line), message.strip()


def _lint(stack: StackPaths) -> list[str]:
    from sitekit.stacks.lint import lint

    return lint(stack)


def lint_all(stacks: list[StackPaths]) -> dict[str, list[str]]:
    """cfn-lint over every stack, on all cores (it is the slow part)."""
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip((s.stack_id for s in stacks), pool.map(_lint, stacks), strict=True))


def main(publish_only: bool = False, only: list[str] | None = None) -> int:
    started = time.perf_counter()
    if publish_only:
        from sitekit.stacks.publish import publish_all

        return publish_all()
    from sitekit.stacks.emulate import deploy_into, emulated_account

    stacks = [s for s in stack_folders() if not only or s.stack_id in only]
    problems = [] if only else missing_stacks()
    lints = lint_all(stacks)
    deployed_fully = 0
    account = emulated_account()  # one emulated account for all stacks: much faster
    client = account.__enter__()
    for stack in stacks:
        prepared = prepare(stack)
        found = list(prepared.problems) + lints[stack.stack_id]
        summary = "not expanded"
        if prepared.template is not None:
            found += template.dangling_references(prepared.template)
            found += agreement.check(prepared.template, prepared.expanded)
        if prepared.expanded is not None:
            found += transform.dependency_cycles(prepared.template, prepared.expanded)
            found += safety.check(prepared.template, prepared.expanded)
            try:
                result = deploy_into(client, prepared.template, prepared.expanded)
                found += [f"{stack.rel}:1: moto: {p}" for p in result.problems]
                skipped = ", ".join(sorted(result.skipped)) or "none"
                deployed_fully += result.full
                summary = (
                    f"{len(prepared.template.resources)} resources "
                    f"({len(prepared.expanded['Resources'])} expanded), "
                    f"lint {len(lints[stack.stack_id])}, moto {result.status}, skipped: {skipped}"
                )
            except StackError as exc:
                found.append(str(exc))
        verdict = "OK" if not found else f"{len(found)} problem(s)"
        print(f"  {stack.stack_id}: {summary}: {verdict}", flush=True)
        problems += found
    account.__exit__(None, None, None)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(
        f"stacks: {len(stacks)} checked, {deployed_fully} deployed fully in moto, "
        f"{len(problems)} problem(s) in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return 1 if problems else 0
