"""boto3 clients pointed at the emulator (``Aws``), one per service, built on first use."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from tools.harness.env import REGION, aws_environment

if TYPE_CHECKING:
    from mypy_boto3_appconfig import AppConfigClient
    from mypy_boto3_appconfigdata import AppConfigDataClient
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_kms.type_defs import KeyMetadataTypeDef
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient


class Aws:
    """boto3 clients pointed at the emulator, with fake credentials and short timeouts."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        credentials = aws_environment(endpoint)
        self._session = boto3.session.Session(
            aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
            region_name=REGION,
        )
        self._options: dict[str, Any] = {
            "endpoint_url": endpoint,
            "config": Config(
                connect_timeout=5, read_timeout=60, retries={"max_attempts": 2, "mode": "standard"}
            ),
        }

    @cached_property
    def appconfig(self) -> AppConfigClient:
        return self._session.client("appconfig", **self._options)

    @cached_property
    def appconfigdata(self) -> AppConfigDataClient:
        return self._session.client("appconfigdata", **self._options)

    @cached_property
    def cloudwatch(self) -> CloudWatchClient:
        return self._session.client("cloudwatch", **self._options)

    @cached_property
    def events(self) -> EventBridgeClient:
        return self._session.client("events", **self._options)

    @cached_property
    def iam(self) -> IAMClient:
        return self._session.client("iam", **self._options)

    @cached_property
    def kms(self) -> KMSClient:
        return self._session.client("kms", **self._options)

    def kms_keys(self) -> list[KeyMetadataTypeDef]:
        """Metadata of every KMS key in the account."""
        keys = self.kms.list_keys()["Keys"]
        return [self.kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"] for key in keys]

    @cached_property
    def lambda_(self) -> LambdaClient:
        return self._session.client("lambda", **self._options)

    @cached_property
    def logs(self) -> CloudWatchLogsClient:
        return self._session.client("logs", **self._options)

    @cached_property
    def ssm(self) -> SSMClient:
        return self._session.client("ssm", **self._options)

    @cached_property
    def sns(self) -> SNSClient:
        return self._session.client("sns", **self._options)

    @cached_property
    def sqs(self) -> SQSClient:
        return self._session.client("sqs", **self._options)
