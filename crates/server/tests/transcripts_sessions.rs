//! Replays the reference transcript `sessions.json` (sign-up, sign-in,
//! get-session, sign-out, origin check) against latchkey on both backends,
//! comparing status, error code, headers and every field's type and value.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::both_backends;
use common::transcript::{self, Plan, Replayer};
use latchkey_session::db::Backend;

#[test]
fn the_replayer_parses_and_matches_placeholders() {
    transcript::self_test();
}

#[test]
fn every_transcript_loads() {
    let dir = transcript::transcripts_dir();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") {
            let t = transcript::load(&name);
            assert!(!t.exchanges.is_empty(), "{name} has no exchanges");
            files += 1;
        }
    }
    assert_eq!(files, 11, "the reference has 11 transcript groups");
}

/// The copy in this repository is byte for byte the shared reference, when
/// the clone sits beside `shared/` (else there is nothing to compare with).
#[test]
fn the_repository_copy_of_the_transcripts_matches_the_shared_reference() {
    let Some(shared) = transcript::shared_transcripts_dir() else {
        eprintln!(
            "NOTE: ../shared/reference/transcripts is not beside this clone; \
             the repository's copy of the transcripts was not compared with it"
        );
        return;
    };
    // The copy itself, whatever LATCHKEY_REFERENCE_DIR replays.
    let copy = transcript::repository_transcripts_dir();
    let names = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".json"))
            .collect();
        names.sort();
        names
    };
    let files = names(&shared);
    assert_eq!(
        names(&copy),
        files,
        "the transcripts of {}",
        shared.display()
    );
    for name in files {
        assert!(
            std::fs::read(copy.join(&name)).unwrap() == std::fs::read(shared.join(&name)).unwrap(),
            "{name} differs from {}: copy the shared transcripts into {} again",
            shared.display(),
            copy.display()
        );
    }
}

both_backends!(sessions_json_replays, |backend: Backend| async move {
    let app = test_app!(backend);
    let mut replay = Replayer::new(&app);
    let report = replay.run("sessions.json", Plan::new()).await;
    assert_eq!(report.sent.len(), 20, "{report:?}");
    // The bindings are latchkey's own values: the signed token of the first
    // sign-in still opens Alice's session.
    let bearer = replay.bindings().signed_token(3).unwrap().to_owned();
    let session = app.get("/api/auth/get-session", Some(&bearer)).await;
    assert_eq!(session.json["user"]["id"], replay.bindings().id(1).unwrap());
});

both_backends!(bad_input_json_replays, |backend: Backend| async move {
    let app = test_app!(backend);
    let mut replay = Replayer::new(&app);
    // bad-input.json continues the capture run: its `<token:3>` is Alice's
    // sign-in from sessions.json.
    replay.run("sessions.json", Plan::new()).await;
    let plan = Plan::new()
        // DESIGN.md: latchkey answers `userId` beside `referenceId`, and
        // its own `usageCount` (README, "Counters").
        .extra_field("userId")
        .extra_field("usageCount")
        .skip(
            "bearer lowercase scheme",
            "lists the 30 keys the earlier API-key transcripts created; \
             the lowercase scheme itself is covered by sessions.rs",
        )
        .rewrite("bearer forged signature", |req, bindings| {
            // The normalised transcript cannot show the forgery: keep the
            // token, replace its signature.
            let token = bindings.token(3).unwrap();
            req.set_header(
                "authorization",
                &format!("Bearer {token}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            );
        });
    let report = replay.run("bad-input.json", plan).await;
    // verify and delete-all-expired are latchkey_divergence (trusted-server
    // routes in latchkey), skipped with their reason.
    assert_eq!(report.skipped.len(), 3, "{report:?}");
});

/// The replayer must notice a difference: here the reference is replaced by
/// a wrong one (an extra field, a wrong type, a wrong code).
#[actix_web::test]
#[should_panic(expected = "latchkey differs from the reference")]
async fn the_replayer_reports_differences() {
    let app = test_app!(Backend::Sqlite);
    let plan = Plan::new()
        .expect_response(
            "sign-up alice",
            serde_json::json!({
                "status": 200,
                "headers": {"content-type": "application/json"},
                "body": {"token": 7, "user": {"id": "<id:1>"}, "extra": null}
            }),
        )
        .expect_response(
            "sign-in wrong password",
            serde_json::json!({
                "status": 401,
                "headers": {"content-type": "application/json"},
                "body": {"message": "Invalid email or password", "code": "WRONG_CODE"}
            }),
        );
    Replayer::new(&app).run("sessions.json", plan).await;
}
