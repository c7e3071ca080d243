//! `GET /api-key/get?id=`: one of the signed-in user's keys, without its secret.

use actix_web::{web, HttpRequest, HttpResponse};
use latchkey_session::{AuthError, MaybeSession};

use super::query;
use crate::error::ApiKeyError;
use crate::ApiKeyState;

/// Answers the key record; another user's key is `KEY_NOT_FOUND`, as a missing one.
pub async fn get_api_key(
    req: HttpRequest,
    session: MaybeSession,
    state: web::Data<ApiKeyState>,
) -> Result<HttpResponse, ApiKeyError> {
    let id = query::parse_get(&query::query_map(&req))?;
    let session = session.0.ok_or(AuthError::Unauthorized)?;
    let key = state.keys.get(&id, &session.user.id).await?;
    Ok(HttpResponse::Ok().json(key.to_json()))
}
