#![allow(clippy::unwrap_used, clippy::expect_used)]

use time::macros::datetime;
use time::Duration;

use super::*;

fn entry(key: &str, path: &str, status: i32, ms: i64) -> NewUsage {
    NewUsage {
        key_id: key.into(),
        method: if status == 201 { "POST" } else { "GET" }.into(),
        path: path.into(),
        status,
        duration_ms: i32::try_from(ms % 7).unwrap(),
        created_at: datetime!(2026-11-24 1:00) + Duration::nanoseconds(ms * 1_000_123),
    }
}

fn stored(id: i64, chunk: &NewChunk) -> StoredChunk {
    StoredChunk {
        id,
        key_id: chunk.key_id.clone(),
        first_at: chunk.first_at,
        entries: chunk.entries.clone(),
    }
}

#[test]
fn a_batch_becomes_one_chunk_per_key_and_reads_back_exactly() {
    // Out of time order within a key (a slow request finishes last), two
    // routes repeated, statuses on both sides of 400.
    let batch = vec![
        entry("a", "/ping", 200, 5),
        entry("b", "/ping", 404, 1),
        entry("a", "/other", 201, 2),
        entry("a", "/ping", 500, 9),
        entry("b", "/ping", 200, 1),
        entry("a", "/ping", 200, 0),
    ];
    let chunks = chunks(&batch).unwrap();
    assert_eq!(chunks.len(), 2);
    let (a, b) = (&chunks[0], &chunks[1]);
    assert_eq!((a.key_id.as_str(), b.key_id.as_str()), ("a", "b"));
    assert_eq!((a.calls, a.successes, a.duration_ms), (4, 3, 5 + 2 + 2));
    assert_eq!((b.calls, b.successes, b.duration_ms), (2, 1, 2));
    assert_eq!(a.first_at, batch[5].created_at);
    assert_eq!(a.last_at, batch[3].created_at);
    // Each route once per chunk.
    assert_eq!(a.entries.matches("/ping").count(), 1);

    let read = entries(&stored(7, a)).unwrap();
    let expected: Vec<NewUsage> = [0, 2, 3, 5].iter().map(|i| batch[*i].clone()).collect();
    assert_eq!(
        read.iter().map(NewUsage::from).collect::<Vec<_>>(),
        expected
    );
    let ids: Vec<i64> = read.iter().map(|r| r.id).collect();
    assert_eq!(ids, [7 << 16, (7 << 16) + 1, (7 << 16) + 2, (7 << 16) + 3]);
}

#[test]
fn a_key_with_more_entries_than_a_chunk_holds_takes_more_chunks() {
    let batch: Vec<NewUsage> = (0..=ENTRIES_PER_CHUNK as i64)
        .map(|i| entry("k", "/p", 200, i))
        .collect();
    let chunks = chunks(&batch).unwrap();
    assert_eq!(
        chunks.iter().map(|c| c.calls).collect::<Vec<_>>(),
        [ENTRIES_PER_CHUNK as i32, 1]
    );
    assert_eq!(chunks[1].first_at, batch[ENTRIES_PER_CHUNK].created_at);
}

#[test]
fn pruning_keeps_every_other_entry_in_its_place() {
    let batch: Vec<NewUsage> = (0..6)
        .map(|i| entry("k", "/p", 200 + (i as i32 % 2) * 200, i))
        .collect();
    let chunk = stored(3, &chunks(&batch).unwrap()[0]);
    let before = entries(&chunk).unwrap();
    let cutoff = batch[2].created_at;
    let pruned = prune(&chunk, cutoff).unwrap().unwrap();
    assert_eq!(pruned.removed, 2);
    assert_eq!(pruned.first_at, cutoff);
    assert_eq!(
        (pruned.calls, pruned.successes, pruned.duration_ms),
        (4, 2, 2 + 3 + 4 + 5)
    );
    let after = entries(&StoredChunk {
        first_at: pruned.first_at,
        entries: pruned.entries.clone(),
        ..chunk.clone()
    })
    .unwrap();
    assert_eq!(after, before[2..]);
    // Nothing older: nothing to do.
    assert_eq!(prune(&chunk, batch[0].created_at).unwrap(), None);
}

#[test]
fn damaged_chunks_are_errors_not_panics() {
    let good = chunks(&[entry("k", "/p", 200, 1)]).unwrap().remove(0);
    for text in [
        "",
        "[]",
        r#"{"routes":[],"entries":[[0,0,200,1]]}"#,
        r#"{"routes":[["GET","/"]],"entries":[["soon",0,200,1]]}"#,
        r#"{"routes":[["GET","/"]],"entries":[[18446744073709551615,0,200,1]]}"#,
    ] {
        let chunk = StoredChunk {
            entries: text.into(),
            ..stored(1, &good)
        };
        assert!(entries(&chunk).is_err(), "{text}");
    }
}

#[test]
fn a_chunk_is_the_json_serde_would_write() {
    let batch = vec![
        entry("k", "/p\"q\"/é\u{1}", 200, 3),
        entry("k", "/r", 201, 1),
        entry("k", "/p\"q\"/é\u{1}", 500, 2),
    ];
    let chunk = chunks(&batch).unwrap().remove(0);
    let body: Body<String> = serde_json::from_str(&chunk.entries).unwrap();
    assert_eq!(serde_json::to_string(&body).unwrap(), chunk.entries);
    assert_eq!(body.routes.len(), 2);
}

#[test]
fn entries_across_midnight_and_years_apart_keep_their_times() {
    let times = [
        datetime!(2026-12-31 23:59:59.999_999_999),
        datetime!(2027-01-01 0:00),
        datetime!(2026-12-31 23:59:59.5),
        datetime!(2030-06-01 12:00:00.000_000_001),
        datetime!(2030-06-01 11:59:59),
    ];
    let batch: Vec<NewUsage> = times
        .iter()
        .map(|at| NewUsage {
            created_at: *at,
            ..entry("k", "/p", 200, 0)
        })
        .collect();
    let chunk = chunks(&batch).unwrap().remove(0);
    let read = entries(&stored(1, &chunk)).unwrap();
    assert_eq!(read.iter().map(|r| r.created_at).collect::<Vec<_>>(), times);
}

#[test]
fn nanos_between_agrees_with_calendar_arithmetic_within_and_across_days() {
    let noon = datetime!(2026-11-24 12:00:00.250);
    let pairs = [
        (noon, noon + Duration::milliseconds(1500)),
        (noon, noon - Duration::nanoseconds(7)),
        (
            datetime!(2026-11-24 23:59:59.900),
            datetime!(2026-11-25 0:00:00.100),
        ),
        (datetime!(2026-12-31 23:00), datetime!(2027-01-01 1:00)),
    ];
    for (from, to) in pairs {
        let expected = i64::try_from((to - from).whole_nanoseconds()).unwrap();
        assert_eq!(nanos_between(from, to), Some(expected), "{from} -> {to}");
    }
}
