"""The errors AppConfig answers with, named as in its API Reference (botocore's service model).

`code` names the exception shape in the service model: moto serializes the status code
(400/404/409) and the extra members from it, and botocore raises the matching class.
"""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class BadRequestException(ServiceException):
    code = "BadRequestException"

    def __init__(self, message: str, details: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        if details is not None:
            self.Reason = "InvalidConfiguration"
            self.Details = {"InvalidConfiguration": details}


class ResourceNotFoundException(ServiceException):
    code = "ResourceNotFoundException"

    def __init__(self, message: str, resource_name: str | None = None) -> None:
        super().__init__(message)
        if resource_name is not None:
            self.ResourceName = resource_name


class ConflictException(ServiceException):
    code = "ConflictException"


class InputLimitError(ServiceException):
    """A request member breaks a length, range or pattern of the service model."""

    code = "BadRequestException"


class PayloadTooLargeException(ServiceException):
    """Hosted configuration content above the store's size quota (HTTP 413); the model
    measures Limit and Size in KILOBYTES (its BytesMeasure enum has no other value)."""

    code = "PayloadTooLargeException"

    def __init__(self, message: str, *, limit: float, size: float) -> None:
        super().__init__(message)
        self.Measure = "KILOBYTES"
        self.Limit = limit
        self.Size = size


class ServiceQuotaExceededException(ServiceException):
    """Creating one more resource would exceed an AppConfig service quota."""

    code = "ServiceQuotaExceededException"
