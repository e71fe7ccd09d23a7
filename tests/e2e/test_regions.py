"""One account, two regions, one name prefix: IAM names are global per account.

The rollback function is applied twice with the same `name`, in us-east-1 and eu-west-1,
against one emulator. The emulator keeps IAM per account and partition, not per region (as
AWS does, and as moto's `iam_backends[account]["aws"]` does), so a role name reused in the
second region is EntityAlreadyExists there, exactly as in a real account. The module names
its IAM resources so that the two stacks never collide.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from tools.harness.emulator_process import EmulatorProcess
from tools.harness.env import aws_environment
from tools.harness.terraform import Terraform
from tools.paths import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

FOLDER = ROOT / "tests" / "terraform" / "two_regions"
REGIONS = ("us-east-1", "eu-west-1")
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def _client(endpoint: str, service: str, region: str) -> Any:
    keys = aws_environment(endpoint)
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
    )


def test_the_emulator_keeps_iam_names_per_account_not_per_region(
    private_emulator: EmulatorProcess,
) -> None:
    east, west = (_client(private_emulator.endpoint, "iam", region) for region in REGIONS)
    east.create_role(RoleName="shared-name", AssumeRolePolicyDocument=TRUST)
    with pytest.raises(west.exceptions.EntityAlreadyExistsException):
        west.create_role(RoleName="shared-name", AssumeRolePolicyDocument=TRUST)


def test_the_same_name_applies_in_two_regions_of_one_account(
    private_emulator: EmulatorProcess, tmp_path: Path
) -> None:
    # The data directory holds Terraform's own backend file named terraform.tfstate: the
    # stack's state lives beside it, not in it.
    terraform = Terraform(
        FOLDER,
        private_emulator.endpoint,
        data_dir=tmp_path / "data",
        state=tmp_path / "stack.tfstate",
    )
    terraform.init()
    try:
        terraform.apply()
        outputs = terraform.outputs()
        assert {arn.split(":")[3] for arn in outputs["function_arns"].values()} == set(REGIONS)
        roles = outputs["role_arns"]
        assert roles["east"] != roles["west"]
        for region in REGIONS:
            functions = _client(private_emulator.endpoint, "lambda", region).list_functions()
            assert [item["FunctionName"] for item in functions["Functions"]] == ["flags"]
    finally:
        terraform.destroy()
