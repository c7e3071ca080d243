//! Trusted servers over HTTP: the `x-latchkey-server-secret` credential.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use subtle::ConstantTimeEq;

use crate::error::ApiKeyError;
use crate::options::SERVER_SECRET_HEADER;
use crate::ApiKeyState;

/// Whether the request carries the server credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A trusted server (the credential matched, in constant time).
    Server,
    /// Anyone else.
    Client,
}

/// Checks the credential; a wrong one is refused outright (403) rather
/// than treated as a client, so a misconfigured server notices.
pub fn caller(req: &HttpRequest) -> Result<Caller, ApiKeyError> {
    let Some(presented) = req.headers().get(SERVER_SECRET_HEADER) else {
        return Ok(Caller::Client);
    };
    let expected = req
        .app_data::<web::Data<ApiKeyState>>()
        .and_then(|s| s.keys.options().server_secret.clone());
    match expected {
        Some(expected) if bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) => {
            Ok(Caller::Server)
        }
        Some(_) => Err(ApiKeyError::InvalidServerCredential),
        // The feature is off: the header means nothing.
        None => Ok(Caller::Client),
    }
}

impl FromRequest for Caller {
    type Error = ApiKeyError;
    type Future = Ready<Result<Self, ApiKeyError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller(req))
    }
}

/// Extractor for server-only routes: the credential, or 401/403.
#[derive(Debug, Clone, Copy)]
pub struct TrustedServer;

impl FromRequest for TrustedServer {
    type Error = ApiKeyError;
    type Future = Ready<Result<Self, ApiKeyError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match caller(req) {
            Ok(Caller::Server) => Ok(TrustedServer),
            Ok(Caller::Client) => Err(ApiKeyError::ServerCredentialRequired),
            Err(e) => Err(e),
        })
    }
}
