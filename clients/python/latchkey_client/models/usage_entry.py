from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageEntry")


@_attrs_define
class UsageEntry:
    """One admitted request of a key.

    Attributes:
        id (int): Entry id: unique, and grows with the order entries were written.
        key_id (str): The key that admitted the request.
        method (str): HTTP method.
        path (str): Request path, without the query string.
        status (int): Response status.
        duration_ms (int): Response time in milliseconds, from the key's verification to the
            answer, as the server's clock (whole milliseconds) measured it.
        created_at (datetime.datetime): When the request arrived (its key was verified).
    """

    id: int
    key_id: str
    method: str
    path: str
    status: int
    duration_ms: int
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        key_id = self.key_id

        method = self.method

        path = self.path

        status = self.status

        duration_ms = self.duration_ms

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "keyId": key_id,
                "method": method,
                "path": path,
                "status": status,
                "durationMs": duration_ms,
                "createdAt": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        key_id = d.pop("keyId")

        method = d.pop("method")

        path = d.pop("path")

        status = d.pop("status")

        duration_ms = d.pop("durationMs")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        usage_entry = cls(
            id=id,
            key_id=key_id,
            method=method,
            path=path,
            status=status,
            duration_ms=duration_ms,
            created_at=created_at,
        )

        usage_entry.additional_properties = d
        return usage_entry

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
