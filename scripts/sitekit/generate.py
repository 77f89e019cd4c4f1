"""``make pages``: the home catalog and the service explorer, generated from the front matter
of every page and the metadata every diagram module recorded."""

from __future__ import annotations

import html
import json
import re
import sys
from collections import defaultdict

from sitekit import freshness, services, sources
from sitekit.cost.snippets import snippets as cost_snippets
from sitekit.pages import authored_pages, categories
from sitekit.paths import GENERATED, SERVICE_PAGES, write_if_changed
from sitekit.stacks.publish import publish_all as publish_stacks


def _text(value) -> str:
    """A front-matter value as text; a wrongly typed one is left to `make check` to report."""
    return value if isinstance(value, str) else ""


def diagram_metadata() -> list[dict]:
    folder = GENERATED / "meta"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.rglob("*.json"))]


def services_by_page(metas: list[dict]) -> dict[str, list[str]]:
    """Page slug -> the AWS services its diagrams draw, in the order first drawn."""
    found: dict[str, list[str]] = defaultdict(list)
    for meta in metas:
        for node in meta["nodes"]:
            if services.is_aws(node["service"]) and node["service"] not in found[meta["page"]]:
                found[meta["page"]].append(node["service"])
    return found


def catalog_snippet(pages, used: dict[str, list[str]]) -> str:
    """The home page's table of patterns. Each row carries its category and services as data
    attributes; diagram.js shows the (hidden) filter form and keeps its state in the URL
    (``?category=...&service=...``). Without JavaScript the full table is shown."""
    names = categories()
    rows = []
    for page in sorted((p for p in pages if p.is_pattern), key=lambda p: p.title.lower()):
        keys = used.get(page.slug, [])
        service_links = ", ".join(
            f'<a href="services/{k}/">{html.escape(services.get(k)["name"])}</a>' for k in keys
        )
        category = _text(page.meta.get("category"))
        rows.append(
            f'<tr data-category="{category}" data-services="{" ".join(keys)}">'
            f'<td><a href="{page.url}">{html.escape(page.title)}</a></td>'
            f"<td>{html.escape(str(page.meta.get('summary', '')))}</td>"
            f"<td>{html.escape(names.get(category, category))}</td>"
            f"<td>{service_links}</td></tr>"
        )
    in_use = {_text(p.meta.get("category")) for p in pages if p.is_pattern}
    category_options = "".join(
        f'<option value="{key}">{html.escape(label)}</option>'
        for key, label in names.items()
        if key in in_use
    )
    # Offer only services some pattern row has, so every choice shows at least one row.
    patterns = {p.slug for p in pages if p.is_pattern}
    all_services = sorted(
        {k for slug, keys in used.items() if slug in patterns for k in keys},
        key=lambda k: services.get(k)["name"].lower(),
    )
    service_options = "".join(
        f'<option value="{k}">{html.escape(services.get(k)["name"])}</option>' for k in all_services
    )
    return (
        '<form class="catalog-filter" id="catalog-filter" aria-label="Filter the patterns" '
        "hidden>\n"
        '<label>Category <select name="category" aria-controls="catalog">'
        f'<option value="">All categories</option>{category_options}</select></label>\n'
        '<label>AWS service <select name="service" aria-controls="catalog">'
        f'<option value="">All services</option>{service_options}</select></label>\n'
        '<button type="button" data-action="clear">Show all</button>\n'
        # Filled in the HTML too, so the script's first count moves nothing on the page.
        f'<output class="catalog-filter__count" aria-live="polite">Showing all {len(rows)} '
        "patterns</output>\n"
        "</form>\n"
        # The summaries repeat each page's own: out of the search index, so the page ranks.
        '<table class="catalog" id="catalog" data-search-exclude>\n<thead><tr><th scope="col">Pattern</th>'
        '<th scope="col">What it does</th><th scope="col">Category</th>'
        '<th scope="col">AWS services</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n"
        '<tr class="catalog__empty" hidden><td colspan="4">No pattern matches both filters. '
        "Choose another category or service, or show all patterns.</td></tr>\n"
        "</tbody>\n</table>\n"
    )


def service_page(key: str, uses: list[dict], titles: dict[str, str], patterns: set[str]) -> str:
    """``/services/<key>/``: what the service is, and every diagram that draws it with the
    role it plays there (each row links to the node itself, which the page highlights)."""
    entry = services.get(key)
    pages = sorted({use["page"] for use in uses}, key=lambda page: titles[page].lower())
    count = f"{len(pages)} page{'s' if len(pages) != 1 else ''}"
    lines = [
        "---",
        f"title: {json.dumps(entry['name'])}",
        f"summary: {json.dumps(entry['description'])}",
        # Rank a pattern's own page above the service pages that quote its roles.
        "search:",
        "  boost: 0.3",
        "---",
        "",
        f"# {entry['name']}",
        "",
        entry["description"],
        "",
        f"**AWS category:** {entry['category']}. "
        f"**Documentation:** [{entry['name']} on AWS]({entry['docs']}).",
        "",
        "## Where it appears",
        "",
        f"Drawn in the diagrams of {count}, each time with a job of its own:",
        "",
        "| Page | Drawn as | Its role there |",
        "| --- | --- | --- |",
    ]
    order = {page: i for i, page in enumerate(pages)}
    for use in sorted(uses, key=lambda u: order[u["page"]]):
        anchor = f"{use['dom_id']}-{use['node_id']}"
        cells = [use["label"], use["role"]]
        label, role = (cell.replace("|", "\\|") for cell in cells)
        name = use.get("diagram_name") or titles[use["page"]]
        lines.append(f"| [{name}](../{use['page']}.md#{anchor}) | {label} | {role} |")
    lines.append("")
    if patterns & set(pages):
        lines += [
            f"[Show the patterns that use {entry['name']} in the catalog]"
            f"(../index.md?service={key}) · [All services](index.md)",
            "",
        ]
    else:
        lines += ["[All services](index.md)", ""]
    return "\n".join(lines)


def diagram_name(page_title: str, diagram_title: str) -> str:
    """ "Saga (orchestration)" for the diagram titled "Saga: orchestration" on the page "Saga":
    how a service page tells apart the diagrams of a page that has more than one."""
    qualifier = re.sub(rf"^{re.escape(page_title)}\W*", "", diagram_title, flags=re.IGNORECASE)
    return f"{page_title} ({qualifier or diagram_title})"


def services_index(used: dict[str, list[dict]]) -> str:
    by_category: dict[str, list[str]] = defaultdict(list)
    for key in used:
        by_category[services.get(key)["category"]].append(key)
    lines = [
        "---",
        "title: Services",
        "summary: Every AWS service drawn in a diagram on this "
        "site, grouped by AWS category, with the patterns that use it.",
        "search:",  # a list of names: rank the pages that explain them first
        "  boost: 0.3",
        "---",
        "",
        "# Services",
        "",
        "Every AWS service that appears in a diagram on this site. Each page says what the "
        "service is for and lists the patterns that use it, with the role it plays there.",
        "",
    ]
    for category in sorted(by_category):
        lines += [f"## {category}", ""]
        for key in sorted(by_category[category], key=lambda k: services.get(k)["name"].lower()):
            count = len({use["page"] for use in used[key]})
            lines.append(
                f"- [{services.get(key)['name']}]({key}.md): "
                f"{count} page{'s' if count != 1 else ''}"
            )
        lines.append("")
    return "\n".join(lines)


def related_snippet(page, by_slug) -> str:
    """The "Related patterns" list, from the page's `related` front matter. Like the home
    catalog, it repeats other pages' titles and summaries, so it stays out of the search index:
    a page ranks for its own words, not for those of the pages it links."""
    lines = ['<div class="related-patterns" markdown data-search-exclude>', ""]
    related = page.meta.get("related")
    for slug in related if isinstance(related, list) else []:
        other = by_slug.get(f"patterns/{_text(slug)}")
        if other is None:
            continue  # the check names the unknown slug with file and line
        lines.append(f"- [{other.title}]({slug}.md): {_text(other.meta.get('summary'))}")
    return "\n".join([*lines, "", "</div>"]) + "\n"


def generate_all() -> int:
    pages = authored_pages()
    titles = {p.slug: p.title for p in pages}
    metas = diagram_metadata()
    used: dict[str, list[dict]] = defaultdict(list)
    per_page = defaultdict(int)
    for meta in metas:
        per_page[meta["page"]] += 1
    for meta in metas:
        if meta["page"] not in titles:
            continue  # the check reports modules without a page
        shared = per_page[meta["page"]] > 1
        for node in meta["nodes"]:
            if services.is_aws(node["service"]):
                used[node["service"]].append(
                    {
                        "page": meta["page"],
                        "dom_id": meta["dom_id"],
                        "node_id": node["node_id"],
                        "label": node["label"],
                        "role": node["role"],
                        "diagram_name": (
                            diagram_name(titles[meta["page"]], meta["title"]) if shared else ""
                        ),
                    }
                )
    patterns = {p.slug for p in pages if p.is_pattern}
    wanted = {
        SERVICE_PAGES / f"{key}.md": service_page(key, uses, titles, patterns)
        for key, uses in used.items()
    }
    wanted[SERVICE_PAGES / "index.md"] = services_index(used)
    by_slug = {p.slug: p for p in pages}
    for page in pages:
        if page.is_pattern:
            wanted[GENERATED / "related" / f"{page.slug}.md"] = related_snippet(page, by_slug)
    wanted[GENERATED / "catalog.md"] = catalog_snippet(pages, services_by_page(metas))
    wanted.update(freshness.snippets(pages))
    wanted.update(cost_snippets(pages))
    wanted.update(sources.outputs())
    changed = [path for path, text in sorted(wanted.items()) if write_if_changed(path, text)]
    for stale in sources.stale(wanted):
        stale.unlink()
        changed.append(stale)
    if SERVICE_PAGES.exists():
        for stale in set(SERVICE_PAGES.glob("*.md")) - set(wanted):
            stale.unlink()
            changed.append(stale)
    print(
        f"pages: {len(used)} service pages, catalog of "
        f"{sum(p.is_pattern for p in pages)} patterns ({len(changed)} files changed)"
    )
    return publish_stacks()  # "Deploy it" snippets and stack zips (sitekit/stacks/publish.py)


if __name__ == "__main__":
    sys.exit(generate_all())
