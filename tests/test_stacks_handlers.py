"""Each stack's functions do the step their diagram describes, run against the resources of
the stack deployed in moto (tests/stack_world.py), mostly with the stack's own sample events.

moto's Lambda cannot run code without Docker, so a handler is imported and called here with
the environment its emulated deployment resolved; everything it touches (tables, queues,
buckets, buses, topics) is the emulated stack's.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import re
import threading
import time

import boto3
import pytest

pytest.register_assert_rewrite("stack_world")
from stack_world import load_handler, stack_paths  # noqa: E402
from workflow_runner import WorkflowFailed  # noqa: E402
from workflow_runner import run as run_workflow  # noqa: E402

from sitekit.stacks.template import load  # noqa: E402

# One pytest-xdist worker runs this module: lints, expands and deploys every stack once (session fixtures).
pytestmark = pytest.mark.xdist_group("stacks")

pytest_plugins = ["stack_world"]


class Stack:
    """One deployed stack: its physical IDs, sample events and handlers."""

    def __init__(self, deployments, stack_id: str):
        self.id = stack_id
        self.deployment = deployments(stack_id)
        assert self.deployment.status == "CREATE_COMPLETE"

    def __getitem__(self, logical_id: str) -> str:
        return self.deployment.physical[logical_id]

    def event(self, name: str, **replace: str) -> dict:
        text = (stack_paths(self.id).folder / "events" / name).read_text(encoding="utf-8")
        for old, new in replace.items():
            text = text.replace(old, new)
        return json.loads(text)

    def call(self, function: str, event: dict, **env: str):
        return load_handler(self.id, function, self.deployment, **env).handler(event, None)

    def table(self, logical_id: str):
        return boto3.resource("dynamodb").Table(self[logical_id])

    def bucket(self, logical_id: str) -> str:
        return self[logical_id]


@pytest.fixture
def stack(deployments):
    return lambda stack_id: Stack(deployments, stack_id)


def jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(data)).size


def reroute_to_queues(bus: str) -> dict[str, str]:
    """Point each of the bus's rules at a queue instead of its Lambda target (moto cannot
    invoke functions), so a test sees which events the stack's own rules deliver where.
    Returns rule name -> queue URL."""
    sqs, events = boto3.client("sqs"), boto3.client("events")
    queues = {}
    for rule in events.list_rules(EventBusName=bus)["Rules"]:
        name = rule["Name"]
        targets = events.list_targets_by_rule(Rule=name, EventBusName=bus)["Targets"]
        events.remove_targets(Rule=name, EventBusName=bus, Ids=[t["Id"] for t in targets])
        url = sqs.create_queue(QueueName=f"to-{name}"[:80])["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        events.put_targets(
            Rule=name,
            EventBusName=bus,
            Targets=[{"Id": "queue", "Arn": arn["Attributes"]["QueueArn"]}],
        )
        queues[name] = url
    return queues


def received(url: str) -> list[dict]:
    messages = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


class _Server(http.server.BaseHTTPRequestHandler):
    status = 200
    delay = 0.0
    body = b"{}"

    def _answer(self):
        time.sleep(self.delay)
        try:
            self.send_response(self.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(self.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller stopped waiting: that is what the test wanted

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def local_server(status: int = 200, body: dict | None = None, delay: float = 0.0) -> str:
    """A loopback HTTP server standing in for a service outside the stack; returns its URL."""
    handler = type(
        "Handler",
        (_Server,),
        {"status": status, "delay": delay, "body": json.dumps(body or {}).encode()},
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


# --- APIs in front of a function and a table -------------------------------------------------


def test_backend_api_writes_the_order(stack):
    s = stack("patterns/backend-api")
    answer = s.call("OrderFunction", s.event("create-order.json"))
    assert answer["statusCode"] == 201
    item = s.table("OrdersTable").get_item(Key={"orderId": "order-42"})["Item"]
    assert item["item"] == "espresso beans" and item["quantity"] == 2
    bad = s.call("OrderFunction", {"body": '{"item": "beans"}'})
    assert bad["statusCode"] == 400


def test_synchronous_reads_the_order(stack):
    s = stack("lambda/synchronous")
    s.table("OrdersTable").put_item(Item={"orderId": "order-42", "status": "SHIPPED"})
    answer = s.call("OrderFunction", s.event("get-order.json"))
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["status"] == "SHIPPED"
    missing = s.call("OrderFunction", s.event("get-order.json", **{"order-42": "order-0"}))
    assert missing["statusCode"] == 404


def test_hosting_microservices_service_creates_and_reads(stack):
    s = stack("patterns/hosting-microservices")
    assert s.call("ServiceFunction", s.event("create-order.json"))["statusCode"] == 201
    read = s.call("ServiceFunction", {"httpMethod": "GET", "pathParameters": {"id": "order-42"}})
    assert json.loads(read["body"])["service"] == "orders"


def test_strangler_fig_orders_service_owns_its_table(stack):
    s = stack("patterns/strangler-fig")
    assert s.call("OrdersFunction", s.event("create-order.json"))["statusCode"] == 201
    read = s.call(
        "OrdersFunction",
        {"requestContext": {"http": {"method": "GET"}}, "pathParameters": {"orderId": "order-42"}},
    )
    assert json.loads(read["body"])["status"] == "PLACED"


@pytest.mark.parametrize(
    "stack_id", ["patterns/single-page-application", "patterns/proxied-front-and-back-ends"]
)
def test_orders_are_scoped_to_the_verified_user(stack, stack_id):
    s = stack(stack_id)
    assert s.call("OrderFunction", s.event("create-order.json"))["statusCode"] == 201
    mine = json.loads(s.call("OrderFunction", s.event("list-orders.json"))["body"])["orders"]
    assert [o["orderId"] for o in mine] == ["order-42"]
    theirs = s.event("list-orders.json", **{"user-7f3a": "someone-else"})
    assert json.loads(s.call("OrderFunction", theirs)["body"])["orders"] == []


def test_secured_spa_answers_for_the_token_user(stack):
    s = stack("patterns/secured-spa-backend")
    body = json.loads(s.call("OrderFunction", s.event("list-orders.json"))["body"])
    assert body["user"] == "user-7f3a" and body["scopes"] == ["openid", "email"]


def test_regional_api_authorizer_checks_origin_header_and_token(stack):
    s = stack("patterns/regional-api-gateway")
    cognito = boto3.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName="callers")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="ana", TemporaryPassword="Temp-pass-123!")
    cognito.admin_set_user_password(
        UserPoolId=pool, Username="ana", Password="A-good-pass-123!", Permanent=True
    )
    token = cognito.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client,
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters={"USERNAME": "ana", "PASSWORD": "A-good-pass-123!"},
    )["AuthenticationResult"]["AccessToken"]
    secret = s.deployment.environments["OriginCheckFunction"]["ORIGIN_SECRET"]

    def effect(origin: str, bearer: str) -> str:
        event = s.event(
            "authorizer-request.json",
            **{"REPLACE-WITH-YOUR-ORIGIN-SECRET": origin, "REPLACE-WITH-AN-ACCESS-TOKEN": bearer},
        )
        return s.call("OriginCheckFunction", event)["policyDocument"]["Statement"][0]["Effect"]

    assert effect(secret, token) == "Allow"
    assert effect("guessed", token) == "Deny"  # straight to the Regional endpoint
    assert effect(secret, "forged-token") == "Deny"
    s.table("OrdersTable").put_item(Item={"orderId": "order-42", "status": "PLACED"})
    assert s.call("OrderFunction", s.event("get-order.json"))["statusCode"] == 200


# --- Events, queues and streams ----------------------------------------------------------------


def test_event_driven_writes_a_resized_image(stack):
    s = stack("patterns/event-driven")
    s3 = boto3.client("s3")
    key = "incoming/cam-42/1700000000.jpg"
    s3.put_object(Bucket=s.bucket("InputBucket"), Key=key, Body=jpeg(1600, 1200))
    s.call("ImageProcessor", s.event("object-created.json", INPUT_BUCKET=s.bucket("InputBucket")))
    out = s3.get_object(Bucket=s.bucket("OutputBucket"), Key="resized/cam-42/1700000000.jpg")
    assert image_size(out["Body"].read()) == (512, 384)


def test_asynchronous_thumbnail_from_s3_and_from_eventbridge(stack):
    s = stack("lambda/asynchronous")
    s3 = boto3.client("s3")
    uploads = s.bucket("UploadsBucket")
    s3.put_object(Bucket=uploads, Key="photos/beach.jpg", Body=jpeg(800, 400))
    for sample in ("object-created.json", "thumbnail-requested.json"):
        answer = s.call("ThumbnailFunction", s.event(sample, UPLOADS_BUCKET=uploads))
        assert answer == {"thumbnails": ["thumbnails/photos/beach.jpg"]}
    thumb = s3.get_object(Bucket=s.bucket("ThumbnailsBucket"), Key="thumbnails/photos/beach.jpg")
    assert image_size(thumb["Body"].read()) == (128, 64)


def test_storage_first_worker_is_idempotent_and_reports_failures(stack):
    s = stack("patterns/storage-first")
    batch = s.event("sqs-batch.json")
    first = s.call("WorkerFunction", batch)
    assert first == {"batchItemFailures": [{"itemIdentifier": batch["Records"][1]["messageId"]}]}
    again = s.call("WorkerFunction", batch)  # SQS may deliver the same message twice
    assert again == first
    items = s.table("ResultsTable").scan()["Items"]
    assert [i["requestId"] for i in items] == [batch["Records"][0]["messageId"]]


def test_poll_based_functions(stack):
    s = stack("lambda/poll-based")
    assert s.call("ClickAggregator", s.event("kinesis-batch.json")) == {"/home": 2, "/cart": 1}
    assert s.call("OrderProcessor", s.event("sqs-batch.json")) == {
        "batchItemFailures": [{"itemIdentifier": "m-2"}]
    }


def test_publish_subscribe_workers_write_renditions(stack):
    s = stack("patterns/publish-subscribe")
    s3 = boto3.client("s3")
    uploads = s.bucket("UploadsBucket")
    s3.put_object(Bucket=uploads, Key="video.mp4", Body=b"\x00" * 2048)
    message = s.event("sqs-upload.json", UPLOADS_BUCKET=uploads)
    for function, kind in (
        ("ResizeFunction", "resize"),
        ("ThumbnailFunction", "thumbnail"),
        ("TranscodeFunction", "transcode"),
    ):
        assert s.call(function, message) == {"batchItemFailures": []}
        written = s3.get_object(Bucket=s.bucket("RenditionsBucket"), Key=f"{kind}/video.mp4.json")
        result = json.loads(written["Body"].read())
        assert result["bytes"] == 2048 and kind in result
    missing = s.event("sqs-upload.json", UPLOADS_BUCKET=uploads, **{"video.mp4": "gone.mp4"})
    assert s.call("ResizeFunction", missing)["batchItemFailures"]


def test_stream_consumers(stack):
    s = stack("patterns/publish-subscribe.streams")
    batch = s.event("kinesis-batch.json")
    assert s.call("AggregatorFunction", batch) == {"applied": 3}
    assert s.call("AggregatorFunction", batch) == {"applied": 0}  # a retried batch counts once
    counters = s.table("CountersTable")
    assert counters.get_item(Key={"user": "user-1"})["Item"]["events"] == 2
    assert s.call("FraudCheckFunction", batch) == {"flagged": ["101"]}
    archived = s.call("ArchiverFunction", batch)["object"]
    body = boto3.client("s3").get_object(Bucket=s.bucket("RawEventsBucket"), Key=archived)
    assert len(body["Body"].read().decode().splitlines()) == 3


def test_real_time_alert_reaches_the_on_call_topic(stack):
    s = stack("patterns/real-time-analytics")
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    url = sqs.create_queue(QueueName="pager")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=s["OnCallTopic"], Protocol="sqs", Endpoint=arn)
    assert s.call("AlertFunction", s.event("anomalies-batch.json")) == {"alerts": 1}
    alert = json.loads(received(url)[0]["Message"])
    assert alert["alertKey"] == "sensor-7@2026-11-30T10:00:00Z"


def test_saga_choreography_compensates_when_sold_out(stack):
    s = stack("patterns/saga.choreography")
    queues = reroute_to_queues(s["OrdersBus"])
    rule = {
        logical: next(q for name, q in queues.items() if logical in name)
        for logical in (
            "OrderCreatedRule",
            "PaymentCompletedRule",
            "RefundOnInventoryFailedRule",
            "CancelOnInventoryFailedRule",
        )
    }
    s.table("StockTable").put_item(Item={"sku": "beans-1kg", "available": 1})
    assert s.call("OrderService", s.event("checkout-request.json"))["statusCode"] == 202
    [order_created] = received(rule["OrderCreatedRule"])  # the rule that feeds payments
    assert order_created["detail"]["orderId"] == "order-42"
    assert s.call("PaymentService", order_created)["status"] == "CHARGED"
    [payment_completed] = received(rule["PaymentCompletedRule"])
    assert s.call("InventoryService", payment_completed)["status"] == "SOLD_OUT"
    [to_payments] = received(rule["RefundOnInventoryFailedRule"])
    [to_orders] = received(rule["CancelOnInventoryFailedRule"])
    assert s.call("PaymentService", to_payments)["status"] == "REFUNDED"
    assert s.call("OrderService", to_orders)["status"] == "CANCELLED"
    orders, payments = s.table("OrdersTable"), s.table("PaymentsTable")
    assert orders.get_item(Key={"orderId": "order-42"})["Item"]["status"] == "CANCELLED"
    assert payments.get_item(Key={"orderId": "order-42"})["Item"]["status"] == "REFUNDED"


# --- Workflows ---------------------------------------------------------------------------------


def test_saga_orchestration_services_and_compensations(stack):
    s = stack("patterns/saga.orchestration")
    order = s.event("checkout.json")
    s.table("StockTable").put_item(Item={"sku": "beans-1kg", "available": 3})
    assert s.call("OrderService", {"action": "create", "order": order})["status"] == "PENDING"
    assert s.call("PaymentService", {"action": "charge", "order": order})["status"] == "CHARGED"
    assert s.call("InventoryService", {"action": "reserve", "order": order})["status"] == (
        "RESERVED"
    )
    s.call("InventoryService", {"action": "reserve", "order": order})  # a retried Task
    stock = s.table("StockTable").get_item(Key={"sku": "beans-1kg"})["Item"]
    assert stock["available"] == 1  # taken once, not twice
    big = {**order, "orderId": "order-43", "quantity": 5}
    handler = load_handler(s.id, "InventoryService", s.deployment)
    with pytest.raises(handler.SoldOut):
        handler.handler({"action": "reserve", "order": big}, None)
    s.call("PaymentService", {"action": "charge", "order": big})
    s.call("OrderService", {"action": "create", "order": big})
    assert s.call("PaymentService", {"action": "refund", "order": big})["status"] == "REFUNDED"
    assert s.call("OrderService", {"action": "cancel", "order": big})["status"] == "CANCELLED"


def test_state_machine_tasks(stack):
    s = stack("patterns/state-machine")
    order = s.event("order.json")
    assert s.call("ValidateFunction", order)["valid"] is True
    assert s.call("ValidateFunction", {**order, "items": []})["valid"] is False
    charged = s.call("ChargeFunction", order)
    assert charged == s.call("ChargeFunction", order)  # a retried Task charges once
    assert charged["amount"] == 37.0
    handler = load_handler(s.id, "ChargeFunction", s.deployment)
    with pytest.raises(handler.PaymentDeclined):
        handler.handler(s.event("declined-order.json"), None)


def test_circuit_breaker_caller_and_provider_client(stack):
    s = stack("patterns/circuit-breaker")
    started = s.call("CallerFunction", s.event("charge.json"))
    execution = boto3.client("stepfunctions").describe_execution(
        executionArn=started["executionArn"]
    )
    assert json.loads(execution["input"])["serviceName"] == "payments"
    working = local_server(200, {"chargeId": "ch_1"})
    answer = s.call("ProviderClientFunction", s.event("charge.json"), PROVIDER_URL=working)
    assert answer == {"status": "CHARGED", "provider": {"chargeId": "ch_1"}}
    with pytest.raises(OSError):  # the workflow's Retry, then its Catch, opens the circuit
        s.call("ProviderClientFunction", s.event("charge.json"), PROVIDER_URL=local_server(503))


def test_map_reduce_counts_words(stack):
    s = stack("patterns/map-reduce")
    s3 = boto3.client("s3")
    sample = (stack_paths(s.id).folder / "events" / "sample-input.txt").read_bytes()
    s3.put_object(Bucket=s.bucket("InputBucket"), Key="input/a.txt", Body=sample)
    s3.put_object(Bucket=s.bucket("InputBucket"), Key="input/b.txt", Body=b"the end")
    partials = [
        s.call(
            "MapperFunction",
            s.event(
                "map-batch.json",
                INPUT_BUCKET=s.bucket("InputBucket"),
                **{"input/sample-input.txt": key},
            ),
        )
        for key in ("input/a.txt", "input/b.txt")
    ]
    answer = s.call("ReducerFunction", {"partials": partials, "run": "test-run"})
    body = s3.get_object(Bucket=s.bucket("OutputBucket"), Key=answer["output"])["Body"].read()
    counts = json.loads(body)
    assert counts["the"] == 4 and counts["dog"] == 2 and counts["end"] == 1


def test_aggregator_merges_what_answers_in_time(stack):
    s = stack("patterns/aggregator")
    assert s.call("CatalogFunction", {"productId": "42"})["name"] == "Espresso beans, 1 kg"
    assert s.call("InventoryFunction", {"productId": "42"}) == {"available": 17, "inStock": True}
    pricing = local_server(200, {"price": 18.5})
    carrier = local_server(200, {"days": 2}, delay=3.0)  # misses the 2-second deadline
    # moto's Lambda cannot run the catalog and inventory functions (no Docker): their
    # invocations fail, and the aggregator must report them missing rather than fail.
    page = s.call(
        "AggregatorFunction",
        s.event("product-page.json"),
        PRICING_URL=pricing,
        CARRIER_URL=carrier,
    )
    body = json.loads(page["body"])
    assert body["price"] == {"price": 18.5}
    assert set(body["missing"]) == {"catalog", "inventory", "delivery"}
    assert page["statusCode"] == 404  # no product details, no page


# --- Whole workflows, walked from the template's own definition --------------------------------


def _workflow(s: Stack, logical_id: str, data: dict):
    definition = load(stack_paths(s.id)).resources[logical_id]["Properties"]["Definition"]
    return run_workflow(
        definition, data, lambda function, payload: s.call(function, payload), s.deployment.physical
    )


def test_saga_orchestration_compensates_in_reverse_when_stock_runs_out(stack):
    s = stack("patterns/saga.orchestration")
    stock = s.table("StockTable")
    stock.put_item(Item={"sku": "decaf-250g", "available": 1})
    order = {"orderId": "order-77", "sku": "decaf-250g", "quantity": 2, "amount": 12.0}
    with pytest.raises(WorkflowFailed) as failed:
        _workflow(s, "OrderSaga", order)
    assert failed.value.error == "CheckoutFailed"
    orders, payments = s.table("OrdersTable"), s.table("PaymentsTable")
    assert orders.get_item(Key={"orderId": "order-77"})["Item"]["status"] == "CANCELLED"
    assert payments.get_item(Key={"orderId": "order-77"})["Item"]["status"] == "REFUNDED"
    assert stock.get_item(Key={"sku": "decaf-250g"})["Item"]["available"] == 1
    _, visited = _workflow(s, "OrderSaga", {**order, "orderId": "order-78", "quantity": 1})
    assert visited == ["Create order", "Charge payment", "Reserve stock", "Checkout complete"]
    assert stock.get_item(Key={"sku": "decaf-250g"})["Item"]["available"] == 0


def test_state_machine_records_and_notifies(stack):
    s = stack("patterns/state-machine")
    _, visited = _workflow(s, "OrderWorkflow", s.event("order.json"))
    assert visited == [
        "Validate order",
        "Is it valid?",
        "Charge payment",
        "Mark paid",
        "Record status",
        "Notify customer",
        "Paid?",
        "Done",
    ]
    orders = s.table("OrdersTable")
    assert orders.get_item(Key={"orderId": "order-42"})["Item"]["status"] == "PAID"
    with pytest.raises(WorkflowFailed) as failed:  # the payment Task's Catch records FAILED
        _workflow(s, "OrderWorkflow", s.event("declined-order.json"))
    assert failed.value.error == "OrderNotPaid"
    assert orders.get_item(Key={"orderId": "order-43"})["Item"]["status"] == "FAILED"


# --- claim-check ---


def _as_sqs_records(queue_url: str) -> dict:
    """The messages waiting in a queue, shaped like the batch Lambda's poller would deliver."""
    messages = boto3.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
    return {
        "Records": [
            {"messageId": m["MessageId"], "body": m["Body"], "eventSource": "aws:sqs"}
            for m in messages.get("Messages", [])
        ]
    }


def test_claim_check_large_documents_travel_as_pointers(stack):
    s = stack("patterns/claim-check")
    s3, bucket, queue = boto3.client("s3"), s.bucket("PayloadBucket"), s["ClaimsQueue"]
    small = s.call("ProducerFunction", s.event("document.json"))
    assert small["claimCheck"] is None  # under the inline limit: no object, the body travels
    big = {"documentId": "big-1", "document": {"lines": ["x" * 1000] * 400}}
    answer = s.call("ProducerFunction", big)
    claim = answer["claimCheck"]
    assert claim["bucket"] == bucket and claim["key"].startswith("payloads/")
    assert claim["size"] > 262144
    stored = s3.get_object(Bucket=bucket, Key=claim["key"])["Body"].read()
    assert json.loads(stored) == big["document"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1  # the small one stayed inline
    batch = _as_sqs_records(queue)
    bodies = [json.loads(r["body"]) for r in batch["Records"]]
    assert sorted(b["documentId"] for b in bodies) == ["big-1", "contract-2026-114"]
    pointer = next(r for r in batch["Records"] if "claimCheck" in json.loads(r["body"]))
    assert len(pointer["body"]) < 400  # only the claim check crossed the queue

    assert s.call("ConsumerFunction", batch) == {"batchItemFailures": []}
    assert s.call("ConsumerFunction", batch) == {"batchItemFailures": []}  # redelivered: no-op
    table = s.table("ResultsTable")
    row = table.get_item(Key={"documentId": "big-1"})["Item"]
    assert row["lines"] == 400 and row["viaClaimCheck"] is True and row["bytes"] == claim["size"]
    assert table.get_item(Key={"documentId": "contract-2026-114"})["Item"]["lines"] == 2


def test_claim_check_consumer_refuses_missing_tampered_and_foreign_payloads(stack):
    s = stack("patterns/claim-check")
    s3, bucket = boto3.client("s3"), s.bucket("PayloadBucket")
    sample = s.event("sqs-batch.json", PAYLOAD_BUCKET=bucket)
    # The inline record is redeemed; the claim check whose object is gone is reported.
    assert s.call("ConsumerFunction", sample) == {
        "batchItemFailures": [{"itemIdentifier": "c1a1m-0002"}]
    }
    missing = json.loads(sample["Records"][1]["body"])
    s3.put_object(Bucket=bucket, Key=missing["claimCheck"]["key"], Body=b'{"lines": ["forged"]}')
    foreign = {**missing, "documentId": "doc-x", "claimCheck": {**missing["claimCheck"]}}
    foreign["claimCheck"]["bucket"] = "someone-elses-bucket"
    records = [
        {"messageId": "tampered", "body": json.dumps(missing)},
        {"messageId": "foreign", "body": json.dumps(foreign)},
    ]
    failed = s.call("ConsumerFunction", {"Records": records})["batchItemFailures"]
    assert [f["itemIdentifier"] for f in failed] == ["tampered", "foreign"]
    table = s.table("ResultsTable")
    assert "Item" not in table.get_item(Key={"documentId": "contract-2026-115"})


# --- transactional-outbox ---


def test_transactional_outbox_order_and_event_commit_together(stack):
    s = stack("patterns/transactional-outbox")
    orders, outbox = s.table("OrdersTable"), s.table("OutboxTable")
    placed = s.call("OrderFunction", s.event("order.json"))
    assert placed["status"] == "PLACED"
    order = orders.get_item(Key={"orderId": "order-42"})["Item"]
    assert order["status"] == "PLACED" and str(order["total"]) == "41.00"
    event = outbox.get_item(Key={"eventId": placed["eventId"]})["Item"]
    assert event["eventType"] == "OrderPlaced" and event["orderId"] == "order-42"
    assert event["total"] == "41.00" and event["expiresAt"] > event["createdAt"]
    # A retry cannot create a second order or a second event: the transaction is cancelled.
    again = s.call("OrderFunction", s.event("order.json"))
    assert again == {**placed, "status": "ALREADY_PLACED"}
    assert [i["orderId"] for i in outbox.scan()["Items"]].count("order-42") == 1
    # Neither write happens without the other: an order that exists blocks its event too.
    orders.put_item(Item={"orderId": "order-43", "status": "PLACED"})
    clash = s.call("OrderFunction", s.event("order.json", **{"order-42": "order-43"}))
    assert clash["status"] == "ALREADY_PLACED"
    assert "Item" not in outbox.get_item(Key={"eventId": clash["eventId"]})
    assert "items" not in orders.get_item(Key={"orderId": "order-43"})["Item"]
    with pytest.raises(ValueError):
        s.call("OrderFunction", {"orderId": "order-44", "customerId": "c", "items": []})
    assert "Item" not in orders.get_item(Key={"orderId": "order-44"})


def _pipe_template(template: str, record: dict) -> dict:
    """Fill a pipe's InputTemplate the way Pipes documents it: each <$.path> is replaced by
    the value at that path in the record."""

    def value(match):
        found = record
        for part in match.group(1).split("."):
            found = found[part]
        return str(found)

    return json.loads(re.sub(r"<\$\.([A-Za-z0-9_.]+)>", value, template))


def test_transactional_outbox_pipe_publishes_only_new_items_as_plain_json(stack):
    s = stack("patterns/transactional-outbox")
    pipe = load(stack_paths(s.id)).resources["OutboxPipe"]["Properties"]
    placed = s.call("OrderFunction", s.event("order.json", **{"order-42": "order-50"}))
    record = s.event("outbox-stream-record.json", EVENT_ID=placed["eventId"])
    record["dynamodb"]["NewImage"]["orderId"]["S"] = "order-50"
    pattern = pipe["SourceParameters"]["FilterCriteria"]["Filters"][0]["Pattern"]
    from moto.events.models import EventPattern  # EventBridge's matcher, as moto implements it

    matcher = EventPattern.load(pattern)
    assert matcher.matches_event(record)
    removed = {**record, "eventName": "REMOVE"}  # a TTL deletion must not become an event
    assert not matcher.matches_event(removed)
    target = pipe["TargetParameters"]
    detail = _pipe_template(target["InputTemplate"], record)
    stored = s.table("OutboxTable").get_item(Key={"eventId": placed["eventId"]})["Item"]
    assert detail == {
        "eventId": stored["eventId"],
        "orderId": stored["orderId"],
        "customerId": stored["customerId"],
        "total": stored["total"],
    }
    detail_type = target["EventBridgeEventBusParameters"]["DetailType"]
    path = detail_type.removeprefix("$.").split(".")
    found = record
    for part in path:
        found = found[part]
    assert found == "OrderPlaced"
    rule = load(stack_paths(s.id)).resources["OrderPlacedRule"]["Properties"]["EventPattern"]
    assert rule == {
        "source": [target["EventBridgeEventBusParameters"]["Source"]],
        "detail-type": [found],
    }


# --- idempotent-consumer ---


def _counting_provider(status: int = 200) -> tuple[str, list[bytes]]:
    """A loopback payment provider that records every charge it receives."""
    calls: list[bytes] = []

    class Provider(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            calls.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"chargeId": f"ch_{len(calls)}"}).encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/charges", calls


def test_idempotent_consumer_charges_once_per_key(stack):
    s = stack("patterns/idempotent-consumer")
    url, calls = _counting_provider()
    batch = s.event("sqs-batch.json")  # m-1 and m-2 carry the same request; m-3 reuses its key
    first = s.call("PaymentConsumer", batch, PROVIDER_URL=url)
    assert first == {"batchItemFailures": [{"itemIdentifier": "m-3"}]}
    assert [json.loads(c) for c in calls] == [{"amount": 4100, "currency": "EUR"}]
    record = s.table("IdempotencyTable").get_item(Key={"idempotencyKey": "order-42"})["Item"]
    assert record["status"] == "COMPLETED" and record["chargeId"] == "ch_1"
    assert record["expiresAt"] > time.time() + 4 * 86400  # outlives the queue's 4-day retention
    again = s.call("PaymentConsumer", batch, PROVIDER_URL=url)  # SQS redelivers the batch
    assert again == first and len(calls) == 1


def test_idempotent_consumer_releases_the_claim_when_the_charge_fails(stack):
    s = stack("patterns/idempotent-consumer")
    table = s.table("IdempotencyTable")
    message = s.event("sqs-batch.json")["Records"][0]
    message = {**message, "body": message["body"].replace("order-42", "order-77")}
    down, down_calls = _counting_provider(status=503)
    failed = s.call("PaymentConsumer", {"Records": [message]}, PROVIDER_URL=down)
    assert failed == {"batchItemFailures": [{"itemIdentifier": "m-1"}]} and len(down_calls) == 1
    assert "Item" not in table.get_item(Key={"idempotencyKey": "order-77"})  # free to retry
    # Another invocation holds a live claim: this copy must wait, not charge.
    table.put_item(
        Item={
            "idempotencyKey": "order-77",
            "status": "IN_PROGRESS",
            "payloadHash": hashlib.sha256(message["body"].encode()).hexdigest(),
            "lockedUntil": int(time.time()) + 60,
            "expiresAt": int(time.time()) + 86400,
        }
    )
    up, up_calls = _counting_provider()
    busy = s.call("PaymentConsumer", {"Records": [message]}, PROVIDER_URL=up)
    assert busy == failed and up_calls == []
    # Its lock expires (the other invocation crashed): the next delivery takes over and charges.
    table.update_item(
        Key={"idempotencyKey": "order-77"},
        UpdateExpression="SET lockedUntil = :past",
        ExpressionAttributeValues={":past": int(time.time()) - 1},
    )
    assert s.call("PaymentConsumer", {"Records": [message]}, PROVIDER_URL=up) == {
        "batchItemFailures": []
    }
    assert len(up_calls) == 1
    assert table.get_item(Key={"idempotencyKey": "order-77"})["Item"]["status"] == "COMPLETED"


# --- dead-letter-redrive ---


def test_dead_letter_redrive_worker_reports_only_failed_orders(stack):
    s = stack("patterns/dead-letter-redrive")
    warehouse, shipped = _counting_provider()
    batch = s.event("sqs-batch.json")  # m-2 has no items: it can never succeed
    assert s.call("OrderWorker", batch, WAREHOUSE_URL=warehouse) == {
        "batchItemFailures": [{"itemIdentifier": "m-2"}]
    }
    assert [json.loads(c)["orderId"] for c in shipped] == ["order-42"]
    down, _ = _counting_provider(status=503)  # an outage fails every order, none is lost
    assert s.call("OrderWorker", batch, WAREHOUSE_URL=down) == {
        "batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-2"}]
    }


def test_dead_letter_redrive_receipt_errors_reach_lambda(stack):
    s = stack("patterns/dead-letter-redrive")
    mail, sent = _counting_provider()
    request = s.event("receipt-requested.json")
    assert s.call("ReceiptFunction", request, EMAIL_URL=mail) == {"sent": "order-42"}
    assert json.loads(sent[0]) == {
        "to": "ana@example.com",
        "template": "receipt",
        "orderId": "order-42",
    }
    broken, _ = _counting_provider(status=500)
    with pytest.raises(OSError):  # raised, so Lambda retries and then uses the destination
        s.call("ReceiptFunction", request, EMAIL_URL=broken)
    with pytest.raises(ValueError):
        s.call("ReceiptFunction", {**request, "email": "nobody"}, EMAIL_URL=mail)


def test_dead_letter_redrive_queue_moves_a_poison_order_after_five_receives(stack):
    s = stack("patterns/dead-letter-redrive")
    sqs = boto3.client("sqs")
    source, dlq = s["OrdersQueue"], s["OrdersDLQ"]
    source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])
    # moto does not keep RedriveAllowPolicy, so check the template's: it must name exactly the
    # deployed source queue once CloudFormation fills in the pseudo parameters.
    resources = load(stack_paths(s.id)).resources
    allow = resources["OrdersDLQ"]["Properties"]["RedriveAllowPolicy"]
    assert allow["redrivePermission"] == "byQueue"
    (pattern,) = [arn["Fn::Sub"] for arn in allow["sourceQueueArns"]]
    _, partition, _, region, account, name = source_arn["Attributes"]["QueueArn"].split(":")
    stack_name = name.removesuffix("-orders")
    assert (
        resources["OrdersQueue"]["Properties"]["QueueName"]["Fn::Sub"] == "${AWS::StackName}-orders"
    )
    filled = (
        pattern.replace("${AWS::Partition}", partition)
        .replace("${AWS::Region}", region)
        .replace("${AWS::AccountId}", account)
        .replace("${AWS::StackName}", stack_name)
    )
    assert filled == source_arn["Attributes"]["QueueArn"]
    # Pause the stack's own mapping: moto's poller would take a receive and fail without Docker.
    boto3.client("lambda").update_event_source_mapping(UUID=s["OrderWorkerMapping"], Enabled=False)
    sqs.send_message(QueueUrl=source, MessageBody=s.event("sqs-batch.json")["Records"][1]["body"])
    receives = 0
    while sqs.receive_message(QueueUrl=source, VisibilityTimeout=0).get("Messages"):
        receives += 1  # a worker that fails and never deletes the message
        assert receives <= 5
    assert receives == 5
    parked = sqs.receive_message(QueueUrl=dlq).get("Messages", [])
    assert [json.loads(m["Body"])["orderId"] for m in parked] == ["order-43"]
