"""``make bench``'s page weights: each page's HTML, and what a reader downloads on a first
visit and on a second page in the same visit (cached icons, styles and scripts are not
fetched again)."""

from __future__ import annotations

import sys
from pathlib import Path

from sitekit.paths import ROOT

# Issue 9's target for the heaviest page, held by tests/test_weight.py for every page. The
# diagram toolbar and the estimator's form are built by their scripts (without JavaScript
# they would do nothing), so pages carry only their data.
HTML_TARGET = 100 * 1024


def html_sizes(site: Path) -> dict[str, int]:
    return {
        "/" + p.parent.relative_to(site).as_posix().removeprefix(".") + "/": p.stat().st_size
        for p in sorted(site.rglob("index.html"))
    }


def visit(site: Path, first: str, second: str) -> tuple[int, int]:
    """Bytes of every response for ``first``, then of the new ones after a reader follows a
    link to ``second`` (Material's instant navigation, with the browser's cache)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, serve  # the tests' server and flags
    from playwright.sync_api import sync_playwright

    base, server = serve(site)
    sizes: list[int] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_context().new_page()
            tab.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]))
            tab.goto(base + first.lstrip("/"), wait_until="networkidle")
            first_bytes = sum(sizes)
            sizes.clear()
            tab.evaluate(
                """url => [...document.querySelectorAll("a[href]")]
                    .find(a => a.href === url && a.offsetParent !== null).click()""",
                base + second.lstrip("/"),
            )
            tab.wait_for_url(f"**{second}", timeout=10_000)
            tab.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
    return first_bytes, sum(sizes)


def report(site: Path) -> None:
    sizes = html_sizes(site)
    heaviest = sorted(sizes.items(), key=lambda item: -item[1])
    print(f"  HTML size of each page ({len(sizes)} pages, heaviest first; target <= 100 KB):")
    for url, size in heaviest:
        flag = "" if size <= HTML_TARGET else "   OVER TARGET"
        print(f"    {url:<48} {size / 1024:6.1f} KB{flag}")
    first, second = visit(site, "/patterns/saga/", "/patterns/publish-subscribe/")
    print(
        f"  first visit /patterns/saga/ {first / 1024:.0f} KB in all; then "
        f"/patterns/publish-subscribe/ in the same visit {second / 1024:.0f} KB"
    )
