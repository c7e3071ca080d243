from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeleteApiKeyRequest")


@_attrs_define
class DeleteApiKeyRequest:
    """`POST /api-key/delete` body.

    Example:
        {'keyId': 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF'}

    Attributes:
        key_id (str): The key to delete.
        config_id (str | Unset): Accepted and ignored.
    """

    key_id: str
    config_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_id = self.key_id

        config_id = self.config_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "keyId": key_id,
            }
        )
        if config_id is not UNSET:
            field_dict["configId"] = config_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        key_id = d.pop("keyId")

        config_id = d.pop("configId", UNSET)

        delete_api_key_request = cls(
            key_id=key_id,
            config_id=config_id,
        )

        delete_api_key_request.additional_properties = d
        return delete_api_key_request

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
