"""Worker function: replace with the step this function does in the pattern.

Read resource names from environment variables, keep it short and typed, and make it
idempotent where the pattern delivers at least once.
"""

from __future__ import annotations

import json
from typing import Any


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    request = json.loads(event.get("body") or "{}")
    return {"statusCode": 200, "body": json.dumps({"received": request})}
