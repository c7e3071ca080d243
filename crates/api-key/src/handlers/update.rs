//! `POST /api-key/update`: changes one of the signed-in user's keys (a
//! trusted server may change any user's, and the server-only fields).

use actix_web::{web, HttpResponse};
use latchkey_session::body::JsonBody;
use latchkey_session::MaybeSession;

use super::input;
use crate::error::ApiKeyError;
use crate::server_auth::Caller;
use crate::ApiKeyState;

/// Updates a key and answers the new record (without its secret).
pub async fn update_api_key(
    body: JsonBody,
    caller: Caller,
    session: MaybeSession,
    state: web::Data<ApiKeyState>,
) -> Result<HttpResponse, ApiKeyError> {
    let request = input::parse_update(&body)?;
    let session_user = session.0.as_ref().map(|s| s.user.id.as_str());
    let owner = input::update_owner(caller, session_user, &request)?;
    let key = state
        .keys
        .update(&request.key_id, &owner, request.changes)
        .await?;
    Ok(HttpResponse::Ok().json(key.to_json()))
}
