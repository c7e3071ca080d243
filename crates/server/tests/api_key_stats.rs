//! `GET /api-key/stats` on both backends: the signed-in user's active keys,
//! calls, success rate and response time from the usage log, and per key
//! its `usageCount` (every admitted verify) and `lastRequest` as last use.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod manage;
mod usage_support;

use common::both_backends;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::{json, Value};
use usage_support::{manual_flush, HostApp};

fn by_name<'a>(stats: &'a Value, name: &str) -> &'a Value {
    stats["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == json!(name))
        .unwrap()
}

both_backends!(
    figures_of_the_signed_in_user,
    |backend: Backend| async move {
        let Some(host) = HostApp::new(backend, manual_flush()) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let bob = host.app.sign_up("Bob").await;
        let (_, a) = host.key_of(&alice, "a").await;
        host.app.tick(1);
        let (b_id, b) = host.key_of(&alice, "b").await;
        host.app.tick(1);
        let c = host
            .app
            .create_ok(&alice.bearer, json!({"name": "c", "expiresIn": 86_400}))
            .await;
        host.app.tick(1);
        host.key_of(&alice, "unused").await;
        let (_, e) = host.key_of(&bob, "e").await;

        for path in ["/host/ping", "/host/ping", "/host/status/500"] {
            host.host_get(path, Some(&a)).await;
            host.app.tick(1000);
        }
        let a_last = host.now_text();
        host.host_get("/host/ping", Some(&a)).await;
        host.host_get("/host/status/404", Some(&b)).await;
        host.host_get("/host/status/302", Some(c["key"].as_str().unwrap()))
            .await;
        host.host_get("/host/ping", Some(&e)).await;
        host.flush();
        let disabled = host
            .app
            .update_key(
                Some(&alice.bearer),
                json!({"keyId": b_id, "enabled": false}),
            )
            .await;
        assert_eq!(disabled.status.as_u16(), 200, "{}", disabled.text);
        host.app.tick(86_400_000);

        let answer = host.stats(Some(&alice.bearer)).await;
        assert_eq!(answer.status.as_u16(), 200, "{}", answer.text);
        let stats = &answer.json;
        // a and unused are active; b is disabled and c expired.
        assert_eq!(stats["activeApiKeys"], 2);
        // Six calls on alice's keys (bob's is not hers), four below 400.
        assert_eq!(stats["totalApiCalls"], 6);
        assert_eq!(stats["apiUsage"]["successRate"], json!(66.67));
        assert!(stats["apiUsage"]["avgResponseTimeMs"].as_f64().unwrap() >= 0.0);
        let names: Vec<&str> = stats["apiKeys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["a", "b", "c", "unused"]);

        let a_stats = by_name(stats, "a");
        assert_eq!(a_stats["usageCount"], 4);
        assert_eq!(a_stats["lastUsed"], json!(a_last));
        assert_eq!(a_stats["calls"], 4);
        assert_eq!(a_stats["successRate"], json!(75.0));
        assert_eq!(
            (a_stats["enabled"].clone(), a_stats["active"].clone()),
            (json!(true), json!(true))
        );
        let mut fields: Vec<&String> = a_stats.as_object().unwrap().keys().collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "active",
                "avgResponseTimeMs",
                "calls",
                "enabled",
                "id",
                "lastUsed",
                "name",
                "successRate",
                "usageCount"
            ]
        );
        let b_stats = by_name(stats, "b");
        assert_eq!(
            (b_stats["enabled"].clone(), b_stats["active"].clone()),
            (json!(false), json!(false))
        );
        assert_eq!(
            (b_stats["calls"].clone(), b_stats["successRate"].clone()),
            (json!(1), json!(0.0))
        );
        let c_stats = by_name(stats, "c");
        assert_eq!(
            (c_stats["enabled"].clone(), c_stats["active"].clone()),
            (json!(true), json!(false))
        );
        assert_eq!(c_stats["successRate"], json!(100.0));
        let unused = by_name(stats, "unused");
        assert_eq!(
            [
                &unused["usageCount"],
                &unused["lastUsed"],
                &unused["calls"],
                &unused["successRate"],
                &unused["avgResponseTimeMs"]
            ],
            [
                &json!(0),
                &Value::Null,
                &json!(0),
                &Value::Null,
                &Value::Null
            ]
        );

        // Bob sees only his own key.
        let bobs = host.stats(Some(&bob.bearer)).await.json;
        assert_eq!(bobs["totalApiCalls"], 1);
        assert_eq!(bobs["apiKeys"].as_array().unwrap().len(), 1);
    }
);

both_backends!(
    a_user_without_keys_or_calls,
    |backend: Backend| async move {
        let Some(host) = HostApp::new(backend, manual_flush()) else {
            return;
        };
        let carol = host.app.sign_up("Carol").await;
        let answer = host.stats(Some(&carol.bearer)).await;
        assert_eq!(
            answer.json,
            json!({
                "activeApiKeys": 0,
                "totalApiCalls": 0,
                "apiUsage": {"successRate": null, "avgResponseTimeMs": null},
                "apiKeys": []
            })
        );
        assert_unauthorized(&host.stats(None).await);
    }
);

both_backends!(
    usage_count_is_the_lifetime_count,
    |backend: Backend| async move {
        // requestCount restarts with each rate-limit window (better-auth's
        // meaning) and stays 0 without a rate limit; usageCount, like the
        // log's calls, counts every admitted request.
        let Some(host) =
            HostApp::with_keys(backend, manual_flush(), |o| o.rate_limit_enabled = true)
        else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let mut keys = Vec::new();
        for body in [
            json!({"userId": alice.id, "name": "k", "rateLimitTimeWindow": 60_000, "rateLimitMax": 100}),
            json!({"userId": alice.id, "name": "open", "rateLimitEnabled": false}),
        ] {
            let created = host.app.server_post("create", body).await;
            assert_eq!(created.status.as_u16(), 200, "{}", created.text);
            keys.push((
                created.json["id"].as_str().unwrap().to_owned(),
                created.json["key"].as_str().unwrap().to_owned(),
            ));
        }
        for (_, key) in &keys {
            host.host_get("/host/ping", Some(key)).await;
            host.host_get("/host/ping", Some(key)).await;
        }
        host.app.tick(60_000);
        for (_, key) in &keys {
            host.host_get("/host/ping", Some(key)).await;
        }
        host.flush();
        let stats = host.stats(Some(&alice.bearer)).await.json;
        for ((id, _), (name, request_count)) in keys.iter().zip([("k", 1), ("open", 0)]) {
            let k = by_name(&stats, name);
            assert_eq!(
                (k["usageCount"].clone(), k["calls"].clone()),
                (json!(3), json!(3)),
                "{name}"
            );
            let record = host.app.get_key(Some(&alice.bearer), id).await;
            assert_eq!(record.json["requestCount"], json!(request_count), "{name}");
            assert_eq!(record.json["usageCount"], k["usageCount"], "{name}");
            assert_eq!(record.json["lastRequest"], k["lastUsed"], "{name}");
        }
    }
);
