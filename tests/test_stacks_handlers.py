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
import urllib.parse

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


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass  # the test's output stays the test's


def start_server(handler: type[http.server.BaseHTTPRequestHandler]) -> str:
    """Serve ``handler`` on a loopback port from a daemon thread; returns the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


class _Server(_Quiet):
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


def local_server(status: int = 200, body: dict | None = None, delay: float = 0.0) -> str:
    """A loopback HTTP server standing in for a service outside the stack; returns its URL."""
    handler = type(
        "Handler",
        (_Server,),
        {"status": status, "delay": delay, "body": json.dumps(body or {}).encode()},
    )
    return start_server(handler) + "/"


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


def local_lambda(s: Stack, functions: list[str]) -> str:
    """A loopback stand-in for Lambda's Invoke API (POST /2015-03-31/functions/<name>/
    invocations) that runs the stack's own handlers, since moto's Lambda needs Docker to run
    code. A handler that raises answers as Lambda does: 200 with X-Amz-Function-Error."""
    handlers = {s[f]: load_handler(s.id, f, s.deployment).handler for f in functions}

    class Invoke(_Quiet):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            target = urllib.parse.unquote(self.path.split("/functions/", 1)[1].split("/")[0])
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            error = None
            try:
                answer = handlers[target.rsplit(":function:", 1)[-1]](payload, None)
            except Exception as exc:  # noqa: BLE001 - reported as Lambda reports it
                answer = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
                error = "Unhandled"
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Amz-Executed-Version", "$LATEST")
            if error:
                self.send_header("X-Amz-Function-Error", error)
            self.end_headers()
            self.wfile.write(data)

    return start_server(Invoke)


def test_aggregator_merges_what_answers_in_time(stack, monkeypatch):
    s = stack("patterns/aggregator")
    assert s.call("CatalogFunction", {"productId": "42"})["name"] == "Espresso beans, 1 kg"
    assert s.call("InventoryFunction", {"productId": "42"}) == {"available": 17, "inStock": True}
    # The aggregator's boto3 client invokes the two functions through a local Lambda endpoint
    # (the standard AWS_ENDPOINT_URL_LAMBDA), which runs their handlers.
    monkeypatch.setenv(
        "AWS_ENDPOINT_URL_LAMBDA", local_lambda(s, ["CatalogFunction", "InventoryFunction"])
    )
    pricing = local_server(200, {"price": 18.5})
    carrier = local_server(200, {"days": 2}, delay=3.0)  # misses the 2-second deadline
    urls = {"PRICING_URL": pricing, "CARRIER_URL": carrier}
    page = s.call("AggregatorFunction", s.event("product-page.json"), **urls)
    body = json.loads(page["body"])
    assert page["statusCode"] == 200
    assert body["catalog"]["name"] == "Espresso beans, 1 kg"
    assert body["inventory"] == {"available": 17, "inStock": True}
    assert body["price"] == {"price": 18.5}
    assert body["missing"] == ["delivery"]
    # An unknown product: the catalog function fails, so there is no page to show.
    unknown = s.call("AggregatorFunction", s.event("product-page.json", **{'"42"': '"99"'}), **urls)
    body = json.loads(unknown["body"])
    assert unknown["statusCode"] == 404
    assert "catalog" in body["missing"] and body["inventory"] == {"available": 0, "inStock": False}


# --- Whole workflows, walked from the template's own definition --------------------------------


def _workflow(s: Stack, logical_id: str, data: dict, **env: str):
    """Walk the state machine's definition as written in the template; its
    DefinitionSubstitutions become logical IDs, or a parameter's default value."""
    template = load(stack_paths(s.id))
    properties = template.resources[logical_id]["Properties"]
    parameters = template.data.get("Parameters") or {}
    substitutions = {}
    for key, value in (properties.get("DefinitionSubstitutions") or {}).items():
        target = value.get("Ref") or value.get("Fn::GetAtt", [""])[0]
        default = (parameters.get(target) or {}).get("Default", target)
        substitutions[key] = str(default)
    return run_workflow(
        properties["Definition"],
        data,
        lambda function, payload: s.call(function, payload, **env),
        s.deployment.physical,
        substitutions=substitutions,
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


def test_circuit_breaker_opens_on_failure_and_short_circuits_while_open(stack):
    """The JSONata workflow: closed -> the provider answers; failing -> the Catch opens the
    circuit and falls back; open -> the next call falls back without calling the provider."""
    s = stack("patterns/circuit-breaker")
    table = s.table("CircuitStatusTable")
    charge = s.event("charge.json")
    working = local_server(200, {"chargeId": "ch_7"})
    answer, visited = _workflow(s, "CircuitBreakerWorkflow", charge, PROVIDER_URL=working)
    assert answer == {"status": "CHARGED", "provider": {"chargeId": "ch_7"}}
    assert visited == ["Read circuit", "Circuit open?", "Call provider"]
    assert "Item" not in table.get_item(Key={"serviceName": "payments"})
    failing = local_server(503)
    answer, visited = _workflow(s, "CircuitBreakerWorkflow", charge, PROVIDER_URL=failing)
    assert answer == {"status": "FALLBACK", "serviceName": "payments"}
    assert visited == ["Read circuit", "Circuit open?", "Call provider", "Open circuit", "Fallback"]
    opened = int(table.get_item(Key={"serviceName": "payments"})["Item"]["expiresAt"])
    assert time.time() + 290 < opened <= time.time() + 300  # OpenSeconds defaults to 300
    answer, visited = _workflow(s, "CircuitBreakerWorkflow", charge, PROVIDER_URL=working)
    assert answer == {"status": "FALLBACK", "serviceName": "payments"}
    assert visited == ["Read circuit", "Circuit open?", "Fallback"]  # the provider is spared
    table.put_item(Item={"serviceName": "payments", "expiresAt": int(time.time()) - 1})
    answer, visited = _workflow(s, "CircuitBreakerWorkflow", charge, PROVIDER_URL=working)
    assert answer["status"] == "CHARGED" and "Call provider" in visited  # expired: closed again


def test_map_reduce_workflow_maps_in_batches_and_reduces(stack):
    """The Distributed Map lists the input prefix, batches 50 objects at a time, maps each
    batch to a partial, and the reducer adds the partials up."""
    s = stack("patterns/map-reduce")
    s3 = boto3.client("s3")
    inputs, intermediate = s.bucket("InputBucket"), s.bucket("IntermediateBucket")
    for n in range(51):  # one more than a batch holds
        s3.put_object(Bucket=inputs, Key=f"nightly/{n:02}.txt", Body=b"fox and hound and fox")
    s3.put_object(Bucket=inputs, Key="elsewhere/skip.txt", Body=b"outside the prefix")

    def partials() -> set[str]:
        listed = s3.list_objects_v2(Bucket=intermediate, Prefix="partials/")
        return {o["Key"] for o in listed.get("Contents", [])}

    before = partials()
    run = {"bucket": inputs, "prefix": "nightly/"}
    answer, visited = _workflow(s, "CoordinatorWorkflow", run)
    assert visited == ["Map batches", "Reduce"]
    assert len(partials() - before) == 2  # 51 objects: a batch of 50 and a batch of 1
    body = s3.get_object(Bucket=s.bucket("OutputBucket"), Key=answer["output"])["Body"].read()
    assert json.loads(body) == {"fox": 102, "and": 102, "hound": 51}
    assert answer["distinctWords"] == 3


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


# --- ordered-processing ---


def test_ordered_processing_applies_in_order_and_stops_at_first_failure(stack):
    s = stack("patterns/ordered-processing")
    batch = s.event("sqs-fifo-batch.json")
    ids = [r["messageId"] for r in batch["Records"]]
    # The fourth message (acct-1, sequence 3) has a malformed amount: it and everything after
    # it go back to the queue, so acct-2's second transaction cannot overtake anything.
    first = s.call("LedgerFunction", batch)
    assert first == {"batchItemFailures": [{"itemIdentifier": i} for i in ids[3:]]}
    ledger = s.table("LedgerTable")
    one = ledger.get_item(Key={"accountId": "acct-1"})["Item"]
    two = ledger.get_item(Key={"accountId": "acct-2"})["Item"]
    assert (one["balance"], one["lastSequence"]) == (70, 2)
    assert (two["balance"], two["lastSequence"]) == (50, 1)
    # SQS delivers the same messages again: those already applied change nothing.
    assert s.call("LedgerFunction", batch) == first
    assert ledger.get_item(Key={"accountId": "acct-1"})["Item"]["balance"] == 70
    # Redelivered without the bad message, the rest of the batch is applied once.
    rest = {"Records": batch["Records"][:3] + batch["Records"][4:]}
    assert s.call("LedgerFunction", rest) == {"batchItemFailures": []}
    two = ledger.get_item(Key={"accountId": "acct-2"})["Item"]
    assert (two["balance"], two["lastSequence"]) == (55, 2)


# --- event-sourcing ---


def test_event_sourcing_appends_with_optimistic_concurrency_and_snapshots(stack):
    s = stack("patterns/event-sourcing")
    deposit, withdraw = s.event("deposit.json"), s.event("withdraw.json")
    answer = s.call("CommandFunction", deposit, SNAPSHOT_EVERY="2")
    assert answer["statusCode"] == 201 and json.loads(answer["body"])["version"] == 1
    # The same command again carries expectedVersion 0, which is stale now.
    assert s.call("CommandFunction", deposit, SNAPSHOT_EVERY="2")["statusCode"] == 409
    answer = s.call("CommandFunction", withdraw, SNAPSHOT_EVERY="2")
    assert json.loads(answer["body"]) == {"accountId": "acct-1", "version": 2, "balance": "70.00"}
    too_much = {**withdraw, "body": json.dumps({"command": "Withdraw", "amount": "500"})}
    assert s.call("CommandFunction", too_much, SNAPSHOT_EVERY="2")["statusCode"] == 422
    events = s.table("EventStoreTable").query(
        KeyConditionExpression="accountId = :a", ExpressionAttributeValues={":a": "acct-1"}
    )["Items"]
    assert [(e["version"], e["type"]) for e in events] == [(1, "Deposited"), (2, "Withdrawn")]
    snapshot = s.table("SnapshotsTable").get_item(Key={"accountId": "acct-1"})["Item"]
    assert (snapshot["version"], snapshot["balance"]) == (2, 70)
    # State comes from the snapshot plus later events: a third event builds on version 2.
    answer = s.call("CommandFunction", withdraw, SNAPSHOT_EVERY="2")
    assert json.loads(answer["body"])["balance"] == "40.00"


def test_event_sourcing_projector_applies_each_version_once_in_order(stack):
    s = stack("patterns/event-sourcing")
    batch = s.event("stream-batch.json")
    # acct-2 jumps from version 1 to 3: the projector stops there and names that record.
    first = s.call("ProjectorFunction", batch)
    assert first == {
        "applied": 3,
        "batchItemFailures": [
            {"itemIdentifier": batch["Records"][3]["dynamodb"]["SequenceNumber"]}
        ],
    }
    view = s.table("BalancesTable")
    assert view.get_item(Key={"accountId": "acct-1"})["Item"]["balance"] == 70
    assert s.call("ProjectorFunction", batch)["applied"] == 0  # a retried batch changes nothing
    assert view.get_item(Key={"accountId": "acct-2"})["Item"]["version"] == 1


# --- cqrs ---


def test_cqrs_commands_projection_and_visible_staleness(stack):
    s = stack("patterns/cqrs")
    placed = s.call("CommandFunction", s.event("place-order.json"))
    assert (placed["statusCode"], json.loads(placed["body"])["version"]) == (201, 1)
    assert s.call("CommandFunction", s.event("place-order.json"))["statusCode"] == 409
    cancelled = s.call("CommandFunction", s.event("cancel-order.json"))
    assert json.loads(cancelled["body"]) == {"orderId": "order-42", "version": 2}
    assert s.call("CommandFunction", s.event("cancel-order.json"))["statusCode"] == 409
    order = s.table("OrdersTable").get_item(Key={"orderId": "order-42"})["Item"]
    assert (order["status"], order["version"], order["total"]) == ("CANCELLED", 2, 41)

    # Nothing has been projected yet: the query says so instead of pretending.
    listing = s.event("list-orders.json")  # asks for order-42 at version 2
    stale = s.call("QueryFunction", listing)
    assert json.loads(stale["body"])["consistent"] is False
    assert stale["headers"]["Retry-After"] == "1"

    batch = s.event("stream-batch.json")
    assert s.call("ProjectorFunction", batch) == {"projected": 3}
    assert s.call("ProjectorFunction", batch) == {"projected": 0}  # a replayed batch
    # An old record arriving late does not roll the row back.
    assert s.call("ProjectorFunction", {"Records": batch["Records"][:1]}) == {"projected": 0}
    fresh = json.loads(s.call("QueryFunction", listing)["body"])
    assert fresh["consistent"] is True
    assert [(o["orderId"], o["status"], o["itemCount"]) for o in fresh["orders"]] == [
        ("order-42", "CANCELLED", 4)
    ]


# --- cache-aside ---


class _Valkey(threading.Thread):
    """A loopback Valkey stand-in over TLS 1.3: AUTH (which must carry a SigV4-presigned
    token for the expected cache), GET, SET ... EX and DEL on a dict, speaking RESP2."""

    def __init__(self, tmp_path, cache_name: str):
        import datetime
        import socket
        import ssl

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        super().__init__(daemon=True)
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256())
        )
        self.cert_file = tmp_path / "valkey.pem"
        self.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file = tmp_path / "valkey.key"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_3
        self.context.load_cert_chain(self.cert_file, key_file)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cache_name = cache_name
        self.data: dict[str, str] = {}
        self.ttls: dict[str, int] = {}
        self.commands: list[str] = []

    def run(self):
        while True:
            raw, _ = self.listener.accept()
            threading.Thread(target=self.serve, args=(raw,), daemon=True).start()

    def serve(self, raw):
        try:
            with self.context.wrap_socket(raw, server_hostname=None, server_side=True) as conn:
                reader, authed = conn.makefile("rb"), False
                while line := reader.readline():
                    args = []
                    for _ in range(int(line[1:])):
                        size = int(reader.readline()[1:])
                        args.append(reader.read(size + 2)[:-2].decode())
                    verb = args[0].upper()
                    self.commands.append(verb)
                    if verb == "AUTH":
                        token = args[2]
                        authed = (
                            args[1] == "default.iam-user"
                            and token.startswith(f"{self.cache_name}/?Action=connect")
                            and "ResourceType=ServerlessCache" in token
                            and "X-Amz-Signature=" in token
                        )
                        conn.sendall(b"+OK\r\n" if authed else b"-WRONGPASS bad token\r\n")
                    elif not authed:
                        conn.sendall(b"-NOAUTH Authentication required.\r\n")
                    elif verb == "GET":
                        value = self.data.get(args[1])
                        reply = b"$-1\r\n" if value is None else b"$%d\r\n%s\r\n"
                        conn.sendall(
                            reply if value is None else reply % (len(value), value.encode())
                        )
                    elif verb == "SET":
                        self.data[args[1]] = args[2]
                        self.ttls[args[1]] = int(args[4])
                        conn.sendall(b"+OK\r\n")
                    elif verb == "DEL":
                        gone = sum(self.data.pop(k, None) is not None for k in args[1:])
                        conn.sendall(b":%d\r\n" % gone)
        except OSError:
            pass


@pytest.fixture
def valkey(tmp_path, monkeypatch):
    server = _Valkey(tmp_path, "products-cache")
    server.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert_file))  # trust the stand-in's cert
    return server


def test_cache_aside_reads_through_valkey_and_falls_back(stack, valkey):
    s = stack("patterns/cache-aside")
    cache = {"CACHE_HOST": "localhost", "CACHE_PORT": str(valkey.port)}
    cache["CACHE_NAME"] = "products-cache"
    table = s.table("ProductsTable")
    table.put_item(Item={"productId": "42", "name": "Espresso beans, 1 kg", "price": 18})
    reader = load_handler(s.id, "ReadFunction", s.deployment, **cache)
    first = reader.handler(s.event("get-product.json"), None)
    assert first["statusCode"] == 200 and first["headers"]["X-Cache-Source"] == "table"
    assert json.loads(valkey.data["product:42"])["name"] == "Espresso beans, 1 kg"
    assert valkey.ttls["product:42"] == 300  # the TTL the template sets
    table.put_item(Item={"productId": "42", "name": "Changed in the table", "price": 19})
    second = reader.handler(s.event("get-product.json"), None)
    assert second["headers"]["X-Cache-Source"] == "cache"  # served from Valkey, not the table
    assert json.loads(second["body"])["name"] == "Espresso beans, 1 kg"
    assert second["headers"]["Cache-Control"] == "public, max-age=60"
    assert valkey.commands.count("AUTH") == 1  # the connection is reused
    missing = reader.handler(s.event("get-product.json", **{'"42"': '"0"'}), None)
    assert missing["statusCode"] == 404 and "max-age=10" in missing["headers"]["Cache-Control"]
    down = load_handler(s.id, "ReadFunction", s.deployment, **{**cache, "CACHE_PORT": "1"})
    fallback = down.handler(s.event("get-product.json"), None)  # no cache at all: still answers
    assert fallback["headers"]["X-Cache-Source"] == "table"
    assert json.loads(fallback["body"])["name"] == "Changed in the table"


def test_cache_aside_invalidator_drops_both_copies_once(stack, valkey):
    s = stack("patterns/cache-aside")
    cloudfront = boto3.client("cloudfront")
    distribution = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "cache-aside-test",
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "api",
                        "DomainName": "example.execute-api.us-east-1.amazonaws.com",
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "https-only",
                        },
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "api",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]["Id"]
    valkey.data.update({"product:42": "{}", "product:7": "{}", "product:9": "{}"})
    env = {"CACHE_HOST": "localhost", "CACHE_PORT": str(valkey.port)}
    env.update(CACHE_NAME="products-cache", DISTRIBUTION_ID=distribution)
    invalidator = load_handler(s.id, "InvalidateFunction", s.deployment, **env)
    batch = s.event("stream-batch.json")
    assert invalidator.handler(batch, None) == {"invalidated": ["42", "7"]}
    assert set(valkey.data) == {"product:9"}  # the unchanged product stays cached
    invalidator.handler(batch, None)  # the stream delivers the batch again
    made = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
    batches = [
        cloudfront.get_invalidation(DistributionId=distribution, Id=i["Id"])["Invalidation"][
            "InvalidationBatch"
        ]
        for i in made["Items"]
    ]
    # CloudFront answers a repeated CallerReference with the first invalidation (moto does not
    # emulate that): what the function controls is that the retry repeats the reference.
    assert {b["CallerReference"] for b in batches} == {"111100000000000000003"}
    assert sorted(batches[0]["Paths"]["Items"]) == ["/products/42", "/products/7"]
    refused = load_handler(s.id, "InvalidateFunction", s.deployment, **{**env, "CACHE_NAME": "x"})
    with pytest.raises(RuntimeError):  # a bad token fails the batch, so the stream retries it
        refused.handler(batch, None)


# --- throttling ---


def test_throttling_intake_queues_then_sheds_load(stack):
    s = stack("patterns/throttling")
    sqs = boto3.client("sqs")
    queue = s.deployment.environments["IntakeFunction"]["QUEUE_URL"]
    sqs.purge_queue(QueueUrl=queue)
    accepted = s.call("IntakeFunction", s.event("post-order.json"))
    assert accepted["statusCode"] == 202
    [message] = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=0)["Messages"]
    assert json.loads(message["Body"]) == {"orderId": "po-1001", "quantity": 3}
    bad = s.call("IntakeFunction", {"body": '{"orderId": "po-9"}'})
    assert bad["statusCode"] == 400
    # With the template's threshold (1,000) one waiting order is fine; at a threshold of one,
    # the same backlog makes the function shed the next order instead of queueing it.
    assert s.call("IntakeFunction", s.event("post-order.json"))["statusCode"] == 202
    busy = s.call("IntakeFunction", s.event("post-order.json"), MAX_BACKLOG="1")
    assert busy["statusCode"] == 503
    assert busy["headers"]["Retry-After"] == "30"
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "2"  # the shed order was not queued


def test_throttling_worker_records_each_order_once(stack):
    s = stack("patterns/throttling")
    batch = s.event("sqs-batch.json")
    assert s.call("WorkerFunction", batch) == {"batchItemFailures": [{"itemIdentifier": "m-3"}]}
    assert s.call("WorkerFunction", batch) == {"batchItemFailures": [{"itemIdentifier": "m-3"}]}
    items = s.table("OrdersTable").scan()["Items"]
    assert [(i["orderId"], i["quantity"]) for i in items] == [("po-1001", 3)]


# --- wait-for-callback ---


def _sfn_calls(module) -> list[tuple[str, dict]]:
    """Record the Step Functions calls a handler makes (moto accepts any task token and
    keeps no trace of it, so the test listens on the handler's own client)."""
    calls: list[tuple[str, dict]] = []
    module.SFN.meta.events.register(
        "provide-client-params.sfn.*",
        lambda params, model, **_: calls.append((model.name, dict(params))),
    )
    return calls


def test_wait_for_callback_notify_parks_the_token_and_emails_a_link(stack):
    s = stack("patterns/wait-for-callback")
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    inbox = sqs.create_queue(QueueName="approver-inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(TopicArn=s["ApprovalTopic"], Protocol="sqs", Endpoint=arn["QueueArn"])
    url = "https://decide.lambda-url.us-east-1.on.aws/"
    sent = s.call("NotifyFunction", s.event("notify.json"), DECISION_URL=url)
    decision_id = sent["decisionId"]
    item = s.table("ApprovalsTable").get_item(Key={"id": f"decision#{decision_id}"})["Item"]
    assert item["taskToken"] == s.event("notify.json")["taskToken"]
    assert item["expenseId"] == "exp-17"
    assert int(item["expiresAt"]) - time.time() == pytest.approx(259200, abs=60)  # three days
    [message] = received(inbox)
    assert f"{url}?id={decision_id}" in message["Message"]
    assert item["taskToken"] not in message["Message"]  # the email never carries the token
    again = s.call("NotifyFunction", s.event("notify.json"), DECISION_URL=url)
    assert again["decisionId"] != decision_id  # a retried notification gets a new link


def test_wait_for_callback_decision_answers_once(stack):
    s = stack("patterns/wait-for-callback")
    table = s.table("ApprovalsTable")
    for decision_id, token in (("d-approve", "token-a"), ("d-reject", "token-r")):
        table.put_item(
            Item={
                "id": f"decision#{decision_id}",
                "taskToken": token,
                "expenseId": "exp-17",
                "summary": "ana asks for 420 (conference ticket)",
                "expiresAt": int(time.time()) + 3600,
            }
        )
    table.put_item(
        Item={
            "id": "decision#d-old",
            "taskToken": "t",
            "expenseId": "exp-1",
            "summary": "x",
            "expiresAt": int(time.time()) - 1,
        }
    )
    decision = load_handler(s.id, "DecisionFunction", s.deployment)
    calls = _sfn_calls(decision)
    opened = decision.handler(s.event("open-link.json", DECISION_ID="d-approve"), None)
    assert opened["statusCode"] == 200 and 'method="post"' in opened["body"]
    assert "ana asks for 420" in opened["body"] and calls == []  # a GET decides nothing
    approve = s.event("approve.json", DECISION_ID="d-approve")
    assert decision.handler(approve, None)["statusCode"] == 200
    assert [name for name, _ in calls] == ["SendTaskSuccess"]
    assert calls[0][1]["taskToken"] == "token-a"
    assert json.loads(calls[0][1]["output"])["approved"] is True
    assert decision.handler(approve, None)["statusCode"] == 409  # a second click
    assert len(calls) == 1
    reject = s.event("approve.json", DECISION_ID="d-reject")
    reject["body"], reject["isBase64Encoded"] = "action=reject", False
    assert decision.handler(reject, None)["statusCode"] == 200
    assert calls[1][0] == "SendTaskFailure" and calls[1][1]["error"] == "Rejected"
    expired = decision.handler(s.event("approve.json", DECISION_ID="d-old"), None)
    assert expired["statusCode"] == 404 and len(calls) == 2
    stored = table.get_item(Key={"id": "decision#d-approve"})["Item"]
    assert stored["decision"] == "approve"


# --- eventbridge-pipes ---


def test_eventbridge_pipes_enrichment_adds_the_customer(stack):
    s = stack("patterns/eventbridge-pipes")
    customer = s.event("customer.json")
    s.table("CustomersTable").put_item(Item={k: v["S"] for k, v in customer.items()})
    batch = s.event("pipe-batch.json")
    enriched = s.call("EnrichFunction", batch)
    assert [o["orderId"] for o in enriched] == ["order-42", "order-43"]
    assert enriched[0]["customer"] == {
        "customerId": "cust-7",
        "tier": "gold",
        "email": "ana@example.com",
    }
    assert s.call("EnrichFunction", batch) == enriched  # a redelivered batch, same answer
    handler = load_handler(s.id, "EnrichFunction", s.deployment)
    stranger = s.event("pipe-batch.json", **{"cust-7": "cust-0"})
    with pytest.raises(handler.UnknownCustomer):  # fails the batch: retried, then the DLQ
        handler.handler(stranger, None)


# --- webhook-receiver ---


def _signed(s: Stack, secret: str, delivery: str, stamp: int, key: str | None = None) -> dict:
    import base64
    import hashlib
    import hmac

    body = s.event("function-url-request.json")["body"]
    signed = f"{delivery}.{stamp}.{body}".encode()
    digest = hmac.new((key or secret).encode(), signed, hashlib.sha256)
    return s.event(
        "function-url-request.json",
        **{
            "REPLACE-DELIVERY-ID": delivery,
            "REPLACE-TIMESTAMP": str(stamp),
            "REPLACE-SIGNATURE": base64.b64encode(digest.digest()).decode(),
        },
    )


def test_webhook_receiver_verifies_deduplicates_and_queues(stack):
    s = stack("patterns/webhook-receiver")
    # moto cannot create AWS::SecretsManager::Secret from a template: make the stack's secret.
    secret = "shared-with-the-provider-0123456789"
    arn = boto3.client("secretsmanager").create_secret(Name="signing", SecretString=secret)["ARN"]

    def call(event):
        return s.call("ReceiverFunction", event, SIGNING_SECRET_ARN=arn)["statusCode"]

    now = int(time.time())
    assert call(_signed(s, secret, "evt_1", now)) == 202
    assert call(_signed(s, secret, "evt_1", now)) == 200  # a replay or a provider retry
    assert call(_signed(s, secret, "evt_2", now, key="guessed")) == 401  # forged
    assert call(_signed(s, secret, "evt_3", now - 600)) == 401  # a stale, captured request
    tampered = _signed(s, secret, "evt_4", now)
    tampered["body"] = tampered["body"].replace("37.5", "3750")
    assert call(tampered) == 401
    queued = boto3.client("sqs").receive_message(
        QueueUrl=s["EventsQueue"], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    assert [m["MessageAttributes"]["deliveryId"]["StringValue"] for m in queued] == ["evt_1"]
    assert json.loads(queued[0]["Body"])["data"]["paymentId"] == "pay_42"
    recorded = s.table("DeliveriesTable").scan()["Items"]
    assert [i["deliveryId"] for i in recorded] == ["evt_1"]
    assert recorded[0]["expiresAt"] - recorded[0]["receivedAt"] == 7 * 86400


def test_webhook_worker_keeps_the_newest_state(stack):
    s = stack("patterns/webhook-receiver")
    batch = s.event("sqs-batch.json")  # the refund arrives before the older success
    assert s.call("WorkerFunction", batch) == {"batchItemFailures": [{"itemIdentifier": "m-3"}]}
    assert s.call("WorkerFunction", batch)["batchItemFailures"] == [{"itemIdentifier": "m-3"}]
    payment = s.table("PaymentsTable").get_item(Key={"paymentId": "pay_42"})["Item"]
    assert payment["status"] == "REFUNDED" and payment["updatedAt"] == 1764496900


# --- scheduled-jobs ---


def test_scheduled_jobs_creates_one_reminder_in_local_time(stack):
    s = stack("patterns/scheduled-jobs")
    scheduler = boto3.client("scheduler")
    # moto cannot create AWS::Scheduler::ScheduleGroup from a template: make the stack's group.
    group = "scheduled-jobs-reminders"
    scheduler.create_schedule_group(Name=group)

    def plan(event):
        return s.call("SchedulingFunction", event, SCHEDULE_GROUP=group)

    request = s.event("schedule-reminder.json")
    assert plan(request) == {
        "status": "SCHEDULED",
        "schedule": "reminder-res-42",
        "at": "2030-12-23T19:30:00",
    }
    assert plan(request)["status"] == "ALREADY_SCHEDULED"  # a retried request: one reminder
    made = scheduler.get_schedule(Name="reminder-res-42", GroupName=group)
    assert made["ScheduleExpression"] == "at(2030-12-23T19:30:00)"
    assert made["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert made["ActionAfterCompletion"] == "DELETE"
    env = s.deployment.environments["SchedulingFunction"]
    assert made["Target"]["Arn"] == env["REMINDER_FUNCTION_ARN"]
    assert made["Target"]["DeadLetterConfig"]["Arn"] == env["FAILED_JOBS_QUEUE_ARN"]
    assert json.loads(made["Target"]["Input"]) == {"reservationId": "res-42"}
    past = {**request, "reservationId": "res-1", "startsAt": "2020-01-01T12:00:00"}
    assert plan(past)["status"] == "TOO_LATE"
    assert plan({**request, "timeZone": "Mars/Olympus"})["status"] == "REJECTED"
    names = [x["Name"] for x in scheduler.list_schedules(GroupName=group)["Schedules"]]
    assert names == ["reminder-res-42"]


def test_scheduled_jobs_reminder_is_sent_once_and_never_when_cancelled(stack):
    s = stack("patterns/scheduled-jobs")
    table = s.table("ReservationsTable")
    table.put_item(Item={k: v["S"] for k, v in s.event("reservation.json").items()})
    table.put_item(Item={"reservationId": "res-43", "status": "CANCELLED"})
    assert s.call("ReminderFunction", s.event("reminder-due.json"))["status"] == "SENT"
    assert s.call("ReminderFunction", s.event("reminder-due.json"))["status"] == "ALREADY_SENT"
    assert s.call("ReminderFunction", {"reservationId": "res-43"})["status"] == "SKIPPED"
    assert s.call("ReminderFunction", {"reservationId": "res-0"})["status"] == "SKIPPED"
    assert "reminderSentAt" in table.get_item(Key={"reservationId": "res-42"})["Item"]
    assert "reminderSentAt" not in table.get_item(Key={"reservationId": "res-43"})["Item"]


# --- safe-deployments ---


def _deployment_services(s: Stack, order_handler, live_version: str):
    """A loopback stand-in for the two APIs the hooks call that moto lacks or cannot run:
    CodeDeploy's GetDeployment and PutLifecycleEventHookExecutionStatus (it records each
    reported status), and Lambda's Invoke, which runs the stack's real order handler against
    the emulated table. An alias resolves to ``live_version``. Returns (url, reports)."""
    reports: list[dict] = []
    app_spec = {
        "version": 0.0,
        "Resources": [
            {
                "OrderFunction": {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {
                        "Name": s["OrderFunction"],
                        "Alias": "live",
                        "CurrentVersion": "1",
                        "TargetVersion": "2",
                    },
                }
            }
        ],
    }

    class Services(_Quiet):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {"Content-Type": "application/json"}
            action = self.headers.get("X-Amz-Target", "")
            if action.endswith(".GetDeployment"):
                revision = {"revisionType": "AppSpecContent"}
                revision["appSpecContent"] = {"content": json.dumps(app_spec)}
                answer = {"deploymentInfo": {"revision": revision}}
            elif action.endswith(".PutLifecycleEventHookExecutionStatus"):
                reports.append(json.loads(body))
                answer = {
                    "lifecycleEventHookExecutionId": reports[-1]["lifecycleEventHookExecutionId"]
                }
            else:  # POST /2015-03-31/functions/<name>/invocations?Qualifier=<version or alias>
                qualifier = self.path.split("Qualifier=")[-1]
                version = live_version if qualifier == "live" else qualifier
                headers["X-Amz-Executed-Version"] = version
                try:
                    answer = order_handler.handler(json.loads(body), None)
                except Exception as exc:  # noqa: BLE001 - Lambda reports it as a function error
                    headers["X-Amz-Function-Error"] = "Unhandled"
                    answer = {"errorMessage": str(exc)}
            self.send_response(200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(json.dumps(answer).encode())

    return start_server(Services), reports


def test_safe_deployments_order_function_is_idempotent(stack):
    s = stack("patterns/safe-deployments")
    created = s.call("OrderFunction", s.event("create-order.json"))
    assert created["statusCode"] == 201
    assert s.call("OrderFunction", s.event("create-order.json"))["statusCode"] == 201  # again
    item = s.table("OrdersTable").get_item(Key={"orderId": "order-42"})["Item"]
    assert item["item"] == "espresso beans" and item["quantity"] == 2
    read = s.call("OrderFunction", {"httpMethod": "GET", "pathParameters": {"orderId": "order-42"}})
    assert json.loads(read["body"])["item"] == "espresso beans"


@pytest.mark.parametrize("live_version", ["2", "1"])
def test_safe_deployments_hooks_try_the_new_version_and_report(stack, live_version, monkeypatch):
    s = stack("patterns/safe-deployments")
    order = load_handler(s.id, "OrderFunction", s.deployment)
    url, reports = _deployment_services(s, order, live_version)
    for name in ("AWS_ENDPOINT_URL_CODEDEPLOY", "AWS_ENDPOINT_URL_LAMBDA"):
        monkeypatch.setenv(name, url)  # removed again after the test
    pre = s.call("PreTrafficHook", s.event("pre-traffic.json"))
    assert pre == {"status": "Succeeded"}
    test_order = s.table("OrdersTable").get_item(Key={"orderId": "deploy-check-d-EXAMPLE111"})
    assert test_order["Item"]["item"] == "test"  # the new version really wrote it
    post = s.call("PostTrafficHook", s.event("post-traffic.json"))
    # The alias must run the target version ("2") once all traffic has moved.
    assert post == {"status": "Succeeded" if live_version == "2" else "Failed"}
    assert [(r["lifecycleEventHookExecutionId"], r["status"]) for r in reports] == [
        ("pre-traffic-execution-id", "Succeeded"),
        ("post-traffic-execution-id", post["status"]),
    ]


def test_safe_deployments_pre_traffic_hook_fails_a_broken_version(stack, monkeypatch):
    s = stack("patterns/safe-deployments")
    broken = load_handler(s.id, "OrderFunction", s.deployment)
    # A release that points at a table that does not exist: every write fails.
    broken.table = boto3.resource("dynamodb").Table("no-such-table")
    url, reports = _deployment_services(s, broken, "2")
    for name in ("AWS_ENDPOINT_URL_CODEDEPLOY", "AWS_ENDPOINT_URL_LAMBDA"):
        monkeypatch.setenv(name, url)  # removed again after the test
    assert s.call("PreTrafficHook", s.event("pre-traffic.json")) == {"status": "Failed"}
    assert [r["status"] for r in reports] == ["Failed"]


# --- multi-region-active-active ---


def test_multi_region_orders_use_the_local_replica_once(stack):
    s = stack("patterns/multi-region-active-active")
    name = s.deployment.environments["OrdersFunction"]["TABLE_NAME"]
    assert name == f"{s.deployment.stack_name}-orders"  # the name every Region shares
    # moto cannot create an AWS::DynamoDB::GlobalTable: create this Region's replica as the
    # global table would, with that name and key.
    boto3.client("dynamodb").create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
    )
    health = s.call("OrdersFunction", s.event("health.json"))
    assert health["statusCode"] == 200
    created = s.call("OrdersFunction", s.event("create-order.json"))
    assert created["statusCode"] == 201
    # A client that fails over and retries in the other Region must not create it twice.
    again = s.call("OrdersFunction", s.event("create-order.json"))
    assert json.loads(again["body"])["duplicate"] is True
    item = boto3.resource("dynamodb").Table(name).get_item(Key={"orderId": "order-42"})["Item"]
    assert (
        item["item"] == "espresso beans"
        and item["writtenIn"] == json.loads(again["body"])["region"]
    )
    read = s.call(
        "OrdersFunction",
        {"routeKey": "GET /orders/{orderId}", "pathParameters": {"orderId": "order-42"}},
    )
    assert json.loads(read["body"])["item"] == "espresso beans"


def test_multi_region_health_fails_without_the_local_replica(stack):
    s = stack("patterns/multi-region-active-active")
    # A Region whose replica cannot be reached must answer 503, so Route 53 drops it.
    answer = s.call("OrdersFunction", s.event("health.json"), TABLE_NAME="missing-replica")
    assert answer["statusCode"] == 503


# --- generative-ai-rag ---


def _bedrock_agent_runtime(answer: dict) -> tuple[str, list[dict]]:
    """A loopback stand-in for Bedrock's RetrieveAndGenerate, which moto lacks: it records
    each request and answers with ``answer``. Returns (url, requests)."""
    requests: list[dict] = []

    class Runtime(_Quiet):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            requests.append({"path": self.path, **json.loads(body)})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(answer).encode())

    return start_server(Runtime), requests


def test_generative_ai_rag_asks_the_knowledge_base_through_the_guardrail(stack, monkeypatch):
    s = stack("patterns/generative-ai-rag")
    cited = {"location": {"type": "S3", "s3Location": {"uri": "s3://docs/handbook.pdf"}}}
    url, requests = _bedrock_agent_runtime(
        {
            "output": {"text": "New employees get 25 days."},
            "sessionId": "session-1",
            "citations": [{"retrievedReferences": [cited, cited]}],
        }
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME", url)  # removed after the test
    answer = s.call("AnswerFunction", s.event("question.json"), KNOWLEDGE_BASE_ID="KB12345678")
    assert answer["statusCode"] == 200
    body = json.loads(answer["body"])
    assert body == {
        "answer": "New employees get 25 days.",
        "sources": ["s3://docs/handbook.pdf"],  # each source once
        "sessionId": "session-1",
        "blocked": False,
    }
    [sent] = requests
    assert sent["path"] == "/retrieveAndGenerate"
    assert sent["input"]["text"].startswith("How many days of annual leave")
    config = sent["retrieveAndGenerateConfiguration"]["knowledgeBaseConfiguration"]
    env = s.deployment.environments["AnswerFunction"]
    assert config["knowledgeBaseId"] == "KB12345678" and config["modelArn"] == env["MODEL_ARN"]
    generation = config["generationConfiguration"]
    assert generation["guardrailConfiguration"]["guardrailId"] == env["GUARDRAIL_ID"]
    assert generation["inferenceConfig"]["textInferenceConfig"]["maxTokens"] == 512
    assert "sessionId" not in sent  # a first question starts a new conversation
    follow_up = {
        "body": json.dumps({"question": "And after five years?", "sessionId": "session-1"})
    }
    s.call("AnswerFunction", follow_up, KNOWLEDGE_BASE_ID="KB12345678")
    assert requests[-1]["sessionId"] == "session-1"
    too_long = {"body": json.dumps({"question": "x" * 1001})}
    assert s.call("AnswerFunction", too_long)["statusCode"] == 400
    assert len(requests) == 2  # rejected before any tokens were spent


# --- async-request-reply ---


def test_async_request_reply_accepts_works_and_reports(stack):
    s = stack("patterns/async-request-reply")
    sqs = boto3.client("sqs")
    queue = s["JobsQueue"]
    accepted = s.call("SubmitFunction", s.event("submit.json"))
    assert accepted["statusCode"] == 202
    job_id = json.loads(accepted["body"])["jobId"]
    assert accepted["headers"]["Location"] == f"/prod/jobs/{job_id}"
    assert s.table("JobsTable").get_item(Key={"jobId": job_id})["Item"]["status"] == "PENDING"
    queued = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["jobId"] for m in queued] == [job_id]
    for m in queued:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    # The same Idempotency-Key names the same job: no second item, the pending job re-queued.
    again = s.call("SubmitFunction", s.event("submit.json"))
    assert json.loads(again["body"])["jobId"] == job_id
    assert s.table("JobsTable").scan()["Count"] == 1
    requeued = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["jobId"] for m in requeued] == [job_id]
    for m in requeued:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])

    pending = s.call("StatusFunction", s.event("status.json", JOB_ID=job_id))
    assert json.loads(pending["body"])["status"] == "PENDING"
    assert pending["headers"]["Retry-After"] == "5"

    batch = s.event("sqs-job.json", JOB_ID=job_id)
    assert s.call("WorkerFunction", batch) == {"batchItemFailures": []}
    done = json.loads(s.call("StatusFunction", s.event("status.json", JOB_ID=job_id))["body"])
    assert done == {"jobId": job_id, "status": "SUCCEEDED", "result": {"lines": 2, "total": 28}}
    # A redelivered job changes nothing, and a resubmission after success queues nothing.
    assert s.call("WorkerFunction", batch) == {"batchItemFailures": []}
    s.call("SubmitFunction", s.event("submit.json"))
    assert "Messages" not in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0)

    # Bad input is a permanent failure the client reads, not a retry.
    s.table("JobsTable").put_item(Item={"jobId": "bad-1", "status": "PENDING"})
    bad = {"Records": [{"messageId": "m-9", "body": json.dumps({"jobId": "bad-1"})}]}
    assert s.call("WorkerFunction", bad) == {"batchItemFailures": []}
    failed = json.loads(s.call("StatusFunction", s.event("status.json", JOB_ID="bad-1"))["body"])
    assert failed["status"] == "FAILED" and "lines" in failed["error"]
    missing = s.call("StatusFunction", s.event("status.json", JOB_ID="nope"))
    assert missing["statusCode"] == 404
    assert s.call("SubmitFunction", {"body": "not json"})["statusCode"] == 400


# --- valet-key ---


def test_valet_key_signs_one_object_and_records_what_arrived(stack):
    import base64
    from urllib.parse import quote_plus

    s = stack("patterns/valet-key")
    s3 = boto3.client("s3")
    bucket = s.bucket("FilesBucket")
    granted = s.call("ValetFunction", s.event("upload.json"))
    assert granted["statusCode"] == 201
    body = json.loads(granted["body"])
    file_id, fields = body["fileId"], body["fields"]
    key = fields["key"]
    assert key == f"uploads/{file_id}/invoice_2026-11.pdf"  # the function chose the key
    assert bucket in body["url"]
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, 48213] in policy["conditions"]
    assert {"key": key} in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    item = s.table("FilesTable").get_item(Key={"fileId": file_id})["Item"]
    assert item["status"] == "PENDING" and item["owner"].endswith(":user/ana")

    # Nothing to download until S3 says the object arrived.
    early = s.call("ValetFunction", s.event("download.json", FILE_ID=file_id))
    assert early["statusCode"] == 409

    s3.put_object(Bucket=bucket, Key=key, Body=b"%PDF-1.7 " + b"x" * 48204)
    created = s.event("object-created.json", FILES_BUCKET=bucket, OBJECT_KEY=quote_plus(key))
    assert s.call("RecordFunction", created) == {"recorded": [key]}
    assert s.call("RecordFunction", created) == {"recorded": []}  # a repeated event: no change
    item = s.table("FilesTable").get_item(Key={"fileId": file_id})["Item"]
    assert item["status"] == "UPLOADED" and item["size"] == 48213

    read = s.call("ValetFunction", s.event("download.json", FILE_ID=file_id))
    assert read["statusCode"] == 200
    url = json.loads(read["body"])["url"]
    assert quote_plus(key).replace("+", "%20") in url or key in url
    assert "X-Amz-Expires=300" in url
    stranger = s.event("download.json", FILE_ID=file_id, **{"user/ana": "user/eve"})
    assert s.call("ValetFunction", stranger)["statusCode"] == 404

    too_big = s.event("upload.json", **{"48213": "999999999"})
    assert s.call("ValetFunction", too_big)["statusCode"] == 413
    exe = s.event("upload.json", **{"application/pdf": "application/x-msdownload"})
    assert s.call("ValetFunction", exe)["statusCode"] == 415


# --- websocket-push ---


def test_websocket_push_reaches_each_follower_and_forgets_closed_ones(stack, monkeypatch):
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends

    s = stack("patterns/websocket-push")
    table = s.table("ConnectionsTable")
    for connection_id in ("conn-a", "conn-b", "conn-closed"):
        answer = s.call("ConnectionFunction", s.event("connect.json", CONNECTION_ID=connection_id))
        assert answer["statusCode"] == 200
    other = s.event("connect.json", CONNECTION_ID="conn-other", **{"order-42": "order-7"})
    s.call("ConnectionFunction", other)
    item = table.get_item(Key={"connectionId": "conn-a"})["Item"]
    assert item["channel"] == "order-42" and item["expiresAt"] > time.time() + 7000
    bad = s.event("connect.json", CONNECTION_ID="conn-x", **{"order-42": "Order 42!"})
    assert s.call("ConnectionFunction", bad)["statusCode"] == 400

    # moto keeps every post; it cannot model a socket that closed without $disconnect, so
    # that connection answers 410 Gone here the way API Gateway would.
    real_client = boto3.client

    def client(name, **kwargs):
        made = real_client(name, **kwargs)
        if name == "apigatewaymanagementapi":
            post = made.post_to_connection

            def post_or_gone(**args):
                if args["ConnectionId"] == "conn-closed":
                    error = {"Error": {"Code": "GoneException", "Message": "closed"}}
                    raise made.exceptions.GoneException(error, "PostToConnection")
                return post(**args)

            made.post_to_connection = post_or_gone
        return made

    monkeypatch.setattr(boto3, "client", client)
    endpoint = "https://abc123.execute-api.us-east-1.amazonaws.com/live"
    pushed = s.call("PushFunction", s.event("status-changed.json"), CONNECTIONS_ENDPOINT=endpoint)
    assert pushed == {"sent": 2, "gone": 1}
    account = real_client("sts").get_caller_identity()["Account"]
    sockets = apigatewaymanagementapi_backends[account]["us-east-1"].connections
    for connection_id in ("conn-a", "conn-b"):
        message = json.loads(sockets[connection_id].data)
        assert message == {
            "type": "OrderStatusChanged",
            "data": {"channel": "order-42", "orderId": "order-42", "status": "SHIPPED"},
        }
    assert sockets["conn-other"].data == b""  # another channel hears nothing
    assert "Item" not in table.get_item(Key={"connectionId": "conn-closed"})

    s.call("ConnectionFunction", s.event("disconnect.json", CONNECTION_ID="conn-b"))
    assert "Item" not in table.get_item(Key={"connectionId": "conn-b"})
    again = s.call("PushFunction", s.event("status-changed.json"), CONNECTIONS_ENDPOINT=endpoint)
    assert again == {"sent": 1, "gone": 0}


# --- graphql-api ---


def test_graphql_quote_function_answers_a_batch_in_order(stack):
    s = stack("patterns/graphql-api")
    batch = s.event("batch-quote.json")
    quotes = s.call("QuoteFunction", batch)
    assert quotes == [
        {"amount": 9.8, "currency": "EUR", "days": 1},  # 2 kg to Germany
        {"amount": 74.7, "currency": "EUR", "days": 7},  # 3 started kg, elsewhere
        None,  # no items, nothing to ship
    ]
    # One parent without batching gets one answer, the same as inside the batch.
    assert s.call("QuoteFunction", batch[0]) == quotes[0]
    # The resolver that sends the batch is bound to this function through its data source.
    resources = load(stack_paths(s.id)).resources
    resolver = resources["ShippingQuoteResolver"]["Properties"]
    assert resolver["MaxBatchSize"] == 10 and "BatchInvoke" in resolver["Code"]
    source = resources["QuoteDataSource"]["Properties"]["LambdaConfig"]["LambdaFunctionArn"]
    assert source == {"Fn::GetAtt": ["QuoteFunction", "Arn"]}


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

    class Provider(_Quiet):
        def do_POST(self):
            calls.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"chargeId": f"ch_{len(calls)}"}).encode())

    return start_server(Provider) + "/charges", calls


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
