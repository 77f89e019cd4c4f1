"""Diagram modules (read as source, never imported), their rendered output, the figures
pages show, snippet includes and reference-style links."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from sitekit import services
from sitekit.checks.markdown import Markdown, Page
from sitekit.checks.report import INCLUDES, SLUG, Report, suggest
from sitekit.paths import DIAGRAMS, DiagramPaths, repo_relative

# --- Diagram modules ---------------------------------------------------------------------------


def literal(node):
    """The value of a literal argument, or ``...`` when it is computed."""
    if node is None:
        return ...
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return ...


def argument(call: ast.Call, index: int | None, name: str):
    """Argument ``index`` (``None`` for keyword-only) or ``name`` of a call, if given."""
    starred = any(isinstance(a, ast.Starred) for a in call.args)
    if index is not None and not starred and len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == name), None)


def check_module_source(diagram: DiagramPaths, report: Report) -> bool:
    """Read the module without running it; True when it has a problem."""
    where = repo_relative(diagram.module)
    before = len(report.problems)
    try:
        tree = ast.parse(diagram.module.read_text(encoding="utf-8"), filename=where)
    except SyntaxError as exc:
        report(where, exc.lineno or 1, "syntax", error=exc.msg)
        return True
    if not ast.get_docstring(tree):
        report(where, 1, "no-docstring")
    if not any(isinstance(n, ast.FunctionDef) and n.name == "draw" for n in tree.body):
        report(where, 1, "no-draw")
    table = services.table()
    expected = 1
    calls = sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    for call in calls:
        if call.func.id == "node":
            key = literal(argument(call, 0, "service"))
            if isinstance(key, str) and key not in table:
                report(
                    where, call.lineno, "unknown-service", key=key, suggestion=suggest(key, table)
                )
            role = argument(call, None, "role")
            if role is None:
                report(where, call.lineno, "no-role")
            elif isinstance(literal(role), str) and not literal(role).strip():
                report(where, call.lineno, "empty-role")
        elif call.func.id == "step":
            number = literal(argument(call, 0, "number"))
            if isinstance(number, int):
                if number != expected:
                    report(where, call.lineno, "step-number", number=number, expected=expected)
                expected = number + 1
            shown = number if isinstance(number, int) else expected
            caption = argument(call, 3, "caption")
            if caption is None:
                report(where, call.lineno, "no-caption", number=shown)
            elif isinstance(literal(caption), str) and not literal(caption).strip():
                report(where, call.lineno, "empty-caption", number=shown)
    return len(report.problems) > before


def check_module_output(diagram: DiagramPaths, toolchain: bytes, report: Report) -> None:
    """What the module recorded when ``make diagrams`` ran it (covers computed values)."""
    from sitekit.render import input_hash, is_fresh

    where = repo_relative(diagram.module)
    if not diagram.meta.exists():
        report(where, 1, "not-rendered")
        return
    if not is_fresh(diagram, input_hash(diagram, toolchain)):
        report(where, 1, "stale")
    meta = json.loads(diagram.meta.read_text(encoding="utf-8"))
    for node in meta.get("nodes", []):
        if services.get(node["service"]) is None:
            key = node["service"]
            report(where, 1, "unknown-service", key=key, suggestion=suggest(key, services.keys()))
    steps = meta.get("steps", [])
    if not steps:
        report(where, 1, "no-steps")
    for expected, step in enumerate(steps, start=1):
        if step["number"] != expected:
            report(where, 1, "step-number", number=step["number"], expected=expected)
        if not str(step.get("caption", "")).strip():
            report(where, 1, "empty-caption", number=step["number"])


def check_diagrams(pages: dict[str, Page], report: Report) -> list[DiagramPaths]:
    """Every module is well formed and shown by its page; every pattern page has one."""
    from sitekit.render import toolchain_hash

    toolchain = toolchain_hash()
    modules = []
    for path in sorted(DIAGRAMS.rglob("*")):
        parts = path.relative_to(DIAGRAMS).parts
        if path.is_dir() or "__pycache__" in parts or any(p.startswith(".") for p in parts):
            continue
        where = repo_relative(path)
        if path.name == "__init__.py":
            report(where, 1, "package")
            continue
        if path.suffix != ".py":
            report(where, 1, "stray-diagram-file")
            continue
        stem, _, variant = path.stem.partition(".")
        if not SLUG.match(stem) or (variant and not SLUG.match(variant)):
            report(where, 1, "module-name")
            continue
        diagram = DiagramPaths(path)
        modules.append(diagram)
        page = pages.get(diagram.page)
        if page is None:
            report(where, 1, "orphan-module", page=diagram.page)
        broken = check_module_source(diagram, report)
        if not (broken and not diagram.meta.exists()):
            check_module_output(diagram, toolchain, report)
        if page is not None:
            check_figure_shown(page, diagram, report)
    drawn = {d.page for d in modules}
    for slug, page in pages.items():
        if page.is_pattern and slug not in drawn:
            report(page.file, 1, "no-module", slug=slug)
    return modules


def check_figure_shown(page: Page, diagram: DiagramPaths, report: Report) -> None:
    """The page shows the module's figure, then its steps under a 'How it works' heading."""
    included = dict(page.md.snippets)
    figure, steps = f"figure/{diagram.diagram_id}.md", f"steps/{diagram.diagram_id}.md"
    anchor = page.h2_line("Solution") or 1
    where = "under '## Solution'" if page.is_pattern else "where the diagram belongs"
    module = repo_relative(diagram.module)
    for snippet, what in ((figure, "figure"), (steps, "numbered steps")):
        if snippet not in included:
            report(
                page.file,
                anchor,
                "figure-missing",
                what=what,
                module=module,
                snippet=snippet,
                where=where,
            )
        elif page.is_pattern and page.section_at(included[snippet]) != "Solution":
            report(page.file, included[snippet], "outside-solution", snippet=snippet)
    if figure in included and steps in included and included[steps] < included[figure]:
        report(
            page.file,
            included[steps],
            "steps-before-figure",
            diagram=diagram.diagram_id,
            snippet=steps,
        )
    if page.is_pattern and steps in included:
        above = [h for h in page.md.headings if h.line < included[steps]]
        if not above or above[-1].text != "How it works" or above[-1].level < 3:
            report(page.file, included[steps], "how-it-works")


def check_snippets(page: Page, bases: list[Path], modules: set[str], report: Report) -> None:
    """Every ``--8<--`` include resolves to a file that exists or that ``make`` generates."""
    seen: dict[str, int] = {}
    for snippet, line in page.md.snippets:
        if snippet in seen and snippet.startswith(("figure/", "steps/", "related/")):
            report(page.file, line, "snippet-twice", snippet=snippet, first=seen[snippet])
        seen.setdefault(snippet, line)
        path = re.sub(r"(:-?\d+)+$", "", snippet)  # file.md:3:9 includes lines 3 to 9
        kind, _, rest = path.partition("/")
        if kind in ("figure", "steps") and rest.endswith(".md"):
            diagram = rest.removesuffix(".md")
            owner = DiagramPaths(DIAGRAMS / f"{diagram}.py").page
            if diagram not in modules:
                report(page.file, line, "snippet-no-module", snippet=snippet, diagram=diagram)
            elif owner != page.slug:
                report(page.file, line, "snippet-other-page", snippet=snippet, page=owner)
        elif kind == "related":
            if path != f"related/{page.slug}.md" or not page.is_pattern:
                report(page.file, line, "related-snippet-wrong", snippet=snippet, slug=page.slug)
        elif path != "catalog.md" and not any((b / path).is_file() for b in bases):
            folders = ", ".join(repo_relative(b) or "." for b in bases)
            report(page.file, line, "snippet-missing", snippet=snippet, bases=folders)
    if page.is_pattern:
        wanted = f"related/{page.slug}.md"
        found = [line for snippet, line in page.md.snippets if snippet == wanted]
        if not found:
            anchor = page.h2_line("Related patterns") or 1
            report(page.file, anchor, "related-snippet-missing", snippet=wanted)
        elif page.section_at(found[0]) != "Related patterns":
            report(page.file, found[0], "related-snippet-place", snippet=wanted)


def check_link_refs(page: Page, shared: set[str], report: Report) -> None:
    """``[text][key]`` needs a target, or Markdown prints the brackets as they are."""
    own = {key for key, _ in page.md.link_defs}
    for key, line in page.md.link_refs:
        if key not in own and key not in shared:
            report(page.file, line, "link-ref", key=key, suggestion=suggest(key, shared | own))


def shared_link_keys(report: Report) -> set[str]:
    """The link targets in includes/ (appended to every page); each key defined once."""
    keys: dict[str, int] = {}
    for path in sorted(INCLUDES.glob("*.md")) if INCLUDES.is_dir() else []:
        for key, line in Markdown.scan(path.read_text(encoding="utf-8")).link_defs:
            if key in keys:
                report(repo_relative(path), line, "link-def-twice", key=key, first=keys[key])
            keys.setdefault(key, line)
    return set(keys)
