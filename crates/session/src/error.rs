//! The session crate's error type and the one place errors become HTTP.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::{json, Value};

/// Storage failures, shared with plugins (their error types wrap it).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No connection could be had: the database is down or the pool is exhausted.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A statement failed.
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
}

impl StorageError {
    /// True when the failure means "try again later" rather than a bug:
    /// no connection, a connection that died, or (SQLite) a database another
    /// process kept locked for longer than the busy timeout.
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            StorageError::Unavailable(_) => true,
            StorageError::Query(Error::DatabaseError(DatabaseErrorKind::Unknown, info)) => {
                let message = info.message();
                message.starts_with("database is locked")
                    || message.starts_with("database table is locked")
            }
            StorageError::Query(Error::DatabaseError(kind, _)) => matches!(
                kind,
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand
            ),
            StorageError::Query(Error::BrokenTransactionManager) => true,
            StorageError::Query(_) => false,
        }
    }
}

impl From<diesel::r2d2::PoolError> for StorageError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StorageError::Unavailable(e.to_string())
    }
}

/// Everything the session routes can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Request schema failure; the message lists `[body.field] ...` issues.
    #[error("{0}")]
    Validation(String),
    /// The body is not JSON.
    #[error("Invalid JSON in request body")]
    InvalidJson,
    /// A POST whose content type is not JSON.
    #[error("Content-Type \"{0}\" is not allowed. Allowed types: application/json")]
    UnsupportedMediaType(String),
    /// The body is larger than the configured limit.
    #[error("Request body is too large (limit {0} bytes)")]
    PayloadTooLarge(usize),
    /// No valid session.
    #[error("Unauthorized")]
    Unauthorized,
    /// Sign-out without any session token.
    #[error("Failed to get session")]
    FailedToGetSession,
    /// Wrong password or unknown e-mail (deliberately the same answer).
    #[error("Invalid email or password")]
    InvalidEmailOrPassword,
    /// Sign-up with an e-mail that already has a user.
    #[error("User already exists. Use another email.")]
    UserAlreadyExists,
    /// Password shorter than the minimum.
    #[error("Password too short")]
    PasswordTooShort,
    /// Password longer than the maximum.
    #[error("Password too long")]
    PasswordTooLong,
    /// A state-changing request from an untrusted `Origin`.
    #[error("Invalid origin")]
    InvalidOrigin,
    /// The database cannot be reached right now.
    #[error("Service temporarily unavailable")]
    Unavailable,
    /// A bug or an unexpected failure; details go to the log only.
    #[error("Internal server error")]
    Internal,
}

impl AuthError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Validation(_) => "VALIDATION_ERROR",
            AuthError::InvalidJson => "BAD_REQUEST",
            AuthError::UnsupportedMediaType(_) => "UNSUPPORTED_MEDIA_TYPE",
            AuthError::PayloadTooLarge(_) => "PAYLOAD_TOO_LARGE",
            AuthError::Unauthorized => "UNAUTHORIZED",
            AuthError::FailedToGetSession => "FAILED_TO_GET_SESSION",
            AuthError::InvalidEmailOrPassword => "INVALID_EMAIL_OR_PASSWORD",
            AuthError::UserAlreadyExists => "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            AuthError::PasswordTooShort => "PASSWORD_TOO_SHORT",
            AuthError::PasswordTooLong => "PASSWORD_TOO_LONG",
            AuthError::InvalidOrigin => "INVALID_ORIGIN",
            AuthError::Unavailable => "SERVICE_UNAVAILABLE",
            AuthError::Internal => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl From<StorageError> for AuthError {
    fn from(e: StorageError) -> Self {
        log_storage_error(&e);
        if e.is_unavailable() {
            AuthError::Unavailable
        } else {
            AuthError::Internal
        }
    }
}

/// Logs a storage failure once, at the level it deserves. Plugins call this
/// from their own `From<StorageError>`.
pub fn log_storage_error(e: &StorageError) {
    if e.is_unavailable() {
        tracing::warn!(error = %e, "database unavailable");
    } else {
        tracing::error!(error = %e, "database error");
    }
}

impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            AuthError::Validation(_)
            | AuthError::InvalidJson
            | AuthError::PasswordTooShort
            | AuthError::PasswordTooLong
            | AuthError::FailedToGetSession => StatusCode::BAD_REQUEST,
            AuthError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AuthError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AuthError::Unauthorized | AuthError::InvalidEmailOrPassword => StatusCode::UNAUTHORIZED,
            AuthError::UserAlreadyExists => StatusCode::UNPROCESSABLE_ENTITY,
            AuthError::InvalidOrigin => StatusCode::FORBIDDEN,
            AuthError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AuthError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        error_response(self.status_code(), self.code(), &self.to_string(), None)
    }
}

/// The one error body shape of latchkey: `{"message", "code"}` plus optional
/// `details`. Every crate's `ResponseError` ends here.
pub fn error_response(
    status: StatusCode,
    code: &str,
    message: &str,
    details: Option<Value>,
) -> HttpResponse {
    let mut body = json!({ "message": message, "code": code });
    if let Some(details) = details {
        body["details"] = details;
    }
    let mut response = HttpResponse::build(status);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.insert_header(("retry-after", "1"));
    }
    response.json(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_its_code_and_status() {
        let cases = [
            (AuthError::Validation("x".into()), 400, "VALIDATION_ERROR"),
            (AuthError::InvalidJson, 400, "BAD_REQUEST"),
            (
                AuthError::UnsupportedMediaType("text/plain".into()),
                415,
                "UNSUPPORTED_MEDIA_TYPE",
            ),
            (AuthError::PayloadTooLarge(10), 413, "PAYLOAD_TOO_LARGE"),
            (AuthError::Unauthorized, 401, "UNAUTHORIZED"),
            (AuthError::FailedToGetSession, 400, "FAILED_TO_GET_SESSION"),
            (
                AuthError::InvalidEmailOrPassword,
                401,
                "INVALID_EMAIL_OR_PASSWORD",
            ),
            (
                AuthError::UserAlreadyExists,
                422,
                "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            ),
            (AuthError::PasswordTooShort, 400, "PASSWORD_TOO_SHORT"),
            (AuthError::PasswordTooLong, 400, "PASSWORD_TOO_LONG"),
            (AuthError::InvalidOrigin, 403, "INVALID_ORIGIN"),
            (AuthError::Unavailable, 503, "SERVICE_UNAVAILABLE"),
            (AuthError::Internal, 500, "INTERNAL_SERVER_ERROR"),
        ];
        for (error, status, code) in cases {
            assert_eq!(error.status_code().as_u16(), status, "{code}");
            assert_eq!(error.code(), code);
        }
    }

    #[test]
    fn outages_are_503_and_other_storage_failures_500() {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        let db = |kind, message: &str| {
            StorageError::Query(Error::DatabaseError(kind, Box::new(message.to_owned())))
        };
        let unavailable = [
            StorageError::Unavailable("timed out waiting for connection".into()),
            db(
                Kind::ClosedConnection,
                "SSL connection has been closed unexpectedly",
            ),
            db(Kind::UnableToSendCommand, "no connection to the server"),
            db(Kind::Unknown, "database is locked"),
            db(Kind::Unknown, "database table is locked: session"),
            StorageError::Query(Error::BrokenTransactionManager),
        ];
        for e in unavailable {
            let text = e.to_string();
            assert_eq!(AuthError::from(e).status_code().as_u16(), 503, "{text}");
        }
        let broken = [
            db(Kind::Unknown, "no such table: session"),
            db(Kind::UniqueViolation, "duplicate key"),
            StorageError::Query(Error::NotFound),
        ];
        for e in broken {
            let text = e.to_string();
            assert_eq!(AuthError::from(e).status_code().as_u16(), 500, "{text}");
        }
    }

    #[test]
    fn media_type_message_matches_better_auth() {
        assert_eq!(
            AuthError::UnsupportedMediaType("text/plain".into()).to_string(),
            "Content-Type \"text/plain\" is not allowed. Allowed types: application/json"
        );
    }
}
