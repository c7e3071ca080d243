//! `GET /token`: the signed-in user's JWT, `{token}` (401 without a session).

use actix_web::{web, HttpRequest, HttpResponse};
use latchkey_session::{AuthenticatedUser, CurrentSession};
use serde_json::json;

use crate::error::JwtError;
use crate::service::claims;
use crate::JwtState;

/// Answers `{token}` for the caller's session.
pub async fn get_token(
    req: HttpRequest,
    state: web::Data<JwtState>,
    user: AuthenticatedUser,
) -> Result<HttpResponse, JwtError> {
    let token = session_token(&state, &req, &user.0).await?;
    Ok(HttpResponse::Ok().json(json!({ "token": token })))
}

/// Signs the JWT of `session`'s user for a request to `req`'s origin; it
/// expires no later than the session (a key session's ends with its key).
pub async fn session_token(
    state: &JwtState,
    req: &HttpRequest,
    session: &CurrentSession,
) -> Result<String, JwtError> {
    let jwts = &state.jwts;
    let claims = claims::for_session(
        &session.user,
        session.session.expires_at,
        jwts.now(),
        jwts.options(),
        &super::origin(req),
    );
    jwts.sign(&claims).await
}
