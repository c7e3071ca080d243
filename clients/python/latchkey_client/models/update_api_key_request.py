from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata_type_0 import MetadataType0
    from ..models.rate_limit_window import RateLimitWindow
    from ..models.update_api_key_request_permissions_type_0 import (
        UpdateApiKeyRequestPermissionsType0,
    )


T = TypeVar("T", bound="UpdateApiKeyRequest")


@_attrs_define
class UpdateApiKeyRequest:
    """`POST /api-key/update` body: `keyId` and at least one field to change
    (else `NO_VALUES_TO_UPDATE`).

        Example:
            {'enabled': False, 'keyId': 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF', 'name': 'renamed'}

        Attributes:
            key_id (str): The key to change.
            name (str | Unset): New display name.
            enabled (bool | Unset): Enable or disable the key.
            expires_in (float | None | Unset): New expiry in seconds from now (1 to 365 days by default); `null` removes the
                expiry.
            metadata (list[Any] | MetadataType0 | None | Unset):
            config_id (str | Unset): Accepted and ignored.
            user_id (str | Unset): A client may repeat its own user id (another is 401 `UNAUTHORIZED_SESSION`);
                a trusted server names the key's owner.
            remaining (int | Unset): **Server-only.** Uses left.
            refill_amount (int | Unset): **Server-only.** Give with `refillInterval`.
            refill_interval (int | Unset): **Server-only.** Milliseconds; give with `refillAmount`.
            rate_limit_enabled (bool | Unset): **Server-only.**
            rate_limit_time_window (int | Unset): **Server-only.** Milliseconds.
            rate_limit_max (int | Unset): **Server-only.**
            rate_limits (list[RateLimitWindow] | None | Unset): **Server-only.** Replaces the key's several windows, each
                starting
                afresh; `null` or `[]` removes them.
            permissions (None | Unset | UpdateApiKeyRequestPermissionsType0): **Server-only.** Resource → allowed actions;
                `null` removes every permission.
    """

    key_id: str
    name: str | Unset = UNSET
    enabled: bool | Unset = UNSET
    expires_in: float | None | Unset = UNSET
    metadata: list[Any] | MetadataType0 | None | Unset = UNSET
    config_id: str | Unset = UNSET
    user_id: str | Unset = UNSET
    remaining: int | Unset = UNSET
    refill_amount: int | Unset = UNSET
    refill_interval: int | Unset = UNSET
    rate_limit_enabled: bool | Unset = UNSET
    rate_limit_time_window: int | Unset = UNSET
    rate_limit_max: int | Unset = UNSET
    rate_limits: list[RateLimitWindow] | None | Unset = UNSET
    permissions: None | Unset | UpdateApiKeyRequestPermissionsType0 = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.metadata_type_0 import MetadataType0
        from ..models.update_api_key_request_permissions_type_0 import (
            UpdateApiKeyRequestPermissionsType0,
        )

        key_id = self.key_id

        name = self.name

        enabled = self.enabled

        expires_in: float | None | Unset
        if isinstance(self.expires_in, Unset):
            expires_in = UNSET
        else:
            expires_in = self.expires_in

        metadata: dict[str, Any] | list[Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, MetadataType0):
            metadata = self.metadata.to_dict()
        elif isinstance(self.metadata, list):
            metadata = self.metadata

        else:
            metadata = self.metadata

        config_id = self.config_id

        user_id = self.user_id

        remaining = self.remaining

        refill_amount = self.refill_amount

        refill_interval = self.refill_interval

        rate_limit_enabled = self.rate_limit_enabled

        rate_limit_time_window = self.rate_limit_time_window

        rate_limit_max = self.rate_limit_max

        rate_limits: list[dict[str, Any]] | None | Unset
        if isinstance(self.rate_limits, Unset):
            rate_limits = UNSET
        elif isinstance(self.rate_limits, list):
            rate_limits = []
            for rate_limits_type_0_item_data in self.rate_limits:
                rate_limits_type_0_item = rate_limits_type_0_item_data.to_dict()
                rate_limits.append(rate_limits_type_0_item)

        else:
            rate_limits = self.rate_limits

        permissions: dict[str, Any] | None | Unset
        if isinstance(self.permissions, Unset):
            permissions = UNSET
        elif isinstance(self.permissions, UpdateApiKeyRequestPermissionsType0):
            permissions = self.permissions.to_dict()
        else:
            permissions = self.permissions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "keyId": key_id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if expires_in is not UNSET:
            field_dict["expiresIn"] = expires_in
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if config_id is not UNSET:
            field_dict["configId"] = config_id
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if remaining is not UNSET:
            field_dict["remaining"] = remaining
        if refill_amount is not UNSET:
            field_dict["refillAmount"] = refill_amount
        if refill_interval is not UNSET:
            field_dict["refillInterval"] = refill_interval
        if rate_limit_enabled is not UNSET:
            field_dict["rateLimitEnabled"] = rate_limit_enabled
        if rate_limit_time_window is not UNSET:
            field_dict["rateLimitTimeWindow"] = rate_limit_time_window
        if rate_limit_max is not UNSET:
            field_dict["rateLimitMax"] = rate_limit_max
        if rate_limits is not UNSET:
            field_dict["rateLimits"] = rate_limits
        if permissions is not UNSET:
            field_dict["permissions"] = permissions

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metadata_type_0 import MetadataType0
        from ..models.rate_limit_window import RateLimitWindow
        from ..models.update_api_key_request_permissions_type_0 import (
            UpdateApiKeyRequestPermissionsType0,
        )

        d = dict(src_dict)
        key_id = d.pop("keyId")

        name = d.pop("name", UNSET)

        enabled = d.pop("enabled", UNSET)

        def _parse_expires_in(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        expires_in = _parse_expires_in(d.pop("expiresIn", UNSET))

        def _parse_metadata(data: object) -> list[Any] | MetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_metadata_type_0 = MetadataType0.from_dict(data)

                return componentsschemas_metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                componentsschemas_metadata_type_1 = cast(list[Any], data)

                return componentsschemas_metadata_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | MetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        config_id = d.pop("configId", UNSET)

        user_id = d.pop("userId", UNSET)

        remaining = d.pop("remaining", UNSET)

        refill_amount = d.pop("refillAmount", UNSET)

        refill_interval = d.pop("refillInterval", UNSET)

        rate_limit_enabled = d.pop("rateLimitEnabled", UNSET)

        rate_limit_time_window = d.pop("rateLimitTimeWindow", UNSET)

        rate_limit_max = d.pop("rateLimitMax", UNSET)

        def _parse_rate_limits(data: object) -> list[RateLimitWindow] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                rate_limits_type_0 = []
                _rate_limits_type_0 = data
                for rate_limits_type_0_item_data in _rate_limits_type_0:
                    rate_limits_type_0_item = RateLimitWindow.from_dict(
                        rate_limits_type_0_item_data
                    )

                    rate_limits_type_0.append(rate_limits_type_0_item)

                return rate_limits_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RateLimitWindow] | None | Unset, data)

        rate_limits = _parse_rate_limits(d.pop("rateLimits", UNSET))

        def _parse_permissions(
            data: object,
        ) -> None | Unset | UpdateApiKeyRequestPermissionsType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                permissions_type_0 = UpdateApiKeyRequestPermissionsType0.from_dict(data)

                return permissions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UpdateApiKeyRequestPermissionsType0, data)

        permissions = _parse_permissions(d.pop("permissions", UNSET))

        update_api_key_request = cls(
            key_id=key_id,
            name=name,
            enabled=enabled,
            expires_in=expires_in,
            metadata=metadata,
            config_id=config_id,
            user_id=user_id,
            remaining=remaining,
            refill_amount=refill_amount,
            refill_interval=refill_interval,
            rate_limit_enabled=rate_limit_enabled,
            rate_limit_time_window=rate_limit_time_window,
            rate_limit_max=rate_limit_max,
            rate_limits=rate_limits,
            permissions=permissions,
        )

        update_api_key_request.additional_properties = d
        return update_api_key_request

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
