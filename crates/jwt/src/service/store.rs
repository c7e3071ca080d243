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
/// live key of the configured algorithm, or a new one.
pub fn signing_key(
    conn: &mut DbConnection,
    secret: &str,
    options: &JwtOptions,
    now: PrimitiveDateTime,
) -> Result<(JwkRow, SigningAlgorithm, Value), JwtError> {
    let newest = queries::live(conn, now)?
        .into_iter()
        .find(|row| algorithm(row) == Some(options.algorithm));
    let (row, private) = match newest {
        Some(row) => {
            let private = parse(&at_rest::decrypt(secret, &row.private_key)?);
            (row, private)
        }
        None => create(conn, secret, options, now)?,
    };
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
