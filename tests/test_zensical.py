"""The same sources build with Zensical (Material's successor): every page and diagram is
there and the interactive diagrams work."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import ROOT, run_sitekit, serve

# One pytest-xdist worker runs this module: it builds the Zensical site once.
pytestmark = pytest.mark.xdist_group("zensical")


@pytest.fixture(scope="session")
def zensical_site(site) -> Path:
    # What `make build-zensical` runs (Zensical's strict build through our wrapper), into a
    # folder of this pytest-xdist worker's own: two workers never build into the same one.
    # Zensical wants the folder inside the project: site-zensical/<worker>/ (git-ignored).
    dest = ROOT / "site-zensical" / os.environ.get("PYTEST_XDIST_WORKER", "main")
    done = run_sitekit("build", "--engine", "zensical", "--site-dir", str(dest), check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return dest


def _pages(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("index.html")}


def test_zensical_builds_every_page_with_its_diagrams(site, zensical_site):
    assert _pages(site) <= _pages(zensical_site), _pages(site) - _pages(zensical_site)
    for page in sorted(_pages(site)):
        ours = (site / page).read_text(encoding="utf-8")
        theirs = (zensical_site / page).read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="diagram[^"]*" id="([^"]+)"', ours)
        assert re.findall(r'<figure class="diagram[^"]*" id="([^"]+)"', theirs) == figures, page
        assert theirs.count('data-step="') == ours.count('data-step="'), page
        dated = re.findall(r'class="facts-checked">.*?datetime="([\d-]+)"', ours)
        assert re.findall(r'class="facts-checked">.*?datetime="([\d-]+)"', theirs) == dated
    for asset in (
        "assets/javascripts/diagram.js",
        "assets/diagrams/patterns/saga.choreography.svg",
    ):
        assert (zensical_site / asset).is_file(), asset


def test_interactive_diagram_works_under_zensical(browser, zensical_site):
    base, server = serve(zensical_site)
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        tab.goto(base + "patterns/saga/", wait_until="load")
        figures = tab.locator("figure.diagram[data-ready]")
        figures.first.wait_for()
        assert figures.count() == 2
        first = tab.locator("figure.diagram").first
        first.get_by_role("button", name=re.compile("next", re.I)).click()
        assert first.locator("[data-step='1'].is-current").count() >= 1
        assert errors == []
    finally:
        context.close()
        server.shutdown()


def test_search_works_through_the_reader_worker_under_zensical(browser, zensical_site):
    # overrides/main.html starts the theme's worker through workers/reader-search.js; Zensical's
    # worker is no lunr, so the wrapper must load it and pass its answers through untouched.
    base, server = serve(zensical_site)
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    workers: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("worker", lambda w: workers.append(w.url))
    try:
        tab.goto(base, wait_until="load")
        tab.locator("button.md-search__button").click()
        tab.get_by_role("combobox", name="Search").fill("compensating transaction")
        results = tab.locator("a[href*='?h=']")  # result links carry the query to highlight
        results.first.wait_for(timeout=10_000)
        pages = [
            h.replace(base, "").split("?")[0]
            for h in results.evaluate_all("links => links.map(a => a.href)")
        ]
        assert "patterns/saga/" in pages[:3], pages
        assert [w for w in workers if "/workers/reader-search.js#search." in w], workers
        assert errors == []
    finally:
        context.close()
        server.shutdown()
