"""The error a denied call gets, in the shape of the service's protocol.

The message follows the form AWS gives since 2021 ("Improved access denied error messages",
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
``User: <principal> is not authorized to perform: <action> on resource: <arn> because no
identity-based policy allows the <action> action`` (or ``with an explicit deny in an
identity-based policy``). The ``on resource:`` part is left out for calls authorised on
``*``, as AWS does for actions without resource-level permissions.

Error codes per service (the botocore service model where it names the error, else *inferred*
from the service's Common Errors page and observed responses):
- rest-json and json services (appconfig, lambda, logs, kms, and the default):
  ``AccessDeniedException``, HTTP 403 for rest-json (AppConfig/Lambda Common Errors),
  400 for the json services (logs, kms; *inferred* from their Common Errors pages).
- sns (query): ``AuthorizationError``, HTTP 403 (botocore sns model, AuthorizationErrorException).
- cloudwatch, sqs, sts, iam: ``AccessDenied``, HTTP 403 (*inferred*: CloudWatch's and IAM's
  query-protocol responses; no model shape names it).
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.iam.evaluator import STAR, Decision, Reason

_CODES: dict[str, tuple[str, int]] = {
    "sns": ("AuthorizationError", 403),
    "cloudwatch": ("AccessDenied", 403),
    "sqs": ("AccessDenied", 403),
    "sts": ("AccessDenied", 403),
    "iam": ("AccessDenied", 403),
    "logs": ("AccessDeniedException", 400),
    "kms": ("AccessDeniedException", 400),
}
_DEFAULT = ("AccessDeniedException", 403)


@dataclass(frozen=True)
class AccessDeniedError(Exception):
    """A call the principal's policies do not allow, with the code and status AWS gives."""

    code: str
    status: int
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def denial(action: str, message: str) -> AccessDeniedError:
    """The error of the service of ``action`` (``sns:Publish``) carrying ``message``."""
    code, status = _CODES.get(action.partition(":")[0], _DEFAULT)
    return AccessDeniedError(code, status, message)


def access_denied(decision: Decision, principal: str) -> AccessDeniedError:
    """The error for a denied ``decision``; ``principal`` is the caller's ARN as AWS shows it."""
    if decision.allowed:
        raise ValueError("access_denied needs a denial")
    action = decision.action
    target = "" if decision.resource in ("", STAR) else f" on resource: {decision.resource}"
    if decision.reason is Reason.EXPLICIT_DENY:
        why = "with an explicit deny in an identity-based policy"
    else:
        why = f"because no identity-based policy allows the {action} action"
    message = f"User: {principal} is not authorized to perform: {action}{target} {why}"
    return denial(action, message)
