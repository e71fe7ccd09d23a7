"""AppConfig access: what is deployed, the hosted versions, new versions and deployments.

Small functions with plain arguments; every AWS failure leaves as a PermanentError or a
TransientError (see clients.aws_call), except the two races the caller handles itself:
VersionConflictError (someone created a version since we read) and EnvironmentBusyError (another
deployment holds the environment).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from botocore.exceptions import ClientError

from flag_rollback import clients
from flag_rollback.errors import TransientError
from flag_rollback.settings import Settings
from flag_rollback.text import header_text, version_label

# Deployment states, from the AppConfig API reference.
COMPLETE = "COMPLETE"
STOPPABLE = frozenset({"DEPLOYING", "BAKING", "VALIDATING"})
BUSY = STOPPABLE | {"ROLLING_BACK"}
# Version labels this function writes; a version carrying one is derived from a deployed one.
ROLLBACK_LABEL = "flag-rollback:"
RESTORE_LABEL = "flag-restore:"
OWN_LABELS = (ROLLBACK_LABEL, RESTORE_LABEL)
MAX_PAGES = 10
_LOCK_ERRORS = frozenset({"ConflictException", "PreconditionFailedException"})
# StopDeployment of a deployment that has finished meanwhile.
_FINISHED_ERRORS = frozenset({"BadRequestException", "ResourceNotFoundException"})


class VersionConflictError(TransientError):
    """LatestVersionNumber was stale: another writer created a version first."""


class EnvironmentBusyError(TransientError):
    """StartDeployment was refused because a deployment is in progress in the environment."""


@dataclass(frozen=True)
class Profile:
    """What never changes about the configuration profile (cached per container)."""

    name: str
    type: str


@dataclass(frozen=True)
class Deployment:
    """One row of ListDeployments."""

    number: int
    profile_name: str
    version: int | None
    state: str
    label: str

    @property
    def own(self) -> bool:
        """Whether this function created the deployed version (rollback or restore)."""
        return self.label.startswith(OWN_LABELS)


@dataclass(frozen=True)
class Environment:
    """The environment's recent deployments (newest first) seen from one profile."""

    profile_name: str
    deployments: tuple[Deployment, ...]

    def _ours(self) -> list[Deployment]:
        return [item for item in self.deployments if item.profile_name == self.profile_name]

    def completed(self) -> Deployment | None:
        """The last COMPLETE deployment of this profile: what the environment serves."""
        return next((item for item in self._ours() if item.state == COMPLETE), None)

    def in_progress(self) -> Deployment | None:
        """A deployment of this profile that has not finished (stoppable)."""
        return next((item for item in self._ours() if item.state in STOPPABLE), None)

    def holder(self) -> Deployment | None:
        """Any unfinished deployment in the environment (it blocks StartDeployment)."""
        return next((item for item in self.deployments if item.state in BUSY), None)

    def highest_version(self) -> int:
        """The highest version of this profile ever deployed here (0 when none)."""
        return max((item.version or 0 for item in self._ours()), default=0)


@dataclass(frozen=True)
class HostedVersion:
    """A hosted configuration version's content."""

    content: bytes
    content_type: str


_profiles: dict[tuple[str, str], Profile] = {}
_profiles_lock = threading.Lock()


def reset_cache() -> None:
    """Forget cached profile lookups (tests build a new world per case)."""
    with _profiles_lock:
        _profiles.clear()


def get_profile(settings: Settings) -> Profile:
    """GetConfigurationProfile, once per container: a profile's name and type never change."""
    key = (settings.application_id, settings.profile_id)
    with _profiles_lock:
        cached = _profiles.get(key)
    if cached is not None:
        return cached
    with clients.aws_call("GetConfigurationProfile"):
        response = clients.appconfig().get_configuration_profile(
            ApplicationId=settings.application_id, ConfigurationProfileId=settings.profile_id
        )
    profile = Profile(
        name=str(response.get("Name", "")),
        type=str(response.get("Type", "AWS.Freeform")),
    )
    with _profiles_lock:
        _profiles[key] = profile
    return profile


def _version_number(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def read_environment(settings: Settings, profile: Profile) -> Environment:
    """ListDeployments, newest first, until this profile's last COMPLETE one is seen."""
    rows: list[Deployment] = []
    token: str | None = None
    args = {"ApplicationId": settings.application_id, "EnvironmentId": settings.environment_id}
    for _ in range(MAX_PAGES):
        with clients.aws_call("ListDeployments"):
            page = clients.appconfig().list_deployments(
                **args, MaxResults=50, **({"NextToken": token} if token else {})
            )
        rows.extend(
            Deployment(
                number=int(item.get("DeploymentNumber", 0)),
                profile_name=str(item.get("ConfigurationName", "")),
                version=_version_number(item.get("ConfigurationVersion")),
                state=str(item.get("State", "")),
                label=str(item.get("VersionLabel", "") or ""),
            )
            for item in page.get("Items", [])
        )
        environment = Environment(profile.name, tuple(sorted(rows, key=lambda d: -d.number)))
        token = page.get("NextToken")
        if environment.completed() is not None or not token:
            return environment
    return environment


def stop_deployment(settings: Settings, number: int) -> None:
    """StopDeployment; a deployment that finished meanwhile is not an error."""
    with clients.aws_call("StopDeployment"):
        try:
            clients.appconfig().stop_deployment(
                ApplicationId=settings.application_id,
                EnvironmentId=settings.environment_id,
                DeploymentNumber=number,
            )
        except ClientError as error:
            if clients.error_code(error) not in _FINISHED_ERRORS:
                raise


def get_version(settings: Settings, number: int) -> HostedVersion:
    """GetHostedConfigurationVersion: the content of one version."""
    with clients.aws_call("GetHostedConfigurationVersion"):
        response = clients.appconfig().get_hosted_configuration_version(
            ApplicationId=settings.application_id,
            ConfigurationProfileId=settings.profile_id,
            VersionNumber=number,
        )
        content = response["Content"].read()
    return HostedVersion(content, str(response.get("ContentType", "application/json")))


def latest_version_number(settings: Settings) -> int:
    """ListHostedConfigurationVersions: the highest version number of the profile."""
    latest = 0
    token: str | None = None
    for _ in range(MAX_PAGES * 10):
        with clients.aws_call("ListHostedConfigurationVersions"):
            page = clients.appconfig().list_hosted_configuration_versions(
                ApplicationId=settings.application_id,
                ConfigurationProfileId=settings.profile_id,
                MaxResults=50,
                **({"NextToken": token} if token else {}),
            )
        numbers = [int(item.get("VersionNumber", 0)) for item in page.get("Items", [])]
        latest = max([latest, *numbers])
        token = page.get("NextToken")
        if not token:
            break
    return latest


def create_version(
    settings: Settings,
    *,
    content: bytes,
    content_type: str,
    latest: int,
    description: str,
    label: str,
) -> int:
    """CreateHostedConfigurationVersion guarded by LatestVersionNumber (optimistic lock).

    The description and label are made header-safe ASCII within AppConfig's lengths.
    """
    with clients.aws_call("CreateHostedConfigurationVersion"):
        try:
            response = clients.appconfig().create_hosted_configuration_version(
                ApplicationId=settings.application_id,
                ConfigurationProfileId=settings.profile_id,
                Content=content,
                ContentType=content_type,
                Description=header_text(description),
                VersionLabel=version_label(label),
                LatestVersionNumber=latest,
            )
        except ClientError as error:
            if clients.error_code(error) in _LOCK_ERRORS:
                raise VersionConflictError(
                    "version_conflict", f"version {latest} is no longer the latest"
                ) from error
            raise
        return int(response["VersionNumber"])  # an answer without it: the call failed


def start_deployment(settings: Settings, *, version: int, description: str) -> int:
    """StartDeployment of a version with the configured strategy; the deployment number."""
    with clients.aws_call("StartDeployment"):
        try:
            response = clients.appconfig().start_deployment(
                ApplicationId=settings.application_id,
                EnvironmentId=settings.environment_id,
                DeploymentStrategyId=settings.strategy_id,
                ConfigurationProfileId=settings.profile_id,
                ConfigurationVersion=str(version),
                Description=header_text(description),
            )
        except ClientError as error:
            if clients.error_code(error) == "ConflictException":
                raise EnvironmentBusyError(
                    "environment_busy", "another deployment is in progress"
                ) from error
            raise
        return int(response["DeploymentNumber"])  # an answer without it: the call failed
