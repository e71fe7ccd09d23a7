"""CloudWatch errors moto does not define, named as in the CloudWatch API Reference."""

from __future__ import annotations

from moto.cloudwatch.exceptions import CloudWatchException


class InvalidNextTokenError(CloudWatchException):
    """CloudWatch's error for a NextToken it did not hand out."""

    code = "InvalidNextToken"
    message = "The service couldn't process the NextToken."
