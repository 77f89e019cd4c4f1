"""Origin check: the API's Lambda authorizer (REQUEST type).

Allows a request only when it carries CloudFront's secret X-Origin-Verify header, so nobody
can skip the distribution (and its web ACL) by calling the Regional endpoint directly, and an
access token that Amazon Cognito accepts (GetUser fails for a forged, expired or revoked one).
"""

from __future__ import annotations

import hmac
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

COGNITO = boto3.client("cognito-idp")
ORIGIN_SECRET = os.environ["ORIGIN_SECRET"]


def _policy(principal: str, effect: str, resource: str) -> dict[str, Any]:
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
    }


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    resource = event["methodArn"]
    if not hmac.compare_digest(headers.get("x-origin-verify", ""), ORIGIN_SECRET):
        return _policy("anonymous", "Deny", resource)
    token = headers.get("authorization", "").removeprefix("Bearer ").strip()
    try:
        user = COGNITO.get_user(AccessToken=token)
    except ClientError:
        return _policy("anonymous", "Deny", resource)
    return _policy(user["Username"], "Allow", resource)
