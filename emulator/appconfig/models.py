"""AppConfig control plane faithful to the API reference, on top of moto's partial backend.

moto 5.2.5 has applications, configuration profiles and hosted configuration versions.
This module subclasses its backend and response class to add environments, deployment
strategies (with the predefined `AppConfig.*` ones), deployments with their state machine,
ListApplications, ListHostedConfigurationVersions, LatestVersionNumber enforcement,
ValidateConfiguration, environment monitors (appconfig_monitors.py), the model's input
limits (appconfig_limits.py) and the FeatureFlags type check, and to fix what drifts (a
missing Description read back as "None", unknown IDs answered with 500s). `install()`
points moto's appconfig BackendDict at the subclass and swaps the URL table, so both the
in-process mock and the server use it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from moto.appconfig import models as moto_models
from moto.appconfig.models import (
    AppConfigBackend,
    Application,
    ConfigurationProfile,
    HostedConfigurationVersion,
)
from moto.appconfig.responses import AppConfigResponse
from moto.core.common_types import TYPE_RESPONSE
from moto.core.responses import ActionResult, BaseResponse, EmptyResult
from typing_extensions import override

from emulator.appconfig.limits import call_checked
from emulator.appconfig.resources import (
    FEATURE_FLAGS,
    IN_PROGRESS,
    PREDEFINED_STRATEGIES,
    BadRequestException,
    ConflictException,
    Deployment,
    DeploymentStrategy,
    Environment,
    ResourceNotFoundException,
    ServedContent,
    check_feature_flags,
    check_strategy_values,
    check_validators,
    now,
    paginate,
    validate_content,
)
from emulator.appconfig.monitors import first_alarm
from emulator.core.config import get_deployment_time_factor

APPCONFIG_URL_BASE = r"https?://appconfig\.(.+)\.amazonaws\.com"
HOSTED = "hosted"
FREEFORM = "AWS.Freeform"
ID = r"[^/]+"


class EmulatedAppConfigBackend(AppConfigBackend):
    """moto's AppConfigBackend plus environments, strategies, deployments and sessions."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.environments: dict[str, dict[str, Environment]] = {}
        self.strategies: dict[str, DeploymentStrategy] = {}
        self.deployments: dict[tuple[str, str], list[Deployment]] = {}
        self.last_version_numbers: dict[tuple[str, str], int] = {}
        # appconfigdata sessions, keyed by token (see emulator/appconfigdata/models.py).
        self.sessions: dict[str, Any] = {}

    @property
    def _url_module(self) -> Any:
        return URLS

    def _arn(self, suffix: str) -> str:
        return f"arn:{self.partition}:appconfig:{self.region_name}:{self.account_id}:{suffix}"

    # ------------------------------------------------------------------ applications

    def get_application(self, app_id: str) -> Application:
        if app_id not in self.applications:
            raise ResourceNotFoundException(f"Application {app_id} not found", "Application")
        return self.applications[app_id]

    def list_applications(self) -> list[Application]:
        return list(self.applications.values())

    def delete_application(self, app_id: str) -> None:
        with self.lock:
            app = self.get_application(app_id)
            for env_id in list(self.environments.get(app_id, {})):
                self._forget_environment(app_id, env_id)
            self.environments.pop(app_id, None)
            for profile in app.config_profiles.values():
                self.tagger.delete_all_tags_for_resource(profile.arn)
            self.tagger.delete_all_tags_for_resource(app.arn)
            del self.applications[app_id]

    # ------------------------------------------------------------------ profiles

    @override
    def create_configuration_profile(
        self,
        application_id: str,
        name: str,
        description: str,
        location_uri: str,
        retrieval_role_arn: str,
        validators: list[dict[str, str]],
        _type: str,
        tags: dict[str, str],
    ) -> ConfigurationProfile:
        self.get_application(application_id)
        check_validators(validators)
        return super().create_configuration_profile(
            application_id=application_id,
            name=name,
            description=description,
            location_uri=location_uri,
            retrieval_role_arn=retrieval_role_arn,
            validators=validators or [],
            _type=_type or FREEFORM,
            tags=tags or {},
        )

    @override
    def update_configuration_profile(
        self,
        application_id: str,
        config_profile_id: str,
        name: str,
        description: str,
        retrieval_role_arn: str,
        validators: list[dict[str, str]],
    ) -> ConfigurationProfile:
        check_validators(validators)
        return super().update_configuration_profile(
            application_id, config_profile_id, name, description, retrieval_role_arn, validators
        )

    def get_configuration_profile(
        self, app_id: str, config_profile_id: str
    ) -> ConfigurationProfile:
        app = self.get_application(app_id)
        if config_profile_id not in app.config_profiles:
            raise ResourceNotFoundException(
                f"Configuration profile {config_profile_id} not found", "ConfigurationProfile"
            )
        return app.config_profiles[config_profile_id]

    def delete_configuration_profile(self, app_id: str, config_profile_id: str) -> None:
        with self.lock:
            profile = self.get_configuration_profile(app_id, config_profile_id)
            self.tagger.delete_all_tags_for_resource(profile.arn)
            del self.applications[app_id].config_profiles[config_profile_id]

    # ------------------------------------------------------------------ hosted versions

    @override
    def create_hosted_configuration_version(  # type: ignore[override]
        self,
        app_id: str,
        config_profile_id: str,
        description: str | None,
        content: bytes,
        content_type: str,
        version_label: str | None,
        latest_version_number: int | None = None,
    ) -> HostedConfigurationVersion:
        with self.lock:
            profile = self.get_configuration_profile(app_id, config_profile_id)
            if profile.location_uri != HOSTED:
                raise BadRequestException(
                    f"Configuration profile {config_profile_id} does not use the hosted store"
                )
            latest = max(profile.config_versions, default=0)
            if latest_version_number is not None and latest_version_number != latest:
                raise ConflictException(
                    f"LatestVersionNumber {latest_version_number} does not match the latest "
                    f"hosted configuration version {latest} of configuration profile "
                    f"{config_profile_id}"
                )
            if profile._type == FEATURE_FLAGS:
                check_feature_flags(content)
            key = (app_id, config_profile_id)
            number = max(self.last_version_numbers.get(key, 0), latest) + 1
            self.last_version_numbers[key] = number
            version = HostedConfigurationVersion(
                app_id=app_id,
                config_id=config_profile_id,
                version=number,
                description=description,  # type: ignore[arg-type]
                content=content,  # type: ignore[arg-type]
                content_type=content_type,
                version_label=version_label,  # type: ignore[arg-type]
            )
            profile.config_versions[number] = version
            return version

    def get_hosted_configuration_version(
        self, app_id: str, config_profile_id: str, version: int
    ) -> HostedConfigurationVersion:
        profile = self.get_configuration_profile(app_id, config_profile_id)
        if version not in profile.config_versions:
            raise ResourceNotFoundException(
                f"Hosted configuration version {version} not found", "HostedConfigurationVersion"
            )
        return profile.config_versions[version]

    def delete_hosted_configuration_version(
        self, app_id: str, config_profile_id: str, version: int
    ) -> None:
        self.get_hosted_configuration_version(app_id, config_profile_id, version)
        del self.get_configuration_profile(app_id, config_profile_id).config_versions[version]

    def list_hosted_configuration_versions(
        self, app_id: str, config_profile_id: str, version_label: str | None
    ) -> list[HostedConfigurationVersion]:
        profile = self.get_configuration_profile(app_id, config_profile_id)
        versions = sorted(profile.config_versions.values(), key=lambda v: v.version, reverse=True)
        if version_label is None:
            return versions
        if version_label.endswith("*"):
            prefix = version_label[:-1]
            return [v for v in versions if (v.version_label or "").startswith(prefix)]
        return [v for v in versions if v.version_label == version_label]

    def validate_configuration(self, app_id: str, config_profile_id: str, version: str) -> None:
        profile = self.get_configuration_profile(app_id, config_profile_id)
        served = self._resolve_version(profile, version)
        validate_content(profile.validators, served.content)

    # ------------------------------------------------------------------ environments

    def create_environment(
        self,
        app_id: str,
        name: str,
        description: str | None,
        monitors: list[dict[str, str]] | None,
        tags: dict[str, str] | None,
    ) -> Environment:
        with self.lock:
            self.get_application(app_id)
            env = Environment(
                application_id=app_id,
                name=name,
                description=description,
                monitors=monitors or [],
                arn="",
            )
            env.arn = self._arn(f"application/{app_id}/environment/{env.id}")
            self.environments.setdefault(app_id, {})[env.id] = env
            self.tag_resource(env.arn, tags or {})
            return env

    def get_environment(self, app_id: str, env_id: str) -> Environment:
        self.get_application(app_id)
        env = self.environments.get(app_id, {}).get(env_id)
        if env is None:
            raise ResourceNotFoundException(f"Environment {env_id} not found", "Environment")
        return env

    def list_environments(self, app_id: str) -> list[Environment]:
        self.get_application(app_id)
        return list(self.environments.get(app_id, {}).values())

    def update_environment(
        self,
        app_id: str,
        env_id: str,
        name: str | None,
        description: str | None,
        monitors: list[dict[str, str]] | None,
    ) -> Environment:
        with self.lock:
            env = self.get_environment(app_id, env_id)
            if name is not None:
                env.name = name
            if description is not None:
                env.description = description
            if monitors is not None:
                env.monitors = monitors
            return env

    def delete_environment(self, app_id: str, env_id: str) -> None:
        with self.lock:
            self.get_environment(app_id, env_id)
            if self.environment_state(app_id, env_id) == "DEPLOYING":
                raise ConflictException(
                    f"Environment {env_id} has a deployment in progress; stop it first"
                )
            self._forget_environment(app_id, env_id)
            del self.environments[app_id][env_id]

    def _forget_environment(self, app_id: str, env_id: str) -> None:
        env = self.environments[app_id][env_id]
        self.tagger.delete_all_tags_for_resource(env.arn)
        for deployment in self.deployments.pop((app_id, env_id), []):
            self.tagger.delete_all_tags_for_resource(self._arn(deployment.arn_suffix))

    def _history(self, app_id: str, env_id: str) -> list[Deployment]:
        """The environment's deployments, oldest first, after applying its monitors."""
        with self.lock:
            env = self.environments.get(app_id, {}).get(env_id)
            if env is None:
                return []
            history = self.deployments.setdefault((app_id, env_id), [])
            if history and history[-1].stopped_state is None:
                self._apply_monitors(env, history[-1])
            return history

    @staticmethod
    def _apply_monitors(env: Environment, latest: Deployment) -> None:
        """Roll back like AppConfig when a monitor alarm fired while it deployed or baked."""
        fired = first_alarm(env.monitors, latest.started_at, min(now(), latest.completes_at))
        if fired is not None:
            alarm_arn, at = fired
            latest.stop(
                "ROLLED_BACK",
                at=at,
                by="CLOUDWATCH_ALARM",
                reason=f"Rollback initiated by CloudWatch alarm {alarm_arn}",
            )

    def environment_state(self, app_id: str, env_id: str) -> str:
        history = self._history(app_id, env_id)
        if not history:
            return "READY_FOR_DEPLOYMENT"
        state = history[-1].state()
        if state in IN_PROGRESS:
            return "DEPLOYING"
        if state in ("ROLLED_BACK", "REVERTED"):
            return state
        return "READY_FOR_DEPLOYMENT"

    # ------------------------------------------------------------------ strategies

    def create_deployment_strategy(
        self,
        *,
        name: str,
        description: str | None,
        duration: int,
        bake: int | None,
        growth_factor: float,
        growth_type: str | None,
        replicate_to: str | None,
        tags: dict[str, str] | None,
    ) -> DeploymentStrategy:
        with self.lock:
            strategy = DeploymentStrategy(
                name=name,
                description=description,
                deployment_duration_in_minutes=duration,
                final_bake_time_in_minutes=bake or 0,
                growth_factor=growth_factor,
                growth_type=growth_type or "LINEAR",
                replicate_to=replicate_to or "NONE",
            )
            strategy.arn = self._arn(f"deploymentstrategy/{strategy.id}")
            self.strategies[strategy.id] = strategy
            self.tag_resource(strategy.arn, tags or {})
            return strategy

    def get_deployment_strategy(self, strategy_id: str) -> DeploymentStrategy:
        strategy = PREDEFINED_STRATEGIES.get(strategy_id) or self.strategies.get(strategy_id)
        if strategy is None:
            raise ResourceNotFoundException(
                f"Deployment strategy {strategy_id} not found", "DeploymentStrategy"
            )
        return strategy

    def list_deployment_strategies(self) -> list[DeploymentStrategy]:
        return [*PREDEFINED_STRATEGIES.values(), *self.strategies.values()]

    def _custom_strategy(self, strategy_id: str) -> DeploymentStrategy:
        strategy = self.get_deployment_strategy(strategy_id)
        if strategy.predefined:
            raise BadRequestException(
                f"{strategy_id} is a predefined deployment strategy and cannot be changed"
            )
        return strategy

    def update_deployment_strategy(
        self,
        *,
        strategy_id: str,
        description: str | None,
        duration: int | None,
        bake: int | None,
        growth_factor: float | None,
        growth_type: str | None,
    ) -> DeploymentStrategy:
        with self.lock:
            strategy = self._custom_strategy(strategy_id)
            new_duration = strategy.deployment_duration_in_minutes if duration is None else duration
            new_bake = strategy.final_bake_time_in_minutes if bake is None else bake
            new_factor = strategy.growth_factor if growth_factor is None else growth_factor
            new_type = growth_type or strategy.growth_type
            check_strategy_values(new_duration, new_bake, new_factor, new_type)
            strategy.deployment_duration_in_minutes = new_duration
            strategy.final_bake_time_in_minutes = new_bake
            strategy.growth_factor = new_factor
            strategy.growth_type = new_type
            if description is not None:
                strategy.description = description
            return strategy

    def delete_deployment_strategy(self, strategy_id: str) -> None:
        with self.lock:
            strategy = self._custom_strategy(strategy_id)
            self.tagger.delete_all_tags_for_resource(strategy.arn)
            del self.strategies[strategy_id]

    # ------------------------------------------------------------------ deployments

    def _resolve_version(self, profile: ConfigurationProfile, version: str) -> ServedContent:
        if profile.location_uri != HOSTED:
            raise BadRequestException(
                "The emulator deploys hosted configurations only; "
                f"profile {profile.id} uses {profile.location_uri}"
            )
        if version.isdigit():
            found = profile.config_versions.get(int(version))
        else:
            labelled = [v for v in profile.config_versions.values() if v.version_label == version]
            found = max(labelled, key=lambda v: v.version, default=None)
        if found is None:
            raise ResourceNotFoundException(
                f"Hosted configuration version {version} not found for configuration profile "
                f"{profile.id}",
                "HostedConfigurationVersion",
            )
        return ServedContent(
            content=as_bytes(found.content),
            content_type=found.content_type,
            version=str(found.version),
            version_label=found.version_label,
        )

    def start_deployment(
        self,
        *,
        app_id: str,
        env_id: str,
        strategy_id: str,
        profile_id: str,
        version: str,
        description: str | None,
        tags: dict[str, str] | None,
    ) -> Deployment:
        with self.lock:
            self.get_environment(app_id, env_id)
            strategy = self.get_deployment_strategy(strategy_id)
            profile = self.get_configuration_profile(app_id, profile_id)
            served = self._resolve_version(profile, version)
            validate_content(profile.validators, served.content)
            history = self._history(app_id, env_id)
            if history and history[-1].state() in IN_PROGRESS:
                raise ConflictException(
                    f"Deployment number {history[-1].number} is already in progress in "
                    f"environment {env_id}; wait for it to complete or stop it"
                )
            deployment = Deployment(
                application_id=app_id,
                environment_id=env_id,
                number=len(history) + 1,
                strategy=strategy,
                profile_id=profile_id,
                profile_name=profile.name,
                location_uri=profile.location_uri,
                served=served,
                time_factor=get_deployment_time_factor(),
                description=description,
            )
            history.append(deployment)
            self.tag_resource(self._arn(deployment.arn_suffix), tags or {})
            return deployment

    def _numbered(
        self, app_id: str, env_id: str, number: int
    ) -> tuple[Deployment, list[Deployment]]:
        """Deployment `number` of the environment and the environment's history."""
        self.get_environment(app_id, env_id)
        history = self._history(app_id, env_id)
        if not 1 <= number <= len(history):
            raise ResourceNotFoundException(f"Deployment {number} not found", "Deployment")
        return history[number - 1], history

    def get_deployment(self, app_id: str, env_id: str, number: int) -> Deployment:
        return self._numbered(app_id, env_id, number)[0]

    def list_deployments(self, app_id: str, env_id: str) -> list[Deployment]:
        self.get_environment(app_id, env_id)
        return list(reversed(self._history(app_id, env_id)))

    def stop_deployment(
        self, app_id: str, env_id: str, number: int, allow_revert: bool
    ) -> Deployment:
        with self.lock:
            deployment, history = self._numbered(app_id, env_id, number)
            state = deployment.state()
            if state in IN_PROGRESS:
                deployment.stop("ROLLED_BACK")
                return deployment
            is_latest = number == len(history)
            if state == "COMPLETE" and allow_revert and is_latest:
                deployment.stop("REVERTED")
                return deployment
            if state == "COMPLETE" and not allow_revert:
                raise BadRequestException(
                    f"Deployment {number} is COMPLETE; only a deployment in progress can be "
                    "stopped (pass AllowRevert=True to revert the latest completed one)"
                )
            raise BadRequestException(f"Deployment {number} is {state} and cannot be stopped")

    def served_content(self, app_id: str, env_id: str, profile_id: str) -> ServedContent | None:
        """What clients of this environment receive for the profile right now."""
        for deployment in reversed(self._history(app_id, env_id)):
            if deployment.profile_id == profile_id and deployment.state() not in (
                "ROLLED_BACK",
                "REVERTED",
            ):
                return deployment.served
        return None

    # ------------------------------------------------------------------ tags

    def _known_arns(self) -> Iterable[str]:
        for app in self.applications.values():
            yield app.arn
            yield from (profile.arn for profile in app.config_profiles.values())
        for envs in self.environments.values():
            yield from (env.arn for env in envs.values())
        yield from (strategy.arn for strategy in self.strategies.values())
        for history in self.deployments.values():
            yield from (self._arn(d.arn_suffix) for d in history)

    def _check_arn(self, arn: str) -> None:
        if arn not in set(self._known_arns()):
            raise ResourceNotFoundException(f"Resource {arn} not found", arn)

    def checked_tags(self, arn: str) -> dict[str, str]:
        self._check_arn(arn)
        return self.list_tags_for_resource(arn)

    def checked_tag(self, arn: str, tags: dict[str, str]) -> None:
        self._check_arn(arn)
        self.tag_resource(arn, tags)

    def checked_untag(self, arn: str, keys: list[str]) -> None:
        self._check_arn(arn)
        self.untag_resource(arn, keys)


# ---------------------------------------------------------------------- responses


def payload_response(
    response: BaseResponse, result: dict[str, Any], content_type: str | None
) -> TYPE_RESPONSE:
    """Serialize a result whose payload is a blob, keeping its own Content-Type.

    moto's rest-json serializer sets Content-Type to application/json on every non-empty
    body, overwriting the Content-Type header member of the model.
    """
    status, headers, body = response.serialized(ActionResult(result))
    if content_type:
        headers["Content-Type"] = content_type
    headers["status"] = status
    return body, headers  # type: ignore[return-value]


def as_bytes(content: object) -> bytes:
    """Hosted content is stored as bytes; moto's own model types it as str."""
    if isinstance(content, bytes):
        return content
    return str(content).encode()


def _application(app: Application) -> dict[str, Any]:
    return {"Id": app.id, "Name": app.name, "Description": app.description}


def _profile(profile: ConfigurationProfile) -> dict[str, Any]:
    return {**profile.to_json(), "Validators": profile.validators or None}


def _profile_summary(profile: ConfigurationProfile) -> dict[str, Any]:
    return {
        "ApplicationId": profile.application_id,
        "Id": profile.id,
        "Name": profile.name,
        "LocationUri": profile.location_uri,
        "ValidatorTypes": [v["Type"] for v in profile.validators or []],
        "Type": profile._type,
    }


def _version_summary(version: HostedConfigurationVersion) -> dict[str, Any]:
    return {
        "ApplicationId": version.app_id,
        "ConfigurationProfileId": version.config_id,
        "VersionNumber": version.version,
        "Description": version.description,
        "ContentType": version.content_type,
        "VersionLabel": version.version_label,
    }


class EmulatedResponse(BaseResponse):
    """A response served from EmulatedAppConfigBackend (AppConfig and AppConfig Data),
    parsed and serialized by the model after its input limits are checked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.automated_parameter_parsing = True

    @override
    def call_action(self) -> TYPE_RESPONSE:
        return call_checked(self, super().call_action)

    @property
    def backend(self) -> EmulatedAppConfigBackend:
        backend = moto_models.appconfig_backends[self.current_account][self.region]
        assert isinstance(backend, EmulatedAppConfigBackend)  # install() guarantees it
        return backend


class EmulatedAppConfigResponse(EmulatedResponse, AppConfigResponse):
    """Every AppConfig operation the emulator serves, parsed and serialized by the model."""

    def _page(self, items: list[dict[str, Any]]) -> ActionResult:
        return ActionResult(
            paginate(items, self._get_param("MaxResults"), self._get_param("NextToken"))
        )

    # applications ------------------------------------------------------------

    def create_application(self) -> ActionResult:  # type: ignore[override]
        app = self.backend.create_application(
            self._get_param("Name"), self._get_param("Description"), self._get_param("Tags") or {}
        )
        return ActionResult(_application(app))

    def get_application(self) -> ActionResult:  # type: ignore[override]
        return ActionResult(
            _application(self.backend.get_application(self._get_param("ApplicationId")))
        )

    def update_application(self) -> ActionResult:  # type: ignore[override]
        app = self.backend.update_application(
            self._get_param("ApplicationId"),
            self._get_param("Name"),
            self._get_param("Description"),
        )
        return ActionResult(_application(app))

    def delete_application(self) -> EmptyResult:  # type: ignore[override]
        self.backend.delete_application(self._get_param("ApplicationId"))
        return EmptyResult()

    def list_applications(self) -> ActionResult:
        return self._page([_application(a) for a in self.backend.list_applications()])

    # configuration profiles --------------------------------------------------

    def _profile_settings(self) -> dict[str, Any]:
        """The fields CreateConfigurationProfile and UpdateConfigurationProfile share."""
        return {
            "application_id": self._get_param("ApplicationId"),
            "name": self._get_param("Name"),
            "description": self._get_param("Description"),
            "retrieval_role_arn": self._get_param("RetrievalRoleArn"),
            "validators": self._get_param("Validators"),
        }

    def create_configuration_profile(self) -> ActionResult:  # type: ignore[override]
        profile = self.backend.create_configuration_profile(
            location_uri=self._get_param("LocationUri"),
            _type=self._get_param("Type"),
            tags=self._get_param("Tags"),
            **self._profile_settings(),
        )
        return ActionResult(_profile(profile))

    def get_configuration_profile(self) -> ActionResult:  # type: ignore[override]
        profile = self.backend.get_configuration_profile(
            self._get_param("ApplicationId"), self._get_param("ConfigurationProfileId")
        )
        return ActionResult(_profile(profile))

    def update_configuration_profile(self) -> ActionResult:  # type: ignore[override]
        profile = self.backend.update_configuration_profile(
            config_profile_id=self._get_param("ConfigurationProfileId"),
            **self._profile_settings(),
        )
        return ActionResult(_profile(profile))

    def delete_configuration_profile(self) -> EmptyResult:  # type: ignore[override]
        self.backend.delete_configuration_profile(
            self._get_param("ApplicationId"), self._get_param("ConfigurationProfileId")
        )
        return EmptyResult()

    def list_configuration_profiles(self) -> ActionResult:  # type: ignore[override]
        profiles = self.backend.list_configuration_profiles(self._get_param("ApplicationId"))
        wanted = self._get_param("Type")
        items = [_profile_summary(p) for p in profiles if wanted in (None, p._type)]
        return self._page(items)

    # hosted configuration versions ---------------------------------------------

    def _version_result(self, version: HostedConfigurationVersion) -> TYPE_RESPONSE:
        result = {**_version_summary(version), "Content": as_bytes(version.content)}
        return payload_response(self, result, version.content_type)

    def create_hosted_configuration_version(self) -> TYPE_RESPONSE:  # type: ignore[override]
        content = self._get_param("Content")
        version = self.backend.create_hosted_configuration_version(
            app_id=self._get_param("ApplicationId"),
            config_profile_id=self._get_param("ConfigurationProfileId"),
            description=self._get_param("Description"),
            content=as_bytes(content or b""),
            content_type=self._get_param("ContentType"),
            version_label=self._get_param("VersionLabel"),
            latest_version_number=self._get_param("LatestVersionNumber"),
        )
        return self._version_result(version)

    def get_hosted_configuration_version(self) -> TYPE_RESPONSE:  # type: ignore[override]
        version = self.backend.get_hosted_configuration_version(
            self._get_param("ApplicationId"),
            self._get_param("ConfigurationProfileId"),
            int(self._get_param("VersionNumber")),
        )
        return self._version_result(version)

    def delete_hosted_configuration_version(self) -> EmptyResult:  # type: ignore[override]
        self.backend.delete_hosted_configuration_version(
            self._get_param("ApplicationId"),
            self._get_param("ConfigurationProfileId"),
            int(self._get_param("VersionNumber")),
        )
        return EmptyResult()

    def list_hosted_configuration_versions(self) -> ActionResult:
        versions = self.backend.list_hosted_configuration_versions(
            self._get_param("ApplicationId"),
            self._get_param("ConfigurationProfileId"),
            self._get_param("VersionLabel"),
        )
        return self._page([_version_summary(v) for v in versions])

    def validate_configuration(self) -> EmptyResult:
        self.backend.validate_configuration(
            self._get_param("ApplicationId"),
            self._get_param("ConfigurationProfileId"),
            self._get_param("ConfigurationVersion"),
        )
        return EmptyResult()

    # environments ---------------------------------------------------------------

    def _environment(self, env: Environment) -> dict[str, Any]:
        return env.to_dict(self.backend.environment_state(env.application_id, env.id))

    def create_environment(self) -> ActionResult:
        env = self.backend.create_environment(
            self._get_param("ApplicationId"),
            self._get_param("Name"),
            self._get_param("Description"),
            self._get_param("Monitors"),
            self._get_param("Tags"),
        )
        return ActionResult(self._environment(env))

    def get_environment(self) -> ActionResult:
        env = self.backend.get_environment(
            self._get_param("ApplicationId"), self._get_param("EnvironmentId")
        )
        return ActionResult(self._environment(env))

    def list_environments(self) -> ActionResult:
        envs = self.backend.list_environments(self._get_param("ApplicationId"))
        return self._page([self._environment(e) for e in envs])

    def update_environment(self) -> ActionResult:
        env = self.backend.update_environment(
            self._get_param("ApplicationId"),
            self._get_param("EnvironmentId"),
            self._get_param("Name"),
            self._get_param("Description"),
            self._get_param("Monitors"),
        )
        return ActionResult(self._environment(env))

    def delete_environment(self) -> EmptyResult:
        self.backend.delete_environment(
            self._get_param("ApplicationId"), self._get_param("EnvironmentId")
        )
        return EmptyResult()

    # deployment strategies --------------------------------------------------------

    def _strategy_settings(self) -> dict[str, Any]:
        """The fields CreateDeploymentStrategy and UpdateDeploymentStrategy share."""
        return {
            "description": self._get_param("Description"),
            "duration": self._get_param("DeploymentDurationInMinutes"),
            "bake": self._get_param("FinalBakeTimeInMinutes"),
            "growth_factor": self._get_param("GrowthFactor"),
            "growth_type": self._get_param("GrowthType"),
        }

    def create_deployment_strategy(self) -> ActionResult:
        strategy = self.backend.create_deployment_strategy(
            name=self._get_param("Name"),
            replicate_to=self._get_param("ReplicateTo"),
            tags=self._get_param("Tags"),
            **self._strategy_settings(),
        )
        return ActionResult(strategy.to_dict())

    def get_deployment_strategy(self) -> ActionResult:
        strategy = self.backend.get_deployment_strategy(self._get_param("DeploymentStrategyId"))
        return ActionResult(strategy.to_dict())

    def list_deployment_strategies(self) -> ActionResult:
        return self._page([s.to_dict() for s in self.backend.list_deployment_strategies()])

    def update_deployment_strategy(self) -> ActionResult:
        strategy = self.backend.update_deployment_strategy(
            strategy_id=self._get_param("DeploymentStrategyId"), **self._strategy_settings()
        )
        return ActionResult(strategy.to_dict())

    def delete_deployment_strategy(self) -> EmptyResult:
        self.backend.delete_deployment_strategy(self._get_param("DeploymentStrategyId"))
        return EmptyResult()

    # deployments ------------------------------------------------------------------

    def start_deployment(self) -> ActionResult:
        deployment = self.backend.start_deployment(
            app_id=self._get_param("ApplicationId"),
            env_id=self._get_param("EnvironmentId"),
            strategy_id=self._get_param("DeploymentStrategyId"),
            profile_id=self._get_param("ConfigurationProfileId"),
            version=self._get_param("ConfigurationVersion"),
            description=self._get_param("Description"),
            tags=self._get_param("Tags"),
        )
        return ActionResult(deployment.to_dict())

    def get_deployment(self) -> ActionResult:
        deployment = self.backend.get_deployment(
            self._get_param("ApplicationId"),
            self._get_param("EnvironmentId"),
            int(self._get_param("DeploymentNumber")),
        )
        return ActionResult(deployment.to_dict())

    def list_deployments(self) -> ActionResult:
        history = self.backend.list_deployments(
            self._get_param("ApplicationId"), self._get_param("EnvironmentId")
        )
        return self._page([d.summary() for d in history])

    def stop_deployment(self) -> ActionResult:
        deployment = self.backend.stop_deployment(
            self._get_param("ApplicationId"),
            self._get_param("EnvironmentId"),
            int(self._get_param("DeploymentNumber")),
            bool(self._get_param("AllowRevert")),
        )
        return ActionResult(deployment.to_dict())

    # tags ---------------------------------------------------------------------------

    def list_tags_for_resource(self) -> ActionResult:  # type: ignore[override]
        return ActionResult({"Tags": self.backend.checked_tags(self._get_param("ResourceArn"))})

    def tag_resource(self) -> EmptyResult:  # type: ignore[override]
        self.backend.checked_tag(self._get_param("ResourceArn"), self._get_param("Tags") or {})
        return EmptyResult()

    def untag_resource(self) -> EmptyResult:  # type: ignore[override]
        self.backend.checked_untag(self._get_param("ResourceArn"), self._get_param("TagKeys") or [])
        return EmptyResult()


# ---------------------------------------------------------------------- routing

_APP = rf"{{0}}/applications/(?P<app>{ID})"
_PROFILE = rf"{_APP}/configurationprofiles/(?P<profile>{ID})"
_ENV = rf"{_APP}/environments/(?P<env>{ID})"

_dispatch: Callable[..., Any] = EmulatedAppConfigResponse.dispatch

URLS = SimpleNamespace(
    url_bases=[APPCONFIG_URL_BASE],
    url_paths={
        "{0}/applications$": _dispatch,
        rf"{_APP}$": _dispatch,
        rf"{_APP}/configurationprofiles$": _dispatch,
        rf"{_PROFILE}$": _dispatch,
        rf"{_PROFILE}/hostedconfigurationversions$": _dispatch,
        rf"{_PROFILE}/hostedconfigurationversions/(?P<version>{ID})$": _dispatch,
        rf"{_PROFILE}/validators$": _dispatch,
        rf"{_APP}/environments$": _dispatch,
        rf"{_ENV}$": _dispatch,
        rf"{_ENV}/deployments$": _dispatch,
        rf"{_ENV}/deployments/(?P<deployment>{ID})$": _dispatch,
        "{0}/deploymentstrategies$": _dispatch,
        rf"{{0}}/deploymentstrategies/(?P<strategy>{ID})$": _dispatch,
        # DeleteDeploymentStrategy's URI in the AWS model really is spelled "deployement".
        rf"{{0}}/deployementstrategies/(?P<strategy>{ID})$": _dispatch,
        r"{0}/tags/(?P<arn>.+)$": _dispatch,
    },
)


def add_routes(url_base: str, url_paths: dict[str, Callable[..., Any]]) -> None:
    """Serve another API (appconfigdata) from the appconfig backend: same signing name."""
    if url_base not in URLS.url_bases:
        URLS.url_bases.append(url_base)
    URLS.url_paths.update(url_paths)


def install() -> None:
    """Make moto build EmulatedAppConfigBackend for every account and region."""
    backends = moto_models.appconfig_backends
    backends.backend = EmulatedAppConfigBackend
    for account_backends in backends.values():
        account_backends.backend = EmulatedAppConfigBackend
        for region in [
            r for r, b in account_backends.items() if not isinstance(b, EmulatedAppConfigBackend)
        ]:
            del account_backends[region]


__all__ = [
    "EmulatedAppConfigBackend",
    "EmulatedAppConfigResponse",
    "EmulatedResponse",
    "add_routes",
    "install",
    "payload_response",
]
