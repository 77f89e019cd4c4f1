"""Click aggregator: counts the clicks per page in one batch from a Kinesis shard.

The counts are printed in CloudWatch's embedded metric format, so they become metrics
without an API call. Raising fails the whole batch: the mapping splits it and retries.
"""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from typing import Any


def count_clicks(records: list[dict[str, Any]]) -> Counter[str]:
    pages: Counter[str] = Counter()
    for record in records:
        click = json.loads(base64.b64decode(record["kinesis"]["data"]))
        pages[str(click["page"])] += 1
    return pages


def handler(event: dict[str, Any], context: object) -> dict[str, int]:
    pages = count_clicks(event["Records"])
    for page, clicks in sorted(pages.items()):
        print(
            json.dumps(
                {
                    "_aws": {
                        "Timestamp": int(time.time() * 1000),
                        "CloudWatchMetrics": [
                            {
                                "Namespace": "PollBased",
                                "Dimensions": [["Page"]],
                                "Metrics": [{"Name": "Clicks", "Unit": "Count"}],
                            }
                        ],
                    },
                    "Page": page,
                    "Clicks": clicks,
                }
            )
        )
    return dict(pages)
