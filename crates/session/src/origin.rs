//! better-auth's origin check and CORS for trusted origins.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, ResponseError};

use crate::config::AuthConfig;
use crate::cookies::clear_session_on;
use crate::error::AuthError;
use crate::extract::credential_rejected;
use crate::state::AuthState;

/// Middleware of the `/api/auth` scope. Before the handler: [`check_origin`];
/// a refusal is answered here as a response, not returned as an `Err`, so
/// the outer middleware (CORS, logging) sees an ordinary 403. After it: when
/// the request presented a session token that led to no live session, the
/// session cookies are expired, as better-auth does on every route.
pub async fn origin_guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Err(refused) = crate::body::check_query_for_nul(req.query_string()) {
        return Ok(req
            .into_response(refused.error_response())
            .map_into_right_body());
    }
    if let Some(state) = req.app_data::<web::Data<AuthState>>() {
        if let Err(refused) = check_origin(req.request(), &state.config) {
            return Ok(req
                .into_response(refused.error_response())
                .map_into_right_body());
        }
    }
    let mut res = next.call(req).await?;
    let config = res
        .request()
        .app_data::<web::Data<AuthState>>()
        .map(|s| s.config.clone());
    if let Some(config) = config {
        if credential_rejected(res.request()) {
            clear_session_on(res.response_mut(), &config);
        }
    }
    Ok(res.map_into_left_body())
}

/// Refuses a state-changing request from an untrusted `Origin` unless it
/// authenticates by header alone (bearer clients are not exposed to CSRF:
/// a browser never adds an `Authorization` header by itself).
pub fn check_origin(req: &HttpRequest, config: &AuthConfig) -> Result<(), AuthError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let Some(origin) = req.headers().get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    if config.is_trusted_origin(origin) || is_same_origin(req, origin) {
        return Ok(());
    }
    let header_auth_only =
        req.headers().contains_key(AUTHORIZATION) && !req.headers().contains_key(COOKIE);
    if header_auth_only {
        return Ok(());
    }
    Err(AuthError::InvalidOrigin)
}

fn is_same_origin(req: &HttpRequest, origin: &str) -> bool {
    let Some(host) = req.headers().get(HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority.trim_end_matches('/').eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn config() -> AuthConfig {
        let mut c = AuthConfig::new("s");
        c.trusted_origins = vec!["https://app.example".into()];
        c
    }

    #[test]
    fn untrusted_origin_is_refused_for_cookie_or_anonymous_posts() {
        let req = TestRequest::post()
            .insert_header((ORIGIN, "http://evil.example"))
            .to_http_request();
        assert!(matches!(
            check_origin(&req, &config()),
            Err(AuthError::InvalidOrigin)
        ));
        let req = TestRequest::post()
            .insert_header((ORIGIN, "http://evil.example"))
            .insert_header((COOKIE, "a=b"))
            .insert_header((AUTHORIZATION, "Bearer x"))
            .to_http_request();
        assert!(check_origin(&req, &config()).is_err());
    }

    #[test]
    fn trusted_same_origin_bearer_and_safe_methods_pass() {
        let c = config();
        let trusted = TestRequest::post()
            .insert_header((ORIGIN, "https://app.example"))
            .to_http_request();
        assert!(check_origin(&trusted, &c).is_ok());
        let same = TestRequest::post()
            .insert_header((ORIGIN, "http://localhost:3000"))
            .insert_header((HOST, "localhost:3000"))
            .to_http_request();
        assert!(check_origin(&same, &c).is_ok());
        let bearer = TestRequest::post()
            .insert_header((ORIGIN, "http://evil.example"))
            .insert_header((AUTHORIZATION, "Bearer x"))
            .to_http_request();
        assert!(check_origin(&bearer, &c).is_ok());
        let get = TestRequest::get()
            .insert_header((ORIGIN, "http://evil.example"))
            .to_http_request();
        assert!(check_origin(&get, &c).is_ok());
    }
}
