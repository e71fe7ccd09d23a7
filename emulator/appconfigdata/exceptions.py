"""The errors AppConfig Data answers with, named as in its API Reference."""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class BadRequestException(ServiceException):
    code = "BadRequestException"

    def __init__(self, message: str, problem: str | None = None) -> None:
        super().__init__(message)
        if problem is not None:
            self.Reason = "InvalidParameters"
            self.Details = {"InvalidParameters": {"ConfigurationToken": {"Problem": problem}}}


class ResourceNotFoundException(ServiceException):
    code = "ResourceNotFoundException"

    def __init__(self, message: str, resource_type: str, referenced_by: dict[str, str]) -> None:
        super().__init__(message)
        self.ResourceType = resource_type
        self.ReferencedBy = referenced_by
