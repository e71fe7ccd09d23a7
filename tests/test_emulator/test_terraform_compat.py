"""The hashicorp/aws provider against the emulator: apply, re-plan clean, update, destroy.

One configuration (terraform/compat) holds every resource type the module uses. The
provider takes about 26 s per SQS queue, so the whole cycle runs once, in one test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from emulator import EmulatorThread
from tests.test_emulator.conftest import ClientFactory
from tests.test_emulator.test_lambda_exec import package
from tools.harness.env import configure_terraform, terraform_binary

CONFIG = Path(__file__).resolve().parent / "terraform" / "compat"
REGION = "us-east-1"


class Terraform:
    """terraform in a working folder, pointed at the emulator through the environment."""

    def __init__(self, folder: Path, endpoint: str, variables: dict[str, str]) -> None:
        self.folder = folder
        self.variables = variables
        configure_terraform()
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        self.env.update(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_EC2_METADATA_DISABLED": "true",
                "TF_IN_AUTOMATION": "1",
            }
        )

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        variables = [f"-var={name}={value}" for name, value in self.variables.items()]
        command = [terraform_binary(), *args, "-input=false", "-no-color"]
        if args[0] in {"apply", "plan", "destroy"}:
            command += variables
        result = subprocess.run(
            command,
            check=False,
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            pytest.fail(f"terraform {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def assert_no_changes(self) -> None:
        plan = self.run("plan", "-detailed-exitcode", check=False)
        assert plan.returncode == 0, f"second plan is not empty:\n{plan.stdout}\n{plan.stderr}"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A copy of the configuration plus a small deployment package."""
    folder = tmp_path / "compat"
    shutil.copytree(CONFIG, folder, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    with zipfile.ZipFile(folder / "function.zip", "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {'ok': True}\n")
    return folder


@pytest.fixture
def emulator() -> Iterator[EmulatorThread]:
    with EmulatorThread(port=0) as server:
        yield server


def leftovers(endpoint: str, prefix: str) -> dict[str, list[Any]]:
    """Every resource of this run that still exists (KMS keys: those not pending deletion)."""

    def client(service: str) -> Any:
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    kms = client("kms")
    named: dict[str, Callable[[], list[str]]] = {
        "functions": lambda: [
            f["FunctionName"] for f in client("lambda").list_functions()["Functions"]
        ],
        "roles": lambda: [r["RoleName"] for r in client("iam").list_roles()["Roles"]],
        "policies": lambda: [
            p["PolicyName"] for p in client("iam").list_policies(Scope="Local")["Policies"]
        ],
        "topics": lambda: [
            t["TopicArn"].split(":")[-1] for t in client("sns").list_topics()["Topics"]
        ],
        "subscriptions": lambda: [
            s["TopicArn"].split(":")[-1]
            for s in client("sns").list_subscriptions()["Subscriptions"]
        ],
        "queues": lambda: [
            u.rsplit("/", 1)[-1] for u in client("sqs").list_queues().get("QueueUrls", [])
        ],
        "log groups": lambda: [
            g["logGroupName"].rsplit("/", 1)[-1]
            for g in client("logs").describe_log_groups()["logGroups"]
        ],
        "alarms": lambda: [
            a["AlarmName"].removeprefix("FeatureFlag-")
            for a in client("cloudwatch").describe_alarms()["MetricAlarms"]
        ],
        "rules": lambda: [r["Name"] for r in client("events").list_rules()["Rules"]],
        "aliases": lambda: [
            a["AliasName"].removeprefix("alias/") for a in kms.list_aliases()["Aliases"]
        ],
        "applications": lambda: [
            a["Name"] for a in client("appconfig").list_applications()["Items"]
        ],
        "strategies": lambda: [
            s["Name"] for s in client("appconfig").list_deployment_strategies()["Items"]
        ],
    }
    found = {
        kind: [name for name in names() if name.startswith(prefix)] for kind, names in named.items()
    }
    keys = [k["KeyId"] for k in kms.list_keys()["Keys"]]
    found["kms keys"] = [
        key
        for key in keys
        if prefix in (kms.describe_key(KeyId=key)["KeyMetadata"].get("Description") or "")
        and kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] != "PendingDeletion"
    ]
    return {kind: names for kind, names in found.items() if names}


@pytest.mark.terraform
def test_provider_applies_replans_clean_updates_and_destroys(
    workdir: Path, emulator: EmulatorThread
) -> None:
    prefix = f"tfc{uuid.uuid4().hex[:6]}"
    terraform = Terraform(
        workdir, emulator.endpoint, {"name": prefix, "package_path": "function.zip"}
    )
    terraform.run("init")
    terraform.run("apply", "-auto-approve")
    terraform.assert_no_changes()

    terraform.variables["revision"] = "2"
    terraform.run("apply", "-auto-approve")
    terraform.assert_no_changes()
    function = boto3.client(
        "lambda",
        region_name=REGION,
        endpoint_url=emulator.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).get_function_configuration(FunctionName=f"{prefix}-rollback")
    assert function["Environment"]["Variables"]["REVISION"] == "2"
    assert function["DeadLetterConfig"]["TargetArn"].endswith(f":{prefix}-dlq")
    assert function["LoggingConfig"]["LogGroup"] == f"/aws/lambda/{prefix}-rollback"
    assert function["TracingConfig"] == {"Mode": "Active"}

    terraform.run("destroy", "-auto-approve")
    assert leftovers(emulator.endpoint, prefix) == {}


# ------------------------------------------------------------------ the fixes, in-process


def test_lambda_keeps_dead_letter_logging_and_tracing_config(
    in_process_clients: ClientFactory,
) -> None:
    aws = in_process_clients
    role = aws("iam").create_role(RoleName="fixes", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client = aws("lambda")
    created = client.create_function(
        FunctionName="fixes",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": package("def handler(e, c):\n    return 1\n")},
        DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"},
    )
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/fixes"}
    client.update_function_configuration(
        FunctionName="fixes",
        LoggingConfig={"LogFormat": "JSON", "LogGroup": "/custom/group"},
        TracingConfig={"Mode": "Active"},
    )
    read = client.get_function(FunctionName="fixes")["Configuration"]
    assert read["DeadLetterConfig"] == {"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"}
    assert read["LoggingConfig"] == {
        "LogFormat": "JSON",
        "LogGroup": "/custom/group",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "INFO",
    }
    assert read["TracingConfig"] == {"Mode": "Active"}
    client.update_function_configuration(FunctionName="fixes", DeadLetterConfig={})
    assert "DeadLetterConfig" not in client.get_function_configuration(FunctionName="fixes")


def test_sqs_returns_the_redrive_policy_as_stored(in_process_clients: ClientFactory) -> None:
    sqs = in_process_clients("sqs")
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]
    policy = json.dumps(
        {"deadLetterTargetArn": dlq_arn["QueueArn"], "maxReceiveCount": 3}, separators=(",", ":")
    )
    url = sqs.create_queue(
        QueueName="work", Attributes={"RedrivePolicy": policy, "KmsMasterKeyId": "alias/k"}
    )["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["RedrivePolicy"] == policy
    assert attributes["SqsManagedSseEnabled"] == "false"
