//! The `apikey` row and its JSON form.

use diesel::prelude::*;
use latchkey_session::time_format;
use serde_json::{json, Map, Value};
use time::PrimitiveDateTime;

use super::schema::apikey;

/// One `apikey` row. `key` is the stored hash, never the secret.
#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = apikey)]
pub struct ApiKey {
    /// 32-character random id.
    pub id: String,
    /// The configuration the key belongs to (`"default"`).
    pub config_id: String,
    /// Display name.
    pub name: Option<String>,
    /// First characters of the full key, for display.
    pub start: Option<String>,
    /// Owner (a user id for user-owned keys).
    pub reference_id: String,
    /// Prefix of the key.
    pub prefix: Option<String>,
    /// SHA-256 of the full key, base64url without padding.
    pub key: String,
    /// Refill period in ms.
    pub refill_interval: Option<i32>,
    /// What `remaining` is reset to on refill.
    pub refill_amount: Option<i32>,
    /// Last refill.
    pub last_refill_at: Option<PrimitiveDateTime>,
    /// Disabled keys fail verification.
    pub enabled: Option<bool>,
    /// Per-key rate limit switch.
    pub rate_limit_enabled: Option<bool>,
    /// Rate-limit window in ms.
    pub rate_limit_time_window: Option<i32>,
    /// Admissions per window.
    pub rate_limit_max: Option<i32>,
    /// Admissions in the current window.
    pub request_count: Option<i32>,
    /// Uses left (`None`: unlimited).
    pub remaining: Option<i32>,
    /// Last admitted request.
    pub last_request: Option<PrimitiveDateTime>,
    /// Expiry.
    pub expires_at: Option<PrimitiveDateTime>,
    /// Creation time.
    pub created_at: PrimitiveDateTime,
    /// Last change.
    pub updated_at: PrimitiveDateTime,
    /// JSON text: resource → actions.
    pub permissions: Option<String>,
    /// JSON text: an object.
    pub metadata: Option<String>,
    /// latchkey: start of the current fixed rate-limit window.
    pub rate_limit_window_start: Option<PrimitiveDateTime>,
    /// latchkey: JSON text, the key's several rate-limit windows with the
    /// state of each (see [`crate::rate_limits`]); `None`: only
    /// better-auth's single window.
    pub rate_limits: Option<String>,
    /// latchkey: admitted verifies over the key's life (better-auth's
    /// `requestCount` counts only within a rate-limit window).
    pub usage_count: i32,
}

fn ts(at: Option<PrimitiveDateTime>) -> Value {
    at.map_or(Value::Null, |at| Value::String(time_format::format(at)))
}

/// Parses a JSON text column; a corrupt value answers `null` rather than failing the request.
pub fn parse_json_column(text: Option<&str>) -> Value {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

impl ApiKey {
    /// The record as better-auth answers it (no secret, no hash), plus
    /// `userId` for clients of the older reference.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        let fields = json!({
            "id": self.id,
            "configId": self.config_id,
            "name": self.name,
            "start": self.start,
            "referenceId": self.reference_id,
            "userId": self.reference_id,
            "prefix": self.prefix,
            "refillInterval": self.refill_interval,
            "refillAmount": self.refill_amount,
            "lastRefillAt": ts(self.last_refill_at),
            "enabled": self.enabled.unwrap_or(true),
            "rateLimitEnabled": self.rate_limit_enabled.unwrap_or(true),
            "rateLimitTimeWindow": self.rate_limit_time_window,
            "rateLimitMax": self.rate_limit_max,
            "requestCount": self.request_count.unwrap_or(0),
            "usageCount": self.usage_count,
            "remaining": self.remaining,
            "lastRequest": ts(self.last_request),
            "expiresAt": ts(self.expires_at),
            "createdAt": ts(Some(self.created_at)),
            "updatedAt": ts(Some(self.updated_at)),
            "permissions": parse_json_column(self.permissions.as_deref()),
            "metadata": parse_json_column(self.metadata.as_deref()),
        });
        if let Value::Object(fields) = fields {
            map.extend(fields);
        }
        // latchkey's windows, only on keys that have them (configuration
        // only: the counters are the rate-limit headers' business).
        if let Some(windows) = crate::rate_limits::config_json(self.rate_limits.as_deref()) {
            map.insert("rateLimits".to_owned(), windows);
        }
        Value::Object(map)
    }
}
