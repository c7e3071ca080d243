//! better-auth's session cookies and the `set-auth-token` header.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header::SET_COOKIE;
use actix_web::{HttpResponse, HttpResponseBuilder};

use crate::config::AuthConfig;
use crate::tokens::{cookie_encode, SessionToken};

/// Sets the session cookie and, for bearer clients, `set-auth-token`.
pub fn attach_session(
    response: &mut HttpResponseBuilder,
    config: &AuthConfig,
    token: &SessionToken,
) {
    let signed = token.signed(&config.secret);
    let cookie = Cookie::build(config.session_cookie_name(), cookie_encode(&signed))
        .path("/")
        .http_only(true)
        .secure(config.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(
            config.session_expires_in.whole_seconds(),
        ))
        .finish();
    response
        .cookie(cookie)
        .insert_header(("set-auth-token", signed))
        .insert_header(("access-control-expose-headers", "set-auth-token"));
}

/// Expires the session cookies (sign-out, rejected credentials).
pub fn clear_session(response: &mut HttpResponseBuilder, config: &AuthConfig) {
    for cookie in expired_cookies(config) {
        response.cookie(cookie);
    }
}

/// Expires the session cookies on a finished response, unless it sets the
/// session cookie itself (better-auth does this on every route that looked
/// up a session whose token led nowhere, whatever the route answers).
pub fn clear_session_on<B>(response: &mut HttpResponse<B>, config: &AuthConfig) {
    let prefix = format!("{}=", config.session_cookie_name());
    let sets_session = response
        .headers()
        .get_all(SET_COOKIE)
        .any(|v| v.to_str().is_ok_and(|v| v.starts_with(&prefix)));
    if sets_session {
        return;
    }
    for cookie in expired_cookies(config) {
        // Only fails for a cookie that is not a valid header value; ours are.
        let _ = response.add_cookie(&cookie);
    }
}

fn expired_cookies(config: &AuthConfig) -> Vec<Cookie<'static>> {
    let prefix = if config.secure_cookies {
        "__Secure-"
    } else {
        ""
    };
    ["session_token", "session_data", "dont_remember"]
        .into_iter()
        .map(|name| {
            Cookie::build(format!("{prefix}better-auth.{name}"), "")
                .path("/")
                .http_only(true)
                .secure(config.secure_cookies)
                .same_site(SameSite::Lax)
                .max_age(CookieDuration::ZERO)
                .finish()
        })
        .collect()
}
