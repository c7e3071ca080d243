//! One file per endpoint.

pub mod api_key_token;
pub mod jwks;
pub mod token;

use actix_web::HttpRequest;

/// The origin a request came to (`scheme://host`), better-auth's base URL
/// when no issuer is configured.
pub fn origin(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}
