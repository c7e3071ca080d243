//! Wire shapes of the trusted-server routes (verify, delete-all-expired).

use utoipa::ToSchema;

use super::api_key::{ApiKey, Permissions};

/// `POST /api-key/verify` body.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[schema(example = json!({"key": "lk_XyZ...64 letters", "permissions": {"files": ["read"]}}))]
#[allow(dead_code)]
pub struct VerifyApiKeyRequest {
    /// The full key as the API consumer presented it.
    pub key: String,
    /// Every action of every resource here must be held by the key
    /// (else `KEY_NOT_FOUND`, as better-auth reports it).
    #[schema(nullable = false)]
    pub permissions: Option<Permissions>,
    /// The configuration the key must belong to.
    #[schema(nullable = false)]
    pub config_id: Option<String>,
}

/// Why verification refused a key (`valid: false`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerifyError {
    /// Human-readable.
    pub message: String,
    /// `INVALID_API_KEY`, `KEY_DISABLED`, `KEY_EXPIRED`, `KEY_NOT_FOUND`
    /// (a missing permission), `USAGE_EXCEEDED` or `RATE_LIMITED`.
    pub code: String,
    /// Only with `RATE_LIMITED`.
    #[schema(nullable = false)]
    pub details: Option<super::error::ErrorDetails>,
}

/// `POST /api-key/verify` answer: a refusal is a 200 with `valid: false`,
/// as better-auth's in-process `verifyApiKey` answers. An admitted key
/// has been charged (remaining, rate limit) exactly once.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerifyApiKeyResponse {
    /// Whether the key is admitted.
    pub valid: bool,
    /// Why not (`null` when valid).
    #[schema(required = true)]
    pub error: Option<VerifyError>,
    /// The key record after this use was counted (`null` when refused).
    #[schema(required = true)]
    pub key: Option<ApiKey>,
}

/// `POST /api-key/delete-all-expired-api-keys` answer.
#[derive(ToSchema)]
#[schema(example = json!({"success": true, "error": null}))]
#[allow(dead_code)]
pub struct DeleteExpiredResponse {
    /// Always `true`.
    pub success: bool,
    /// Always `null`.
    #[schema(required = true, value_type = Option<String>)]
    pub error: Option<String>,
}
