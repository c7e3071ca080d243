from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.permissions import Permissions


T = TypeVar("T", bound="VerifyApiKeyRequest")


@_attrs_define
class VerifyApiKeyRequest:
    """`POST /api-key/verify` body.

    Example:
        {'key': 'lk_XyZ...64 letters', 'permissions': {'files': ['read']}}

    Attributes:
        key (str): The full key as the API consumer presented it.
        permissions (Permissions | Unset): Resource → list of actions, e.g. `{"files": ["read", "write"]}`. Example:
            {'files': ['read', 'write']}.
        config_id (str | Unset): The configuration the key must belong to.
    """

    key: str
    permissions: Permissions | Unset = UNSET
    config_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        permissions: dict[str, Any] | Unset = UNSET
        if not isinstance(self.permissions, Unset):
            permissions = self.permissions.to_dict()

        config_id = self.config_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
            }
        )
        if permissions is not UNSET:
            field_dict["permissions"] = permissions
        if config_id is not UNSET:
            field_dict["configId"] = config_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.permissions import Permissions

        d = dict(src_dict)
        key = d.pop("key")

        _permissions = d.pop("permissions", UNSET)
        permissions: Permissions | Unset
        if isinstance(_permissions, Unset):
            permissions = UNSET
        else:
            permissions = Permissions.from_dict(_permissions)

        config_id = d.pop("configId", UNSET)

        verify_api_key_request = cls(
            key=key,
            permissions=permissions,
            config_id=config_id,
        )

        verify_api_key_request.additional_properties = d
        return verify_api_key_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
