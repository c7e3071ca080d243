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
//! arithmetic and JSON functions, which is the one place this file branches
//! on the backend. Each pooled connection prepares it once
//! ([`super::statement`]): PostgreSQL parses and plans it, and SQLite
//! compiles it, once per connection rather than once per request.

use std::sync::OnceLock;

use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use super::statement::{Bind, Statement, Template};
use crate::db::models::ApiKey;
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

/// What an admission charges, for `{USES}` verifies at once (1, or a
/// batch's count): remaining (after a due refill), better-auth's window
/// (restarted if it ran out), latchkey's windows, `usageCount`, and the
/// times. Every condition reads the row as it was before this update.
const CHARGE: &str = r#"
    remaining = CASE
        WHEN remaining IS NULL THEN NULL
        WHEN {REFILL_DUE} THEN "refillAmount" - {USES}
        ELSE remaining - {USES} END,
    "lastRefillAt" = CASE
        WHEN remaining IS NOT NULL AND {REFILL_DUE} THEN $2
        ELSE "lastRefillAt" END,
    "requestCount" = CASE
        WHEN NOT {RL_ON} THEN "requestCount"
        WHEN NOT {WINDOW_OPEN} THEN {USES}
        ELSE COALESCE("requestCount", 0) + {USES} END,
    "rateLimitWindowStart" = CASE
        WHEN {RL_ON} AND NOT {WINDOW_OPEN} THEN $2
        ELSE "rateLimitWindowStart" END,
    "rateLimits" = CASE
        WHEN {WINDOWS_ON} THEN {WINDOWS_CHARGED}
        ELSE "rateLimits" END,
    "usageCount" = "usageCount" + {USES},
    "lastRequest" = $2,
    "updatedAt" = $2"#;

/// `$elapsed(ts, ms)`: at least `ms` milliseconds have passed since `ts`.
/// `$open(ts, ms)`: less than `ms` milliseconds have passed since `ts`.
const TEMPLATE: &str = r#"
UPDATE apikey SET {CHARGE}
WHERE {MATCH}
    AND ($4 IS NULL OR "configId" = $4)
    AND enabled IS NOT FALSE
    AND ("expiresAt" IS NULL OR "expiresAt" > $2)
    AND (NOT $5 OR permissions IS NOT DISTINCT FROM $6)
    AND (remaining IS NULL OR remaining > 0 OR {REFILL_DUE})
    AND (NOT {RL_ON} OR NOT {WINDOW_OPEN} OR COALESCE("requestCount", 0) < "rateLimitMax")
    AND (NOT {WINDOWS_ON} OR NOT EXISTS (
        SELECT 1 FROM {EACH_WINDOW} WHERE {W_OPEN} AND {W_COUNT} >= {W_MAX}))
RETURNING {COLUMNS}"#;

/// Every column of [`ApiKey`], under the field names `QueryableByName` reads.
const COLUMNS: &str = r#"id, "configId" AS config_id, name, start, "referenceId" AS reference_id,
    prefix, key, "refillInterval" AS refill_interval, "refillAmount" AS refill_amount,
    "lastRefillAt" AS last_refill_at, enabled, "rateLimitEnabled" AS rate_limit_enabled,
    "rateLimitTimeWindow" AS rate_limit_time_window, "rateLimitMax" AS rate_limit_max,
    "requestCount" AS request_count, remaining, "lastRequest" AS last_request,
    "expiresAt" AS expires_at, "createdAt" AS created_at, "updatedAt" AS updated_at,
    permissions, metadata, "rateLimitWindowStart" AS rate_limit_window_start,
    "rateLimits" AS rate_limits, "usageCount" AS usage_count"#;

/// A refill is due (`refillAmount` must be positive: a row holding 0 or
/// less, which the API refuses, must not admit a used-up key).
const REFILL_DUE: &str = r#"("refillInterval" IS NOT NULL AND "refillAmount" > 0 AND {ELAPSED(COALESCE("lastRefillAt", "createdAt"), "refillInterval")})"#;
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
/// The array after this request (`{USES}` requests): each running window
/// counts them, each other starts now with them (in array order).
const WINDOWS_CHARGED: &str = "(SELECT {ARRAY_AGG}({OBJECT}(
        'window', CAST({W} ->> 'window' AS BIGINT),
        'max', {W_MAX},
        'start', CASE WHEN {W_OPEN} THEN CAST({W} ->> 'start' AS BIGINT) ELSE $7 END,
        'count', CASE WHEN {W_OPEN} THEN {W_COUNT} + {USES} ELSE {USES} END) ORDER BY {W_INDEX}){AS_TEXT}
    FROM {EACH_WINDOW})";

/// The presented key, for one verify: its current secret, or its previous
/// one while the grace period of a rotation runs.
const MATCH_ONE: &str = r#"(key = $1 OR ("previousKey" = $1 AND "previousKeyExpiresAt" > $2))"#;
/// The presented keys of a batch of distinct keys ([`super::batch::charge_batch`]): current secrets only,
/// `$1` a list of hashes (base64url: no comma, quote or bracket in them).
const MATCH_MANY_PG: &str = "key = ANY(string_to_array($1, ','))";
const MATCH_MANY_SQLITE: &str = "key IN (SELECT value FROM json_each($1))";

/// PostgreSQL: several uses of each of several keys, in one statement
/// (`$1` the hashes, `$8` how many verifies of each, both comma-separated).
/// `batch` locks the keys (in the order of the key index, the order an
/// index scan of the batch's distinct keys meets them in) and works out, on the row as the
/// lock returns it, how many of the key's verifies one-by-one statements
/// would admit: as many as requested, as `remaining` (or the refill) leaves,
/// as better-auth's window and each of latchkey's windows leave (a window
/// that has run out restarts with the first of them); then the UPDATE
/// charges that many at once. Shapes whose one-by-one outcome is not that
/// simple (a max or window under 1) are left out,
/// for the one-key statement to decide.
const TEMPLATE_REPEATED: &str = r#"
WITH batch AS MATERIALIZED (
    SELECT apikey.id AS batch_id, CAST(LEAST(req.uses,
        CASE WHEN remaining IS NULL THEN req.uses
             WHEN {REFILL_DUE} THEN "refillAmount"
             ELSE GREATEST(remaining, 0) END,
        CASE WHEN NOT {RL_ON} THEN req.uses
             WHEN NOT {WINDOW_OPEN} THEN "rateLimitMax"
             ELSE GREATEST("rateLimitMax" - COALESCE("requestCount", 0), 0) END,
        CASE WHEN NOT {WINDOWS_ON} THEN req.uses
             ELSE COALESCE((SELECT MIN(CASE WHEN {W_OPEN}
                     THEN GREATEST({W_MAX} - {W_COUNT}, 0) ELSE {W_MAX} END)
                 FROM {EACH_WINDOW}), req.uses) END
    ) AS integer) AS batch_uses
    FROM unnest(string_to_array($1, ','), CAST(string_to_array($8, ',') AS integer[]))
        AS req(hash, uses)
    JOIN apikey ON apikey.key = req.hash
    WHERE enabled IS NOT FALSE
        AND ("expiresAt" IS NULL OR "expiresAt" > $2)
        AND NOT ({RL_ON} AND ("rateLimitMax" < 1 OR "rateLimitTimeWindow" < 1))
        AND NOT ({WINDOWS_ON} AND EXISTS (SELECT 1 FROM {EACH_WINDOW}
            WHERE {W_MAX} < 1 OR CAST({W} ->> 'window' AS BIGINT) < 1))
    ORDER BY apikey.key
    FOR UPDATE OF apikey
)
UPDATE apikey SET {CHARGE}
FROM batch
WHERE apikey.id = batch_id AND batch_uses > 0
RETURNING batch_uses AS admitted, {COLUMNS}"#;

/// Which verify statement to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// One verify of one key ([`consume`]).
    One,
    /// One verify of each of several distinct keys ([`super::batch::charge_batch`]).
    Many,
    /// Several verifies of each of several keys (PostgreSQL only).
    Repeated,
}

/// Renders the one-key statement for one backend.
fn render(postgres: bool) -> String {
    render_for(postgres, Kind::One)
}

/// Renders a verify statement for one backend.
pub(super) fn render_for(postgres: bool, kind: Kind) -> String {
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
    let (template, matching, uses) = match (kind, postgres) {
        (Kind::One, _) => (TEMPLATE, MATCH_ONE, "1"),
        (Kind::Many, true) => (TEMPLATE, MATCH_MANY_PG, "1"),
        (Kind::Many, false) => (TEMPLATE, MATCH_MANY_SQLITE, "1"),
        (Kind::Repeated, _) => (TEMPLATE_REPEATED, "", "batch_uses"),
    };
    template
        .replace("{CHARGE}", CHARGE)
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
        .replace("{W}", element)
        .replace("{COLUMNS}", COLUMNS)
        .replace("{MATCH}", matching)
        .replace("{USES}", uses)
}

/// The verify statement of a backend as text, its binds named `$1`..`$7`
/// (for benchmarks that run the very statement outside latchkey).
pub fn statement_text(postgres: bool) -> &'static str {
    static PG: OnceLock<String> = OnceLock::new();
    static SQLITE: OnceLock<String> = OnceLock::new();
    if postgres {
        PG.get_or_init(|| render(true))
    } else {
        SQLITE.get_or_init(|| render(false))
    }
}

fn template(postgres: bool) -> &'static Template {
    static PG: OnceLock<Template> = OnceLock::new();
    static SQLITE: OnceLock<Template> = OnceLock::new();
    let cell = if postgres { &PG } else { &SQLITE };
    cell.get_or_init(|| Template::new(statement_text(postgres)))
}

/// Names the verify statement in Diesel's statement cache.
struct ConsumeStatement;

/// Admits the key and charges it, returning the updated row; `None` when
/// any condition refused it (nothing was changed then). Prepared once per
/// connection.
pub fn consume(conn: &mut DbConnection, c: Consume<'_>) -> QueryResult<Option<ApiKey>> {
    let _one_writer = crate::sync::sqlite_writer_for(conn);
    consume_locked(conn, c)
}

/// [`consume`], for a caller that holds [`crate::sync::sqlite_writer`] (SQLite).
pub(super) fn consume_locked(
    conn: &mut DbConnection,
    c: Consume<'_>,
) -> QueryResult<Option<ApiKey>> {
    let binds = [
        Bind::Text(c.hash.as_str()),
        Bind::Time(c.now),
        Bind::Bool(c.rate_limit_enabled),
        Bind::OptText(c.config_id),
        Bind::Bool(c.checked_permissions.is_some()),
        Bind::OptText(c.checked_permissions.flatten()),
        Bind::BigInt(epoch_ms(c.now)),
    ];
    match conn {
        DbConnection::Postgres(pg) => Statement::<ConsumeStatement>::new(template(true), &binds)
            .get_result::<ApiKey>(pg)
            .optional(),
        DbConnection::Sqlite(lite) => Statement::<ConsumeStatement>::new(template(false), &binds)
            .get_result::<ApiKey>(lite)
            .optional(),
    }
}

/// The key a presented hash names at `now`: by its current secret, or by
/// its previous one while the grace period of a rotation runs. (This is
/// what verification reads to say why it refused, and to admit a key that
/// needs no counter charged.) Prepared once per connection; reads only.
/// The current secret is looked up first, and the `LIMIT` ends the scan
/// there when it matches (one index probe; an `OR` of both made PostgreSQL
/// combine two index scans into a bitmap on every verify).
pub fn find_presented(
    conn: &mut DbConnection,
    hash: &HashedKey,
    now: PrimitiveDateTime,
) -> QueryResult<Option<ApiKey>> {
    static LOOKUP: OnceLock<Template> = OnceLock::new();
    let template = LOOKUP.get_or_init(|| {
        Template::new(&format!(
            r#"SELECT {COLUMNS} FROM apikey WHERE key = $1
UNION ALL
SELECT {COLUMNS} FROM apikey WHERE "previousKey" = $1 AND "previousKeyExpiresAt" > $2
LIMIT 1"#
        ))
    });
    let binds = [Bind::Text(hash.as_str()), Bind::Time(now)];
    let statement = Statement::<LookupStatement>::new(template, &binds);
    match conn {
        DbConnection::Postgres(pg) => statement.get_result::<ApiKey>(pg).optional(),
        DbConnection::Sqlite(lite) => statement.get_result::<ApiKey>(lite).optional(),
    }
}

/// Locks the row `hash` presents (by its current or its previous secret)
/// until the transaction ends: a no-op `UPDATE` takes PostgreSQL's row lock
/// and SQLite's write lock, so nothing changes the row meanwhile.
pub fn lock_presented(conn: &mut DbConnection, hash: &HashedKey) -> QueryResult<usize> {
    use crate::db::schema::apikey::dsl::{apikey, key, previous_key};
    diesel::update(apikey.filter(key.eq(hash.as_str()).or(previous_key.eq(hash.as_str()))))
        .set(key.eq(key))
        .execute(conn)
}

/// Names the lookup in Diesel's statement cache.
struct LookupStatement;

#[cfg(test)]
#[path = "verify_tests.rs"]
mod storage_tests;

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn statements_have_no_unrendered_parts() {
        use super::{render_for, Kind};
        let kinds = [
            (true, Kind::One),
            (true, Kind::Many),
            (true, Kind::Repeated),
            (false, Kind::One),
            (false, Kind::Many),
        ];
        for (postgres, kind) in kinds {
            let sql = render_for(postgres, kind);
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
            assert!(sql.contains("$7"));
        }
        for postgres in [true, false] {
            assert!(render(postgres).contains("$7"));
            assert_eq!(super::template(postgres).arity(), 7);
        }
    }
}
