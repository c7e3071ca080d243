//! The API-key crate's error type and its HTTP mapping (better-auth's
//! codes, messages and statuses; see shared/reference/error-codes.json).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use latchkey_session::error::{error_response, log_storage_error};
use latchkey_session::{AuthError, StorageError};
use serde_json::{json, Value};

/// Why a key was refused by verification (checked in better-auth's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Unknown key, wrong configuration, or malformed key.
    #[error("Invalid API key.")]
    InvalidApiKey,
    /// The key is disabled.
    #[error("API Key is disabled")]
    KeyDisabled,
    /// The key has expired.
    #[error("API Key has expired")]
    KeyExpired,
    /// The key lacks a required permission (better-auth reports it as not found).
    #[error("API Key not found")]
    MissingPermission,
    /// `remaining` is used up.
    #[error("API Key has reached its usage limit")]
    UsageExceeded {
        /// Milliseconds until the next refill, when the key has one.
        refill_in: Option<i64>,
    },
    /// The rate-limit window is full; retry after this many ms.
    #[error("Rate limit exceeded.")]
    RateLimited {
        /// Milliseconds until the window resets.
        try_again_in: i64,
    },
}

impl Refusal {
    /// better-auth's code.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::InvalidApiKey => "INVALID_API_KEY",
            Refusal::KeyDisabled => "KEY_DISABLED",
            Refusal::KeyExpired => "KEY_EXPIRED",
            Refusal::MissingPermission => "KEY_NOT_FOUND",
            Refusal::UsageExceeded { .. } => "USAGE_EXCEEDED",
            Refusal::RateLimited { .. } => "RATE_LIMITED",
        }
    }

    /// The status better-auth raises it with (key sessions answer it).
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::UsageExceeded { .. } | Refusal::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// `details` of the error body, if any.
    pub fn details(&self) -> Option<Value> {
        match self {
            Refusal::RateLimited { try_again_in } => Some(json!({ "tryAgainIn": try_again_in })),
            _ => None,
        }
    }

    /// The `{message, code[, details]}` object of a verify answer.
    pub fn to_json(&self) -> Value {
        let mut body = json!({ "message": self.to_string(), "code": self.code() });
        if let Some(details) = self.details() {
            body["details"] = details;
        }
        body
    }
}

/// Everything the API-key routes answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    /// A session-layer error (validation, bad JSON, 401, 503…).
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Verification refused the key (key sessions and the extractor).
    #[error(transparent)]
    Refused(Refusal),
    /// A host route needs a key and the request has none.
    #[error("API key required.")]
    MissingApiKey,
    /// A host route refuses a disabled key or one lacking a permission (403).
    #[error("{}", denied_message(.0))]
    Denied(Refusal),
    /// A key shorter than the configured length (403, before any lookup).
    #[error("Invalid API key.")]
    MalformedApiKey,
    /// Unknown id or another user's key.
    #[error("API Key not found")]
    KeyNotFound,
    /// No session, or a client naming a `userId`.
    #[error("Unauthorized or invalid session")]
    UnauthorizedSession,
    /// A client tried to set a server-only field.
    #[error(
        "The property you're trying to set can only be set from the server auth instance only."
    )]
    ServerOnlyProperty,
    /// `metadata` is not an object.
    #[error("metadata must be an object or undefined")]
    InvalidMetadataType,
    /// Metadata while `enableMetadata` is off.
    #[error("Metadata is disabled.")]
    MetadataDisabled,
    /// `refillAmount` without `refillInterval` (better-auth's code and message, swapped as there).
    #[error("refillAmount is required when refillInterval is provided")]
    RefillAmountAndIntervalRequired,
    /// `refillInterval` without `refillAmount`.
    #[error("refillInterval is required when refillAmount is provided")]
    RefillIntervalAndAmountRequired,
    /// `expiresIn` below the minimum.
    #[error("The expiresIn is smaller than the predefined minimum value.")]
    ExpiresInTooSmall,
    /// `expiresIn` above the maximum.
    #[error("The expiresIn is larger than the predefined maximum value.")]
    ExpiresInTooLarge,
    /// Custom expiry disabled by configuration.
    #[error("Custom key expiration values are disabled.")]
    KeyDisabledExpiration,
    /// Prefix length outside the bounds.
    #[error("The prefix length is either too large or too small.")]
    InvalidPrefixLength,
    /// Name length outside the bounds.
    #[error("The name length is either too large or too small.")]
    InvalidNameLength,
    /// Name required by configuration.
    #[error("API Key name is required.")]
    NameRequired,
    /// Update with nothing to change.
    #[error("No values to update.")]
    NoValuesToUpdate,
    /// A key session whose owner does not exist.
    #[error("The reference id from the API key is invalid.")]
    InvalidReferenceId,
    /// A server-credential route called without the credential.
    #[error("This endpoint requires the server credential (x-latchkey-server-secret).")]
    ServerCredentialRequired,
    /// A wrong server credential.
    #[error("Invalid server credential.")]
    InvalidServerCredential,
    /// `organizationId` without the organization plugin.
    #[error("Organization plugin is required for organization-owned API keys. Please install and configure the organization plugin.")]
    OrganizationPluginRequired,
    /// latchkey: the owner already has the configured maximum of keys (403:
    /// the request is well-formed but refused for this owner until one of
    /// their keys is deleted).
    #[error("The maximum of {max} API keys per user has been reached. Delete a key before creating another.")]
    KeyLimitReached {
        /// The configured cap.
        max: u32,
    },
}

fn denied_message(refusal: &Refusal) -> String {
    match refusal {
        Refusal::MissingPermission => "The API key lacks a required permission.".to_owned(),
        other => other.to_string(),
    }
}

impl ApiKeyError {
    /// How a host route answers a refusal: 401 for a key that is not
    /// there, 403 for one that may not act, 429 for one out of budget.
    pub fn for_host(refusal: Refusal) -> Self {
        match refusal {
            Refusal::KeyDisabled | Refusal::MissingPermission => ApiKeyError::Denied(refusal),
            other => ApiKeyError::Refused(other),
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiKeyError::MissingApiKey => "API_KEY_REQUIRED",
            ApiKeyError::Denied(Refusal::MissingPermission) => "INSUFFICIENT_PERMISSIONS",
            ApiKeyError::Denied(r) => r.code(),
            ApiKeyError::Auth(e) => e.code(),
            ApiKeyError::Refused(r) => r.code(),
            ApiKeyError::MalformedApiKey => "INVALID_API_KEY",
            ApiKeyError::KeyNotFound => "KEY_NOT_FOUND",
            ApiKeyError::UnauthorizedSession => "UNAUTHORIZED_SESSION",
            ApiKeyError::ServerOnlyProperty => "SERVER_ONLY_PROPERTY",
            ApiKeyError::InvalidMetadataType => "INVALID_METADATA_TYPE",
            ApiKeyError::MetadataDisabled => "METADATA_DISABLED",
            ApiKeyError::RefillAmountAndIntervalRequired => "REFILL_AMOUNT_AND_INTERVAL_REQUIRED",
            ApiKeyError::RefillIntervalAndAmountRequired => "REFILL_INTERVAL_AND_AMOUNT_REQUIRED",
            ApiKeyError::ExpiresInTooSmall => "EXPIRES_IN_IS_TOO_SMALL",
            ApiKeyError::ExpiresInTooLarge => "EXPIRES_IN_IS_TOO_LARGE",
            ApiKeyError::KeyDisabledExpiration => "KEY_DISABLED_EXPIRATION",
            ApiKeyError::InvalidPrefixLength => "INVALID_PREFIX_LENGTH",
            ApiKeyError::InvalidNameLength => "INVALID_NAME_LENGTH",
            ApiKeyError::NameRequired => "NAME_REQUIRED",
            ApiKeyError::NoValuesToUpdate => "NO_VALUES_TO_UPDATE",
            ApiKeyError::InvalidReferenceId => "INVALID_REFERENCE_ID_FROM_API_KEY",
            ApiKeyError::ServerCredentialRequired => "SERVER_CREDENTIAL_REQUIRED",
            ApiKeyError::InvalidServerCredential => "INVALID_SERVER_CREDENTIAL",
            ApiKeyError::OrganizationPluginRequired => "ORGANIZATION_PLUGIN_REQUIRED",
            ApiKeyError::KeyLimitReached { .. } => "KEY_LIMIT_REACHED",
        }
    }
}

impl From<StorageError> for ApiKeyError {
    fn from(e: StorageError) -> Self {
        log_storage_error(&e);
        ApiKeyError::Auth(if e.is_unavailable() {
            AuthError::Unavailable
        } else {
            AuthError::Internal
        })
    }
}

impl From<diesel::result::Error> for ApiKeyError {
    fn from(e: diesel::result::Error) -> Self {
        StorageError::from(e).into()
    }
}

impl ResponseError for ApiKeyError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiKeyError::Auth(e) => e.status_code(),
            ApiKeyError::Refused(r) => r.status(),
            ApiKeyError::MalformedApiKey
            | ApiKeyError::InvalidServerCredential
            | ApiKeyError::Denied(_)
            | ApiKeyError::KeyLimitReached { .. } => StatusCode::FORBIDDEN,
            ApiKeyError::KeyNotFound => StatusCode::NOT_FOUND,
            ApiKeyError::UnauthorizedSession
            | ApiKeyError::InvalidReferenceId
            | ApiKeyError::ServerCredentialRequired
            | ApiKeyError::MissingApiKey => StatusCode::UNAUTHORIZED,
            ApiKeyError::OrganizationPluginRequired => StatusCode::INTERNAL_SERVER_ERROR,
            ApiKeyError::ServerOnlyProperty
            | ApiKeyError::InvalidMetadataType
            | ApiKeyError::MetadataDisabled
            | ApiKeyError::RefillAmountAndIntervalRequired
            | ApiKeyError::RefillIntervalAndAmountRequired
            | ApiKeyError::ExpiresInTooSmall
            | ApiKeyError::ExpiresInTooLarge
            | ApiKeyError::KeyDisabledExpiration
            | ApiKeyError::InvalidPrefixLength
            | ApiKeyError::InvalidNameLength
            | ApiKeyError::NameRequired
            | ApiKeyError::NoValuesToUpdate => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiKeyError::Auth(e) => e.error_response(),
            ApiKeyError::Refused(r) => {
                let mut res = error_response(r.status(), r.code(), &r.to_string(), r.details());
                let wait = match r {
                    Refusal::RateLimited { try_again_in } => Some(*try_again_in),
                    Refusal::UsageExceeded { refill_in } => *refill_in,
                    _ => None,
                };
                if let Some(ms) = wait {
                    // Whole seconds, rounded up, so a client never retries early.
                    let secs = (ms + 999) / 1000;
                    if let Ok(value) = secs.max(1).to_string().parse() {
                        res.headers_mut()
                            .insert(actix_web::http::header::RETRY_AFTER, value);
                    }
                }
                res
            }
            other => error_response(other.status_code(), other.code(), &other.to_string(), None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_code_and_status() {
        let cases: Vec<(ApiKeyError, u16, &str)> = vec![
            (
                ApiKeyError::Refused(Refusal::InvalidApiKey),
                401,
                "INVALID_API_KEY",
            ),
            (
                ApiKeyError::Refused(Refusal::KeyDisabled),
                401,
                "KEY_DISABLED",
            ),
            (
                ApiKeyError::Refused(Refusal::KeyExpired),
                401,
                "KEY_EXPIRED",
            ),
            (
                ApiKeyError::Refused(Refusal::MissingPermission),
                401,
                "KEY_NOT_FOUND",
            ),
            (
                ApiKeyError::Refused(Refusal::UsageExceeded { refill_in: None }),
                429,
                "USAGE_EXCEEDED",
            ),
            (
                ApiKeyError::Refused(Refusal::RateLimited { try_again_in: 5 }),
                429,
                "RATE_LIMITED",
            ),
            (ApiKeyError::MalformedApiKey, 403, "INVALID_API_KEY"),
            (ApiKeyError::MissingApiKey, 401, "API_KEY_REQUIRED"),
            (
                ApiKeyError::Denied(Refusal::KeyDisabled),
                403,
                "KEY_DISABLED",
            ),
            (
                ApiKeyError::Denied(Refusal::MissingPermission),
                403,
                "INSUFFICIENT_PERMISSIONS",
            ),
            (ApiKeyError::KeyNotFound, 404, "KEY_NOT_FOUND"),
            (
                ApiKeyError::UnauthorizedSession,
                401,
                "UNAUTHORIZED_SESSION",
            ),
            (ApiKeyError::ServerOnlyProperty, 400, "SERVER_ONLY_PROPERTY"),
            (
                ApiKeyError::InvalidMetadataType,
                400,
                "INVALID_METADATA_TYPE",
            ),
            (ApiKeyError::MetadataDisabled, 400, "METADATA_DISABLED"),
            (
                ApiKeyError::RefillAmountAndIntervalRequired,
                400,
                "REFILL_AMOUNT_AND_INTERVAL_REQUIRED",
            ),
            (
                ApiKeyError::RefillIntervalAndAmountRequired,
                400,
                "REFILL_INTERVAL_AND_AMOUNT_REQUIRED",
            ),
            (
                ApiKeyError::ExpiresInTooSmall,
                400,
                "EXPIRES_IN_IS_TOO_SMALL",
            ),
            (
                ApiKeyError::ExpiresInTooLarge,
                400,
                "EXPIRES_IN_IS_TOO_LARGE",
            ),
            (
                ApiKeyError::KeyDisabledExpiration,
                400,
                "KEY_DISABLED_EXPIRATION",
            ),
            (
                ApiKeyError::InvalidPrefixLength,
                400,
                "INVALID_PREFIX_LENGTH",
            ),
            (ApiKeyError::InvalidNameLength, 400, "INVALID_NAME_LENGTH"),
            (ApiKeyError::NameRequired, 400, "NAME_REQUIRED"),
            (ApiKeyError::NoValuesToUpdate, 400, "NO_VALUES_TO_UPDATE"),
            (
                ApiKeyError::InvalidReferenceId,
                401,
                "INVALID_REFERENCE_ID_FROM_API_KEY",
            ),
            (
                ApiKeyError::ServerCredentialRequired,
                401,
                "SERVER_CREDENTIAL_REQUIRED",
            ),
            (
                ApiKeyError::InvalidServerCredential,
                403,
                "INVALID_SERVER_CREDENTIAL",
            ),
            (
                ApiKeyError::OrganizationPluginRequired,
                500,
                "ORGANIZATION_PLUGIN_REQUIRED",
            ),
            (
                ApiKeyError::KeyLimitReached { max: 5 },
                403,
                "KEY_LIMIT_REACHED",
            ),
            (
                ApiKeyError::Auth(AuthError::Unauthorized),
                401,
                "UNAUTHORIZED",
            ),
        ];
        for (error, status, code) in cases {
            assert_eq!(error.status_code().as_u16(), status, "{code}");
            assert_eq!(error.code(), code);
            assert_eq!(error.error_response().status().as_u16(), status, "{code}");
        }
    }

    #[test]
    fn rate_limited_answers_carry_retry_after_and_details() {
        let res =
            ApiKeyError::Refused(Refusal::RateLimited { try_again_in: 1500 }).error_response();
        assert_eq!(
            res.headers().get("retry-after").map(|v| v.as_bytes()),
            Some(&b"2"[..])
        );
        assert_eq!(
            Refusal::RateLimited { try_again_in: 1500 }.to_json(),
            json!({"message": "Rate limit exceeded.", "code": "RATE_LIMITED", "details": {"tryAgainIn": 1500}})
        );
    }
}
