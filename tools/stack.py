"""Run the whole product locally: the emulator, Terraform against it, and readers of the result.

One module shared by the end-to-end tests (``tests/e2e``) and ``make demo``
(``tools/demo.py``), so both start the emulator, run Terraform, wait for asynchronous
work and read the deployed flags the same way.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_appconfig import AppConfigClient
    from mypy_boto3_appconfigdata import AppConfigDataClient
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_kms.type_defs import KeyMetadataTypeDef
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

ROOT = Path(__file__).resolve().parent.parent
ZIP_PATH = ROOT / "modules" / "rollback-function" / "package" / "flag-rollback.zip"
REGION = "us-east-1"
T = TypeVar("T")


class StackError(RuntimeError):
    """A step of the local stack failed; the message says which and why."""


# ------------------------------------------------------------------ waiting


def wait_for(
    condition: Callable[[], T | None],
    *,
    what: str,
    timeout: float = 30.0,
    interval: float = 0.1,
) -> T:
    """Poll ``condition`` until it returns a truthy value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# ------------------------------------------------------------------ environment


def aws_environment(endpoint: str) -> dict[str, str]:
    """Variables that point boto3 and the Terraform provider at the emulator."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def _without_aws(env: Mapping[str, str]) -> dict[str, str]:
    """The environment minus AWS settings (a real profile or endpoint must never leak in)."""
    return {key: value for key, value in env.items() if not key.startswith("AWS_")}


def terraform_environment(endpoint: str) -> dict[str, str]:
    """The process environment for a Terraform run against the emulator at ``endpoint``."""
    env = {**_without_aws(os.environ), **aws_environment(endpoint)}
    env.setdefault("TF_IN_AUTOMATION", "1")
    return env


def terraform_binary() -> str:
    """The terraform executable (``$TERRAFORM``, default ``terraform``) found on PATH."""
    found = shutil.which(os.environ.get("TERRAFORM", "terraform"))
    if not found:
        raise StackError("terraform not found on PATH: install Terraform >= 1.7")
    return found


def missing_prerequisites() -> list[str]:
    """Say what the local stack needs and does not find; an empty list means ready."""
    missing = []
    try:
        terraform_binary()
    except StackError as error:
        missing.append(str(error))
    if not ZIP_PATH.is_file():
        missing.append(f"{ZIP_PATH.relative_to(ROOT)} not found: run `make build`")
    return missing


# ------------------------------------------------------------------ emulator


class Emulator:
    """The project's AWS emulator (``python -m tests.emulator``) in a child process.

    A child process, not a thread: Lambda functions, Terraform and the tests all reach
    it over HTTP, and its moto state stays apart from any in-process moto mock of
    other test suites. It runs in its own process group so that a Ctrl-C in the
    terminal leaves it up until Terraform has destroyed the stack.
    """

    READY = re.compile(r"emulator listening on (?P<endpoint>http://\S+)")

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.endpoint = ""
        self._ready = threading.Event()
        self._output: collections.deque[str] = collections.deque(maxlen=200)
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    @classmethod
    def start(cls, *, timeout: float = 30.0) -> Emulator:
        """Start the emulator on a free loopback port and wait until it listens."""
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.emulator", "--port", "0", "--quiet"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            env={**_without_aws(os.environ), "PYTHONPATH": str(ROOT)},
        )
        emulator = cls(process)
        if not emulator._ready.wait(timeout) or not emulator.endpoint:
            emulator.stop()
            raise StackError(
                f"the emulator did not start within {timeout:.0f} s; its output:\n"
                f"{emulator.output()}"
            )
        return emulator

    def _drain_output(self) -> None:
        if self.process.stdout is None:
            return
        for line in self.process.stdout:
            self._output.append(line.rstrip("\n"))
            if not self._ready.is_set() and (match := self.READY.search(line)):
                self.endpoint = match["endpoint"]
                self._ready.set()
        self._ready.set()  # exited: wake start() so it reports the output

    def output(self) -> str:
        """The last lines the emulator printed (for error messages)."""
        return "\n".join(self._output)

    def post(self, path: str, body: Mapping[str, object], *, timeout: float = 60.0) -> object:
        """POST JSON to one of the emulator's own ``/_emulator/...`` endpoints."""
        request = urllib.request.Request(  # noqa: S310 - loopback URL built here
            f"{self.endpoint}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise StackError(f"POST {path} failed: {error.code} {error.read()!r}") from None
        return json.loads(payload) if payload else None

    def wait_idle(self, *, timeout: float = 30.0) -> None:
        """Block until no Lambda invocation, retry or deployment is in flight."""
        self.post("/_emulator/wait-idle", {"timeout": timeout}, timeout=timeout + 5)

    def stop(self, *, timeout: float = 10.0) -> None:
        """Stop the emulator (SIGINT, then SIGKILL if it does not exit in time)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._drain.join(timeout=1)

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


# ------------------------------------------------------------------ terraform


@dataclass
class Terraform:
    """Run Terraform in ``workdir`` against the emulator at ``endpoint``.

    ``data_dir`` and ``state`` let it work on a stack that pytest-terraform applied
    (which keeps both outside the fixture folder).
    """

    workdir: Path
    endpoint: str
    data_dir: Path | None = None
    state: Path | None = None
    binary: str = field(default_factory=terraform_binary)

    def run(
        self,
        *args: str,
        on_line: Callable[[str], None] | None = None,
        ok_codes: tuple[int, ...] = (0,),
    ) -> tuple[int, str]:
        """Run one command, streaming its output lines to ``on_line``; return (code, output)."""
        env = terraform_environment(self.endpoint)
        if self.data_dir is not None:
            env["TF_DATA_DIR"] = str(self.data_dir)
        command = [self.binary, *args, "-no-color"]
        lines: list[str] = []
        process = subprocess.Popen(
            command,
            cwd=self.workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            for line in process.stdout or ():
                lines.append(line.rstrip("\n"))
                if on_line is not None:
                    on_line(lines[-1])
            code = process.wait()
        except BaseException:
            # Ctrl-C reaches Terraform too: let it stop cleanly and release its state.
            process.wait(timeout=60)
            raise
        output = "\n".join(lines)
        if code not in ok_codes:
            raise StackError(f"terraform {args[0]} failed ({code}):\n{_errors(lines)}")
        return code, output

    def _state_args(self) -> list[str]:
        return [f"-state={self.state}"] if self.state is not None else []

    def init(self) -> None:
        self.run("init", "-input=false")

    def apply(self, on_line: Callable[[str], None] | None = None) -> None:
        """Plan to a file, then apply that plan (its output is progress lines only)."""
        plan = (self.data_dir or self.workdir) / "stack.tfplan"
        self.run("plan", "-input=false", f"-out={plan}", *self._state_args())
        self.run("apply", "-input=false", *self._state_args(), str(plan), on_line=on_line)

    def changes_pending(self) -> str | None:
        """Plan; return the plan text when it shows changes, None when it is clean."""
        code, output = self.run(
            "plan", "-input=false", "-detailed-exitcode", *self._state_args(), ok_codes=(0, 2)
        )
        return output if code == 2 else None

    def destroy(self, on_line: Callable[[str], None] | None = None) -> None:
        self.run("destroy", "-input=false", "-auto-approve", *self._state_args(), on_line=on_line)

    def outputs(self) -> dict[str, Any]:
        """The root module's outputs as plain values."""
        _, text = self.run("output", "-json", *self._state_args())
        return {name: item["value"] for name, item in json.loads(text).items()}


def _errors(lines: list[str]) -> str:
    """Terraform's error blocks (from the first "Error:" on), or its last lines."""
    for index, line in enumerate(lines):
        if line.lstrip("│ ").startswith("Error:"):
            return "\n".join(lines[index:])
    return "\n".join(lines[-30:])


# ------------------------------------------------------------------ AWS clients


class Aws:
    """boto3 clients pointed at the emulator, with fake credentials and short timeouts."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        credentials = aws_environment(endpoint)
        self._session = boto3.session.Session(
            aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
            region_name=REGION,
        )
        self._options: dict[str, Any] = {
            "endpoint_url": endpoint,
            "config": Config(
                connect_timeout=5, read_timeout=60, retries={"max_attempts": 2, "mode": "standard"}
            ),
        }

    @cached_property
    def appconfig(self) -> AppConfigClient:
        return self._session.client("appconfig", **self._options)

    @cached_property
    def appconfigdata(self) -> AppConfigDataClient:
        return self._session.client("appconfigdata", **self._options)

    @cached_property
    def cloudwatch(self) -> CloudWatchClient:
        return self._session.client("cloudwatch", **self._options)

    @cached_property
    def events(self) -> EventBridgeClient:
        return self._session.client("events", **self._options)

    @cached_property
    def iam(self) -> IAMClient:
        return self._session.client("iam", **self._options)

    @cached_property
    def kms(self) -> KMSClient:
        return self._session.client("kms", **self._options)

    def kms_keys(self) -> list[KeyMetadataTypeDef]:
        """Metadata of every KMS key in the account."""
        keys = self.kms.list_keys()["Keys"]
        return [self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"] for key in keys]

    @cached_property
    def lambda_(self) -> LambdaClient:
        return self._session.client("lambda", **self._options)

    @cached_property
    def logs(self) -> CloudWatchLogsClient:
        return self._session.client("logs", **self._options)

    @cached_property
    def sns(self) -> SNSClient:
        return self._session.client("sns", **self._options)

    @cached_property
    def sqs(self) -> SQSClient:
        return self._session.client("sqs", **self._options)


# ------------------------------------------------------------------ AppConfig


@dataclass(frozen=True)
class FlagTarget:
    """Where a set of flags lives in AppConfig."""

    application_id: str
    environment_id: str
    profile_id: str


def flag_states(document: Mapping[str, Any]) -> dict[str, bool]:
    """Map each flag of a configuration document to whether it is enabled.

    Reads both formats the function supports: AppConfig feature flags
    (``values.<flag>.enabled``) and freeform JSON (``flags.<flag>.enabled``).
    """
    section = document.get("values") if "values" in document else document.get("flags")
    if not isinstance(section, Mapping):
        raise StackError(f"not a feature-flag document: {json.dumps(document)[:200]}")
    return {name: bool(value.get("enabled")) for name, value in section.items()}


def deployed_document(aws: Aws, target: FlagTarget) -> dict[str, Any]:
    """Read the configuration deployed to the environment the way applications do."""
    session = aws.appconfigdata.start_configuration_session(
        ApplicationIdentifier=target.application_id,
        EnvironmentIdentifier=target.environment_id,
        ConfigurationProfileIdentifier=target.profile_id,
    )
    latest = aws.appconfigdata.get_latest_configuration(
        ConfigurationToken=session["InitialConfigurationToken"]
    )
    body = latest["Configuration"].read()
    return json.loads(body) if body else {}


def hosted_versions(aws: Aws, target: FlagTarget) -> list[int]:
    """Version numbers of the profile's hosted configuration versions, oldest first."""
    response = aws.appconfig.list_hosted_configuration_versions(
        ApplicationId=target.application_id, ConfigurationProfileId=target.profile_id
    )
    return sorted(item["VersionNumber"] for item in response.get("Items", []))


def deployments(aws: Aws, target: FlagTarget) -> list[dict[str, Any]]:
    """Every deployment to the environment, full detail (GetDeployment), oldest first."""
    listed = aws.appconfig.list_deployments(
        ApplicationId=target.application_id, EnvironmentId=target.environment_id
    )
    numbers = sorted(item["DeploymentNumber"] for item in listed.get("Items", []))
    return [
        dict(
            aws.appconfig.get_deployment(
                ApplicationId=target.application_id,
                EnvironmentId=target.environment_id,
                DeploymentNumber=number,
            )
        )
        for number in numbers
    ]


def latest_deployment(aws: Aws, target: FlagTarget) -> dict[str, Any] | None:
    """The newest deployment to the environment, full detail (GetDeployment); None if none.

    The same as ``deployments(aws, target)[-1]`` with one GetDeployment instead of one each.
    """
    listed = aws.appconfig.list_deployments(
        ApplicationId=target.application_id, EnvironmentId=target.environment_id
    )
    numbers = [item["DeploymentNumber"] for item in listed.get("Items", [])]
    if not numbers:
        return None
    return dict(
        aws.appconfig.get_deployment(
            ApplicationId=target.application_id,
            EnvironmentId=target.environment_id,
            DeploymentNumber=max(numbers),
        )
    )


def wait_deployed(
    aws: Aws, target: FlagTarget, *, after: int = 0, timeout: float = 30.0
) -> dict[str, Any]:
    """Wait until the newest deployment, numbered above ``after``, is COMPLETE; return it."""

    def latest_complete() -> dict[str, Any] | None:
        latest = latest_deployment(aws, target)
        if latest and latest["DeploymentNumber"] > after and latest["State"] == "COMPLETE":
            return latest
        return None

    return wait_for(latest_complete, what="the latest deployment to complete", timeout=timeout)


# ------------------------------------------------------------------ alarms and messages


def set_alarm_state(aws: Aws, alarm_name: str, state: str, reason: str) -> datetime:
    """Change an alarm's state (SetAlarmState) and return when CloudWatch recorded it."""
    aws.cloudwatch.set_alarm_state(AlarmName=alarm_name, StateValue=state, StateReason=reason)  # type: ignore[arg-type]
    alarms = aws.cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    if not alarms:
        raise StackError(f"alarm {alarm_name!r} not found")
    return alarms[0]["StateUpdatedTimestamp"]


def subscribe_queue(aws: Aws, topic_arn: str, queue_name: str) -> str:
    """Create an SQS queue subscribed (raw delivery off) to ``topic_arn``; return its URL."""
    queue_url = aws.sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    queue_arn = aws.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    aws.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return queue_url


def drain_queue(aws: Aws, queue_url: str) -> list[dict[str, Any]]:
    """Receive and delete every message waiting in the queue right now."""
    received: list[dict[str, Any]] = []
    while True:
        batch = aws.sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            return received
        for message in batch:
            aws.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        received.extend(dict(message) for message in batch)


def receive(aws: Aws, queue_url: str, count: int, *, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Wait until ``count`` messages have arrived in the queue; return (and delete) them."""
    received: list[dict[str, Any]] = []

    def enough() -> bool:
        received.extend(drain_queue(aws, queue_url))
        return len(received) >= count

    wait_for(enough, what=f"{count} message(s) in {queue_url.rsplit('/', 1)[-1]}", timeout=timeout)
    return received


def sns_payload(message: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object an SNS notification carried, out of its SQS message envelope."""
    envelope = json.loads(message["Body"])
    text = envelope["Message"] if "TopicArn" in envelope else message["Body"]
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        payload = None
    if not isinstance(payload, dict):
        raise StackError(f"notification is not a JSON object: {text[:200]!r}")
    return payload


def log_lines(aws: Aws, group: str, *, since_ms: int = 0) -> Iterator[tuple[int, str]]:
    """(timestamp ms, message) of every event in a log group since ``since_ms``."""
    paginator = aws.logs.get_paginator("filter_log_events")
    try:
        for page in paginator.paginate(logGroupName=group, startTime=since_ms):
            for event in page.get("events", []):
                yield event["timestamp"], event["message"]
    except aws.logs.exceptions.ResourceNotFoundException:
        return


# ------------------------------------------------------------------ the applied example


@dataclass(frozen=True)
class StackOutputs:
    """What the scenarios need from an applied example, read from its Terraform outputs."""

    target: FlagTarget
    function_name: str
    alarm_names: dict[str, str]
    notification_topic_arn: str
    dead_letter_queue_arn: str | None

    @property
    def function_log_group(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @classmethod
    def parse(cls, outputs: Mapping[str, Any]) -> StackOutputs:
        """Build from ``terraform output`` values; name every output that is missing."""
        wanted = (
            "appconfig_application_id",
            "appconfig_environment_id",
            "appconfig_configuration_profile_id",
            "function_name",
            "alarm_names",
            "notification_topic_arn",
        )
        missing = [name for name in wanted if outputs.get(name) is None]
        if missing:
            raise StackError(f"the example has no output(s) {', '.join(missing)}")
        return cls(
            target=FlagTarget(
                application_id=outputs["appconfig_application_id"],
                environment_id=outputs["appconfig_environment_id"],
                profile_id=outputs["appconfig_configuration_profile_id"],
            ),
            function_name=outputs["function_name"],
            alarm_names=dict(outputs["alarm_names"]),
            notification_topic_arn=outputs["notification_topic_arn"],
            dead_letter_queue_arn=outputs.get("dead_letter_queue_arn"),
        )


def queue_url(aws: Aws, queue_arn: str) -> str:
    """The URL of the SQS queue with this ARN."""
    return aws.sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]


def leftovers(aws: Aws) -> dict[str, list[str]]:
    """Every resource of the kinds the module creates that still exists, by kind."""
    kms_keys = [
        key["KeyId"]
        for key in aws.kms_keys()
        if key["KeyState"] not in ("PendingDeletion", "PendingReplicaDeletion")
    ]
    found = {
        "lambda functions": [
            item["FunctionName"] for item in aws.lambda_.list_functions()["Functions"]
        ],
        "sns topics": [item["TopicArn"] for item in aws.sns.list_topics()["Topics"]],
        "sqs queues": aws.sqs.list_queues().get("QueueUrls", []),
        "cloudwatch alarms": [
            item["AlarmName"] for item in aws.cloudwatch.describe_alarms()["MetricAlarms"]
        ],
        "eventbridge rules": [item["Name"] for item in aws.events.list_rules()["Rules"]],
        "appconfig applications": [
            item["Id"] for item in aws.appconfig.list_applications()["Items"]
        ],
        "appconfig deployment strategies": [
            item["Id"]
            for item in aws.appconfig.list_deployment_strategies()["Items"]
            if not item["Id"].startswith("AppConfig.")
        ],
        "iam roles": [item["RoleName"] for item in aws.iam.list_roles()["Roles"]],
        "iam policies": [
            item["PolicyName"] for item in aws.iam.list_policies(Scope="Local")["Policies"]
        ],
        "log groups": [
            item["logGroupName"] for item in aws.logs.describe_log_groups()["logGroups"]
        ],
        "kms keys": kms_keys,
    }
    return {kind: names for kind, names in found.items() if names}


def function_decisions(aws: Aws, group: str, *, since_ms: int = 0) -> list[dict[str, Any]]:
    """The function's decision log lines (JSON with a ``decision`` key), oldest first."""
    found: list[dict[str, Any]] = []
    for _, message in log_lines(aws, group, since_ms=since_ms):
        try:
            record = json.loads(message)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "decision" in record:
            found.append(record)
    return found


def now_ms() -> int:
    """The wall clock in milliseconds, the unit of CloudWatch Logs timestamps."""
    return int(time.time() * 1000)
