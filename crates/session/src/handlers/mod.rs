//! One file per endpoint.

pub mod get_session;
pub mod health;
pub mod sessions;
pub mod sign_in;
pub mod sign_out;
pub mod sign_up;

use actix_web::HttpRequest;

use crate::service::credentials::ClientInfo;

/// Address and user agent of the caller, for the session row.
pub(crate) fn client_info(req: &HttpRequest) -> ClientInfo {
    ClientInfo {
        ip_address: Some(
            req.peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default(),
        ),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}
