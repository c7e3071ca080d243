from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_api_key_request import CreateApiKeyRequest
from ...models.created_api_key import CreatedApiKey
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CreateApiKeyRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/auth/api-key/create",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreatedApiKey | Error | None:
    if response.status_code == 200:
        response_200 = CreatedApiKey.from_dict(response.json())

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
) -> Response[CreatedApiKey | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest | Unset = UNSET,
) -> Response[CreatedApiKey | Error]:
    """Create an API key

     Creates a key for the signed-in user and answers it with the full `key`, shown this once. A trusted
    server (`x-latchkey-server-secret`) may also set the server-only fields and name any `userId` as the
    owner. A client sending a server-only field gets 400 `SERVER_ONLY_PROPERTY`. With `--api-key-max-
    keys-per-user`, an owner who already has that many keys (of any state, until deleted) gets 403
    `KEY_LIMIT_REACHED`, exactly even under concurrent creates.

    Args:
        body (CreateApiKeyRequest | Unset): `POST /api-key/create` body. Every field is optional.
            Example: {'expiresIn': 2592000, 'metadata': {'team': 'infra'}, 'name': 'ci-deploy',
            'prefix': 'lk_'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedApiKey | Error]
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
    body: CreateApiKeyRequest | Unset = UNSET,
) -> CreatedApiKey | Error | None:
    """Create an API key

     Creates a key for the signed-in user and answers it with the full `key`, shown this once. A trusted
    server (`x-latchkey-server-secret`) may also set the server-only fields and name any `userId` as the
    owner. A client sending a server-only field gets 400 `SERVER_ONLY_PROPERTY`. With `--api-key-max-
    keys-per-user`, an owner who already has that many keys (of any state, until deleted) gets 403
    `KEY_LIMIT_REACHED`, exactly even under concurrent creates.

    Args:
        body (CreateApiKeyRequest | Unset): `POST /api-key/create` body. Every field is optional.
            Example: {'expiresIn': 2592000, 'metadata': {'team': 'infra'}, 'name': 'ci-deploy',
            'prefix': 'lk_'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedApiKey | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest | Unset = UNSET,
) -> Response[CreatedApiKey | Error]:
    """Create an API key

     Creates a key for the signed-in user and answers it with the full `key`, shown this once. A trusted
    server (`x-latchkey-server-secret`) may also set the server-only fields and name any `userId` as the
    owner. A client sending a server-only field gets 400 `SERVER_ONLY_PROPERTY`. With `--api-key-max-
    keys-per-user`, an owner who already has that many keys (of any state, until deleted) gets 403
    `KEY_LIMIT_REACHED`, exactly even under concurrent creates.

    Args:
        body (CreateApiKeyRequest | Unset): `POST /api-key/create` body. Every field is optional.
            Example: {'expiresIn': 2592000, 'metadata': {'team': 'infra'}, 'name': 'ci-deploy',
            'prefix': 'lk_'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedApiKey | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest | Unset = UNSET,
) -> CreatedApiKey | Error | None:
    """Create an API key

     Creates a key for the signed-in user and answers it with the full `key`, shown this once. A trusted
    server (`x-latchkey-server-secret`) may also set the server-only fields and name any `userId` as the
    owner. A client sending a server-only field gets 400 `SERVER_ONLY_PROPERTY`. With `--api-key-max-
    keys-per-user`, an owner who already has that many keys (of any state, until deleted) gets 403
    `KEY_LIMIT_REACHED`, exactly even under concurrent creates.

    Args:
        body (CreateApiKeyRequest | Unset): `POST /api-key/create` body. Every field is optional.
            Example: {'expiresIn': 2592000, 'metadata': {'team': 'infra'}, 'name': 'ci-deploy',
            'prefix': 'lk_'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedApiKey | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
