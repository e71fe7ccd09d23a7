"""AppConfig's hosted configuration store: moto's backend with the rules it misses.

moto 5.2.5 has applications, configuration profiles and hosted configuration versions.
`HostedConfigBackend` adds ListApplications, ListHostedConfigurationVersions,
LatestVersionNumber enforcement, ValidateConfiguration, the validator and FeatureFlags
checks, tags checked against existing resources, and fixes what drifts (a missing
Description read back as "None", unknown IDs answered with 500s).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from moto.appconfig.models import (
    AppConfigBackend,
    Application,
    ConfigurationProfile,
    HostedConfigurationVersion,
)
from typing_extensions import override

from emulator.appconfig import extension_actions
from emulator.appconfig.deployments import ServedContent
from emulator.appconfig.exceptions import (
    BadRequestException,
    ConflictException,
    PayloadTooLargeException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
)
from emulator.appconfig.extensions import Extensions
from emulator.appconfig.utils import as_bytes
from emulator.appconfig.validators import (
    FEATURE_FLAGS,
    check_feature_flags,
    check_validators,
    validate_content,
)
from emulator.core.config import QuotaName, get_appconfig_quotas, get_stale_version_error

HOSTED = "hosted"
FREEFORM = "AWS.Freeform"
# "Configurations must be 1 MB or smaller" (AWS::AppConfig::HostedConfigurationVersion,
# CloudFormation User Guide); counted as 1024 KB, the unit of PayloadTooLargeException.
HOSTED_CONTENT_LIMIT_KB = 1024


def check_quota(name: QuotaName, count: int, scope: str) -> None:
    """Refuse to create one more resource of a kind that already has `count` in its scope.

    The quotas are those of the model's ServiceQuotaExceededException (applications 100,
    deployment strategies 20, configuration profiles 100 and environments 20 per
    application), settable through the emulator config (`appconfig_quotas`).
    """
    limit = get_appconfig_quotas()[name]
    if count >= limit:
        label = name.replace("_", " ")
        raise ServiceQuotaExceededException(
            f"The number of {label} {scope} would exceed the service quota of {limit}; "
            "delete one or request a quota increase"
        )


def check_header_text(member: str, value: str | None) -> None:
    """Description and VersionLabel travel as HTTP headers (the model's `location: header`),
    so only ASCII reaches AppConfig; a non-ASCII value is a BadRequestException (*inferred*)."""
    if value is not None and not value.isascii():
        raise BadRequestException(
            f"{member} travels as an HTTP header and must be ASCII; got {value!r}"
        )


def check_content_size(content: bytes) -> None:
    """Hosted content above 1 MB is PayloadTooLargeException (a member of the model's
    CreateHostedConfigurationVersion errors)."""
    size_kb = len(content) / 1024
    if size_kb > HOSTED_CONTENT_LIMIT_KB:
        raise PayloadTooLargeException(
            f"The configuration is {size_kb:.1f} KB; the hosted configuration store accepts "
            f"at most {HOSTED_CONTENT_LIMIT_KB} KB",
            limit=float(HOSTED_CONTENT_LIMIT_KB),
            size=round(size_kb, 3),
        )


class HostedConfigBackend(AppConfigBackend):
    """moto's AppConfigBackend with the hosted store's rules, as AppConfig enforces them."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.last_version_numbers: dict[tuple[str, str], int] = {}
        # Extensions and their associations (extensions.py), run by extension_actions.py.
        self.extensions = Extensions(self._arn, self._associable)

    @property
    def _url_module(self) -> Any:
        from emulator.appconfig import urls  # noqa: PLC0415 - urls imports the responses

        return urls

    def _arn(self, suffix: str) -> str:
        return f"arn:{self.partition}:appconfig:{self.region_name}:{self.account_id}:{suffix}"

    # ------------------------------------------------------------------ applications

    def get_application(self, app_id: str) -> Application:
        if app_id not in self.applications:
            raise ResourceNotFoundException(f"Application {app_id} not found", "Application")
        return self.applications[app_id]

    @override
    def create_application(
        self, name: str, description: str | None, tags: dict[str, str]
    ) -> Application:
        with self.lock:
            check_quota("applications", len(self.applications), "in this account and region")
            return super().create_application(name, description, tags)

    def list_applications(self) -> list[Application]:
        return list(self.applications.values())

    def delete_application(self, app_id: str) -> None:
        """DeleteApplication of an application without profiles (environments: models.py).

        *Inferred*: AppConfig deletes no children with their application (API Reference,
        DeleteApplication, lists BadRequestException), so a profile left under it is refused,
        like a profile that still holds hosted versions.
        """
        with self.lock:
            app = self.get_application(app_id)
            if app.config_profiles:
                raise BadRequestException(
                    f"Cannot delete application {app_id} because there are still "
                    "configuration profiles existing under it."
                )
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
        app = self.get_application(application_id)
        check_quota("configuration_profiles", len(app.config_profiles), f"of application {app.id}")
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
        """DeleteConfigurationProfile of a profile without hosted versions.

        AWS answers 400 BadRequestException "Cannot delete configuration profile <id> because
        there are still hosted configuration versions existing under it." (the error every
        `terraform destroy` meets after versions Terraform does not know were written:
        hashicorp/terraform-provider-aws#31585, aws/aws-cdk#26804). Delete them first with
        DeleteHostedConfigurationVersion.
        """
        with self.lock:
            profile = self.get_configuration_profile(app_id, config_profile_id)
            self._check_profile_deletable(app_id, profile)
            self.tagger.delete_all_tags_for_resource(profile.arn)
            del self.applications[app_id].config_profiles[config_profile_id]

    def _check_profile_deletable(self, app_id: str, profile: ConfigurationProfile) -> None:
        if profile.config_versions:
            raise BadRequestException(
                f"Cannot delete configuration profile {profile.id} because there are still "
                "hosted configuration versions existing under it."
            )

    # ------------------------------------------------------------------ hosted versions

    @override
    # ignore[override]: AWS adds LatestVersionNumber, which moto's signature lacks.
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
        check_header_text("Description", description)
        check_header_text("VersionLabel", version_label)
        check_content_size(content)
        # PRE_CREATE_HOSTED_CONFIGURATION_VERSION extensions run first, outside the lock: they
        # may replace the content or refuse the call (extension_actions.py).
        profile = self.get_configuration_profile(app_id, config_profile_id)
        if profile.location_uri == HOSTED:
            content = extension_actions.pre_create_version(
                self,
                profile,
                content=content,
                content_type=content_type,
                description=description,
                next_version=max(
                    self.last_version_numbers.get((app_id, config_profile_id), 0),
                    max(profile.config_versions, default=0),
                )
                + 1,
            )
        with self.lock:
            profile = self.get_configuration_profile(app_id, config_profile_id)
            if profile.location_uri != HOSTED:
                raise BadRequestException(
                    f"Configuration profile {config_profile_id} does not use the hosted store"
                )
            latest = max(profile.config_versions, default=0)
            if latest_version_number is not None and latest_version_number != latest:
                # Which error AWS sends is not documented: a run-time setting chooses.
                error = (
                    ConflictException
                    if get_stale_version_error() == "ConflictException"
                    else BadRequestException
                )
                raise error(
                    f"LatestVersionNumber {latest_version_number} does not match the latest "
                    f"hosted configuration version {latest} of configuration profile "
                    f"{config_profile_id}"
                )
            if profile._type == FEATURE_FLAGS:
                check_feature_flags(content)
            key = (app_id, config_profile_id)
            number = max(self.last_version_numbers.get(key, 0), latest) + 1
            self.last_version_numbers[key] = number
            # ignore[arg-type]: moto types these members as str; AWS makes Description and
            # VersionLabel optional and Content a blob.
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

    # ------------------------------------------------------------------ tags

    def _known_arns(self) -> Iterable[str]:
        for app in self.applications.values():
            yield app.arn
            yield from (profile.arn for profile in app.config_profiles.values())
        yield from self.extensions.arns()

    def _associable(self, arn: str) -> bool:
        """Whether an extension may be associated with `arn`: an existing application,
        environment or configuration profile (API reference, CreateExtensionAssociation)."""
        path = arn.split(":", 5)[-1].split("/")
        kinds = ("environment", "configurationprofile")
        shaped = path[0] == "application" and (
            len(path) == 2 or (len(path) == 4 and path[2] in kinds)
        )
        return shaped and arn in set(self._known_arns())

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
