"""``make check``: validate every page, diagram module and the navigation, on every run.

Each problem is printed as ``path:line: what is wrong and how to fix it``; the exit status is
1 if there is any. Nothing is skipped because it did not change, so old pages cannot drift.
The check reads the sources, ``mkdocs.yml`` and the metadata ``make diagrams`` already wrote
(generated/meta); it never runs Graphviz or imports a diagram module, so it stays fast.

- Front matter against a JSON Schema (required keys, types, summary length, category from
  data/categories.yml, ``related`` slugs that exist); the H1 matches the title.
- Pattern pages: the H2 sections of SECTIONS, present and in order; the figure, "How it
  works" and steps inside Solution; the related-patterns list under Related patterns.
- Diagram modules: each pattern page has one; each module belongs to a page that shows its
  figure and steps; every ``node()`` names a service of data/services.yml; steps are numbered
  1, 2, 3, ... and each has a caption; the rendered output is up to date.
- Navigation: every nav entry has a file, every page is in the nav once, the Patterns section
  is alphabetical and uses the pages' titles.
- Orphans: stray files in docs/, diagrams/ and includes/; snippet includes and reference-style
  links (``[text][key]``) that point nowhere.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from sitekit import freshness, services
from sitekit.cost.check import check_costs
from sitekit.pages import FRONT_MATTER, categories, load_front_matter
from sitekit.paths import DIAGRAMS, DOCS, ROOT, SERVICE_PAGES, DiagramPaths, repo_relative
from sitekit.stacks.cli import check_problems as stack_check_problems

CONFIG = ROOT / "mkdocs.yml"
INCLUDES = ROOT / "includes"
SERVICE_TABLE = "scripts/sitekit/data/services.yml"
# The H2 sections of a pattern page, in this order (see docs/patterns/backend-api.md).
SECTIONS = [
    "Problem",
    "Solution",
    "Limits that matter",
    "Trade-offs",
    "When to use it",
    "Cost drivers",
    "Deploy it",
    "Related patterns",
    "Sources",
]
SUMMARY_LENGTH = (60, 200)
RELATED_COUNT = (2, 4)
# libyaml when installed: front matter holds the cost models, and pure Python parses slowly.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Written into docs/ by `make diagrams`, `make pages` and `make vendor`: not authored.
GENERATED_IN_DOCS = (
    DOCS / "assets" / "diagrams",
    DOCS / "assets" / "icons",
    DOCS / "assets" / "sources",
    DOCS / "assets" / "vendor",
    DOCS / "assets" / "stacks",
    SERVICE_PAGES,
)

# Every message the check prints: what is wrong, then how to fix it.
MESSAGES = {
    # front matter
    "no-front-matter": "no front matter: start the page with a line '---', then 'title: ...' "
    "and 'summary: ...' lines, then '---'",
    "bad-yaml": "front matter is not valid YAML ({problem}): quote a value that contains ': ' "
    "or starts with a special character",
    "not-mapping": "front matter must be 'key: value' lines",
    "duplicate-key": "front-matter key {key!r} appears twice: keep one",
    "missing-key": "front matter has no {key!r}: add '{key}: ...', {hint}",
    "unknown-key": "unknown front-matter key {key!r}{suggestion}: the allowed keys are {allowed}",
    "summary-length": "summary is {length} characters: write {hint}",
    "unknown-category": "unknown category {value!r}{suggestion}: use {hint}",
    "related-self": "related lists this page itself ({value!r}): list other patterns",
    "related-missing": "related pattern {value!r} does not exist (no docs/patterns/{value}.md)"
    "{suggestion}: use the slug of an existing pattern page",
    "related-count": "related has {count} entries: give {hint}",
    "related-twice": "related lists a pattern twice: list each one once",
    "wrong-type": "{key!r} has the wrong type ({type}): give {hint}",
    "bad-title": "title is empty or has spaces around it: give {hint}",
    "schema": "{key}: {error}",
    "title-taken": "title {title!r} is already used by {other}: give each pattern its own title",
    "bad-page-slug": "a pattern's file name is its slug: lower-case words joined by '-', "
    "e.g. storage-first.md",
    # headings and sections
    "no-h1": "no H1: start the body with '# {title}'",
    "h1-title": "H1 '# {text}' differs from the front-matter title {title!r}: make them the same",
    "second-h1": "second H1 '# {text}': a page has one H1; make this an H2 or an H3",
    "unknown-section": "unexpected section '## {text}'{suggestion}: pattern pages have exactly "
    "these H2s: {sections}; rename it, or make it an H3 ('### {text}') inside one of them",
    "section-twice": "section '## {text}' appears twice (first on line {first}): merge them",
    "section-order": "section '## {text}' is out of order: move it {where} (the order is "
    "{sections})",
    "section-missing": "missing section '## {name}': add it {where} (pattern pages have exactly "
    "these H2s, in order: {sections})",
    # diagrams on the page
    "no-module": "no diagram module: create diagrams/{slug}.py (copy "
    "scripts/sitekit/templates/pattern.py; 'make new-pattern' does this for new pages)",
    "figure-missing": "the page does not show the {what} of {module}: add the line "
    '--8<-- "{snippet}" {where}',
    "snippet-twice": "'{snippet}' is included again (first on line {first}): a diagram or list "
    "shown twice repeats its ids on the page; keep one",
    "outside-solution": "'{snippet}' is included outside '## Solution': move it into Solution",
    "steps-before-figure": 'the steps of {diagram} come before its figure: put --8<-- "{snippet}" '
    "after the figure",
    "how-it-works": "the numbered steps need a 'How it works' heading right above them: add "
    "'### How it works' (or '#### How it works' under a diagram's own H3)",
    "snippet-no-module": "'{snippet}' has no diagram module diagrams/{diagram}.py: fix the name "
    "or create the module",
    "snippet-other-page": "'{snippet}' is a diagram of docs/{page}.md: show a page's own "
    "diagrams here, and link to the other page",
    "related-snippet-wrong": "'{snippet}': a pattern page includes only its own related list, "
    '--8<-- "related/{slug}.md"',
    "related-snippet-missing": 'the related patterns are not shown: add --8<-- "{snippet}" under '
    "'## Related patterns' (the list is built from 'related' in the front matter)",
    "related-snippet-place": "'{snippet}' belongs under '## Related patterns': move it there",
    "snippet-missing": "'{snippet}' does not exist in any snippet folder ({bases}): fix the path",
    "link-ref": "link reference [{key}] has no target{suggestion}: add '[{key}]: https://...' "
    "(the AWS documentation page) to includes/links.md; grep for an existing key first",
    "link-def-twice": "link key [{key}] is defined twice (first on line {first}) and the first "
    "one wins: delete this line or give it its own key",
    # diagram modules
    "syntax": "syntax error: {error}",
    "no-docstring": "no module docstring: start with one line saying what the diagram shows, "
    'e.g. """Backend API: API Gateway in front of Lambda functions."""',
    "no-draw": "no draw() function: put the diagram in 'def draw():' so nothing is drawn at "
    "import time",
    "unknown-service": "unknown service {key!r}{suggestion}: use a key of " + SERVICE_TABLE + ", "
    "or add an entry for the service there",
    "no-role": 'node() needs role="...": one sentence on what this node does in this pattern',
    "empty-role": "node() has an empty role: say in one sentence what this node does here",
    "step-number": "step {number} should be step {expected}: number the steps 1, 2, 3, ... in "
    "the order they are drawn",
    "no-caption": "step {number} has no caption: add a sentence as the fourth argument, e.g. "
    'step({number}, client, api, "The client calls the API."); it becomes item {number} of '
    "'How it works' on the page",
    "empty-caption": "step {number} has an empty caption: write one sentence on what happens "
    "in this step",
    "no-steps": "the diagram has no numbered steps: draw the main flow with "
    'step(1, a, b, "caption"), step(2, ...), ...',
    "not-rendered": "no rendered output: run 'make diagrams' and fix the error it prints for "
    "this module",
    "stale": "the rendered diagram is older than its module or the tooling: run 'make diagrams'",
    "package": "diagrams/ must not be a package: this file hides the installed diagrams "
    "library; delete it",
    "stray-diagram-file": "stray file: diagrams/ holds only diagram modules (<page>.py or "
    "<page>.<variant>.py); move or delete it",
    "module-name": "module name must be its page's slug, optionally with a variant: lower-case "
    "words joined by '-', e.g. saga.py or saga.choreography.py",
    "orphan-module": "orphan module: there is no page docs/{page}.md for it to draw; name it "
    "after its page (diagrams/<page>.py or <page>.<variant>.py) or delete it",
    # navigation and orphans
    "no-nav": "no 'nav' list: list every page under 'nav:' (the Patterns section "
    "alphabetically by title)",
    "nav-entry": "nav entry not understood: write '- Title: path/to/page.md', or a section "
    "'- Section:' with a list under it",
    "nav-twice": "'{path}' is in the nav twice (first on line {first}): keep one entry",
    "nav-no-file": "nav entry '{path}' has no file docs/{path}: create the page or remove the "
    "entry",
    "nav-order": "the Patterns nav is alphabetical by title: move '{title}' before '{before}'",
    "nav-title": "nav title '{title}' differs from the page's title {page_title!r} "
    "(docs/{path}): use the same words",
    "not-in-nav": "the page is not in the navigation: add '- {title}: {path}' {where} in "
    "mkdocs.yml",
    "stray-asset": "stray file: no page, stylesheet, script or mkdocs.yml uses it; link it from "
    "a page (or list it in mkdocs.yml) or delete it",
    "stray-include": "stray file: no page includes it and it is not in pymdownx.snippets' "
    "auto_append in mkdocs.yml; include it or delete it",
    "config-yaml": "mkdocs.yml is not valid YAML: {error}",
}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Report:
    problems: set[Problem] = field(default_factory=set)

    def __call__(self, where: str, line: int, kind: str, /, **values) -> None:
        self.problems.add(Problem(where, line, MESSAGES[kind].format(**values)))


def suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- Markdown ----------------------------------------------------------------------------------

SNIPPET = re.compile(r"^[ \t]*(?P<escape>;*)-+8<-+[ \t]+(?P<q>[\"'])(?P<path>.+?)(?P=q)[ \t]*$")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*(?:\{[^}]*\})?[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
LINK_REF = re.compile(r"!?\[((?:[^\[\]\n]|\[[^\[\]\n]*\])+)\]\[([^\[\]\n]*)\]")
LINK_DEF = re.compile(r"^[ ]{0,3}\[([^\]\n]+)\]:[ \t]*\S")
INLINE_CODE = re.compile(r"(`+).*?\1")


def link_key(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class Heading:
    level: int
    text: str
    line: int


@dataclass
class Markdown:
    """What the check needs from a Markdown file, with 1-based line numbers."""

    headings: list[Heading] = field(default_factory=list)
    snippets: list[tuple[str, int]] = field(default_factory=list)
    link_refs: list[tuple[str, int]] = field(default_factory=list)
    link_defs: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def scan(cls, text: str) -> Markdown:
        found = cls()
        fence = ""
        front = FRONT_MATTER.match(text)
        skip = front[0].count("\n") if front else 0  # YAML comments are not headings
        for number, line in enumerate(text.splitlines(), start=1):
            if number <= skip:
                continue
            # Snippets expand everywhere, inside code fences too (that is how a figure shows its
            # module's source), unless escaped with a leading ';'.
            snippet = SNIPPET.match(line)
            if snippet and not snippet["escape"]:
                found.snippets.append((snippet["path"], number))
            marker = FENCE.match(line)
            if fence:
                if marker and marker[1][0] == fence[0] and len(marker[1]) >= len(fence):
                    fence = "" if not marker[2].strip() else fence
                continue
            if marker:
                fence = marker[1]
                continue
            heading = HEADING.match(line)
            if heading:
                found.headings.append(Heading(len(heading[1]), heading[2].strip(), number))
                continue
            definition = LINK_DEF.match(line)
            if definition:
                found.link_defs.append((link_key(definition[1]), number))
                continue
            for ref in LINK_REF.finditer(INLINE_CODE.sub("", line)):
                key = ref[2] or ref[1]
                if not key.startswith("^"):  # footnotes are not links
                    found.link_refs.append((link_key(key), number))
        return found


@dataclass
class Page:
    path: Path
    meta: dict
    text: str
    block: str | None  # the front matter, when it parsed
    md: Markdown

    @property
    def rel(self) -> str:
        """``patterns/saga.md``, relative to docs/."""
        return self.path.relative_to(DOCS).as_posix()

    @property
    def slug(self) -> str:
        return self.rel.removesuffix(".md")

    @property
    def file(self) -> str:
        return repo_relative(self.path)

    @property
    def is_pattern(self) -> bool:
        return self.rel.startswith("patterns/")

    def section_at(self, line: int) -> str | None:
        """The H2 that ``line`` falls under."""
        current = None
        for heading in self.md.headings:
            if heading.line > line:
                break
            if heading.level == 2:
                current = heading.text
        return current

    def h2_line(self, text: str) -> int | None:
        return next((h.line for h in self.md.headings if h.level == 2 and h.text == text), None)


def read_page(path: Path, report: Report) -> Page:
    text = path.read_text(encoding="utf-8")
    page = Page(path, {}, text, None, Markdown.scan(text))
    match = FRONT_MATTER.match(text)
    if not match:
        report(page.file, 1, "no-front-matter")
        return page
    try:
        meta = load_front_matter(match[1])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        report(page.file, mark.line + 2 if mark else 1, "bad-yaml", problem=problem)
        return page
    if not isinstance(meta, dict):
        report(page.file, 2, "not-mapping")
        return page
    page.meta, page.block = meta, match[1]
    return page


# --- Front matter ------------------------------------------------------------------------------


def front_matter_schema(pattern: bool, related: list[str]) -> dict:
    """The JSON Schema of a page's front matter; ``x-hint`` says what a good value looks like."""
    low, high = SUMMARY_LENGTH
    properties = {
        "title": {
            "type": "string",
            "minLength": 3,
            "pattern": r"^\S(.*\S)?$",
            "x-hint": "a short title in sentence case, e.g. 'Storage first'",
        },
        "summary": {
            "type": "string",
            "minLength": low,
            "maxLength": high,
            "x-hint": f"one sentence of {low}-{high} characters; the catalog, search results "
            "and the page's meta description show it",
        },
        # Material for MkDocs' own keys.
        "hide": {"type": "array", "x-hint": "a list of parts to hide, e.g. [toc]"},
        "search": {"type": "object", "x-hint": "e.g. {exclude: true}"},
        freshness.KEY: freshness.SCHEMA,
    }
    required = ["title", "summary"]
    if pattern:
        names = ", ".join(categories())
        properties["category"] = {
            "enum": list(categories()),
            "x-hint": f"one of {names} (scripts/sitekit/data/categories.yml)",
        }
        properties["related"] = {
            "type": "array",
            "minItems": RELATED_COUNT[0],
            "maxItems": RELATED_COUNT[1],
            "uniqueItems": True,
            "items": {"enum": related},
            "x-hint": f"a list of {RELATED_COUNT[0]}-{RELATED_COUNT[1]} slugs of other pattern "
            "pages, e.g. [backend-api, storage-first]",
        }
        required += ["category", "related"]
        properties["cost"] = {
            "type": ["object", "array"],
            "x-hint": "the usage model: unit, inputs, usage, not_estimated",
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def key_lines(block: str) -> tuple[dict, dict, list[tuple[str, int]]]:
    """Line of each key, of each list item ``(key, index)``, and keys that appear twice."""
    keys, items, twice = {}, {}, []
    node = yaml.compose(block, Loader=FAST_LOADER)
    for key, value in node.value if isinstance(node, yaml.MappingNode) else []:
        line = key.start_mark.line + 2  # the block starts on line 2, after '---'
        if key.value in keys:
            twice.append((key.value, line))
        keys[key.value] = line
        for index, item in enumerate(value.value if isinstance(value, yaml.SequenceNode) else []):
            items[(key.value, index)] = item.start_mark.line + 2
    return keys, items, twice


def check_front_matter(page: Page, patterns: list[str], report: Report) -> None:
    if page.block is None:
        return
    keys, items, twice = key_lines(page.block)
    for key, line in twice:
        report(page.file, line, "duplicate-key", key=key)
    own = page.slug.removeprefix("patterns/")
    schema = front_matter_schema(page.is_pattern, [s for s in patterns if s != own])
    props = schema["properties"]
    for error in Draft202012Validator(schema).iter_errors(page.meta):
        path = list(error.absolute_path)
        key = str(path[0]) if path else ""
        hint = props.get(key, {}).get("x-hint", "")
        line = items.get((key, path[1])) if len(path) == 2 else keys.get(key, 1)
        kind, values = error.validator, {}
        if kind == "required":
            key = re.match(r"'(.+)' is a required property", error.message)[1]
            report(page.file, 1, "missing-key", key=key, hint=props[key]["x-hint"])
            continue
        if kind == "additionalProperties":
            for extra in sorted(set(page.meta) - set(props)):
                report(
                    page.file,
                    keys.get(extra, 1),
                    "unknown-key",
                    key=extra,
                    suggestion=suggest(extra, props),
                    allowed=", ".join(props),
                )
            continue
        value = error.instance
        if key == "summary" and kind in ("minLength", "maxLength"):
            message, values = "summary-length", {"length": len(value), "hint": hint}
        elif key == "category" and kind == "enum":
            message = "unknown-category"
            values = {"value": value, "suggestion": suggest(value, categories()), "hint": hint}
        elif key == "related" and kind == "enum":
            message = "related-self" if value == own else "related-missing"
            values = {"value": value, "suggestion": suggest(value, props[key]["items"]["enum"])}
        elif key == "related" and kind in ("minItems", "maxItems"):
            message, values = "related-count", {"count": len(value), "hint": hint}
        elif key == "related" and kind == "uniqueItems":
            message = "related-twice"
        elif kind == "type":
            message, values = "wrong-type", {"key": key, "type": type(value).__name__, "hint": hint}
        elif key == "title":
            message, values = "bad-title", {"hint": hint}
        else:
            message, values = "schema", {"key": key or "front matter", "error": error.message}
        report(page.file, line or 1, message, **values)


def check_headings(page: Page, report: Report) -> None:
    """The H1 is the title; a pattern page has exactly SECTIONS as H2s, in order."""
    title = page.meta.get("title")
    h1 = [h for h in page.md.headings if h.level == 1]
    if isinstance(title, str) and h1 and h1[0].text != title:
        report(page.file, h1[0].line, "h1-title", text=h1[0].text, title=title)
    if isinstance(title, str) and not h1 and page.is_pattern:
        report(page.file, 1, "no-h1", title=title)
    for extra in h1[1:]:
        report(page.file, extra.line, "second-h1", text=extra.text)
    if not page.is_pattern:
        return
    sections = ", ".join(SECTIONS)
    seen: dict[str, int] = {}
    known: list[Heading] = []
    for heading in (h for h in page.md.headings if h.level == 2):
        if heading.text not in SECTIONS:
            suggestion = suggest(heading.text, SECTIONS)
            report(
                page.file,
                heading.line,
                "unknown-section",
                text=heading.text,
                suggestion=suggestion,
                sections=sections,
            )
        elif heading.text in seen:
            report(
                page.file,
                heading.line,
                "section-twice",
                text=heading.text,
                first=seen[heading.text],
            )
        else:
            seen[heading.text] = heading.line
            known.append(heading)
    in_order = longest_increasing([SECTIONS.index(h.text) for h in known])
    for index, heading in enumerate(known):
        if index not in in_order:
            before = [s for s in SECTIONS[: SECTIONS.index(heading.text)] if s in seen]
            where = f"after '## {before[-1]}'" if before else "to the top, after the H1"
            report(
                page.file,
                heading.line,
                "section-order",
                text=heading.text,
                where=where,
                sections=sections,
            )
    anchor = 1
    for name in SECTIONS:
        if name in seen:
            anchor = seen[name]
            continue
        before = [s for s in SECTIONS[: SECTIONS.index(name)] if s in seen]
        where = f"after '## {before[-1]}'" if before else "after the H1"
        report(page.file, anchor, "section-missing", name=name, where=where, sections=sections)


def longest_increasing(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence (a page has ~8 H2s: O(n^2))."""
    best, previous = [1] * len(values), [-1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i] and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    end = max(range(len(values)), key=best.__getitem__, default=-1)
    keep = set()
    while end != -1:
        keep.add(end)
        end = previous[end]
    return keep


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


# --- mkdocs.yml --------------------------------------------------------------------------------


def plain(node):
    """A composed YAML node as Python data (tags such as ``!!python/name:`` are ignored)."""
    if isinstance(node, yaml.MappingNode):
        return {plain(k): plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [plain(v) for v in node.value]
    return None if node is None else node.value


def nav_key(title: str) -> str:
    """``title`` as YAML (a nav key or a value): plain when it reads back unchanged."""
    try:
        if yaml.safe_load(f"{title}: x") == {title: "x"}:
            return title
    except yaml.YAMLError:
        pass
    return json.dumps(title, ensure_ascii=False)


def mapping_get(node, key: str):
    for k, v in node.value if isinstance(node, yaml.MappingNode) else []:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


@dataclass
class NavEntry:
    title: str | None
    path: str
    line: int
    section: tuple[str, ...]


@dataclass
class Config:
    text: str = ""
    nav: list[NavEntry] | None = None
    patterns_line: int | None = None
    snippet_bases: list[Path] = field(default_factory=lambda: [ROOT])
    auto_append: list[str] = field(default_factory=list)


def load_config(report: Report) -> Config:
    config = Config(CONFIG.read_text(encoding="utf-8") if CONFIG.exists() else "")
    try:
        root = yaml.compose(config.text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        report("mkdocs.yml", mark.line + 1 if mark else 1, "config-yaml", error=exc)
        return config
    for extension in plain(mapping_get(root, "markdown_extensions")) or []:
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            options = extension["pymdownx.snippets"] or {}
            base = options.get("base_path", ["."])
            config.snippet_bases = [ROOT / b for b in ([base] if isinstance(base, str) else base)]
            config.auto_append = list(options.get("auto_append") or [])
    nav = mapping_get(root, "nav")
    if not isinstance(nav, yaml.SequenceNode):
        report("mkdocs.yml", 1, "no-nav")
        return config
    config.nav = []

    def walk(sequence: yaml.SequenceNode, section: tuple[str, ...]) -> None:
        for item in sequence.value:
            line = item.start_mark.line + 1
            if isinstance(item, yaml.ScalarNode):
                config.nav.append(NavEntry(None, item.value, line, section))
                continue
            if not (isinstance(item, yaml.MappingNode) and len(item.value) == 1):
                report("mkdocs.yml", line, "nav-entry")
                continue
            key, value = item.value[0]
            if isinstance(value, yaml.SequenceNode):
                if not section and key.value == "Patterns":
                    config.patterns_line = line
                walk(value, (*section, key.value))
            elif isinstance(value, yaml.ScalarNode):
                config.nav.append(NavEntry(key.value, value.value, line, section))
            else:
                report("mkdocs.yml", line, "nav-entry")

    walk(nav, ())
    return config


def check_nav(config: Config, pages: dict[str, Page], report: Report) -> None:
    if config.nav is None:
        return
    seen: dict[str, int] = {}
    for entry in config.nav:
        if re.match(r"^[a-z]+://", entry.path):
            continue
        if entry.path in seen:
            report("mkdocs.yml", entry.line, "nav-twice", path=entry.path, first=seen[entry.path])
            continue
        seen[entry.path] = entry.line
        if not (DOCS / entry.path).is_file():
            report("mkdocs.yml", entry.line, "nav-no-file", path=entry.path)
    patterns = [e for e in config.nav if e.section == ("Patterns",)]
    for before, entry in zip(patterns, patterns[1:], strict=False):
        if (entry.title or "").casefold() < (before.title or "").casefold():
            report("mkdocs.yml", entry.line, "nav-order", title=entry.title, before=before.title)
    for entry in patterns:
        page = pages.get(entry.path.removesuffix(".md"))
        page_title = page.meta.get("title") if page else None
        if entry.title and isinstance(page_title, str) and page_title != entry.title:
            report(
                "mkdocs.yml",
                entry.line,
                "nav-title",
                title=entry.title,
                page_title=page_title,
                path=entry.path,
            )
    for page in pages.values():
        if page.rel not in seen:
            where = "to 'nav'"
            if page.is_pattern:
                line = f" (line {config.patterns_line})" if config.patterns_line else ""
                where = f"to the Patterns section{line}, alphabetically by title,"
            title = nav_key(str(page.meta.get("title", "Title")))
            report(page.file, 1, "not-in-nav", title=title, path=page.rel, where=where)


def generated(path: Path) -> bool:
    return any(folder == path or folder in path.parents for folder in GENERATED_IN_DOCS)


def check_orphans(config: Config, pages: dict[str, Page], report: Report) -> None:
    """Files in docs/ and includes/ that no page, stylesheet, script, theme override or
    mkdocs.yml uses."""
    assets = sorted(
        p
        for p in DOCS.rglob("*")
        if p.is_file()
        and p.suffix != ".md"
        and not generated(p)
        and not any(part.startswith(".") or part == "__pycache__" for part in p.parts)
    )
    sources = {CONFIG: config.text, **{p.path: p.text for p in pages.values()}}
    sources.update(
        (p, p.read_text(encoding="utf-8", errors="ignore"))
        for p in assets
        if p.suffix in (".css", ".js", ".html", ".svg")
    )
    overrides = ROOT / "overrides"  # the theme's custom_dir (search worker, language)
    sources.update((p, p.read_text(encoding="utf-8")) for p in sorted(overrides.rglob("*.html")))
    for asset in assets:
        name = re.compile(rf"(?<![\w.-]){re.escape(asset.name)}(?![\w-])")
        if not any(name.search(text) for path, text in sources.items() if path != asset):
            report(repo_relative(asset), 1, "stray-asset")
    included = {Path(s).name for p in pages.values() for s, _ in p.md.snippets}
    for path in sorted(INCLUDES.rglob("*")) if INCLUDES.is_dir() else []:
        if path.is_file() and not path.name.startswith("."):
            if path.name not in config.auto_append and path.name not in included:
                report(repo_relative(path), 1, "stray-include")


# --- Entry point -------------------------------------------------------------------------------


def collect() -> tuple[list[Problem], int, int]:
    """Every problem in the repository, and how many pages and diagram modules were checked."""
    report = Report()
    config = load_config(report)
    pages: dict[str, Page] = {}
    for path in sorted(DOCS.rglob("*.md")):
        if not generated(path) and not any(p.startswith(".") for p in path.parts):
            page = read_page(path, report)
            pages[page.slug] = page
    patterns = sorted(s.removeprefix("patterns/") for s, p in pages.items() if p.is_pattern)
    shared = shared_link_keys(report)
    titles: dict[str, str] = {}
    for page in pages.values():
        if page.is_pattern and not SLUG.match(page.slug.removeprefix("patterns/")):
            report(page.file, 1, "bad-page-slug")
        check_front_matter(page, patterns, report)
        freshness.check(page, report)
        check_headings(page, report)
        check_link_refs(page, shared, report)
        title = page.meta.get("title")
        if page.is_pattern and isinstance(title, str):
            other = titles.setdefault(title.casefold(), page.file)
            if other != page.file:
                report(page.file, 2, "title-taken", title=title, other=other)
    modules = check_diagrams(pages, report)
    ids = {d.diagram_id for d in modules}
    for page in pages.values():
        check_snippets(page, config.snippet_bases, ids, report)
    check_nav(config, pages, report)
    check_orphans(config, pages, report)
    check_costs(pages, report)
    report.problems.update(Problem(*p) for p in stack_check_problems())  # sitekit/stacks/
    return sorted(report.problems), len(pages), len(modules)


def main() -> int:
    started = time.perf_counter()
    problems, page_count, module_count = collect()
    for problem in problems:
        print(problem, file=sys.stderr)
    count = len(problems)
    verdict = f"{count} problem{'s' if count != 1 else ''}: fix each one above" if count else "OK"
    print(
        f"check: {page_count} pages, {module_count} diagram modules and the navigation: "
        f"{verdict} ({time.perf_counter() - started:.2f} s)",
        flush=True,
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
