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

Each concern is a module of sitekit.checks (report, markdown, front_matter, modules, config);
this module runs them, with the facts dates, cost models and stacks, and prints the report.
"""

from __future__ import annotations

import sys
import time

from sitekit import freshness
from sitekit.checks.config import check_nav, check_orphans, generated, load_config
from sitekit.checks.front_matter import check_front_matter, check_headings
from sitekit.checks.markdown import Page, read_page
from sitekit.checks.modules import check_diagrams, check_link_refs, check_snippets, shared_link_keys
from sitekit.checks.report import SLUG, Problem, Report
from sitekit.cost.check import check_costs
from sitekit.paths import DOCS
from sitekit.stacks.cli import check_problems as stack_check_problems

# --- Running every check -------------------------------------------------------------------------


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
