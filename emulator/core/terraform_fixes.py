"""Fixes to moto that the hashicorp/aws provider (5.100.0) needs for a clean plan.

Each fix makes moto return what a client stored, as AWS does; without them a second
`terraform plan` against the emulator shows changes (drift) or a resource fails to apply.

- Lambda: CreateFunction / UpdateFunctionConfiguration keep DeadLetterConfig, LoggingConfig
  (default `{"LogFormat": "Text", "LogGroup": "/aws/lambda/<name>"}`) and TracingConfig,
  and GetFunction / GetFunctionConfiguration return them.
- SQS: RedrivePolicy comes back as compact JSON, as stored (moto re-serialises it with
  spaces: the provider shows a perpetual diff); a queue encrypted with a KMS key reports
  `SqsManagedSseEnabled` false.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moto.awslambda.models import LambdaFunction
from moto.sqs.models import Queue

# ------------------------------------------------------------------ Lambda


def _default_logging_config(fn: LambdaFunction) -> dict[str, Any]:
    return {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{fn.function_name}"}


def _merged_logging_config(fn: LambdaFunction, update: dict[str, Any]) -> dict[str, Any]:
    """LoggingConfig as Lambda keeps it: Text has no log levels, JSON defaults them."""
    merged = {**(getattr(fn, "logging_config", None) or _default_logging_config(fn)), **update}
    if not merged.get("LogGroup"):
        merged["LogGroup"] = f"/aws/lambda/{fn.function_name}"
    if merged.get("LogFormat") == "JSON":
        merged.setdefault("ApplicationLogLevel", "INFO")
        merged.setdefault("SystemLogLevel", "INFO")
    else:
        merged.pop("ApplicationLogLevel", None)
        merged.pop("SystemLogLevel", None)
    return merged


# ignore[attr-defined] below: moto's LambdaFunction does not declare the two attributes it
# keeps (and loses) for DeadLetterConfig and LoggingConfig; these fixes store them.


def _set_dead_letter_config(fn: LambdaFunction, value: dict[str, Any] | None) -> None:
    fn.dead_letter_config = dict(value or {})  # type: ignore[attr-defined]


def _set_logging_config(fn: LambdaFunction, value: dict[str, Any] | None) -> None:
    fn.logging_config = _merged_logging_config(fn, dict(value or {}))  # type: ignore[attr-defined]


_original_function_init: Callable[..., None] = LambdaFunction.__init__
_original_get_configuration: Callable[..., dict[str, Any]] = LambdaFunction.get_configuration
_original_update_configuration: Callable[..., dict[str, Any]] = LambdaFunction.update_configuration


def _function_init(
    self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any
) -> None:
    _original_function_init(self, account_id, spec, *args, **kwargs)
    _set_dead_letter_config(self, spec.get("DeadLetterConfig"))
    _set_logging_config(self, spec.get("LoggingConfig"))


def _get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
    config = _original_get_configuration(self, on_create)
    dead_letter_config = getattr(self, "dead_letter_config", None) or {}
    if dead_letter_config.get("TargetArn"):
        config["DeadLetterConfig"] = dict(dead_letter_config)
    config["LoggingConfig"] = dict(
        getattr(self, "logging_config", None) or _default_logging_config(self)
    )
    return config


def _update_configuration(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
    updates = config_updates
    if "DeadLetterConfig" in updates:
        _set_dead_letter_config(self, updates["DeadLetterConfig"])
    if "LoggingConfig" in updates:
        _set_logging_config(self, updates["LoggingConfig"])
    if "TracingConfig" in updates:
        self.tracing_config = dict(updates["TracingConfig"] or {"Mode": "PassThrough"})
    if "KMSKeyArn" in updates:
        self.kms_key_arn = updates["KMSKeyArn"] or None
    return _original_update_configuration(self, updates)


def _install_lambda() -> None:
    # ignore[method-assign]: moto is extended by assigning to its classes; mypy still checks
    # each replacement's signature against moto's (an [assignment] error is not ignored).
    LambdaFunction.__init__ = _function_init  # type: ignore[method-assign]
    LambdaFunction.get_configuration = _get_configuration  # type: ignore[method-assign]
    LambdaFunction.update_configuration = _update_configuration  # type: ignore[method-assign]


# ------------------------------------------------------------------ SQS

# ignore[assignment, misc]: moto types Queue.attributes as the dict it returns, but on the
# class it is a property, which this fix wraps.
_original_queue_attributes: property = Queue.attributes  # type: ignore[assignment]


def _queue_attributes(self: Queue) -> dict[str, Any]:
    attributes: dict[str, Any] = _original_queue_attributes.fget(self)  # type: ignore[misc]
    if self.redrive_policy:
        attributes["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
    if getattr(self, "kms_master_key_id", None):
        attributes["SqsManagedSseEnabled"] = "false"
    return attributes


def _install_sqs() -> None:
    Queue.attributes = property(_queue_attributes)  # type: ignore[assignment,method-assign]


def install() -> None:
    """Apply every fix (idempotent)."""
    _install_lambda()
    _install_sqs()
