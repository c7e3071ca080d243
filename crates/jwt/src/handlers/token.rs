//! `GET /token`: the signed-in user's JWT, `{token}` (401 without a session).

use actix_web::{web, HttpRequest, HttpResponse};
use latchkey_session::AuthenticatedUser;
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
    let token = session_token(&state, &req, &user.0.user).await?;
    Ok(HttpResponse::Ok().json(json!({ "token": token })))
}

/// Signs the session JWT of `user` for a request to `req`'s origin.
pub async fn session_token(
    state: &JwtState,
    req: &HttpRequest,
    user: &latchkey_session::db::models::User,
) -> Result<String, JwtError> {
    let jwts = &state.jwts;
    let claims = claims::for_session(user, jwts.now(), jwts.options(), &super::origin(req));
    jwts.sign(&claims).await
}
