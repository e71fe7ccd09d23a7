"""AppConfig resources moto lacks: environments, deployment strategies and deployments.

Plain data plus the deployment state machine. A deployment's state is derived from the time
elapsed since it started, scaled by the deployment time factor it started with, so nothing
runs in the background: DEPLOYING while the strategy's duration lasts, BAKING during the
final bake time, then COMPLETE. Field names follow botocore's appconfig service model.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
from moto.core.exceptions import ServiceException

# --------------------------------------------------------------------------- errors
# `code` names the exception shape in the service model: moto serializes the status code
# (400/404/409/413) and the extra members from it, and botocore raises the matching class.


class BadRequestException(ServiceException):
    code = "BadRequestException"

    def __init__(self, message: str, details: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        if details is not None:
            self.Reason = "InvalidConfiguration"
            self.Details = {"InvalidConfiguration": details}


class ResourceNotFoundException(ServiceException):
    code = "ResourceNotFoundException"

    def __init__(self, message: str, resource_name: str | None = None) -> None:
        super().__init__(message)
        if resource_name is not None:
            self.ResourceName = resource_name


class ConflictException(ServiceException):
    code = "ConflictException"


# --------------------------------------------------------------------------- helpers


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """AppConfig IDs are seven lower-case alphanumerics (pattern [a-z0-9]{4,7})."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(7))


def paginate(
    items: Sequence[Any], max_results: int | None, next_token: str | None
) -> dict[str, Any]:
    """Slice a listing the way AppConfig's List* calls do (MaxResults 1-50, opaque NextToken)."""
    if max_results is not None and not 1 <= max_results <= 50:
        raise BadRequestException("MaxResults must be between 1 and 50")
    start = 0
    if next_token:
        if not next_token.isdigit() or int(next_token) > len(items):
            raise BadRequestException("The NextToken is not valid")
        start = int(next_token)
    end = start + (max_results or 50)
    page: dict[str, Any] = {"Items": list(items[start:end])}
    if end < len(items):
        page["NextToken"] = str(end)
    return page


# --------------------------------------------------------------------------- validators


def check_validators(validators: list[dict[str, str]] | None) -> None:
    """A JSON_SCHEMA validator must hold a valid JSON schema (AppConfig checks at create)."""
    for validator in validators or []:
        if validator.get("Type") != "JSON_SCHEMA":
            continue
        try:
            schema = json.loads(validator.get("Content", ""))
            jsonschema.Draft4Validator.check_schema(schema)
        except (json.JSONDecodeError, jsonschema.SchemaError) as error:
            raise BadRequestException(f"The JSON schema validator is not valid: {error}") from error


def validate_content(validators: list[dict[str, str]] | None, content: bytes) -> None:
    """Run a profile's JSON_SCHEMA validators over content; raise BadRequestException."""
    schemas = [v for v in validators or [] if v.get("Type") == "JSON_SCHEMA"]
    if not schemas:
        return
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        detail = {
            "Constraint": "JSON",
            "Location": "",
            "Reason": f"The configuration is not valid JSON: {error}",
            "Type": "JSON_SCHEMA",
            "Value": "",
        }
        raise BadRequestException("Configuration is not valid JSON", [detail]) from error
    details = []
    for validator in schemas:
        schema = json.loads(validator["Content"])
        for failure in jsonschema.Draft4Validator(schema).iter_errors(document):
            details.append(
                {
                    "Constraint": str(failure.validator),
                    "Location": "$" + "".join(f".{part}" for part in failure.absolute_path),
                    "Reason": failure.message,
                    "Type": "JSON_SCHEMA",
                    "Value": json.dumps(failure.instance)[:256],
                }
            )
    if details:
        raise BadRequestException(
            "Configuration failed validation against the profile's JSON schema validator",
            details,
        )


FEATURE_FLAGS = "AWS.AppConfig.FeatureFlags"
FLAG_NAME = re.compile(r"^[a-z][a-zA-Z\d_-]{0,63}$")
FLAG_KEYS = ("version", "flags", "values")


def _flag_errors(document: object) -> list[tuple[str, str]]:
    """(location, reason) for each way `document` breaks the FeatureFlags type reference."""
    if not isinstance(document, dict):
        return [("$", "a feature flag configuration must be a JSON object")]
    errors = [(f"$.{key}", "unknown top-level key") for key in document if key not in FLAG_KEYS]
    if document.get("version") != "1":
        errors.append(("$.version", 'version is required and must be "1"'))
    flags = document.get("flags", {})
    values = document.get("values", {})
    if not isinstance(flags, dict) or not isinstance(values, dict):
        return [*errors, ("$", "flags and values must be JSON objects")]
    for name, definition in flags.items():
        if not FLAG_NAME.match(name) or not isinstance(definition, dict):
            errors.append(
                (f"$.flags.{name}", f"a flag must be an object named like {FLAG_NAME.pattern}")
            )
    for name, value in values.items():
        if name not in flags:
            errors.append((f"$.values.{name}", "a value for a flag that flags does not define"))
        elif not isinstance(value, dict) or not isinstance(value.get("enabled"), bool):
            errors.append((f"$.values.{name}", "a flag value needs a boolean 'enabled'"))
    return errors


def check_feature_flags(content: bytes) -> None:
    """AppConfig checks AWS.AppConfig.FeatureFlags content when a version is created."""
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequestException(
            f"Feature flag configuration is not valid JSON: {error}"
        ) from error
    errors = _flag_errors(document)
    if errors:
        details = [
            {
                "Constraint": "AWS.AppConfig.FeatureFlags",
                "Location": where,
                "Reason": why,
                "Type": "JSON_SCHEMA",
                "Value": "",
            }
            for where, why in errors
        ]
        raise BadRequestException("Invalid feature flag configuration", details)


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

IN_PROGRESS = ("DEPLOYING", "BAKING")


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
    started_at: datetime = field(default_factory=now)
    stopped_at: datetime | None = None
    stopped_state: str | None = None
    stopped_by: str = "USER"
    stop_reason: str = ""

    @property
    def arn_suffix(self) -> str:
        environment = f"application/{self.application_id}/environment/{self.environment_id}"
        return f"{environment}/deployment/{self.number}"

    def _scaled(self, minutes: int) -> timedelta:
        return timedelta(minutes=minutes * self.time_factor)

    @property
    def bake_starts_at(self) -> datetime:
        return self.started_at + self._scaled(self.strategy.deployment_duration_in_minutes)

    @property
    def completes_at(self) -> datetime:
        return self.bake_starts_at + self._scaled(self.strategy.final_bake_time_in_minutes)

    def state(self, at: datetime | None = None) -> str:
        if self.stopped_state is not None:
            return self.stopped_state
        moment = at or now()
        if moment < self.bake_starts_at:
            return "DEPLOYING"
        if moment < self.completes_at:
            return "BAKING"
        return "COMPLETE"

    def percentage(self, at: datetime | None = None) -> float:
        moment = self.stopped_at or at or now()
        if self.time_factor == 0:
            return 100.0
        elapsed = (moment - self.started_at) / timedelta(minutes=1) / self.time_factor
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
        if self.stopped_state == "ROLLED_BACK" and self.stopped_at is not None:
            log.append(
                _event("ROLLBACK_STARTED", self.stopped_by, self.stop_reason, self.stopped_at)
            )
            log.append(
                _event("ROLLBACK_COMPLETED", "APPCONFIG", "Rollback completed", self.stopped_at)
            )
        if self.stopped_state == "REVERTED" and self.stopped_at is not None:
            log.append(_event("REVERT_COMPLETED", "USER", "Revert completed", self.stopped_at))
        return list(reversed(log))

    def completed_at(self, at: datetime | None = None) -> datetime | None:
        state = self.state(at)
        if state == "COMPLETE":
            return self.completes_at
        if state in ("ROLLED_BACK", "REVERTED"):
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
