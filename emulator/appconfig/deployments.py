"""AppConfig resources moto lacks: environments, deployment strategies and deployments.

Plain data plus the deployment state machine. A deployment's state is derived from the time
elapsed since it started, scaled by the deployment time factor it started with, so nothing
runs in the background: VALIDATING briefly when the profile has validators, DEPLOYING while
the strategy's duration lasts, BAKING during the final bake time, then COMPLETE; a stopped
one is ROLLING_BACK briefly, then ROLLED_BACK, or REVERTED (the DeploymentState enum of the
service model). Field names follow botocore's appconfig service model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from emulator.appconfig.exceptions import BadRequestException
from emulator.appconfig.utils import new_id, now

# --------------------------------------------------------------------------- environments


@dataclass
class Environment:
    application_id: str
    name: str
    arn: str
    description: str | None = None
    monitors: list[dict[str, str]] = field(default_factory=list)
    id: str = field(default_factory=new_id)

    def to_dict(self, state: str) -> dict[str, Any]:
        return {
            "ApplicationId": self.application_id,
            "Id": self.id,
            "Name": self.name,
            "Description": self.description,
            "State": state,
            "Monitors": self.monitors,
        }


# --------------------------------------------------------------------------- strategies

GROWTH_TYPES = ("LINEAR", "EXPONENTIAL")
MAX_MINUTES = 24 * 60


@dataclass
class DeploymentStrategy:
    name: str
    deployment_duration_in_minutes: int
    growth_factor: float
    final_bake_time_in_minutes: int = 0
    growth_type: str = "LINEAR"
    replicate_to: str = "NONE"
    description: str | None = None
    id: str = field(default_factory=new_id)
    arn: str = ""
    predefined: bool = False

    def __post_init__(self) -> None:
        check_strategy_values(
            self.deployment_duration_in_minutes,
            self.final_bake_time_in_minutes,
            self.growth_factor,
            self.growth_type,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Name": self.name,
            "Description": self.description,
            "DeploymentDurationInMinutes": self.deployment_duration_in_minutes,
            "GrowthType": self.growth_type,
            "GrowthFactor": self.growth_factor,
            "FinalBakeTimeInMinutes": self.final_bake_time_in_minutes,
            "ReplicateTo": self.replicate_to,
        }


def check_strategy_values(duration: int, bake: int, growth_factor: float, growth_type: str) -> None:
    """The service-side limits of CreateDeploymentStrategy (botocore checks only minimums)."""
    for label, minutes in (
        ("DeploymentDurationInMinutes", duration),
        ("FinalBakeTimeInMinutes", bake),
    ):
        if not 0 <= minutes <= MAX_MINUTES:
            raise BadRequestException(f"{label} must be between 0 and {MAX_MINUTES}, got {minutes}")
    if not 1.0 <= growth_factor <= 100.0:
        raise BadRequestException(
            f"GrowthFactor must be between 1.0 and 100.0, got {growth_factor}"
        )
    if growth_type not in GROWTH_TYPES:
        raise BadRequestException(
            f"GrowthType must be one of {list(GROWTH_TYPES)}, got {growth_type}"
        )


def _predefined(
    name: str, *, description: str, linear: bool, factor: float, duration: int, bake: int
) -> DeploymentStrategy:
    return DeploymentStrategy(
        name=name,
        description=description,
        growth_type="LINEAR" if linear else "EXPONENTIAL",
        growth_factor=factor,
        deployment_duration_in_minutes=duration,
        final_bake_time_in_minutes=bake,
        id=name,
        predefined=True,
    )


# The AppConfig User Guide, "Using predefined deployment strategies".
PREDEFINED_STRATEGIES: dict[str, DeploymentStrategy] = {
    s.id: s
    for s in (
        _predefined(
            "AppConfig.Linear50PercentEvery30Seconds",
            description="Test/Demo",
            linear=True,
            factor=50.0,
            duration=1,
            bake=1,
        ),
        _predefined(
            "AppConfig.Canary10Percent20Minutes",
            description="AWS Recommended",
            linear=False,
            factor=10.0,
            duration=20,
            bake=10,
        ),
        _predefined(
            "AppConfig.AllAtOnce",
            description="Quick",
            linear=True,
            factor=100.0,
            duration=0,
            bake=10,
        ),
        _predefined(
            "AppConfig.Linear20PercentEvery6Minutes",
            description="AWS Recommended",
            linear=True,
            factor=20.0,
            duration=30,
            bake=30,
        ),
    )
}


# --------------------------------------------------------------------------- deployments

IN_PROGRESS = ("VALIDATING", "DEPLOYING", "BAKING")
STOPPED = ("ROLLING_BACK", "ROLLED_BACK", "REVERTED")
# How long validating and rolling back last, in strategy minutes (scaled by the time
# factor like the strategy's own minutes). AWS documents the states, not their length:
# *inferred* as a few seconds at factor 1.0, nothing at the default factor 0.
VALIDATION_MINUTES = 0.005
ROLLBACK_MINUTES = 0.005
# "AppConfig only allows a revert within 72 hours of deployment completion" (StopDeployment).
REVERT_WINDOW = timedelta(hours=72)


@dataclass(frozen=True)
class ServedContent:
    """What a deployment delivers: a snapshot of the version taken at StartDeployment."""

    content: bytes
    content_type: str
    version: str
    version_label: str | None


def percentage_at(strategy: DeploymentStrategy, elapsed_minutes: float) -> float:
    """Share of targets reached after `elapsed_minutes` (the User Guide's growth formulas)."""
    duration = strategy.deployment_duration_in_minutes
    if duration == 0 or elapsed_minutes >= duration:
        return 100.0
    factor = strategy.growth_factor
    if strategy.growth_type == "LINEAR":
        steps = math.ceil(100.0 / factor)
        completed = math.floor(elapsed_minutes / (duration / steps))
        return min(100.0, completed * factor)
    # EXPONENTIAL: G*2^0, G*2^1, ... until 100%.
    steps = math.ceil(math.log2(100.0 / factor)) + 1
    completed = math.floor(elapsed_minutes / (duration / steps))
    return 0.0 if completed == 0 else min(100.0, factor * 2 ** (completed - 1))


@dataclass
class Deployment:
    application_id: str
    environment_id: str
    number: int
    strategy: DeploymentStrategy
    profile_id: str
    profile_name: str
    location_uri: str
    served: ServedContent
    time_factor: float
    description: str | None = None
    validated: bool = False
    started_at: datetime = field(default_factory=now)
    stopped_at: datetime | None = None
    stopped_state: str | None = None
    stopped_by: str = "USER"
    stop_reason: str = ""

    @property
    def arn_suffix(self) -> str:
        environment = f"application/{self.application_id}/environment/{self.environment_id}"
        return f"{environment}/deployment/{self.number}"

    def _scaled(self, minutes: float) -> timedelta:
        return timedelta(minutes=minutes * self.time_factor)

    @property
    def deploying_starts_at(self) -> datetime:
        """After VALIDATING, when the profile has validators (StartDeployment runs them)."""
        return self.started_at + self._scaled(VALIDATION_MINUTES if self.validated else 0)

    @property
    def bake_starts_at(self) -> datetime:
        return self.deploying_starts_at + self._scaled(self.strategy.deployment_duration_in_minutes)

    @property
    def completes_at(self) -> datetime:
        return self.bake_starts_at + self._scaled(self.strategy.final_bake_time_in_minutes)

    @property
    def rolled_back_at(self) -> datetime | None:
        """When a rollback ends (ROLLING_BACK before that); None unless rolled back."""
        if self.stopped_state != "ROLLED_BACK" or self.stopped_at is None:
            return None
        return self.stopped_at + self._scaled(ROLLBACK_MINUTES)

    def state(self, at: datetime | None = None) -> str:
        moment = at or now()
        if self.stopped_state is not None:
            ends = self.rolled_back_at
            return "ROLLING_BACK" if ends is not None and moment < ends else self.stopped_state
        if moment < self.deploying_starts_at:
            return "VALIDATING"
        if moment < self.bake_starts_at:
            return "DEPLOYING"
        if moment < self.completes_at:
            return "BAKING"
        return "COMPLETE"

    def percentage(self, at: datetime | None = None) -> float:
        moment = self.stopped_at or at or now()
        if self.time_factor == 0:
            return 100.0
        if moment < self.deploying_starts_at:
            return 0.0
        elapsed = (moment - self.deploying_starts_at) / timedelta(minutes=1) / self.time_factor
        return percentage_at(self.strategy, elapsed)

    def stop(
        self, state: str, *, at: datetime | None = None, by: str = "USER", reason: str = ""
    ) -> None:
        """End the deployment as ROLLED_BACK or REVERTED (by the user or an alarm)."""
        self.stopped_at = at or now()
        self.stopped_state = state
        self.stopped_by = by
        self.stop_reason = reason or "Rollback initiated by user"

    def events(self, at: datetime | None = None) -> list[dict[str, Any]]:
        """The EventLog, newest first, as GetDeployment returns it."""
        moment = self.stopped_at or at or now()
        log: list[dict[str, Any]] = [
            _event("DEPLOYMENT_STARTED", "USER", "Deployment started", self.started_at)
        ]
        if self.bake_starts_at <= moment:
            log.append(
                _event(
                    "PERCENTAGE_UPDATED",
                    "APPCONFIG",
                    "Configuration deployed to 100.00% of clients",
                    self.bake_starts_at,
                )
            )
            log.append(
                _event(
                    "BAKE_TIME_STARTED",
                    "APPCONFIG",
                    "Deployment bake time started",
                    self.bake_starts_at,
                )
            )
        if self.stopped_state is None and self.completes_at <= moment:
            log.append(
                _event(
                    "DEPLOYMENT_COMPLETED", "APPCONFIG", "Deployment completed", self.completes_at
                )
            )
        rolled_back_at = self.rolled_back_at
        if rolled_back_at is not None and self.stopped_at is not None:
            log.append(
                _event("ROLLBACK_STARTED", self.stopped_by, self.stop_reason, self.stopped_at)
            )
            if rolled_back_at <= (at or now()):
                log.append(
                    _event("ROLLBACK_COMPLETED", "APPCONFIG", "Rollback completed", rolled_back_at)
                )
        if self.stopped_state == "REVERTED" and self.stopped_at is not None:
            log.append(_event("REVERT_COMPLETED", "USER", "Revert completed", self.stopped_at))
        return list(reversed(log))

    def completed_at(self, at: datetime | None = None) -> datetime | None:
        state = self.state(at)
        if state == "COMPLETE":
            return self.completes_at
        if state == "ROLLED_BACK":
            return self.rolled_back_at
        if state == "REVERTED":
            return self.stopped_at
        return None

    def summary(self) -> dict[str, Any]:
        moment = now()
        return {
            "DeploymentNumber": self.number,
            "ConfigurationName": self.profile_name,
            "ConfigurationVersion": self.served.version,
            "DeploymentDurationInMinutes": self.strategy.deployment_duration_in_minutes,
            "GrowthType": self.strategy.growth_type,
            "GrowthFactor": self.strategy.growth_factor,
            "FinalBakeTimeInMinutes": self.strategy.final_bake_time_in_minutes,
            "State": self.state(moment),
            "PercentageComplete": self.percentage(moment),
            "StartedAt": self.started_at,
            "CompletedAt": self.completed_at(moment),
            "VersionLabel": self.served.version_label,
        }

    def to_dict(self) -> dict[str, Any]:
        moment = now()
        return {
            **self.summary(),
            "ApplicationId": self.application_id,
            "EnvironmentId": self.environment_id,
            "DeploymentStrategyId": self.strategy.id,
            "ConfigurationProfileId": self.profile_id,
            "ConfigurationLocationUri": self.location_uri,
            "Description": self.description,
            "EventLog": self.events(moment),
            "AppliedExtensions": [],
        }


def _event(event_type: str, triggered_by: str, description: str, at: datetime) -> dict[str, Any]:
    return {
        "EventType": event_type,
        "TriggeredBy": triggered_by,
        "Description": description,
        "OccurredAt": at,
        "ActionInvocations": [],
    }
