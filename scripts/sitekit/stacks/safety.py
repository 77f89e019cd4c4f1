"""Safe by default: the rules every stack's expanded template must follow.

- IAM statements name their actions and resources: no ``*`` or ``service:*`` action, no
  NotAction/NotResource, and a ``*`` resource only for actions that accept no resource ARN.
- Only the AWS managed policies in MANAGED_POLICIES (see why there).
- No public bucket; buckets, queues, topics, tables and streams are encrypted.
- Every function has a log group with a retention.
- Every asynchronous consumer has somewhere for failures to go: an on-failure destination or
  dead-letter queue for Lambda's async invocations and stream mappings, a redrive policy on a
  queue a function polls, a dead-letter queue on an EventBridge target that is not a function.
- Every API stage is throttled, and every route has an authorizer unless the template says
  under ``Metadata: Deploy: OpenApi:`` why the demo is open (the page shows that reason).
"""

from __future__ import annotations

from typing import Any

from sitekit.stacks.agreement import references
from sitekit.stacks.template import Template
from sitekit.stacks.transform import owner

# Actions whose AWS authorization reference lists no resource type: only "*" can grant them.
NO_RESOURCE_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",
    "states:ListStateMachines",
    "sns:ListTopics",
    # CloudWatch Logs' log-delivery actions (Step Functions and API logging use them).
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}
# AWS managed policies a stack may attach. SAM attaches AWSLambdaBasicExecutionRole to every
# function role it creates (log writes; the policy is AWS's, so its "*" is not ours to narrow),
# and AWSXrayWriteOnlyAccess with `Tracing: Active` (X-Ray actions take no resource ARN).
# Poll-based consumers use explicit event source mappings with SAM's SQSPollerPolicy or
# KinesisStreamReadPolicy, never the managed *ExecutionRole policies, which grant on "*".
MANAGED_POLICIES = {"AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess"}
ASYNC_PRINCIPALS = {
    "s3.amazonaws.com",
    "sns.amazonaws.com",
    "events.amazonaws.com",
    "scheduler.amazonaws.com",
}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _refers(value: Any, name: str) -> bool:
    return name in references(value)


class _Checker:
    def __init__(self, template: Template, expanded: dict):
        self.template = template
        self.resources: dict[str, dict] = expanded.get("Resources", {})
        self.authored = list(template.resources)
        self.problems: list[str] = []

    def report(self, logical_id: str, message: str) -> None:
        where = self.template.where("Resources", owner(logical_id, self.authored))
        self.problems.append(f"{where}: {message}")

    def of_type(self, *types: str):
        for name, resource in self.resources.items():
            if resource.get("Type") in types:
                yield name, resource.get("Properties") or {}

    # --- IAM -------------------------------------------------------------------------------
    def statements(self, name: str, document: Any) -> None:
        if not isinstance(document, dict):
            return
        for statement in _list(document.get("Statement", [])):
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            if "NotAction" in statement or "NotResource" in statement:
                self.report(name, "an IAM statement uses NotAction or NotResource: name them")
            actions = [str(a) for a in _list(statement.get("Action", []))]
            for action in actions:
                if action == "*" or action.endswith(":*"):
                    self.report(name, f"IAM action {action!r} allows every action: name them")
            if "*" in _list(statement.get("Resource", [])):
                broad = sorted(a for a in actions if a not in NO_RESOURCE_ACTIONS)
                if broad:
                    self.report(
                        name,
                        f"IAM resource '*' for {', '.join(broad)}: name the ARNs (a SAM "
                        "policy template or !GetAtt), '*' only for actions without resource ARNs",
                    )

    def iam(self) -> None:
        for name, props in self.of_type("AWS::IAM::Role"):
            for policy in props.get("Policies", []) or []:
                self.statements(name, (policy or {}).get("PolicyDocument"))
            for arn in props.get("ManagedPolicyArns", []) or []:
                text = arn.get("Fn::Sub", "") if isinstance(arn, dict) else str(arn)
                policy_name = str(text).rsplit("/", 1)[-1]
                if not str(text).startswith("arn:") or policy_name not in MANAGED_POLICIES:
                    self.report(
                        name,
                        f"managed policy {policy_name!r} is not allowed: grant named actions on "
                        "named resources instead (SAM policy templates)",
                    )
        for name, props in self.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            self.statements(name, props.get("PolicyDocument"))
        for name, props in self.of_type(
            "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"
        ):
            document = props.get("PolicyDocument") or {}
            for statement in _list(document.get("Statement", [])):
                principal = (statement or {}).get("Principal")
                if statement.get("Effect") == "Allow" and principal in ("*", {"AWS": "*"}):
                    self.report(name, "a resource policy allows everyone ('*'): name the principal")

    # --- Encryption and public access -------------------------------------------------------
    def storage(self) -> None:
        for name, props in self.of_type("AWS::S3::Bucket"):
            block = props.get("PublicAccessBlockConfiguration") or {}
            flags = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls")
            if not all(block.get(f) is True for f in (*flags, "RestrictPublicBuckets")):
                self.report(
                    name, "bucket without a full PublicAccessBlockConfiguration: set all four"
                )
            if not props.get("BucketEncryption"):
                self.report(name, "bucket without BucketEncryption: set SSE-S3 or SSE-KMS")
            if props.get("WebsiteConfiguration"):
                self.report(name, "bucket with website hosting: serve it through CloudFront + OAC")
        for name, props in self.of_type("AWS::SQS::Queue"):
            if props.get("SqsManagedSseEnabled") is not True and not props.get("KmsMasterKeyId"):
                self.report(name, "queue not encrypted: set SqsManagedSseEnabled: true")
        for name, props in self.of_type("AWS::SNS::Topic"):
            if not props.get("KmsMasterKeyId"):
                self.report(name, "topic not encrypted: set KmsMasterKeyId (alias/aws/sns)")
        for name, props in self.of_type("AWS::DynamoDB::Table"):
            if (props.get("SSESpecification") or {}).get("SSEEnabled") is not True:
                self.report(name, "table without SSESpecification: SSEEnabled: true")
        for name, props in self.of_type("AWS::Kinesis::Stream"):
            if not props.get("StreamEncryption"):
                self.report(name, "stream not encrypted: set StreamEncryption (alias/aws/kinesis)")

    # --- Logs -------------------------------------------------------------------------------
    def logs(self) -> None:
        groups = dict(self.of_type("AWS::Logs::LogGroup"))
        for name, props in self.of_type("AWS::Lambda::Function"):
            named = [
                g
                for g, group in groups.items()
                if _refers(group.get("LogGroupName"), name)
                or _refers((props.get("LoggingConfig") or {}).get("LogGroup"), g)
            ]
            if not named:
                self.report(
                    name,
                    "function without its own log group: add an AWS::Logs::LogGroup named "
                    "!Sub /aws/lambda/${Function} with RetentionInDays",
                )
            for group in named:
                if not groups[group].get("RetentionInDays"):
                    self.report(group, "log group without RetentionInDays")

    # --- Failures of asynchronous consumers --------------------------------------------------
    def async_failures(self) -> None:
        handled = set()
        for _, props in self.of_type("AWS::Lambda::EventInvokeConfig"):
            if ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"):
                handled |= references(props.get("FunctionName"))
        for name, props in self.of_type("AWS::Lambda::Function"):
            if (props.get("DeadLetterConfig") or {}).get("TargetArn"):
                handled.add(name)
        for _, props in self.of_type("AWS::Lambda::Permission"):
            if props.get("Principal") in ASYNC_PRINCIPALS:
                for function in references(props.get("FunctionName")):
                    if function in self.resources and function not in handled:
                        self.report(
                            function,
                            f"invoked asynchronously by {props['Principal']} without an "
                            "on-failure destination or dead-letter queue: add "
                            "EventInvokeConfig: DestinationConfig: OnFailure",
                        )
        queues = dict(self.of_type("AWS::SQS::Queue"))
        for name, props in self.of_type("AWS::Lambda::EventSourceMapping"):
            source = references(props.get("EventSourceArn"))
            for queue in source & set(queues):
                if not queues[queue].get("RedrivePolicy"):
                    self.report(queue, "a function polls this queue, which has no RedrivePolicy")
            streams = {
                s for s in source if self.resources.get(s, {}).get("Type") != "AWS::SQS::Queue"
            }
            on_failure = (props.get("DestinationConfig") or {}).get("OnFailure") or {}
            if streams and not on_failure.get("Destination"):
                self.report(name, "stream mapping without DestinationConfig: OnFailure")
        for name, props in self.of_type("AWS::Events::Rule"):
            for target in props.get("Targets", []) or []:
                arn = references(target.get("Arn"))
                is_function = any(
                    self.resources.get(a, {}).get("Type") == "AWS::Lambda::Function" for a in arn
                )
                if not is_function and not target.get("DeadLetterConfig"):
                    self.report(name, f"rule target {target.get('Id')} has no DeadLetterConfig")

    # --- APIs ---------------------------------------------------------------------------------
    def apis(self) -> None:
        open_reason = self.template.metadata("Deploy", "OpenApi")
        for name, props in self.of_type("AWS::ApiGateway::Stage"):
            settings = props.get("MethodSettings") or []
            if not any(
                "ThrottlingRateLimit" in s and "ThrottlingBurstLimit" in s for s in settings
            ):
                self.report(name, "API stage without throttling: set MethodSettings Throttling*")
        for name, props in self.of_type("AWS::ApiGatewayV2::Stage"):
            route = props.get("DefaultRouteSettings") or {}
            if "ThrottlingRateLimit" not in route or "ThrottlingBurstLimit" not in route:
                self.report(name, "API stage without throttling: set DefaultRouteSettings")
        if open_reason:
            return
        for name, props in self.of_type("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            paths = (props.get("Body") or {}).get("paths") or {}
            for path, operations in paths.items():
                for method, operation in (operations or {}).items():
                    if method in ("options", "parameters") or not isinstance(operation, dict):
                        continue
                    if not operation.get("security"):
                        self.report(
                            name,
                            f"{method.upper()} {path} has no authorizer: add one, or say why "
                            "the demo is open under Metadata: Deploy: OpenApi",
                        )
        # A WebSocket API authorizes the connection once, on $connect: API Gateway takes an
        # authorizer on no other route, so only $connect must have one.
        websockets = {
            n
            for n, p in self.of_type("AWS::ApiGatewayV2::Api")
            if p.get("ProtocolType") == "WEBSOCKET"
        }
        for name, props in self.of_type("AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Route"):
            if references(props.get("ApiId")) & websockets and props.get("RouteKey") != "$connect":
                continue
            if (
                props.get("AuthorizationType", "NONE") == "NONE"
                and props.get("HttpMethod") != "OPTIONS"
            ):
                self.report(name, "route without an authorizer: set AuthorizationType")


def check(template: Template, expanded: dict) -> list[str]:
    """Every broken safety rule in the expanded template, as ``path:line: message``."""
    checker = _Checker(template, expanded)
    checker.iam()
    checker.storage()
    checker.logs()
    checker.async_failures()
    checker.apis()
    return sorted(set(checker.problems))
