from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ApiUsage")


@_attrs_define
class ApiUsage:
    """Success rate and response time over logged calls.

    Attributes:
        success_rate (float | None): Percentage of calls answered below 400 (two decimals); `null` without calls.
        avg_response_time_ms (float | None): Mean response time in milliseconds (two decimals); `null` without calls.
    """

    success_rate: float | None
    avg_response_time_ms: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success_rate: float | None
        success_rate = self.success_rate

        avg_response_time_ms: float | None
        avg_response_time_ms = self.avg_response_time_ms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "successRate": success_rate,
                "avgResponseTimeMs": avg_response_time_ms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_success_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        success_rate = _parse_success_rate(d.pop("successRate"))

        def _parse_avg_response_time_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        avg_response_time_ms = _parse_avg_response_time_ms(d.pop("avgResponseTimeMs"))

        api_usage = cls(
            success_rate=success_rate,
            avg_response_time_ms=avg_response_time_ms,
        )

        api_usage.additional_properties = d
        return api_usage

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
