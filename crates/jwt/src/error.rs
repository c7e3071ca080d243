//! The jwt plugin's error type and its HTTP mapping.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use latchkey_api_key::ApiKeyError;
use latchkey_session::{AuthError, StorageError};

use crate::service::at_rest::AtRestError;
use crate::service::keys::KeyError;

/// Everything the jwt routes can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    /// A session-layer error (401 without a session, 503…).
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// An API-key refusal (the exchange answers exactly as a verify would).
    #[error(transparent)]
    ApiKey(#[from] ApiKeyError),
    /// A stored private key does not decrypt: the secret changed. Logged;
    /// the client sees a bare 500.
    #[error("Failed to decrypt private key. Make sure the secret currently in use is the same as the one used to encrypt the private key.")]
    KeyUnreadable(#[from] AtRestError),
    /// Key material could not be made or used. Logged; a bare 500.
    #[error("signing key error: {0}")]
    Key(#[from] KeyError),
    /// Signing failed. Logged; a bare 500.
    #[error("signing failed: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
}

impl JwtError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            JwtError::Auth(e) => e.code(),
            JwtError::ApiKey(e) => e.code(),
            JwtError::KeyUnreadable(_) | JwtError::Key(_) | JwtError::Signing(_) => {
                AuthError::Internal.code()
            }
        }
    }
}

impl From<StorageError> for JwtError {
    fn from(e: StorageError) -> Self {
        JwtError::Auth(AuthError::from(e))
    }
}

impl From<diesel::result::Error> for JwtError {
    fn from(e: diesel::result::Error) -> Self {
        StorageError::from(e).into()
    }
}

impl ResponseError for JwtError {
    fn status_code(&self) -> StatusCode {
        match self {
            JwtError::Auth(e) => e.status_code(),
            JwtError::ApiKey(e) => e.status_code(),
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            JwtError::Auth(e) => e.error_response(),
            JwtError::ApiKey(e) => e.error_response(),
            other => {
                tracing::error!(error = %other, "jwt signing failed");
                AuthError::Internal.error_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use latchkey_api_key::Refusal;

    #[test]
    fn every_variant_has_its_code_and_status() {
        let cases: Vec<(JwtError, u16, &str)> = vec![
            (AuthError::Unauthorized.into(), 401, "UNAUTHORIZED"),
            (AuthError::Unavailable.into(), 503, "SERVICE_UNAVAILABLE"),
            (ApiKeyError::MissingApiKey.into(), 401, "API_KEY_REQUIRED"),
            (
                ApiKeyError::for_host(Refusal::KeyDisabled).into(),
                403,
                "KEY_DISABLED",
            ),
            (
                ApiKeyError::Refused(Refusal::UsageExceeded { refill_in: None }).into(),
                429,
                "USAGE_EXCEEDED",
            ),
            (
                AtRestError::WrongSecret.into(),
                500,
                "INTERNAL_SERVER_ERROR",
            ),
            (KeyError::Member("d").into(), 500, "INTERNAL_SERVER_ERROR"),
        ];
        for (error, status, code) in cases {
            assert_eq!(error.status_code().as_u16(), status, "{code}");
            assert_eq!(error.code(), code);
            assert_eq!(error.error_response().status().as_u16(), status, "{code}");
        }
    }

    #[test]
    fn internal_failures_say_nothing_about_keys() {
        let res = JwtError::from(AtRestError::WrongSecret).error_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
