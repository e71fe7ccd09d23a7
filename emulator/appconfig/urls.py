"""AppConfig's URL table: every path of the API Reference, served by EmulatedAppConfigResponse.

moto builds its routes from a backend's `_url_module` (`url_bases`, `url_paths`); this module
is that for the emulated AppConfig backend, and appconfigdata adds its paths with add_routes().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.appconfig.responses import EmulatedAppConfigResponse

APPCONFIG_URL_BASE = r"https?://appconfig\.(.+)\.amazonaws\.com"
ID = r"[^/]+"

_APP = rf"{{0}}/applications/(?P<app>{ID})"
_PROFILE = rf"{_APP}/configurationprofiles/(?P<profile>{ID})"
_ENV = rf"{_APP}/environments/(?P<env>{ID})"

_dispatch: Callable[..., Any] = EmulatedAppConfigResponse.dispatch

url_bases: list[str] = [APPCONFIG_URL_BASE]
url_paths: dict[str, Callable[..., Any]] = {
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
    # Extensions and their associations (extension_responses.py).
    "{0}/extensions$": _dispatch,
    rf"{{0}}/extensions/(?P<extension>{ID})$": _dispatch,
    "{0}/extensionassociations$": _dispatch,
    rf"{{0}}/extensionassociations/(?P<association>{ID})$": _dispatch,
}


def add_routes(url_base: str, new_paths: dict[str, Callable[..., Any]]) -> None:
    """Serve another API (appconfigdata) from the appconfig backend: same signing name."""
    if url_base not in url_bases:
        url_bases.append(url_base)
    url_paths.update(new_paths)
