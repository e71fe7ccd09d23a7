"""Calls signed with a function's role credentials are decided by the role's policies.

The function runs with its execution role (sts:AssumeRole, session name = function name);
the emulator authorises every call those credentials sign, before moto serves it, with
emulator.iam.evaluator; the operator's static keys stay unrestricted.
"""

from __future__ import annotations

import json

from tests.test_emulator.conftest import ClientFactory
from tests.test_emulator.test_lambda_exec import invoke, make_function

WHOAMI_SOURCE = """
import boto3

def handler(event, context):
    return boto3.client("sts").get_caller_identity()["Arn"]
"""


def test_invoked_function_runs_with_its_assumed_role(aws: ClientFactory) -> None:
    fn = make_function(aws, WHOAMI_SOURCE)
    response = invoke(aws, fn["FunctionName"], {})
    assert "FunctionError" not in response, response["Body"]
    role_name = fn["Role"].rsplit("/", 1)[-1]
    account = fn["FunctionArn"].split(":")[4]
    assert json.loads(response["Body"]) == (
        f"arn:aws:sts::{account}:assumed-role/{role_name}/{fn['FunctionName']}"
    )
