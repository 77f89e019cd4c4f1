"""``make check``'s view of costs: the price sheet is complete and cited, and every pattern
page has a usage model that names real diagram nodes and real prices, covering every billed
node. check.py calls ``check_costs`` in one line."""

from __future__ import annotations

from sitekit.cost import prices
from sitekit.cost.validate import all_diagrams, diagrams_of, read_models

INCLUDE = "cost/{slug}.md"  # the generated table and estimator, under "## Cost drivers"


def check_costs(pages: dict, report) -> None:
    from sitekit.checks.report import Problem

    sheet = prices.sheet()
    metas = all_diagrams()
    for line, message in sheet.problems:
        report.problems.add(Problem(sheet.file, line, message))
    for page in pages.values():
        if not page.is_pattern or page.block is None:
            continue
        _, problems = read_models(page.block, page.slug, sheet, diagrams_of(page.slug, metas))
        for line, message in problems:
            report.problems.add(Problem(page.file, line, message))
        snippet = INCLUDE.format(slug=page.slug)
        found = [line for path, line in page.md.snippets if path == snippet]
        anchor = page.h2_line("Cost drivers") or 1
        if not found:
            report.problems.add(
                Problem(
                    page.file,
                    anchor,
                    f"the cost estimate is not shown: add "
                    f"--8<-- \"{snippet}\" under '## Cost drivers'",
                )
            )
        elif page.section_at(found[0]) != "Cost drivers":
            report.problems.add(
                Problem(
                    page.file,
                    found[0],
                    f"'{snippet}' belongs under '## Cost drivers': move it there",
                )
            )
