"""The estimator in real Chromium: the page's arithmetic equals the build's to the cent on a few
hundred random inputs, and the form works for a reader (typing, bad input, the free-allowance
toggle, the URL, 390 px, instant navigation, a strict Content-Security-Policy)."""

from __future__ import annotations

import random
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import page_errors, serve
from test_cost import pattern_models
from test_quality import strict_policy

from sitekit.cost import prices
from sitekit.cost.model import estimate, evaluate

PAGE = "patterns/backend-api/"
FORM = "form.estimator"


def random_cases(count_per_model: int = 24, seed: int = 11) -> list[dict]:
    """Inputs for every model: zero, tier and free-allowance boundaries, and random figures
    (log-uniform volumes, figures anywhere in their bounds, both ends included)."""
    rng = random.Random(seed)
    sheet = prices.sheet()
    cases = []
    for slug, models in sorted(pattern_models().items()):
        for model in models:
            data = model.as_json(sheet)
            # Volumes where some price crosses a tier or its free allowance at default figures.
            edges = [0.0, 1.0]
            for pid, price in data["prices"].items():
                for line in (u for u in model.usage if u["price"] == pid and u["per"] == "unit"):
                    per_unit = evaluate(line["formula"], model.defaults())
                    for mark in [price["free"], *(t[0] for t in price["tiers"] if t[0])]:
                        if per_unit > 0 and mark:
                            edges += [mark / per_unit, mark / per_unit + 1]
            for index in range(count_per_model):
                values = {}
                for spec in model.inputs:
                    pick = rng.random()
                    low, high = spec["min"], spec["max"]
                    values[spec["name"]] = (
                        low if pick < 0.1 else high if pick < 0.2 else rng.uniform(low, high)
                    )
                if index < len(edges):
                    units, values = float(round(edges[index])), model.defaults()
                else:
                    units = float(round(10 ** rng.uniform(0, 12)))
                cases.append(
                    {
                        "id": f"{slug}/{model.key or 'main'}/{index}",
                        "model": data,
                        "units": units,
                        "values": values,
                        "free": rng.random() < 0.5,
                    }
                )
    return cases


def test_page_and_build_agree_to_the_cent(page, base_url):
    cases = random_cases()
    assert len(cases) >= 300
    page.goto(base_url + PAGE)
    page.wait_for_function("window.sitekitCost !== undefined")
    # One evaluate for the whole batch: the page computes every case in one go.
    in_page = page.evaluate(
        """cases => cases.map(c => {
            const r = window.sitekitCost.estimate(c.model, c.units, c.values, c.free);
            return {prices: r.prices, services: r.services, total: r.total};
        })""",
        cases,
    )
    sheet = prices.sheet()
    mismatches = []
    for case, got in zip(cases, in_page, strict=True):
        want = estimate(case["model"], case["units"], case["values"], case["free"], sheet)
        expected = {k: want[k] for k in ("prices", "services", "total")}
        if got != expected:
            mismatches.append((case["id"], case["units"], case["values"], expected, got))
    assert mismatches == [], mismatches[:3]
    # The batch is not trivial: it has zero, free and paid totals.
    totals = [r["total"] for r in in_page]
    assert 0 in totals and max(totals) > 100_000


@pytest.fixture
def estimator(page, base_url):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + PAGE)
    form = page.locator(f"{FORM}[data-ready]")
    form.wait_for()
    yield page, form, errors
    assert errors == []


def expected_total(units: float, free: bool, **figures) -> str:
    model = pattern_models()["backend-api"][0]
    sheet = prices.sheet()
    values = {**model.defaults(), **figures}
    cents = estimate(model.as_json(sheet), units, values, free, sheet)["total"]
    return f"${cents / 100:,.2f}"


def test_typing_updates_breakdown_total_and_url(estimator):
    page, form, _ = estimator
    total = form.locator(".estimator__total")
    assert expected_total(1e6, True) in total.inner_text()
    assert total.get_attribute("aria-live") == "polite"
    form.get_by_label("Requests a month").fill("25000000")
    form.get_by_label("Function memory (MB)").fill("1024")
    want = expected_total(25e6, True, memory_mb=1024.0)
    assert want in total.inner_text()
    assert form.locator("tfoot [data-total]").inner_text() == want
    # Per service: the legend's amounts add up to the total.
    amounts = [
        float(re.sub(r"[^\d.]", "", t))
        for t in form.locator(".estimator__legend [data-cost]").all_inner_texts()
    ]
    assert round(sum(amounts), 2) == float(want.strip("$").replace(",", ""))
    # The stacked bar has one segment per service that costs something.
    assert form.locator("svg.estimator__bar rect.estimator__seg").count() == sum(
        1 for a in amounts if a > 0
    )
    query = parse_qs(page.evaluate("location.search.slice(1)"))
    assert query["units"] == ["25000000"] and query["memory_mb"] == ["1024"]
    # The free-allowance toggle is in the state too, and a shared URL restores all of it.
    form.get_by_label("Subtract the monthly free allowance").uncheck()
    list_price = expected_total(25e6, False, memory_mb=1024.0)
    assert list_price in total.inner_text() and list_price != want
    shared = page.evaluate("location.href")
    assert parse_qs(urlsplit(shared).query)["free"] == ["off"]
    page.goto(shared)
    page.locator(f"{FORM}[data-ready]").wait_for()
    assert page.get_by_label("Requests a month").input_value() == "25000000"
    assert not page.get_by_label("Subtract the monthly free allowance").is_checked()
    assert list_price in page.locator(".estimator__total").inner_text()


BAD_INPUT = [
    ("", "Enter a number"),
    ("-5", "Negative figures"),
    ("lots", '"lots" is not a number'),
    ("1e15", "more than this estimator allows"),
]


def test_bad_input_says_why_and_keeps_the_last_estimate(estimator):
    _, form, _ = estimator
    field = form.get_by_label("Requests a month")
    error = form.locator("#" + field.get_attribute("id") + "-error")
    assert error.get_attribute("id") in field.get_attribute("aria-describedby")
    for good, (typed, words) in enumerate(BAD_INPUT, start=2):
        field.fill(f"{good}000000")
        assert expected_total(good * 1e6, True) in form.locator(".estimator__total").inner_text()
        field.fill(typed)
        assert words in error.inner_text(), typed
        assert error.is_visible() and field.get_attribute("aria-invalid") == "true"
        # The last valid estimate stays, marked as such.
        total = form.locator(".estimator__total")
        assert expected_total(good * 1e6, True) in total.inner_text()
        assert "estimator--stale" in form.get_attribute("class")
    field.fill("3000000")
    assert error.inner_text() == "" and field.get_attribute("aria-invalid") is None
    assert expected_total(3e6, True) in form.locator(".estimator__total").inner_text()


def test_every_price_row_links_its_source_and_every_field_is_labelled(estimator):
    _, form, _ = estimator
    model = pattern_models()["backend-api"][0]
    sheet = prices.sheet()
    for pid in model.as_json(sheet)["prices"]:
        link = form.locator(f'tr[data-price="{pid}"] a')
        assert link.get_attribute("href") == sheet.prices[pid].source
    for field in form.locator("input[type=text]").all():
        label = form.locator(f'label[for="{field.get_attribute("id")}"]')
        assert label.count() == 1 and label.inner_text().strip()


def test_fits_390_px_in_both_palettes(browser, base_url):
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
        tab = context.new_page()
        tab.goto(base_url + PAGE)
        form = tab.locator(f"{FORM}[data-ready]")
        form.wait_for()
        form.scroll_into_view_if_needed()
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        box = form.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        context.close()


def test_starts_after_instant_navigation(page, base_url):
    """Material swaps pages in without a reload; the estimator must start on the new page.
    Material navigates instantly only to URLs of its sitemap, so serve it for this origin."""

    def local_sitemap(route):
        body = route.fetch().text()
        route.fulfill(
            body=re.sub(r"<loc>https?://[^/]+/", f"<loc>{base_url}", body),
            content_type="application/xml",
        )

    page.route("**/sitemap.xml", local_sitemap)
    page.goto(base_url, wait_until="networkidle")
    page.evaluate("window.__sameDocument = true")
    page.click("table.catalog a[href$='/patterns/backend-api/']")
    page.wait_for_url(f"{base_url}{PAGE}")
    page.locator(f"{FORM}[data-ready]").wait_for()
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    page.get_by_label("Requests a month").fill("5000000")
    assert expected_total(5e6, True) in page.locator(".estimator__total").inner_text()


def test_works_under_a_strict_content_security_policy(browser, site):
    base, server = serve(site, {"Content-Security-Policy": strict_policy(site)})
    context = browser.new_context()
    tab = context.new_page()
    errors = page_errors(tab)
    try:
        # Two estimators on one page: each keeps its own prefix in the URL.
        tab.goto(base + "patterns/saga/", wait_until="networkidle")
        forms = tab.locator(f"{FORM}[data-ready]")
        forms.first.wait_for()
        assert forms.count() == 2
        forms.nth(1).get_by_label("Checkouts a month").fill("4000000")
        query = parse_qs(tab.evaluate("location.search.slice(1)"))
        assert query == {"choreography.units": ["4000000"]}
        assert "4,000,000" in forms.nth(1).locator(".estimator__total").inner_text()
        assert errors == [], errors
    finally:
        context.close()
        server.shutdown()
