"""The pure core: read a flag document, decide what changes, write the new document.

No AWS here: functions over plain data, so every rule is testable on its own.
Two formats are understood:

* ``AWS.AppConfig.FeatureFlags``: ``{"flags": {...}, "values": {"<flag>": {"enabled": bool}},
  "version": "1"}``. A rollback sets ``values.<flag>.enabled`` to false and nothing else
  (AppConfig validates this type against its own schema, so no extra keys are added).
* freeform JSON: ``{"flags": {"<flag>": {"enabled": bool, "rolloutPercentage": n,
  "metadata": {...}}}, "version": n, "lastUpdated": "..."}``. A rollback sets ``enabled``
  false and ``rolloutPercentage`` 0 and records when, why, and the values it replaced
  (``metadata.valuesBeforeRollback``) so ``restore`` can bring them back.

Everything else is kept: key order, other flags, unknown fields.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from flag_rollback.errors import PermanentError
from flag_rollback.vocabulary import AlarmState

Format = Literal["AWS.AppConfig.FeatureFlags", "freeform"]
FEATURE_FLAGS: Format = "AWS.AppConfig.FeatureFlags"
FREEFORM: Format = "freeform"
BEFORE_KEY = "valuesBeforeRollback"
_RESTORED_KEYS = ("enabled", "rolloutPercentage")  # what a rollback overwrites
_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")
JsonObject = dict[str, Any]


@dataclass(frozen=True)
class FlagDocument:
    """A parsed configuration: its format, its data and how it was written."""

    format: Format
    data: JsonObject
    content_type: str
    indented: bool


@dataclass(frozen=True)
class Change:
    """The outcome of a transform: the new document (None when nothing changes)."""

    document: FlagDocument | None
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    restored_values: dict[str, Any] = field(default_factory=dict)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def parse_document(
    content: bytes, content_type: str, profile_type: str | None = None
) -> FlagDocument:
    """Parse hosted content into a FlagDocument; PermanentError when it is not one."""
    try:
        text = content.decode("utf-8-sig")
        data = json.loads(text, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise PermanentError("content_not_json", f"configuration is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise PermanentError("unknown_format", "configuration is not a JSON object")
    fmt = _detect_format(data, profile_type)
    return FlagDocument(format=fmt, data=data, content_type=content_type, indented="\n" in text)


def _detect_format(data: JsonObject, profile_type: str | None) -> Format:
    flags, values = data.get("flags"), data.get("values")
    shaped = isinstance(values, dict) and isinstance(flags, dict) and data.get("version") == "1"
    if profile_type == FEATURE_FLAGS or shaped:
        if not isinstance(flags, dict) or not isinstance(values, dict):
            raise PermanentError(
                "unknown_format", "feature flag document lacks flags/values objects"
            )
        return FEATURE_FLAGS
    if isinstance(flags, dict):
        return FREEFORM
    raise PermanentError("unknown_format", "configuration has no 'flags' object")


def serialize(document: FlagDocument) -> bytes:
    """The document as UTF-8 JSON, indented when the original was."""
    try:
        text = json.dumps(
            document.data,
            ensure_ascii=False,
            allow_nan=False,
            indent=2 if document.indented else None,
        )
    except (ValueError, RecursionError) as error:
        raise PermanentError(
            "content_not_json", f"configuration cannot be written: {error}"
        ) from error
    return text.encode("utf-8")


def is_enabled(document: FlagDocument, flag: str) -> bool | None:
    """Whether the flag is on; None when the document does not define it.

    Only an explicit ``false`` counts as off in freeform documents (anything else may be
    read as on by some client); AppConfig treats a missing value as off. A freeform entry
    that is not an object (or whose metadata is not one) cannot be managed: None.
    """
    if flag not in document.data["flags"]:
        return None
    if document.format == FEATURE_FLAGS:
        value = document.data["values"].get(flag)
        return isinstance(value, dict) and value.get("enabled") is True
    entry = document.data["flags"][flag]
    if not isinstance(entry, dict) or not isinstance(entry.get("metadata", {}), dict):
        return None
    return entry.get("enabled") is not False


def alarm_flag(pattern: re.Pattern[str], alarm_name: str) -> str | None:
    """The flag an alarm watches, by the ``flag`` group of ALARM_NAME_PATTERN."""
    match = pattern.search(alarm_name)
    flag = match.group("flag") if match else None
    return flag or None


def rolls_back(state: AlarmState, flag: str, insufficient_data_flags: frozenset[str]) -> bool:
    """Whether an alarm of ``flag`` entering ``state`` rolls the flag back.

    ALARM always does; INSUFFICIENT_DATA only for flags that opted in (a quiet flag is not
    a broken flag, unless silence means failure for it); OK never.
    """
    return state == "ALARM" or (state == "INSUFFICIENT_DATA" and flag in insufficient_data_flags)


def alarm_name_prefix(pattern: re.Pattern[str]) -> str:
    """The literal text every matching alarm name starts with ('' when unknown).

    Lets DescribeAlarms filter by AlarmNamePrefix instead of listing every alarm.
    """
    source = pattern.pattern
    if not source.startswith("^") or "|" in source or pattern.flags & re.IGNORECASE:
        return ""
    prefix: list[str] = []
    for char in source[1:]:
        if char in ".^$*+?{}[]\\()":
            if char in "*?{" and prefix:
                prefix.pop()
            break
        prefix.append(char)
    return "".join(prefix)


def _advance_version(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value + 1
    if isinstance(value, str):
        match = _TRAILING_NUMBER.match(value)
        if match:
            head, number = match.groups()
            return f"{head}{int(number) + 1:0{len(number)}d}"
    return value


def _touch(data: JsonObject, now: str) -> None:
    """Advance the freeform document's own version and timestamp (in place)."""
    if "version" in data:
        data["version"] = _advance_version(data["version"])
    data["lastUpdated"] = now


def _classify(
    document: FlagDocument, flags: Iterable[str], want_enabled: bool
) -> tuple[list[str], list[str], list[str]]:
    """Split flags into (to change, already in the wanted state, not in the document)."""
    change: list[str] = []
    unchanged: list[str] = []
    missing: list[str] = []
    for flag in dict.fromkeys(flags):
        enabled = is_enabled(document, flag)
        if enabled is None:
            missing.append(flag)
        elif enabled == want_enabled:
            unchanged.append(flag)
        else:
            change.append(flag)
    return change, unchanged, missing


def _freeform_entry(data: JsonObject, flag: str) -> JsonObject:
    """The flag's entry with a metadata object (is_enabled vouched for both shapes)."""
    entry: JsonObject = data["flags"][flag]
    entry.setdefault("metadata", {})
    return entry


def _set_value(data: JsonObject, flag: str, *, enabled: bool) -> None:
    """Set ``values.<flag>.enabled`` (in place), keeping the flag's attribute values."""
    value = data["values"].get(flag)
    if isinstance(value, dict):
        value["enabled"] = enabled
    else:
        data["values"][flag] = {"enabled": enabled}


def disable(document: FlagDocument, flags: Iterable[str], *, reason: str, now: str) -> Change:
    """Turn the given flags off; flags already off or not defined are reported, not touched."""
    change, unchanged, missing = _classify(document, flags, want_enabled=False)
    if not change:
        return Change(None, (), tuple(unchanged), tuple(missing))
    data = copy.deepcopy(document.data)
    for flag in change:
        if document.format == FEATURE_FLAGS:
            _set_value(data, flag, enabled=False)
            continue
        entry = _freeform_entry(data, flag)
        before = {key: entry[key] for key in _RESTORED_KEYS if key in entry}
        entry["enabled"] = False
        entry["rolloutPercentage"] = 0
        entry["metadata"].update(lastRollback=now, rollbackReason=reason, **{BEFORE_KEY: before})
    if document.format == FREEFORM:
        _touch(data, now)
    new = replace(document, data=data)
    return Change(new, tuple(change), tuple(unchanged), tuple(missing))


def enable(document: FlagDocument, flag: str, *, now: str) -> Change:
    """Turn a flag back on with the values recorded when it was rolled back."""
    change, unchanged, missing = _classify(document, [flag], want_enabled=True)
    if not change:
        return Change(None, (), tuple(unchanged), tuple(missing))
    data = copy.deepcopy(document.data)
    if document.format == FEATURE_FLAGS:
        _set_value(data, flag, enabled=True)
        new = replace(document, data=data)
        return Change(new, (flag,), restored_values={"enabled": True})
    entry = _freeform_entry(data, flag)
    before = entry["metadata"].pop(BEFORE_KEY, None)
    restored: JsonObject = {"enabled": True}
    entry["enabled"] = True
    if isinstance(before, dict) and "rolloutPercentage" in before:
        restored["rolloutPercentage"] = entry["rolloutPercentage"] = before["rolloutPercentage"]
    elif isinstance(before, dict):
        entry.pop("rolloutPercentage", None)  # the flag had none before the rollback
    entry["metadata"]["lastRestore"] = now
    _touch(data, now)
    new = replace(document, data=data)
    return Change(new, (flag,), restored_values=restored)
