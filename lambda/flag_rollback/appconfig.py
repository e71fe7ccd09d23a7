"""AppConfig access: what is deployed, the hosted versions, new versions and deployments.

Small functions with plain arguments; every AWS failure leaves as a PermanentError or a
TransientError (see clients.aws_call), except the races the caller handles itself:
VersionConflictError (LatestVersionNumber was refused: maybe someone created a version since
we read), EnvironmentBusyError (another deployment holds the environment) and a StopDeployment
that AppConfig refuses (stop_deployment returns None: the caller re-reads the state).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from flag_rollback import clients, variants
from flag_rollback.errors import TransientError
from flag_rollback.settings import Settings
from flag_rollback.text import header_text, version_label, whole_number

# Deployment states, from the AppConfig API reference.
COMPLETE = "COMPLETE"
STOPPABLE = frozenset({"DEPLOYING", "BAKING", "VALIDATING"})
BUSY = STOPPABLE | {"ROLLING_BACK"}
# A deployment whose bake ends within this margin is waited for, not stopped: with
# AllowRevert, a stop that arrives after it completed would REVERT it.
STOP_MARGIN = timedelta(seconds=15)
# Version labels this function writes; a version carrying one is derived from a deployed one.
ROLLBACK_LABEL = "flag-rollback:"
RESTORE_LABEL = "flag-restore:"
OWN_LABELS = (ROLLBACK_LABEL, RESTORE_LABEL)
MAX_PAGES = 10
# A refused LatestVersionNumber: no AWS text names the error, the model allows these
# (a BadRequestException is only a lost race when a re-read shows a newer version).
_LOCK_ERRORS = frozenset({"ConflictException", "PreconditionFailedException"})
_MAYBE_LOCK_ERRORS = _LOCK_ERRORS | {"BadRequestException"}
# StopDeployment refused: the deployment is no longer in a stoppable state (it finished,
# or it is DEPLOYING->BAKING and AllowRevert was missing): re-read, never assume.
_NOT_STOPPABLE_ERRORS = frozenset({"BadRequestException"})


class VersionConflictError(TransientError):
    """LatestVersionNumber was refused: another writer may have created a version first."""

    def __init__(self, code: str, message: str, *, error_code: str) -> None:
        super().__init__(code, message)
        self.error_code = error_code


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
    ends_at: datetime | None = None

    def ends_soon(self, now: datetime | None = None) -> bool:
        """Whether it completes within STOP_MARGIN (StartedAt + duration + final bake)."""
        if self.ends_at is None:
            return False
        return self.ends_at - (now or datetime.now(UTC)) < STOP_MARGIN

    @property
    def own(self) -> bool:
        """Whether this function created the deployed version (rollback or restore)."""
        return self.label.startswith(OWN_LABELS)

    @property
    def seen(self) -> int | None:
        """For an own version: the newest deployment number its writer had read (see label())."""
        return seen_in_label(self.label)


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

    def newest_number(self) -> int:
        """The highest deployment number in the environment, any profile (0 when none)."""
        return max((item.number for item in self.deployments), default=0)

    def of_profile(self) -> list[Deployment]:
        """This profile's deployments, newest first."""
        return self._ours()


def label(prefix: str, stamp: str, seen: int, names: str) -> str:
    """An own version's label: ``<prefix><stamp>:d<seen>:<names>``.

    ``text.version_label`` makes it header-safe and cuts it to AppConfig's 64 characters
    (with a marker) when the version is written; prefix, stamp and ``seen`` come first, so
    they survive the cut.

    ``seen`` is the newest deployment number the writer had read when it computed the
    version: every deployment after it is one the version may lack (see lineage.py).
    """
    return f"{prefix}{stamp}:d{seen}:{names}"


def seen_in_label(text: str) -> int | None:
    """The ``seen`` number of an own label; None for other labels (or older own ones)."""
    if not text.startswith(OWN_LABELS):
        return None
    parts = text.split(":")
    seen = parts[2][1:] if len(parts) >= 4 and parts[2].startswith("d") else ""
    return whole_number(seen)


@dataclass(frozen=True)
class LatestVersion:
    """The profile's newest hosted version: its number (0 when none) and label."""

    number: int
    label: str

    @property
    def own(self) -> bool:
        return self.label.startswith(OWN_LABELS)


@dataclass(frozen=True)
class DeploymentDetail:
    """What GetDeployment says about a deployment: enough to start it again."""

    number: int
    state: str
    profile_id: str
    profile_name: str
    version: str
    strategy_id: str
    description: str


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


def _covered(environment: Environment) -> bool:
    """Whether the rows read so far are enough to plan a change (see lineage.plan).

    They must reach this profile's last COMPLETE deployment and, for every own deployment
    newer than it, back to the deployment after the one its writer had seen.
    """
    completed = environment.completed()
    if completed is None:
        return False
    marks = [
        item.seen
        for item in environment.of_profile()
        if item.own and item.number >= completed.number and item.seen is not None
    ]
    oldest = min(item.number for item in environment.deployments)
    return oldest <= min(marks, default=oldest) + 1


def _ends_at(item: Mapping[str, Any]) -> datetime | None:
    """When a deployment completes: StartedAt + DeploymentDuration + FinalBakeTime."""
    started = item.get("StartedAt")
    if not isinstance(started, datetime):
        return None
    minutes = float(item.get("DeploymentDurationInMinutes", 0) or 0)
    minutes += float(item.get("FinalBakeTimeInMinutes", 0) or 0)
    started = started if started.tzinfo else started.replace(tzinfo=UTC)
    return started + timedelta(minutes=minutes)


def read_environment(settings: Settings, profile: Profile) -> Environment:
    """ListDeployments, newest first, until the rows a change is planned from are read."""
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
                ends_at=_ends_at(item),
            )
            for item in page.get("Items", [])
        )
        environment = Environment(profile.name, tuple(sorted(rows, key=lambda d: -d.number)))
        token = page.get("NextToken")
        if _covered(environment) or not token:
            return environment
    return environment


def stop_deployment(settings: Settings, deployment: Deployment) -> str | None:
    """StopDeployment of a deployment just read as in progress; its new state, None if refused.

    AppConfig stops only DEPLOYING deployments unless AllowRevert is passed; with it an
    in-progress deployment becomes ROLLED_BACK and a COMPLETE one REVERTED (API reference,
    StopDeployment). So AllowRevert is sent only for a deployment read as BAKING or
    VALIDATING whose bake does not end within STOP_MARGIN (the caller waits for those
    instead, so a stop that arrives after completion, which would REVERT it, is rare; an
    own deployment reverted anyway is re-merged by lineage.plan), and a
    refusal (BadRequestException: it moved on, e.g. DEPLOYING -> BAKING,
    or finished) returns None for the caller to re-read the state, never to assume.
    """
    revert = deployment.state != "DEPLOYING"
    with clients.aws_call("StopDeployment"):
        try:
            response = clients.appconfig().stop_deployment(
                ApplicationId=settings.application_id,
                EnvironmentId=settings.environment_id,
                DeploymentNumber=deployment.number,
                **({"AllowRevert": True} if revert else {}),
            )
        except ClientError as error:
            if clients.error_code(error) not in _NOT_STOPPABLE_ERRORS:
                raise
            return None
    return str(response.get("State", ""))


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


def latest_version(settings: Settings) -> LatestVersion:
    """ListHostedConfigurationVersions: the profile's highest version number and its label.

    The API reference does not state the order of the items (newest first is what the
    service is seen to return: inferred), so every page is read and the maximum taken;
    a profile with at most 50 versions costs one call.
    """
    latest = LatestVersion(0, "")
    token: str | None = None
    for _ in range(MAX_PAGES * 10):
        with clients.aws_call("ListHostedConfigurationVersions"):
            page = clients.appconfig().list_hosted_configuration_versions(
                ApplicationId=settings.application_id,
                ConfigurationProfileId=settings.profile_id,
                MaxResults=50,
                **({"NextToken": token} if token else {}),
            )
        for item in page.get("Items", []):
            number = int(item.get("VersionNumber", 0))
            if number > latest.number:
                latest = LatestVersion(number, str(item.get("VersionLabel", "") or ""))
        token = page.get("NextToken")
        if not token:
            break
    return latest


def recorded_values(settings: Settings, flag: str) -> variants.ValuesRecord | None:
    """The record of what the newest rollback of ``flag`` turned off (multi-variant flags).

    Read from the descriptions of this function's rollback versions
    (ListHostedConfigurationVersions, every page; see variants.describe), newest first.
    """
    found: list[tuple[int, str]] = []
    token: str | None = None
    for _ in range(MAX_PAGES * 10):
        with clients.aws_call("ListHostedConfigurationVersions"):
            page = clients.appconfig().list_hosted_configuration_versions(
                ApplicationId=settings.application_id,
                ConfigurationProfileId=settings.profile_id,
                MaxResults=50,
                **({"NextToken": token} if token else {}),
            )
        found += [
            (int(item.get("VersionNumber", 0)), str(item.get("Description", "") or ""))
            for item in page.get("Items", [])
            if str(item.get("VersionLabel", "") or "").startswith(ROLLBACK_LABEL)
        ]
        token = page.get("NextToken")
        if not token:
            break
    for _, description in sorted(found, reverse=True):
        record = variants.recorded(description, flag)
        if record is not None:
            return record
    return None


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
    A ConflictException or BadRequestException raises VersionConflictError: the caller
    re-reads the latest version to tell a lost race from a request AWS will never accept.
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
            code = clients.error_code(error)
            if code in _MAYBE_LOCK_ERRORS:
                raise VersionConflictError(
                    "version_conflict",
                    f"LatestVersionNumber {latest} refused ({code}): "
                    f"{error.response.get('Error', {}).get('Message', '')}",
                    error_code=code,
                ) from error
            raise
        return int(response["VersionNumber"])  # an answer without it: the call failed


def get_deployment(settings: Settings, number: int) -> DeploymentDetail:
    """GetDeployment of a deployment in the environment (any profile)."""
    with clients.aws_call("GetDeployment"):
        response = clients.appconfig().get_deployment(
            ApplicationId=settings.application_id,
            EnvironmentId=settings.environment_id,
            DeploymentNumber=number,
        )
    return DeploymentDetail(
        number=int(response.get("DeploymentNumber", number)),
        state=str(response.get("State", "")),
        profile_id=str(response.get("ConfigurationProfileId", "")),
        profile_name=str(response.get("ConfigurationName", "")),
        version=str(response.get("ConfigurationVersion", "")),
        strategy_id=str(response.get("DeploymentStrategyId", "")),
        description=str(response.get("Description", "") or ""),
    )


def start_deployment(
    settings: Settings,
    *,
    version: int | str,
    description: str,
    profile_id: str | None = None,
    strategy_id: str | None = None,
) -> int:
    """StartDeployment of a version; the deployment number.

    By default of this function's profile with the configured strategy; another profile's
    version with its own strategy when a preempted rollout is restarted (foreign.py).
    """
    with clients.aws_call("StartDeployment"):
        try:
            response = clients.appconfig().start_deployment(
                ApplicationId=settings.application_id,
                EnvironmentId=settings.environment_id,
                DeploymentStrategyId=strategy_id or settings.strategy_id,
                ConfigurationProfileId=profile_id or settings.profile_id,
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
