"""Regional API Gateway: your own CloudFront distribution and AWS WAF in front of Regional APIs."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Regional API Gateway behind your own CloudFront", direction="LR"):
        client = node(
            "client",
            "Clients worldwide",
            role="Call `api.example.com`; each connects to a nearby edge location.",
        )
        with Cluster("Edge: configured by you"):
            waf = node(
                "waf",
                "Web ACL",
                role="Applies managed rules and rate limits to every request before it "
                "reaches any API.",
            )
            cdn = node(
                "cloudfront",
                "Your distribution",
                role="Routes by path to several Regional APIs, applies your cache "
                "policies and adds a secret header to each origin request.",
            )
        with Cluster("One Region"):
            orders_api = node(
                "api-gateway",
                "Orders API (Regional)",
                role="A Regional REST API that accepts only requests carrying "
                "the distribution's secret header.",
            )
            catalog_api = node(
                "api-gateway",
                "Catalog API (Regional)",
                role="A second Regional API behind the same distribution, on "
                "the `/catalog/*` path.",
            )
            fn = node(
                "lambda", "Order functions", role="Run the business logic for the Orders routes."
            )
            table = node("dynamodb", "Orders table", role="Stores orders.")
        step(
            1,
            client,
            cdn,
            "The client calls `GET https://api.example.com/orders/42`; the "
            "request lands on the nearest edge location.",
        )
        step(
            2,
            cdn,
            orders_api,
            "AWS WAF lets the request through; the `/orders/*` behaviour "
            "forwards it to the Regional endpoint with the secret origin "
            "header added.",
        )
        step(
            3,
            orders_api,
            fn,
            "API Gateway checks the header and the caller's token, then invokes the function.",
        )
        step(
            4,
            fn,
            table,
            "The function reads the order; the response goes back through "
            "CloudFront, which may cache it if the behaviour allows.",
        )
        link(waf, cdn, "inspects")
        link(cdn, catalog_api, "/catalog/*")
