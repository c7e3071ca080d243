from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.api_key import ApiKey
    from ..models.verify_error import VerifyError


T = TypeVar("T", bound="VerifyApiKeyResponse")


@_attrs_define
class VerifyApiKeyResponse:
    """`POST /api-key/verify` answer: a refusal is a 200 with `valid: false`,
    as better-auth's in-process `verifyApiKey` answers. An admitted key
    has been charged (remaining, rate limit) exactly once.

        Attributes:
            valid (bool): Whether the key is admitted.
            error (None | VerifyError):
            key (ApiKey | None):
    """

    valid: bool
    error: None | VerifyError
    key: ApiKey | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.api_key import ApiKey
        from ..models.verify_error import VerifyError

        valid = self.valid

        error: dict[str, Any] | None
        if isinstance(self.error, VerifyError):
            error = self.error.to_dict()
        else:
            error = self.error

        key: dict[str, Any] | None
        if isinstance(self.key, ApiKey):
            key = self.key.to_dict()
        else:
            key = self.key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "valid": valid,
                "error": error,
                "key": key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.api_key import ApiKey
        from ..models.verify_error import VerifyError

        d = dict(src_dict)
        valid = d.pop("valid")

        def _parse_error(data: object) -> None | VerifyError:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_1 = VerifyError.from_dict(data)

                return error_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | VerifyError, data)

        error = _parse_error(d.pop("error"))

        def _parse_key(data: object) -> ApiKey | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                key_type_1 = ApiKey.from_dict(data)

                return key_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ApiKey | None, data)

        key = _parse_key(d.pop("key"))

        verify_api_key_response = cls(
            valid=valid,
            error=error,
            key=key,
        )

        verify_api_key_response.additional_properties = d
        return verify_api_key_response

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
