"""Order functions: answer GET /orders for the user whose token the API's JWT authorizer
verified (signature, expiry, issuer and audience) before this code ran.

The user and the scopes come from the verified claims only, never from the request.
Storage is left out (see the backend API pattern): this page is about who may call.
"""

from __future__ import annotations

import json
from typing import Any


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    scopes = str(claims.get("scope", "")).split()
    body = {"user": claims["sub"], "scopes": scopes, "orders": []}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body),
    }
