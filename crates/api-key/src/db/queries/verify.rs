//! The hot path: one conditional `UPDATE … RETURNING` that admits a key and
//! charges every counter (remaining, refill, rate-limit window) at once, or
//! changes nothing. Concurrent verifies serialise on the row lock, and each
//! re-evaluates the conditions against the row as the previous one left it,
//! so a budget can never be overspent, on any number of server instances.
//!
//! The same statement matches a rotated key's previous secret while its
//! grace period runs, and checks and charges latchkey's several rate-limit
//! windows (a JSON array in the row's own `"rateLimits"` column, see
//! [`crate::rate_limits`]): every window must have room, and then each
//! counts the request; a refused request counts in none. The windows'
//! conditions read only the row being updated, so PostgreSQL re-evaluates
//! them on the row version a concurrent verify left, like every other
//! condition here. Keys without windows skip that part.
//!
//! The statement is the same on both backends except for timestamp
//! arithmetic, JSON functions and placeholder syntax, which is the one
//! place this file branches on the backend.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use crate::db::models::ApiKey;
use crate::db::schema::apikey;
use crate::keys::HashedKey;
use crate::rate_limits::epoch_ms;

/// What one verify may charge, and under which conditions.
#[derive(Debug, Clone, Copy)]
pub struct Consume<'a> {
    /// Hash of the presented key.
    pub hash: &'a HashedKey,
    /// The time of the request.
    pub now: PrimitiveDateTime,
    /// The plugin-wide rate-limit switch.
    pub rate_limit_enabled: bool,
    /// The configuration the caller expects, if it names one.
    pub config_id: Option<&'a str>,
    /// When permissions were checked on a read, the `permissions` text they
    /// were checked against: the update then only applies if unchanged.
    pub checked_permissions: Option<Option<&'a str>>,
}

/// `$elapsed(ts, ms)`: at least `ms` milliseconds have passed since `ts`.
/// `$open(ts, ms)`: less than `ms` milliseconds have passed since `ts`.
const TEMPLATE: &str = r#"
UPDATE apikey SET
    remaining = CASE
        WHEN remaining IS NULL THEN NULL
        WHEN {REFILL_DUE} THEN "refillAmount" - 1
        ELSE remaining - 1 END,
    "lastRefillAt" = CASE
        WHEN remaining IS NOT NULL AND {REFILL_DUE} THEN $2
        ELSE "lastRefillAt" END,
    "requestCount" = CASE
        WHEN NOT {RL_ON} THEN "requestCount"
        WHEN NOT {WINDOW_OPEN} THEN 1
        ELSE COALESCE("requestCount", 0) + 1 END,
    "rateLimitWindowStart" = CASE
        WHEN {RL_ON} AND NOT {WINDOW_OPEN} THEN $2
        ELSE "rateLimitWindowStart" END,
    "rateLimits" = CASE
        WHEN {WINDOWS_ON} THEN {WINDOWS_CHARGED}
        ELSE "rateLimits" END,
    "usageCount" = "usageCount" + 1,
    "lastRequest" = $2,
    "updatedAt" = $2
WHERE (key = $1 OR ("previousKey" = $1 AND "previousKeyExpiresAt" > $2))
    AND ($4 IS NULL OR "configId" = $4)
    AND enabled IS NOT FALSE
    AND ("expiresAt" IS NULL OR "expiresAt" > $2)
    AND (NOT $5 OR permissions IS NOT DISTINCT FROM $6)
    AND (remaining IS NULL OR remaining > 0 OR {REFILL_DUE})
    AND (NOT {RL_ON} OR NOT {WINDOW_OPEN} OR COALESCE("requestCount", 0) < "rateLimitMax")
    AND (NOT {WINDOWS_ON} OR NOT EXISTS (
        SELECT 1 FROM {EACH_WINDOW} WHERE {W_OPEN} AND {W_COUNT} >= {W_MAX}))
RETURNING id, "configId" AS config_id, name, start, "referenceId" AS reference_id,
    prefix, key, "refillInterval" AS refill_interval, "refillAmount" AS refill_amount,
    "lastRefillAt" AS last_refill_at, enabled, "rateLimitEnabled" AS rate_limit_enabled,
    "rateLimitTimeWindow" AS rate_limit_time_window, "rateLimitMax" AS rate_limit_max,
    "requestCount" AS request_count, remaining, "lastRequest" AS last_request,
    "expiresAt" AS expires_at, "createdAt" AS created_at, "updatedAt" AS updated_at,
    permissions, metadata, "rateLimitWindowStart" AS rate_limit_window_start,
    "rateLimits" AS rate_limits, "usageCount" AS usage_count"#;

const REFILL_DUE: &str = r#"("refillInterval" IS NOT NULL AND "refillAmount" IS NOT NULL AND {ELAPSED(COALESCE("lastRefillAt", "createdAt"), "refillInterval")})"#;
const RL_ON: &str = r#"($3 AND "rateLimitEnabled" IS NOT FALSE AND "rateLimitTimeWindow" IS NOT NULL AND "rateLimitMax" IS NOT NULL)"#;
const WINDOW_OPEN: &str = r#"("rateLimitWindowStart" IS NOT NULL AND NOT {ELAPSED("rateLimitWindowStart", "rateLimitTimeWindow")})"#;

/// latchkey's windows apply: the key has some, and rate limiting is on for
/// the plugin (`$3`) and the key.
const WINDOWS_ON: &str = r#"("rateLimits" IS NOT NULL AND $3 AND "rateLimitEnabled" IS NOT FALSE)"#;
/// Over one window `{W}` (a JSON object) of the row's array: whether its
/// current window still runs at `$7` (epoch ms), its count, its max.
const W_OPEN: &str = "(({W} ->> 'start') IS NOT NULL AND CAST({W} ->> 'start' AS BIGINT) + CAST({W} ->> 'window' AS BIGINT) > $7)";
const W_COUNT: &str = "COALESCE(CAST({W} ->> 'count' AS BIGINT), 0)";
const W_MAX: &str = "CAST({W} ->> 'max' AS BIGINT)";
/// The array after this request: each running window counts one more, each
/// other starts now with a count of 1 (in array order).
const WINDOWS_CHARGED: &str = "(SELECT {ARRAY_AGG}({OBJECT}(
        'window', CAST({W} ->> 'window' AS BIGINT),
        'max', {W_MAX},
        'start', CASE WHEN {W_OPEN} THEN CAST({W} ->> 'start' AS BIGINT) ELSE $7 END,
        'count', CASE WHEN {W_OPEN} THEN {W_COUNT} + 1 ELSE 1 END) ORDER BY {W_INDEX}){AS_TEXT}
    FROM {EACH_WINDOW})";

/// Renders the statement for one backend.
fn render(postgres: bool) -> String {
    let elapsed = |ts: &str, ms: &str| {
        if postgres {
            format!("({ts} + {ms} * INTERVAL '1 millisecond' <= $2)")
        } else {
            let epoch_ms =
                |x: &str| format!("CAST(ROUND(unixepoch({x}, 'subsec') * 1000) AS INTEGER)");
            format!("({} + {ms} <= {})", epoch_ms(ts), epoch_ms("$2"))
        }
    };
    let refill_due = REFILL_DUE.replace(
        r#"{ELAPSED(COALESCE("lastRefillAt", "createdAt"), "refillInterval")}"#,
        &elapsed(
            r#"COALESCE("lastRefillAt", "createdAt")"#,
            r#""refillInterval""#,
        ),
    );
    let window_open = WINDOW_OPEN.replace(
        r#"{ELAPSED("rateLimitWindowStart", "rateLimitTimeWindow")}"#,
        &elapsed(r#""rateLimitWindowStart""#, r#""rateLimitTimeWindow""#),
    );
    // The windows' JSON: jsonb on PostgreSQL, the JSON1 functions on SQLite
    // (3.44+ for ORDER BY in an aggregate; `->>` reads a member on both).
    let (each_window, element, index, array_agg, object, as_text) = if postgres {
        (
            r#"jsonb_array_elements(apikey."rateLimits"::jsonb) WITH ORDINALITY AS w(v, i)"#,
            "w.v",
            "w.i",
            "jsonb_agg",
            "jsonb_build_object",
            "::text",
        )
    } else {
        (
            r#"json_each(apikey."rateLimits") AS w"#,
            "w.value",
            "w.key",
            "json_group_array",
            "json_object",
            "",
        )
    };
    let sql = TEMPLATE
        .replace("{REFILL_DUE}", &refill_due)
        .replace("{RL_ON}", RL_ON)
        .replace("{WINDOW_OPEN}", &window_open)
        .replace("{WINDOWS_ON}", WINDOWS_ON)
        .replace("{WINDOWS_CHARGED}", WINDOWS_CHARGED)
        .replace("{W_OPEN}", W_OPEN)
        .replace("{W_COUNT}", W_COUNT)
        .replace("{W_MAX}", W_MAX)
        .replace("{W_INDEX}", index)
        .replace("{ARRAY_AGG}", array_agg)
        .replace("{OBJECT}", object)
        .replace("{AS_TEXT}", as_text)
        .replace("{EACH_WINDOW}", each_window)
        .replace("{W}", element);
    if postgres {
        sql
    } else {
        // SQLite's numbered parameters: `?2` is the second bind, like `$2`.
        sql.replace('$', "?")
    }
}

fn statement(postgres: bool) -> &'static str {
    static PG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static SQLITE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if postgres {
        PG.get_or_init(|| render(true))
    } else {
        SQLITE.get_or_init(|| render(false))
    }
}

macro_rules! bind_all {
    ($sql:expr, $c:expr) => {
        diesel::sql_query($sql)
            .bind::<Text, _>($c.hash.as_str())
            .bind::<Timestamp, _>($c.now)
            .bind::<Bool, _>($c.rate_limit_enabled)
            .bind::<Nullable<Text>, _>($c.config_id)
            .bind::<Bool, _>($c.checked_permissions.is_some())
            .bind::<Nullable<Text>, _>($c.checked_permissions.flatten())
            .bind::<BigInt, _>(epoch_ms($c.now))
    };
}

/// Admits the key and charges it, returning the updated row; `None` when
/// any condition refused it (nothing was changed then).
pub fn consume(conn: &mut DbConnection, c: Consume<'_>) -> QueryResult<Option<ApiKey>> {
    match conn {
        DbConnection::Postgres(pg) => bind_all!(statement(true), c)
            .get_result::<ApiKey>(pg)
            .optional(),
        DbConnection::Sqlite(lite) => bind_all!(statement(false), c)
            .get_result::<ApiKey>(lite)
            .optional(),
    }
}

/// The key a presented hash names at `now`: by its current secret, or by
/// its previous one while the grace period of a rotation runs. (This is
/// what verification reads to say why it refused.)
pub fn find_presented(
    conn: &mut DbConnection,
    hash: &HashedKey,
    now: PrimitiveDateTime,
) -> QueryResult<Option<ApiKey>> {
    apikey::table
        .filter(
            apikey::key.eq(hash.as_str()).or(apikey::previous_key
                .eq(hash.as_str())
                .and(apikey::previous_key_expires_at.gt(now))),
        )
        .select(ApiKey::as_select())
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn statements_have_no_unrendered_parts() {
        for postgres in [true, false] {
            let sql = render(postgres);
            assert!(!sql.contains('{'), "{sql}");
            // Every camelCase column comes back under the field name
            // QueryableByName reads.
            for field in [
                "config_id",
                "reference_id",
                "refill_interval",
                "refill_amount",
                "last_refill_at",
                "rate_limit_enabled",
                "rate_limit_time_window",
                "rate_limit_max",
                "request_count",
                "last_request",
                "expires_at",
                "created_at",
                "updated_at",
                "rate_limit_window_start",
                "rate_limits",
                "usage_count",
            ] {
                assert!(sql.contains(&format!(" AS {field}")), "{field}");
            }
            assert_eq!(sql.contains('$'), postgres);
        }
    }
}
