"""Retrieval-augmented generation: a function asks Amazon Bedrock to answer from a knowledge base over S3 documents, behind a guardrail."""

from sitekit.draw import Cluster, Diagram, link, node, step


def draw():
    with Diagram("Retrieval-augmented generation", direction="LR"):
        user = node(
            "client", "Chat client", role="Sends a question and shows the answer with its sources."
        )
        with Cluster("AWS account, one Region"):
            answer = node(
                "lambda",
                "Answer function",
                role="Behind a function URL: checks the question, calls RetrieveAndGenerate and "
                "returns the answer with citations.",
            )
            with Cluster("Amazon Bedrock"):
                guardrail = node(
                    "bedrock",
                    "Guardrail",
                    role="Screens the question and the answer for denied topics, harmful "
                    "content and personal data.",
                )
                kb = node(
                    "bedrock",
                    "Knowledge base",
                    role="Embeds the question, finds the closest chunks of your documents and "
                    "hands them to the model.",
                )
                model = node(
                    "bedrock",
                    "Foundation model",
                    role="Writes the answer from the question and the retrieved chunks only.",
                )
            vectors = node(
                "s3",
                "Vector store",
                role="Holds one embedding per chunk of each document (S3 Vectors here; "
                "OpenSearch Serverless and others also work).",
            )
            docs = node(
                "s3",
                "Documents bucket",
                role="The source documents: PDFs, HTML, text; a sync re-reads them.",
            )
        step(1, user, answer, "The client posts a question to the function URL, signed with SigV4.")
        step(
            2,
            answer,
            kb,
            "The function calls `RetrieveAndGenerate` with the knowledge base ID, the model and "
            "the guardrail.",
        )
        step(
            3, kb, vectors, "The knowledge base embeds the question and fetches the nearest chunks."
        )
        step(
            4,
            kb,
            model,
            "The model writes an answer grounded in those chunks; the guardrail checks the "
            "question before and the answer after.",
        )
        step(5, answer, user, "The function returns the answer and the S3 sources it cites.")
        link(kb, guardrail, "applies")
        link(docs, kb, "ingestion job: chunk, embed", asynchronous=True)
