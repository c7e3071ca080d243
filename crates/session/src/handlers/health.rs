//! `GET /ok` (liveness) and `GET /ready` (the database answers).

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::error::{AuthError, StorageError};
use crate::state::AuthState;

/// Always `{"ok":true}` while the process serves.
pub async fn ok() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "ok": true }))
}

/// `{"ready":true}` when a query succeeds, else 503.
pub async fn ready(state: web::Data<AuthState>) -> Result<HttpResponse, AuthError> {
    state
        .run(|conn| conn.batch_execute("SELECT 1").map_err(StorageError::from))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "ready": true })))
}
