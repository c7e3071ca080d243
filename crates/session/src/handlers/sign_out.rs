//! `POST /sign-out`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::cookies::clear_session;
use crate::db::queries::sessions;
use crate::error::{AuthError, StorageError};
use crate::extract::{credential_rejected, AuthMethod, MaybeSession};
use crate::state::AuthState;

/// Ends the caller's session and clears the cookies. Without any session
/// token at all this is 400 `FAILED_TO_GET_SESSION`, as better-auth; a token
/// that no longer names a session still signs out (nothing to delete).
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AuthState>,
    session: MaybeSession,
) -> Result<HttpResponse, AuthError> {
    if session.0.is_none() && !credential_rejected(&req) {
        return Err(AuthError::FailedToGetSession);
    }
    if let Some(current) = session.0 {
        if !matches!(current.method, AuthMethod::Plugin(_)) {
            let id = current.session.id.clone();
            state
                .run(move |conn| sessions::delete_by_id(conn, &id).map_err(StorageError::from))
                .await?;
        }
    }
    let mut response = HttpResponse::Ok();
    clear_session(&mut response, &state.config);
    Ok(response.json(json!({ "success": true })))
}
