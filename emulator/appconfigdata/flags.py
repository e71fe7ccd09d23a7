"""What AppConfig Data serves for an AWS.AppConfig.FeatureFlags profile: the flag values.

The hosted document holds `version`, `flags` (definitions) and `values`; an application
that calls GetLatestConfiguration receives one object per flag with its status and
attribute values, `{"flag": {"enabled": false, "attr": 1}}` (AppConfig User Guide,
"Retrieving feature flags and configuration data" and the feature-flag profile page's
example of retrieved data). Freeform profiles are served as stored.

Multi-variant flags: "For performance reasons, AWS CLI and SDK calls to AWS AppConfig don't
retrieve variant data" (User Guide, "Creating a multi-variant feature flag"); variants are
evaluated with a caller's context by AppConfig Agent only. Without context no rule matches,
so the emulator serves the default variant (the last) for a flag with `_variants`
(*inferred*). Keys starting with `_` (`_createdAt`, `_updatedAt`, `_variants`) are metadata
and not served (*inferred*); a defined flag without a value is served disabled (*inferred*).
"""

from __future__ import annotations

import json
from typing import Any

VARIANTS = "_variants"


def _served_value(value: Any) -> dict[str, Any]:
    """A flag's status and attributes; the default variant's for a multi-variant flag."""
    if not isinstance(value, dict):
        return {"enabled": False}
    variants = value.get(VARIANTS)
    own: tuple[str, ...] = ()
    chosen = value
    if isinstance(variants, list) and variants and isinstance(variants[-1], dict):
        chosen, own = variants[-1], ("name", "rule")  # a variant's name and rule: not served
    served = {
        key: item for key, item in chosen.items() if not key.startswith("_") and key not in own
    }
    served["enabled"] = chosen.get("enabled") is True
    return served


def served_flags(content: bytes) -> bytes:
    """The values map an application receives for a stored feature-flag document."""
    document = json.loads(content)
    flags = document.get("flags") or {}
    values = document.get("values") or {}
    served = {name: _served_value(values.get(name)) for name in flags}
    return json.dumps(served, separators=(",", ":")).encode()
