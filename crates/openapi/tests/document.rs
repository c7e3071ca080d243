//! Rules every operation of the document follows: an id, a summary, its
//! security, a success answer with an example, error answers that are the
//! one error schema with an example per code, examples on request bodies,
//! and no dangling `$ref`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

fn document() -> Value {
    serde_json::from_str(latchkey_openapi::json()).unwrap()
}

fn operations(doc: &Value) -> Vec<(String, &Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((format!("{} {path}", method.to_uppercase()), op));
        }
    }
    ops
}

#[test]
fn every_operation_is_complete() {
    let doc = document();
    let mut ids = std::collections::BTreeSet::new();
    for (name, op) in operations(&doc) {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no operationId"));
        assert!(
            ids.insert(id.to_owned()),
            "{name}: operationId {id} is used twice"
        );
        assert!(op["summary"].is_string(), "{name}: no summary");
        assert!(op["tags"][0].is_string(), "{name}: no tag");
        assert!(op["security"].is_array(), "{name}: no security requirement");
        let responses = op["responses"].as_object().unwrap();
        let success: Vec<_> = responses.keys().filter(|s| s.starts_with('2')).collect();
        assert_eq!(success.len(), 1, "{name}: one success answer");
        for (status, response) in responses {
            assert!(
                response["description"].is_string(),
                "{name} {status}: no description"
            );
            for (media, content) in response["content"].as_object().unwrap() {
                if status.starts_with('2') {
                    assert!(
                        content["example"] != Value::Null,
                        "{name} {status} {media}: no example"
                    );
                    continue;
                }
                assert_eq!(
                    content["schema"]["$ref"], "#/components/schemas/Error",
                    "{name} {status}: errors use the one error schema"
                );
                let examples = content["examples"].as_object().unwrap();
                assert!(!examples.is_empty(), "{name} {status}: no example per code");
                for (code, example) in examples {
                    assert_eq!(example["value"]["code"], code.as_str(), "{name} {status}");
                    assert!(
                        example["value"]["message"].is_string(),
                        "{name} {status} {code}"
                    );
                }
            }
        }
        if let Some(body) = op.get("requestBody") {
            let json = &body["content"]["application/json"];
            assert!(
                json["example"] != Value::Null,
                "{name}: request body without example"
            );
        }
    }
}

fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves_and_every_schema_is_used() {
    let doc = document();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for r in &found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r}"));
        assert!(schemas.contains_key(name), "dangling {r}");
    }
    for name in schemas.keys() {
        let target = format!("#/components/schemas/{name}");
        assert!(
            found.contains(&target.as_str()),
            "schema {name} is never used"
        );
    }
}

#[test]
fn timestamps_are_date_time_and_server_only_fields_are_marked() {
    let doc = document();
    let key = &doc["components"]["schemas"]["ApiKey"]["properties"];
    for field in [
        "createdAt",
        "updatedAt",
        "expiresAt",
        "lastRequest",
        "lastRefillAt",
    ] {
        assert_eq!(key[field]["format"], "date-time", "ApiKey.{field}");
    }
    assert_eq!(
        key["expiresAt"]["type"],
        serde_json::json!(["string", "null"])
    );
    let create = &doc["components"]["schemas"]["CreateApiKeyRequest"]["properties"];
    for field in [
        "remaining",
        "refillAmount",
        "permissions",
        "userId",
        "rateLimitMax",
    ] {
        assert_eq!(
            create[field]["x-server-only"], true,
            "CreateApiKeyRequest.{field}"
        );
    }
    assert!(create["name"].get("x-server-only").is_none());
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(
        schemes["sessionCookie"]["name"],
        "better-auth.session_token"
    );
    assert_eq!(schemes["apiKey"]["name"], "x-api-key");
    assert_eq!(schemes["serverSecret"]["name"], "x-latchkey-server-secret");
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
}
