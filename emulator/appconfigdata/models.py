"""AWS AppConfig Data (appconfigdata): configuration sessions over what is deployed.

moto 5.2.5 has no appconfigdata at all. botocore signs appconfigdata requests with the
signing name `appconfig`, so moto's server sends them to the appconfig backend; in-process,
moto's stubber matches request URLs against `backend_index.backend_url_patterns`. This
module therefore serves its two operations from the appconfig backend: it adds the
appconfigdata host to that URL index (mapped to "appconfig") and its two paths to the
emulated appconfig URL table. State (sessions and tokens) lives in the appconfig backend,
so moto's reset clears it with everything else.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from moto import backend_index
from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult

from emulator.appconfig import models as appconfig
from emulator.appconfig.resources import ServedContent, now

APPCONFIGDATA_URL_BASE = r"https?://appconfigdata\.(.+)\.amazonaws\.com"
DEFAULT_POLL_INTERVAL_SECONDS = 60
TOKEN_LIFETIME = timedelta(hours=24)
EMPTY_CONTENT_TYPE = "application/octet-stream"


class BadRequestException(ServiceException):
    code = "BadRequestException"

    def __init__(self, message: str, problem: str | None = None) -> None:
        super().__init__(message)
        if problem is not None:
            self.Reason = "InvalidParameters"
            self.Details = {"InvalidParameters": {"ConfigurationToken": {"Problem": problem}}}


class ResourceNotFoundException(ServiceException):
    code = "ResourceNotFoundException"

    def __init__(self, message: str, resource_type: str, referenced_by: dict[str, str]) -> None:
        super().__init__(message)
        self.ResourceType = resource_type
        self.ReferencedBy = referenced_by


@dataclass(frozen=True)
class Session:
    application_id: str
    environment_id: str
    profile_id: str
    poll_interval: int
    enforce_interval: bool


@dataclass
class TokenState:
    session: Session
    last_served: ServedContent | None
    not_before: datetime
    used: bool = False

    @property
    def expires_at(self) -> datetime:
        return self.not_before + TOKEN_LIFETIME


def _by_id_or_name(items: dict[str, Any], identifier: str) -> Any | None:
    if identifier in items:
        return items[identifier]
    return next((item for item in items.values() if item.name == identifier), None)


def _not_found(
    kind: str, identifier: str, referenced_by: dict[str, str]
) -> ResourceNotFoundException:
    label = re.sub(r"(?<!^)([A-Z])", r" \1", kind).lower()
    return ResourceNotFoundException(
        f"{label[0].upper()}{label[1:]} {identifier} not found", kind, referenced_by
    )


def _issue(backend: appconfig.EmulatedAppConfigBackend, state: TokenState) -> str:
    token = secrets.token_urlsafe(48)
    backend.sessions[token] = state
    return token


def start_session(
    backend: appconfig.EmulatedAppConfigBackend,
    application: str,
    environment: str,
    profile: str,
    poll_interval: int | None,
) -> str:
    """Resolve the identifiers (ID or name) and return the initial configuration token."""
    app = _by_id_or_name(backend.applications, application)
    if app is None:
        raise _not_found("Application", application, {})
    referenced = {"Application": app.id}
    env = _by_id_or_name(backend.environments.get(app.id, {}), environment)
    if env is None:
        raise _not_found("Environment", environment, referenced)
    prof = _by_id_or_name(app.config_profiles, profile)
    if prof is None:
        raise _not_found("ConfigurationProfile", profile, referenced)
    if poll_interval is not None and not 15 <= poll_interval <= 86400:
        raise BadRequestException(
            "RequiredMinimumPollIntervalInSeconds must be between 15 and 86400, "
            f"got {poll_interval}"
        )
    session = Session(
        application_id=app.id,
        environment_id=env.id,
        profile_id=prof.id,
        poll_interval=poll_interval or DEFAULT_POLL_INTERVAL_SECONDS,
        enforce_interval=poll_interval is not None,
    )
    with backend.lock:
        return _issue(backend, TokenState(session, None, now()))


def _claim(backend: appconfig.EmulatedAppConfigBackend, token: str) -> TokenState:
    state = backend.sessions.get(token)
    if not isinstance(state, TokenState):
        raise BadRequestException("The ConfigurationToken is not valid", "Corrupted")
    moment = now()
    if state.used or moment > state.expires_at:
        raise BadRequestException(
            "The ConfigurationToken has expired or was already used; use the "
            "NextPollConfigurationToken of the latest response",
            "Expired",
        )
    if moment < state.not_before:
        raise BadRequestException(
            f"Poll again after RequiredMinimumPollIntervalInSeconds "
            f"({state.session.poll_interval} s)",
            "PollIntervalNotSatisfied",
        )
    state.used = True
    return state


def latest_configuration(
    backend: appconfig.EmulatedAppConfigBackend, token: str
) -> tuple[dict[str, Any], str]:
    """Return the GetLatestConfiguration result and the Content-Type header to send."""
    with backend.lock:
        state = _claim(backend, token)
        session = state.session
        referenced = {"Application": session.application_id, "Environment": session.environment_id}
        served = backend.served_content(
            session.application_id, session.environment_id, session.profile_id
        )
        if served is None:
            raise ResourceNotFoundException(
                f"No configuration is deployed for configuration profile {session.profile_id} "
                f"in environment {session.environment_id}",
                "Deployment",
                {**referenced, "ConfigurationProfile": session.profile_id},
            )
        wait = timedelta(seconds=session.poll_interval if session.enforce_interval else 0)
        next_token = _issue(backend, TokenState(session, served, now() + wait))
    result: dict[str, Any] = {
        "NextPollConfigurationToken": next_token,
        "NextPollIntervalInSeconds": session.poll_interval,
        "Configuration": b"",
    }
    if served == state.last_served:
        # Nothing new: an empty body. A content type is always sent (a server must send one).
        return result, EMPTY_CONTENT_TYPE
    result.update(
        Configuration=served.content,
        ContentType=served.content_type,
        VersionLabel=served.version_label,
    )
    return result, served.content_type


class AppConfigDataResponse(appconfig.EmulatedResponse):
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
        return appconfig.payload_response(self, result, content_type)


def install() -> None:
    """Route appconfigdata hosts and paths to the (emulated) appconfig backend."""
    dispatch = AppConfigDataResponse.dispatch
    appconfig.add_routes(
        APPCONFIGDATA_URL_BASE,
        {"{0}/configurationsessions$": dispatch, "{0}/configuration$": dispatch},
    )
    patterns = backend_index.backend_url_patterns
    if not any(p.pattern == APPCONFIGDATA_URL_BASE for _, p in patterns):
        patterns.append(("appconfig", re.compile(APPCONFIGDATA_URL_BASE)))
