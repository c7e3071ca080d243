//! `GET /api-key/usage?keyId=&page=&size=` (latchkey): one of the signed-in
//! user's keys' recent requests, newest first, `{usage, total, page, size}`.

use actix_web::{web, HttpRequest, HttpResponse};
use latchkey_session::body::Validator;
use latchkey_session::{AuthError, MaybeSession};
use serde_json::{json, Value};

use super::query;
use crate::db::usage::UsageRow;
use crate::error::ApiKeyError;
use crate::ApiKeyState;

/// Lists a key's usage; another user's key is `KEY_NOT_FOUND`, as a missing one.
pub async fn list_api_key_usage(
    req: HttpRequest,
    session: MaybeSession,
    state: web::Data<ApiKeyState>,
) -> Result<HttpResponse, ApiKeyError> {
    let map = query::query_map(&req);
    let mut v = Validator::new(&map, "query");
    let key_id = v.required_string("keyId");
    let paging = query::page_and_size(&mut v, &map);
    v.finish()?;
    let (page, size) = paging.unwrap_or((1, query::DEFAULT_PAGE_SIZE));
    let session = session.0.ok_or(AuthError::Unauthorized)?;
    let key_id = key_id.unwrap_or_default();
    let found = state
        .keys
        .usage(&key_id, &session.user.id, page, size)
        .await?;
    let rows: Vec<Value> = found.rows.iter().map(UsageRow::to_json).collect();
    Ok(HttpResponse::Ok().json(json!({
        "usage": rows,
        "total": found.total,
        "page": page,
        "size": size,
    })))
}
