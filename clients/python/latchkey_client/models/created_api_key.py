from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.created_api_key_permissions_type_0 import (
        CreatedApiKeyPermissionsType0,
    )
    from ..models.metadata_type_0 import MetadataType0
    from ..models.rate_limit_window import RateLimitWindow


T = TypeVar("T", bound="CreatedApiKey")


@_attrs_define
class CreatedApiKey:
    """The answer of create: the record plus, this once, the full key.

    Example:
        {'configId': 'default', 'createdAt': datetime.datetime(2026, 1, 15, 9, 30,
            tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'enabled': True, 'expiresAt': datetime.datetime(2026, 2,
            14, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'id': 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF',
            'key': 'lk_hPqXzVbNmKjLwErTyUiOpAsDfGhJkLzXcVbNmQwErTyUiOpAsDfGhJkLzXcVbNmQwE', 'lastRefillAt': None,
            'lastRequest': None, 'metadata': {'team': 'infra'}, 'name': 'ci-deploy', 'permissions': None, 'prefix': 'lk_',
            'rateLimitEnabled': True, 'rateLimitMax': 10, 'rateLimitTimeWindow': 86400000, 'referenceId':
            'N1pDg0a3cXk8sQ2vT7yW4zB6eH9jL5mR', 'refillAmount': None, 'refillInterval': None, 'remaining': None,
            'requestCount': 0, 'start': 'lk_hPq', 'updatedAt': datetime.datetime(2026, 1, 15, 9, 30,
            tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'usageCount': 0, 'userId':
            'N1pDg0a3cXk8sQ2vT7yW4zB6eH9jL5mR'}

    Attributes:
        key (str): The full key. Shown once: latchkey stores only its SHA-256 hash.
        id (str): 32-character random id.
        config_id (str): The configuration the key belongs to (always `"default"`).
        name (None | str): Display name.
        start (None | str): The first characters of the full key (6 by default), for display.
        reference_id (str): Owner: the user id for user-owned keys.
        user_id (str): Same as `referenceId` (latchkey's addition, for clients written
            against better-auth's older reference, where keys have a `userId`).
        prefix (None | str): The key's prefix.
        refill_interval (int | None): Refill period in milliseconds (server-only to set).
        refill_amount (int | None): What `remaining` is reset to on each refill (server-only to set).
        last_refill_at (datetime.datetime | None): Last refill.
        enabled (bool): A disabled key fails verification with `KEY_DISABLED`.
        rate_limit_enabled (bool): Per-key rate limiting (server-only to set).
        rate_limit_time_window (int | None): Rate-limit window in milliseconds (server-only to set).
        rate_limit_max (int | None): Admissions per window (server-only to set).
        request_count (int): Admissions in the current rate-limit window (better-auth's
            counter: it stays 0 for a key whose rate limit is off).
        usage_count (int): latchkey: admitted verifies over the key's whole life, rate
            limit or not (better-auth has no such counter). For keys
            without `remaining` or a rate limit it is written in batches:
            other server processes may show it (and `lastRequest`) up to
            a second late.
        remaining (int | None): Uses left; `null` is unlimited (server-only to set).
        last_request (datetime.datetime | None): Last admitted request.
        expires_at (datetime.datetime | None): Expiry; `null` never expires.
        created_at (datetime.datetime): Creation time.
        updated_at (datetime.datetime): Last change.
        permissions (CreatedApiKeyPermissionsType0 | None): Resource → allowed actions (server-only to set).
        metadata (list[Any] | MetadataType0 | None):
        rate_limits (list[RateLimitWindow] | Unset): latchkey: the key's several rate-limit windows, besides
            better-auth's one (server-only to set); every window must have
            room for a request to be admitted. Absent on keys without any.
    """

    key: str
    id: str
    config_id: str
    name: None | str
    start: None | str
    reference_id: str
    user_id: str
    prefix: None | str
    refill_interval: int | None
    refill_amount: int | None
    last_refill_at: datetime.datetime | None
    enabled: bool
    rate_limit_enabled: bool
    rate_limit_time_window: int | None
    rate_limit_max: int | None
    request_count: int
    usage_count: int
    remaining: int | None
    last_request: datetime.datetime | None
    expires_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    permissions: CreatedApiKeyPermissionsType0 | None
    metadata: list[Any] | MetadataType0 | None
    rate_limits: list[RateLimitWindow] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.created_api_key_permissions_type_0 import (
            CreatedApiKeyPermissionsType0,
        )
        from ..models.metadata_type_0 import MetadataType0

        key = self.key

        id = self.id

        config_id = self.config_id

        name: None | str
        name = self.name

        start: None | str
        start = self.start

        reference_id = self.reference_id

        user_id = self.user_id

        prefix: None | str
        prefix = self.prefix

        refill_interval: int | None
        refill_interval = self.refill_interval

        refill_amount: int | None
        refill_amount = self.refill_amount

        last_refill_at: None | str
        if isinstance(self.last_refill_at, datetime.datetime):
            last_refill_at = self.last_refill_at.isoformat()
        else:
            last_refill_at = self.last_refill_at

        enabled = self.enabled

        rate_limit_enabled = self.rate_limit_enabled

        rate_limit_time_window: int | None
        rate_limit_time_window = self.rate_limit_time_window

        rate_limit_max: int | None
        rate_limit_max = self.rate_limit_max

        request_count = self.request_count

        usage_count = self.usage_count

        remaining: int | None
        remaining = self.remaining

        last_request: None | str
        if isinstance(self.last_request, datetime.datetime):
            last_request = self.last_request.isoformat()
        else:
            last_request = self.last_request

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        permissions: dict[str, Any] | None
        if isinstance(self.permissions, CreatedApiKeyPermissionsType0):
            permissions = self.permissions.to_dict()
        else:
            permissions = self.permissions

        metadata: dict[str, Any] | list[Any] | None
        if isinstance(self.metadata, MetadataType0):
            metadata = self.metadata.to_dict()
        elif isinstance(self.metadata, list):
            metadata = self.metadata

        else:
            metadata = self.metadata

        rate_limits: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rate_limits, Unset):
            rate_limits = []
            for rate_limits_item_data in self.rate_limits:
                rate_limits_item = rate_limits_item_data.to_dict()
                rate_limits.append(rate_limits_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "id": id,
                "configId": config_id,
                "name": name,
                "start": start,
                "referenceId": reference_id,
                "userId": user_id,
                "prefix": prefix,
                "refillInterval": refill_interval,
                "refillAmount": refill_amount,
                "lastRefillAt": last_refill_at,
                "enabled": enabled,
                "rateLimitEnabled": rate_limit_enabled,
                "rateLimitTimeWindow": rate_limit_time_window,
                "rateLimitMax": rate_limit_max,
                "requestCount": request_count,
                "usageCount": usage_count,
                "remaining": remaining,
                "lastRequest": last_request,
                "expiresAt": expires_at,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "permissions": permissions,
                "metadata": metadata,
            }
        )
        if rate_limits is not UNSET:
            field_dict["rateLimits"] = rate_limits

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.created_api_key_permissions_type_0 import (
            CreatedApiKeyPermissionsType0,
        )
        from ..models.metadata_type_0 import MetadataType0
        from ..models.rate_limit_window import RateLimitWindow

        d = dict(src_dict)
        key = d.pop("key")

        id = d.pop("id")

        config_id = d.pop("configId")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        def _parse_start(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        start = _parse_start(d.pop("start"))

        reference_id = d.pop("referenceId")

        user_id = d.pop("userId")

        def _parse_prefix(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        prefix = _parse_prefix(d.pop("prefix"))

        def _parse_refill_interval(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        refill_interval = _parse_refill_interval(d.pop("refillInterval"))

        def _parse_refill_amount(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        refill_amount = _parse_refill_amount(d.pop("refillAmount"))

        def _parse_last_refill_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_refill_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_refill_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_refill_at = _parse_last_refill_at(d.pop("lastRefillAt"))

        enabled = d.pop("enabled")

        rate_limit_enabled = d.pop("rateLimitEnabled")

        def _parse_rate_limit_time_window(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        rate_limit_time_window = _parse_rate_limit_time_window(
            d.pop("rateLimitTimeWindow")
        )

        def _parse_rate_limit_max(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        rate_limit_max = _parse_rate_limit_max(d.pop("rateLimitMax"))

        request_count = d.pop("requestCount")

        usage_count = d.pop("usageCount")

        def _parse_remaining(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        remaining = _parse_remaining(d.pop("remaining"))

        def _parse_last_request(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_request_type_0 = datetime.datetime.fromisoformat(data)

                return last_request_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_request = _parse_last_request(d.pop("lastRequest"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expiresAt"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        def _parse_permissions(data: object) -> CreatedApiKeyPermissionsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                permissions_type_0 = CreatedApiKeyPermissionsType0.from_dict(data)

                return permissions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreatedApiKeyPermissionsType0 | None, data)

        permissions = _parse_permissions(d.pop("permissions"))

        def _parse_metadata(data: object) -> list[Any] | MetadataType0 | None:
            if data is None:
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
            return cast(list[Any] | MetadataType0 | None, data)

        metadata = _parse_metadata(d.pop("metadata"))

        _rate_limits = d.pop("rateLimits", UNSET)
        rate_limits: list[RateLimitWindow] | Unset = UNSET
        if _rate_limits is not UNSET:
            rate_limits = []
            for rate_limits_item_data in _rate_limits:
                rate_limits_item = RateLimitWindow.from_dict(rate_limits_item_data)

                rate_limits.append(rate_limits_item)

        created_api_key = cls(
            key=key,
            id=id,
            config_id=config_id,
            name=name,
            start=start,
            reference_id=reference_id,
            user_id=user_id,
            prefix=prefix,
            refill_interval=refill_interval,
            refill_amount=refill_amount,
            last_refill_at=last_refill_at,
            enabled=enabled,
            rate_limit_enabled=rate_limit_enabled,
            rate_limit_time_window=rate_limit_time_window,
            rate_limit_max=rate_limit_max,
            request_count=request_count,
            usage_count=usage_count,
            remaining=remaining,
            last_request=last_request,
            expires_at=expires_at,
            created_at=created_at,
            updated_at=updated_at,
            permissions=permissions,
            metadata=metadata,
            rate_limits=rate_limits,
        )

        created_api_key.additional_properties = d
        return created_api_key

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
