//! Create, read, update and delete of `apikey` rows.

use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use crate::db::models::ApiKey;
use crate::db::schema::apikey;
use crate::keys::HashedKey;

/// The backend type of [`DbConnection`] (for boxed queries).
type Db = <DbConnection as Connection>::Backend;

/// Inserts a key.
pub fn insert(conn: &mut DbConnection, key: &ApiKey) -> QueryResult<()> {
    diesel::insert_into(apikey::table)
        .values(key)
        .execute(conn)
        .map(drop)
}

/// The key with this hash.
pub fn find_by_hash(conn: &mut DbConnection, hash: &HashedKey) -> QueryResult<Option<ApiKey>> {
    apikey::table
        .filter(apikey::key.eq(hash.as_str()))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()
}

/// The key with this id if `owner` owns it (else `None`, as for a missing id).
pub fn find_owned(conn: &mut DbConnection, id: &str, owner: &str) -> QueryResult<Option<ApiKey>> {
    apikey::table
        .filter(apikey::id.eq(id))
        .filter(apikey::reference_id.eq(owner))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()
}

/// Deletes every key that expired before `now`; returns how many.
pub fn delete_expired(conn: &mut DbConnection, now: PrimitiveDateTime) -> QueryResult<usize> {
    diesel::delete(apikey::table.filter(apikey::expires_at.lt(now))).execute(conn)
}

/// The columns an update may change; `None` leaves a column alone,
/// `Some(None)` sets it to NULL.
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = apikey)]
pub struct ApiKeyChanges {
    /// Display name.
    pub name: Option<Option<String>>,
    /// Enabled flag.
    pub enabled: Option<Option<bool>>,
    /// Expiry.
    pub expires_at: Option<Option<PrimitiveDateTime>>,
    /// Metadata JSON text.
    pub metadata: Option<Option<String>>,
    /// Uses left.
    pub remaining: Option<Option<i32>>,
    /// Refill amount.
    pub refill_amount: Option<Option<i32>>,
    /// Refill period (ms).
    pub refill_interval: Option<Option<i32>>,
    /// Per-key rate limit switch.
    pub rate_limit_enabled: Option<Option<bool>>,
    /// Rate-limit window (ms).
    pub rate_limit_time_window: Option<Option<i32>>,
    /// Admissions per window.
    pub rate_limit_max: Option<Option<i32>>,
    /// latchkey's windows (JSON text, see [`crate::rate_limits`]).
    pub rate_limits: Option<Option<String>>,
    /// Permissions JSON text.
    pub permissions: Option<Option<String>>,
    /// Last change; set by the service, not counted as a change.
    pub updated_at: Option<PrimitiveDateTime>,
}

impl ApiKeyChanges {
    /// True when no column (other than `updatedAt`) would change.
    pub fn is_empty(&self) -> bool {
        *self
            == Self {
                updated_at: self.updated_at,
                ..Self::default()
            }
    }
}

/// Applies `changes` to the key with this id if `owner` owns it; the
/// updated row, or `None` when there is no such key of theirs.
pub fn update_owned(
    conn: &mut DbConnection,
    id: &str,
    owner: &str,
    changes: &ApiKeyChanges,
) -> QueryResult<Option<ApiKey>> {
    let statement = diesel::update(
        apikey::table
            .filter(apikey::id.eq(id))
            .filter(apikey::reference_id.eq(owner)),
    )
    .set(changes);
    // One `UPDATE … RETURNING`; the multi-backend type cannot return rows
    // from an update, so run it on the concrete connection.
    match conn {
        DbConnection::Postgres(pg) => statement
            .returning(ApiKey::as_returning())
            .get_result(pg)
            .optional(),
        DbConnection::Sqlite(lite) => statement
            .returning(ApiKey::as_returning())
            .get_result(lite)
            .optional(),
    }
}

/// Deletes the key with this id if `owner` owns it; false when there is none.
pub fn delete_owned(conn: &mut DbConnection, id: &str, owner: &str) -> QueryResult<bool> {
    diesel::delete(
        apikey::table
            .filter(apikey::id.eq(id))
            .filter(apikey::reference_id.eq(owner)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// The columns a list may be sorted by, named as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// `id`
    Id,
    /// `configId`
    ConfigId,
    /// `name`
    Name,
    /// `start`
    Start,
    /// `referenceId` (also `userId`)
    ReferenceId,
    /// `prefix`
    Prefix,
    /// `refillInterval`
    RefillInterval,
    /// `refillAmount`
    RefillAmount,
    /// `lastRefillAt`
    LastRefillAt,
    /// `enabled`
    Enabled,
    /// `rateLimitEnabled`
    RateLimitEnabled,
    /// `rateLimitTimeWindow`
    RateLimitTimeWindow,
    /// `rateLimitMax`
    RateLimitMax,
    /// `requestCount`
    RequestCount,
    /// `remaining`
    Remaining,
    /// `lastRequest`
    LastRequest,
    /// `expiresAt`
    ExpiresAt,
    /// `createdAt`
    CreatedAt,
    /// `updatedAt`
    UpdatedAt,
}

impl SortColumn {
    /// Every sortable column with its wire name (the hash `key`, and the
    /// JSON columns, are not sortable).
    pub const ALL: &'static [(&'static str, SortColumn)] = &[
        ("id", SortColumn::Id),
        ("configId", SortColumn::ConfigId),
        ("name", SortColumn::Name),
        ("start", SortColumn::Start),
        ("referenceId", SortColumn::ReferenceId),
        ("userId", SortColumn::ReferenceId),
        ("prefix", SortColumn::Prefix),
        ("refillInterval", SortColumn::RefillInterval),
        ("refillAmount", SortColumn::RefillAmount),
        ("lastRefillAt", SortColumn::LastRefillAt),
        ("enabled", SortColumn::Enabled),
        ("rateLimitEnabled", SortColumn::RateLimitEnabled),
        ("rateLimitTimeWindow", SortColumn::RateLimitTimeWindow),
        ("rateLimitMax", SortColumn::RateLimitMax),
        ("requestCount", SortColumn::RequestCount),
        ("remaining", SortColumn::Remaining),
        ("lastRequest", SortColumn::LastRequest),
        ("expiresAt", SortColumn::ExpiresAt),
        ("createdAt", SortColumn::CreatedAt),
        ("updatedAt", SortColumn::UpdatedAt),
    ];

    /// The column a wire name (`createdAt`) stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, column)| *column)
    }
}

/// latchkey's list filters (none set: every key of the owner).
#[derive(Debug, Clone, Default)]
pub struct KeyFilters<'a> {
    /// Only enabled keys (`enabled` not false), or only disabled ones.
    pub enabled: Option<bool>,
    /// `(true, now)`: only keys expired at `now`; `(false, now)`: only keys
    /// without an expiry or expiring after `now`.
    pub expired: Option<(bool, PrimitiveDateTime)>,
    /// Only keys whose name starts with this (case-sensitive, on both backends).
    pub name_prefix: Option<&'a str>,
}

/// Which keys a list shows and in which order; paging happens in the database.
#[derive(Debug, Clone)]
pub struct ListFilter<'a> {
    /// The owner (`referenceId`).
    pub owner: &'a str,
    /// Only keys of this configuration, if given.
    pub config_id: Option<&'a str>,
    /// latchkey's filters.
    pub filters: KeyFilters<'a>,
    /// Sort column and whether descending; `None`: by creation.
    pub sort: Option<(SortColumn, bool)>,
    /// At most this many rows.
    pub limit: Option<i64>,
    /// Skip this many rows first.
    pub offset: Option<i64>,
}

fn owned_by<'a>(owner: &'a str, config_id: Option<&'a str>) -> apikey::BoxedQuery<'a, Db> {
    let mut query = apikey::table
        .filter(apikey::reference_id.eq(owner))
        .into_boxed();
    if let Some(config_id) = config_id {
        query = query.filter(apikey::config_id.eq(config_id));
    }
    query
}

diesel::define_sql_function! {
    /// `substr(text, start, length)`, in characters on both backends.
    fn substr(text: diesel::sql_types::Nullable<diesel::sql_types::Text>, start: diesel::sql_types::Integer, length: diesel::sql_types::Integer) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// The owner's keys (in that configuration) that pass the filters.
fn matching<'a>(filter: &ListFilter<'a>) -> apikey::BoxedQuery<'a, Db> {
    let mut query = owned_by(filter.owner, filter.config_id);
    let f = &filter.filters;
    match f.enabled {
        Some(true) => query = query.filter(apikey::enabled.is_null().or(apikey::enabled.eq(true))),
        Some(false) => query = query.filter(apikey::enabled.eq(false)),
        None => {}
    }
    match f.expired {
        Some((true, now)) => query = query.filter(apikey::expires_at.le(now)),
        Some((false, now)) => {
            query = query.filter(apikey::expires_at.is_null().or(apikey::expires_at.gt(now)))
        }
        None => {}
    }
    if let Some(prefix) = f.name_prefix.filter(|p| !p.is_empty()) {
        // substr rather than LIKE: no wildcards to escape, and LIKE is
        // case-insensitive on SQLite but not on PostgreSQL.
        let len = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
        query = query.filter(substr(apikey::name, 1, len).eq(prefix));
    }
    query
}

/// Sorts like PostgreSQL does by default on both backends: NULLs after
/// every value ascending, before them descending.
macro_rules! sort_by {
    ($query:expr, $column:expr, $desc:expr) => {
        if $desc {
            $query.order_by(($column.is_null().desc(), $column.desc()))
        } else {
            $query.order_by(($column.is_null().asc(), $column.asc()))
        }
    };
}

/// One page of the owner's keys, sorted and paged by the database.
pub fn list_owned(conn: &mut DbConnection, filter: &ListFilter<'_>) -> QueryResult<Vec<ApiKey>> {
    let query = matching(filter);
    let (column, desc) = filter.sort.unwrap_or((SortColumn::CreatedAt, false));
    let mut query = match column {
        SortColumn::Id => sort_by!(query, apikey::id, desc),
        SortColumn::ConfigId => sort_by!(query, apikey::config_id, desc),
        SortColumn::Name => sort_by!(query, apikey::name, desc),
        SortColumn::Start => sort_by!(query, apikey::start, desc),
        SortColumn::ReferenceId => sort_by!(query, apikey::reference_id, desc),
        SortColumn::Prefix => sort_by!(query, apikey::prefix, desc),
        SortColumn::RefillInterval => sort_by!(query, apikey::refill_interval, desc),
        SortColumn::RefillAmount => sort_by!(query, apikey::refill_amount, desc),
        SortColumn::LastRefillAt => sort_by!(query, apikey::last_refill_at, desc),
        SortColumn::Enabled => sort_by!(query, apikey::enabled, desc),
        SortColumn::RateLimitEnabled => sort_by!(query, apikey::rate_limit_enabled, desc),
        SortColumn::RateLimitTimeWindow => sort_by!(query, apikey::rate_limit_time_window, desc),
        SortColumn::RateLimitMax => sort_by!(query, apikey::rate_limit_max, desc),
        SortColumn::RequestCount => sort_by!(query, apikey::request_count, desc),
        SortColumn::Remaining => sort_by!(query, apikey::remaining, desc),
        SortColumn::LastRequest => sort_by!(query, apikey::last_request, desc),
        SortColumn::ExpiresAt => sort_by!(query, apikey::expires_at, desc),
        SortColumn::CreatedAt => sort_by!(query, apikey::created_at, desc),
        SortColumn::UpdatedAt => sort_by!(query, apikey::updated_at, desc),
    };
    // A stable order for equal values, so pages never overlap.
    if column != SortColumn::CreatedAt {
        query = query.then_order_by(apikey::created_at.asc());
    }
    query = query.then_order_by(apikey::id.asc());
    // SQLite has no OFFSET without LIMIT.
    if let Some(limit) = filter.limit.or(filter.offset.map(|_| i64::MAX)) {
        query = query.limit(limit);
    }
    if let Some(offset) = filter.offset {
        query = query.offset(offset);
    }
    query.select(ApiKey::as_select()).load(conn)
}

/// How many keys pass the filter (whatever its sort and page).
pub fn count_matching(conn: &mut DbConnection, filter: &ListFilter<'_>) -> QueryResult<i64> {
    matching(filter).count().get_result(conn)
}

/// How many keys the owner has (in that configuration, if given).
pub fn count_owned(
    conn: &mut DbConnection,
    owner: &str,
    config_id: Option<&str>,
) -> QueryResult<i64> {
    owned_by(owner, config_id).count().get_result(conn)
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
