"""The service explorer: a page per AWS service drawn anywhere, generated from the diagram
modules; the /services/ index grouped by AWS category; the home catalog's filter by category
and by service, kept in the URL (real browser for the filter)."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT

from sitekit import services
from sitekit.pages import categories
from sitekit.svg import plain


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.fixture(scope="module")
def uses(site) -> dict[str, list[dict]]:
    """AWS service key -> every node that draws it on a built page (from generated/meta)."""
    found: dict[str, list[dict]] = defaultdict(list)
    for path in sorted((ROOT / "generated" / "meta").rglob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        if not (site / meta["page"] / "index.html").is_file():
            continue
        for node in meta["nodes"]:
            if services.is_aws(node["service"]):
                found[node["service"]].append(
                    {**node, "page": meta["page"], "dom_id": meta["dom_id"]}
                )
    assert found, "no diagram draws an AWS service"
    return found


def _article(site: Path, url: str) -> str:
    page = site / url / "index.html"
    assert page.is_file(), f"/{url}/ was not built"
    return page.read_text(encoding="utf-8").split("<article", 1)[1].split("</article>", 1)[0]


def test_every_drawn_service_has_a_page_listing_each_use_and_role(site, uses):
    for key, drawn in uses.items():
        entry = services.get(key)
        article = _article(site, f"services/{key}")
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", article, re.DOTALL)
        assert heading and _text(heading.group(1)).replace("¶", "").strip() == entry["name"], (
            f"/services/{key}/ does not open with the official name {entry['name']!r}"
        )
        text = _text(article)
        assert plain(entry["description"]) in text, f"/services/{key}/ lacks its description"
        assert f'href="{html.escape(entry["docs"])}"' in article, (
            f"/services/{key}/ does not link to its AWS documentation"
        )
        rows = re.findall(r"<tr>(.*?)</tr>", article, re.DOTALL)
        for use in drawn:
            anchor = f'/{use["page"]}/#{use["dom_id"]}-{use["node_id"]}"'
            row = next((r for r in rows if anchor in r), None)
            assert row, f"/services/{key}/ does not list {use['page']} ({use['label']})"
            assert plain(use["role"]) in _text(row), f"/services/{key}/: role missing in {row}"


def test_service_pages_exist_only_for_drawn_aws_services(site, uses):
    pages = {p.parent.name for p in (site / "services").glob("*/index.html")}
    assert pages == set(uses), f"stale or missing service pages: {pages ^ set(uses)}"
    assert not [k for k in pages if not services.is_aws(k)], "an actor got a service page"


def test_services_index_groups_every_service_by_category(site, uses):
    article = _article(site, "services")
    sections = re.split(r"<h2[^>]*>", article)[1:]
    grouped = {}
    for section in sections:
        title = _text(section.split("</h2>", 1)[0]).replace("¶", "").strip()
        grouped[title] = set(re.findall(r'href="([a-z0-9-]+)/"', section))
    for key in uses:
        category = services.get(key)["category"]
        assert key in grouped.get(category, set()), (
            f"{key} is not listed under {category!r} on /services/"
        )
    assert list(grouped) == sorted(grouped), "categories are not in order"


def test_service_pages_link_to_the_filtered_catalog(site, uses):
    patterns = {
        u["page"] for drawn in uses.values() for u in drawn if u["page"].startswith("patterns/")
    }
    for key, drawn in uses.items():
        article = _article(site, f"services/{key}")
        wanted = any(u["page"] in patterns for u in drawn)
        assert (f'href="../../?service={key}"' in article) == wanted, key


# ---- The catalog filter, in a browser ----------------------------------------------------


def _visible_rows(tab) -> list[dict]:
    return tab.eval_on_selector_all(
        "table.catalog tbody tr[data-category]:not([hidden])",
        "rows => rows.map(r => ({category: r.dataset.category, services: r.dataset.services}))",
    )


def _query(tab) -> dict[str, list[str]]:
    return parse_qs(urlsplit(tab.url).query)


@pytest.fixture
def catalog(page, base_url):
    page.goto(base_url)
    page.wait_for_selector("form.catalog-filter[data-ready]")
    return page


def test_catalog_filters_by_category_and_service_and_keeps_it_in_the_url(catalog):
    tab = catalog
    everything = _visible_rows(tab)
    assert len(everything) >= 2 and tab.locator("form.catalog-filter").is_visible()
    # A category that some, not all, patterns have.
    counts = defaultdict(int)
    for row in everything:
        counts[row["category"]] += 1
    category = next(c for c in categories() if 0 < counts[c] < len(everything))
    tab.select_option("select[name=category]", category)
    rows = _visible_rows(tab)
    assert rows and all(r["category"] == category for r in rows)
    assert len(rows) == counts[category]
    assert _query(tab) == {"category": [category]}
    assert f"{len(rows)} of {len(everything)}" in tab.text_content(".catalog-filter__count")
    tab.reload()
    tab.wait_for_selector("form.catalog-filter[data-ready]")
    assert tab.input_value("select[name=category]") == category, "reload lost the filter"
    assert _visible_rows(tab) == rows
    # Add a service used by one of these patterns: both filters apply, both are in the URL.
    service = rows[0]["services"].split()[0]
    tab.select_option("select[name=service]", service)
    both = _visible_rows(tab)
    assert both and all(
        r["category"] == category and service in r["services"].split() for r in both
    )
    assert _query(tab) == {"category": [category], "service": [service]}
    tab.reload()
    tab.wait_for_selector("form.catalog-filter[data-ready]")
    assert tab.input_value("select[name=service]") == service
    assert _visible_rows(tab) == both
    # Show all clears both filters and the URL.
    tab.click("form.catalog-filter [data-action=clear]")
    assert _visible_rows(tab) == everything and _query(tab) == {}


def test_catalog_filter_by_service_from_a_shared_link(page, base_url):
    page.goto(f"{base_url}?service=lambda")
    page.wait_for_selector("form.catalog-filter[data-ready]")
    rows = _visible_rows(page)
    assert rows and all("lambda" in r["services"].split() for r in rows)
    assert page.input_value("select[name=service]") == "lambda"


def test_catalog_ignores_unknown_filter_values(page, base_url):
    page.goto(f"{base_url}?category=no-such-category&service=no-such-service")
    page.wait_for_selector("form.catalog-filter[data-ready]")
    rows = _visible_rows(page)
    assert len(rows) == page.locator("table.catalog tbody tr[data-category]").count()
    assert page.input_value("select[name=category]") == ""


def test_catalog_shows_a_message_when_nothing_matches(catalog):
    tab = catalog
    # Find a category and a service that never meet, if there is such a pair.
    rows = _visible_rows(tab)
    pairs = {(r["category"], s) for r in rows for s in r["services"].split()}
    options = tab.eval_on_selector_all(
        "select[name=service] option[value]:not([value=''])", "options => options.map(o => o.value)"
    )
    pair = next(
        ((c, s) for c in {r["category"] for r in rows} for s in options if (c, s) not in pairs),
        None,
    )
    if pair is None:
        pytest.skip("every category meets every service")
    tab.select_option("select[name=category]", pair[0])
    tab.select_option("select[name=service]", pair[1])
    assert _visible_rows(tab) == []
    assert tab.locator("table.catalog .catalog__empty").is_visible()


def test_service_page_link_opens_the_filtered_catalog(page, base_url):
    page.goto(f"{base_url}services/lambda/")
    page.click("article a[href$='/?service=lambda']")
    page.wait_for_url(f"{base_url}?service=lambda")
    page.wait_for_selector("form.catalog-filter[data-ready]")
    rows = _visible_rows(page)
    assert rows and all("lambda" in r["services"].split() for r in rows)


def test_a_filter_that_keeps_every_pattern_says_so(page, base_url):
    """A service every pattern draws: the count line names it instead of a bare "Showing
    all", which would read as if the filter did nothing."""
    page.goto(base_url)
    page.wait_for_selector("form.catalog-filter[data-ready]")
    rows = _visible_rows(page)
    everywhere = set.intersection(*(set(r["services"].split()) for r in rows))
    options = page.eval_on_selector_all(
        "select[name=service] option", "options => options.map(o => [o.value, o.textContent])"
    )
    names = dict(options)
    if not everywhere:
        pytest.skip("no service is drawn by every pattern")
    key = sorted(everywhere)[0]
    page.select_option("select[name=service]", key)
    text = page.text_content(".catalog-filter__count")
    assert text == f"All {len(rows)} patterns use {names[key]}", text


def test_unknown_filter_values_leave_the_address(page, base_url):
    page.goto(f"{base_url}?category=no-such-category&service=lambda&keep=1")
    page.wait_for_selector("form.catalog-filter[data-ready]")
    assert _query(page) == {"service": ["lambda"], "keep": ["1"]}, page.url


def test_the_table_keeps_its_columns_when_nothing_matches(catalog):
    tab = catalog
    widths = "[...document.querySelectorAll('table.catalog th')].map(th => th.offsetWidth)"
    before = tab.evaluate(widths)
    rows = _visible_rows(tab)
    pairs = {(r["category"], s) for r in rows for s in r["services"].split()}
    services_offered = tab.eval_on_selector_all(
        "select[name=service] option[value]:not([value=''])", "options => options.map(o => o.value)"
    )
    pair = next(
        (c, s)
        for c in sorted({r["category"] for r in rows})
        for s in services_offered
        if (c, s) not in pairs
    )
    tab.select_option("select[name=category]", pair[0])
    tab.select_option("select[name=service]", pair[1])
    assert _visible_rows(tab) == []
    after = tab.evaluate(widths)
    assert all(abs(a - b) <= 1 for a, b in zip(before, after, strict=True)), (before, after)


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_home_page_does_not_shift_while_loading(browser, base_url, viewport):
    """Cumulative layout shift of the home page (the filter appears without moving the
    table): at most 0.02, as Chromium's Layout Instability API reports it."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    tab = context.new_page()
    try:
        tab.goto(base_url, wait_until="networkidle")
        tab.wait_for_selector("form.catalog-filter[data-ready]")
        shift = tab.evaluate("""() => new Promise((done) => {
            let total = 0;
            new PerformanceObserver((list) => {
                for (const entry of list.getEntries()) {
                    if (!entry.hadRecentInput) total += entry.value;
                }
            }).observe({type: 'layout-shift', buffered: true});
            requestAnimationFrame(() => requestAnimationFrame(() => done(total)));
        })""")
    finally:
        context.close()
    assert shift <= 0.02, f"cumulative layout shift {shift:.3f}"


def test_service_pages_name_the_diagram_when_a_page_has_two(site, uses):
    """/services/step-functions/ lists both saga diagrams apart: "Saga (orchestration)"."""
    shared = defaultdict(set)
    for drawn in uses.values():
        for use in drawn:
            shared[use["page"]].add(use["dom_id"])
    pages = {page for page, diagrams in shared.items() if len(diagrams) > 1}
    assert "patterns/saga" in pages
    for key, drawn in uses.items():
        article = _article(site, f"services/{key}")
        for use in drawn:
            if use["page"] not in pages:
                continue
            anchor = f'/{use["page"]}/#{use["dom_id"]}-{use["node_id"]}"'
            link = re.search(rf'<a href="[^"]*{re.escape(anchor)}>(.*?)</a>', article)
            assert link, f"/services/{key}/ does not link {anchor}"
            assert re.fullmatch(r".+ \(.+\)", _text(link.group(1))), (
                f"/services/{key}/ names a diagram of {use['page']} only {_text(link.group(1))!r}"
            )
    saga = _article(site, "services/step-functions")
    assert "Saga (orchestration)" in _text(saga), "the orchestration diagram is not named"
