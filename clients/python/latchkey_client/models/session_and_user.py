from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.session import Session
    from ..models.user import User


T = TypeVar("T", bound="SessionAndUser")


@_attrs_define
class SessionAndUser:
    """`get-session` when signed in.

    Attributes:
        session (Session): A session. `token` is the token the caller presented (empty for a
            session made from an API key: latchkey never echoes a key). Example: {'createdAt': datetime.datetime(2026, 1,
            15, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'expiresAt': datetime.datetime(2026, 1, 22, 9,
            30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'id': 'Ss0Ss1Ss2Ss3Ss4Ss5Ss6Ss7Ss8Ss9Ss',
            'ipAddress': '127.0.0.1', 'token': 'sR4nD0mT0k3nV4lu3Xy12AbCdEfGhIjK', 'updatedAt': datetime.datetime(2026, 1,
            15, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'userAgent': 'curl/8.5.0', 'userId':
            'N1pDg0a3cXk8sQ2vT7yW4zB6eH9jL5mR'}.
        user (User): A user, as better-auth answers it. Example: {'createdAt': datetime.datetime(2026, 1, 15, 9, 30,
            tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'email': 'alice@example.com', 'emailVerified': False,
            'id': 'N1pDg0a3cXk8sQ2vT7yW4zB6eH9jL5mR', 'image': None, 'name': 'Alice', 'updatedAt': datetime.datetime(2026,
            1, 15, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z'))}.
    """

    session: Session
    user: User
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        session = self.session.to_dict()

        user = self.user.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "session": session,
                "user": user,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.session import Session
        from ..models.user import User

        d = dict(src_dict)
        session = Session.from_dict(d.pop("session"))

        user = User.from_dict(d.pop("user"))

        session_and_user = cls(
            session=session,
            user=user,
        )

        session_and_user.additional_properties = d
        return session_and_user

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
