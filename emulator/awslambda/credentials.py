"""The credentials a function runs with: its execution role, assumed through moto's STS.

"Lambda automatically assumes your execution role when you invoke your function"
(Lambda Developer Guide, "Defining Lambda function permissions with an execution role",
https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html), and hands
the function "the access keys obtained from the function's execution role" as
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN ("Defined runtime environment
variables", https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
So every invocation runs with sts:AssumeRole credentials of the function's Role, and the
emulator's IAM check (emulator.iam.enforcement) decides each call they sign against the
role's policies.

*Inferred*: the role session name is the function name (the caller identity a function sees
is ``arn:aws:sts::<account>:assumed-role/<role>/<function name>``), and credentials are
kept per function and role until shortly before they expire, as an execution environment
keeps them, rather than assumed anew for every invocation.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from moto.core.utils import utcnow
from moto.sts.models import AssumedRole, sts_backends
from moto.utilities.utils import get_partition

SESSION_SECONDS = 3600
RENEW_BEFORE = timedelta(minutes=5)

_lock = threading.Lock()
_sessions: dict[tuple[str, str, str], AssumedRole] = {}


def _still_valid(session: AssumedRole, region: str) -> bool:
    """Not about to expire, and still known to STS (a moto reset forgets every session)."""
    backend = sts_backends[session.account_id][get_partition(region)]
    return session.expiration - RENEW_BEFORE > utcnow() and any(
        known is session for known in backend.assumed_roles
    )


def assume_execution_role(
    account_id: str, region: str, role_arn: str, function: str
) -> AssumedRole:
    """The role session a function named ``function`` runs with (sts:AssumeRole on its role)."""
    key = (account_id, role_arn, function)
    with _lock:
        session = _sessions.get(key)
        if session is None or not _still_valid(session, region):
            backend = sts_backends[account_id][get_partition(region)]
            session = backend.assume_role(
                region_name=region,
                role_session_name=function,
                role_arn=role_arn,
                policy="",
                duration=SESSION_SECONDS,
                external_id="",
            )
            _sessions[key] = session
        return session


def environment_credentials(session: AssumedRole) -> dict[str, str]:
    """The session as the three variables Lambda sets for the runtime."""
    return {
        "AWS_ACCESS_KEY_ID": session.access_key_id,
        "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
        "AWS_SESSION_TOKEN": session.session_token,
    }
