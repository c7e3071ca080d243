//! Verifies charged together ([`crate::batch`]): the keys of a batch in one
//! statement, and a hot key's further verifies right after it in the same
//! transaction, so a batch costs one commit however many verifies it holds.

use std::collections::HashMap;
use std::sync::OnceLock;

use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use super::statement::{Bind, Statement, Template};
use super::verify::{consume_locked, render_for, Consume};
use crate::db::models::ApiKey;
use crate::keys::HashedKey;
use crate::rate_limits::epoch_ms;
use crate::sync::sqlite_writer;

/// Charges the verifies of `hashes` (in arrival order) at `now` as if each
/// ran [`super::verify::consume`] in that order, in one transaction: the
/// first verify of every key in one [`consume_many`] statement, then each
/// further verify of a key that statement admitted with the one-key
/// statement (it only touches rows the transaction already holds, so two
/// batches never wait on each other in a cycle). Answers, per verify, the
/// row as its admission left it, or `None`: refused, unknown or a previous
/// secret, not charged, for the caller to decide alone.
pub fn charge_batch(
    conn: &mut DbConnection,
    hashes: &[HashedKey],
    now: PrimitiveDateTime,
    rate_limit_enabled: bool,
) -> QueryResult<Vec<Option<ApiKey>>> {
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(hashes.len());
    let mut distinct = Vec::with_capacity(hashes.len());
    for (n, hash) in hashes.iter().enumerate() {
        first.entry(hash.as_str()).or_insert_with(|| {
            distinct.push(hash.clone());
            n
        });
    }
    let _one_writer = matches!(conn, DbConnection::Sqlite(_)).then(sqlite_writer);
    let charge = |conn: &mut DbConnection| {
        let mut charged: Vec<Option<ApiKey>> = vec![None; hashes.len()];
        for row in consume_many_locked(conn, &distinct, now, rate_limit_enabled)? {
            if let Some(&n) = first.get(row.key.as_str()) {
                charged[n] = Some(row);
            }
        }
        for (n, hash) in hashes.iter().enumerate() {
            let lead = first.get(hash.as_str()).copied();
            if lead == Some(n) || lead.is_none_or(|lead| charged[lead].is_none()) {
                continue;
            }
            let again = Consume {
                hash,
                now,
                rate_limit_enabled,
                config_id: None,
                checked_permissions: None,
            };
            charged[n] = consume_locked(conn, again)?;
        }
        Ok(charged)
    };
    if distinct.len() == hashes.len() {
        charge(conn)
    } else {
        conn.transaction(charge)
    }
}

/// [`super::verify::consume`] for several distinct keys in one statement
/// and one commit: each key with nothing in its way is admitted and
/// charged once, exactly as `consume` would, and comes back; a key that is
/// refused, unknown, or presented by a rotated-out previous secret does
/// not. No configuration or permission condition applies.
pub fn consume_many(
    conn: &mut DbConnection,
    hashes: &[HashedKey],
    now: PrimitiveDateTime,
    rate_limit_enabled: bool,
) -> QueryResult<Vec<ApiKey>> {
    let _one_writer = matches!(conn, DbConnection::Sqlite(_)).then(sqlite_writer);
    consume_many_locked(conn, hashes, now, rate_limit_enabled)
}

fn consume_many_locked(
    conn: &mut DbConnection,
    hashes: &[HashedKey],
    now: PrimitiveDateTime,
    rate_limit_enabled: bool,
) -> QueryResult<Vec<ApiKey>> {
    static PG: OnceLock<Template> = OnceLock::new();
    static SQLITE: OnceLock<Template> = OnceLock::new();
    // Hashes are base64url: no comma, quote or bracket to escape.
    let list = match conn {
        DbConnection::Postgres(_) => hashes
            .iter()
            .map(HashedKey::as_str)
            .collect::<Vec<_>>()
            .join(","),
        DbConnection::Sqlite(_) => {
            let quoted: Vec<String> = hashes
                .iter()
                .map(|h| format!("\"{}\"", h.as_str()))
                .collect();
            format!("[{}]", quoted.join(","))
        }
    };
    let binds = [
        Bind::Text(&list),
        Bind::Time(now),
        Bind::Bool(rate_limit_enabled),
        Bind::OptText(None),
        Bind::Bool(false),
        Bind::OptText(None),
        Bind::BigInt(epoch_ms(now)),
    ];
    match conn {
        DbConnection::Postgres(pg) => {
            let template = PG.get_or_init(|| Template::new(&render_for(true, true)));
            Statement::<ConsumeManyStatement>::new(template, &binds).load::<ApiKey>(pg)
        }
        DbConnection::Sqlite(lite) => {
            let template = SQLITE.get_or_init(|| Template::new(&render_for(false, true)));
            Statement::<ConsumeManyStatement>::new(template, &binds).load::<ApiKey>(lite)
        }
    }
}

/// Names the batch statement in Diesel's statement cache.
struct ConsumeManyStatement;
