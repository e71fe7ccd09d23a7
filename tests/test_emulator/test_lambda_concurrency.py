"""Lambda concurrency as AWS runs it: reservations, the account's unreserved pool, throttles.

A unit of a function's concurrency is held by the test itself (``concurrency.running``), so a
throttle is certain without racing real invocations.
"""

from __future__ import annotations

import json
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.awslambda.models import LambdaFunction
from moto.awslambda.utils import get_backend

from emulator import EmulatorThread
from emulator.awslambda import concurrency
from emulator.core.config import set_account_concurrency_limit
from tests.test_emulator.conftest import REGION, ClientFactory
from tests.test_emulator.test_lambda_exec import (
    RECORDING_SOURCE,
    invoke,
    make_function,
    make_queue,
    receive_all,
    wait_idle,
)
from tests.test_emulator.test_terraform_compat import Terraform

RESERVATION = Path(__file__).resolve().parent / "terraform" / "reservation"

BELOW_MINIMUM = (
    "Specified ReservedConcurrentExecutions for function decreases account's "
    "UnreservedConcurrentExecution below its minimum value of [10]."
)


@pytest.fixture
def account_limit() -> Iterator[Any]:
    """Set the account concurrency limit for the test (restored afterwards)."""
    previous = set_account_concurrency_limit(1000)
    yield set_account_concurrency_limit
    set_account_concurrency_limit(previous)


def model(fn: dict[str, Any]) -> LambdaFunction:
    """moto's model of a created function (the same in both run modes: one process)."""
    found: LambdaFunction = get_backend("123456789012", REGION).get_function(fn["FunctionName"])
    return found


def test_sync_invoke_above_the_reservation_is_throttled(aws: ClientFactory) -> None:
    fn = make_function(aws)
    aws("lambda").put_function_concurrency(
        FunctionName=fn["FunctionName"], ReservedConcurrentExecutions=1
    )
    with concurrency.running(model(fn)), pytest.raises(ClientError) as throttled:
        invoke(aws, fn["FunctionName"], {})
    error: dict[str, Any] = dict(throttled.value.response)
    assert error["Error"]["Code"] == "TooManyRequestsException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert invoke(aws, fn["FunctionName"], {})["StatusCode"] == 200  # free again


def test_unreserved_functions_share_the_account_pool(
    aws: ClientFactory, account_limit: Any
) -> None:
    account_limit(12)
    busy, waiting, reserved = make_function(aws), make_function(aws), make_function(aws)
    aws("lambda").put_function_concurrency(
        FunctionName=reserved["FunctionName"], ReservedConcurrentExecutions=2
    )
    with ExitStack() as held:
        for _ in range(10):  # 12 - 2 reserved: the whole unreserved pool
            held.enter_context(concurrency.running(model(busy)))
        with pytest.raises(ClientError) as throttled:
            invoke(aws, waiting["FunctionName"], {})
        assert dict(throttled.value.response)["Reason"] == "ConcurrentInvocationLimitExceeded"
        assert invoke(aws, reserved["FunctionName"], {})["StatusCode"] == 200


def test_throttled_events_are_retried_without_using_retry_attempts(aws: ClientFactory) -> None:
    url, _ = make_queue(aws, "records")
    fn = make_function(aws, RECORDING_SOURCE, Environment={"Variables": {"RECORD_QUEUE_URL": url}})
    lam = aws("lambda")
    lam.put_function_concurrency(FunctionName=fn["FunctionName"], ReservedConcurrentExecutions=1)
    lam.put_function_event_invoke_config(FunctionName=fn["FunctionName"], MaximumRetryAttempts=0)
    with concurrency.running(model(fn)):
        for n in range(3):
            invoke(aws, fn["FunctionName"], {"n": n}, InvocationType="Event")
        assert receive_all(aws, url) == []  # all throttled while the slot is held
    wait_idle()
    bodies = sorted(json.loads(m["Body"])["n"] for m in receive_all(aws, url))
    assert bodies == [0, 1, 2]


def test_throttled_event_older_than_its_maximum_age_goes_to_the_failure_destination(
    aws: ClientFactory,
) -> None:
    url, queue_arn = make_queue(aws, "failures")
    fn = make_function(aws)
    lam = aws("lambda")
    lam.put_function_concurrency(FunctionName=fn["FunctionName"], ReservedConcurrentExecutions=1)
    lam.put_function_event_invoke_config(
        FunctionName=fn["FunctionName"],
        MaximumEventAgeInSeconds=60,  # 60 ms at the retry time factor
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    with concurrency.running(model(fn)):
        invoke(aws, fn["FunctionName"], {"n": 1}, InvocationType="Event")
        wait_idle()
    [message] = receive_all(aws, url)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestPayload"] == {"n": 1}
    assert record["responsePayload"]["errorType"] == "TooManyRequestsException"


def test_zero_reservation_sends_events_to_the_dead_letter_queue_without_running(
    aws: ClientFactory,
) -> None:
    url, queue_arn = make_queue(aws, "dlq")
    fn = make_function(aws, DeadLetterConfig={"TargetArn": queue_arn})
    aws("lambda").put_function_concurrency(
        FunctionName=fn["FunctionName"], ReservedConcurrentExecutions=0
    )
    invoke(aws, fn["FunctionName"], {"n": 7}, InvocationType="Event")
    wait_idle()
    [message] = receive_all(aws, url)
    assert json.loads(message["Body"]) == {"n": 7}
    groups = aws("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{fn['FunctionName']}")
    assert groups["logGroups"] == []  # never ran


def test_reservation_leaving_less_than_10_unreserved_is_refused(
    aws: ClientFactory, account_limit: Any
) -> None:
    fn = make_function(aws)
    lam = aws("lambda")
    account_limit(10)  # a new account's quota: no reservation fits
    with pytest.raises(ClientError) as refused:
        lam.put_function_concurrency(
            FunctionName=fn["FunctionName"], ReservedConcurrentExecutions=1
        )
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert refused.value.response["Error"]["Message"] == BELOW_MINIMUM
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(
        FunctionName=fn["FunctionName"]
    )
    account_limit(1000)
    other = make_function(aws)
    try:
        lam.put_function_concurrency(
            FunctionName=fn["FunctionName"], ReservedConcurrentExecutions=900
        )
        with pytest.raises(ClientError, match=r"minimum value of \[10\]"):
            lam.put_function_concurrency(
                FunctionName=other["FunctionName"], ReservedConcurrentExecutions=91
            )
        lam.put_function_concurrency(
            FunctionName=other["FunctionName"], ReservedConcurrentExecutions=90
        )
        # re-reserving the same function counts its own reservation once
        lam.put_function_concurrency(
            FunctionName=fn["FunctionName"], ReservedConcurrentExecutions=900
        )
    finally:  # the HTTP emulator is shared by the session: give the account back
        for name in (fn["FunctionName"], other["FunctionName"]):
            lam.delete_function_concurrency(FunctionName=name)


@pytest.mark.terraform
def test_terraform_reservation_is_refused_in_a_new_account(
    tmp_path: Path, account_limit: Any
) -> None:
    folder = tmp_path / "reservation"
    shutil.copytree(RESERVATION, folder, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    with zipfile.ZipFile(folder / "function.zip", "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    name = f"rsv{uuid.uuid4().hex[:6]}"
    with EmulatorThread(port=0) as server:
        tf = Terraform(folder, server.endpoint, {"name": name, "package_path": "function.zip"})
        tf.run("init")
        account_limit(10)
        refused = tf.run("apply", "-auto-approve", check=False)
        assert refused.returncode != 0
        assert BELOW_MINIMUM in " ".join(refused.stderr.split())
        account_limit(1000)
        tf.run("apply", "-auto-approve")
        tf.run("destroy", "-auto-approve")
