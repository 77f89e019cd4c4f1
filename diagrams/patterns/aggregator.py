"""Aggregator: one API call fans out to several services and a third-party API in parallel, and fans the answers back in."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Aggregator"):
        app = node(
            "mobile",
            "Mobile app",
            role="Needs data from several services for one screen and makes a single call "
            "to get it.",
        )
        carrier = node(
            "third-party-api",
            "Carrier rates API",
            role="Returns a delivery estimate from a partner you do not control, so it "
            "gets the tightest timeout.",
        )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Product page API",
                role="Authorizes the request and waits for the aggregator's single answer.",
            )
            aggregator = node(
                "lambda",
                "Aggregator function",
                role="Calls every backend concurrently, applies a timeout per call and "
                "merges what comes back into one response.",
            )
            stock = node(
                "lambda", "Inventory service", role="Returns how many units are available."
            )
            pricing = node(
                "fargate",
                "Pricing service",
                role="Returns the current price for the customer's market.",
            )
            catalog = node(
                "lambda",
                "Catalog service",
                role="Returns the product's name, description and images.",
            )
            traces = node(
                "x-ray",
                "Traces",
                role="Shows each downstream call as a segment, so the slowest one is easy to spot.",
            )
        step(1, app, api, "The app sends one request: `GET /product-page/42`.")
        step(2, api, aggregator, "API Gateway invokes the aggregator synchronously and waits.")
        step(
            3,
            aggregator,
            catalog,
            "The aggregator starts all downstream calls at once. The "
            "catalog service returns the product details.",
        )
        step(4, aggregator, pricing, "At the same time the pricing service returns the price.")
        step(
            5, aggregator, stock, "At the same time the inventory service returns the stock level."
        )
        step(
            6,
            aggregator,
            carrier,
            "At the same time the carrier's API is asked for a delivery "
            "estimate; if it misses its deadline, the estimate is left out.",
        )
        step(
            7,
            aggregator,
            api,
            "The aggregator merges the answers, flags any part that is "
            "missing, and returns one response for API Gateway to pass on.",
        )
        link(aggregator, traces, "traces", asynchronous=True)
