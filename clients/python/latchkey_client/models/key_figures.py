from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KeyFigures")


@_attrs_define
class KeyFigures:
    """One key in the caller's figures.

    Attributes:
        id (str): The key's id.
        name (None | str): Display name.
        enabled (bool): The key's `enabled` flag.
        active (bool): Enabled and not expired.
        usage_count (int): The key's `usageCount`: admitted verifies over its whole life.
        last_used (datetime.datetime | None): better-auth's `lastRequest`.
        calls (int): Calls in the usage log.
        success_rate (float | None): Percentage of its logged calls answered below 400; `null` without calls.
        avg_response_time_ms (float | None): Mean response time of its logged calls in ms; `null` without calls.
    """

    id: str
    name: None | str
    enabled: bool
    active: bool
    usage_count: int
    last_used: datetime.datetime | None
    calls: int
    success_rate: float | None
    avg_response_time_ms: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name: None | str
        name = self.name

        enabled = self.enabled

        active = self.active

        usage_count = self.usage_count

        last_used: None | str
        if isinstance(self.last_used, datetime.datetime):
            last_used = self.last_used.isoformat()
        else:
            last_used = self.last_used

        calls = self.calls

        success_rate: float | None
        success_rate = self.success_rate

        avg_response_time_ms: float | None
        avg_response_time_ms = self.avg_response_time_ms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "enabled": enabled,
                "active": active,
                "usageCount": usage_count,
                "lastUsed": last_used,
                "calls": calls,
                "successRate": success_rate,
                "avgResponseTimeMs": avg_response_time_ms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        enabled = d.pop("enabled")

        active = d.pop("active")

        usage_count = d.pop("usageCount")

        def _parse_last_used(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_used_type_0 = datetime.datetime.fromisoformat(data)

                return last_used_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_used = _parse_last_used(d.pop("lastUsed"))

        calls = d.pop("calls")

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

        key_figures = cls(
            id=id,
            name=name,
            enabled=enabled,
            active=active,
            usage_count=usage_count,
            last_used=last_used,
            calls=calls,
            success_rate=success_rate,
            avg_response_time_ms=avg_response_time_ms,
        )

        key_figures.additional_properties = d
        return key_figures

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
