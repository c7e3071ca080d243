from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Jwk")


@_attrs_define
class Jwk:
    """A public key (RFC 7517), as better-auth's jwt plugin publishes it.

    Attributes:
        kid (str): Key id, matched against a JWT's `kid` header.
        alg (str): `EdDSA` (default), `ES256` or `RS256`.
        kty (str): `OKP`, `EC` or `RSA`.
        crv (str | Unset): Curve of `OKP`/`EC` keys (`Ed25519`, `P-256`).
        x (str | Unset): Public point (`OKP`, `EC`), base64url.
        y (str | Unset): Public point (`EC`), base64url.
        n (str | Unset): RSA modulus, base64url.
        e (str | Unset): RSA exponent, base64url.
    """

    kid: str
    alg: str
    kty: str
    crv: str | Unset = UNSET
    x: str | Unset = UNSET
    y: str | Unset = UNSET
    n: str | Unset = UNSET
    e: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kid = self.kid

        alg = self.alg

        kty = self.kty

        crv = self.crv

        x = self.x

        y = self.y

        n = self.n

        e = self.e

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kid": kid,
                "alg": alg,
                "kty": kty,
            }
        )
        if crv is not UNSET:
            field_dict["crv"] = crv
        if x is not UNSET:
            field_dict["x"] = x
        if y is not UNSET:
            field_dict["y"] = y
        if n is not UNSET:
            field_dict["n"] = n
        if e is not UNSET:
            field_dict["e"] = e

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kid = d.pop("kid")

        alg = d.pop("alg")

        kty = d.pop("kty")

        crv = d.pop("crv", UNSET)

        x = d.pop("x", UNSET)

        y = d.pop("y", UNSET)

        n = d.pop("n", UNSET)

        e = d.pop("e", UNSET)

        jwk = cls(
            kid=kid,
            alg=alg,
            kty=kty,
            crv=crv,
            x=x,
            y=y,
            n=n,
            e=e,
        )

        jwk.additional_properties = d
        return jwk

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
