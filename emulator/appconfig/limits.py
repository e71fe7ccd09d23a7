"""The service-side input limits of botocore's model that botocore itself does not check.

botocore validates required members, types and minimums before sending; AWS also rejects
values above a shape's `max`, outside its `enum` or not matching its `pattern`
(BadRequestException). moto checks none of them; the emulated AppConfig operations run
this over their parsed input first, so a request AWS would refuse changes nothing here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape
from moto.core.common_types import TYPE_RESPONSE
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import get_service_model

from emulator.appconfig.exceptions import InputLimitError


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _scalar_errors(shape: Shape, value: Any, path: str) -> Iterator[str]:
    limits = shape.metadata
    if isinstance(value, str):
        if "max" in limits and len(value) > limits["max"]:
            yield f"{path} must be at most {limits['max']} characters long"
        allowed = getattr(shape, "enum", None)
        if allowed and value not in allowed:
            yield f"{path} must be one of {list(allowed)}, got {value!r}"
        if "pattern" in limits and not _compiled(limits["pattern"]).search(value):
            yield f"{path} must match the pattern {limits['pattern']}"
    elif isinstance(value, int | float) and "max" in limits and value > limits["max"]:
        yield f"{path} must be at most {limits['max']}, got {value}"


def limit_errors(shape: Shape | None, value: Any, path: str = "") -> Iterator[str]:
    """Describe every way `value` breaks the max/enum/pattern limits of `shape`."""
    if shape is None or value is None:
        return
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        for name, member in shape.members.items():
            if name in value:
                yield from limit_errors(member, value[name], f"{path}.{name}".lstrip("."))
        return
    count_limit = shape.metadata.get("max")
    if isinstance(shape, ListShape) and isinstance(value, list):
        if count_limit is not None and len(value) > count_limit:
            yield f"{path} must have at most {count_limit} items"
        for index, item in enumerate(value):
            yield from limit_errors(shape.member, item, f"{path}[{index}]")
        return
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        if count_limit is not None and len(value) > count_limit:
            yield f"{path} must have at most {count_limit} entries"
        for key, item in value.items():
            yield from limit_errors(shape.key, key, f"{path} key")
            yield from limit_errors(shape.value, item, f"{path}.{key}")
        return
    yield from _scalar_errors(shape, value, path)


def check_limits(response: BaseResponse) -> None:
    """Refuse the request `response` is handling if its input breaks a limit of the model."""
    operation = get_service_model(response.boto3_service_name).operation_model(
        response._get_action()
    )
    errors = list(limit_errors(operation.input_shape, getattr(response, "params", None)))
    if errors:
        raise InputLimitError("; ".join(errors))


def call_checked(response: BaseResponse, call: Callable[[], TYPE_RESPONSE]) -> TYPE_RESPONSE:
    """Run `call` (the real call_action) unless the input breaks a limit: then answer 400."""
    try:
        check_limits(response)
    except InputLimitError as error:
        status, headers, body = response.serialized(ActionResult(error))
        headers["status"] = status
        return status, headers, body
    return call()
