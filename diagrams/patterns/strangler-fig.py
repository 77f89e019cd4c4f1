"""Strangler fig: an API Gateway facade sends migrated routes to new serverless services and the rest to the monolith."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Strangler fig"):
        client = node(
            "client",
            "Clients",
            role="Calls one stable hostname and never learns which system answers a route.",
        )
        with Cluster("Strangler facade (AWS account)"):
            facade = node(
                "api-gateway",
                "api.example.com",
                role="Owns the custom domain and sends each route either to a new "
                "service or, by default, to the monolith.",
            )
            metrics = node(
                "cloudwatch",
                "Per-route metrics",
                role="Compares latency and error rates of the old and new versions of "
                "each route while traffic moves.",
            )
        with Cluster("New serverless services"):
            service = node(
                "lambda",
                "Orders service",
                role="Implements the routes that have already been moved out of the monolith.",
            )
            table = node(
                "dynamodb", "Orders table", role="Holds the data the new service now owns."
            )
        with Cluster("Legacy (on premises or EC2)"):
            monolith = node(
                "legacy-app",
                "Monolith",
                role="Keeps serving every route that has not been migrated yet.",
            )
            legacy_db = node(
                "legacy-database",
                "Monolith database",
                role="Stays the system of record for the data the monolith still owns.",
            )
        step(
            1,
            client,
            facade,
            "The client calls `api.example.com`, a custom domain that the facade owns.",
        )
        step(
            2,
            facade,
            service,
            "A route that has been migrated, such as `/orders`, goes to the new Lambda function.",
        )
        step(3, service, table, "The new service reads and writes its own table.")
        step(
            4,
            facade,
            monolith,
            "Every other route falls through a catch-all `/{proxy+}` to the "
            "monolith, over an HTTP or private (VPC link) integration.",
        )
        step(
            5,
            monolith,
            legacy_db,
            "The monolith answers from its own database, exactly as before the facade existed.",
        )
        link(facade, metrics, "metrics", asynchronous=True)
        link(table, legacy_db, "sync while both run", asynchronous=True)
