//! Rotation that keeps the id (seed 003, beyond better-auth): a key gets a
//! new secret and keeps everything else: id, name, prefix, metadata,
//! permissions, counters and windows. The old secret stops verifying at
//! once, or after a grace period during which both verify.
//!
//! ```no_run
//! # async fn demo(keys: latchkey_api_key::ApiKeys) -> Result<(), latchkey_api_key::ApiKeyError> {
//! let rotated = keys
//!     .rotate("key-id", "user-id", time::Duration::hours(1))
//!     .await?;
//! println!("the new key, shown once: {}", rotated.key.expose());
//! # Ok(()) }
//! ```

use serde_json::Value;
use time::{Duration, PrimitiveDateTime};

use super::ApiKeys;
use crate::db::models::ApiKey;
use crate::db::queries::keys;
use crate::db::queries::rotation::{self, Rotation};
use crate::error::ApiKeyError;
use crate::keys::PlainKey;

/// The longest grace period a rotation may give the old secret: 30 days.
pub const MAX_GRACE_PERIOD: Duration = Duration::days(30);

/// A rotated key: the record with its new secret, shown once.
#[derive(Debug, Clone)]
pub struct RotatedKey {
    /// The key row after the rotation (its `key` column is the new hash).
    pub record: ApiKey,
    /// The new full key.
    pub key: PlainKey,
    /// Until when the old secret still verifies (`None`: it stopped at once).
    pub previous_key_expires_at: Option<PrimitiveDateTime>,
}

impl RotatedKey {
    /// The answer: the record, the new `key`, and `previousKeyExpiresAt`.
    pub fn to_json(&self) -> Value {
        let mut json = self.record.to_json();
        json["key"] = Value::String(self.key.expose().to_owned());
        json["previousKeyExpiresAt"] = self.previous_key_expires_at.map_or(Value::Null, |at| {
            Value::String(latchkey_session::time_format::format(at))
        });
        json
    }
}

impl ApiKeys {
    /// When the secret `presented` stops verifying for the admitted `key`:
    /// the key's own expiry, or for a rotated key's previous secret the
    /// earlier end of its grace period. Whatever is issued on the strength
    /// of that secret (a JWT) must not outlive it.
    pub async fn presented_secret_expires_at(
        &self,
        key: &ApiKey,
        presented: &PlainKey,
    ) -> Result<Option<PrimitiveDateTime>, ApiKeyError> {
        let hash = presented.hash();
        if hash.as_str() == key.key {
            return Ok(key.expires_at);
        }
        let id = key.id.clone();
        let grace_end = latchkey_session::run_blocking(&self.pool, move |conn| {
            Ok::<_, ApiKeyError>(rotation::previous_secret_expiry(conn, &id, &hash)?)
        })
        .await?;
        Ok(match (key.expires_at, grace_end) {
            (Some(key_end), Some(grace_end)) => Some(key_end.min(grace_end)),
            (key_end, grace_end) => key_end.or(grace_end),
        })
    }

    /// Gives the key `key_id` of `owner` a new secret with the same id and
    /// everything else; the old secret keeps verifying for `grace` (zero:
    /// not at all). Another owner's key, or a missing one, is
    /// `KEY_NOT_FOUND`. A grace period over [`MAX_GRACE_PERIOD`] or below
    /// zero is refused as the body check words it.
    pub async fn rotate(
        &self,
        key_id: &str,
        owner: &str,
        grace: Duration,
    ) -> Result<RotatedKey, ApiKeyError> {
        if grace.is_negative() || grace > MAX_GRACE_PERIOD {
            return Err(latchkey_session::AuthError::Validation(format!(
                "[body.gracePeriod] expected seconds from 0 to {}",
                MAX_GRACE_PERIOD.whole_seconds()
            ))
            .into());
        }
        let (id, owner) = (key_id.to_owned(), owner.to_owned());
        let now = self.clock.now();
        let previous_until = (grace > Duration::ZERO).then(|| now + grace);
        let options = self.options.clone();
        let (record, key) = self
            .run_change(move |conn| {
                // The prefix of the new secret is the key's own, which nothing
                // changes; the rotation itself is the one UPDATE below.
                let current =
                    keys::find_owned(conn, &id, &owner)?.ok_or(ApiKeyError::KeyNotFound)?;
                let key = PlainKey::generate(current.prefix.as_deref(), options.default_key_length);
                let start = options
                    .store_starting_characters
                    .then(|| key.start(options.starting_characters_length));
                let rotation = Rotation {
                    hash: &key.hash(),
                    start: start.as_deref(),
                    previous_until,
                    now,
                };
                let record = rotation::rotate_owned(conn, &id, &owner, &rotation)?
                    .ok_or(ApiKeyError::KeyNotFound)?;
                Ok::<_, ApiKeyError>((record, key))
            })
            .await?;
        Ok(RotatedKey {
            record,
            key,
            previous_key_expires_at: previous_until,
        })
    }
}
