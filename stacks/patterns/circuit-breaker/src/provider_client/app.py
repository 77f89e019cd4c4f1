"""Provider client: posts the charge to the payment provider with a short timeout.

Any failure raises, so the workflow's Retry and then its Catch (which opens the circuit)
take over.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

PROVIDER_URL = os.environ["PROVIDER_URL"]
TIMEOUT_SECONDS = 3


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    request = urllib.request.Request(
        PROVIDER_URL,
        data=json.dumps(event["charge"]).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        return {"status": "CHARGED", "provider": json.loads(response.read() or b"{}")}
