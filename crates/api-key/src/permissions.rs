//! Permissions: a map from resource to the actions allowed on it.

use std::collections::BTreeMap;

use latchkey_session::body::{kind_of, Validator};
use serde_json::Value;

/// `{"files": ["read", "write"]}`.
pub type Permissions = BTreeMap<String, Vec<String>>;

/// Checks a permissions value from a body, recording better-auth's issues
/// (`[body.permissions.files] Invalid input: expected array, received string`).
pub fn parse(v: &mut Validator<'_>, field: &str, value: &Value) -> Option<Permissions> {
    let Value::Object(map) = value else {
        v.issue(
            field,
            format!(
                "Invalid input: expected record, received {}",
                kind_of(value)
            ),
        );
        return None;
    };
    let mut out = Permissions::new();
    let mut ok = true;
    for (resource, actions) in map {
        let path = format!("{field}.{resource}");
        match actions {
            Value::Array(items) => {
                let mut list = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => list.push(s.clone()),
                        other => {
                            v.issue(
                                &format!("{path}.{i}"),
                                format!(
                                    "Invalid input: expected string, received {}",
                                    kind_of(other)
                                ),
                            );
                            ok = false;
                        }
                    }
                }
                out.insert(resource.clone(), list);
            }
            other => {
                v.issue(
                    &path,
                    format!("Invalid input: expected array, received {}", kind_of(other)),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Whether `held` grants every requested action of every requested resource.
pub fn grants(held: &Permissions, required: &Permissions) -> bool {
    required.iter().all(|(resource, actions)| {
        held.get(resource)
            .is_some_and(|have| actions.iter().all(|a| have.contains(a)))
    })
}

/// Reads the stored JSON text of a key's permissions.
pub fn from_column(text: Option<&str>) -> Option<Permissions> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn perms(v: Value) -> Permissions {
        serde_json::from_value(v).unwrap_or_default()
    }

    #[test]
    fn grants_needs_every_action() {
        let held = perms(json!({"files": ["read", "write"], "users": ["read"]}));
        assert!(grants(&held, &perms(json!({"files": ["read"]}))));
        assert!(grants(
            &held,
            &perms(json!({"files": ["read", "write"], "users": ["read"]}))
        ));
        assert!(!grants(&held, &perms(json!({"files": ["delete"]}))));
        assert!(!grants(&held, &perms(json!({"billing": ["read"]}))));
        assert!(grants(&held, &Permissions::new()));
    }

    #[test]
    fn wrong_shapes_are_reported_like_better_auth() {
        let body = json!({"permissions": {"files": "read"}});
        let map = body.as_object().cloned().unwrap_or_default();
        let mut v = Validator::new(&map, "body");
        assert!(parse(&mut v, "permissions", &map["permissions"]).is_none());
        let msg = v.finish().err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            msg,
            "[body.permissions.files] Invalid input: expected array, received string"
        );
    }
}
