"""What `make check` reports: the rules' constants, every message, and the report that
collects problems as `path:line`."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import yaml

from sitekit.paths import DOCS, ROOT, SERVICE_PAGES

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
RELATED_COUNT = (2, 6)
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
