//! `GET /api-key/stats` (latchkey): the signed-in user's figures, shaped
//! like seed 000's dashboard statistics in camelCase.

use actix_web::{web, HttpResponse};
use latchkey_session::time_format;
use latchkey_session::{AuthError, MaybeSession};
use serde_json::{json, Value};

use crate::db::queries::usage::KeyCalls;
use crate::error::ApiKeyError;
use crate::service::usage::KeyStats;
use crate::ApiKeyState;

/// Percentage of calls below status 400, two decimals; `null` without calls.
fn success_rate(calls: &KeyCalls) -> Value {
    if calls.calls == 0 {
        return Value::Null;
    }
    let rate = calls.successes as f64 * 100.0 / calls.calls as f64;
    json!((rate * 100.0).round() / 100.0)
}

/// Mean response time in ms, two decimals; `null` without calls.
fn average_ms(calls: &KeyCalls) -> Value {
    if calls.calls == 0 {
        return Value::Null;
    }
    let mean = calls.duration_ms as f64 / calls.calls as f64;
    json!((mean * 100.0).round() / 100.0)
}

fn key_json(stats: &KeyStats) -> Value {
    let key = &stats.key;
    json!({
        "id": key.id,
        "name": key.name,
        "enabled": key.enabled.unwrap_or(true),
        "active": stats.active,
        "usageCount": key.usage_count,
        "lastUsed": key.last_request.map(time_format::format),
        "calls": stats.calls.calls,
        "successRate": success_rate(&stats.calls),
        "avgResponseTimeMs": average_ms(&stats.calls),
    })
}

/// Answers the figures of the caller's keys.
pub async fn get_api_key_stats(
    session: MaybeSession,
    state: web::Data<ApiKeyState>,
) -> Result<HttpResponse, ApiKeyError> {
    let session = session.0.ok_or(AuthError::Unauthorized)?;
    let stats = state.keys.stats(&session.user.id).await?;
    let keys: Vec<Value> = stats.keys.iter().map(key_json).collect();
    Ok(HttpResponse::Ok().json(json!({
        "activeApiKeys": stats.active_keys,
        "totalApiCalls": stats.calls.calls,
        "apiUsage": {
            "successRate": success_rate(&stats.calls),
            "avgResponseTimeMs": average_ms(&stats.calls),
        },
        "apiKeys": keys,
    })))
}
