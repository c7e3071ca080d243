//! `POST /api-key/delete`: deletes one of the signed-in user's keys.

use actix_web::{web, HttpResponse};
use latchkey_session::body::JsonBody;
use latchkey_session::{AuthError, MaybeSession};
use serde_json::json;

use super::input;
use crate::error::ApiKeyError;
use crate::ApiKeyState;

/// Answers `{"success": true}`; another user's key is `KEY_NOT_FOUND`.
pub async fn delete_api_key(
    body: JsonBody,
    session: MaybeSession,
    state: web::Data<ApiKeyState>,
) -> Result<HttpResponse, ApiKeyError> {
    let key_id = input::parse_delete(&body)?;
    let session = session.0.ok_or(AuthError::Unauthorized)?;
    state.keys.delete(&key_id, &session.user.id).await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true })))
}
