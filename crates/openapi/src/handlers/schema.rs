//! `GET /open-api/generate-schema`: the document as JSON.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::HttpResponse;

/// Answers the document (the same as the committed `openapi.yaml`).
pub async fn generate_schema() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/json"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .body(crate::json())
}
