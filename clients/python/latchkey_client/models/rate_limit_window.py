from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RateLimitWindow")


@_attrs_define
class RateLimitWindow:
    """latchkey: one rate-limit window of a key, at most `max` admitted
    requests per fixed window of `window` milliseconds.

        Example:
            {'max': 100, 'window': 60000}

        Attributes:
            window (int): Window length in milliseconds (1 ms to 366 days).
            max_ (int): Admissions per window.
    """

    window: int
    max_: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        window = self.window

        max_ = self.max_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "window": window,
                "max": max_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        window = d.pop("window")

        max_ = d.pop("max")

        rate_limit_window = cls(
            window=window,
            max_=max_,
        )

        rate_limit_window.additional_properties = d
        return rate_limit_window

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
