from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.verify_api_key_request import VerifyApiKeyRequest
from ...models.verify_api_key_response import VerifyApiKeyResponse
from ...types import Response


def _get_kwargs(
    *,
    body: VerifyApiKeyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/auth/api-key/verify",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | VerifyApiKeyResponse | None:
    if response.status_code == 200:
        response_200 = VerifyApiKeyResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | VerifyApiKeyResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: VerifyApiKeyRequest,
) -> Response[Error | VerifyApiKeyResponse]:
    """Verify a key

     Checks, in order: the key exists, configuration, enabled, not expired, permissions, `remaining`
    (with refill), rate limit; an admitted key is charged exactly once in one atomic statement, a
    refused one is charged nothing. A refusal is a 200 with `valid: false` (better-auth's in-process
    answer).

    Args:
        body (VerifyApiKeyRequest): `POST /api-key/verify` body. Example: {'key': 'lk_XyZ...64
            letters', 'permissions': {'files': ['read']}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | VerifyApiKeyResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: VerifyApiKeyRequest,
) -> Error | VerifyApiKeyResponse | None:
    """Verify a key

     Checks, in order: the key exists, configuration, enabled, not expired, permissions, `remaining`
    (with refill), rate limit; an admitted key is charged exactly once in one atomic statement, a
    refused one is charged nothing. A refusal is a 200 with `valid: false` (better-auth's in-process
    answer).

    Args:
        body (VerifyApiKeyRequest): `POST /api-key/verify` body. Example: {'key': 'lk_XyZ...64
            letters', 'permissions': {'files': ['read']}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | VerifyApiKeyResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: VerifyApiKeyRequest,
) -> Response[Error | VerifyApiKeyResponse]:
    """Verify a key

     Checks, in order: the key exists, configuration, enabled, not expired, permissions, `remaining`
    (with refill), rate limit; an admitted key is charged exactly once in one atomic statement, a
    refused one is charged nothing. A refusal is a 200 with `valid: false` (better-auth's in-process
    answer).

    Args:
        body (VerifyApiKeyRequest): `POST /api-key/verify` body. Example: {'key': 'lk_XyZ...64
            letters', 'permissions': {'files': ['read']}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | VerifyApiKeyResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: VerifyApiKeyRequest,
) -> Error | VerifyApiKeyResponse | None:
    """Verify a key

     Checks, in order: the key exists, configuration, enabled, not expired, permissions, `remaining`
    (with refill), rate limit; an admitted key is charged exactly once in one atomic statement, a
    refused one is charged nothing. A refusal is a 200 with `valid: false` (better-auth's in-process
    answer).

    Args:
        body (VerifyApiKeyRequest): `POST /api-key/verify` body. Example: {'key': 'lk_XyZ...64
            letters', 'permissions': {'files': ['read']}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | VerifyApiKeyResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
