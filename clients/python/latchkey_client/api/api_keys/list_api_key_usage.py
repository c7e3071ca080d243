from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.usage_page import UsagePage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    key_id: str,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["keyId"] = key_id

    params["page"] = page

    params["size"] = size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/auth/api-key/usage",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | UsagePage | None:
    if response.status_code == 200:
        response_200 = UsagePage.from_dict(response.json())

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
) -> Response[Error | UsagePage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    key_id: str,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
) -> Response[Error | UsagePage]:
    """A key's recent requests

     The requests one of the caller's keys got admitted on routes a host application wraps in the usage
    log, newest first. The log is written in batches off the request path (about two seconds behind, by
    default) and pruned after the retention (`--api-key-usage-retention-days`). Another user's key
    answers 404 `KEY_NOT_FOUND`, as a missing one.

    Args:
        key_id (str):
        page (int | Unset):
        size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UsagePage]
    """

    kwargs = _get_kwargs(
        key_id=key_id,
        page=page,
        size=size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    key_id: str,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
) -> Error | UsagePage | None:
    """A key's recent requests

     The requests one of the caller's keys got admitted on routes a host application wraps in the usage
    log, newest first. The log is written in batches off the request path (about two seconds behind, by
    default) and pruned after the retention (`--api-key-usage-retention-days`). Another user's key
    answers 404 `KEY_NOT_FOUND`, as a missing one.

    Args:
        key_id (str):
        page (int | Unset):
        size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UsagePage
    """

    return sync_detailed(
        client=client,
        key_id=key_id,
        page=page,
        size=size,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    key_id: str,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
) -> Response[Error | UsagePage]:
    """A key's recent requests

     The requests one of the caller's keys got admitted on routes a host application wraps in the usage
    log, newest first. The log is written in batches off the request path (about two seconds behind, by
    default) and pruned after the retention (`--api-key-usage-retention-days`). Another user's key
    answers 404 `KEY_NOT_FOUND`, as a missing one.

    Args:
        key_id (str):
        page (int | Unset):
        size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UsagePage]
    """

    kwargs = _get_kwargs(
        key_id=key_id,
        page=page,
        size=size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    key_id: str,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
) -> Error | UsagePage | None:
    """A key's recent requests

     The requests one of the caller's keys got admitted on routes a host application wraps in the usage
    log, newest first. The log is written in batches off the request path (about two seconds behind, by
    default) and pruned after the retention (`--api-key-usage-retention-days`). Another user's key
    answers 404 `KEY_NOT_FOUND`, as a missing one.

    Args:
        key_id (str):
        page (int | Unset):
        size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UsagePage
    """

    return (
        await asyncio_detailed(
            client=client,
            key_id=key_id,
            page=page,
            size=size,
        )
    ).parsed
