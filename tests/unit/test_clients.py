"""The function's boto3 clients and the classification of every failure of a call.

Creating a client sends nothing, so no AWS (and no emulator) is needed.
"""

from __future__ import annotations

import os
import subprocess
import sys

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


def client_error(error: dict[str, str] | None) -> ClientError:
    return ClientError({} if error is None else {"Error": error}, "StartDeployment")


@pytest.mark.parametrize(
    ("raised", "kind", "code", "message"),
    [
        (
            ConnectTimeoutError(endpoint_url="https://appconfig"),
            TransientError,
            "aws_unavailable",
            'StartDeployment failed: Connect timeout on endpoint URL: "https://appconfig"',
        ),
        (
            client_error({"Code": "BadRequestException", "Message": "bad strategy"}),
            PermanentError,
            "aws_rejected",
            "StartDeployment failed: BadRequestException: bad strategy",
        ),
        (
            client_error({"Code": "ResourceNotFoundException", "Message": "no environment"}),
            TransientError,
            "setup_broken",
            "StartDeployment failed: ResourceNotFoundException: no environment"
            " (fix the setup; the event is kept)",
        ),
        (
            client_error({"Code": "ConflictException", "Message": "busy"}),
            TransientError,
            "aws_unavailable",
            "StartDeployment failed: ConflictException: busy",
        ),
        (
            client_error({"Code": "InternalServerException"}),
            TransientError,
            "aws_unavailable",
            "StartDeployment failed: InternalServerException: ",
        ),
        (client_error(None), TransientError, "aws_unavailable", "StartDeployment failed: : "),
    ],
)
def test_each_failure_becomes_an_error_whose_code_and_message_say_what_aws_answered(
    raised: Exception, kind: type, code: str, message: str
):
    with pytest.raises(kind) as caught, clients.aws_call("StartDeployment"):
        raise raised
    assert type(caught.value) is kind
    assert (caught.value.code, caught.value.message) == (code, message)
    assert str(caught.value) == message  # what Lambda reports as errorMessage when raised


def test_an_answer_without_an_error_code_has_an_empty_code():
    assert clients.error_code(client_error(None)) == ""
    assert clients.error_code(client_error({"Message": "m"})) == ""
    assert clients.error_code(client_error({"Code": "Throttling"})) == "Throttling"


COLD_START = """
from flag_rollback import clients
made = [clients.appconfig(), clients.cloudwatch(), clients.sns(), clients.ssm()]
print(" ".join(client.meta.service_model.service_name for client in made))
"""


def test_a_fresh_container_creates_one_client_per_service(region: None):
    # A new interpreter: the first client of a container also creates its session.
    env = os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)}
    made = subprocess.run(
        [sys.executable, "-c", COLD_START], env=env, capture_output=True, text=True, check=False
    )
    assert (made.returncode, made.stdout, made.stderr) == (0, "appconfig cloudwatch sns ssm\n", "")


def test_the_first_client_of_a_cold_container_creates_the_session(
    region: None, monkeypatch: pytest.MonkeyPatch
):
    # The same cold start in this process (a subprocess does not see a test runner's
    # in-process switches): no session yet, no client yet.
    monkeypatch.setattr(clients, "_session", [])
    clients.reset_clients()
    made = [clients.appconfig(), clients.cloudwatch(), clients.sns(), clients.ssm()]
    assert [client.meta.service_model.service_name for client in made] == [
        "appconfig",
        "cloudwatch",
        "sns",
        "ssm",
    ]
    clients.reset_clients()
