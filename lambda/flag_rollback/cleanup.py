"""Terraform's lifecycle calls: on destroy, delete the hosted versions this function wrote.

AppConfig refuses to delete a configuration profile that still has hosted versions
(BadRequestException "Cannot delete configuration profile ... because there are still
hosted configuration versions existing under it"), and Terraform knows only the version it
wrote itself. The module therefore invokes the function from an `aws_lambda_invocation`
with `lifecycle_scope = "CRUD"`: the provider adds ``{"tf": {"action": "create" | "update"
| "delete", "prev_input": ...}}`` to the input on each lifecycle event. ``create`` and
``update`` change nothing; ``delete`` (Terraform destroys the invocation before the function
and before the profile) waits until no deployment of the profile is in progress in the
environment, then deletes every version whose VersionLabel carries this function's marker
(``flag-rollback:`` or ``flag-restore:``). Versions anyone else wrote (Terraform's own
seed, a person's) are left alone; a profile or environment already gone is nothing to do.
An input with ``"delete_own_versions": false`` (a profile that outlives the stack) deletes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from botocore.exceptions import ClientError

from flag_rollback import appconfig, clients
from flag_rollback.errors import PermanentError, RollbackError, TransientError
from flag_rollback.observe import log
from flag_rollback.service import backoff
from flag_rollback.settings import Settings

Lifecycle = Literal["create", "update", "delete"]
LIFECYCLES: tuple[Lifecycle, ...] = ("create", "update", "delete")
# The provider's default `terraform_key`; the module keeps it.
TERRAFORM_KEY = "tf"
_GONE = frozenset({"ResourceNotFoundException"})
MAX_WAITS = 30


@dataclass(frozen=True)
class LifecycleRequest:
    """One lifecycle call of the module's `aws_lambda_invocation`."""

    action: Lifecycle


def lifecycle_event(event: object) -> dict[str, object] | None:
    """The event if it comes from the Terraform invocation (it carries the `tf` object)."""
    if isinstance(event, dict) and isinstance(event.get(TERRAFORM_KEY), dict):
        return cast("dict[str, object]", event)
    return None


def parse_lifecycle(event: dict[str, object]) -> LifecycleRequest:
    """The lifecycle action; PermanentError when the `tf` object holds none we know."""
    action = cast("dict[str, object]", event[TERRAFORM_KEY]).get("action")
    if action not in LIFECYCLES:
        raise PermanentError(
            "unparseable_event", f"tf.action must be one of {', '.join(LIFECYCLES)}"
        )
    return LifecycleRequest(action)


def _gone(error: RollbackError) -> bool:
    """Whether an AWS call failed because the profile or environment no longer exists."""
    cause = error.__cause__
    return isinstance(cause, ClientError) and clients.error_code(cause) in _GONE


def _wait_until_idle(settings: Settings, profile: appconfig.Profile, deadline: float) -> None:
    """Return once no deployment of the profile is in progress in the environment.

    A version that is being deployed must not disappear under the deployment. The wait is
    bounded by the invocation's time; then a TransientError fails the destroy, which can be
    run again once the deployment has finished. An environment already gone deploys nothing.
    """
    for attempt in range(MAX_WAITS):
        try:
            current = appconfig.read_environment(settings, profile).in_progress()
        except RollbackError as error:
            if _gone(error):
                return
            raise
        if current is None:
            return
        log("cleanup_waits_for_deployment", deployment=current.number, version=current.version)
        backoff(attempt, deadline)
    raise TransientError(
        "deployment_in_progress",
        f"a deployment of profile {profile.name!r} is still in progress; destroy again later",
    )


def own_versions(settings: Settings) -> list[int]:
    """Numbers of the profile's hosted versions that this function wrote (by their label)."""
    numbers: list[int] = []
    token: str | None = None
    for _ in range(appconfig.MAX_PAGES * 10):
        with clients.aws_call("ListHostedConfigurationVersions"):
            page = clients.appconfig().list_hosted_configuration_versions(
                ApplicationId=settings.application_id,
                ConfigurationProfileId=settings.profile_id,
                MaxResults=50,
                **({"NextToken": token} if token else {}),
            )
        numbers.extend(
            int(item["VersionNumber"])
            for item in page.get("Items", [])
            if str(item.get("VersionLabel", "") or "").startswith(appconfig.OWN_LABELS)
        )
        token = page.get("NextToken")
        if not token:
            break
    return sorted(numbers)


def _delete_version(settings: Settings, number: int) -> None:
    """DeleteHostedConfigurationVersion; a version already gone is not an error."""
    with clients.aws_call("DeleteHostedConfigurationVersion"):
        try:
            clients.appconfig().delete_hosted_configuration_version(
                ApplicationId=settings.application_id,
                ConfigurationProfileId=settings.profile_id,
                VersionNumber=number,
            )
        except ClientError as error:
            if clients.error_code(error) not in _GONE:
                raise


def delete_own_versions(settings: Settings, deadline: float) -> list[int]:
    """Delete the versions this function wrote, once no deployment of them is in progress."""
    try:
        profile = appconfig.get_profile(settings)
    except RollbackError as error:
        if _gone(error):
            log("cleanup_nothing_left", detail=error.message)
            return []
        raise
    _wait_until_idle(settings, profile, deadline)
    numbers = own_versions(settings)
    for number in numbers:
        _delete_version(settings, number)
    return numbers


def handle(settings: Settings, event: dict[str, object], deadline: float) -> dict[str, object]:
    """Carry out one lifecycle call; the result is what Terraform stores as `result`."""
    request = parse_lifecycle(event)
    if request.action != "delete":
        log("lifecycle", action=request.action)
        return {"lifecycle": request.action, "deleted_versions": []}
    if event.get("delete_own_versions") is False:
        log("lifecycle", action=request.action, deleted_versions=[], kept="profile outlives")
        return {"lifecycle": request.action, "deleted_versions": []}
    deleted = delete_own_versions(settings, deadline)
    log("lifecycle", action=request.action, deleted_versions=deleted)
    return {"lifecycle": request.action, "deleted_versions": deleted}
