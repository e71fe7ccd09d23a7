"""Faults injected at the botocore layer of the function's own clients.

A before-send hook answers in place of AWS (an error in the service's wire protocol, a
timeout, or the real answer lost after AWS carried the request out), so the code under
test takes its real error paths.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from flag_rollback import clients
from moto.core.models import botocore_stubber


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body


def _error_wire(service_name: str, status: int, code: str) -> tuple[dict[str, str], bytes]:
    """Headers and body of an AWS error in the service's protocol."""
    message = f"injected {code}"
    if service_name == "sns":  # query protocol: XML
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>fault</RequestId></ErrorResponse>"
        )
        return {"Content-Type": "text/xml"}, body.encode()
    if service_name == "cloudwatch":  # smithy-rpc-v2-cbor, query-compatible error code
        return {"smithy-protocol": "rpc-v2-cbor", "x-amzn-query-error": f"{code};Sender"}, b""
    return {"x-amzn-ErrorType": code, "Content-Type": "application/json"}, json.dumps(
        {"Message": message}
    ).encode()  # rest-json (AppConfig)


def error_response(status: int, code: str) -> Callable[..., AWSResponse]:
    """A before-send hook answering with an AWS error, as the service would on the wire.

    botocore calls every before-send handler and uses the first response; moto's handler
    runs after this one, so the request is pointed at a host moto does not serve: like a
    throttled request at AWS, it never reaches the service.
    """

    def answer(request: Any, event_name: str, **_: object) -> AWSResponse:
        request.url = "https://fault.invalid/"
        headers, body = _error_wire(event_name.split(".")[1], status, code)
        return AWSResponse(request.url, status, headers, _Body(body))

    return answer


def json_answer(body: object, status: int = 200) -> Callable[..., AWSResponse]:
    """A before-send hook answering every request of its operation with this JSON body, as a
    JSON service would (never reaches the emulator): answers AWS's emulator would not give."""

    def answer(request: Any, **_: object) -> AWSResponse:
        request.url = "https://fault.invalid/"
        headers = {"Content-Type": "application/json"}
        return AWSResponse(request.url, status, headers, _Body(json.dumps(body).encode()))

    return answer


# Bodies a proxy or a failing front end sends instead of the protocol's XML/JSON/CBOR.
GARBAGE_BODIES = {
    "text": b"upstream connect error or disconnect/reset before headers",
    "binary": b"\xff\xfe\x00\x9c garbage \xbf",
}


def garbage_response(status: int, body: bytes) -> Callable[..., AWSResponse]:
    """A before-send hook answering with a body that is not the protocol's (never reaches AWS)."""

    def answer(request: Any, **_: object) -> AWSResponse:
        request.url = "https://fault.invalid/"
        return AWSResponse(request.url, status, {"Content-Type": "text/plain"}, _Body(body))

    return answer


def applied_unreadable(request: Any, event_name: str, **kwargs: object) -> AWSResponse:
    """AWS carries the request out, then its answer arrives as a body nobody can parse.

    botocore calls every before-send handler: the request is pointed away from moto's
    afterwards, so AWS carries it out once.
    """
    botocore_stubber(event_name=event_name, request=request, **kwargs)
    request.url = "https://fault.invalid/"
    return AWSResponse(request.url, 200, {"Content-Type": "text/plain"}, _Body(b"\xff{<"))


def connect_timeout(request: Any, **_: object) -> None:
    """The connection to AWS cannot be made."""
    raise ConnectTimeoutError(endpoint_url=request.url)


def read_timeout(request: Any, **_: object) -> None:
    """The request times out before AWS sees it."""
    raise ReadTimeoutError(endpoint_url=request.url)


def lost_response(request: Any, event_name: str, **kwargs: object) -> None:
    """AWS carries the request out, then the response is lost (a read timeout)."""
    botocore_stubber(event_name=event_name, request=request, **kwargs)
    raise ReadTimeoutError(endpoint_url=request.url)


FAULTS: dict[str, Callable[..., Any]] = {
    "throttling": error_response(400, "Throttling"),
    "5xx": error_response(500, "InternalFailure"),
    "timeout": read_timeout,
    "conflict": error_response(409, "ConflictException"),
    "lost-response": lost_response,
    "bad-request": error_response(400, "BadRequestException"),
    "not-found": error_response(404, "ResourceNotFoundException"),
    "access-denied": error_response(403, "AccessDeniedException"),
    "connect-timeout": connect_timeout,
    "5xx-text": garbage_response(502, GARBAGE_BODIES["text"]),
    "5xx-binary": garbage_response(503, GARBAGE_BODIES["binary"]),
    "applied-unreadable": applied_unreadable,
}


class Faults:
    """Inject a fault into one operation of the function's clients, `times` times."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.injected: list[tuple[str, str]] = []  # (operation, fault) of every chaos fault

    def _client(self, service_name: str) -> Any:
        return {
            "appconfig": clients.appconfig,
            "cloudwatch": clients.cloudwatch,
            "sns": clients.sns,
        }[service_name]()

    def inject(self, service_name: str, operation: str, kind: str, times: int = 1_000) -> None:
        fault = FAULTS[kind]
        remaining = {"n": times}

        def hook(request: Any, **kwargs: object) -> Any:
            if remaining["n"] <= 0:
                return None
            remaining["n"] -= 1
            return fault(request, **kwargs)

        self._client(service_name).meta.events.register_first(
            f"before-send.{service_name}.{operation}", hook, unique_id=f"fault-{operation}"
        )

    def chaos(self, choose: Callable[[str], str | None]) -> list[tuple[str, str]]:
        """Before every request any of the function's clients sends (botocore's retries
        included), ask ``choose(operation)`` for a fault kind, or None to let it through."""

        def hook(request: Any, event_name: str, **kwargs: object) -> Any:
            operation = event_name.split(".")[2]
            kind = choose(operation)
            if kind is None:
                return None
            self.injected.append((operation, kind))
            return FAULTS[kind](request, event_name=event_name, **kwargs)

        for service_name in ("appconfig", "cloudwatch", "sns"):
            self._client(service_name).meta.events.register_first(
                f"before-send.{service_name}", hook, unique_id=f"chaos-{service_name}"
            )
        return self.injected

    def clear(self, service_name: str, operation: str) -> None:
        self._client(service_name).meta.events.unregister(
            f"before-send.{service_name}.{operation}", unique_id=f"fault-{operation}"
        )

    def count_calls(self) -> list[str]:
        """Record every API call (not botocore's retries of it) the function's clients make."""
        for service_name in ("appconfig", "cloudwatch", "sns"):
            self._client(service_name).meta.events.register(
                "before-call", self._record, unique_id=f"count-{service_name}"
            )
        return self.calls

    def _record(self, model: Any, **_: object) -> None:
        self.calls.append(model.name)
