from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_key_list import ApiKeyList
from ...models.error import Error
from ...models.list_api_keys_enabled import ListApiKeysEnabled
from ...models.list_api_keys_expired import ListApiKeysExpired
from ...models.list_api_keys_sort_by import ListApiKeysSortBy
from ...models.list_api_keys_sort_direction import ListApiKeysSortDirection
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    sort_by: ListApiKeysSortBy | Unset = UNSET,
    sort_direction: ListApiKeysSortDirection | Unset = ListApiKeysSortDirection.ASC,
    config_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
    enabled: ListApiKeysEnabled | Unset = UNSET,
    expired: ListApiKeysExpired | Unset = UNSET,
    name_prefix: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    json_sort_by: str | Unset = UNSET
    if not isinstance(sort_by, Unset):
        json_sort_by = sort_by.value

    params["sortBy"] = json_sort_by

    json_sort_direction: str | Unset = UNSET
    if not isinstance(sort_direction, Unset):
        json_sort_direction = sort_direction.value

    params["sortDirection"] = json_sort_direction

    params["configId"] = config_id

    params["page"] = page

    params["size"] = size

    json_enabled: str | Unset = UNSET
    if not isinstance(enabled, Unset):
        json_enabled = enabled.value

    params["enabled"] = json_enabled

    json_expired: str | Unset = UNSET
    if not isinstance(expired, Unset):
        json_expired = expired.value

    params["expired"] = json_expired

    params["namePrefix"] = name_prefix

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/auth/api-key/list",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiKeyList | Error | None:
    if response.status_code == 200:
        response_200 = ApiKeyList.from_dict(response.json())

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
) -> Response[ApiKeyList | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    sort_by: ListApiKeysSortBy | Unset = UNSET,
    sort_direction: ListApiKeysSortDirection | Unset = ListApiKeysSortDirection.ASC,
    config_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
    enabled: ListApiKeysEnabled | Unset = UNSET,
    expired: ListApiKeysExpired | Unset = UNSET,
    name_prefix: str | Unset = UNSET,
) -> Response[ApiKeyList | Error]:
    """The caller's keys

     A page of the caller's keys (never their secrets), sorted and paged by the database. `limit` and
    `offset` are echoed when given. Without `sortBy` the order is unspecified. (`organizationId` is
    refused with 500 `ORGANIZATION_PLUGIN_REQUIRED`, as better-auth without its organization plugin.)
    latchkey also takes `page`/`size` (answered instead of `limit`/`offset`, with which they cannot be
    combined) and the filters `enabled`, `expired` and `namePrefix`; `total` counts the keys that pass
    the filters.

    Args:
        limit (int | Unset):
        offset (int | Unset):
        sort_by (ListApiKeysSortBy | Unset):
        sort_direction (ListApiKeysSortDirection | Unset):  Default: ListApiKeysSortDirection.ASC.
        config_id (str | Unset):
        page (int | Unset):
        size (int | Unset):
        enabled (ListApiKeysEnabled | Unset):
        expired (ListApiKeysExpired | Unset):
        name_prefix (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyList | Error]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        sort_by=sort_by,
        sort_direction=sort_direction,
        config_id=config_id,
        page=page,
        size=size,
        enabled=enabled,
        expired=expired,
        name_prefix=name_prefix,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    sort_by: ListApiKeysSortBy | Unset = UNSET,
    sort_direction: ListApiKeysSortDirection | Unset = ListApiKeysSortDirection.ASC,
    config_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
    enabled: ListApiKeysEnabled | Unset = UNSET,
    expired: ListApiKeysExpired | Unset = UNSET,
    name_prefix: str | Unset = UNSET,
) -> ApiKeyList | Error | None:
    """The caller's keys

     A page of the caller's keys (never their secrets), sorted and paged by the database. `limit` and
    `offset` are echoed when given. Without `sortBy` the order is unspecified. (`organizationId` is
    refused with 500 `ORGANIZATION_PLUGIN_REQUIRED`, as better-auth without its organization plugin.)
    latchkey also takes `page`/`size` (answered instead of `limit`/`offset`, with which they cannot be
    combined) and the filters `enabled`, `expired` and `namePrefix`; `total` counts the keys that pass
    the filters.

    Args:
        limit (int | Unset):
        offset (int | Unset):
        sort_by (ListApiKeysSortBy | Unset):
        sort_direction (ListApiKeysSortDirection | Unset):  Default: ListApiKeysSortDirection.ASC.
        config_id (str | Unset):
        page (int | Unset):
        size (int | Unset):
        enabled (ListApiKeysEnabled | Unset):
        expired (ListApiKeysExpired | Unset):
        name_prefix (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyList | Error
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
        sort_by=sort_by,
        sort_direction=sort_direction,
        config_id=config_id,
        page=page,
        size=size,
        enabled=enabled,
        expired=expired,
        name_prefix=name_prefix,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    sort_by: ListApiKeysSortBy | Unset = UNSET,
    sort_direction: ListApiKeysSortDirection | Unset = ListApiKeysSortDirection.ASC,
    config_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
    enabled: ListApiKeysEnabled | Unset = UNSET,
    expired: ListApiKeysExpired | Unset = UNSET,
    name_prefix: str | Unset = UNSET,
) -> Response[ApiKeyList | Error]:
    """The caller's keys

     A page of the caller's keys (never their secrets), sorted and paged by the database. `limit` and
    `offset` are echoed when given. Without `sortBy` the order is unspecified. (`organizationId` is
    refused with 500 `ORGANIZATION_PLUGIN_REQUIRED`, as better-auth without its organization plugin.)
    latchkey also takes `page`/`size` (answered instead of `limit`/`offset`, with which they cannot be
    combined) and the filters `enabled`, `expired` and `namePrefix`; `total` counts the keys that pass
    the filters.

    Args:
        limit (int | Unset):
        offset (int | Unset):
        sort_by (ListApiKeysSortBy | Unset):
        sort_direction (ListApiKeysSortDirection | Unset):  Default: ListApiKeysSortDirection.ASC.
        config_id (str | Unset):
        page (int | Unset):
        size (int | Unset):
        enabled (ListApiKeysEnabled | Unset):
        expired (ListApiKeysExpired | Unset):
        name_prefix (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyList | Error]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        sort_by=sort_by,
        sort_direction=sort_direction,
        config_id=config_id,
        page=page,
        size=size,
        enabled=enabled,
        expired=expired,
        name_prefix=name_prefix,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    offset: int | Unset = UNSET,
    sort_by: ListApiKeysSortBy | Unset = UNSET,
    sort_direction: ListApiKeysSortDirection | Unset = ListApiKeysSortDirection.ASC,
    config_id: str | Unset = UNSET,
    page: int | Unset = UNSET,
    size: int | Unset = UNSET,
    enabled: ListApiKeysEnabled | Unset = UNSET,
    expired: ListApiKeysExpired | Unset = UNSET,
    name_prefix: str | Unset = UNSET,
) -> ApiKeyList | Error | None:
    """The caller's keys

     A page of the caller's keys (never their secrets), sorted and paged by the database. `limit` and
    `offset` are echoed when given. Without `sortBy` the order is unspecified. (`organizationId` is
    refused with 500 `ORGANIZATION_PLUGIN_REQUIRED`, as better-auth without its organization plugin.)
    latchkey also takes `page`/`size` (answered instead of `limit`/`offset`, with which they cannot be
    combined) and the filters `enabled`, `expired` and `namePrefix`; `total` counts the keys that pass
    the filters.

    Args:
        limit (int | Unset):
        offset (int | Unset):
        sort_by (ListApiKeysSortBy | Unset):
        sort_direction (ListApiKeysSortDirection | Unset):  Default: ListApiKeysSortDirection.ASC.
        config_id (str | Unset):
        page (int | Unset):
        size (int | Unset):
        enabled (ListApiKeysEnabled | Unset):
        expired (ListApiKeysExpired | Unset):
        name_prefix (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyList | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
            sort_by=sort_by,
            sort_direction=sort_direction,
            config_id=config_id,
            page=page,
            size=size,
            enabled=enabled,
            expired=expired,
            name_prefix=name_prefix,
        )
    ).parsed
