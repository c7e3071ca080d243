from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_key_stats import ApiKeyStats
from ...models.error import Error
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/auth/api-key/stats",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiKeyStats | Error | None:
    if response.status_code == 200:
        response_200 = ApiKeyStats.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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
) -> Response[ApiKeyStats | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ApiKeyStats | Error]:
    """The caller's usage figures

     Active keys (enabled and not expired); calls, success rate (status below 400) and mean response time
    from the usage log; and per key its `usageCount` (every admitted verify over the key's life, kept by
    verification) and its `lastRequest` as `lastUsed`, beside its logged calls.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyStats | Error]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> ApiKeyStats | Error | None:
    """The caller's usage figures

     Active keys (enabled and not expired); calls, success rate (status below 400) and mean response time
    from the usage log; and per key its `usageCount` (every admitted verify over the key's life, kept by
    verification) and its `lastRequest` as `lastUsed`, beside its logged calls.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyStats | Error
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ApiKeyStats | Error]:
    """The caller's usage figures

     Active keys (enabled and not expired); calls, success rate (status below 400) and mean response time
    from the usage log; and per key its `usageCount` (every admitted verify over the key's life, kept by
    verification) and its `lastRequest` as `lastUsed`, beside its logged calls.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyStats | Error]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> ApiKeyStats | Error | None:
    """The caller's usage figures

     Active keys (enabled and not expired); calls, success rate (status below 400) and mean response time
    from the usage log; and per key its `usageCount` (every admitted verify over the key's life, kept by
    verification) and its `lastRequest` as `lastUsed`, beside its logged calls.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyStats | Error
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
