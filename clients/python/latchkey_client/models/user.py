from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="User")


@_attrs_define
class User:
    """A user, as better-auth answers it.

    Example:
        {'createdAt': datetime.datetime(2026, 1, 15, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')),
            'email': 'alice@example.com', 'emailVerified': False, 'id': 'N1pDg0a3cXk8sQ2vT7yW4zB6eH9jL5mR', 'image': None,
            'name': 'Alice', 'updatedAt': datetime.datetime(2026, 1, 15, 9, 30,
            tzinfo=datetime.timezone(datetime.timedelta(0), 'Z'))}

    Attributes:
        id (str): 32-character random id.
        name (str): Display name.
        email (str): E-mail address, lower-cased.
        email_verified (bool): Always `false`: latchkey sends no verification mail.
        image (None | str): Avatar URL.
        created_at (datetime.datetime): Creation time (ISO 8601, UTC, milliseconds).
        updated_at (datetime.datetime): Last change.
    """

    id: str
    name: str
    email: str
    email_verified: bool
    image: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        email = self.email

        email_verified = self.email_verified

        image: None | str
        image = self.image

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "email": email,
                "emailVerified": email_verified,
                "image": image,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        email = d.pop("email")

        email_verified = d.pop("emailVerified")

        def _parse_image(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        image = _parse_image(d.pop("image"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        user = cls(
            id=id,
            name=name,
            email=email,
            email_verified=email_verified,
            image=image,
            created_at=created_at,
            updated_at=updated_at,
        )

        user.additional_properties = d
        return user

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
