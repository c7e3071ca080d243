//! The statements behind [`super::Jwts`], on one connection (testable without HTTP).

use latchkey_session::db::DbConnection;
use latchkey_session::tokens::random_id;
use serde_json::Value;
use time::PrimitiveDateTime;

use super::{at_rest, keys};
use crate::algorithm::SigningAlgorithm;
use crate::db::models::JwkRow;
use crate::db::queries;
use crate::error::JwtError;
use crate::options::JwtOptions;

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// The algorithm of a stored key (its column, else its public JWK).
pub fn algorithm(row: &JwkRow) -> Option<SigningAlgorithm> {
    keys::algorithm_of(row.alg.as_deref(), &parse(&row.public_key))
}

/// Generates, encrypts and stores a new signing key of the configured algorithm.
pub fn create(
    conn: &mut DbConnection,
    secret: &str,
    options: &JwtOptions,
    now: PrimitiveDateTime,
) -> Result<(JwkRow, Value), JwtError> {
    let pair = keys::generate(options.algorithm)?;
    let row = JwkRow {
        id: random_id(),
        public_key: pair.public.to_string(),
        private_key: at_rest::encrypt(secret, &pair.private.to_string()),
        created_at: now,
        expires_at: options.rotation_interval.map(|every| now + every),
        alg: Some(options.algorithm.as_str().to_owned()),
        crv: pair.crv.map(str::to_owned),
    };
    queries::insert(conn, &row)?;
    tracing::info!(kid = %row.id, alg = %options.algorithm, "created a JWT signing key");
    Ok((row, pair.private))
}

/// The key that signs at `now` with its decrypted private JWK: the newest
/// live key of the configured algorithm that this server's secret opens,
/// or a new one. A key sealed with another secret (the secret changed, or
/// another server with its own shares the database) is passed over rather
/// than failing every token; it stays published for the tokens it signed.
pub fn signing_key(
    conn: &mut DbConnection,
    secret: &str,
    options: &JwtOptions,
    now: PrimitiveDateTime,
) -> Result<(JwkRow, SigningAlgorithm, Value), JwtError> {
    let mut sealed = 0;
    for row in queries::live(conn, now)? {
        if algorithm(&row) != Some(options.algorithm) {
            continue;
        }
        match at_rest::decrypt(secret, &row.private_key) {
            Ok(private) => return Ok((row, options.algorithm, parse(&private))),
            Err(_) => sealed += 1,
        }
    }
    if sealed > 0 {
        tracing::warn!(
            sealed,
            "no live JWT signing key opens with this server's secret; creating one"
        );
    }
    let (row, private) = create(conn, secret, options, now)?;
    Ok((row, options.algorithm, private))
}

/// The JWK-set entries at `now`, newest first; a signing key is created
/// first if none is live, so a verifier fetching the set already has the
/// key of the next token.
pub fn published(
    conn: &mut DbConnection,
    secret: &str,
    options: &JwtOptions,
    now: PrimitiveDateTime,
) -> Result<Vec<Value>, JwtError> {
    let retired_after = now - options.effective_grace_period();
    let mut rows = queries::published(conn, retired_after)?;
    let has_signer = rows
        .iter()
        .any(|r| r.is_live(now) && algorithm(r) == Some(options.algorithm));
    if !has_signer {
        let (row, _) = create(conn, secret, options, now)?;
        rows.insert(0, row);
    }
    Ok(rows
        .iter()
        .filter_map(|row| {
            let alg = algorithm(row)?;
            Some(keys::published_jwk(
                &row.id,
                alg,
                row.crv.as_deref(),
                &parse(&row.public_key),
            ))
        })
        .collect())
}

/// Retires every live key at `now` and creates the next one, in one transaction.
pub fn rotate(
    conn: &mut DbConnection,
    secret: &str,
    options: &JwtOptions,
    now: PrimitiveDateTime,
) -> Result<JwkRow, JwtError> {
    use diesel::Connection;
    conn.transaction(|conn| {
        let retired = queries::retire_live(conn, now)?;
        let (row, _) = create(conn, secret, options, now)?;
        tracing::info!(retired, kid = %row.id, "rotated the JWT signing key");
        Ok(row)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use latchkey_session::db::{Backend, CORE_MIGRATIONS};
    use latchkey_session::testing::TestDb;
    use time::OffsetDateTime;

    use super::*;

    /// A server whose secret changed (or another server with its own, on
    /// the same database) gets a key it can open instead of an error, and
    /// each secret then keeps signing with its own key.
    #[test]
    fn a_key_sealed_with_another_secret_is_passed_over() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let Some(db) = TestDb::new(backend, &[CORE_MIGRATIONS, crate::db::MIGRATIONS]) else {
                continue;
            };
            let mut conn = db.pool.get().unwrap();
            let at = OffsetDateTime::now_utc();
            let now = PrimitiveDateTime::new(at.date(), at.time());
            let options = JwtOptions::default();
            let old = "the-first-secret-0123456789abcdef";
            let new = "the-second-secret-0123456789abcdef";
            let (first, ..) = signing_key(&mut conn, old, &options, now).unwrap();
            let (second, ..) = signing_key(&mut conn, new, &options, now).unwrap();
            assert_ne!(first.id, second.id, "{backend:?}");
            for _ in 0..2 {
                assert_eq!(
                    signing_key(&mut conn, new, &options, now).unwrap().0.id,
                    second.id
                );
                assert_eq!(
                    signing_key(&mut conn, old, &options, now).unwrap().0.id,
                    first.id
                );
            }
            assert_eq!(
                queries::live(&mut conn, now).unwrap().len(),
                2,
                "{backend:?}"
            );
        }
    }
}
