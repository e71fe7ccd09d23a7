"""AWS AppConfig Data (appconfigdata): configuration sessions over what is deployed.

moto 5.2.5 has no appconfigdata at all. botocore signs appconfigdata requests with the
signing name `appconfig`, so moto's server sends them to the appconfig backend; in-process,
moto's stubber matches request URLs against `backend_index.backend_url_patterns`. The
package therefore serves its two operations from the appconfig backend: urls.py adds the
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

from emulator.appconfig.deployments import ServedContent
from emulator.appconfig.models import EmulatedAppConfigBackend
from emulator.appconfig.utils import now
from emulator.appconfig.validators import FEATURE_FLAGS
from emulator.appconfigdata.exceptions import BadRequestException, ResourceNotFoundException
from emulator.appconfigdata.flags import served_flags

DEFAULT_POLL_INTERVAL_SECONDS = 60
TOKEN_LIFETIME = timedelta(hours=24)
EMPTY_CONTENT_TYPE = "application/octet-stream"


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


def _issue(backend: EmulatedAppConfigBackend, state: TokenState) -> str:
    token = secrets.token_urlsafe(48)
    backend.sessions[token] = state
    return token


def start_session(
    backend: EmulatedAppConfigBackend,
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


def _claim(backend: EmulatedAppConfigBackend, token: str) -> TokenState:
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
    backend: EmulatedAppConfigBackend, token: str
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
    content = served.content
    app = backend.applications.get(session.application_id)
    profile = app.config_profiles.get(session.profile_id) if app is not None else None
    if profile is not None and profile._type == FEATURE_FLAGS:
        content = served_flags(content)  # applications receive the values map
    result.update(
        Configuration=content,
        ContentType=served.content_type,
        VersionLabel=served.version_label,
    )
    return result, served.content_type
