//! Wire shapes of the usage log's routes (crates/api-key handlers/usage.rs
//! and handlers/stats.rs write them).

use utoipa::ToSchema;

/// One admitted request of a key.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct UsageEntry {
    /// Entry id: unique, and grows with the order entries were written.
    pub id: i64,
    /// The key that admitted the request.
    pub key_id: String,
    /// HTTP method.
    pub method: String,
    /// Request path, without the query string.
    pub path: String,
    /// Response status.
    pub status: i32,
    /// Response time in milliseconds, from the key's verification to the
    /// answer, as the server's clock (whole milliseconds) measured it.
    #[schema(minimum = 0)]
    pub duration_ms: i32,
    /// When the request arrived (its key was verified).
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// `GET /api-key/usage` answer: one page, newest first.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct UsagePage {
    /// This page of requests, newest first.
    pub usage: Vec<UsageEntry>,
    /// How many requests of the key the log holds.
    #[schema(minimum = 0)]
    pub total: i64,
    /// The page (from 1).
    #[schema(minimum = 1)]
    pub page: i64,
    /// The page size.
    #[schema(minimum = 1, maximum = 100)]
    pub size: i64,
}

/// Success rate and response time over logged calls.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ApiUsage {
    /// Percentage of calls answered below 400 (two decimals); `null` without calls.
    #[schema(required = true)]
    pub success_rate: Option<f64>,
    /// Mean response time in milliseconds (two decimals); `null` without calls.
    #[schema(required = true)]
    pub avg_response_time_ms: Option<f64>,
}

/// One key in the caller's figures.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct KeyFigures {
    /// The key's id.
    pub id: String,
    /// Display name.
    #[schema(required = true)]
    pub name: Option<String>,
    /// The key's `enabled` flag.
    pub enabled: bool,
    /// Enabled and not expired.
    pub active: bool,
    /// The key's `usageCount`: admitted verifies over its whole life.
    #[schema(minimum = 0)]
    pub usage_count: i64,
    /// better-auth's `lastRequest`.
    #[schema(required = true, format = DateTime)]
    pub last_used: Option<String>,
    /// Calls in the usage log.
    #[schema(minimum = 0)]
    pub calls: i64,
    /// Percentage of its logged calls answered below 400; `null` without calls.
    #[schema(required = true)]
    pub success_rate: Option<f64>,
    /// Mean response time of its logged calls in ms; `null` without calls.
    #[schema(required = true)]
    pub avg_response_time_ms: Option<f64>,
}

/// `GET /api-key/stats` answer.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ApiKeyStats {
    /// The caller's keys that are enabled and not expired.
    #[schema(minimum = 0)]
    pub active_api_keys: i64,
    /// Calls in the usage log over all the caller's keys.
    #[schema(minimum = 0)]
    pub total_api_calls: i64,
    /// Success rate and response time over those calls.
    pub api_usage: ApiUsage,
    /// Every key of the caller, oldest first.
    pub api_keys: Vec<KeyFigures>,
}
