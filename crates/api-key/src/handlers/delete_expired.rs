//! `POST /api-key/delete-all-expired-api-keys` (trusted servers).

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::error::ApiKeyError;
use crate::server_auth::TrustedServer;
use crate::ApiKeyState;

/// Deletes every expired key: `{success: true, error: null}` as better-auth.
pub async fn delete_all_expired_api_keys(
    _server: TrustedServer,
    state: web::Data<ApiKeyState>,
) -> Result<HttpResponse, ApiKeyError> {
    let deleted = state.keys.delete_expired().await?;
    tracing::info!(deleted, "expired API keys deleted");
    Ok(HttpResponse::Ok().json(json!({ "success": true, "error": null })))
}
