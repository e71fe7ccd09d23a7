"""Authorization of one AWS call against a principal's identity policies.

IAM's evaluation logic for a single account and identity policies only
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
an explicit Deny in any statement wins; otherwise the request needs an Allow; without one
it is implicitly denied (default deny).

A call can touch several resources (StartDeployment: the application, the environment, the
configuration profile and the deployment strategy). The Service Authorization Reference says
"If the action has one or more required resources, the caller must have permission to use
the action with those resources"
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
So here a call is allowed only when, for every resource ARN it touches, some Allow
statement covers the action on that ARN and no Deny does, and the touched ARNs cover every
required resource type of the action. An action with no resource types in the SAR is
authorised against ``"*"`` and needs a statement whose Resource matches ``*``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from emulator.iam import sar
from emulator.iam.policy import Effect, Policy, Statement, statements_of

STAR = "*"


class IncompleteRequestError(ValueError):
    """The request names no ARN for a required resource type (a bug in the ARN mapping)."""


class Reason(StrEnum):
    """Why a request was decided the way it was (AWS words it in the AccessDenied message)."""

    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicit_deny"
    NO_ALLOW = "no_allow"


@dataclass(frozen=True)
class Request:
    """One call to authorise: the action and the ARNs it touches (one per resource type)."""

    action: str
    resources: tuple[str, ...]
    context: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """The outcome; ``resource`` is the ARN a denial is about (AWS names it in the message)."""

    action: str
    reason: Reason
    resource: str = ""
    statement: str = ""

    @property
    def allowed(self) -> bool:
        """True when the call may proceed."""
        return self.reason is Reason.ALLOWED


def _check_request(entry: sar.Action, resources: Sequence[str]) -> None:
    if not resources:
        raise IncompleteRequestError(f"{entry.qualified}: a request names at least one resource")
    if entry.needs_star:
        if tuple(resources) != (STAR,):
            raise IncompleteRequestError(
                f"{entry.qualified} has no resource types in the SAR; it is authorised on '*'"
            )
        return
    for required in entry.required:
        if not any(required.matches(arn) for arn in resources):
            raise IncompleteRequestError(
                f"{entry.qualified} requires a {required.name} ARN "
                f"({required.arn_pattern}); the request names {list(resources)}"
            )


def _first(statements: Iterable[Statement], request: Request, arn: str) -> Statement | None:
    return next(
        (item for item in statements if item.applies(request.action, arn, request.context)),
        None,
    )


def evaluate(request: Request, policies: Iterable[Policy]) -> Decision:
    """Decide ``request`` against the principal's identity ``policies``.

    Raises sar.UnknownActionError for an action the SAR does not list and
    IncompleteRequestError when the request lacks an ARN of a required resource type.
    """
    entry = sar.action(request.action)
    _check_request(entry, request.resources)
    statements = statements_of(policies)
    denies = [item for item in statements if item.effect is Effect.DENY]
    allows = [item for item in statements if item.effect is Effect.ALLOW]
    for arn in request.resources:
        deny = _first(denies, request, arn)
        if deny is not None:
            return Decision(entry.qualified, Reason.EXPLICIT_DENY, arn, deny.sid)
    for arn in request.resources:
        if _first(allows, request, arn) is None:
            return Decision(entry.qualified, Reason.NO_ALLOW, arn)
    return Decision(entry.qualified, Reason.ALLOWED)
