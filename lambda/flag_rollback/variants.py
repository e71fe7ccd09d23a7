"""A feature flag's values in ``AWS.AppConfig.FeatureFlags``, multi-variant flags included.

A flag's value is ``values.<flag>``: its status ``enabled``, its attribute values, the
fields AppConfig writes itself (``_createdAt``, ``_updatedAt``) and, for a multi-variant
flag, ``_variants``: a list of variants, each with a ``name``, its own ``enabled``, its
``attributeValues`` and a ``rule``; the last one is the default variant and has no rule
(AppConfig User Guide, "Creating multi-variant feature flags" and "Understanding the type
reference for AWS.AppConfig.FeatureFlags"). Only ``enabled`` is ever written here; every
other member, known or not, is kept as it is.

A rollback turns off every ``enabled: true`` of the flag (the base value's and each
variant's) and nothing else, and returns a ``ValuesRecord`` of what it turned off; a
restore turns exactly those back on, matching variants by name (AppConfig refuses two
variants of one flag with the same name), so variants added, removed or reordered since
are left as they are.

The record cannot live in the document: AppConfig validates this type against its schema,
which has no place for it, and everything under ``values`` is served to applications. The
caller keeps it (``ValuesRecord.to_json`` / ``from_json``): in the flag's hold, or in the
rolled-back version's description.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flag_rollback.errors import PermanentError

VARIANTS = "_variants"
# Where a rollback's version description carries the records of its multi-variant flags.
RECORD_MARKER = "Values before rollback: "
JsonObject = dict[str, Any]


@dataclass(frozen=True)
class ValuesRecord:
    """What a rollback turned off in one flag's value: enough to put it back exactly."""

    flag: str
    base: bool = False  # the base value's ``enabled`` was true
    variants: tuple[str, ...] = ()  # the variants whose ``enabled`` was true, in document order
    multi_variant: bool = False  # the value had ``_variants``: a restore needs this record

    def to_json(self) -> JsonObject:
        """A small JSON object (stable keys) for wherever the caller keeps the record."""
        return {
            "flag": self.flag,
            "base": self.base,
            "variants": list(self.variants),
            "multi_variant": self.multi_variant,
        }

    @classmethod
    def from_json(cls, data: object) -> ValuesRecord:
        """The record ``to_json`` wrote; PermanentError for anything else."""
        if (
            isinstance(data, dict)
            and isinstance(data.get("flag"), str)
            and isinstance(data.get("base"), bool)
            and isinstance(data.get("variants"), list)
            and all(isinstance(name, str) for name in data["variants"])
        ):
            multi = data.get("multi_variant", True) is not False
            return cls(data["flag"], data["base"], tuple(data["variants"]), multi)
        raise PermanentError("bad_record", f"not a record of a flag's values: {data!r:.200}")

    @property
    def empty(self) -> bool:
        """Whether the rollback turned nothing off (the flag was already off)."""
        return not self.base and not self.variants


def variant_list(value: object) -> list[JsonObject] | None:
    """The variants of a flag value (objects only); None when it is not multi-variant."""
    if not isinstance(value, dict) or not isinstance(value.get(VARIANTS), list):
        return None
    return [variant for variant in value[VARIANTS] if isinstance(variant, dict)]


def is_on(value: object) -> bool:
    """Whether any part of the flag's value is enabled (the base value or a variant).

    AppConfig reads a missing or non-boolean ``enabled`` as off, so only ``true`` counts.
    """
    if not isinstance(value, dict):
        return False
    variants = variant_list(value) or []
    return value.get("enabled") is True or any(v.get("enabled") is True for v in variants)


def turn_off(value: JsonObject, flag: str) -> ValuesRecord:
    """Set every ``enabled: true`` of the value to false (in place); what it turned off."""
    base = value.get("enabled") is True
    if base:
        value["enabled"] = False
    turned: list[str] = []
    for variant in variant_list(value) or []:
        if variant.get("enabled") is True:
            variant["enabled"] = False
            turned.append(str(variant.get("name", "")))
    return ValuesRecord(flag, base, tuple(turned), variant_list(value) is not None)


def turn_back_on(value: JsonObject, record: ValuesRecord) -> ValuesRecord:
    """Turn on what ``record`` says was on (in place); what it actually turned on.

    Parts already on, and variants the record names that are no longer there, are left.
    """
    base = record.base and value.get("enabled") is not True
    if base:
        value["enabled"] = True
    wanted = set(record.variants)
    turned: list[str] = []
    for variant in variant_list(value) or []:
        name = variant.get("name")
        if name in wanted and variant.get("enabled") is not True:
            variant["enabled"] = True
            turned.append(str(name))
    return ValuesRecord(record.flag, base, tuple(turned), record.multi_variant)


def describe(records: Iterable[ValuesRecord]) -> str:
    """The multi-variant records as description text ('' when none): ASCII, one line.

    ``{"<flag>": {"base": bool, "variants": [names]}}`` after RECORD_MARKER, with every space
    escaped so the header-safe text (text.header_text collapses runs of spaces) keeps it exact.
    """
    kept = {
        record.flag: {"base": record.base, "variants": list(record.variants)}
        for record in records
        if record.multi_variant
    }
    if not kept:
        return ""
    text = json.dumps(kept, ensure_ascii=True, separators=(",", ":")).replace(" ", "\\u0020")
    return RECORD_MARKER + text


def recorded(description: str, flag: str) -> ValuesRecord | None:
    """The record of ``flag`` that ``describe`` wrote into a description, if it is there."""
    start = description.find(RECORD_MARKER)
    if start < 0:
        return None
    try:
        found, _ = json.JSONDecoder().raw_decode(description, start + len(RECORD_MARKER))
    except ValueError:
        return None  # cut, or not ours: as if absent
    entry = found.get(flag) if isinstance(found, dict) else None
    if not isinstance(entry, dict):
        return None
    try:
        return ValuesRecord.from_json({"flag": flag, **entry, "multi_variant": True})
    except PermanentError:
        return None
