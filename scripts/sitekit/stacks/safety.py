"""Safe by default: the rules every stack's expanded template must follow.

- IAM statements name their actions and resources: no ``*`` or ``service:*`` action, no
  NotAction/NotResource, and a ``*`` resource only for actions that accept no resource ARN.
- No AWS managed policy, except one in MANAGED_POLICIES whose every action takes no resource
  ARN (so its ``*`` is as narrow as IAM allows); a function's role has none at all.
- Every function runs with its own explicit role (``Role: !GetAtt <Fn>Role.Arn``), not SAM's
  automatic one (whose AWSLambdaBasicExecutionRole writes to every log group), and that role's
  log statements name the function's own log group and nothing else.
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
    "xray:GetSamplingStatisticSummaries",
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
    # Bedrock's RetrieveAndGenerate: the knowledge base, model and guardrail it uses are
    # authorized by their own actions (bedrock:Retrieve, InvokeModel, ApplyGuardrail).
    "bedrock:RetrieveAndGenerate",
}
# AWS managed policies a stack may attach, with the actions each grants (copied from its page in
# the AWS managed policy reference). SAM attaches AWSXrayWriteOnlyAccess to a state machine's
# role with `Tracing: Enabled`; its five actions accept no resource ARN, so "*" is all IAM
# allows. A function's role may attach none: write its X-Ray statement inline. Poll-based
# consumers never use the managed *ExecutionRole policies, which grant on "*".
MANAGED_POLICIES = {
    "AWSXrayWriteOnlyAccess": {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
    },
}
FUNCTION_TYPES = ("AWS::Lambda::Function",)
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
                granted = MANAGED_POLICIES.get(policy_name, {"*"})
                if not str(text).startswith("arn:") or not granted <= NO_RESOURCE_ACTIONS:
                    self.report(
                        name,
                        f"managed policy {policy_name!r} is not allowed: write an inline policy "
                        "that names its actions and resources",
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

    def function_roles(self) -> None:
        """Each function runs with a role of its own, written in the template, that logs to
        the function's own log group only and attaches no managed policy."""
        authored_roles = {
            n for n, r in self.template.resources.items() if r.get("Type") == "AWS::IAM::Role"
        }
        groups = self.log_groups()
        for name, resource in self.template.resources.items():
            props = resource.get("Properties") or {}
            if resource.get("Type") == "AWS::Serverless::Function" and "Role" in props:
                if props.get("Policies"):
                    self.report(
                        name,
                        "Policies on a function with an explicit Role: SAM ignores them, so "
                        "they grant nothing; write the statements in the role",
                    )
        for name, props in self.of_type(*FUNCTION_TYPES):
            roles = references(props.get("Role")) & set(self.resources)
            if not roles or not roles <= authored_roles:
                self.report(
                    name,
                    "function without an explicit role: SAM's automatic role attaches "
                    "AWSLambdaBasicExecutionRole (logs on '*'); add Role: !GetAtt "
                    f"{owner(name, self.authored)}Role.Arn and an AWS::IAM::Role that logs to "
                    "its own log group",
                )
                continue
            own = set(groups.get(name, []))
            for role in sorted(roles):
                self.role_of(name, role, own)

    def role_of(self, function: str, role: str, own: set[str]) -> None:
        props = self.resources[role].get("Properties") or {}
        if props.get("ManagedPolicyArns"):
            self.report(role, "a function's role attaches a managed policy: write it inline")
        granted: set[str] = set()
        for policy in props.get("Policies", []) or []:
            document = (policy or {}).get("PolicyDocument") or {}
            for statement in _list(document.get("Statement", [])):
                if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                    continue
                actions = {str(a) for a in _list(statement.get("Action", []))}
                logs = {a for a in actions if a.startswith("logs:")} - NO_RESOURCE_ACTIONS
                if not logs:
                    continue
                named = references(statement.get("Resource"))
                plain = [r for r in _list(statement.get("Resource", [])) if isinstance(r, str)]
                if plain or not named or not named <= own:
                    self.report(
                        role,
                        f"{', '.join(sorted(logs))} on something other than the log group of "
                        f"{owner(function, self.authored)} ({', '.join(sorted(own)) or 'none'}): "
                        "name only !GetAtt <Fn>Logs.Arn",
                    )
                else:
                    granted |= logs
        missing = {"logs:CreateLogStream", "logs:PutLogEvents"} - granted
        if own and missing:
            self.report(
                role,
                f"the role cannot write its function's logs: allow {', '.join(sorted(missing))} "
                "on !GetAtt <Fn>Logs.Arn",
            )

    def log_groups(self) -> dict[str, list[str]]:
        """Each function's own log groups: named after it, or set in its LoggingConfig."""
        groups = dict(self.of_type("AWS::Logs::LogGroup"))
        return {
            name: [
                g
                for g, group in groups.items()
                if _refers(group.get("LogGroupName"), name)
                or _refers((props.get("LoggingConfig") or {}).get("LogGroup"), g)
            ]
            for name, props in self.of_type(*FUNCTION_TYPES)
        }

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
        for name, named in self.log_groups().items():
            if not named:
                self.report(
                    name,
                    "function without its own log group: add an AWS::Logs::LogGroup with "
                    "RetentionInDays and set the function's LoggingConfig: LogGroup to it",
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
    checker.function_roles()
    checker.storage()
    checker.logs()
    checker.async_failures()
    checker.apis()
    return sorted(set(checker.problems))
