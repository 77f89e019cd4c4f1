"""Proxied front and back ends: one CloudFront distribution serves the SPA and the API on one origin."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Proxied front and back ends", direction="LR"):
        browser = node(
            "users",
            "Browser",
            role="Loads the app and calls the API on the same origin, so it sends "
            "no CORS preflight.",
        )
        dns = node(
            "route53", "example.com", role="Points the one domain name at the one distribution."
        )
        with Cluster("One distribution: https://example.com"):
            cdn = node(
                "cloudfront",
                "Distribution",
                role="Sends `/api/*` to API Gateway without caching and everything else "
                "to the bucket with caching.",
            )
        with Cluster("Origins"):
            bucket = node(
                "s3",
                "Private app bucket",
                role="Default behaviour origin; reachable only through the "
                "distribution's origin access control.",
            )
            api = node(
                "api-gateway",
                "Regional API",
                role="Origin of the `/api/*` behaviour; its routes start with `/api`.",
            )
            fn = node(
                "lambda", "Order functions", role="Run the business logic behind each API route."
            )
            table = node("dynamodb", "Orders table", role="Stores the application's data.")
        step(
            1,
            browser,
            cdn,
            "The browser requests `https://example.com/`; the default (`*`) behaviour matches.",
        )
        step(
            2,
            cdn,
            bucket,
            "On a cache miss CloudFront fetches the app from the bucket, signed "
            "with OAC, and caches it.",
        )
        step(
            3,
            browser,
            cdn,
            "The app calls `fetch('/api/orders', ...)` with a JSON body and an "
            "`Authorization` header; same scheme, host and port, so no preflight.",
        )
        step(
            4,
            cdn,
            api,
            "The `/api/*` behaviour forwards the request uncached (`CachingDisabled`) "
            "with all viewer headers except `Host` (`AllViewerExceptHostHeader`).",
        )
        step(5, api, fn, "API Gateway invokes the function for `POST /api/orders`.")
        step(
            6, fn, table, "The function writes the order and the answer returns through CloudFront."
        )
        link(browser, dns, "DNS lookup")
