//! How a chunk holds its requests: JSON text of the shape
//!
//! ```json
//! {"routes": [["GET", "/api/ping"], ...],
//!  "entries": [[nanoseconds after the entry before, route index, status, durationMs], null, ...]}
//! ```
//!
//! The first entry's time counts from the chunk's `firstAt`, each other's
//! from the live entry before it: under load that is a few thousand
//! nanoseconds, a few digits (it is negative when a slow request finished
//! after a faster, later one). Each (method, path) is written once per
//! chunk. An entry the retention
//! sweep removed is `null`, so that every other entry keeps its place and
//! with it its id (chunk id × [`ENTRIES_PER_CHUNK`] + place). JSON rather
//! than a binary form: the migrations can build and unpack it in SQL on
//! both backends, and an operator can query it (`json_each`,
//! `json_array_elements`).

use serde::{Deserialize, Serialize};
use time::{Duration, PrimitiveDateTime};

use super::names::{Names, Numbered};
use super::{NewChunk, NewUsage, StoredChunk, UsageRow};

/// Entries per chunk at most (a key's share of a batch beyond it takes
/// more chunks); entry ids count places in units of it.
pub const ENTRIES_PER_CHUNK: usize = 1 << 16;

/// A chunk's entries failed to encode or decode.
pub type CodecError = serde_json::Error;

#[derive(Serialize, Deserialize)]
struct Body<S> {
    routes: Vec<(S, S)>,
    entries: Vec<Option<Slot>>,
}

/// One entry: nanoseconds after the live entry before (the first: after
/// the chunk's `firstAt`), index into its routes, status, `durationMs`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Slot(i64, u32, i32, i32);

/// Nanoseconds from `from` to `to`.
fn nanos(from: PrimitiveDateTime, to: PrimitiveDateTime) -> Result<i64, CodecError> {
    nanos_between(from, to).ok_or_else(|| custom("entries too far apart"))
}

/// Nanoseconds from `from` to `to`; `None` beyond an `i64`'s (292 years).
pub(crate) fn nanos_between(from: PrimitiveDateTime, to: PrimitiveDateTime) -> Option<i64> {
    // Nearly always the two are of one day (a chunk's entries): then the
    // times of day suffice, without `time`'s calendar arithmetic (a tenth
    // of a flush's instructions).
    if from.date() == to.date() {
        return Some(day_nanos(to) - day_nanos(from));
    }
    i64::try_from((to - from).whole_nanoseconds()).ok()
}

/// Nanoseconds since the start of `at`'s day.
fn day_nanos(at: PrimitiveDateTime) -> i64 {
    let seconds =
        (i64::from(at.hour()) * 60 + i64::from(at.minute())) * 60 + i64::from(at.second());
    seconds * 1_000_000_000 + i64::from(at.nanosecond())
}

/// `from` plus `nanos`.
fn step(from: PrimitiveDateTime, nanos: i64) -> Result<PrimitiveDateTime, CodecError> {
    from.checked_add(Duration::nanoseconds(nanos))
        .ok_or_else(|| custom("an entry's time is out of range"))
}

/// The time of each live entry, in place order (`None` for a removed one).
fn times(
    first: PrimitiveDateTime,
    entries: &[Option<Slot>],
) -> Result<Vec<Option<PrimitiveDateTime>>, CodecError> {
    let mut at = first;
    entries
        .iter()
        .map(|slot| {
            slot.map(|Slot(after, ..)| {
                at = step(at, after)?;
                Ok(at)
            })
            .transpose()
        })
        .collect()
}

fn custom(message: &str) -> CodecError {
    <CodecError as serde::de::Error>::custom(message)
}

fn successes(statuses: impl Iterator<Item = i32>) -> i32 {
    // At most ENTRIES_PER_CHUNK: fits.
    i32::try_from(statuses.filter(|status| *status < 400).count()).unwrap_or(i32::MAX)
}

/// The chunks of a batch: one per key in the order keys first appear
/// (more when a key has over [`ENTRIES_PER_CHUNK`] entries), each with
/// its entries in batch order.
pub fn chunks<S: AsRef<str>>(batch: &[NewUsage<S>]) -> Result<Vec<NewChunk>, CodecError> {
    let mut names = Names::default();
    let numbered: Vec<Numbered> = batch.iter().map(|r| names.number(r)).collect();
    chunks_of(&numbered, &names)
}

/// [`chunks`] of entries already numbered in `names` (the usage log's
/// buffer keeps them so): no string is hashed again.
pub fn chunks_of(entries: &[Numbered], names: &Names) -> Result<Vec<NewChunk>, CodecError> {
    const NEW: usize = usize::MAX;
    let mut group_of_key = vec![NEW; names.keys()];
    let mut groups: Vec<Vec<&Numbered>> = Vec::new();
    for entry in entries {
        let group = usize::try_from(entry.key)
            .ok()
            .and_then(|key| group_of_key.get_mut(key))
            .ok_or_else(|| custom("an entry names a missing key"))?;
        if *group == NEW {
            *group = groups.len();
            groups.push(Vec::new());
        }
        groups[*group].push(entry);
    }
    let mut places = RoutePlaces(vec![RoutePlaces::NONE; names.routes()]);
    groups
        .iter()
        .flat_map(|entries| entries.chunks(ENTRIES_PER_CHUNK))
        .map(|entries| encode(entries, names, &mut places))
        .collect()
}

/// Per route number of the batch, its place in the chunk being written
/// (reset after each chunk, so a batch needs one table, not one per chunk).
struct RoutePlaces(Vec<u32>);

impl RoutePlaces {
    const NONE: u32 = u32::MAX;

    fn slot(&mut self, route: u32) -> Result<&mut u32, CodecError> {
        usize::try_from(route)
            .ok()
            .and_then(|route| self.0.get_mut(route))
            .ok_or_else(|| custom("an entry names a missing route"))
    }
}

/// Appends `n` in decimal.
fn push_int(text: &mut String, n: impl itoa::Integer) {
    text.push_str(itoa::Buffer::new().format(n));
}

/// One key's entries (at least one, at most [`ENTRIES_PER_CHUNK`]) as a
/// chunk. The JSON is written by hand (serde's writer cost about as much
/// as the rest of a flush); `a_chunk_is_the_json_serde_would_write` holds
/// it to serde's.
fn encode(
    entries: &[&Numbered],
    names: &Names,
    places: &mut RoutePlaces,
) -> Result<NewChunk, CodecError> {
    let (Some(first), Some(last), Some(key_id)) = (
        entries.iter().map(|e| e.at).min(),
        entries.iter().map(|e| e.at).max(),
        entries.first().and_then(|e| names.key_id(e.key)),
    ) else {
        return Err(custom("a chunk needs an entry"));
    };
    // The chunk's routes, in the order its entries first use them.
    let mut routes: Vec<u32> = Vec::new();
    for entry in entries {
        let place = places.slot(entry.route)?;
        if *place == RoutePlaces::NONE {
            *place = u32::try_from(routes.len()).map_err(|_| custom("too many routes"))?;
            routes.push(entry.route);
        }
    }
    let mut text = String::with_capacity(32 + 16 * entries.len());
    text.push_str(r#"{"routes":["#);
    for (i, route) in routes.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        let route = names
            .route(*route)
            .ok_or_else(|| custom("an entry names a missing route"))?;
        text.push_str(&serde_json::to_string(&route)?);
    }
    text.push_str(r#"],"entries":["#);
    let mut previous = first;
    for (i, entry) in entries.iter().enumerate() {
        text.push_str(if i == 0 { "[" } else { ",[" });
        push_int(&mut text, nanos(previous, entry.at)?);
        previous = entry.at;
        text.push(',');
        push_int(&mut text, *places.slot(entry.route)?);
        text.push(',');
        push_int(&mut text, entry.status);
        text.push(',');
        push_int(&mut text, entry.duration_ms);
        text.push(']');
    }
    text.push_str("]}");
    for route in routes {
        *places.slot(route)? = RoutePlaces::NONE;
    }
    Ok(NewChunk {
        key_id: key_id.to_owned(),
        first_at: first,
        last_at: last,
        calls: i32::try_from(entries.len()).map_err(|_| custom("too many entries"))?,
        successes: successes(entries.iter().map(|e| e.status)),
        duration_ms: entries.iter().map(|e| i64::from(e.duration_ms)).sum(),
        entries: text,
    })
}

/// The live entries of a stored chunk, in place order.
pub fn entries(chunk: &StoredChunk) -> Result<Vec<UsageRow>, CodecError> {
    let body: Body<String> = serde_json::from_str(&chunk.entries)?;
    let base = chunk.id.saturating_mul(ENTRIES_PER_CHUNK as i64);
    let times = times(chunk.first_at, &body.entries)?;
    let mut rows = Vec::with_capacity(body.entries.len());
    for (place, (slot, at)) in body.entries.iter().zip(times).enumerate() {
        let (Some(Slot(_, route, status, duration_ms)), Some(at)) = (*slot, at) else {
            continue;
        };
        let (method, path) = usize::try_from(route)
            .ok()
            .and_then(|route| body.routes.get(route))
            .ok_or_else(|| custom("an entry names a missing route"))?;
        rows.push(UsageRow {
            id: base.saturating_add(i64::try_from(place).unwrap_or(i64::MAX)),
            key_id: chunk.key_id.clone(),
            method: method.clone(),
            path: path.clone(),
            status,
            duration_ms,
            created_at: at,
        });
    }
    Ok(rows)
}

/// A chunk with its entries older than a cutoff removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned {
    /// How many entries went.
    pub removed: usize,
    /// The oldest kept entry's time (entries are counted from it now).
    pub first_at: PrimitiveDateTime,
    /// Kept entries.
    pub calls: i32,
    /// Kept entries with a status below 400.
    pub successes: i32,
    /// Sum of the kept `durationMs`.
    pub duration_ms: i64,
    /// The kept entries, each in its place.
    pub entries: String,
}

/// Removes the entries older than `cutoff` from a chunk, keeping each
/// other entry in its place; `None` when none is older or none is left
/// (then the chunk goes whole).
pub fn prune(chunk: &StoredChunk, cutoff: PrimitiveDateTime) -> Result<Option<Pruned>, CodecError> {
    let mut body: Body<String> = serde_json::from_str(&chunk.entries)?;
    let times = times(chunk.first_at, &body.entries)?;
    let removed = times.iter().flatten().filter(|at| **at < cutoff).count();
    let kept_first = times.iter().flatten().filter(|at| **at >= cutoff).min();
    let Some(&first) = kept_first.filter(|_| removed > 0) else {
        return Ok(None);
    };
    // The kept entries counted again from the oldest of them, each from
    // the kept entry before it.
    let mut previous = first;
    for (slot, at) in body.entries.iter_mut().zip(&times) {
        match (slot.as_mut(), at) {
            (Some(entry), Some(at)) if *at >= cutoff => {
                entry.0 = nanos(previous, *at)?;
                previous = *at;
            }
            _ => *slot = None,
        }
    }
    let kept: Vec<Slot> = body.entries.iter().flatten().copied().collect();
    Ok(Some(Pruned {
        removed,
        first_at: first,
        calls: i32::try_from(kept.len()).map_err(|_| custom("too many entries"))?,
        successes: successes(kept.iter().map(|slot| slot.2)),
        duration_ms: kept.iter().map(|slot| i64::from(slot.3)).sum(),
        entries: serde_json::to_string(&body)?,
    }))
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
