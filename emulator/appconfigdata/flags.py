"""What AppConfig Data serves for an AWS.AppConfig.FeatureFlags profile: the flag values.

The hosted document holds `version`, `flags` (definitions) and `values`. "When your
application calls GetLatestConfiguration and receives a newly deployed configuration, the
information that defines your feature flags and attributes is removed. The simplified JSON
contains a map of keys that match each of the flag keys you specified ... mapped values of
true or false for the enabled attribute. If a flag sets enabled to true, any attributes of
the flag will be present as well" (AppConfig User Guide, "Understanding the type reference
for AWS.AppConfig.FeatureFlags"): `{"on": {"enabled": true, "tier": "gold"}, "off":
{"enabled": false}}`. Freeform profiles are served as stored.

Multi-variant flags: "For performance reasons, AWS CLI and SDK calls to AWS AppConfig don't
retrieve variant data" (User Guide, "Creating a multi-variant feature flag"); variants are
evaluated with a caller's context by AppConfig Agent only. Without context no rule matches,
so the emulator serves the default variant (the last: its `enabled` and `attributeValues`)
for a flag with `_variants` (*inferred*). `_createdAt`/`_updatedAt` are not served, and a
defined flag without a value is served disabled (*inferred*).
"""

from __future__ import annotations

import json
from typing import Any

VARIANTS = "_variants"


def _served_value(value: Any) -> dict[str, bool | Any]:
    """A flag's status, and its attributes when it is enabled; the default variant's for
    a multi-variant flag."""
    if not isinstance(value, dict):
        return {"enabled": False}
    variants = value.get(VARIANTS)
    if isinstance(variants, list) and variants and isinstance(variants[-1], dict):
        default = variants[-1]
        enabled = default.get("enabled") is True
        attributes = default.get("attributeValues") or {}
    else:
        enabled = value.get("enabled") is True
        attributes = {k: v for k, v in value.items() if k != "enabled" and not k.startswith("_")}
    return {"enabled": True, **attributes} if enabled else {"enabled": False}


def served_flags(content: bytes) -> bytes:
    """The values map an application receives for a stored feature-flag document."""
    document = json.loads(content)
    flags = document.get("flags") or {}
    values = document.get("values") or {}
    served = {name: _served_value(values.get(name)) for name in flags}
    return json.dumps(served, separators=(",", ":")).encode()
