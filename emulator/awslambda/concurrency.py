"""Lambda concurrency: reserved concurrency, the account's unreserved pool, throttling.

Follows the Lambda Developer Guide, "Understanding Lambda function scaling" and
"Configuring reserved concurrency" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html,
https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html):
- a function with ReservedConcurrentExecutions runs at most that many invocations at once;
  the others share the account's concurrency limit minus every reservation (the
  unreserved pool), per account and Region;
- a reservation may not leave less than 10 unreserved: PutFunctionConcurrency answers
  InvalidParameterValueException "Specified ReservedConcurrentExecutions for function
  decreases account's UnreservedConcurrentExecution below its minimum value of [10]."
- an invocation above the limit is throttled: a synchronous Invoke gets
  TooManyRequestsException (429) with Reason ReservedFunctionConcurrentInvocationLimitExceeded
  (reserved) or ConcurrentInvocationLimitExceeded (unreserved pool) (Invoke, L-API/API_Invoke.html);
  an asynchronous event goes back to the queue and is retried (async_invoke.py).

The account limit is the emulator setting ``account_concurrency_limit`` (default 1000, the
default quota on the "Lambda quotas" page, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html;
a new account can start at 10: set it to 10 to test that case). *Inferred*: the
TooManyRequestsException message "Rate Exceeded." and Type "User".
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.awslambda.exceptions import InvalidParameterValueException
from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.core.exceptions import JsonRESTError
from typing_extensions import override

from emulator.core import config

RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded"

_lock = threading.Lock()
_running: Counter[str] = Counter()


class TooManyRequestsException(JsonRESTError):  # noqa: N818 - the name Lambda gives it
    """Invoke's throttling error (429), with the Reason the Lambda API gives."""

    code = 429

    def __init__(self, reason: str) -> None:
        super().__init__("TooManyRequestsException", "Rate Exceeded.")
        self.reason = reason
        self.description = json.dumps(
            {"Reason": reason, "Type": "User", "message": "Rate Exceeded."}
        )


def reservation(fn: LambdaFunction) -> int | None:
    """The function's ReservedConcurrentExecutions; None when it has none."""
    value = fn.reserved_concurrency
    return None if value is None or value == "" else int(value)


def _functions(fn: LambdaFunction) -> list[LambdaFunction]:
    from moto.awslambda.utils import get_backend  # noqa: PLC0415 - moto loads backends lazily

    return list(get_backend(fn.account_id, fn.region).list_functions())


def _key(fn: LambdaFunction) -> str:
    return str(fn.function_arn).split(":$", 1)[0]


def _throttle_reason(fn: LambdaFunction) -> str | None:
    """Why one more invocation of ``fn`` would be throttled now (None: it may run)."""
    reserved = reservation(fn)
    if reserved is not None:
        return RESERVED_LIMIT if _running[_key(fn)] >= reserved else None
    others = _functions(fn)
    reserved_total = sum(reservation(item) or 0 for item in others)
    pool = config.account_concurrency_limit() - reserved_total
    in_use = sum(_running[_key(item)] for item in others if reservation(item) is None)
    return ACCOUNT_LIMIT if in_use >= pool else None


@contextmanager
def running(fn: LambdaFunction) -> Iterator[None]:
    """Hold one unit of ``fn``'s concurrency while the block runs; TooManyRequestsException if
    none is free."""
    with _lock:
        reason = _throttle_reason(fn)
        if reason is not None:
            raise TooManyRequestsException(reason)
        _running[_key(fn)] += 1
    try:
        yield
    finally:
        with _lock:
            _running[_key(fn)] -= 1


def running_count(fn: LambdaFunction) -> int:
    """How many invocations of ``fn`` run now."""
    with _lock:
        return _running[_key(fn)]


def below_minimum_message() -> str:
    return (
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of "
        f"[{config.MINIMUM_UNRESERVED_CONCURRENCY}]."
    )


class ReservingBackend(LambdaBackend):
    """PutFunctionConcurrency checked against the account limit as Lambda does."""

    @override
    def put_function_concurrency(
        self: LambdaBackend, function_name: str, reserved_concurrency: str
    ) -> str:
        fn = self.get_function(function_name)
        value = int(reserved_concurrency)
        if value < 0:
            raise InvalidParameterValueException(
                "ReservedConcurrentExecutions must be greater than or equal to 0"
            )
        others = sum(
            reservation(item) or 0 for item in self.list_functions() if _key(item) != _key(fn)
        )
        if config.account_concurrency_limit() - others - value < (
            config.MINIMUM_UNRESERVED_CONCURRENCY
        ):
            raise InvalidParameterValueException(below_minimum_message())
        fn.reserved_concurrency = value
        # ignore[return-value]: moto types the reservation as the string it was given
        return value  # type: ignore[return-value]


def install() -> None:
    """Check reservations against the account limit (idempotent)."""
    # ignore[method-assign]: moto is extended by assigning to its classes.
    LambdaBackend.put_function_concurrency = ReservingBackend.put_function_concurrency  # type: ignore[method-assign]
    LambdaSimpleBackend.put_function_concurrency = ReservingBackend.put_function_concurrency  # type: ignore[method-assign]


def throttle_error_body(reason: str) -> dict[str, Any]:
    """The error payload a throttled asynchronous event carries to its destination record."""
    return {"errorType": "TooManyRequestsException", "errorMessage": f"Rate Exceeded. ({reason})"}
