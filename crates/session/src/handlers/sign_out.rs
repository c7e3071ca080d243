//! `POST /sign-out`.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::cookies::clear_session;
use crate::db::queries::sessions;
use crate::error::{AuthError, StorageError};
use crate::extract::{AuthMethod, MaybeSession};
use crate::state::AuthState;

/// Ends the caller's session (if any) and clears the cookies.
pub async fn sign_out(
    state: web::Data<AuthState>,
    session: MaybeSession,
) -> Result<HttpResponse, AuthError> {
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
