"""AppConfig extensions: their control plane, and their synchronous Lambda actions.

moto 5.2.5 has no AppConfig extension at all. This module keeps extensions and their
associations per backend, and runs the actions of the two synchronous action points:

* CreateExtension / Get / List / Update / Delete and CreateExtensionAssociation / Get /
  List / Update / Delete, as the AppConfig API reference describes them (Extension,
  ExtensionAssociation, Action, ActionsMap: at most 5 action points, one action each;
  the input limits of the model are checked by appconfig's call_checked).
* PRE_CREATE_HOSTED_CONFIGURATION_VERSION and PRE_START_DEPLOYMENT: AppConfig invokes the
  action's Lambda function synchronously, with the payload of the AWS AppConfig User Guide
  ("Creating a Lambda function for a custom AWS AppConfig extension", request and response
  payload reference), and honours the answer: a ``Content`` (base64) replaces the
  configuration, an ``Error`` stops the API call with BadRequestException carrying the
  function's ``Message`` (InvalidConfigurationDetail, API reference: "Details about an
  error with AWS Lambda when a synchronous extension experiences an error").

Associations apply to the resource they name and to what it contains: an application's
association runs for all its profiles and environments (User Guide, "Working with AWS
AppConfig extensions": extensions associate with an application, environment or profile).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import string
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.appconfig.exceptions import (
    BadRequestException,
    ConflictException,
    ResourceNotFoundException,
)

PRE_CREATE = "PRE_CREATE_HOSTED_CONFIGURATION_VERSION"
PRE_DEPLOY = "PRE_START_DEPLOYMENT"
# The payload Type of each synchronous action point (User Guide, payload reference).
PAYLOAD_TYPES = {
    PRE_CREATE: "PreCreateHostedConfigurationVersion",
    PRE_DEPLOY: "PreStartDeployment",
}
# Action URIs AppConfig accepts (API reference, Action.Uri): Lambda, SQS, SNS, EventBridge.
_URI_SERVICES = ("lambda", "sqs", "sns", "events")

# invoke(function_arn, role_arn, payload) -> (response payload, function error or None)
Invoker = Callable[[str, str | None, bytes], tuple[bytes, str | None]]


def _new_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(7))


@dataclass
class Extension:
    """One version of an extension (CreateExtension; a later version is a new object)."""

    id: str
    name: str
    version: int
    arn: str
    description: str | None
    actions: dict[str, list[dict[str, Any]]]
    parameters: dict[str, dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Name": self.name,
            "VersionNumber": self.version,
            "Arn": self.arn,
            "Description": self.description,
            "Actions": self.actions,
            "Parameters": self.parameters or None,
        }

    def summary(self) -> dict[str, Any]:
        return {
            key: self.to_dict()[key]
            for key in ("Id", "Name", "VersionNumber", "Arn", "Description")
        }


@dataclass
class ExtensionAssociation:
    """An extension version attached to an application, environment or profile."""

    id: str
    arn: str
    extension: Extension
    resource_arn: str
    parameters: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Arn": self.arn,
            "ExtensionArn": self.extension.arn,
            "ResourceArn": self.resource_arn,
            "Parameters": self.parameters,
            "ExtensionVersionNumber": self.extension.version,
        }

    def summary(self) -> dict[str, Any]:
        return {"Id": self.id, "ExtensionArn": self.extension.arn, "ResourceArn": self.resource_arn}


def _check_actions(actions: Mapping[str, list[dict[str, Any]]]) -> None:
    """Each action's Uri is an ARN of a service AppConfig can call; synchronous points need
    a Lambda function (only Lambda answers; *inferred* from the User Guide, which describes
    content changes and errors for Lambda actions only)."""
    for point, listed in actions.items():
        for action in listed:
            uri = str(action.get("Uri") or "")
            parts = uri.split(":")
            if len(parts) < 6 or parts[0] != "arn" or parts[2] not in _URI_SERVICES:
                raise BadRequestException(
                    f"Action {action.get('Name')!r} at {point}: Uri must be the ARN of a "
                    "Lambda function, SQS queue, SNS topic or EventBridge event bus"
                )
            if point in PAYLOAD_TYPES and parts[2] != "lambda":
                raise BadRequestException(
                    f"Action {action.get('Name')!r}: {point} runs synchronously and needs a "
                    "Lambda function Uri"
                )


class Extensions:
    """The extensions and associations of one AppConfig backend (account and region)."""

    def __init__(self, arn: Callable[[str], str], resource_exists: Callable[[str], bool]) -> None:
        self._arn = arn
        self._resource_exists = resource_exists
        self.lock = threading.RLock()
        self.extensions: dict[str, list[Extension]] = {}  # by id, oldest version first
        self.associations: dict[str, ExtensionAssociation] = {}

    # ------------------------------------------------------------------ extensions

    def _find(self, identifier: str) -> list[Extension]:
        """The versions of the extension named by its ID, name or ARN."""
        for versions in self.extensions.values():
            latest = versions[-1]
            if identifier in {latest.id, latest.name} or any(v.arn == identifier for v in versions):
                return versions
        raise ResourceNotFoundException(f"Extension {identifier} not found", identifier)

    def _version(self, identifier: str, number: int | None) -> Extension:
        versions = self._find(identifier)
        if number is None:
            exact = [v for v in versions if v.arn == identifier]
            return exact[0] if exact else versions[-1]
        for version in versions:
            if version.version == number:
                return version
        raise ResourceNotFoundException(
            f"Version {number} of extension {identifier} not found", identifier
        )

    def create_extension(
        self,
        name: str,
        description: str | None,
        actions: dict[str, list[dict[str, Any]]],
        parameters: dict[str, dict[str, Any]] | None,
        latest_version_number: int | None,
    ) -> Extension:
        """A new extension, or a new version of one when LatestVersionNumber names its latest."""
        _check_actions(actions)
        with self.lock:
            existing = next((v for v in self.extensions.values() if v[-1].name == name), None)
            if existing is None and latest_version_number is not None:
                raise BadRequestException(
                    f"Extension {name} does not exist; omit LatestVersionNumber to create it"
                )
            if existing is not None and latest_version_number != existing[-1].version:
                raise ConflictException(
                    f"Extension {name} exists with latest version {existing[-1].version}; "
                    "pass it as LatestVersionNumber to create a new version"
                )
            ext_id = existing[-1].id if existing else _new_id()
            number = existing[-1].version + 1 if existing else 1
            extension = Extension(
                id=ext_id,
                name=name,
                version=number,
                arn=self._arn(f"extension/{ext_id}/{number}"),
                description=description,
                actions=actions,
                parameters=parameters or {},
            )
            self.extensions.setdefault(ext_id, []).append(extension)
            return extension

    def get_extension(self, identifier: str, version: int | None) -> Extension:
        with self.lock:
            return self._version(identifier, version)

    def list_extensions(self, name: str | None) -> list[Extension]:
        with self.lock:
            return [v[-1] for v in self.extensions.values() if name in (None, v[-1].name)]

    def update_extension(
        self,
        identifier: str,
        description: str | None,
        actions: dict[str, list[dict[str, Any]]] | None,
        parameters: dict[str, dict[str, Any]] | None,
        version: int | None,
    ) -> Extension:
        """Change one version in place (*inferred*: new versions come from CreateExtension)."""
        if actions is not None:
            _check_actions(actions)
        with self.lock:
            extension = self._version(identifier, version)
            if description is not None:
                extension.description = description
            if actions is not None:
                extension.actions = actions
            if parameters is not None:
                extension.parameters = parameters
            return extension

    def delete_extension(self, identifier: str, version: int | None) -> None:
        with self.lock:
            versions = self._find(identifier)
            doomed = [v for v in versions if version is None or v.version == version]
            if not doomed:
                raise ResourceNotFoundException(
                    f"Version {version} of extension {identifier} not found", identifier
                )
            for extension in doomed:
                versions.remove(extension)
            if not versions:
                del self.extensions[doomed[0].id]

    # ------------------------------------------------------------------ associations

    def create_association(
        self,
        extension_identifier: str,
        extension_version: int | None,
        resource_arn: str,
        parameters: dict[str, str] | None,
    ) -> ExtensionAssociation:
        """Attach an extension to an existing application, environment or profile."""
        with self.lock:
            extension = self._version(extension_identifier, extension_version)
            if not self._resource_exists(resource_arn):
                raise ResourceNotFoundException(f"Resource {resource_arn} not found", resource_arn)
            given = parameters or {}
            missing = [
                name
                for name, spec in extension.parameters.items()
                if spec.get("Required") and name not in given
            ]
            unknown = [name for name in given if name not in extension.parameters]
            if missing or unknown:
                raise BadRequestException(
                    f"Parameters of extension {extension.name}: "
                    f"missing required {missing}, unknown {unknown}"
                )
            assoc_id = _new_id()
            association = ExtensionAssociation(
                id=assoc_id,
                arn=self._arn(f"extensionassociation/{assoc_id}"),
                extension=extension,
                resource_arn=resource_arn,
                parameters=dict(given),
            )
            self.associations[assoc_id] = association
            return association

    def get_association(self, assoc_id: str) -> ExtensionAssociation:
        with self.lock:
            if assoc_id not in self.associations:
                raise ResourceNotFoundException(
                    f"Extension association {assoc_id} not found", assoc_id
                )
            return self.associations[assoc_id]

    def list_associations(
        self, resource_arn: str | None, extension: str | None, version: int | None
    ) -> list[ExtensionAssociation]:
        with self.lock:
            found = list(self.associations.values())
        if resource_arn:
            found = [a for a in found if a.resource_arn == resource_arn]
        if extension:
            found = [
                a for a in found if extension in {a.extension.id, a.extension.name, a.extension.arn}
            ]
        if version is not None:
            found = [a for a in found if a.extension.version == version]
        return found

    def update_association(
        self, assoc_id: str, parameters: dict[str, str] | None
    ) -> ExtensionAssociation:
        with self.lock:
            association = self.get_association(assoc_id)
            if parameters is not None:
                association.parameters = dict(parameters)
            return association

    def delete_association(self, assoc_id: str) -> None:
        with self.lock:
            self.get_association(assoc_id)
            del self.associations[assoc_id]

    def forget_resource(self, arn: str) -> None:
        """Drop the associations of a deleted application, environment or profile."""
        with self.lock:
            for assoc_id in [
                a.id for a in self.associations.values() if a.resource_arn.startswith(arn)
            ]:
                del self.associations[assoc_id]

    def arns(self) -> Iterable[str]:
        """Every taggable ARN (extensions and associations)."""
        with self.lock:
            for versions in self.extensions.values():
                yield from (v.arn for v in versions)
            yield from (a.arn for a in self.associations.values())

    # ------------------------------------------------------------------ synchronous actions

    def actions_at(
        self, point: str, resource_arns: Iterable[str]
    ) -> list[tuple[ExtensionAssociation, dict[str, Any]]]:
        """The actions to run at `point` for a call on these resources, in association order."""
        wanted = set(resource_arns)
        with self.lock:
            return [
                (association, action)
                for association in self.associations.values()
                if association.resource_arn in wanted
                for action in association.extension.actions.get(point, [])
            ]


def run_sync_actions(
    actions: list[tuple[ExtensionAssociation, dict[str, Any]]],
    payload: dict[str, Any],
    content: bytes,
    invoke: Invoker,
) -> bytes:
    """Invoke each action with the payload and return the content to go on with.

    A function error, an answer that is not a JSON object, an ``Error`` member or a
    ``Content`` that is not base64 stops the action: BadRequestException.
    """
    for association, action in actions:
        request = {
            **payload,
            "InvocationId": _new_id(),
            "Parameters": dict(association.parameters),
            "Content": base64.b64encode(content).decode("ascii"),
        }
        answer, function_error = invoke(
            str(action.get("Uri")), action.get("RoleArn"), json.dumps(request).encode()
        )
        content = _honour(association, action, answer, function_error, content)
    return content


def _refusal(
    association: ExtensionAssociation, action: dict[str, Any], reason: str, value: str
) -> BadRequestException:
    detail = {
        "Type": "Lambda",
        "Reason": reason,
        "Value": value,
        "Location": f"{association.extension.arn} action {action.get('Name')}",
    }
    return BadRequestException(value, [detail])


def _honour(
    association: ExtensionAssociation,
    action: dict[str, Any],
    answer: bytes,
    function_error: str | None,
    content: bytes,
) -> bytes:
    try:
        data = json.loads(answer or b"null")
    except ValueError:
        data = None
    if function_error is not None:
        message = data.get("errorMessage") if isinstance(data, dict) else None
        raise _refusal(
            association,
            action,
            "LambdaFunctionError",
            f"Extension {association.extension.name} failed: {message or function_error}",
        )
    if data is None:
        return content
    if not isinstance(data, dict):
        raise _refusal(association, action, "InvalidResponse", "Unknown Error: null")
    if data.get("Error"):
        message = str(data.get("Message") or data["Error"])
        raise _refusal(association, action, str(data["Error"]), message)
    if "Content" in data and data["Content"] is not None:
        try:
            return base64.b64decode(str(data["Content"]), validate=True)
        except (binascii.Error, ValueError):
            raise _refusal(
                association,
                action,
                "InvalidResponse",
                "Extension returned Content that is not base64",
            ) from None
    return content
