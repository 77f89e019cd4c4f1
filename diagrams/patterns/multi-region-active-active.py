"""Multi-Region active-active: Route 53 sends each client to the nearest healthy Region; a DynamoDB global table keeps both Regions' data in step."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Multi-Region active-active", direction="LR"):
        users = node("users", "Users", role="Call api.example.com from anywhere in the world.")
        dns = node(
            "route53",
            "Route 53",
            role="Answers each DNS query with the healthy Region of lowest latency for the "
            "caller; health checks probe each Region's /health route.",
        )
        with Cluster("Region A (for example us-east-1)"):
            api_a = node(
                "api-gateway",
                "Regional API A",
                role="A Regional HTTP API on the shared custom domain name.",
            )
            fn_a = node(
                "lambda",
                "Orders function A",
                role="Writes and reads orders in its own Region's replica only.",
            )
            table_a = node(
                "dynamodb",
                "Table replica A",
                role="One replica of the global table; takes reads and writes.",
            )
        with Cluster("Region B (for example eu-west-1)"):
            api_b = node(
                "api-gateway",
                "Regional API B",
                role="The same stack, deployed again in the second Region.",
            )
            fn_b = node(
                "lambda",
                "Orders function B",
                role="The same code, writing to Region B's replica.",
            )
            table_b = node(
                "dynamodb",
                "Table replica B",
                role="The other replica; also takes reads and writes.",
            )
        step(
            1,
            users,
            dns,
            "The client resolves `api.example.com`; Route 53 answers with the Region of lowest "
            "latency for it among those whose health check passes.",
        )
        step(2, users, api_a, "The client calls that Region's API directly over HTTPS.")
        step(3, api_a, fn_a, "The API invokes the orders function in the same Region.")
        step(4, fn_a, table_a, "The function writes the order to its local replica and answers.")
        step(
            5,
            table_a,
            table_b,
            "DynamoDB copies the write to the other replica in the background, usually within a "
            "second; if both Regions change one item meanwhile, the last writer wins.",
            asynchronous=True,
        )
        step(
            6,
            dns,
            api_b,
            "Health checks probe every Region; when Region A fails its check, Route 53 stops "
            "returning it and clients move to Region B as their DNS caches expire.",
            asynchronous=True,
        )
        link(api_b, fn_b, "same stack")
        link(fn_b, table_b, "local writes")
