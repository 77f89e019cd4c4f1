"""Quality gates in a real browser: accessibility (axe-core, WCAG 2.1 A/AA) in both palettes,
privacy (no request leaves the local server), and a strict Content-Security-Policy.

The accessibility pass is the one test that loads every page (twice, one palette each), so it
also watches each page for what no page may do: a console error, an uncaught exception, a
failed or 4xx/5xx request, a request to any host but the local server."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from conftest import SITE, Watch, page_errors, serve

PAGES = (
    sorted(
        p.parent.relative_to(SITE).as_posix().replace(".", "") + "/"
        for p in SITE.rglob("index.html")
    )
    if SITE.exists()
    else []
)
# Only violations are reported in full: the passes' node lists cost a third of each run.
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _url(base: str, page: str) -> str:
    return base + page.lstrip("/")


@pytest.fixture(scope="module", params=["light", "dark"])
def palette_tab(request, browser, base_url):
    """One tab per palette (per pytest-xdist worker), reused page after page: a new context
    for each page cost more than the axe run itself."""
    context = browser.new_context(
        color_scheme=request.param, viewport={"width": 1280, "height": 900}
    )
    watch = Watch(context, base_url)
    tab = context.new_page()
    yield request.param, tab, watch
    context.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_axe_finds_no_wcag_violations(palette_tab, base_url, page_path):
    from axe_playwright_python.sync_playwright import Axe

    scheme, tab, watch = palette_tab
    late = watch.take()
    assert late == [], f"the page this tab showed before /{page_path.lstrip('/')}: {late}"
    tab.goto(_url(base_url, page_path), wait_until="load")
    expected = "slate" if scheme == "dark" else "default"
    assert tab.get_attribute("body", "data-md-color-scheme") == expected
    results = Axe().run(tab, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    # By now (axe takes a while) the page has made its late requests too.
    assert watch.take() == [], f"/{page_path.lstrip('/')}"


def test_search_requests_nothing_from_other_hosts(browser, base_url):
    """Search loads its worker and index only when used: type a query and watch (every page
    load is watched by the accessibility pass above)."""
    context = browser.new_context()
    watch = Watch(context, base_url)
    tab = context.new_page()
    tab.goto(base_url)
    tab.locator("input.md-search__input").click(timeout=5_000)
    tab.locator("input.md-search__input").press_sequentially("lambda")
    tab.locator(".md-search-result__item").first.wait_for()
    tab.wait_for_load_state("networkidle")
    context.close()
    assert watch.take() == []


def _inline_script_hashes(site: Path) -> set[str]:
    """Hashes of the theme's own inline scripts (ours add none: see the assertion below)."""
    hashes = set()
    for page in site.rglob("*.html"):
        for attrs, body in re.findall(
            r"<script([^>]*)>(.*?)</script>", page.read_text(encoding="utf-8"), re.DOTALL
        ):
            if "src=" in attrs or "application/json" in attrs or not body.strip():
                continue
            assert "diagram" not in body, f"{page}: our code must not be an inline script"
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            hashes.add("'sha256-" + base64.b64encode(digest).decode() + "'")
    return hashes


def strict_policy(site: Path) -> str:
    """The strictest Content-Security-Policy the site must work under: nothing inline but the
    theme's own scripts (by hash), nothing from other hosts."""
    return (
        "default-src 'self'; script-src 'self' "
        + " ".join(sorted(_inline_script_hashes(site)))
        + "; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; worker-src 'self'"
    )


def test_diagrams_work_under_a_strict_content_security_policy(browser, site):
    base, server = serve(site, {"Content-Security-Policy": strict_policy(site)})
    context = browser.new_context()
    tab = context.new_page()
    errors = page_errors(tab)
    try:
        tab.goto(base + "patterns/backend-api/", wait_until="networkidle")
        figure = tab.locator("figure.diagram").first
        figure.wait_for()
        assert figure.get_attribute("data-ready") is not None, "diagram script did not start"
        tab.get_by_role("button", name=re.compile("next", re.I)).first.click()
        assert tab.locator("figure.diagram [data-step='1'].is-current").count() == 1
        violations = [e for e in errors if "Content Security Policy" in e]
        assert violations == [], violations
        assert errors == [], errors
    finally:
        context.close()
        server.shutdown()
