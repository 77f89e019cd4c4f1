"""Secured SPA backend: Cognito sign-in, a JWT-checking API, and CloudFront with WAF, headers and failover."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Secured SPA backend", direction="TB"):
        browser = node(
            "users",
            "Browser",
            role="Signs the user in, keeps the tokens and sends the access token "
            "with each API call.",
        )
        pool = node(
            "cognito",
            "User pool",
            role="Authenticates users and issues signed ID, access and refresh tokens (JWTs).",
        )
        with Cluster("Edge"):
            waf = node(
                "waf",
                "Web ACL",
                role="Blocks common exploits, bad bots and floods before CloudFront "
                "serves anything.",
            )
            cdn = node(
                "cloudfront",
                "Distribution",
                role="Serves the app, attaches a response headers policy with security "
                "headers, and fails over to a second bucket through an origin group.",
            )
            viewer_fn = node(
                "cloudfront-functions",
                "Viewer-request function",
                role="Rewrites deep links such as `/orders/42` to `/index.html` in "
                "under a millisecond, with no network access.",
            )
        with Cluster("Origin group"):
            primary = node(
                "s3",
                "Primary bucket",
                role="Primary origin for the app files, reachable only through OAC.",
            )
            secondary = node(
                "s3",
                "Replica bucket",
                role="Secondary origin in another Region that CloudFront uses when "
                "the primary returns a failover status code or times out.",
            )
        with Cluster("API Region"):
            api = node(
                "api-gateway",
                "Orders API",
                role="Rejects calls without a valid token using a Cognito, JWT or Lambda "
                "authorizer, then routes them.",
            )
            fn = node(
                "lambda",
                "Order functions",
                role="Run the business logic with the caller's identity from the token claims.",
            )
        step(
            1,
            browser,
            pool,
            "The user signs in to the user pool (for example with its managed "
            "login page) and the browser receives ID, access and refresh tokens.",
        )
        step(2, browser, cdn, "The browser requests the app; AWS WAF inspects the request first.")
        step(
            3,
            cdn,
            viewer_fn,
            "A CloudFront Function on viewer request rewrites the deep link to `/index.html`.",
        )
        step(
            4,
            cdn,
            primary,
            "On a cache miss CloudFront fetches the file from the primary bucket "
            "with OAC; the response headers policy adds HSTS, CSP and "
            "X-Frame-Options on the way out.",
        )
        step(5, browser, api, "The app calls the API with `Authorization: Bearer <access token>`.")
        step(
            6,
            api,
            fn,
            "The authorizer validates the JWT's signature, expiry, issuer and "
            "audience or scopes; only then is the function invoked.",
        )
        link(waf, cdn, "web ACL")
        link(cdn, secondary, "failover", asynchronous=True)
        link(api, pool, "trusts issuer", asynchronous=True)
