"""End to end through the generated Python client against a running latchkey.

usage: LATCHKEY_URL=http://127.0.0.1:3000 LATCHKEY_SERVER_SECRET=... python e2e.py
(the server runs with --api-key-metadata --api-key-sessions --server-secret ...).
Every answer is asserted; the script exits non-zero on the first surprise.
"""

import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from latchkey_client import AuthenticatedClient, Client  # noqa: E402
from latchkey_client.api.api_keys import (  # noqa: E402
    create_api_key,
    delete_api_key,
    get_api_key,
    list_api_keys,
    update_api_key,
)
from latchkey_client.api.jwt import exchange_api_key  # noqa: E402
from latchkey_client.api.sessions import get_session, sign_up_email  # noqa: E402
from latchkey_client.api.trusted_servers import verify_api_key  # noqa: E402
from latchkey_client.models import (  # noqa: E402
    ApiKey,
    ApiKeyJwt,
    ApiKeyList,
    CreateApiKeyRequest,
    CreateApiKeyRequestPermissions,
    CreatedApiKey,
    DeleteApiKeyRequest,
    Error,
    ListApiKeysSortBy,
    ListApiKeysSortDirection,
    MetadataType0,
    SessionAndUser,
    SignUpRequest,
    SignUpResponse,
    Success,
    UpdateApiKeyRequest,
    VerifyApiKeyRequest,
    VerifyApiKeyResponse,
)

url = os.environ["LATCHKEY_URL"]
secret = os.environ["LATCHKEY_SERVER_SECRET"]
steps = 0


def check(condition, what):
    global steps
    if not condition:
        raise SystemExit(f"python client: FAILED: {what}")
    steps += 1


# Sign up; the bearer token is the set-auth-token header.
email = f"py-{uuid.uuid4().hex[:12]}@example.com"
signed_up = sign_up_email.sync_detailed(
    client=Client(base_url=url),
    body=SignUpRequest(name="Py Client", email=email, password="correct-horse-42"),
)
check(signed_up.status_code == 200, f"sign-up answered {signed_up.status_code}")
check(isinstance(signed_up.parsed, SignUpResponse), "sign-up body")
check(signed_up.parsed.user.email == email, "sign-up user")
bearer = signed_up.headers["set-auth-token"]
user_id = signed_up.parsed.user.id
client = AuthenticatedClient(base_url=url, token=bearer)
server = AuthenticatedClient(base_url=url, token=bearer).with_headers({"x-latchkey-server-secret": secret})

session = get_session.sync(client=client)
check(isinstance(session, SessionAndUser) and session.user.id == user_id, "get-session with the bearer")

# Create a key with metadata and permissions (permissions are server-only).
metadata = MetadataType0.from_dict({"team": "infra", "tier": 2})
permissions = CreateApiKeyRequestPermissions.from_dict({"files": ["read", "write"]})
created = create_api_key.sync(
    client=server,
    body=CreateApiKeyRequest(name="py-e2e", prefix="py_", metadata=metadata, permissions=permissions),
)
check(isinstance(created, CreatedApiKey), f"create answered {created!r}")
check(created.key.startswith("py_") and created.start == created.key[:6], "create: key and start")
check(created.metadata.to_dict() == {"team": "infra", "tier": 2}, "create: metadata")
check(created.permissions.to_dict() == {"files": ["read", "write"]}, "create: permissions")
check(created.reference_id == user_id and created.user_id == user_id, "create: owner")
key_id = created.id

# A client may not set server-only fields: a typed 400.
refused = create_api_key.sync_detailed(client=client, body=CreateApiKeyRequest(remaining=5))
check(refused.status_code == 400 and isinstance(refused.parsed, Error), "client remaining: 400")
check(refused.parsed.code == "SERVER_ONLY_PROPERTY", f"client remaining: {refused.parsed.code}")

# List and get: never the secret.
listed = list_api_keys.sync(client=client, limit=10, offset=0, sort_by=ListApiKeysSortBy.CREATEDAT, sort_direction=ListApiKeysSortDirection.DESC
)
check(isinstance(listed, ApiKeyList), f"list answered {listed!r}")
check(listed.total == 1 and listed.limit == 10 and listed.offset == 0, "list: total, limit, offset")
check([k.id for k in listed.api_keys] == [key_id], "list: the key")
check("key" not in listed.api_keys[0].to_dict(), "list: no secret")
got = get_api_key.sync(client=client, id=key_id)
check(isinstance(got, ApiKey) and got.name == "py-e2e", f"get answered {got!r}")

# The wrong id: 404 KEY_NOT_FOUND through the typed error.
missing = get_api_key.sync_detailed(client=client, id="no-such-key")
check(missing.status_code == 404, f"wrong id answered {missing.status_code}")
check(isinstance(missing.parsed, Error) and missing.parsed.code == "KEY_NOT_FOUND", "wrong id: KEY_NOT_FOUND")

# Update.
updated = update_api_key.sync(client=client, body=UpdateApiKeyRequest(key_id=key_id, name="renamed"))
check(isinstance(updated, ApiKey) and updated.name == "renamed", f"update answered {updated!r}")

# Use the key: as a session on a protected route, and exchanged for a JWT.
as_key = AuthenticatedClient(base_url=url, token=created.key, auth_header_name="x-api-key", prefix="")
key_session = get_session.sync(client=as_key)
check(isinstance(key_session, SessionAndUser) and key_session.user.id == user_id, "x-api-key session")
check(key_session.session.token == "", "a key session never echoes the key")
jwt = exchange_api_key.sync(client=as_key)
check(isinstance(jwt, ApiKeyJwt) and jwt.token.count(".") == 2, f"api-key/token answered {jwt!r}")

# Delete; then it is gone.
deleted = delete_api_key.sync(client=client, body=DeleteApiKeyRequest(key_id=key_id))
check(isinstance(deleted, Success) and deleted.success, f"delete answered {deleted!r}")
gone = get_api_key.sync_detailed(client=client, id=key_id)
check(gone.status_code == 404 and gone.parsed.code == "KEY_NOT_FOUND", "deleted key: 404")

# A trusted server: a key with a budget and a refill; remaining falls on each use.
budget = create_api_key.sync(
    client=server,
    body=CreateApiKeyRequest(name="budget", remaining=3, refill_amount=3, refill_interval=3_600_000),
)
check(isinstance(budget, CreatedApiKey) and budget.remaining == 3, f"server create answered {budget!r}")
check(budget.refill_amount == 3 and budget.refill_interval == 3_600_000, "server create: refill")
for expected in (2, 1, 0):
    verdict = verify_api_key.sync(client=server, body=VerifyApiKeyRequest(key=budget.key))
    check(isinstance(verdict, VerifyApiKeyResponse) and verdict.valid, f"verify answered {verdict!r}")
    check(verdict.key.remaining == expected, f"remaining {verdict.key.remaining}, expected {expected}")
spent = verify_api_key.sync(client=server, body=VerifyApiKeyRequest(key=budget.key))
check(not spent.valid and spent.key is None, "a spent key is refused")
check(spent.error.code == "USAGE_EXCEEDED", f"spent key: {spent.error.code}")

print(f"python client: {steps} passed, 0 failed")
