//! better-auth's session cookies and the `set-auth-token` header.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::HttpResponseBuilder;

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
    let prefix = if config.secure_cookies {
        "__Secure-"
    } else {
        ""
    };
    for name in ["session_token", "session_data", "dont_remember"] {
        let cookie = Cookie::build(format!("{prefix}better-auth.{name}"), "")
            .path("/")
            .http_only(true)
            .secure(config.secure_cookies)
            .same_site(SameSite::Lax)
            .max_age(CookieDuration::ZERO)
            .finish();
        response.cookie(cookie);
    }
}
