"""Lambda execution without Docker: the function's own code runs, as AWS would run it."""

from __future__ import annotations

import base64
import io
import json
import uuid
import zipfile
from typing import Any

import pytest
import requests

from emulator import EmulatorThread
from emulator.awslambda import async_invoke
from emulator.core.app import WAIT_IDLE_PATH
from tests.test_emulator.conftest import REGION, ClientFactory

# One handler module serves every test: the event says what to do.
HANDLER_SOURCE = """
import json, os, time

def handler(event, context):
    print("event", json.dumps(event, sort_keys=True))
    action = event.get("action", "echo") if isinstance(event, dict) else "echo"
    if action == "fail":
        raise ValueError("flag store unavailable")
    if action == "sleep":
        time.sleep(event["seconds"])
    if action == "record":
        import boto3
        boto3.client("sqs").send_message(QueueUrl=os.environ["RECORD_QUEUE_URL"],
                                         MessageBody=json.dumps(event))
    return {"echo": event, "colour": os.environ.get("COLOUR"),
            "region": os.environ["AWS_DEFAULT_REGION"],
            "remaining_ms": context.get_remaining_time_in_millis(),
            "request_id": context.aws_request_id}
"""
RECORDING_SOURCE = """
import json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["RECORD_QUEUE_URL"],
                                     MessageBody=json.dumps(event))
    return "recorded"
"""


def package(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
# What these tests' functions and Lambda (for them) do with the role: write logs, send to
# queues, topics, functions and buses. The emulator authorises every such call.
TEST_FUNCTION_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "sqs:SendMessage",
                "sns:Publish",
                "lambda:InvokeFunction",
                "events:PutEvents",
            ],
            "Resource": "*",
        }
    ],
}


def make_role(aws: ClientFactory, policy: dict[str, Any] | None = None) -> str:
    """A function role with TEST_FUNCTION_POLICY inline (or ``policy``; {} for none)."""
    name = f"fn-{uuid.uuid4().hex[:8]}"
    iam = aws("iam")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    document = TEST_FUNCTION_POLICY if policy is None else policy
    if document:
        iam.put_role_policy(RoleName=name, PolicyName="test", PolicyDocument=json.dumps(document))
    return str(role["Role"]["Arn"])


def make_queue(aws: ClientFactory, name: str) -> tuple[str, str]:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=f"{name}-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def make_function(
    aws: ClientFactory,
    source: str = HANDLER_SOURCE,
    *,
    policy: dict[str, Any] | None = None,
    **settings: Any,
) -> dict[str, Any]:
    name = f"fn-{uuid.uuid4().hex[:10]}"
    settings.setdefault("Timeout", 5)
    return dict(
        aws("lambda").create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=make_role(aws, policy),
            Handler="app.handler",
            Code={"ZipFile": package(source)},
            **settings,
        )
    )


def receive_all(aws: ClientFactory, url: str) -> list[dict[str, Any]]:
    messages = aws("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )
    return list(messages.get("Messages", []))


def log_messages(aws: ClientFactory, group: str) -> list[str]:
    logs = aws("logs")
    lines: list[str] = []
    for stream in logs.describe_log_streams(logGroupName=group)["logStreams"]:
        events = logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"])
        lines.extend(event["message"] for event in events["events"])
    return lines


def invoke(aws: ClientFactory, name: str, event: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    response = aws("lambda").invoke(FunctionName=name, Payload=json.dumps(event), **kwargs)
    response["Body"] = response["Payload"].read()
    return dict(response)


def wait_idle() -> None:
    assert async_invoke.wait_idle(30), "asynchronous invocations still pending after 30 s"


# ------------------------------------------------------------------ synchronous invokes


def test_sync_invoke_runs_the_handler_with_its_environment(aws: ClientFactory) -> None:
    fn = make_function(aws, Environment={"Variables": {"COLOUR": "green"}})
    response = invoke(aws, fn["FunctionName"], {"flag": "checkout"}, LogType="Tail")
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    result = json.loads(response["Body"])
    assert result["echo"] == {"flag": "checkout"}
    assert result["colour"] == "green"
    assert result["region"] == REGION
    assert 0 < result["remaining_ms"] <= 5000
    tail = base64.b64decode(response["LogResult"]).decode()
    assert f"START RequestId: {result['request_id']} Version: $LATEST" in tail
    assert 'event {"flag": "checkout"}' in tail


def test_function_calls_back_into_the_emulator(aws: ClientFactory) -> None:
    url, _ = make_queue(aws, "records")
    fn = make_function(aws, Environment={"Variables": {"RECORD_QUEUE_URL": url}})
    response = invoke(aws, fn["FunctionName"], {"action": "record", "n": 1})
    assert "FunctionError" not in response, response["Body"]
    assert [json.loads(m["Body"]) for m in receive_all(aws, url)] == [{"action": "record", "n": 1}]


def test_unhandled_error_returns_lambdas_error_shape(aws: ClientFactory) -> None:
    fn = make_function(aws)
    response = invoke(aws, fn["FunctionName"], {"action": "fail"})
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    error = json.loads(response["Body"])
    assert error["errorType"] == "ValueError"
    assert error["errorMessage"] == "flag store unavailable"
    assert any('File "/var/task/app.py"' in frame for frame in error["stackTrace"])


def test_timeout_kills_the_function_and_reports_it(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    fn = make_function(aws, Timeout=1)
    response = invoke(aws, fn["FunctionName"], {"action": "sleep", "seconds": 30})
    assert response["FunctionError"] == "Unhandled"
    error = json.loads(response["Body"])
    assert error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"].endswith("Task timed out after 1.00 seconds")
    lines = log_messages(aws, f"/aws/lambda/{fn['FunctionName']}")
    assert any(line.endswith("Task timed out after 1.00 seconds") for line in lines)


def test_import_error_is_reported_like_the_python_runtime(
    in_process_clients: ClientFactory,
) -> None:
    aws = in_process_clients
    fn = make_function(aws, source="import not_installed_module\n")
    response = invoke(aws, fn["FunctionName"], {})
    error = json.loads(response["Body"])
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert "Unable to import module 'app'" in error["errorMessage"]


def test_dry_run_checks_access_without_running(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    fn = make_function(aws)
    response = invoke(aws, fn["FunctionName"], {}, InvocationType="DryRun")
    assert response["StatusCode"] == 204
    assert not aws("logs").describe_log_groups(
        logGroupNamePrefix=f"/aws/lambda/{fn['FunctionName']}"
    )["logGroups"]


def test_logs_go_to_the_configured_log_group(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    fn = make_function(aws, LoggingConfig={"LogFormat": "Text", "LogGroup": "/custom/flags"})
    invoke(aws, fn["FunctionName"], {"hello": "logs"})
    lines = log_messages(aws, "/custom/flags")
    assert 'event {"hello": "logs"}' in lines
    assert any(line.startswith("REPORT RequestId: ") for line in lines)


# ------------------------------------------------------------------ asynchronous invokes


def test_event_invoke_retries_then_sends_the_failure_record(aws: ClientFactory) -> None:
    url, queue_arn = make_queue(aws, "failures")
    fn = make_function(aws)
    aws("lambda").put_function_event_invoke_config(
        FunctionName=fn["FunctionName"],
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    response = invoke(aws, fn["FunctionName"], {"action": "fail"}, InvocationType="Event")
    assert response["StatusCode"] == 202
    wait_idle()
    [message] = receive_all(aws, url)
    record = json.loads(message["Body"])
    assert record["version"] == "1.0"
    assert record["requestContext"]["functionArn"] == f"{fn['FunctionArn']}:$LATEST"
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestPayload"] == {"action": "fail"}
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"]["errorMessage"] == "flag store unavailable"
    starts = [
        line
        for line in log_messages(aws, f"/aws/lambda/{fn['FunctionName']}")
        if line.startswith("START")
    ]
    assert (
        starts == [f"START RequestId: {record['requestContext']['requestId']} Version: $LATEST"] * 2
    )


def test_default_retry_policy_is_two_retries_then_dead_letter_queue(
    in_process_clients: ClientFactory,
) -> None:
    aws = in_process_clients
    url, queue_arn = make_queue(aws, "dlq")
    fn = make_function(aws, DeadLetterConfig={"TargetArn": queue_arn})
    invoke(aws, fn["FunctionName"], {"action": "fail", "id": 7}, InvocationType="Event")
    wait_idle()
    [message] = receive_all(aws, url)
    assert json.loads(message["Body"]) == {"action": "fail", "id": 7}
    attributes = message["MessageAttributes"]
    assert attributes["ErrorCode"] == {"StringValue": "200", "DataType": "Number"}
    assert attributes["ErrorMessage"]["StringValue"] == "flag store unavailable"
    request_id = attributes["RequestID"]["StringValue"]
    lines = log_messages(aws, f"/aws/lambda/{fn['FunctionName']}")
    assert lines.count(f"START RequestId: {request_id} Version: $LATEST") == 3


def test_event_older_than_maximum_age_is_not_retried(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    url, queue_arn = make_queue(aws, "aged")
    fn = make_function(aws)
    aws("lambda").put_function_event_invoke_config(
        FunctionName=fn["FunctionName"],
        MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    invoke(aws, fn["FunctionName"], {"action": "fail"}, InvocationType="Event")
    wait_idle()
    [message] = receive_all(aws, url)
    context = json.loads(message["Body"])["requestContext"]
    assert context["condition"] == "EventAgeExceeded"
    assert context["approximateInvokeCount"] == 1


def test_success_goes_to_the_on_success_destination(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    url, queue_arn = make_queue(aws, "successes")
    fn = make_function(aws)
    aws("lambda").put_function_event_invoke_config(
        FunctionName=fn["FunctionName"],
        DestinationConfig={"OnSuccess": {"Destination": queue_arn}},
    )
    invoke(aws, fn["FunctionName"], {"ok": True}, InvocationType="Event")
    wait_idle()
    [message] = receive_all(aws, url)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "Success"
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"]["echo"] == {"ok": True}


# ------------------------------------------------------------------ event sources


def test_sns_subscription_invokes_the_function_with_an_sns_event(aws: ClientFactory) -> None:
    url, _ = make_queue(aws, "sns-records")
    fn = make_function(aws, RECORDING_SOURCE, Environment={"Variables": {"RECORD_QUEUE_URL": url}})
    sns = aws("sns")
    topic = sns.create_topic(Name=f"alarms-{uuid.uuid4().hex[:8]}")["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn["FunctionArn"])
    message_id = sns.publish(TopicArn=topic, Message="flag broke", Subject="ALARM")["MessageId"]
    wait_idle()
    [message] = receive_all(aws, url)
    [record] = json.loads(message["Body"])["Records"]
    assert record["EventSource"] == "aws:sns"
    assert record["EventSubscriptionArn"] == subscription["SubscriptionArn"]
    assert record["Sns"]["TopicArn"] == topic
    assert record["Sns"]["MessageId"] == message_id
    assert record["Sns"]["Message"] == "flag broke"
    assert record["Sns"]["Subject"] == "ALARM"
    assert record["Sns"]["Type"] == "Notification"


def test_eventbridge_rule_invokes_the_function_with_the_event(aws: ClientFactory) -> None:
    url, _ = make_queue(aws, "eb-records")
    fn = make_function(aws, RECORDING_SOURCE, Environment={"Variables": {"RECORD_QUEUE_URL": url}})
    events = aws("events")
    rule = f"flags-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["my.app"]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "fn", "Arn": fn["FunctionArn"]}])
    events.put_events(
        Entries=[
            {"Source": "other.app", "DetailType": "Ignored", "Detail": "{}"},
            {"Source": "my.app", "DetailType": "Flag Broke", "Detail": '{"flag": "x"}'},
        ]
    )
    wait_idle()
    [message] = receive_all(aws, url)
    event = json.loads(message["Body"])
    assert event["source"] == "my.app"
    assert event["detail-type"] == "Flag Broke"
    assert event["detail"] == {"flag": "x"}
    assert event["account"] == "123456789012"
    assert event["time"].endswith("Z")


def test_eventbridge_target_input_transformer_and_input_path(
    in_process_clients: ClientFactory,
) -> None:
    aws = in_process_clients
    url, _ = make_queue(aws, "eb-shaped")
    fn = make_function(aws, RECORDING_SOURCE, Environment={"Variables": {"RECORD_QUEUE_URL": url}})
    events = aws("events")
    events.put_rule(Name="shaped", EventPattern=json.dumps({"source": ["my.app"]}))
    events.put_targets(
        Rule="shaped",
        Targets=[
            {"Id": "path", "Arn": fn["FunctionArn"], "InputPath": "$.detail"},
            {
                "Id": "template",
                "Arn": fn["FunctionArn"],
                "InputTransformer": {
                    "InputPathsMap": {"flag": "$.detail.flag"},
                    "InputTemplate": '{"action": "rollback", "flag": <flag>}',
                },
            },
            {"Id": "constant", "Arn": fn["FunctionArn"], "Input": '{"action": "status"}'},
        ],
    )
    events.put_events(Entries=[{"Source": "my.app", "DetailType": "X", "Detail": '{"flag": "f"}'}])
    wait_idle()
    received = sorted((json.loads(m["Body"]) for m in receive_all(aws, url)), key=json.dumps)
    assert received == sorted(
        [{"flag": "f"}, {"action": "rollback", "flag": "f"}, {"action": "status"}], key=json.dumps
    )


# ------------------------------------------------------------------ over HTTP


def test_wait_idle_route_reports_quiescence(emulator_server: EmulatorThread) -> None:
    url = f"{emulator_server.endpoint}{WAIT_IDLE_PATH}"
    assert requests.post(url, json={"timeout": 5}, timeout=10).json() == {"idle": True}
    bad = requests.post(url, json={"timeout": "soon"}, timeout=10)
    assert bad.status_code == 400
    assert "timeout" in bad.json()["error"]


def test_wait_idle_times_out_while_work_is_pending(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    fn = make_function(aws, Timeout=3)
    invoke(aws, fn["FunctionName"], {"action": "sleep", "seconds": 1}, InvocationType="Event")
    assert async_invoke.pending() >= 1
    assert async_invoke.wait_idle(0.05) is False
    wait_idle()
    assert async_invoke.pending() == 0


def test_retry_time_factor_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="finite number >= 0"):
        async_invoke.set_retry_time_factor(-1)
    previous = async_invoke.set_retry_time_factor(0.002)
    try:
        assert async_invoke.set_retry_time_factor(previous) == 0.002
    finally:
        async_invoke.set_retry_time_factor(previous)


def test_unknown_function_is_a_not_found_error(aws: ClientFactory) -> None:
    client = aws("lambda")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="does-not-exist", Payload=b"{}")


def test_publishing_to_a_deleted_function_still_succeeds(in_process_clients: ClientFactory) -> None:
    aws = in_process_clients
    fn = make_function(aws)
    sns = aws("sns")
    topic = sns.create_topic(Name="orphan")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn["FunctionArn"])
    aws("lambda").delete_function(FunctionName=fn["FunctionName"])
    assert sns.publish(TopicArn=topic, Message="nobody home")["MessageId"]
    wait_idle()
