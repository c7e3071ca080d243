//! The error answers each operation documents, taken from the crates' own
//! error enums: status, code and message come from `status_code()`,
//! `code()` and `Display`, so the document follows the code.

use actix_web::ResponseError;
use latchkey_api_key::{ApiKeyError, Refusal};
use latchkey_session::AuthError;
use serde_json::{json, Value};

/// One documented error answer.
#[derive(Debug, Clone)]
pub struct ErrorAnswer {
    /// HTTP status.
    pub status: u16,
    /// The stable code.
    pub code: &'static str,
    /// An example body.
    pub body: Value,
}

impl From<AuthError> for ErrorAnswer {
    fn from(e: AuthError) -> Self {
        ApiKeyError::Auth(e).into()
    }
}

impl From<ApiKeyError> for ErrorAnswer {
    fn from(e: ApiKeyError) -> Self {
        let mut body = json!({ "message": e.to_string(), "code": e.code() });
        if let ApiKeyError::Refused(r) | ApiKeyError::Denied(r) = &e {
            if let Some(details) = r.details() {
                body["details"] = details;
            }
        }
        ErrorAnswer {
            status: e.status_code().as_u16(),
            code: e.code(),
            body,
        }
    }
}

fn validation(message: &str) -> ErrorAnswer {
    AuthError::Validation(message.to_owned()).into()
}

/// What any route reading a JSON body can answer about the body itself.
pub fn json_body(example: &str) -> Vec<ErrorAnswer> {
    vec![
        validation(example),
        AuthError::InvalidJson.into(),
        AuthError::UnsupportedMediaType("text/plain".into()).into(),
        AuthError::PayloadTooLarge(1024 * 1024).into(),
    ]
}

/// A query that fails its schema.
pub fn query(example: &str) -> Vec<ErrorAnswer> {
    vec![validation(example)]
}

/// The database is unreachable (with `Retry-After: 1`).
pub fn unavailable() -> Vec<ErrorAnswer> {
    vec![AuthError::Unavailable.into()]
}

/// A state-changing request from an untrusted `Origin` (cookie sessions).
pub fn origin() -> Vec<ErrorAnswer> {
    vec![AuthError::InvalidOrigin.into()]
}

/// No session at all.
pub fn unauthorized() -> Vec<ErrorAnswer> {
    vec![AuthError::Unauthorized.into()]
}

/// A key in `x-api-key` used as a session and refused (every route that
/// looks up the caller's session, when the server has `--api-key-sessions`).
pub fn key_session() -> Vec<ErrorAnswer> {
    vec![
        ApiKeyError::MalformedApiKey.into(),
        ApiKeyError::Refused(Refusal::InvalidApiKey).into(),
        ApiKeyError::Refused(Refusal::KeyDisabled).into(),
        ApiKeyError::Refused(Refusal::KeyExpired).into(),
        ApiKeyError::InvalidReferenceId.into(),
        ApiKeyError::Refused(Refusal::UsageExceeded { refill_in: None }).into(),
        ApiKeyError::Refused(Refusal::RateLimited {
            try_again_in: 60_000,
        })
        .into(),
    ]
}

/// A key in `x-api-key` refused by a route that requires one (401/403/429).
pub fn key_required() -> Vec<ErrorAnswer> {
    vec![
        ApiKeyError::MissingApiKey.into(),
        ApiKeyError::for_host(Refusal::InvalidApiKey).into(),
        ApiKeyError::for_host(Refusal::KeyExpired).into(),
        ApiKeyError::for_host(Refusal::KeyDisabled).into(),
        ApiKeyError::for_host(Refusal::UsageExceeded { refill_in: None }).into(),
        ApiKeyError::for_host(Refusal::RateLimited {
            try_again_in: 60_000,
        })
        .into(),
    ]
}

/// A wrong `x-latchkey-server-secret` (a missing one makes the caller a client).
pub fn wrong_server_credential() -> Vec<ErrorAnswer> {
    vec![ApiKeyError::InvalidServerCredential.into()]
}

/// Routes for trusted servers only.
pub fn server_only_route() -> Vec<ErrorAnswer> {
    vec![
        ApiKeyError::ServerCredentialRequired.into(),
        ApiKeyError::InvalidServerCredential.into(),
    ]
}

/// Any other list of errors.
pub fn of<E: Into<ErrorAnswer>>(errors: impl IntoIterator<Item = E>) -> Vec<ErrorAnswer> {
    errors.into_iter().map(Into::into).collect()
}
