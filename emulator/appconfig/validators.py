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
        if name not in flags:
            errors.append((f"$.values.{name}", "a value for a flag that flags does not define"))
        elif not isinstance(value, dict) or not isinstance(value.get("enabled"), bool):
            errors.append((f"$.values.{name}", "a flag value needs a boolean 'enabled'"))
    return errors


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
