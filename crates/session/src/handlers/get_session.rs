//! `GET /get-session`: the caller's session and user, or `null`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use crate::cookies::{attach_session, clear_session};
use crate::extract::{
    credential_rejected, session_refreshed, AuthMethod, CurrentSession, MaybeSession,
};
use crate::state::AuthState;
use crate::time_format::format;
use crate::tokens::SessionToken;

/// The JSON of a session as better-auth answers it.
pub fn session_json(current: &CurrentSession, token: &str) -> Value {
    let s = &current.session;
    json!({
        "expiresAt": format(s.expires_at),
        "token": token,
        "createdAt": format(s.created_at),
        "updatedAt": format(s.updated_at),
        "ipAddress": s.ip_address,
        "userAgent": s.user_agent,
        "userId": s.user_id,
        "id": s.id,
    })
}

/// Answers the current session (never an error: no session is `null`).
pub async fn get_session(
    req: HttpRequest,
    state: web::Data<AuthState>,
    session: MaybeSession,
) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.insert_header(("cache-control", "no-store"));
    match session.0 {
        Some(current) => {
            // A refreshed session gets a fresh cookie (and `set-auth-token`),
            // as better-auth does, so the browser's cookie does not expire
            // before the session it names.
            let own_token = matches!(current.method, AuthMethod::Bearer | AuthMethod::Cookie);
            if own_token && session_refreshed(&req) {
                if let Some(token) = SessionToken::from_presented(&current.display_token) {
                    attach_session(&mut response, &state.config, &token);
                }
            }
            response.json(json!({
                "session": session_json(&current, &current.display_token),
                "user": current.user,
            }))
        }
        None => {
            if credential_rejected(&req) {
                clear_session(&mut response, &state.config);
            }
            response.json(Value::Null)
        }
    }
}
