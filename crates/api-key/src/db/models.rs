//! The `apikey` row and its JSON form.

use diesel::prelude::*;
use latchkey_session::time_format;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
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
    pub usage_count: i64,
}

/// Parses a JSON text column; a corrupt value answers `null` rather than failing the request.
pub fn parse_json_column(text: Option<&str>) -> Value {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

impl ApiKey {
    /// The record as better-auth answers it (no secret, no hash), plus
    /// `userId` for clients of the older reference: [`KeyRecord`] as a value.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(KeyRecord(self)).unwrap_or(Value::Null)
    }
}

/// The JSON form of a key record, written straight to the answer (no
/// intermediate map: verification answers one per request). Keys come in
/// sorted order, as they always did.
#[derive(Debug, Clone, Copy)]
pub struct KeyRecord<'a>(pub &'a ApiKey);

impl Serialize for KeyRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let k = self.0;
        let at = |at: Option<PrimitiveDateTime>| at.map(time_format::format);
        // latchkey's windows, only on keys that have them (configuration
        // only: the counters are the rate-limit headers' business).
        let windows = crate::rate_limits::config_json(k.rate_limits.as_deref());
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("configId", &k.config_id)?;
        map.serialize_entry("createdAt", &time_format::format(k.created_at))?;
        map.serialize_entry("enabled", &k.enabled.unwrap_or(true))?;
        map.serialize_entry("expiresAt", &at(k.expires_at))?;
        map.serialize_entry("id", &k.id)?;
        map.serialize_entry("lastRefillAt", &at(k.last_refill_at))?;
        map.serialize_entry("lastRequest", &at(k.last_request))?;
        map.serialize_entry("metadata", &parse_json_column(k.metadata.as_deref()))?;
        map.serialize_entry("name", &k.name)?;
        let permissions = parse_json_column(k.permissions.as_deref());
        map.serialize_entry("permissions", &permissions)?;
        map.serialize_entry("prefix", &k.prefix)?;
        map.serialize_entry("rateLimitEnabled", &k.rate_limit_enabled.unwrap_or(true))?;
        map.serialize_entry("rateLimitMax", &k.rate_limit_max)?;
        map.serialize_entry("rateLimitTimeWindow", &k.rate_limit_time_window)?;
        if let Some(windows) = &windows {
            map.serialize_entry("rateLimits", windows)?;
        }
        map.serialize_entry("referenceId", &k.reference_id)?;
        map.serialize_entry("refillAmount", &k.refill_amount)?;
        map.serialize_entry("refillInterval", &k.refill_interval)?;
        map.serialize_entry("remaining", &k.remaining)?;
        map.serialize_entry("requestCount", &k.request_count.unwrap_or(0))?;
        map.serialize_entry("start", &k.start)?;
        map.serialize_entry("updatedAt", &time_format::format(k.updated_at))?;
        map.serialize_entry("usageCount", &k.usage_count)?;
        map.serialize_entry("userId", &k.reference_id)?;
        map.end()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rate_limits::{to_column, RateWindow};

    #[test]
    fn records_are_written_in_sorted_key_order() {
        let mut key = crate::rate_limits::test_support::key();
        for rate_limits in [None, to_column(&[RateWindow::new(60_000, 5)])] {
            key.rate_limits = rate_limits;
            key.permissions = Some(r#"{"files":["read"]}"#.into());
            key.last_request = Some(key.created_at);
            let text = serde_json::to_string(&KeyRecord(&key)).unwrap();
            // A `Value` map writes its keys sorted: the same text means the
            // same fields, values and order.
            let value: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), text);
            assert_eq!(value["userId"], value["referenceId"]);
            assert_eq!(value.get("rateLimits").is_some(), key.rate_limits.is_some());
            assert_eq!(key.to_json(), value);
        }
    }
}
