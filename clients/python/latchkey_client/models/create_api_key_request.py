from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_api_key_request_permissions import (
        CreateApiKeyRequestPermissions,
    )
    from ..models.metadata_type_0 import MetadataType0
    from ..models.rate_limit_window import RateLimitWindow


T = TypeVar("T", bound="CreateApiKeyRequest")


@_attrs_define
class CreateApiKeyRequest:
    """`POST /api-key/create` body. Every field is optional.

    Example:
        {'expiresIn': 2592000, 'metadata': {'team': 'infra'}, 'name': 'ci-deploy', 'prefix': 'lk_'}

    Attributes:
        name (str | Unset): Display name (at most 32 characters by default, else `INVALID_NAME_LENGTH`).
        expires_in (float | None | Unset): Seconds until the key expires: 1 to 365 days by default (else
            `EXPIRES_IN_IS_TOO_SMALL`/`_LARGE`); `null` or absent: never.
        prefix (str | Unset): Prepended to the generated key: letters, digits, `_` and `-` (1 to 32 by default).
        metadata (list[Any] | MetadataType0 | None | Unset):
        config_id (str | Unset): Accepted and ignored: keys are created in configuration `default`.
        remaining (int | None | Unset): **Server-only** (`null` is allowed from clients). Uses allowed; absent or
            `null`: unlimited.
        refill_amount (int | Unset): **Server-only.** `remaining` is reset to this every `refillInterval` (give both).
        refill_interval (int | Unset): **Server-only.** Refill period in milliseconds (give both).
        rate_limit_enabled (bool | Unset): **Server-only.** Per-key rate limiting (default on: 10 per day).
        rate_limit_time_window (int | Unset): **Server-only.** Rate-limit window in milliseconds.
        rate_limit_max (int | Unset): **Server-only.** Admissions per window.
        rate_limits (list[RateLimitWindow] | None | Unset): **Server-only.** latchkey's several windows besides the one
            above
            (at most 10, one per window length); absent: the server's
            `--api-key-rate-limits`; `null` or `[]`: none.
        permissions (CreateApiKeyRequestPermissions | Unset): **Server-only.** Resource → allowed actions, e.g.
            `{"files": ["read", "write"]}`.
        user_id (str | Unset): **Server-only.** The owner. A client sending it gets 401
            `UNAUTHORIZED_SESSION`; a server with a session must name that session's user.
    """

    name: str | Unset = UNSET
    expires_in: float | None | Unset = UNSET
    prefix: str | Unset = UNSET
    metadata: list[Any] | MetadataType0 | None | Unset = UNSET
    config_id: str | Unset = UNSET
    remaining: int | None | Unset = UNSET
    refill_amount: int | Unset = UNSET
    refill_interval: int | Unset = UNSET
    rate_limit_enabled: bool | Unset = UNSET
    rate_limit_time_window: int | Unset = UNSET
    rate_limit_max: int | Unset = UNSET
    rate_limits: list[RateLimitWindow] | None | Unset = UNSET
    permissions: CreateApiKeyRequestPermissions | Unset = UNSET
    user_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.metadata_type_0 import MetadataType0

        name = self.name

        expires_in: float | None | Unset
        if isinstance(self.expires_in, Unset):
            expires_in = UNSET
        else:
            expires_in = self.expires_in

        prefix = self.prefix

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

        remaining: int | None | Unset
        if isinstance(self.remaining, Unset):
            remaining = UNSET
        else:
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

        permissions: dict[str, Any] | Unset = UNSET
        if not isinstance(self.permissions, Unset):
            permissions = self.permissions.to_dict()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if expires_in is not UNSET:
            field_dict["expiresIn"] = expires_in
        if prefix is not UNSET:
            field_dict["prefix"] = prefix
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if config_id is not UNSET:
            field_dict["configId"] = config_id
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
        if user_id is not UNSET:
            field_dict["userId"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.create_api_key_request_permissions import (
            CreateApiKeyRequestPermissions,
        )
        from ..models.metadata_type_0 import MetadataType0
        from ..models.rate_limit_window import RateLimitWindow

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        def _parse_expires_in(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        expires_in = _parse_expires_in(d.pop("expiresIn", UNSET))

        prefix = d.pop("prefix", UNSET)

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

        def _parse_remaining(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        remaining = _parse_remaining(d.pop("remaining", UNSET))

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

        _permissions = d.pop("permissions", UNSET)
        permissions: CreateApiKeyRequestPermissions | Unset
        if isinstance(_permissions, Unset):
            permissions = UNSET
        else:
            permissions = CreateApiKeyRequestPermissions.from_dict(_permissions)

        user_id = d.pop("userId", UNSET)

        create_api_key_request = cls(
            name=name,
            expires_in=expires_in,
            prefix=prefix,
            metadata=metadata,
            config_id=config_id,
            remaining=remaining,
            refill_amount=refill_amount,
            refill_interval=refill_interval,
            rate_limit_enabled=rate_limit_enabled,
            rate_limit_time_window=rate_limit_time_window,
            rate_limit_max=rate_limit_max,
            rate_limits=rate_limits,
            permissions=permissions,
            user_id=user_id,
        )

        create_api_key_request.additional_properties = d
        return create_api_key_request

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
