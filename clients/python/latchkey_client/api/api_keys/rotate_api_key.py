from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.rotate_api_key_request import RotateApiKeyRequest
from ...models.rotated_api_key import RotatedApiKey
from ...types import Response


def _get_kwargs(
    *,
    body: RotateApiKeyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/auth/api-key/rotate",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | RotatedApiKey | None:
    if response.status_code == 200:
        response_200 = RotatedApiKey.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | RotatedApiKey]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RotateApiKeyRequest,
) -> Response[Error | RotatedApiKey]:
    """Give one of the caller's keys a new secret

     latchkey (not in better-auth): a new secret for the same key. The id, name, prefix, metadata,
    permissions, counters and rate-limit windows stay; `start` changes, and the new full `key` is in
    this answer only. Without `gracePeriod` the old key stops verifying at once; with one (seconds, at
    most 30 days) both verify until `previousKeyExpiresAt`, then only the new one. A rotation is one
    atomic statement: a concurrent verify sees the key wholly before or after it. Another user's key is
    404 `KEY_NOT_FOUND`; a trusted server may rotate any user's key, naming its `userId`.

    Args:
        body (RotateApiKeyRequest): `POST /api-key/rotate` body (latchkey). Example:
            {'gracePeriod': 3600, 'keyId': 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RotatedApiKey]
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
    body: RotateApiKeyRequest,
) -> Error | RotatedApiKey | None:
    """Give one of the caller's keys a new secret

     latchkey (not in better-auth): a new secret for the same key. The id, name, prefix, metadata,
    permissions, counters and rate-limit windows stay; `start` changes, and the new full `key` is in
    this answer only. Without `gracePeriod` the old key stops verifying at once; with one (seconds, at
    most 30 days) both verify until `previousKeyExpiresAt`, then only the new one. A rotation is one
    atomic statement: a concurrent verify sees the key wholly before or after it. Another user's key is
    404 `KEY_NOT_FOUND`; a trusted server may rotate any user's key, naming its `userId`.

    Args:
        body (RotateApiKeyRequest): `POST /api-key/rotate` body (latchkey). Example:
            {'gracePeriod': 3600, 'keyId': 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RotatedApiKey
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RotateApiKeyRequest,
) -> Response[Error | RotatedApiKey]:
    """Give one of the caller's keys a new secret

     latchkey (not in better-auth): a new secret for the same key. The id, name, prefix, metadata,
    permissions, counters and rate-limit windows stay; `start` changes, and the new full `key` is in
    this answer only. Without `gracePeriod` the old key stops verifying at once; with one (seconds, at
    most 30 days) both verify until `previousKeyExpiresAt`, then only the new one. A rotation is one
    atomic statement: a concurrent verify sees the key wholly before or after it. Another user's key is
    404 `KEY_NOT_FOUND`; a trusted server may rotate any user's key, naming its `userId`.

    Args:
        body (RotateApiKeyRequest): `POST /api-key/rotate` body (latchkey). Example:
            {'gracePeriod': 3600, 'keyId': 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RotatedApiKey]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: RotateApiKeyRequest,
) -> Error | RotatedApiKey | None:
    """Give one of the caller's keys a new secret

     latchkey (not in better-auth): a new secret for the same key. The id, name, prefix, metadata,
    permissions, counters and rate-limit windows stay; `start` changes, and the new full `key` is in
    this answer only. Without `gracePeriod` the old key stops verifying at once; with one (seconds, at
    most 30 days) both verify until `previousKeyExpiresAt`, then only the new one. A rotation is one
    atomic statement: a concurrent verify sees the key wholly before or after it. Another user's key is
    404 `KEY_NOT_FOUND`; a trusted server may rotate any user's key, naming its `userId`.

    Args:
        body (RotateApiKeyRequest): `POST /api-key/rotate` body (latchkey). Example:
            {'gracePeriod': 3600, 'keyId': 'aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RotatedApiKey
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
