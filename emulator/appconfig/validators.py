"""What AppConfig checks in configuration content: JSON_SCHEMA validators and the
AWS.AppConfig.FeatureFlags type (see emulator/FIDELITY.md for the pages they follow)."""

from __future__ import annotations

import json
import re

import jsonschema

from emulator.appconfig.exceptions import BadRequestException


def check_validators(validators: list[dict[str, str]] | None) -> None:
    """A JSON_SCHEMA validator must hold a valid JSON schema (AppConfig checks at create)."""
    for validator in validators or []:
        if validator.get("Type") != "JSON_SCHEMA":
            continue
        try:
            schema = json.loads(validator.get("Content", ""))
            jsonschema.Draft4Validator.check_schema(schema)
        except (json.JSONDecodeError, jsonschema.SchemaError) as error:
            raise BadRequestException(f"The JSON schema validator is not valid: {error}") from error


def validate_content(validators: list[dict[str, str]] | None, content: bytes) -> None:
    """Run a profile's JSON_SCHEMA validators over content; raise BadRequestException."""
    schemas = [v for v in validators or [] if v.get("Type") == "JSON_SCHEMA"]
    if not schemas:
        return
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        detail = {
            "Constraint": "JSON",
            "Location": "",
            "Reason": f"The configuration is not valid JSON: {error}",
            "Type": "JSON_SCHEMA",
            "Value": "",
        }
        raise BadRequestException("Configuration is not valid JSON", [detail]) from error
    details = []
    for validator in schemas:
        schema = json.loads(validator["Content"])
        for failure in jsonschema.Draft4Validator(schema).iter_errors(document):
            details.append(
                {
                    "Constraint": str(failure.validator),
                    "Location": "$" + "".join(f".{part}" for part in failure.absolute_path),
                    "Reason": failure.message,
                    "Type": "JSON_SCHEMA",
                    "Value": json.dumps(failure.instance)[:256],
                }
            )
    if details:
        raise BadRequestException(
            "Configuration failed validation against the profile's JSON schema validator",
            details,
        )


FEATURE_FLAGS = "AWS.AppConfig.FeatureFlags"
FLAG_NAME = re.compile(r"^[a-z][a-zA-Z\d_-]{0,63}$")
FLAG_KEYS = ("version", "flags", "values")


def _flag_errors(document: object) -> list[tuple[str, str]]:
    """(location, reason) for each way `document` breaks the FeatureFlags type reference."""
    if not isinstance(document, dict):
        return [("$", "a feature flag configuration must be a JSON object")]
    errors = [(f"$.{key}", "unknown top-level key") for key in document if key not in FLAG_KEYS]
    if document.get("version") != "1":
        errors.append(("$.version", 'version is required and must be "1"'))
    flags = document.get("flags", {})
    values = document.get("values", {})
    if not isinstance(flags, dict) or not isinstance(values, dict):
        return [*errors, ("$", "flags and values must be JSON objects")]
    for name, definition in flags.items():
        if not FLAG_NAME.match(name) or not isinstance(definition, dict):
            errors.append(
                (f"$.flags.{name}", f"a flag must be an object named like {FLAG_NAME.pattern}")
            )
    for name, value in values.items():
        where = f"$.values.{name}"
        if name not in flags:
            errors.append((where, "a value for a flag that flags does not define"))
        elif not isinstance(value, dict):
            errors.append((where, "a flag value must be an object"))
        else:
            # The type reference's flagValue requires nothing; `enabled` is a boolean.
            if "enabled" in value and not isinstance(value["enabled"], bool):
                errors.append((where, "a flag value's 'enabled' must be a boolean"))
            if VARIANTS in value:
                errors.extend(_variant_errors(value[VARIANTS], f"{where}.{VARIANTS}"))
    return errors


VARIANTS = "_variants"
MAX_VARIANTS = 32
VARIANT_KEYS = frozenset({"name", "enabled", "rule", "attributeValues"})
VARIANT_NAME = re.compile(r"^[^\n]{1,64}$")
MAX_RULE_CHARS = 16384
MAX_ATTRIBUTES = 25


def _variant_errors(variants: object, where: str) -> list[tuple[str, str]]:
    """(location, reason) for each way a flag's `_variants` breaks the multi-variant rules.

    Documented: the type reference's `variant` definition (required `name` and `enabled`,
    a name of 1-64 characters without a line break, a `rule` of at most 16384 characters,
    `attributeValues` with at most 25 attributes, no other member; at most 32 variants) and
    "the default variant must be last in your ordering of variants, and it can't have rules
    associated with it ... AWS AppConfig returns a BadRequestException" (Understanding
    multi-variant feature flag concepts). *Inferred*: the list is non-empty, names are
    unique within the flag, every variant but the default has a non-empty rule.
    """
    if not isinstance(variants, list) or not variants or len(variants) > MAX_VARIANTS:
        return [(where, f"_variants must list 1-{MAX_VARIANTS} variants, the default last")]
    errors: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, variant in enumerate(variants):
        at = f"{where}[{index}]"
        if not isinstance(variant, dict):
            errors.append((at, "a variant must be an object"))
            continue
        errors.extend(
            (f"{at}.{key}", "unknown variant member") for key in variant.keys() - VARIANT_KEYS
        )
        name = variant.get("name")
        if not isinstance(name, str) or not VARIANT_NAME.match(name):
            errors.append((f"{at}.name", "a variant needs a 'name' of 1-64 characters"))
        elif name in seen:
            errors.append((f"{at}.name", f"variant name {name!r} is used twice"))
        else:
            seen.add(name)
        if not isinstance(variant.get("enabled"), bool):
            errors.append((f"{at}.enabled", "a variant needs a boolean 'enabled'"))
        attributes = variant.get("attributeValues", {})
        if not isinstance(attributes, dict) or len(attributes) > MAX_ATTRIBUTES:
            errors.append((f"{at}.attributeValues", "at most 25 attribute values, as an object"))
        errors.extend(_rule_errors(variant, at, is_default=index == len(variants) - 1))
    return errors


def _rule_errors(variant: dict[str, object], at: str, *, is_default: bool) -> list[tuple[str, str]]:
    rule = variant.get("rule")
    if is_default:
        if "rule" in variant:
            return [(f"{at}.rule", "the default variant (the last) cannot have a rule")]
        return []
    if not isinstance(rule, str) or not rule.strip() or len(rule) > MAX_RULE_CHARS:
        return [(f"{at}.rule", "every variant but the last needs a rule (1-16384 characters)")]
    return []


def check_feature_flags(content: bytes) -> None:
    """AppConfig checks AWS.AppConfig.FeatureFlags content when a version is created."""
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequestException(
            f"Feature flag configuration is not valid JSON: {error}"
        ) from error
    errors = _flag_errors(document)
    if errors:
        details = [
            {
                "Constraint": "AWS.AppConfig.FeatureFlags",
                "Location": where,
                "Reason": why,
                "Type": "JSON_SCHEMA",
                "Value": "",
            }
            for where, why in errors
        ]
        raise BadRequestException("Invalid feature flag configuration", details)
