"""The pure core: read a flag document, decide what changes, write the new document.

No AWS here: functions over plain data, so every rule is testable on its own.
Two formats are understood:

* ``AWS.AppConfig.FeatureFlags``: ``{"flags": {...}, "values": {"<flag>": {"enabled": bool}},
  "version": "1"}``. A rollback sets every ``enabled: true`` of ``values.<flag>`` to false
  (the base value and, for a multi-variant flag, each of its ``_variants``) and nothing else
  (AppConfig validates this type against its own schema, so no extra keys are added); what
  it turned off is returned as a ``ValuesRecord`` (variants.py) for the caller to keep, and
  ``restore_values`` puts exactly that back.
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

from flag_rollback import variants
from flag_rollback.errors import PermanentError
from flag_rollback.variants import ValuesRecord
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
    # FeatureFlags documents: what a rollback turned off in each changed flag (keep it to
    # restore exactly; the document has no place for it).
    records: tuple[ValuesRecord, ...] = ()


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
        return variants.is_on(document.data["values"].get(flag))
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


def disable(document: FlagDocument, flags: Iterable[str], *, reason: str, now: str) -> Change:
    """Turn the given flags off; flags already off or not defined are reported, not touched."""
    change, unchanged, missing = _classify(document, flags, want_enabled=False)
    if not change:
        return Change(None, (), tuple(unchanged), tuple(missing))
    data = copy.deepcopy(document.data)
    records: list[ValuesRecord] = []
    for flag in change:
        if document.format == FEATURE_FLAGS:  # is_enabled vouched for an object value
            records.append(variants.turn_off(data["values"][flag], flag))
            continue
        entry = _freeform_entry(data, flag)
        before = {key: entry[key] for key in _RESTORED_KEYS if key in entry}
        entry["enabled"] = False
        entry["rolloutPercentage"] = 0
        entry["metadata"].update(lastRollback=now, rollbackReason=reason, **{BEFORE_KEY: before})
    if document.format == FREEFORM:
        _touch(data, now)
    new = replace(document, data=data)
    return Change(new, tuple(change), tuple(unchanged), tuple(missing), records=tuple(records))


def restore_values(document: FlagDocument, record: ValuesRecord) -> Change:
    """Put back what a rollback of a FeatureFlags document turned off, as ``record`` says.

    Exactly the recorded parts are turned on again (the base value, variants by name);
    everything else, the document's order and AppConfig's own fields are kept.
    """
    flag = record.flag
    if document.format != FEATURE_FLAGS:
        raise PermanentError("bad_record", "a values record applies to feature flag documents")
    if flag not in document.data["flags"]:
        return Change(None, missing=(flag,))
    data = copy.deepcopy(document.data)
    value = data["values"].get(flag)
    if not isinstance(value, dict):
        value = data["values"][flag] = {}
    turned = variants.turn_back_on(value, record)
    if turned.empty:
        return Change(None, unchanged=(flag,))
    restored: JsonObject = {"enabled": True} if turned.base else {}
    if turned.variants:
        restored["variants"] = list(turned.variants)
    return Change(replace(document, data=data), (flag,), restored_values=restored)


def enable(
    document: FlagDocument, flag: str, *, now: str, record: ValuesRecord | None = None
) -> Change:
    """Turn a flag back on with the values recorded when it was rolled back.

    FeatureFlags documents: with the rollback's ``record``, exactly what it turned off;
    without one a single-value flag is enabled, and a multi-variant flag is refused (which
    variants were on is not in the document; guessing could turn on one never meant to be).
    """
    if record is not None and record.flag != flag:
        raise PermanentError("bad_record", f"the record is of flag {record.flag!r}, not {flag!r}")
    if document.format == FEATURE_FLAGS:
        if record is not None:
            return restore_values(document, record)
        value = document.data["values"].get(flag)
        if flag in document.data["flags"] and not variants.is_on(value):
            if variants.variant_list(value) is not None:
                raise PermanentError(
                    "restore_unrecorded",
                    f"flag {flag!r} has variants and there is no record of which were on "
                    "before the rollback: enable them in a new version of the configuration",
                )
            return restore_values(document, ValuesRecord(flag, base=True))
    change, unchanged, missing = _classify(document, [flag], want_enabled=True)
    if not change:
        return Change(None, (), tuple(unchanged), tuple(missing))
    data = copy.deepcopy(document.data)
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
