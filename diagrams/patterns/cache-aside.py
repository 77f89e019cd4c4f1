"""Caching: CloudFront at the edge, then a read function that tries Valkey before DynamoDB."""

from sitekit.draw import Cluster, Diagram, node, step


def draw():
    with Diagram("Caching", direction="LR"):
        shoppers = node("users", "Shoppers", role="Read the same product pages over and over.")
        with Cluster("Edge"):
            edge = node(
                "cloudfront",
                "Edge cache",
                role="Answers repeated GETs from an edge location for as long as the "
                "origin's max-age allows, without calling the Region.",
            )
        with Cluster("AWS account, one Region"):
            api = node(
                "api-gateway",
                "Products API",
                role="Regional REST API that CloudFront calls on a miss; its stage throttle "
                "caps what reaches the function.",
            )
            reader = node(
                "lambda",
                "Read function",
                role="Looks in the cache first and reads the table only on a miss, "
                "then stores the item with a TTL (cache-aside).",
            )
            cache = node(
                "elasticache",
                "Valkey cache",
                role="ElastiCache Serverless for Valkey: the shared in-memory copy of hot "
                "items, reached over TLS with an IAM token.",
            )
            table = node(
                "dynamodb",
                "Products table",
                role="The source of truth; its stream reports every changed key.",
            )
            invalidator = node(
                "lambda",
                "Invalidate function",
                role="Reads changed keys from the table's stream, deletes them from the "
                "cache and invalidates their CloudFront paths.",
            )
        step(
            1,
            shoppers,
            edge,
            "A shopper asks for `GET /products/42`; if an edge location holds a fresh copy, "
            "it answers and nothing else runs.",
        )
        step(2, edge, api, "On a miss, CloudFront forwards the request to the Regional API.")
        step(3, api, reader, "API Gateway invokes the read function.")
        step(
            4,
            reader,
            cache,
            "The function asks Valkey for `product:42`; a hit goes straight back with "
            "`Cache-Control: max-age=60`, which CloudFront honours.",
        )
        step(
            5,
            reader,
            table,
            "On a miss it reads the item from DynamoDB and writes it to Valkey with "
            "`SET ... EX 300`, so the next reader finds it.",
        )
        step(
            6,
            table,
            invalidator,
            "When an editor changes a product, DynamoDB Streams hands its key to the "
            "invalidate function.",
            asynchronous=True,
        )
        step(
            7,
            invalidator,
            cache,
            "The function deletes `product:42` from Valkey: the next read misses and "
            "fetches the new item.",
            constraint=False,
        )
        step(
            8,
            invalidator,
            edge,
            "It also invalidates `/products/42` in CloudFront, so the edges stop serving "
            "the old page before their TTL runs out.",
            constraint=False,
        )
