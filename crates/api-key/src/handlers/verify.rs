//! `POST /api-key/verify` (trusted servers): `{key, permissions?, configId?}`
//! → better-auth's `{valid, error, key}`.

use actix_web::{web, HttpResponse};
use latchkey_session::body::{Field, JsonBody, Validator};

use crate::error::ApiKeyError;
use crate::keys::PlainKey;
use crate::permissions;
use crate::server_auth::TrustedServer;
use crate::service::verify::{verify_answer, VerifyRequest};
use crate::ApiKeyState;

/// Verifies a key for a trusted server. A bad key is a 200 with
/// `valid: false`, as better-auth's in-process call answers.
pub async fn verify_api_key(
    _server: TrustedServer,
    state: web::Data<ApiKeyState>,
    body: JsonBody,
) -> Result<HttpResponse, ApiKeyError> {
    let mut v = Validator::body(&body);
    let key = v.required_string("key");
    let config_id = v.string("configId").value();
    let required = match v.raw("permissions") {
        Field::Value(value) => permissions::parse(&mut v, "permissions", value),
        _ => None,
    };
    v.finish()?;
    let request = VerifyRequest {
        permissions: required,
        config_id,
    };
    let outcome = state
        .keys
        .verify(PlainKey::presented(key.unwrap_or_default()), request)
        .await?;
    Ok(HttpResponse::Ok().json(verify_answer(&outcome)))
}
