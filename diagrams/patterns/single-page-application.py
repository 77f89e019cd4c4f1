"""Single-page application: static files from a private S3 bucket via CloudFront, API on its own domain."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Single-page application", direction="LR"):
        browser = node(
            "users",
            "Browser",
            role="Downloads the single-page app once, then calls the API from "
            "JavaScript on another origin.",
        )
        dns = node(
            "route53",
            "DNS",
            role="Answers for `app.example.com` (the distribution) and `api.example.com` "
            "(the API custom domain) with alias records.",
        )
        with Cluster("Front end: app.example.com"):
            cert = node(
                "certificate-manager",
                "Certificate (us-east-1)",
                role="Provides the TLS certificate for the distribution's custom domain; "
                "CloudFront only reads certificates from US East (N. Virginia).",
            )
            cdn = node(
                "cloudfront",
                "Distribution",
                role="Serves the app's HTML, JavaScript and CSS from edge caches and signs "
                "its requests to the bucket with origin access control.",
            )
            bucket = node(
                "s3",
                "Private app bucket",
                role="Holds the build output; Block Public Access is on and the bucket "
                "policy admits only this distribution.",
            )
        with Cluster("Back end: api.example.com"):
            api = node(
                "api-gateway",
                "Orders API",
                role="Answers CORS preflight requests, authorizes calls and routes them to "
                "functions.",
            )
            fn = node("lambda", "Order functions", role="Run the business logic for each route.")
            table = node("dynamodb", "Orders table", role="Stores the application's data.")
        step(
            1,
            browser,
            cdn,
            "The browser loads `https://app.example.com/`; Route 53 resolves "
            "the name to the distribution.",
        )
        step(
            2,
            cdn,
            bucket,
            "On a cache miss, CloudFront fetches `index.html` and the bundles "
            "from the private bucket, signing each request with OAC.",
        )
        step(
            3,
            browser,
            api,
            "The app calls `https://api.example.com/orders`. That is another "
            "origin, so the browser first sends an `OPTIONS` preflight for "
            "non-simple requests and checks the CORS headers in the answer.",
        )
        step(4, api, fn, "API Gateway invokes the function for the route.")
        step(
            5,
            fn,
            table,
            "The function reads or writes the table; the response carries "
            "`Access-Control-Allow-Origin: https://app.example.com`.",
        )
        link(browser, dns, "DNS lookups")
        link(cdn, cert, "certificate")
