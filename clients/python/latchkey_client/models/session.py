from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Session")


@_attrs_define
class Session:
    """A session. `token` is the token the caller presented (empty for a
    session made from an API key: latchkey never echoes a key).

        Example:
            {'createdAt': datetime.datetime(2026, 1, 15, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')),
                'expiresAt': datetime.datetime(2026, 1, 22, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'id':
                'Ss0Ss1Ss2Ss3Ss4Ss5Ss6Ss7Ss8Ss9Ss', 'ipAddress': '127.0.0.1', 'token': 'sR4nD0mT0k3nV4lu3Xy12AbCdEfGhIjK',
                'updatedAt': datetime.datetime(2026, 1, 15, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')),
                'userAgent': 'curl/8.5.0', 'userId': 'N1pDg0a3cXk8sQ2vT7yW4zB6eH9jL5mR'}

        Attributes:
            id (str): Session id (for an API-key session: the key's id).
            token (str): The raw session token, or `""` for API-key sessions.
            user_id (str): Owner.
            expires_at (datetime.datetime): When the session stops working.
            created_at (datetime.datetime): Creation time.
            updated_at (datetime.datetime): Last change (also when the expiry was pushed forward).
            ip_address (None | str): Client address as the server saw it at sign-in.
            user_agent (None | str): Client user agent at sign-in.
    """

    id: str
    token: str
    user_id: str
    expires_at: datetime.datetime
    created_at: datetime.datetime
    updated_at: datetime.datetime
    ip_address: None | str
    user_agent: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        token = self.token

        user_id = self.user_id

        expires_at = self.expires_at.isoformat()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        ip_address: None | str
        ip_address = self.ip_address

        user_agent: None | str
        user_agent = self.user_agent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "token": token,
                "userId": user_id,
                "expiresAt": expires_at,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "ipAddress": ip_address,
                "userAgent": user_agent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        token = d.pop("token")

        user_id = d.pop("userId")

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        def _parse_ip_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip_address = _parse_ip_address(d.pop("ipAddress"))

        def _parse_user_agent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        user_agent = _parse_user_agent(d.pop("userAgent"))

        session = cls(
            id=id,
            token=token,
            user_id=user_id,
            expires_at=expires_at,
            created_at=created_at,
            updated_at=updated_at,
            ip_address=ip_address,
            user_agent=user_agent,
        )

        session.additional_properties = d
        return session

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
