"""AppConfig Data's URL table, served by the appconfig backend (same signing name)."""

from __future__ import annotations

import re

from moto import backend_index

from emulator.appconfig import urls as appconfig_urls
from emulator.appconfigdata.responses import AppConfigDataResponse

APPCONFIGDATA_URL_BASE = r"https?://appconfigdata\.(.+)\.amazonaws\.com"


def install() -> None:
    """Route appconfigdata hosts and paths to the (emulated) appconfig backend."""
    dispatch = AppConfigDataResponse.dispatch
    appconfig_urls.add_routes(
        APPCONFIGDATA_URL_BASE,
        {"{0}/configurationsessions$": dispatch, "{0}/configuration$": dispatch},
    )
    patterns = backend_index.backend_url_patterns
    if not any(p.pattern == APPCONFIGDATA_URL_BASE for _, p in patterns):
        patterns.append(("appconfig", re.compile(APPCONFIGDATA_URL_BASE)))
