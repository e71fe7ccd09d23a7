"""AppConfig's extension operations over HTTP (CreateExtension ... DeleteExtensionAssociation),
parsed and serialized by the service model like every other emulated AppConfig operation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.core.responses import ActionResult, BaseResponse, EmptyResult

from emulator.appconfig.utils import paginate

if TYPE_CHECKING:
    from emulator.appconfig.models import EmulatedAppConfigBackend


def _number(value: Any) -> int | None:
    return None if value is None else int(value)


class ExtensionResponses(BaseResponse):
    """The ten extension operations; mixed into EmulatedAppConfigResponse."""

    if TYPE_CHECKING:

        @property
        def backend(self) -> EmulatedAppConfigBackend: ...

    def _listed(self, items: list[dict[str, Any]]) -> ActionResult:
        return ActionResult(
            paginate(items, self._get_param("MaxResults"), self._get_param("NextToken"))
        )

    # extensions ------------------------------------------------------------------

    def create_extension(self) -> ActionResult:
        extension = self.backend.extensions.create_extension(
            name=self._get_param("Name"),
            description=self._get_param("Description"),
            actions=self._get_param("Actions") or {},
            parameters=self._get_param("Parameters"),
            latest_version_number=_number(self._get_param("LatestVersionNumber")),
        )
        self.backend.tag_resource(extension.arn, self._get_param("Tags") or {})
        return ActionResult(extension.to_dict())

    def get_extension(self) -> ActionResult:
        extension = self.backend.extensions.get_extension(
            self._get_param("ExtensionIdentifier"), _number(self._get_param("VersionNumber"))
        )
        return ActionResult(extension.to_dict())

    def list_extensions(self) -> ActionResult:
        found = self.backend.extensions.list_extensions(self._get_param("Name"))
        return self._listed([extension.summary() for extension in found])

    def update_extension(self) -> ActionResult:
        extension = self.backend.extensions.update_extension(
            self._get_param("ExtensionIdentifier"),
            description=self._get_param("Description"),
            actions=self._get_param("Actions"),
            parameters=self._get_param("Parameters"),
            version=_number(self._get_param("VersionNumber")),
        )
        return ActionResult(extension.to_dict())

    def delete_extension(self) -> EmptyResult:
        self.backend.extensions.delete_extension(
            self._get_param("ExtensionIdentifier"), _number(self._get_param("VersionNumber"))
        )
        return EmptyResult()

    # associations ----------------------------------------------------------------

    def create_extension_association(self) -> ActionResult:
        association = self.backend.extensions.create_association(
            self._get_param("ExtensionIdentifier"),
            _number(self._get_param("ExtensionVersionNumber")),
            self._get_param("ResourceIdentifier"),
            self._get_param("Parameters"),
        )
        self.backend.tag_resource(association.arn, self._get_param("Tags") or {})
        return ActionResult(association.to_dict())

    def get_extension_association(self) -> ActionResult:
        association = self.backend.extensions.get_association(
            self._get_param("ExtensionAssociationId")
        )
        return ActionResult(association.to_dict())

    def list_extension_associations(self) -> ActionResult:
        found = self.backend.extensions.list_associations(
            self._get_param("ResourceIdentifier"),
            self._get_param("ExtensionIdentifier"),
            _number(self._get_param("ExtensionVersionNumber")),
        )
        return self._listed([association.summary() for association in found])

    def update_extension_association(self) -> ActionResult:
        association = self.backend.extensions.update_association(
            self._get_param("ExtensionAssociationId"), self._get_param("Parameters")
        )
        return ActionResult(association.to_dict())

    def delete_extension_association(self) -> EmptyResult:
        association_id = self._get_param("ExtensionAssociationId")
        arn = self.backend.extensions.get_association(association_id).arn
        self.backend.extensions.delete_association(association_id)
        self.backend.tagger.delete_all_tags_for_resource(arn)
        return EmptyResult()
