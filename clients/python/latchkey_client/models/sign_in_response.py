from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.user import User


T = TypeVar("T", bound="SignInResponse")


@_attrs_define
class SignInResponse:
    """`POST /sign-in/email` answer.

    Attributes:
        redirect (bool): Always `false` (no redirect for e-mail sign-in).
        token (str): The raw session token (use the signed `set-auth-token` header value as bearer).
        user (User): A user, as better-auth answers it. Example: {'createdAt': datetime.datetime(2026, 1, 15, 9, 30,
            tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'email': 'alice@example.com', 'emailVerified': False,
            'id': 'N1pDg0a3cXk8sQ2vT7yW4zB6eH9jL5mR', 'image': None, 'name': 'Alice', 'updatedAt': datetime.datetime(2026,
            1, 15, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(0), 'Z'))}.
    """

    redirect: bool
    token: str
    user: User
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        redirect = self.redirect

        token = self.token

        user = self.user.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "redirect": redirect,
                "token": token,
                "user": user,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user import User

        d = dict(src_dict)
        redirect = d.pop("redirect")

        token = d.pop("token")

        user = User.from_dict(d.pop("user"))

        sign_in_response = cls(
            redirect=redirect,
            token=token,
            user=user,
        )

        sign_in_response.additional_properties = d
        return sign_in_response

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
