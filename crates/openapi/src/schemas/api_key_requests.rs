//! Request bodies of create, update and delete (crates/api-key handlers/input.rs).
//! Fields marked server-only need `x-latchkey-server-secret`; from a client
//! they are 400 `SERVER_ONLY_PROPERTY` (never silently ignored).

use utoipa::ToSchema;

use super::api_key::{Metadata, Permissions, RateLimitWindow};

/// `POST /api-key/create` body. Every field is optional.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[schema(example = json!({"name": "ci-deploy", "prefix": "lk_", "expiresIn": 2592000, "metadata": {"team": "infra"}}))]
#[allow(dead_code)]
pub struct CreateApiKeyRequest {
    /// Display name (at most 32 characters by default, else `INVALID_NAME_LENGTH`).
    #[schema(nullable = false, max_length = 32)]
    pub name: Option<String>,
    /// Seconds until the key expires: 1 to 365 days by default (else
    /// `EXPIRES_IN_IS_TOO_SMALL`/`_LARGE`); `null` or absent: never.
    #[schema(minimum = 86400, maximum = 31536000, value_type = Option<f64>)]
    pub expires_in: Option<f64>,
    /// Prepended to the generated key: letters, digits, `_` and `-` (1 to 32 by default).
    #[schema(nullable = false, pattern = "^[a-zA-Z0-9_-]+$", max_length = 32)]
    pub prefix: Option<String>,
    /// Free-form JSON (`null`: none).
    #[schema(value_type = Option<Metadata>)]
    pub metadata: Option<serde_json::Value>,
    /// Accepted and ignored: keys are created in configuration `default`.
    #[schema(nullable = false)]
    pub config_id: Option<String>,
    /// **Server-only** (`null` is allowed from clients). Uses allowed; absent or `null`: unlimited.
    #[schema(minimum = 0)]
    pub remaining: Option<i32>,
    /// **Server-only.** `remaining` is reset to this every `refillInterval` (give both).
    #[schema(nullable = false, minimum = 1)]
    pub refill_amount: Option<i32>,
    /// **Server-only.** Refill period in milliseconds (give both).
    #[schema(nullable = false)]
    pub refill_interval: Option<i32>,
    /// **Server-only.** Per-key rate limiting (default on: 10 per day).
    #[schema(nullable = false)]
    pub rate_limit_enabled: Option<bool>,
    /// **Server-only.** Rate-limit window in milliseconds.
    #[schema(nullable = false)]
    pub rate_limit_time_window: Option<i32>,
    /// **Server-only.** Admissions per window.
    #[schema(nullable = false)]
    pub rate_limit_max: Option<i32>,
    /// **Server-only.** latchkey's several windows besides the one above
    /// (at most 10, one per window length); absent: the server's
    /// `--api-key-rate-limits`; `null` or `[]`: none.
    pub rate_limits: Option<Vec<RateLimitWindow>>,
    /// **Server-only.** Resource → allowed actions, e.g. `{"files": ["read", "write"]}`.
    #[schema(nullable = false, value_type = Option<std::collections::BTreeMap<String, Vec<String>>>)]
    pub permissions: Option<Permissions>,
    /// **Server-only.** The owner. A client sending it gets 401
    /// `UNAUTHORIZED_SESSION`; a server with a session must name that session's user.
    #[schema(nullable = false)]
    pub user_id: Option<String>,
}

/// `POST /api-key/update` body: `keyId` and at least one field to change
/// (else `NO_VALUES_TO_UPDATE`).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[schema(example = json!({"keyId": "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF", "name": "renamed", "enabled": false}))]
#[allow(dead_code)]
pub struct UpdateApiKeyRequest {
    /// The key to change.
    pub key_id: String,
    /// New display name.
    #[schema(nullable = false, max_length = 32)]
    pub name: Option<String>,
    /// Enable or disable the key.
    #[schema(nullable = false)]
    pub enabled: Option<bool>,
    /// New expiry in seconds from now (1 to 365 days by default); `null` removes the expiry.
    #[schema(minimum = 86400, maximum = 31536000, value_type = Option<f64>)]
    pub expires_in: Option<f64>,
    /// New metadata; `null` clears it.
    #[schema(value_type = Option<Metadata>)]
    pub metadata: Option<serde_json::Value>,
    /// Accepted and ignored.
    #[schema(nullable = false)]
    pub config_id: Option<String>,
    /// A client may repeat its own user id (another is 401 `UNAUTHORIZED_SESSION`);
    /// a trusted server names the key's owner.
    #[schema(nullable = false)]
    pub user_id: Option<String>,
    /// **Server-only.** Uses left.
    #[schema(nullable = false, minimum = 1)]
    pub remaining: Option<i32>,
    /// **Server-only.** Give with `refillInterval`.
    #[schema(nullable = false, minimum = 1)]
    pub refill_amount: Option<i32>,
    /// **Server-only.** Milliseconds; give with `refillAmount`.
    #[schema(nullable = false)]
    pub refill_interval: Option<i32>,
    /// **Server-only.**
    #[schema(nullable = false)]
    pub rate_limit_enabled: Option<bool>,
    /// **Server-only.** Milliseconds.
    #[schema(nullable = false)]
    pub rate_limit_time_window: Option<i32>,
    /// **Server-only.**
    #[schema(nullable = false)]
    pub rate_limit_max: Option<i32>,
    /// **Server-only.** Replaces the key's several windows, each starting
    /// afresh; `null` or `[]` removes them.
    pub rate_limits: Option<Vec<RateLimitWindow>>,
    /// **Server-only.** Resource → allowed actions; `null` removes every permission.
    #[schema(value_type = Option<std::collections::BTreeMap<String, Vec<String>>>)]
    pub permissions: Option<Permissions>,
}

/// `POST /api-key/delete` body.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[schema(example = json!({"keyId": "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF"}))]
#[allow(dead_code)]
pub struct DeleteApiKeyRequest {
    /// The key to delete.
    pub key_id: String,
    /// Accepted and ignored.
    #[schema(nullable = false)]
    pub config_id: Option<String>,
}

/// `POST /api-key/rotate` body (latchkey).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[schema(example = json!({"keyId": "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF", "gracePeriod": 3600}))]
#[allow(dead_code)]
pub struct RotateApiKeyRequest {
    /// The key to rotate.
    pub key_id: String,
    /// Seconds the old key keeps verifying beside the new one (default 0:
    /// it stops at once; at most 30 days).
    #[schema(nullable = false, minimum = 0, maximum = 2_592_000, value_type = Option<f64>)]
    pub grace_period: Option<f64>,
    /// A client may repeat its own user id (another is 401 `UNAUTHORIZED_SESSION`);
    /// a trusted server names the key's owner.
    #[schema(nullable = false)]
    pub user_id: Option<String>,
    /// Accepted and ignored.
    #[schema(nullable = false)]
    pub config_id: Option<String>,
}

/// The request fields only a trusted server may send, per body schema.
pub const SERVER_ONLY: &[(&str, &[&str])] = &[
    (
        "CreateApiKeyRequest",
        &[
            "remaining",
            "refillAmount",
            "refillInterval",
            "rateLimitEnabled",
            "rateLimitTimeWindow",
            "rateLimitMax",
            "rateLimits",
            "permissions",
            "userId",
        ],
    ),
    (
        "UpdateApiKeyRequest",
        &[
            "remaining",
            "refillAmount",
            "refillInterval",
            "rateLimitEnabled",
            "rateLimitTimeWindow",
            "rateLimitMax",
            "rateLimits",
            "permissions",
        ],
    ),
];
