"""The catalog: every page at its fixed URL, with its diagram, sections, steps and glossary,
in the project's own words."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import ROOT, SEED_DIR, SEED_RUNS, digests_of, reused_runs, source_article_runs

from sitekit.checks.report import SECTIONS
from sitekit.pages import authored_pages, categories

PATTERNS = [
    "strangler-fig",
    "aggregator",
    "state-machine",
    "saga",
    "circuit-breaker",
    "backend-api",
    "hosting-microservices",
    "single-page-application",
    "regional-api-gateway",
    "proxied-front-and-back-ends",
    "storage-first",
    "secured-spa-backend",
    "publish-subscribe",
    "event-driven",
    "map-reduce",
    "real-time-analytics",
]
LAMBDA = ["lambda/synchronous", "lambda/asynchronous", "lambda/poll-based"]
TWO_DIAGRAMS = {"saga", "publish-subscribe"}


def built(site: Path, url: str) -> str:
    path = site / url / "index.html"
    assert path.is_file(), f"/{url}/ was not built"
    return path.read_text(encoding="utf-8")


def h2_titles(page_html: str) -> list[str]:
    article = page_html.split("<article", 1)[1]
    titles = re.findall(r"<h2[^>]*>(.*?)</h2>", article, re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", t)).replace("¶", "").strip() for t in titles]


def figures(page_html: str) -> dict[str, str]:
    """dom id -> the figure's HTML."""
    return dict(
        re.findall(
            r'<figure class="diagram[^"]*" id="([^"]+)".*?>(.*?)</figure>', page_html, re.DOTALL
        )
    )


@pytest.mark.parametrize("slug", PATTERNS)
def test_pattern_page_has_diagram_sections_and_front_matter(site, slug):
    page_html = built(site, f"patterns/{slug}")
    assert h2_titles(page_html) == SECTIONS
    found = figures(page_html)
    assert len(found) == (2 if slug in TWO_DIAGRAMS else 1), f"diagrams on {slug}: {list(found)}"
    for figure in found.values():
        assert "<svg" in figure and "<use" in figure, "the figure has no inline SVG with icons"
    page = next(p for p in authored_pages() if p.slug == f"patterns/{slug}")
    assert page.meta["category"] in categories()
    assert 40 <= len(page.meta["summary"]) <= 240
    assert page.meta["related"], "related patterns missing"
    assert "The code that drew this diagram" in page_html


@pytest.mark.parametrize("url", [f"patterns/{s}" for s in PATTERNS] + LAMBDA + ["data-lake"])
def test_how_it_works_matches_numbered_edges(site, url):
    page_html = built(site, url)
    found = figures(page_html)
    assert found, f"/{url}/ has no diagram"
    for dom_id, figure in found.items():
        edges = sorted(int(n) for n in re.findall(r'class="edge[^"]*" data-step="(\d+)"', figure))
        assert edges == list(range(1, len(edges) + 1)) and edges, f"{dom_id}: steps {edges}"
        steps = re.search(
            rf'<ol class="diagram-steps"[^>]*data-diagram-ref="{dom_id}"[^>]*>'
            r"(.*?)</ol>",
            page_html,
            re.DOTALL,
        )
        assert steps, f"{dom_id}: no How it works list"
        assert len(re.findall(r"<li\b", steps.group(1))) == len(edges)


def test_service_models_has_an_accessible_responsibility_matrix(site):
    page_html = built(site, "service-models")
    table = re.search(r"<table.*?</table>", page_html, re.DOTALL)
    assert table, "no HTML table"
    headers = [
        re.sub(r"<[^>]+>", "", h)
        for h in re.findall(r"<th[^>]*>(.*?)</th>", table.group(0), re.DOTALL)
    ]
    for model in ("IaaS", "PaaS", "CaaS", "FaaS", "SaaS"):
        assert any(model in h for h in headers), f"{model} is not a column header"


def test_home_catalog_lists_every_pattern(site):
    page_html = built(site, "")
    for slug in PATTERNS:
        assert f'href="patterns/{slug}/"' in page_html, f"{slug} missing from the catalog"


def test_glossary_abbreviations_become_tooltips(site):
    page_html = built(site, "patterns/proxied-front-and-back-ends")
    assert re.search(r'<abbr title="Cross-origin resource sharing">CORS</abbr>', page_html)


def test_no_page_repeats_ten_words_of_the_source_article():
    files = (
        sorted(ROOT.glob("docs/**/*.md"))
        + sorted(ROOT.glob("diagrams/**/*.py"))
        + sorted(ROOT.glob("includes/*.md"))
    )
    copied = [f"{p.relative_to(ROOT)}: '{run[0]}'" for p in files if (run := reused_runs(p))]
    assert not copied, "reused from the source article:\n" + "\n".join(copied)


def test_source_article_digests_match_the_article():
    articles = sorted(SEED_DIR.glob("serverless-*.md"))
    if not articles:  # e.g. a GitHub checkout without ../shared: the digests still run above
        pytest.skip(f"source article not found in {SEED_DIR}")
    text = "".join(p.read_text(encoding="utf-8") for p in articles)
    assert set(digests_of(text)) == source_article_runs(), (
        f"{SEED_RUNS.relative_to(ROOT)} is stale: regenerate it from {SEED_DIR}"
    )


def test_article_errors_do_not_appear():
    text = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.glob("docs/**/*.md"))
    assert "Kinesis Data Analytics" not in text.replace("formerly Kinesis Data Analytics", "")
    assert not re.search(r"(?<!formerly )(?<!Amazon )Kinesis Data Firehose", text)
    for stale in ("120 s limit", "120-second limit"):
        assert stale not in text


def test_every_catalog_filter_choice_matches_a_pattern(site):
    page_html = built(site, "")
    rows = re.findall(r'<tr data-category="([^"]*)" data-services="([^"]*)"', page_html)
    assert rows, "the catalog has no rows"
    category_select = re.search(r'<select[^>]*name="category".*?</select>', page_html, re.DOTALL)
    service_select = re.search(r'<select[^>]*name="service".*?</select>', page_html, re.DOTALL)
    categories_used = {category for category, _ in rows}
    services_used = {key for _, keys in rows for key in keys.split()}
    for value in re.findall(r'<option value="([^"]+)"', service_select.group(0)):
        assert value in services_used, f"service filter offers {value}, which no pattern uses"
    for value in re.findall(r'<option value="([^"]+)"', category_select.group(0)):
        assert value in categories_used, f"category filter offers {value}, which no pattern has"
