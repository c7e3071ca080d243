"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .api_key_jwt import ApiKeyJwt
from .api_key_list import ApiKeyList
from .api_key_permissions_type_0 import ApiKeyPermissionsType0
from .api_key_stats import ApiKeyStats
from .api_usage import ApiUsage
from .create_api_key_request import CreateApiKeyRequest
from .create_api_key_request_permissions import CreateApiKeyRequestPermissions
from .created_api_key import CreatedApiKey
from .created_api_key_permissions_type_0 import CreatedApiKeyPermissionsType0
from .delete_api_key_request import DeleteApiKeyRequest
from .delete_expired_response import DeleteExpiredResponse
from .error import Error
from .error_details import ErrorDetails
from .generate_open_api_schema_response_200 import GenerateOpenApiSchemaResponse200
from .jwk import Jwk
from .jwks import Jwks
from .key_figures import KeyFigures
from .list_api_keys_enabled import ListApiKeysEnabled
from .list_api_keys_expired import ListApiKeysExpired
from .list_api_keys_sort_by import ListApiKeysSortBy
from .list_api_keys_sort_direction import ListApiKeysSortDirection
from .liveness import Liveness
from .metadata_type_0 import MetadataType0
from .permissions import Permissions
from .rate_limit_window import RateLimitWindow
from .readiness import Readiness
from .revoke_session_request import RevokeSessionRequest
from .rotate_api_key_request import RotateApiKeyRequest
from .rotated_api_key import RotatedApiKey
from .rotated_api_key_permissions_type_0 import RotatedApiKeyPermissionsType0
from .session import Session
from .session_and_user import SessionAndUser
from .session_jwt import SessionJwt
from .sign_in_request import SignInRequest
from .sign_in_response import SignInResponse
from .sign_up_request import SignUpRequest
from .sign_up_response import SignUpResponse
from .status import Status
from .success import Success
from .update_api_key_request import UpdateApiKeyRequest
from .update_api_key_request_permissions_type_0 import (
    UpdateApiKeyRequestPermissionsType0,
)
from .usage_entry import UsageEntry
from .usage_page import UsagePage
from .user import User
from .verify_api_key_request import VerifyApiKeyRequest
from .verify_api_key_response import VerifyApiKeyResponse
from .verify_error import VerifyError

__all__ = (
    "ApiKey",
    "ApiKeyJwt",
    "ApiKeyList",
    "ApiKeyPermissionsType0",
    "ApiKeyStats",
    "ApiUsage",
    "CreateApiKeyRequest",
    "CreateApiKeyRequestPermissions",
    "CreatedApiKey",
    "CreatedApiKeyPermissionsType0",
    "DeleteApiKeyRequest",
    "DeleteExpiredResponse",
    "Error",
    "ErrorDetails",
    "GenerateOpenApiSchemaResponse200",
    "Jwk",
    "Jwks",
    "KeyFigures",
    "ListApiKeysEnabled",
    "ListApiKeysExpired",
    "ListApiKeysSortBy",
    "ListApiKeysSortDirection",
    "Liveness",
    "MetadataType0",
    "Permissions",
    "RateLimitWindow",
    "Readiness",
    "RevokeSessionRequest",
    "RotateApiKeyRequest",
    "RotatedApiKey",
    "RotatedApiKeyPermissionsType0",
    "Session",
    "SessionAndUser",
    "SessionJwt",
    "SignInRequest",
    "SignInResponse",
    "SignUpRequest",
    "SignUpResponse",
    "Status",
    "Success",
    "UpdateApiKeyRequest",
    "UpdateApiKeyRequestPermissionsType0",
    "UsageEntry",
    "UsagePage",
    "User",
    "VerifyApiKeyRequest",
    "VerifyApiKeyResponse",
    "VerifyError",
)
