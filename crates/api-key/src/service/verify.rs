//! Verification, in better-auth's order: configuration → enabled → expiry →
//! permissions → remaining (with refill) → rate limit (better-auth's window,
//! then latchkey's several windows). Admission is one atomic statement
//! ([`crate::db::queries::verify::consume`]); only a refusal reads the row
//! again, to say why. A key with nothing to charge is admitted on a read of
//! its row instead (or on a row this process read less than the cache TTL
//! ago), its admission counted in memory ([`check_counting`],
//! [`crate::counters`], [`crate::key_cache`]). A rotated key's previous secret verifies as the
//! key while its grace period runs.

use diesel::Connection;
use latchkey_session::db::DbConnection;
use latchkey_session::{run_blocking, StorageError};
use serde::Serialize;
use serde_json::Value;
use time::{Duration, PrimitiveDateTime};

use super::ApiKeys;
use crate::batch::Charge;
use crate::counters::{is_plain, KeyCounters};
use crate::db::models::{ApiKey, KeyRecord};
use crate::db::queries::{keys, verify};
use crate::error::{ApiKeyError, Refusal};
use crate::keys::{HashedKey, PlainKey};
use crate::permissions::{self, Permissions};
use crate::rate_limits::{windows_wait_ms, RateLimitStatus};

/// What to verify a key against.
#[derive(Debug, Clone, Default)]
pub struct VerifyRequest {
    /// Every action of every resource here must be held by the key.
    pub permissions: Option<Permissions>,
    /// The configuration the key must belong to.
    pub config_id: Option<String>,
}

/// The outcome of a verification.
pub type Verified = Result<ApiKey, Refusal>;

/// What [`ApiKeys::verify_with_limits`] answers.
#[derive(Debug)]
pub struct Verification {
    /// Admitted (the key after this request was counted) or refused.
    pub outcome: Verified,
    /// Where the key stands in its rate-limit windows: after the request
    /// for an admission, at the refusal for `RATE_LIMITED`; `None` when no
    /// window applies or the refusal is of another kind.
    pub limits: Option<RateLimitStatus>,
    /// The clock's reading when the verify began.
    pub asked_at: PrimitiveDateTime,
}

/// better-auth's verify answer: `{valid, error, key}` (written in that
/// key order's sorted form, `error`, `key`, `valid`).
#[derive(Debug, Serialize)]
pub struct VerifyAnswer<'a> {
    error: Option<Value>,
    key: Option<KeyRecord<'a>>,
    valid: bool,
}

/// better-auth's verify answer of an outcome.
pub fn verify_answer(outcome: &Verified) -> VerifyAnswer<'_> {
    match outcome {
        Ok(key) => VerifyAnswer {
            error: None,
            key: Some(KeyRecord(key)),
            valid: true,
        },
        Err(refusal) => VerifyAnswer {
            error: Some(refusal.to_json()),
            key: None,
            valid: false,
        },
    }
}

/// How often a verify retries when its refusal and its re-read disagree
/// (the row changed in between), before it decides with the row locked.
const ATTEMPTS: usize = 3;

fn ms(n: Option<i32>) -> Duration {
    Duration::milliseconds(i64::from(n.unwrap_or(0)))
}

/// When the key's next refill is due, if it has one (a refill of nothing
/// never admits, so it does not count).
fn next_refill(key: &ApiKey) -> Option<PrimitiveDateTime> {
    match (key.refill_interval, key.refill_amount) {
        (Some(interval), Some(amount)) if amount > 0 => {
            Some(key.last_refill_at.unwrap_or(key.created_at) + ms(Some(interval)))
        }
        _ => None,
    }
}

/// Whether `refillInterval` has passed since the last refill.
fn refill_due(key: &ApiKey, now: PrimitiveDateTime) -> bool {
    next_refill(key).is_some_and(|at| at <= now)
}

/// Says why `consume` refused `key` (`None`: it should have been admitted,
/// so the row changed meanwhile).
fn classify(
    key: Option<&ApiKey>,
    request: &VerifyRequest,
    rate_limit_enabled: bool,
    now: PrimitiveDateTime,
) -> Option<Refusal> {
    let Some(key) = key else {
        return Some(Refusal::InvalidApiKey);
    };
    if let Some(refusal) = static_refusal(key, request, now) {
        return Some(refusal);
    }
    if key.remaining.is_some_and(|r| r <= 0) && !refill_due(key, now) {
        return Some(Refusal::UsageExceeded {
            refill_in: next_refill(key).map(|at| (at - now).whole_milliseconds() as i64),
        });
    }
    let rate_limited = rate_limit_enabled && key.rate_limit_enabled != Some(false);
    if !rate_limited {
        return None;
    }
    let mut wait = None;
    if let (Some(window), Some(max), Some(start)) = (
        key.rate_limit_time_window,
        key.rate_limit_max,
        key.rate_limit_window_start,
    ) {
        let resets_at = start + ms(Some(window));
        if resets_at > now && key.request_count.unwrap_or(0) >= max {
            wait = Some((resets_at - now).whole_milliseconds() as i64);
        }
    }
    // Every full window must have reset before a request can be admitted.
    let wait = wait.max(windows_wait_ms(key, now));
    wait.map(|try_again_in| Refusal::RateLimited { try_again_in })
}

/// The checks that need no counters: configuration, enabled, expiry, permissions.
fn static_refusal(
    key: &ApiKey,
    request: &VerifyRequest,
    now: PrimitiveDateTime,
) -> Option<Refusal> {
    if request
        .config_id
        .as_deref()
        .is_some_and(|c| c != key.config_id)
    {
        return Some(Refusal::InvalidApiKey);
    }
    if key.enabled == Some(false) {
        return Some(Refusal::KeyDisabled);
    }
    if key.expires_at.is_some_and(|at| at <= now) {
        return Some(Refusal::KeyExpired);
    }
    if let Some(required) = &request.permissions {
        let held = permissions::from_column(key.permissions.as_deref());
        if !held.is_some_and(|held| permissions::grants(&held, required)) {
            return Some(Refusal::MissingPermission);
        }
    }
    None
}

/// Verifies and charges a key on one connection (the statements, no HTTP).
pub fn verify_on(
    conn: &mut DbConnection,
    key: &PlainKey,
    request: &VerifyRequest,
    rate_limit_enabled: bool,
    now: PrimitiveDateTime,
) -> Result<Verified, ApiKeyError> {
    if key.is_empty() {
        return Ok(Err(Refusal::InvalidApiKey));
    }
    check_hashed(conn, &key.hash(), request, rate_limit_enabled, now).map(|(outcome, _)| outcome)
}

/// Answers the presented `hash` from this process's cache of plain keys
/// ([`crate::key_cache`]) when its row is fresh: no database at all.
/// `None`: not cached, or stale; the database decides.
fn check_cached(
    counters: &KeyCounters,
    hash: &HashedKey,
    request: &VerifyRequest,
    now: PrimitiveDateTime,
) -> Option<(Verified, Option<ApiKey>)> {
    let entry = counters.cached(hash, now)?;
    if let Some(refusal) = static_refusal(entry.row(), request, now) {
        return Some((Err(refusal), Some(entry.row().clone())));
    }
    Some((Ok(counters.admit_cached(&entry, now)), None))
}

/// [`verify_on`] for a process that counts the admissions of plain keys in
/// memory ([`crate::counters`]), for a key not answered from the cache: a
/// key last seen plain is read and, still plain and not refused, admitted
/// with no write (and its row cached); any other key goes through the one
/// atomic statement, which also tells whether it is plain. Also answers
/// the row a refusal was decided on (`None` for an unknown key, and for an
/// admission, whose row is the outcome).
pub fn check_counting(
    conn: &mut DbConnection,
    hash: &HashedKey,
    request: &VerifyRequest,
    rate_limit_enabled: bool,
    now: PrimitiveDateTime,
    counters: &KeyCounters,
) -> Result<(Verified, Option<ApiKey>), ApiKeyError> {
    if counters.looks_plain(hash) {
        let seen = counters.generation();
        let Some(row) = verify::find_presented(conn, hash, now)? else {
            counters.forget(hash);
            return Ok((Err(Refusal::InvalidApiKey), None));
        };
        let refusal = static_refusal(&row, request, now);
        if is_plain(&row, rate_limit_enabled) {
            // A plain key's row is cached refused or not: the cache
            // refuses from it as this read did (and a refresh that read a
            // change must not leave the older row answering).
            return Ok(match refusal {
                Some(refusal) => {
                    counters.remember_refused(hash, row.clone(), now, seen);
                    (Err(refusal), Some(row))
                }
                None => {
                    let admitted = counters.admit(row, now);
                    counters.remember(hash, &admitted, now, seen);
                    (Ok(admitted), None)
                }
            });
        }
        if let Some(refusal) = refusal {
            return Ok((Err(refusal), Some(row)));
        }
        // It gained a budget or a rate limit: the statement decides.
        counters.forget(hash);
    }
    let seen = counters.generation();
    Ok(
        match check_hashed(conn, hash, request, rate_limit_enabled, now)? {
            (Ok(admitted), row) => {
                let admitted = counters.charged(hash, admitted, now, seen, rate_limit_enabled);
                (Ok(admitted), row)
            }
            refused => refused,
        },
    )
}

/// The one atomic statement (and the reads that explain a refusal) for a
/// hashed key.
fn check_hashed(
    conn: &mut DbConnection,
    hash: &HashedKey,
    request: &VerifyRequest,
    rate_limit_enabled: bool,
    now: PrimitiveDateTime,
) -> Result<(Verified, Option<ApiKey>), ApiKeyError> {
    // Permissions live in a JSON column, checked here rather than in SQL:
    // read first, then admit only if the permissions are still those checked.
    let mut checked = match &request.permissions {
        Some(_) => {
            let row = verify::find_presented(conn, hash, now)?;
            match row
                .as_ref()
                .and_then(|row| static_refusal(row, request, now))
            {
                Some(refusal) => return Ok((Err(refusal), row)),
                None if row.is_none() => return Ok((Err(Refusal::InvalidApiKey), None)),
                None => row.and_then(|row| row.permissions),
            }
        }
        None => None,
    };
    for _ in 0..ATTEMPTS {
        let consume = charge(hash, request, checked.as_deref(), rate_limit_enabled, now);
        if let Some(admitted) = verify::consume(conn, consume)? {
            return Ok((Ok(admitted), None));
        }
        let row = verify::find_presented(conn, hash, now)?;
        match classify(row.as_ref(), request, rate_limit_enabled, now) {
            Some(refusal) => return Ok((Err(refusal), row)),
            None => {
                // The row changed since it was checked, and as it is now it
                // grants the request (`classify` checked its permissions):
                // the next attempt admits only if they are still these.
                if request.permissions.is_some() {
                    checked = row.and_then(|row| row.permissions);
                }
            }
        }
    }
    // The row kept changing between the read and the statement (another
    // writer busy with this key): decide once more with the row locked.
    check_locked(conn, hash, request, rate_limit_enabled, now)
}

/// The charging statement's inputs for `request`; `checked` is the
/// permissions text a required permission was checked against.
fn charge<'a>(
    hash: &'a HashedKey,
    request: &'a VerifyRequest,
    checked: Option<&'a str>,
    rate_limit_enabled: bool,
    now: PrimitiveDateTime,
) -> verify::Consume<'a> {
    verify::Consume {
        hash,
        now,
        rate_limit_enabled,
        config_id: request.config_id.as_deref(),
        checked_permissions: request.permissions.as_ref().map(|_| checked),
    }
}

/// The last resort of [`check_hashed`]: in one transaction, lock the row,
/// read it, and either explain its refusal or charge it against what was
/// read, which nothing can change before the commit.
fn check_locked(
    conn: &mut DbConnection,
    hash: &HashedKey,
    request: &VerifyRequest,
    rate_limit_enabled: bool,
    now: PrimitiveDateTime,
) -> Result<(Verified, Option<ApiKey>), ApiKeyError> {
    conn.transaction(|conn| {
        verify::lock_presented(conn, hash)?;
        let row = verify::find_presented(conn, hash, now)?;
        if let Some(refusal) = classify(row.as_ref(), request, rate_limit_enabled, now) {
            return Ok((Err(refusal), row));
        }
        let checked = row.and_then(|row| row.permissions);
        let consume = charge(hash, request, checked.as_deref(), rate_limit_enabled, now);
        Ok(match verify::consume(conn, consume)? {
            Some(admitted) => (Ok(admitted), None),
            // Unreachable while the lock holds; refuse rather than guess.
            None => (Err(Refusal::InvalidApiKey), None),
        })
    })
}

impl ApiKeys {
    /// Verifies a key and charges it exactly once if admitted. A refusal
    /// charges nothing and deletes nothing.
    pub async fn verify(
        &self,
        key: PlainKey,
        request: VerifyRequest,
    ) -> Result<Verified, ApiKeyError> {
        self.check(key, request, self.clock.now())
            .await
            .map(|(outcome, _, _)| outcome)
    }

    /// [`ApiKeys::verify`], also answering where the key stands in its
    /// rate-limit windows (for the rate-limit headers) and when it was
    /// asked (for the usage log).
    pub async fn verify_with_limits(
        &self,
        key: PlainKey,
        request: VerifyRequest,
    ) -> Result<Verification, ApiKeyError> {
        let rate_limit_enabled = self.options.rate_limit_enabled;
        let asked_at = self.clock.now();
        let (outcome, refused_row, now) = self.check(key, request, asked_at).await?;
        let limits = match (&outcome, &refused_row) {
            (Ok(admitted), _) => RateLimitStatus::of(admitted, now, rate_limit_enabled),
            (Err(Refusal::RateLimited { .. }), Some(row)) => {
                RateLimitStatus::of(row, now, rate_limit_enabled)
            }
            _ => None,
        };
        Ok(Verification {
            outcome,
            limits,
            asked_at,
        })
    }

    /// [`check_cached`], else the next verify batch ([`crate::batch`]) for
    /// a key with counters, else (or if the batch left it undecided)
    /// [`check_counting`] off the executor; answered with the moment of
    /// the clock it was decided at (`now`, the moment it was asked, but
    /// for a batch: the batch's).
    async fn check(
        &self,
        key: PlainKey,
        request: VerifyRequest,
        now: PrimitiveDateTime,
    ) -> Result<(Verified, Option<ApiKey>, PrimitiveDateTime), ApiKeyError> {
        if key.is_empty() {
            return Ok((Err(Refusal::InvalidApiKey), None, now));
        }
        let hash = key.hash();
        if let Some((outcome, row)) = check_cached(&self.counters, &hash, &request, now) {
            return Ok((outcome, row, now));
        }
        let rate_limit_enabled = self.options.rate_limit_enabled;
        let batchable = request.permissions.is_none() && request.config_id.is_none();
        if batchable && !self.counters.looks_plain(&hash) {
            let seen = self.counters.generation();
            match self.batcher.consume(&hash).await {
                Charge::Admitted(admitted, at) => {
                    let admitted =
                        self.counters
                            .charged(&hash, *admitted, at, seen, rate_limit_enabled);
                    return Ok((Ok(admitted), None, at));
                }
                Charge::Failed => {
                    return Err(StorageError::Unavailable("a verify batch failed".into()).into())
                }
                Charge::Undecided => {}
            }
        }
        let counters = self.counters.clone();
        let (outcome, row) = run_blocking(&self.pool, move |conn| {
            check_counting(conn, &hash, &request, rate_limit_enabled, now, &counters)
        })
        .await?;
        Ok((outcome, row, now))
    }

    /// Deletes every expired key; returns how many.
    pub async fn delete_expired(&self) -> Result<usize, ApiKeyError> {
        let now = self.clock.now();
        self.run_change(move |conn| Ok(keys::delete_expired(conn, now)?))
            .await
    }
}
