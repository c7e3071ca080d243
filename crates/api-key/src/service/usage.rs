//! Reading the usage log: a key's recent requests and an owner's figures;
//! pruning it by age. (Writing it is [`crate::usage::UsageLog`]'s job.)
//!
//! A key's `usageCount` is latchkey's own column of that name (every
//! admitted verify over the key's life; better-auth's `requestCount` counts
//! only within a rate-limit window, and only for rate-limited keys) and its
//! `lastUsed` is better-auth's `lastRequest`. Calls, success rate and
//! response times come from the log: what its retention keeps.

use std::collections::HashMap;

use latchkey_session::run_blocking;
use time::PrimitiveDateTime;

use super::ApiKeys;
use crate::db::models::ApiKey;
use crate::db::queries::keys::{self, KeyFilters, ListFilter};
use crate::db::queries::usage::{self as queries, KeyCalls};
use crate::db::usage::UsageRow;
use crate::error::ApiKeyError;

/// One page of a key's usage and how many rows it has in all.
#[derive(Debug, Clone)]
pub struct UsagePage {
    /// Newest first.
    pub rows: Vec<UsageRow>,
    /// All rows of the key.
    pub total: i64,
}

/// One key in an owner's figures.
#[derive(Debug, Clone)]
pub struct KeyStats {
    /// The key (no secret).
    pub key: ApiKey,
    /// Enabled and not expired.
    pub active: bool,
    /// Its logged calls.
    pub calls: KeyCalls,
}

/// An owner's figures.
#[derive(Debug, Clone)]
pub struct OwnerStats {
    /// Keys enabled and not expired.
    pub active_keys: usize,
    /// Calls in the log over all their keys.
    pub calls: KeyCalls,
    /// Every key, oldest first.
    pub keys: Vec<KeyStats>,
}

fn active(key: &ApiKey, now: PrimitiveDateTime) -> bool {
    key.enabled != Some(false) && key.expires_at.is_none_or(|at| at > now)
}

impl ApiKeys {
    /// A page of the usage of `key_id` (`page` from 1), newest first, if
    /// `owner` owns it; another owner's key is `KEY_NOT_FOUND`.
    pub async fn usage(
        &self,
        key_id: &str,
        owner: &str,
        page: u64,
        size: u64,
    ) -> Result<UsagePage, ApiKeyError> {
        let (id, owner) = (key_id.to_owned(), owner.to_owned());
        let limit = i64::try_from(size).unwrap_or(i64::MAX);
        let offset = i64::try_from(page.saturating_sub(1).saturating_mul(size)).unwrap_or(i64::MAX);
        self.run_settled(move |conn| {
            if keys::find_owned(conn, &id, &owner)?.is_none() {
                return Err(ApiKeyError::KeyNotFound);
            }
            let total = queries::count_for_key(conn, &id)?;
            let rows = queries::page_for_key(conn, &id, limit, offset)?;
            Ok(UsagePage { rows, total })
        })
        .await
    }

    /// The figures of `owner`'s keys: how many are active, their logged
    /// calls, and per key its counters and calls.
    pub async fn stats(&self, owner: &str) -> Result<OwnerStats, ApiKeyError> {
        let owner = owner.to_owned();
        let now = self.clock.now();
        self.run_settled(move |conn| {
            let filter = ListFilter {
                owner: &owner,
                config_id: None,
                filters: KeyFilters::default(),
                sort: None,
                limit: None,
                offset: None,
            };
            let owned = keys::list_owned(conn, &filter)?;
            let mut calls: HashMap<String, KeyCalls> =
                queries::calls_by_key(conn, &owner)?.into_iter().collect();
            let mut total = KeyCalls::default();
            let keys: Vec<KeyStats> = owned
                .into_iter()
                .map(|key| {
                    let logged = calls.remove(&key.id).unwrap_or_default();
                    total.calls += logged.calls;
                    total.successes += logged.successes;
                    total.duration_ms += logged.duration_ms;
                    KeyStats {
                        active: active(&key, now),
                        key,
                        calls: logged,
                    }
                })
                .collect();
            Ok(OwnerStats {
                active_keys: keys.iter().filter(|k| k.active).count(),
                calls: total,
                keys,
            })
        })
        .await
    }

    /// Deletes usage rows older than the usage retention; nothing when no
    /// retention is configured. Returns how many.
    pub async fn sweep_usage(&self) -> Result<usize, ApiKeyError> {
        let Some(retention) = self.options.usage_retention else {
            return Ok(0);
        };
        let cutoff = self.clock.now() - retention;
        run_blocking(&self.pool, move |conn| {
            Ok(queries::delete_older_than(conn, cutoff)?)
        })
        .await
    }
}
