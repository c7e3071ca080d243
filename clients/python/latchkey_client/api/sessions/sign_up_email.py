from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.sign_up_request import SignUpRequest
from ...models.sign_up_response import SignUpResponse
from ...types import Response


def _get_kwargs(
    *,
    body: SignUpRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/auth/sign-up/email",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | SignUpResponse | None:
    if response.status_code == 200:
        response_200 = SignUpResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | SignUpResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SignUpRequest,
) -> Response[Error | SignUpResponse]:
    """Create a user and sign in

     Creates a user with an e-mail and password and opens a session. The signed token for `Authorization:
    Bearer` is in the `set-auth-token` header.

    Args:
        body (SignUpRequest): `POST /sign-up/email` body. Example: {'email': 'alice@example.com',
            'name': 'Alice', 'password': 'correct-horse-42'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SignUpResponse]
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
    body: SignUpRequest,
) -> Error | SignUpResponse | None:
    """Create a user and sign in

     Creates a user with an e-mail and password and opens a session. The signed token for `Authorization:
    Bearer` is in the `set-auth-token` header.

    Args:
        body (SignUpRequest): `POST /sign-up/email` body. Example: {'email': 'alice@example.com',
            'name': 'Alice', 'password': 'correct-horse-42'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SignUpResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SignUpRequest,
) -> Response[Error | SignUpResponse]:
    """Create a user and sign in

     Creates a user with an e-mail and password and opens a session. The signed token for `Authorization:
    Bearer` is in the `set-auth-token` header.

    Args:
        body (SignUpRequest): `POST /sign-up/email` body. Example: {'email': 'alice@example.com',
            'name': 'Alice', 'password': 'correct-horse-42'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SignUpResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SignUpRequest,
) -> Error | SignUpResponse | None:
    """Create a user and sign in

     Creates a user with an e-mail and password and opens a session. The signed token for `Authorization:
    Bearer` is in the `set-auth-token` header.

    Args:
        body (SignUpRequest): `POST /sign-up/email` body. Example: {'email': 'alice@example.com',
            'name': 'Alice', 'password': 'correct-horse-42'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SignUpResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
