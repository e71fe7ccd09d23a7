"""The function's boto3 clients and the classification of every failure of a call.

Creating a client sends nothing, so no AWS (and no emulator) is needed.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError
from botocore.parsers import ResponseParserError
from flag_rollback import clients
from flag_rollback.errors import PermanentError, TransientError


@pytest.fixture
def region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    clients.reset_clients()


def test_clients_are_created_once_with_timeouts_and_bounded_retries(region: None):
    first = clients.appconfig()
    assert clients.appconfig() is first
    config = first.meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 10)
    assert config.retries == {"total_max_attempts": 3, "mode": "standard"}
    clients.reset_clients()
    assert clients.appconfig() is not first


UNPARSEABLE = [
    ResponseParserError("Unable to parse response, invalid XML received"),
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    AttributeError("'list' object has no attribute 'get'"),
    TypeError("'NoneType' object is not subscriptable"),
    KeyError("Error"),
]


@pytest.mark.parametrize("raised", UNPARSEABLE, ids=lambda error: type(error).__name__)
def test_any_failure_of_a_call_leaves_as_a_transient_error(raised: Exception):
    with pytest.raises(TransientError) as caught, clients.aws_call("Publish"):
        raise raised
    assert caught.value.code == "aws_unreadable"
    assert caught.value.message.startswith(f"Publish failed: {type(raised).__name__}")
    assert caught.value.__cause__ is raised


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (ConnectTimeoutError(endpoint_url="https://sns"), TransientError),
        (ClientError({"Error": {"Code": "Throttling"}}, "Publish"), TransientError),
        (ClientError({"Error": {"Code": "InvalidParameter"}}, "Publish"), PermanentError),
    ],
)
def test_botocore_errors_keep_their_classification(raised: Exception, expected: type):
    with pytest.raises(expected), clients.aws_call("Publish"):
        raise raised


def test_an_error_already_classified_passes_unchanged():
    conflict = TransientError("version_conflict", "stale")
    with (
        pytest.raises(TransientError) as caught,
        clients.aws_call("CreateHostedConfigurationVersion"),
    ):
        raise conflict
    assert caught.value is conflict
