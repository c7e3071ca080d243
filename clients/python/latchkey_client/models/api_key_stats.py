from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.api_usage import ApiUsage
    from ..models.key_figures import KeyFigures


T = TypeVar("T", bound="ApiKeyStats")


@_attrs_define
class ApiKeyStats:
    """`GET /api-key/stats` answer.

    Attributes:
        active_api_keys (int): The caller's keys that are enabled and not expired.
        total_api_calls (int): Calls in the usage log over all the caller's keys.
        api_usage (ApiUsage): Success rate and response time over logged calls.
        api_keys (list[KeyFigures]): Every key of the caller, oldest first.
    """

    active_api_keys: int
    total_api_calls: int
    api_usage: ApiUsage
    api_keys: list[KeyFigures]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active_api_keys = self.active_api_keys

        total_api_calls = self.total_api_calls

        api_usage = self.api_usage.to_dict()

        api_keys = []
        for api_keys_item_data in self.api_keys:
            api_keys_item = api_keys_item_data.to_dict()
            api_keys.append(api_keys_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activeApiKeys": active_api_keys,
                "totalApiCalls": total_api_calls,
                "apiUsage": api_usage,
                "apiKeys": api_keys,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.api_usage import ApiUsage
        from ..models.key_figures import KeyFigures

        d = dict(src_dict)
        active_api_keys = d.pop("activeApiKeys")

        total_api_calls = d.pop("totalApiCalls")

        api_usage = ApiUsage.from_dict(d.pop("apiUsage"))

        api_keys = []
        _api_keys = d.pop("apiKeys")
        for api_keys_item_data in _api_keys:
            api_keys_item = KeyFigures.from_dict(api_keys_item_data)

            api_keys.append(api_keys_item)

        api_key_stats = cls(
            active_api_keys=active_api_keys,
            total_api_calls=total_api_calls,
            api_usage=api_usage,
            api_keys=api_keys,
        )

        api_key_stats.additional_properties = d
        return api_key_stats

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
