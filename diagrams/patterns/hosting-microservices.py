"""Hosting microservices: each team runs its own API, functions and table in its own AWS account."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Hosting microservices", direction="LR"):
        client = node(
            "client",
            "Web or mobile client",
            role="Calls each service on its own subdomain over HTTPS.",
        )
        with Cluster("AWS Organizations"):
            with Cluster("Management account"):
                node(
                    "organizations",
                    "Organization",
                    role="Creates one account per team and applies the same guardrail "
                    "policies and consolidated billing to all of them.",
                )
            with Cluster("Shared DNS account"):
                dns = node(
                    "route53",
                    "example.com zone",
                    role="Holds the public zone and points each service subdomain at the "
                    "API Gateway custom domain in the owning team's account.",
                )
            with Cluster("Catalog team account"):
                catalog_api = node(
                    "api-gateway",
                    "catalog.example.com",
                    role="Serves the Catalog API on its own custom domain with an "
                    "ACM certificate, under this account's own throttle quota.",
                )
                catalog_fn = node(
                    "lambda",
                    "Catalog functions",
                    role="Run the Catalog team's business logic against this "
                    "account's own concurrency quota.",
                )
                catalog_db = node(
                    "dynamodb",
                    "Catalog table",
                    role="Stores products; only the Catalog team's functions can reach it.",
                )
            with Cluster("Orders team account"):
                orders_api = node(
                    "api-gateway",
                    "orders.example.com",
                    role="Serves the Orders API on its own custom domain with an ACM "
                    "certificate, under this account's own throttle quota.",
                )
                orders_fn = node(
                    "lambda",
                    "Order functions",
                    role="Run the Orders team's business logic against this "
                    "account's own concurrency quota.",
                )
                orders_db = node(
                    "dynamodb",
                    "Orders table",
                    role="Stores orders; only the Orders team's functions can reach it.",
                )
        step(
            1,
            client,
            dns,
            "The client looks up `orders.example.com`; Route 53 returns the "
            "endpoint of the custom domain that lives in the Orders account.",
        )
        step(
            2,
            client,
            orders_api,
            "The client sends `POST /orders` to `orders.example.com`; TLS "
            "ends at API Gateway with the team's ACM certificate.",
        )
        step(
            3,
            orders_api,
            orders_fn,
            "API Gateway authorizes and throttles the call, then invokes "
            "the Orders team's function.",
        )
        step(
            4,
            orders_fn,
            orders_db,
            "The function writes the order to the team's own table and returns the result.",
        )
        link(client, catalog_api)
        link(catalog_api, catalog_fn)
        link(catalog_fn, catalog_db)
