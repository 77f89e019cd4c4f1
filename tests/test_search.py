"""Site search finds each page the way readers ask (real browser, the site's own index).

The queries are written as a reader would type them, never a page's title: other word forms
than the page uses ("migrating", "retried"), synonyms, API parameter names
(`MaximumEventAgeInSeconds`) and questions. Each must rank its page in the top three, above the
home catalog and the service pages that repeat the pages' summaries and roles.
"""

from __future__ import annotations

import json

import pytest

# One pytest-xdist worker runs this module: it types every query into one search box.
pytestmark = pytest.mark.xdist_group("search")

QUERIES = {
    # Word forms: the page says "migration", "retries", "compensating", "buffers"...
    "migrating a legacy monolith piece by piece": "patterns/strangler-fig/",
    "retried async events": "lambda/asynchronous/",
    "compensate a charge when a later step fails": "patterns/saga/",
    "buffering bursts of requests": "patterns/storage-first/",
    "aggregating answers from several services": "patterns/aggregator/",
    "throttled downstream dependency keeps failing": "patterns/circuit-breaker/",
    # API and configuration parameter names.
    "MaximumEventAgeInSeconds": "lambda/asynchronous/",
    "ReportBatchItemFailures": "lambda/poll-based/",
    "MaximumBatchingWindowInSeconds": "lambda/poll-based/",
    "FilterPolicy on a subscription": "patterns/publish-subscribe/",
    "ItemReader for objects in a bucket": "patterns/map-reduce/",
    "waitForTaskToken": "patterns/state-machine/",
    # Questions.
    "how do I stop calling a service that is down?": "patterns/circuit-breaker/",
    "why does my browser send an OPTIONS request before every API call?": (
        "patterns/proxied-front-and-back-ends/"
    ),
    "who patches the operating system in each cloud model?": "service-models/",
    "how do I run a function when a file lands in S3?": "patterns/event-driven/",
    "should I use an Express or a Standard workflow?": "patterns/state-machine/",
    "how long can API Gateway wait for my function?": "lambda/synchronous/",
    "how do I query files in S3 with SQL?": "data-lake/",
    "can each team have its own AWS account?": "patterns/hosting-microservices/",
    # Synonyms and the reader's own words.
    "scatter gather": "patterns/aggregator/",
    "half-open state": "patterns/circuit-breaker/",
    "trip the breaker": "patterns/circuit-breaker/",
    "long running distributed transaction rollback": "patterns/saga/",
    "one event many consumers": "patterns/publish-subscribe/",
    "SNS message filtering": "patterns/publish-subscribe/",
    "clickstream anomaly detection": "patterns/real-time-analytics/",
    "sliding window over a stream": "patterns/real-time-analytics/",
    "edge-optimized endpoint versus my own distribution": "patterns/regional-api-gateway/",
    "JWT authorizer for a single-page app": "patterns/secured-spa-backend/",
    "security headers without Lambda@Edge": "patterns/secured-spa-backend/",
    "host a React app from a private bucket": "patterns/single-page-application/",
    "origin access control": "patterns/single-page-application/",
    "route /api/* to API Gateway on the same domain": "patterns/proxied-front-and-back-ends/",
    "CRUD endpoints with DynamoDB": "patterns/backend-api/",
    "cold starts and provisioned concurrency": "lambda/synchronous/",
    "process millions of objects in parallel": "patterns/map-reduce/",
    "put a queue between API Gateway and Lambda": "patterns/storage-first/",
    "shards and batch size for a stream consumer": "lambda/poll-based/",
    "on-failure destination for asynchronous invocations": "lambda/asynchronous/",
    "Glue crawler and Data Catalog": "data-lake/",
    "feature by feature cut-over with a facade": "patterns/strangler-fig/",
    "who is responsible for what in SaaS": "service-models/",
    "per-team subdomains with base path mappings": "patterns/hosting-microservices/",
    # ordered-processing
    "MessageGroupId and deduplication ID on a FIFO queue": "patterns/ordered-processing/",
    "keep messages in sequence per customer": "patterns/ordered-processing/",
    # event-sourcing
    "replay an append-only log to rebuild state": "patterns/event-sourcing/",
    "snapshots of an aggregate": "patterns/event-sourcing/",
    # cqrs
    "separate read model and write model": "patterns/cqrs/",
    "read your own writes with a stale view": "patterns/cqrs/",
    # cache-aside
    "invalidate cached copies when an item changes": "patterns/cache-aside/",
    "Valkey in front of DynamoDB with a TTL": "patterns/cache-aside/",
    # throttling
    "429 Too Many Requests and retry with backoff": "patterns/throttling/",
    "usage plan rate and burst per API key": "patterns/throttling/",
    # wait-for-callback
    "pause a workflow until a manager approves": "patterns/wait-for-callback/",
    "SendTaskSuccess from an email link": "patterns/wait-for-callback/",
    # eventbridge-pipes
    "replace a glue function between a queue and a workflow": "patterns/eventbridge-pipes/",
    "enrichment and input template FIRE_AND_FORGET": "patterns/eventbridge-pipes/",
    # webhook-receiver
    "verify the HMAC signature of incoming callbacks": "patterns/webhook-receiver/",
    "stop replayed requests with a delivery ID and timestamp": "patterns/webhook-receiver/",
    # scheduled-jobs
    "replace a cron server with a nightly job in local time": "patterns/scheduled-jobs/",
    "one-time reminder with ActionAfterCompletion and daylight saving": "patterns/scheduled-jobs/",
    # safe-deployments
    "canary release of a Lambda function with automatic rollback": "patterns/safe-deployments/",
    "PreTraffic hook and Canary10Percent5Minutes": "patterns/safe-deployments/",
    # multi-region-active-active
    "fail over to another Region with DynamoDB global tables": "patterns/multi-region-active-active/",
    "latency-based routing with health checks": "patterns/multi-region-active-active/",
    # generative-ai-rag
    "chatbot that answers from our own documents with citations": "patterns/generative-ai-rag/",
    "RetrieveAndGenerate with a knowledge base and a guardrail": "patterns/generative-ai-rag/",
    # async-request-reply
    "return 202 Accepted and poll a status URL": "patterns/async-request-reply/",
    "long job longer than the 29 second timeout": "patterns/async-request-reply/",
    # valet-key
    "let the browser upload a file directly to S3": "patterns/valet-key/",
    "content-length-range in a presigned POST": "patterns/valet-key/",
    # websocket-push
    "push notifications to the browser instead of polling": "patterns/websocket-push/",
    "PostToConnection with connection IDs": "patterns/websocket-push/",
    # graphql-api
    "AppSync resolvers for DynamoDB and Lambda": "patterns/graphql-api/",
    "N+1 problem with BatchInvoke": "patterns/graphql-api/",
    # claim-check
    "send a message bigger than the SQS size limit": "patterns/claim-check/",
    "store the payload in S3 and pass a pointer": "patterns/claim-check/",
    # transactional-outbox
    "dual write between DynamoDB and EventBridge": "patterns/transactional-outbox/",
    "publish an event only if the database write commits": "patterns/transactional-outbox/",
    # idempotent-consumer
    "stop a duplicate SQS message from charging twice": "patterns/idempotent-consumer/",
    "idempotency key with a conditional write and TTL": "patterns/idempotent-consumer/",
    # dead-letter-redrive
    "move messages back from the DLQ to the source queue": "patterns/dead-letter-redrive/",
    "maxReceiveCount and an alarm on queue depth": "patterns/dead-letter-redrive/",
}

# As-you-type: the last word may be half typed, so it also matches as a prefix.
TYPED_SO_FAR = {
    "circuit brea": "patterns/circuit-breaker/",
    "stran": "patterns/strangler-fig/",
    "provisioned conc": "lambda/synchronous/",
    "distributed ma": "patterns/map-reduce/",
}

# Service pages stay findable by the service's name (not only by the patterns they quote).
SERVICE_QUERIES = {
    "Amazon DynamoDB": "services/dynamodb/",
    "AWS Step Functions": "services/step-functions/",
    "Amazon Data Firehose": "services/data-firehose/",
}


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(base_url)
    tab.locator("input.md-search__input").click(timeout=5_000)  # the header's search box
    yield tab
    context.close()


def top_pages(tab, base_url: str, query: str) -> list[str]:
    """The distinct pages of the first results, in order, as a reader sees them."""
    box = tab.locator("input.md-search__input")
    items = tab.locator(".md-search-result__item > a.md-search-result__link")
    box.fill("")
    box.press("End")  # the theme searches on key events: an empty box clears the results
    items.first.wait_for(state="detached", timeout=5_000)
    box.fill(query)
    box.press("End")
    items.first.wait_for(timeout=10_000)
    pages: list[str] = []  # a page can match twice (page and section)
    for href in items.evaluate_all("links => links.map(a => a.href)"):
        found = href.replace(base_url, "").split("#")[0].split("?")[0]
        if found not in pages:
            pages.append(found)
    return pages[:3]


def test_index_is_built_on_the_first_search_not_on_page_load(browser, base_url):
    """Building the index costs about half a second of processor time: a page view without a
    search must not pay it; the first search builds it and still finds its page."""
    context = browser.new_context()
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}patterns/saga/", wait_until="networkidle")
        tab.wait_for_function("() => document.querySelector('.md-search__input')")
        worker = next(w for w in tab.workers if "reader-search.js" in w.url)
        assert worker.evaluate("self.readerSearch()") == "waiting"
        tab.locator("input.md-search__input").click()
        assert worker.evaluate("self.readerSearch()") == "waiting", "focus alone built it"
        assert "patterns/circuit-breaker/" in top_pages(tab, base_url, "trip the breaker")
        assert worker.evaluate("self.readerSearch()") == "built"
    finally:
        context.close()


@pytest.mark.parametrize("query,expected", QUERIES.items(), ids=list(QUERIES))
def test_reader_query_ranks_its_page_in_top_three(search_page, base_url, query, expected):
    pages = top_pages(search_page, base_url, query)
    assert expected in pages, f"{query!r}: top results {pages}"


@pytest.mark.parametrize("query,expected", TYPED_SO_FAR.items(), ids=list(TYPED_SO_FAR))
def test_half_typed_last_word_matches_as_a_prefix(search_page, base_url, query, expected):
    pages = top_pages(search_page, base_url, query)
    assert expected in pages, f"{query!r}: top results {pages}"


@pytest.mark.parametrize("query,expected", SERVICE_QUERIES.items(), ids=list(SERVICE_QUERIES))
def test_service_pages_are_found_by_name(search_page, base_url, query, expected):
    pages = top_pages(search_page, base_url, query)
    assert expected in pages, f"{query!r}: top results {pages}"


def test_queries_are_varied_and_never_a_page_title(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {doc["title"].lower() for doc in index["docs"] if "#" not in doc["location"]}
    assert len(QUERIES) >= 40
    assert not [q for q in QUERIES if q.lower() in titles], "a query is only a page title"
    assert len(set(QUERIES.values())) >= 20, "the queries should reach most pages"


def test_index_stems_words_and_leaves_the_catalog_summaries_out(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "stemmer" in index["config"]["pipeline"], index["config"]
    home = next(doc for doc in index["docs"] if doc["location"] == "")
    assert "compensating step to undo" not in home["text"], "the catalog's summaries are indexed"
    # The Related patterns lists repeat other pages' summaries too (the saga's is on state-machine).
    quoting = [
        doc["location"] for doc in index["docs"] if "compensating step to undo" in doc["text"]
    ]
    assert quoting == [], f"a Related patterns list is indexed: {quoting}"
    related = [doc for doc in index["docs"] if doc["location"].endswith("#related-patterns")]
    assert related and all("<li>" not in doc["text"] for doc in related), related[:1]
