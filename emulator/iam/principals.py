"""Who signed a request: a role session of moto's STS, and the policies of its role.

A request signed with temporary credentials from sts:AssumeRole acts as the role session
``arn:aws:sts::<account>:assumed-role/<role>/<session>``, and IAM authorises it with the
role's identity policies: its inline policies and the managed policies attached to it,
customer-managed and AWS-managed alike (IAM User Guide, "Policy evaluation logic",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
An access key that is not a role session (the static test keys, the operator) is not
authorised here: it stays unrestricted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import unquote

from moto.iam.exceptions import NotFoundException
from moto.iam.models import get_account_id_from, iam_backends
from moto.sts.models import sts_backends
from moto.utilities.utils import PARTITION_NAMES

from emulator.iam.policy import Policy, parse_policy


@dataclass(frozen=True)
class RoleSession:
    """An assumed-role session: the role it acts as and its ARN as AWS names the caller."""

    account: str
    partition: str
    role_arn: str
    arn: str
    session_token: str


def session_for(access_key_id: str) -> RoleSession | None:
    """The role session ``access_key_id`` belongs to; None for any other key."""
    account = get_account_id_from(access_key_id)
    for partition in PARTITION_NAMES:
        found = sts_backends[account][partition].get_assumed_role_from_access_key(access_key_id)
        if found is not None:
            return RoleSession(account, partition, found.role_arn, found.arn, found.session_token)
    return None


def _document(text: str) -> str:
    """IAM stores documents as given; some clients send them URL-encoded."""
    stripped = text.strip()
    return stripped if stripped.startswith("{") else unquote(stripped)


def role_policies(account: str, partition: str, role_arn: str) -> list[Policy]:
    """The role's inline and attached policies (default versions); empty for a missing role."""
    backend = iam_backends[account][partition]
    try:
        role = backend.get_role_by_arn(role_arn)
    except NotFoundException:  # a deleted role grants nothing
        return []
    policies = [
        parse_policy(json.loads(_document(document)), name=name)
        for name, document in role.policies.items()
    ]
    for arn, managed in role.managed_policies.items():
        version = next(
            (item for item in managed.versions if item.version_id == managed.default_version_id),
            None,
        )
        if version is not None and version.document:
            policies.append(parse_policy(json.loads(_document(version.document)), name=arn))
    return policies
