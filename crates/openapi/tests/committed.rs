//! `openapi.yaml` at the repository root is exactly what the code produces.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use latchkey_openapi::{yaml, REGENERATE};

#[test]
fn committed_openapi_yaml_is_what_the_code_produces() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let produced = yaml();
    if committed == produced {
        return;
    }
    if std::env::var("LATCHKEY_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(path, produced).unwrap();
        return;
    }
    let line = committed
        .lines()
        .zip(produced.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || committed.lines().count().min(produced.lines().count()) + 1,
            |i| i + 1,
        );
    panic!(
        "openapi.yaml differs from the document the code produces (first difference at line \
         {line}: committed {:?}, produced {:?}).\nRegenerate it with:\n    {REGENERATE}\n\
         (or LATCHKEY_UPDATE_OPENAPI=1 cargo test -p latchkey-openapi --test committed)",
        committed.lines().nth(line - 1).unwrap_or("<end>"),
        produced.lines().nth(line - 1).unwrap_or("<end>"),
    );
}

#[test]
fn the_served_json_is_the_same_document() {
    let from_yaml: serde_json::Value = serde_norway::from_str(latchkey_openapi::yaml()).unwrap();
    let served: serde_json::Value = serde_json::from_str(latchkey_openapi::json()).unwrap();
    assert_eq!(from_yaml, served);
    let links = &served["paths"]["/api/auth/api-key/create"]["post"]["responses"]["200"]["links"];
    assert_eq!(links["GetCreatedKey"]["operationId"], "getApiKey");
    assert_eq!(
        links["DeleteCreatedKey"]["requestBody"]["keyId"],
        "$response.body#/id"
    );
    assert_eq!(served["openapi"], "3.1.0");
}
