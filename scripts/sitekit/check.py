"""``make check``: validate every page, diagram module and the navigation, on every run.

Each problem is printed as ``path:line: what is wrong and how to fix it`` and the exit status
is 1 if there is any. Nothing is skipped because it did not change: old pages cannot drift.
The check reads the sources, ``mkdocs.yml`` and the metadata ``make diagrams`` already wrote
(generated/meta); it never runs Graphviz or imports a diagram module, so it stays fast.

What it checks:

- front matter against a JSON Schema (required keys, types, summary length, category from
  data/categories.yml, ``related`` slugs that exist), and the H1 against the title;
- pattern pages: the required H2 sections, present and in order; the figure, "How it works"
  and steps snippets inside Solution; the related-patterns snippet;
- diagram modules: each pattern page has one, each module belongs to a page that shows its
  figure and steps; every ``node()`` names a service in data/services.yml; steps are numbered
  1, 2, 3, ... and each has a caption; the rendered output is up to date;
- the navigation: every nav entry has a file, every page is in the nav once, the Patterns
  section is alphabetical by title;
- orphans: stray files in docs/, diagrams/ and includes/ that nothing uses; snippet includes
  and reference-style links (``[text][key]``) that point nowhere.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from sitekit import services
from sitekit.pages import FRONT_MATTER, categories
from sitekit.paths import DIAGRAMS, DOCS, GENERATED, ROOT, SERVICE_PAGES, DiagramPaths

CONFIG = ROOT / "mkdocs.yml"
INCLUDES = ROOT / "includes"
# The H2 sections of a pattern page, in this order (see docs/patterns/backend-api.md).
SECTIONS = ["Problem", "Solution", "Limits that matter", "Trade-offs", "When to use it",
            "Cost drivers", "Related patterns", "Sources"]
SUMMARY_LENGTH = (60, 200)
RELATED_COUNT = (2, 4)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Generated into docs/ by `make diagrams` / `make pages` / `make vendor`: not authored.
GENERATED_IN_DOCS = (DOCS / "assets" / "diagrams", DOCS / "assets" / "vendor", SERVICE_PAGES)
# Front-matter keys Material for MkDocs understands, allowed on any page.
MATERIAL_KEYS = {
    "hide": {"type": "array", "items": {"enum": ["navigation", "toc", "footer", "path",
                                                  "tags", "feedback"]},
             "x-hint": "a list of parts to hide, e.g. [toc]"},
    "search": {"type": "object", "x-hint": "e.g. {exclude: true} or {boost: 2}"},
}

SNIPPET = re.compile(r"^(?P<indent>[ \t]*)(?P<escape>;*)-+8<-+[ \t]+(?P<q>[\"'])(?P<path>.+?)(?P=q)[ \t]*$")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*(?:\{[^}]*\})?[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
LINK_REF = re.compile(r"!?\[((?:[^\[\]\n]|\[[^\[\]\n]*\])+)\]\[([^\[\]\n]*)\]")
LINK_DEF = re.compile(r"^[ ]{0,3}\[([^\]\n]+)\]:[ \t]*\S")
INLINE_CODE = re.compile(r"(`+).*?\1")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def rel(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _norm_key(key: str) -> str:
    return " ".join(key.lower().split())


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- Markdown scanning ---------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str
    line: int


@dataclass
class Scan:
    """What the check needs from one Markdown file, with 1-based line numbers."""

    headings: list[Heading]
    snippets: list[tuple[str, int]]
    link_refs: list[tuple[str, int]]
    link_defs: list[tuple[str, int]]


def scan_markdown(text: str) -> Scan:
    headings, snippets, refs, defs = [], [], [], []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        # Snippets are expanded everywhere, inside code fences too (that is how the figure
        # snippet shows the module's source), unless escaped with a leading ';'.
        snippet = SNIPPET.match(line)
        if snippet and not snippet["escape"]:
            snippets.append((snippet["path"], number))
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) \
                    and not line.strip()[len(opened.group(1)):].strip():
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        heading = HEADING.match(line)
        if heading:
            headings.append(Heading(len(heading.group(1)), heading.group(2).strip(), number))
            continue
        definition = LINK_DEF.match(line)
        if definition:
            defs.append((_norm_key(definition.group(1)), number))
            continue
        for match in LINK_REF.finditer(INLINE_CODE.sub("", line)):
            key = match.group(2) or match.group(1)
            if not key.startswith("^"):
                refs.append((_norm_key(key), number))
    return Scan(headings, snippets, refs, defs)


# --- YAML with line numbers -----------------------------------------------------------------


def plain(node):
    """A composed YAML node as Python data; tags such as ``!!python/name:`` are ignored."""
    if isinstance(node, yaml.MappingNode):
        return {plain(k): plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [plain(v) for v in node.value]
    return None if node is None else node.value


def mapping_get(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
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
    nav: list[NavEntry] | None
    nav_line: int
    snippet_bases: list[Path]
    auto_append: list[str]
    text: str
    patterns_line: int | None


def load_config(problems: list[Problem]) -> Config:
    text = CONFIG.read_text(encoding="utf-8") if CONFIG.exists() else ""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem("mkdocs.yml", (mark.line + 1) if mark else 1,
                                f"not valid YAML: {exc}".replace("\n", " ")))
        root = None
    bases, append = [ROOT], []
    for extension in (plain(mapping_get(root, "markdown_extensions")) or []):
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            options = extension["pymdownx.snippets"] or {}
            base = options.get("base_path", ["."])
            bases = [ROOT / b for b in ([base] if isinstance(base, str) else base)]
            append = list(options.get("auto_append") or [])
    nav_node = mapping_get(root, "nav")
    config = Config(None, 1, bases, append, text, None)
    if not isinstance(nav_node, yaml.SequenceNode):
        problems.append(Problem("mkdocs.yml", 1, "no 'nav' list: the site's page tree must be "
                                "listed explicitly under 'nav:' (see the Patterns section)"))
        return config
    config.nav_line = nav_node.start_mark.line
    entries: list[NavEntry] = []

    def walk(sequence, section: tuple[str, ...]):
        for item in sequence.value:
            line = item.start_mark.line + 1
            if isinstance(item, yaml.ScalarNode):
                entries.append(NavEntry(None, item.value, line, section))
            elif isinstance(item, yaml.MappingNode) and len(item.value) == 1:
                key, value = item.value[0]
                if isinstance(value, yaml.SequenceNode):
                    if section == () and key.value == "Patterns":
                        config.patterns_line = line
                    walk(value, (*section, key.value))
                elif isinstance(value, yaml.ScalarNode):
                    entries.append(NavEntry(key.value, value.value, line, section))
            else:
                problems.append(Problem("mkdocs.yml", line, "nav entry not understood: write "
                                        "'- Title: path/to/page.md' or a section "
                                        "'- Section:' with a list under it"))

    walk(nav_node, ())
    config.nav = entries
    return config


# --- Front matter ----------------------------------------------------------------------------


def front_matter_schema(pattern: bool, pattern_slugs: list[str]) -> dict:
    low, high = SUMMARY_LENGTH
    properties = {
        "title": {"type": "string", "minLength": 3, "pattern": r"^\S(.*\S)?$",
                  "x-hint": "a short title in sentence case, e.g. 'Storage first'"},
        "summary": {"type": "string", "minLength": low, "maxLength": high,
                    "x-hint": f"one sentence of {low}-{high} characters: the catalog and the "
                              "search results show it"},
        **MATERIAL_KEYS,
    }
    required = ["title", "summary"]
    if pattern:
        properties["category"] = {
            "enum": list(categories()),
            "x-hint": "one of: " + ", ".join(categories()) + " (scripts/sitekit/data/"
                      "categories.yml)"}
        properties["related"] = {
            "type": "array", "minItems": RELATED_COUNT[0], "maxItems": RELATED_COUNT[1],
            "uniqueItems": True, "items": {"enum": pattern_slugs},
            "x-hint": f"a list of {RELATED_COUNT[0]}-{RELATED_COUNT[1]} slugs of other pattern "
                      "pages, e.g. [backend-api, storage-first]"}
        required += ["category", "related"]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": properties, "required": required, "additionalProperties": False}


def _front_matter_lines(block: str) -> tuple[dict, dict, list[tuple[str, int]]]:
    """Key -> line, (key, index) -> line of a list item, and duplicate keys with their lines."""
    keys, items, duplicates = {}, {}, []
    node = yaml.compose(block)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            line = key.start_mark.line + 2  # the block starts on line 2, after '---'
            if key.value in keys:
                duplicates.append((key.value, line))
            keys[key.value] = line
            if isinstance(value, yaml.SequenceNode):
                for index, item in enumerate(value.value):
                    items[(key.value, index)] = item.start_mark.line + 2
    return keys, items, duplicates


def _schema_message(error, meta: dict, schema: dict, slug: str) -> tuple[str, str]:
    """(key the error is about, message) for a jsonschema error, in words a writer can act on."""
    path = list(error.absolute_path)
    key = str(path[0]) if path else ""
    hint = schema["properties"].get(key, {}).get("x-hint", "")
    kind = error.validator
    if kind == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        name = missing.group(1) if missing else "?"
        example = schema["properties"][name].get("x-hint", "")
        return name, f"front matter has no {name!r}: add '{name}: ...', {example}"
    if kind == "additionalProperties":
        extra = sorted(set(meta) - set(schema["properties"]))
        name = extra[0] if extra else "?"
        return name, (f"unknown front-matter key {name!r}{_did_you_mean(name, schema['properties'])}"
                      f": allowed keys are {', '.join(schema['properties'])}")
    if key == "summary" and kind in ("minLength", "maxLength"):
        return key, (f"summary is {len(meta['summary'])} characters: write {hint}")
    if key == "category" and kind == "enum":
        value = str(meta.get("category"))
        return key, (f"unknown category {value!r}{_did_you_mean(value, categories())}: use {hint}")
    if key == "related" and kind == "enum" and len(path) == 2:
        value = str(meta["related"][path[1]])
        if value == slug:
            return key, f"related lists the page itself ({value!r}): list other patterns"
        return key, (f"related pattern {value!r} does not exist (no docs/patterns/{value}.md)"
                     f"{_did_you_mean(value, schema['properties']['related']['items']['enum'])}"
                     ": use the slug of an existing pattern page")
    if key == "related" and kind in ("minItems", "maxItems"):
        return key, f"related has {len(meta['related'])} entries: give {hint}"
    if key == "related" and kind == "uniqueItems":
        return key, "related lists a pattern twice: list each one once"
    if kind == "type":
        return key, f"{key!r} has the wrong type ({type(error.instance).__name__}): give {hint}"
    if key == "title" and kind in ("minLength", "pattern"):
        return key, f"title is empty or has surrounding spaces: give {hint}"
    return key, f"{key or 'front matter'}: {error.message}" + (f": give {hint}" if hint else "")


@dataclass
class PageInfo:
    path: Path
    rel: str  # docs-relative, e.g. patterns/saga.md
    slug: str  # patterns/saga
    meta: dict
    text: str
    scan: Scan

    @property
    def is_pattern(self) -> bool:
        return self.rel.startswith("patterns/")

    @property
    def file(self) -> str:
        return rel(self.path)


def check_front_matter(page: PageInfo, block: str | None, pattern_slugs: list[str],
                       problems: list[Problem]) -> None:
    where = page.file
    if block is None:
        return
    try:
        keys, items, duplicates = _front_matter_lines(block)
    except yaml.YAMLError:
        return  # reported when parsing
    for name, line in duplicates:
        problems.append(Problem(where, line, f"front-matter key {name!r} appears twice: keep one"))
    others = [s for s in pattern_slugs if s != page.slug.removeprefix("patterns/")]
    schema = front_matter_schema(page.is_pattern, others)
    validator = Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(page.meta), key=lambda e: list(e.absolute_path)):
        key, message = _schema_message(error, page.meta, schema, page.slug.split("/")[-1])
        path = list(error.absolute_path)
        line = items.get(tuple(path[:2])) if len(path) == 2 else None
        if error.validator == "required":
            line = 1
        problems.append(Problem(where, line or keys.get(key, 1), message))


def read_page(path: Path, problems: list[Problem]) -> tuple[PageInfo, str | None]:
    text = path.read_text(encoding="utf-8")
    page_rel = path.relative_to(DOCS).as_posix()
    info = PageInfo(path, page_rel, page_rel.removesuffix(".md"), {}, text, scan_markdown(text))
    match = FRONT_MATTER.match(text)
    if not match:
        problems.append(Problem(rel(path), 1, "no front matter: start the page with a line "
                                "'---', then 'title: ...' and 'summary: ...', then '---'"))
        return info, None
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark else 1
        problem = str(getattr(exc, "problem", exc))
        problems.append(Problem(rel(path), line, f"front matter is not valid YAML ({problem}): "
                                "quote values that contain ': ' or start with a special "
                                "character"))
        return info, None
    if not isinstance(meta, dict):
        problems.append(Problem(rel(path), 2, "front matter must be 'key: value' lines"))
        return info, None
    info.meta = meta
    return info, match.group(1)


# --- Page structure ------------------------------------------------------------------------


def section_of(page: PageInfo, line: int) -> str | None:
    """The H2 a line falls under."""
    current = None
    for heading in page.scan.headings:
        if heading.line > line:
            break
        if heading.level == 2:
            current = heading.text
    return current


def check_title_heading(page: PageInfo, problems: list[Problem]) -> None:
    title = page.meta.get("title")
    h1 = [h for h in page.scan.headings if h.level == 1]
    if not isinstance(title, str):
        return
    if not h1:
        if page.is_pattern:
            problems.append(Problem(page.file, 1, f"no H1: start the body with '# {title}'"))
        return
    if h1[0].text != title:
        problems.append(Problem(page.file, h1[0].line, f"H1 '# {h1[0].text}' differs from the "
                                f"front-matter title {title!r}: make them the same"))
    for extra in h1[1:]:
        problems.append(Problem(page.file, extra.line, f"second H1 '# {extra.text}': a page "
                                "has one H1; make this an H2 or H3"))


def check_sections(page: PageInfo, problems: list[Problem]) -> None:
    """The H2s of a pattern page are exactly SECTIONS, in order."""
    h2 = [h for h in page.scan.headings if h.level == 2]
    seen: dict[str, int] = {}
    known: list[Heading] = []
    for heading in h2:
        if heading.text not in SECTIONS:
            hint = _did_you_mean(heading.text, SECTIONS)
            problems.append(Problem(page.file, heading.line, (
                f"unexpected section '## {heading.text}'{hint}: pattern pages have exactly these "
                f"H2s: {', '.join(SECTIONS)}; rename it, or make it an H3 ('### "
                f"{heading.text}') inside one of them")))
        elif heading.text in seen:
            problems.append(Problem(page.file, heading.line, (
                f"section '## {heading.text}' appears twice (first on line "
                f"{seen[heading.text]}): merge them")))
        else:
            seen[heading.text] = heading.line
            known.append(heading)
    # Out of order: anything not on the longest run that already follows SECTIONS' order.
    order = [SECTIONS.index(h.text) for h in known]
    keep = _longest_increasing(order)
    for index, heading in enumerate(known):
        if index not in keep:
            before = [SECTIONS[i] for i in range(SECTIONS.index(heading.text)) if SECTIONS[i] in seen]
            where = f"after '## {before[-1]}'" if before else "first"
            problems.append(Problem(page.file, heading.line, (
                f"section '## {heading.text}' is out of order: move it {where} (the order is "
                f"{', '.join(SECTIONS)})")))
    last_line = 1
    for name in SECTIONS:
        if name in seen:
            last_line = seen[name]
            continue
        previous = [s for s in SECTIONS[:SECTIONS.index(name)] if s in seen]
        where = f"after '## {previous[-1]}'" if previous else "after the H1"
        problems.append(Problem(page.file, last_line, (
            f"missing section '## {name}': add it {where} (pattern pages have exactly these "
            f"H2s, in order: {', '.join(SECTIONS)})")))


def _longest_increasing(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence (n is tiny: O(n^2))."""
    if not values:
        return set()
    best = [1] * len(values)
    previous = [-1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i] and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    end = max(range(len(values)), key=lambda i: best[i])
    keep = set()
    while end != -1:
        keep.add(end)
        end = previous[end]
    return keep


# --- Diagram modules -------------------------------------------------------------------------


def _literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return ...


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _argument(call: ast.Call, index: int, name: str):
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
        return call.args[index]
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def check_module_source(diagram: DiagramPaths, problems: list[Problem]) -> bool:
    """Static checks of one module; True when it found a problem."""
    where = rel(diagram.module)
    before = len(problems)
    try:
        tree = ast.parse(diagram.module.read_text(encoding="utf-8"), filename=where)
    except SyntaxError as exc:
        problems.append(Problem(where, exc.lineno or 1, f"syntax error: {exc.msg}"))
        return True
    if not ast.get_docstring(tree):
        problems.append(Problem(where, 1, 'no module docstring: start with one line saying what '
                                'the diagram shows, e.g. """Backend API: API Gateway in front of '
                                'Lambda."""'))
    if not any(isinstance(n, ast.FunctionDef) and n.name == "draw" for n in tree.body):
        problems.append(Problem(where, 1, "no draw() function: put the diagram in 'def draw():' "
                                "so nothing is drawn at import time"))
    table = services.table()
    expected = 1
    for call in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)),
                       key=lambda n: (n.lineno, n.col_offset)):
        name = _call_name(call)
        if name == "node":
            argument = _argument(call, 0, "service")
            key = _literal(argument) if argument is not None else ...
            if isinstance(key, str) and key not in table:
                problems.append(Problem(where, call.lineno, (
                    f"unknown service {key!r}{_did_you_mean(key, table)}: use a key of "
                    f"scripts/sitekit/data/services.yml, or add an entry for it there")))
            role = _argument(call, 2, "role")
            if role is None:
                problems.append(Problem(where, call.lineno, "node() needs role=\"...\": one "
                                        "sentence on what this node does in this pattern"))
            elif isinstance(_literal(role), str) and not _literal(role).strip():
                problems.append(Problem(where, call.lineno, "node() has an empty role: say "
                                        "in one sentence what this node does in this pattern"))
        elif name == "step":
            argument = _argument(call, 0, "number")
            number = _literal(argument) if argument is not None else ...
            if isinstance(number, int):
                if number != expected:
                    problems.append(Problem(where, call.lineno, (
                        f"step {number} should be step {expected}: number the steps 1, 2, 3, "
                        "... in the order they are drawn")))
                expected = number + 1
            caption = _argument(call, 3, "caption")
            if caption is None:
                problems.append(Problem(where, call.lineno, (
                    f"step {number if number is not ... else '?'} has no caption: add one "
                    "sentence as the fourth argument, e.g. step(1, client, api, \"The client "
                    "calls the API.\"); it becomes the step's item under 'How it works'")))
            elif isinstance(_literal(caption), str) and not _literal(caption).strip():
                problems.append(Problem(where, call.lineno, (
                    f"step {number} has an empty caption: write one sentence that says what "
                    "happens in this step")))
    return len(problems) > before


def check_module_output(diagram: DiagramPaths, fresh: bool, problems: list[Problem]) -> None:
    """What the module recorded when it was rendered (covers keys computed at run time)."""
    where = rel(diagram.module)
    if not diagram.meta.exists():
        problems.append(Problem(where, 1, "no rendered output: run 'make diagrams' and fix the "
                                "error it prints for this module"))
        return
    if not fresh:
        problems.append(Problem(where, 1, "the rendered diagram is older than the module: run "
                                "'make diagrams'"))
    meta = json.loads(diagram.meta.read_text(encoding="utf-8"))
    for node in meta.get("nodes", []):
        if services.get(node["service"]) is None:
            problems.append(Problem(where, 1, (
                f"unknown service {node['service']!r} (node {node['label']!r}): use a key of "
                "scripts/sitekit/data/services.yml, or add an entry for it there")))
    steps = meta.get("steps", [])
    if not steps:
        problems.append(Problem(where, 1, "the diagram has no numbered steps: draw the main "
                                "flow with step(1, a, b, \"caption\"), step(2, ...), ..."))
    for index, step in enumerate(steps, start=1):
        if step["number"] != index:
            problems.append(Problem(where, 1, f"step {step['number']} should be step {index}"))
        if not str(step.get("caption", "")).strip():
            problems.append(Problem(where, 1, f"step {step['number']} has no caption"))


def check_diagrams(pages: dict[str, PageInfo], problems: list[Problem]) -> int:
    """Modules <-> pages, in both directions; returns the number of modules."""
    from sitekit import render  # light: it loads the diagrams library only to render

    modules = []
    toolchain = render._toolchain_hash()
    for path in sorted(DIAGRAMS.rglob("*")):
        if "__pycache__" in path.parts or path.name.startswith(".") or path.is_dir():
            continue
        where = rel(path)
        if path.name == "__init__.py":
            problems.append(Problem(where, 1, "diagrams/ must not be a package: this file hides "
                                    "the installed diagrams library; delete it"))
            continue
        if path.suffix != ".py":
            problems.append(Problem(where, 1, "stray file: diagrams/ holds only diagram modules "
                                    "(<page>.py, <page>.<variant>.py); move or delete it"))
            continue
        diagram = DiagramPaths(path)
        modules.append(diagram)
        stem, _, variant = path.stem.partition(".")
        if not SLUG.match(stem) or (variant and not SLUG.match(variant)):
            problems.append(Problem(where, 1, "module name must be the page's slug, optionally "
                                    "with a variant: lower-case words joined by '-', e.g. "
                                    "saga.py or saga.choreography.py"))
            continue
        page = pages.get(diagram.page)
        if page is None:
            problems.append(Problem(where, 1, (
                f"orphan module: there is no page docs/{diagram.page}.md for it to draw; name "
                "the module after its page (diagrams/<page>.py or <page>.<variant>.py) or "
                "delete it")))
        found = check_module_source(diagram, problems)
        fresh = diagram.meta.exists() and render.is_fresh(
            diagram, render.input_hash(diagram, toolchain))
        if not (found and not diagram.meta.exists()):
            check_module_output(diagram, fresh, problems)
        if page is not None:
            check_figure_included(page, diagram, problems)
    by_page = {d.page for d in modules}
    for slug, page in pages.items():
        if page.is_pattern and slug not in by_page:
            problems.append(Problem(page.file, 1, (
                f"no diagram module: create diagrams/{slug}.py (start from "
                "scripts/sitekit/templates/pattern.py, or scaffold pages with "
                "'make new-pattern')")))
    return len(modules)


def check_figure_included(page: PageInfo, diagram: DiagramPaths, problems: list[Problem]) -> None:
    """The page shows the module's figure and its steps, under a 'How it works' heading."""
    included = dict(page.scan.snippets)
    figure, steps = f"figure/{diagram.diagram_id}.md", f"steps/{diagram.diagram_id}.md"
    solution = next((h.line for h in page.scan.headings if h.level == 2 and h.text == "Solution"),
                    None)
    anchor = solution or 1
    where = "under '## Solution'" if page.is_pattern else "on the page"
    for snippet, what in ((figure, "figure"), (steps, "numbered steps")):
        if snippet not in included:
            problems.append(Problem(page.file, anchor, (
                f"the page does not show the {what} of {rel(diagram.module)}: add a line "
                f'--8<-- "{snippet}" {where}')))
        elif page.is_pattern and section_of(page, included[snippet]) != "Solution":
            problems.append(Problem(page.file, included[snippet], (
                f"'{snippet}' is included outside '## Solution': move it into Solution")))
    if figure in included and steps in included and included[steps] < included[figure]:
        problems.append(Problem(page.file, included[steps], (
            f"the steps of {diagram.diagram_id} come before its figure: put "
            f'--8<-- "{steps}" after the figure')))
    if page.is_pattern and steps in included:
        above = [h for h in page.scan.headings if h.line < included[steps]]
        if not above or above[-1].text != "How it works" or above[-1].level < 3:
            problems.append(Problem(page.file, included[steps], (
                "the numbered steps need a 'How it works' heading right above them: add "
                "'### How it works' (or '#### How it works' under a diagram's own H3)")))


def check_snippets(page: PageInfo, config: Config, modules: set[str],
                   problems: list[Problem]) -> None:
    """Every --8<-- include resolves to something that exists or is generated."""
    for snippet, line in page.scan.snippets:
        path = re.sub(r"(:-?\d+)+$", "", snippet)  # file.md:3:9 includes lines 3-9
        kind, _, rest = path.partition("/")
        if kind in ("figure", "steps") and rest.endswith(".md"):
            diagram_id = rest.removesuffix(".md")
            if diagram_id not in modules:
                problems.append(Problem(page.file, line, (
                    f"'{snippet}' has no diagram module diagrams/{diagram_id}.py: fix the "
                    "name or create the module")))
            elif DiagramPaths(DIAGRAMS / f"{diagram_id}.py").page != page.slug:
                problems.append(Problem(page.file, line, (
                    f"'{snippet}' belongs to docs/{DiagramPaths(DIAGRAMS / f'{diagram_id}.py').page}"
                    ".md: show a page's own diagrams, and link to other pages")))
            continue
        if kind == "related":
            if path != f"related/{page.slug}.md" or not page.is_pattern:
                problems.append(Problem(page.file, line, (
                    f"'{snippet}': a pattern page includes only its own related list, "
                    f'--8<-- "related/{page.slug}.md"')))
            continue
        if path == "catalog.md":
            continue  # generated by `make pages`
        if not any((base / path).is_file() for base in config.snippet_bases):
            problems.append(Problem(page.file, line, (
                f"'{snippet}' does not exist in any snippet folder "
                f"({', '.join(rel(b) or '.' for b in config.snippet_bases)}): fix the path")))
    if page.is_pattern:
        wanted = f"related/{page.slug}.md"
        found = [line for snippet, line in page.scan.snippets if snippet == wanted]
        if not found:
            line = next((h.line for h in page.scan.headings
                         if h.level == 2 and h.text == "Related patterns"), 1)
            problems.append(Problem(page.file, line, (
                f'the related patterns are not shown: add --8<-- "{wanted}" under '
                "'## Related patterns' (the list comes from 'related' in the front matter)")))
        elif section_of(page, found[0]) != "Related patterns":
            problems.append(Problem(page.file, found[0], (
                f"'{wanted}' belongs under '## Related patterns': move it there")))


def check_link_refs(page: PageInfo, shared: set[str], problems: list[Problem]) -> None:
    """``[text][key]`` must have a target, or Markdown prints the brackets as they are."""
    own = {key for key, _ in page.scan.link_defs}
    for key, line in page.scan.link_refs:
        if key not in own and key not in shared:
            problems.append(Problem(page.file, line, (
                f"link reference [{key}] has no target{_did_you_mean(key, shared | own)}: "
                f"add '[{key}]: https://docs.aws.amazon.com/...' to includes/links.md "
                "(grep for an existing key first)")))


# --- Navigation and orphans ------------------------------------------------------------------


def check_nav(config: Config, pages: dict[str, PageInfo], problems: list[Problem]) -> None:
    if config.nav is None:
        return
    seen: dict[str, int] = {}
    for entry in config.nav:
        if re.match(r"^[a-z]+://", entry.path):
            continue
        if entry.path in seen:
            problems.append(Problem("mkdocs.yml", entry.line, (
                f"'{entry.path}' is in the nav twice (first on line {seen[entry.path]}): "
                "keep one entry")))
            continue
        seen[entry.path] = entry.line
        if not (DOCS / entry.path).is_file():
            problems.append(Problem("mkdocs.yml", entry.line, (
                f"nav entry '{entry.path}' has no file docs/{entry.path}: create the page or "
                "remove the entry")))
    patterns = [e for e in config.nav if e.section == ("Patterns",)]
    for before, after in zip(patterns, patterns[1:], strict=False):
        if (after.title or "").casefold() < (before.title or "").casefold():
            problems.append(Problem("mkdocs.yml", after.line, (
                f"the Patterns nav is alphabetical by title: move '{after.title}' before "
                f"'{before.title}'")))
    for entry in patterns:
        slug = entry.path.removesuffix(".md")
        page = pages.get(slug)
        if page is not None and entry.title and page.meta.get("title") not in (None, entry.title):
            problems.append(Problem("mkdocs.yml", entry.line, (
                f"nav title '{entry.title}' differs from the page's title "
                f"{page.meta.get('title')!r} (docs/{entry.path}): use the same words")))
    section = config.patterns_line
    for slug, page in pages.items():
        if page.rel in seen:
            continue
        if page.is_pattern:
            how = (f"add '- {page.meta.get('title', 'Title')}: {page.rel}' to the Patterns "
                   f"section of mkdocs.yml{f' (line {section})' if section else ''}, "
                   "alphabetically by title")
        else:
            how = f"add '- {page.meta.get('title', 'Title')}: {page.rel}' to 'nav' in mkdocs.yml"
        problems.append(Problem(page.file, 1, f"the page is not in the navigation: {how}"))


def _is_generated(path: Path) -> bool:
    return any(folder == path or folder in path.parents for folder in GENERATED_IN_DOCS)


def check_orphans(config: Config, pages: dict[str, PageInfo], problems: list[Problem]) -> None:
    """Files in docs/ and includes/ that no page, stylesheet, script or config uses."""
    assets = sorted(
        p for p in DOCS.rglob("*")
        if p.is_file() and p.suffix != ".md" and not _is_generated(p)
        and not any(part.startswith(".") or part == "__pycache__"
                    for part in p.relative_to(DOCS).parts))
    sources = {CONFIG: config.text, **{p.path: p.text for p in pages.values()}}
    sources |= {p: p.read_text(encoding="utf-8", errors="ignore") for p in assets
                if p.suffix in (".css", ".js", ".html", ".svg")}
    for asset in assets:
        name = re.compile(rf"(?<![\w.-]){re.escape(asset.name)}(?![\w-])")
        if any(name.search(text) for path, text in sources.items() if path != asset):
            continue
        problems.append(Problem(rel(asset), 1, (
            "stray file: no page, stylesheet, script or mkdocs.yml uses it; link it from a "
            "page (or list it in mkdocs.yml) or delete it")))
    if INCLUDES.is_dir():
        included = {Path(s).name for p in pages.values() for s, _ in p.scan.snippets}
        for path in sorted(INCLUDES.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            if path.name not in config.auto_append and path.name not in included:
                problems.append(Problem(rel(path), 1, (
                    "stray file: no page includes it and it is not in pymdownx.snippets "
                    "auto_append in mkdocs.yml; include it or delete it")))


def check_link_definitions(problems: list[Problem]) -> set[str]:
    """The shared link references: each key defined once. Returns the keys."""
    keys: dict[str, int] = {}
    for path in sorted(INCLUDES.glob("*.md")) if INCLUDES.is_dir() else []:
        for key, line in scan_markdown(path.read_text(encoding="utf-8")).link_defs:
            if key in keys:
                problems.append(Problem(rel(path), line, (
                    f"link key [{key}] is defined twice (first on line {keys[key]}); the first "
                    "one wins: delete this line or give it a new key")))
            keys.setdefault(key, line)
    return set(keys)


# --- Entry point -----------------------------------------------------------------------------


def collect() -> tuple[list[Problem], int, int]:
    """Every problem in the repository, plus the numbers of pages and modules checked."""
    problems: list[Problem] = []
    config = load_config(problems)
    pages: dict[str, PageInfo] = {}
    blocks: dict[str, str | None] = {}
    for path in sorted(DOCS.rglob("*.md")):
        if _is_generated(path) or any(part.startswith(".") for part in path.parts):
            continue
        page, block = read_page(path, problems)
        if page.is_pattern and not SLUG.match(page.slug.removeprefix("patterns/")):
            problems.append(Problem(page.file, 1, "a pattern's file name is its slug: lower-case "
                                    "words joined by '-', e.g. storage-first.md"))
        pages[page.slug] = page
        blocks[page.slug] = block
    pattern_slugs = sorted(s.removeprefix("patterns/") for s, p in pages.items() if p.is_pattern)
    shared_keys = check_link_definitions(problems)
    titles: dict[str, str] = {}
    for slug, page in pages.items():
        check_front_matter(page, blocks[slug], pattern_slugs, problems)
        check_title_heading(page, problems)
        if page.is_pattern:
            check_sections(page, problems)
        check_link_refs(page, shared_keys, problems)
        title = page.meta.get("title")
        if page.is_pattern and isinstance(title, str):
            if title.casefold() in titles:
                problems.append(Problem(page.file, 2, (
                    f"title {title!r} is already used by {titles[title.casefold()]}: give each "
                    "pattern its own title")))
            titles.setdefault(title.casefold(), page.file)
    module_count = check_diagrams(pages, problems)
    module_ids = {DiagramPaths(p).diagram_id for p in DIAGRAMS.rglob("*.py")}
    for page in pages.values():
        check_snippets(page, config, module_ids, problems)
    check_nav(config, pages, problems)
    check_orphans(config, pages, problems)
    return sorted(set(problems)), len(pages), module_count


def main() -> int:
    started = time.perf_counter()
    problems, page_count, module_count = collect()
    for problem in problems:
        print(problem, file=sys.stderr)
    seconds = time.perf_counter() - started
    status = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}" if problems else "OK"
    print(f"check: {page_count} pages, {module_count} diagram modules, the navigation and "
          f"{rel(GENERATED)}/meta: {status} ({seconds:.2f} s)", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
