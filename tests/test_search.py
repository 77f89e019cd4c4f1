"""Site search finds each page by the words a reader would type (real browser, own index)."""

from __future__ import annotations

import pytest

QUERIES = {
    "strangler migration monolith": "patterns/strangler-fig/",
    "fan-out fan-in aggregator": "patterns/aggregator/",
    "Step Functions Express workflow": "patterns/state-machine/",
    "compensating transaction": "patterns/saga/",
    "circuit breaker": "patterns/circuit-breaker/",
    "serverless REST API": "patterns/backend-api/",
    "account per team custom domain": "patterns/hosting-microservices/",
    "CORS preflight": "patterns/proxied-front-and-back-ends/",
    "edge-optimized Regional endpoint": "patterns/regional-api-gateway/",
    "Cognito authorizer": "patterns/secured-spa-backend/",
    "SNS SQS fan-out": "patterns/publish-subscribe/",
    "absorb traffic spikes": "patterns/storage-first/",
    "process uploaded files": "patterns/event-driven/",
    "MapReduce": "patterns/map-reduce/",
    "Apache Flink": "patterns/real-time-analytics/",
    "event source mapping batch size": "lambda/poll-based/",
    "Lake Formation": "data-lake/",
    "responsibility matrix": "service-models/",
}


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(base_url)
    yield tab
    context.close()


@pytest.mark.parametrize("query,expected", QUERIES.items(), ids=list(QUERIES))
def test_search_ranks_expected_page_in_top_three(search_page, base_url, query, expected):
    tab = search_page
    box = tab.locator("input.md-search__input")
    box.click(timeout=5_000)  # at desktop width the search box sits in the header
    box.fill("")
    box.press_sequentially(query, delay=10)  # the theme searches on key events, as a reader types
    results = tab.locator(".md-search-result__item > a.md-search-result__link")
    results.first.wait_for(timeout=10_000)
    tab.wait_for_timeout(150)  # the list is re-rendered as the worker answers
    pages: list[str] = []  # distinct pages in result order (a page can match twice)
    for i in range(results.count()):
        href = results.nth(i).get_attribute("href")
        found = href.replace(base_url, "").split("#")[0].split("?")[0]
        if found not in pages:
            pages.append(found)
    pages = pages[:3]
    assert expected in pages, f"{query!r}: top results {pages}"
    tab.keyboard.press("Escape")
