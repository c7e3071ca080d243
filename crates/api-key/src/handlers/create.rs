//! `POST /api-key/create`: a new key for the signed-in user, or for any
//! `userId` when a trusted server asks. Answers the record and, this once,
//! the full key.

use actix_web::{web, HttpResponse};
use latchkey_session::body::JsonBody;
use latchkey_session::MaybeSession;

use super::input;
use crate::error::ApiKeyError;
use crate::server_auth::Caller;
use crate::ApiKeyState;

/// Creates a key: the body is checked first, then who may own it, then
/// better-auth's rules (in the service).
pub async fn create_api_key(
    body: JsonBody,
    caller: Caller,
    session: MaybeSession,
    state: web::Data<ApiKeyState>,
) -> Result<HttpResponse, ApiKeyError> {
    let mut request = input::parse_create(&body)?;
    let session_user = session.0.as_ref().map(|s| s.user.id.as_str());
    request.input.owner = input::create_owner(caller, session_user, &request)?;
    let created = state.keys.create(request.input).await?;
    Ok(HttpResponse::Ok().json(created.to_json()))
}
