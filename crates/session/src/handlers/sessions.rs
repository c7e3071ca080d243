//! `GET /list-sessions`, `POST /revoke-session`, `POST /revoke-other-sessions`.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::get_session::session_json;
use crate::body::{JsonBody, Validator};
use crate::db::queries::sessions;
use crate::error::{AuthError, StorageError};
use crate::extract::{AuthenticatedUser, CurrentSession};
use crate::state::AuthState;
use crate::tokens::revocation_candidates;

/// The caller's live sessions. Other sessions show their stored token form
/// (latchkey keeps only a digest); it names the session for `revoke-session`.
pub async fn list_sessions(
    state: web::Data<AuthState>,
    AuthenticatedUser(current): AuthenticatedUser,
) -> Result<HttpResponse, AuthError> {
    let user_id = current.user.id.clone();
    let now = state.clock.now();
    let rows = state
        .run(move |conn| {
            sessions::list_live_for_user(conn, &user_id, now).map_err(StorageError::from)
        })
        .await?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|session| {
            let token = if session.id == current.session.id {
                current.display_token.clone()
            } else {
                session.token.clone()
            };
            let row = CurrentSession {
                session,
                ..current.clone()
            };
            session_json(&row, &token)
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Revokes one of the caller's sessions, named by its token.
pub async fn revoke_session(
    state: web::Data<AuthState>,
    AuthenticatedUser(current): AuthenticatedUser,
    body: JsonBody,
) -> Result<HttpResponse, AuthError> {
    let mut v = Validator::body(&body);
    let token = v.required_string("token");
    v.finish()?;
    let candidates = revocation_candidates(&token.unwrap_or_default());
    let user_id = current.user.id;
    state
        .run(move |conn| {
            sessions::delete_by_stored_token(conn, &user_id, &candidates)
                .map_err(StorageError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "status": true })))
}

/// Revokes every session of the caller but the current one.
pub async fn revoke_other_sessions(
    state: web::Data<AuthState>,
    AuthenticatedUser(current): AuthenticatedUser,
) -> Result<HttpResponse, AuthError> {
    let (user_id, keep) = (current.user.id, current.session.id);
    state
        .run(move |conn| sessions::delete_others(conn, &user_id, &keep).map_err(StorageError::from))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "status": true })))
}
