//! `GET /api-key/list`: the signed-in user's keys, sorted and paged by the
//! database; `{apiKeys, total}` plus `limit`/`offset` when they were given.
//! latchkey also takes `page`/`size` (answering them instead of
//! `limit`/`offset`) and the filters `enabled`, `expired` and `namePrefix`;
//! `total` counts the keys that pass the filters.

use actix_web::{web, HttpRequest, HttpResponse};
use latchkey_session::{AuthError, MaybeSession};
use serde_json::{json, Value};

use super::query;
use crate::db::models::ApiKey;
use crate::error::ApiKeyError;
use crate::service::manage::ListQuery;
use crate::ApiKeyState;

/// Lists keys (never their secrets).
pub async fn list_api_keys(
    req: HttpRequest,
    session: MaybeSession,
    state: web::Data<ApiKeyState>,
) -> Result<HttpResponse, ApiKeyError> {
    let params = query::parse_list(&query::query_map(&req))?;
    let session = session.0.ok_or(AuthError::Unauthorized)?;
    if params
        .organization_id
        .as_deref()
        .is_some_and(|o| !o.is_empty())
    {
        return Err(ApiKeyError::OrganizationPluginRequired);
    }
    let page = state
        .keys
        .list(ListQuery {
            owner: session.user.id.clone(),
            config_id: params.config_id,
            sort: params.sort,
            limit: params.limit,
            offset: params.offset,
            enabled: params.enabled,
            expired: params.expired,
            name_prefix: params.name_prefix,
        })
        .await?;
    let keys: Vec<Value> = page.keys.iter().map(ApiKey::to_json).collect();
    let mut body = json!({ "apiKeys": keys, "total": page.total });
    if let Some((page, size)) = params.page {
        body["page"] = json!(page);
        body["size"] = json!(size);
    } else {
        if let Some(limit) = params.limit {
            body["limit"] = json!(limit);
        }
        if let Some(offset) = params.offset {
            body["offset"] = json!(offset);
        }
    }
    Ok(HttpResponse::Ok().json(body))
}
