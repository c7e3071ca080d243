//! better-auth's after-hook on get-session: a signed-in answer also carries
//! the session's JWT in `set-auth-jwt`, exposed to browsers through
//! `Access-Control-Expose-Headers`.

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, ACCESS_CONTROL_EXPOSE_HEADERS};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest};
use futures_util::future::LocalBoxFuture;
use latchkey_session::extract::resolve_session;
use latchkey_session::{ResponseHook, BASE_PATH};

use crate::handlers::token::session_token;
use crate::JwtState;

/// The response header carrying the JWT.
pub const SET_AUTH_JWT: &str = "set-auth-jwt";

/// The [`ResponseHook`] of the jwt plugin.
#[derive(Debug, Clone, Copy, Default)]
pub struct SetAuthJwt;

async fn add_jwt(req: &HttpRequest, status: StatusCode, headers: &mut HeaderMap) {
    if status != StatusCode::OK
        || req.method() != Method::GET
        || req.path() != format!("{BASE_PATH}/get-session")
    {
        return;
    }
    let Some(state) = req.app_data::<web::Data<JwtState>>() else {
        return;
    };
    if state.jwts.options().disable_setting_jwt_header {
        return;
    }
    // Already resolved (and cached) by get-session itself: no second lookup.
    let Ok(Some(session)) = resolve_session(req).await else {
        return;
    };
    let token = match session_token(state, req, &session).await {
        Ok(token) => token,
        Err(e) => {
            tracing::warn!(error = %e, "get-session answered without set-auth-jwt");
            return;
        }
    };
    let Ok(value) = HeaderValue::from_str(&token) else {
        return;
    };
    headers.insert(HeaderName::from_static(SET_AUTH_JWT), value);
    let mut exposed: Vec<String> = headers
        .get(ACCESS_CONTROL_EXPOSE_HEADERS)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(',')
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .collect();
    if !exposed.iter().any(|h| h.eq_ignore_ascii_case(SET_AUTH_JWT)) {
        exposed.push(SET_AUTH_JWT.to_owned());
    }
    if let Ok(value) = HeaderValue::from_str(&exposed.join(", ")) {
        headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, value);
    }
}

impl ResponseHook for SetAuthJwt {
    fn after<'a>(
        &'a self,
        req: &'a HttpRequest,
        status: StatusCode,
        headers: &'a mut HeaderMap,
    ) -> LocalBoxFuture<'a, ()> {
        Box::pin(add_jwt(req, status, headers))
    }
}
