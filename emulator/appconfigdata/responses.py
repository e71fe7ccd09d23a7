"""AppConfig Data HTTP in and out: StartConfigurationSession and GetLatestConfiguration."""

from __future__ import annotations

from moto.core.common_types import TYPE_RESPONSE
from moto.core.responses import ActionResult

from emulator.appconfig.responses import EmulatedResponse, payload_response
from emulator.appconfigdata.models import latest_configuration, start_session


class AppConfigDataResponse(EmulatedResponse):
    """StartConfigurationSession and GetLatestConfiguration."""

    def __init__(self) -> None:
        super().__init__(service_name="appconfigdata")

    def start_configuration_session(self) -> ActionResult:
        token = start_session(
            self.backend,
            self._get_param("ApplicationIdentifier"),
            self._get_param("EnvironmentIdentifier"),
            self._get_param("ConfigurationProfileIdentifier"),
            self._get_param("RequiredMinimumPollIntervalInSeconds"),
        )
        return ActionResult({"InitialConfigurationToken": token})

    def get_latest_configuration(self) -> TYPE_RESPONSE:
        result, content_type = latest_configuration(
            self.backend, self._get_param("ConfigurationToken")
        )
        return payload_response(self, result, content_type)
