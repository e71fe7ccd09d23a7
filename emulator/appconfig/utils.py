"""Helpers the AppConfig models and responses share: clock, IDs, pagination, content bytes."""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from emulator.appconfig.exceptions import BadRequestException


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """AppConfig IDs are seven lower-case alphanumerics (pattern [a-z0-9]{4,7})."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(7))


def paginate(
    items: Sequence[Any], max_results: int | None, next_token: str | None
) -> dict[str, Any]:
    """Slice a listing the way AppConfig's List* calls do (MaxResults 1-50, opaque NextToken)."""
    if max_results is not None and not 1 <= max_results <= 50:
        raise BadRequestException("MaxResults must be between 1 and 50")
    start = 0
    if next_token:
        if not next_token.isdigit() or int(next_token) > len(items):
            raise BadRequestException("The NextToken is not valid")
        start = int(next_token)
    end = start + (max_results or 50)
    page: dict[str, Any] = {"Items": list(items[start:end])}
    if end < len(items):
        page["NextToken"] = str(end)
    return page


def as_bytes(content: object) -> bytes:
    """Hosted content is stored as bytes; moto's own model types it as str."""
    if isinstance(content, bytes):
        return content
    return str(content).encode()
