"""AppConfig HTTP in and out: every operation the emulator serves, parsed and serialized
by the service model (moto's automated parameter parsing) after the input limits are checked."""

from __future__ import annotations

from typing import Any

from moto.appconfig import models as moto_models
from moto.appconfig.models import Application, ConfigurationProfile, HostedConfigurationVersion
from moto.appconfig.responses import AppConfigResponse
from moto.core.common_types import TYPE_RESPONSE
from moto.core.responses import ActionResult, BaseResponse, EmptyResult
from typing_extensions import override

from emulator.appconfig.deployments import Environment
from emulator.appconfig.extension_responses import ExtensionResponses
from emulator.appconfig.limits import call_checked
from emulator.appconfig.models import EmulatedAppConfigBackend
from emulator.appconfig.utils import as_bytes, paginate


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
    headers["status"] = status  # moto's dispatch reads the status from the headers
    return status, headers, body


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
        if not isinstance(backend, EmulatedAppConfigBackend):
            raise TypeError("emulator.appconfig.models.install() has not run in this process")
        return backend


class EmulatedAppConfigResponse(ExtensionResponses, EmulatedResponse, AppConfigResponse):
    """Every AppConfig operation the emulator serves, parsed and serialized by the model.

    ignore[override] below: moto declares its handlers as returning the serialized body
    (str); these return an ActionResult, which moto's automated serializer turns into it.
    """

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
