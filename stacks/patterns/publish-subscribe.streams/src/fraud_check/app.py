"""Fraud check: flags purchases above a threshold, reading the stream through its own
enhanced fan-out consumer. Flags are printed as JSON log lines, which a metric filter or
log subscription can alert on."""

from __future__ import annotations

import base64
import json
from typing import Any

THRESHOLD = 1000.0


def handler(event: dict[str, Any], context: object) -> dict[str, list[str]]:
    flagged = []
    for record in event["Records"]:
        data = json.loads(base64.b64decode(record["kinesis"]["data"]))
        if data.get("type") == "purchase" and float(data.get("amount", 0)) > THRESHOLD:
            flagged.append(record["kinesis"]["sequenceNumber"])
            print(json.dumps({"fraudSuspected": data, "sequence": flagged[-1]}))
    return {"flagged": flagged}
