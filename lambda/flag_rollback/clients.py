"""boto3 clients, created once per container with explicit timeouts and bounded retries.

Created lazily (the first event pays for it, imports stay cheap) and cached; tests call
``reset_clients()`` so each test's mock or endpoint gets fresh clients. The endpoint comes
from the standard AWS environment (``AWS_ENDPOINT_URL`` points them at an emulator).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from flag_rollback.errors import PermanentError, RollbackError, TransientError

if TYPE_CHECKING:
    from mypy_boto3_appconfig import AppConfigClient
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_ssm import SSMClient

# A Lambda has seconds, not minutes: fail fast, retry a little (standard mode retries
# throttling, 5xx and connection errors with jittered backoff), then let the caller decide.
CLIENT_CONFIG = Config(
    connect_timeout=3,
    read_timeout=10,
    retries={"total_max_attempts": 3, "mode": "standard"},
    user_agent_extra="flag-rollback",
)

_clients: dict[str, object] = {}
_session: list[boto3.session.Session] = []
_lock = threading.Lock()


def _cached(service: str) -> object:
    """The service's client, created on first use under a lock.

    One boto3 Session per process serves every client (it loads the endpoint and service
    models once; boto3's default session is not safe to share across threads, so the
    clients are created under the lock and used freely after, as botocore allows).
    """
    with _lock:
        if service not in _clients:
            if not _session:
                _session.append(boto3.session.Session())
            # The stubs type client() per literal service name; the getters below cast.
            session = _session[0]
            _clients[service] = session.client(service, config=CLIENT_CONFIG)  # type: ignore[call-overload]
        return _clients[service]


def appconfig() -> AppConfigClient:
    """The AppConfig client."""
    return cast("AppConfigClient", _cached("appconfig"))


def cloudwatch() -> CloudWatchClient:
    """The CloudWatch client (alarms only; metrics go out as EMF log lines)."""
    return cast("CloudWatchClient", _cached("cloudwatch"))


def sns() -> SNSClient:
    """The SNS client."""
    return cast("SNSClient", _cached("sns"))


def ssm() -> SSMClient:
    """The SSM client (Parameter Store holds the held flags)."""
    return cast("SSMClient", _cached("ssm"))


def reset_clients() -> None:
    """Forget every cached client, so the next call builds new ones from the environment.

    The session (loaded models) stays: it holds no AWS state, and tests that reset
    clients between cases would otherwise reload the endpoint data every time.
    """
    with _lock:
        _clients.clear()


# Errors AWS returns that the same request can never get past: report, do not retry.
_PERMANENT_CODES = frozenset(
    {
        "BadRequestException",
        "ValidationError",
        "ValidationException",
        "InvalidParameterValue",
        "InvalidParameter",
        "InvalidParameterException",
        "PayloadTooLargeException",
    }
)
# Errors that say the function's own setup is broken (its application, environment,
# profile, strategy or topic is gone, or its role may not use them). The alarm is still
# real: raise, so the event is kept in the failure destination and replays once fixed.
_SETUP_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "ResourceNotFound",
        "NotFoundException",
        "NotFound",
        "AccessDenied",
        "AccessDeniedException",
        "AuthorizationError",
    }
)


def error_code(error: ClientError) -> str:
    """The AWS error code of a ClientError ('' when the response has none)."""
    return str(error.response.get("Error", {}).get("Code", ""))


def classify(error: BotoCoreError | ClientError, operation: str) -> RollbackError:
    """The error type a failed AWS call becomes once botocore's own retries are spent.

    Throttling, 5xx, timeouts, conflicts and anything unexpected are transient, and so is
    a broken setup (a missing resource, access denied: the event must survive until
    someone fixes it); requests AWS rejects as invalid are permanent.
    """
    if isinstance(error, BotoCoreError):
        return TransientError("aws_unavailable", f"{operation} failed: {error}")
    code = error_code(error)
    message = f"{operation} failed: {code}: {error.response.get('Error', {}).get('Message', '')}"
    if code in _PERMANENT_CODES:
        return PermanentError("aws_rejected", message)
    if code in _SETUP_CODES:
        return TransientError("setup_broken", f"{message} (fix the setup; the event is kept)")
    return TransientError("aws_unavailable", message)


@contextmanager
def aws_call(operation: str) -> Iterator[None]:
    """Run one AWS call; its failure leaves as a PermanentError or a TransientError.

    botocore's parsers raise more than BotoCoreError and ClientError on a body that is not
    what the protocol promises (a proxy's 5xx page, a truncated answer): ResponseParserError,
    UnicodeDecodeError, AttributeError... Whatever the call raised, the call failed, and
    whether AWS applied it is unknown: transient (the retry re-reads before it writes).
    """
    try:
        yield
    except RollbackError:
        raise  # already classified (a race the caller handles)
    except (BotoCoreError, ClientError) as error:
        raise classify(error, operation) from error
    except Exception as error:
        raise TransientError(
            "aws_unreadable", f"{operation} failed: {type(error).__name__}: {error}"
        ) from error
