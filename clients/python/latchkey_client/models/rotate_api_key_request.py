from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RotateApiKeyRequest")


@_attrs_define
class RotateApiKeyRequest:
    """`POST /api-key/rotate` body (latchkey).

    Example:
        {'gracePeriod': 3600, 'keyId': 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF'}

    Attributes:
        key_id (str): The key to rotate.
        grace_period (float | Unset): Seconds the old key keeps verifying beside the new one (default 0:
            it stops at once; at most 30 days).
        user_id (str | Unset): A client may repeat its own user id (another is 401 `UNAUTHORIZED_SESSION`);
            a trusted server names the key's owner.
        config_id (str | Unset): Accepted and ignored.
    """

    key_id: str
    grace_period: float | Unset = UNSET
    user_id: str | Unset = UNSET
    config_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_id = self.key_id

        grace_period = self.grace_period

        user_id = self.user_id

        config_id = self.config_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "keyId": key_id,
            }
        )
        if grace_period is not UNSET:
            field_dict["gracePeriod"] = grace_period
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if config_id is not UNSET:
            field_dict["configId"] = config_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        key_id = d.pop("keyId")

        grace_period = d.pop("gracePeriod", UNSET)

        user_id = d.pop("userId", UNSET)

        config_id = d.pop("configId", UNSET)

        rotate_api_key_request = cls(
            key_id=key_id,
            grace_period=grace_period,
            user_id=user_id,
            config_id=config_id,
        )

        rotate_api_key_request.additional_properties = d
        return rotate_api_key_request

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
