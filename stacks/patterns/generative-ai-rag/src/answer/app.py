"""Answers a question from a Bedrock knowledge base (RetrieveAndGenerate) through a guardrail."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

bedrock = boto3.client("bedrock-agent-runtime")
MAX_QUESTION = 1000  # characters: long prompts cost input tokens and invite prompt attacks


def _answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = json.loads(event.get("body") or "{}")
    question = str(request.get("question", "")).strip()
    if not question or len(question) > MAX_QUESTION:
        return _answer(400, {"error": f"send a question of 1 to {MAX_QUESTION} characters"})
    arguments: dict[str, Any] = {
        "input": {"text": question},
        "retrieveAndGenerateConfiguration": {
            "type": "KNOWLEDGE_BASE",
            "knowledgeBaseConfiguration": {
                "knowledgeBaseId": os.environ["KNOWLEDGE_BASE_ID"],
                "modelArn": os.environ["MODEL_ARN"],
                "retrievalConfiguration": {"vectorSearchConfiguration": {"numberOfResults": 5}},
                "generationConfiguration": {
                    "guardrailConfiguration": {
                        "guardrailId": os.environ["GUARDRAIL_ID"],
                        "guardrailVersion": os.environ["GUARDRAIL_VERSION"],
                    },
                    "inferenceConfig": {
                        "textInferenceConfig": {"maxTokens": int(os.environ["MAX_ANSWER_TOKENS"])}
                    },
                },
            },
        },
    }
    if request.get("sessionId"):  # a follow-up question: Bedrock keeps the conversation
        arguments["sessionId"] = request["sessionId"]
    result = bedrock.retrieve_and_generate(**arguments)
    sources = sorted(
        {
            ref["location"]["s3Location"]["uri"]
            for citation in result.get("citations", [])
            for ref in citation.get("retrievedReferences", [])
            if "s3Location" in ref.get("location", {})
        }
    )
    return _answer(
        200,
        {
            "answer": result["output"]["text"],
            "sources": sources,
            "sessionId": result["sessionId"],
            "blocked": result.get("guardrailAction") == "INTERVENED",
        },
    )
