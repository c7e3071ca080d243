//! Reading windows: from a request body (zod-style issues, like the rest of
//! the body), from the Rust API (the same bounds), and from a configuration
//! value (`--api-key-rate-limits`).

use std::collections::HashSet;

use latchkey_session::body::{kind_of, Field, Validator};
use serde_json::{Map, Value};

use super::{RateWindow, MAX_PER_WINDOW, MAX_WINDOWS, MAX_WINDOW_MS};

/// What is wrong with a list of windows, as `(path, message)` pairs with
/// paths like `rateLimits.0.window`; empty when nothing is.
pub fn window_issues(windows: &[RateWindow]) -> Vec<(String, String)> {
    let mut issues = Vec::new();
    if windows.len() > MAX_WINDOWS {
        issues.push((
            "rateLimits".to_owned(),
            format!("Too big: expected array to have <={MAX_WINDOWS} items"),
        ));
    }
    let mut seen = HashSet::new();
    for (i, w) in windows.iter().enumerate() {
        for (name, value, max) in [
            ("window", w.window, MAX_WINDOW_MS),
            ("max", w.max, MAX_PER_WINDOW),
        ] {
            let path = format!("rateLimits.{i}.{name}");
            if value < 1 {
                issues.push((path, "Too small: expected number to be >=1".to_owned()));
            } else if value > max {
                issues.push((path, format!("Too big: expected number to be <={max}")));
            }
        }
        if !seen.insert(w.window) {
            issues.push((
                format!("rateLimits.{i}.window"),
                format!(
                    "Each window length may appear once; {} ms is repeated",
                    w.window
                ),
            ));
        }
    }
    issues
}

fn int_member(
    v: &mut Validator<'_>,
    path: &str,
    item: &Map<String, Value>,
    name: &str,
) -> Option<i64> {
    let path = format!("{path}.{name}");
    match item.get(name) {
        None => v.issue(&path, "Invalid input: expected number, received undefined"),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() && f.fract() == 0.0 => return Some(f as i64),
            _ => v.issue(&path, "Invalid input: expected int, received number"),
        },
        Some(other) => v.issue(
            &path,
            format!(
                "Invalid input: expected number, received {}",
                kind_of(other)
            ),
        ),
    }
    None
}

/// The `rateLimits` field of a create or update body: absent → `None`;
/// `null` or `[]` → no windows; else `[{window, max}, ...]` (other members
/// of an item are ignored). Issues go to `v`, each with its own path.
pub fn rate_limits_field(v: &mut Validator<'_>, field: &str) -> Option<Vec<RateWindow>> {
    let items = match v.raw(field) {
        Field::Absent => return None,
        Field::Null => return Some(Vec::new()),
        Field::Value(Value::Array(items)) => items,
        Field::Value(other) => {
            v.issue(
                field,
                format!("Invalid input: expected array, received {}", kind_of(other)),
            );
            return None;
        }
    };
    let mut windows = Vec::with_capacity(items.len());
    let mut complete = true;
    for (i, item) in items.iter().enumerate() {
        let path = format!("{field}.{i}");
        let Value::Object(item) = item else {
            v.issue(
                &path,
                format!("Invalid input: expected object, received {}", kind_of(item)),
            );
            complete = false;
            continue;
        };
        match (
            int_member(v, &path, item, "window"),
            int_member(v, &path, item, "max"),
        ) {
            (Some(window), Some(max)) => windows.push(RateWindow::new(window, max)),
            _ => complete = false,
        }
    }
    if !complete {
        return None;
    }
    let issues = window_issues(&windows);
    for (path, message) in &issues {
        v.issue(&path.replacen("rateLimits", field, 1), message);
    }
    issues.is_empty().then_some(windows)
}

/// A duration: a whole number with an optional unit (`ms`, `s`, `m`, `h`,
/// `d`; none means milliseconds), in milliseconds.
fn duration_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "" | "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    number.checked_mul(factor)
}

/// Default windows from configuration: a JSON array
/// (`[{"window":60000,"max":100}]`) or a comma-separated list of
/// `window:max` with the window in ms or with a unit
/// (`60000:100,3600000:1000` or `1m:100,1h:1000,1d:10000`). Empty: none.
pub fn parse_spec(text: &str) -> Result<Vec<RateWindow>, String> {
    let text = text.trim();
    let windows: Vec<RateWindow> = if text.starts_with('[') {
        serde_json::from_str(text)
            .map_err(|e| format!("expected a JSON array of {{\"window\", \"max\"}}: {e}"))?
    } else {
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (window, max) = part
                    .split_once(':')
                    .ok_or_else(|| format!("`{part}`: expected window:max"))?;
                let window = duration_ms(window)
                    .ok_or_else(|| format!("`{part}`: bad window (e.g. 60000, 60s, 1m, 1h, 1d)"))?;
                let max = max
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{part}`: bad max"))?;
                Ok(RateWindow::new(window, max))
            })
            .collect::<Result<_, String>>()?
    };
    let issues = window_issues(&windows);
    if issues.is_empty() {
        Ok(windows)
    } else {
        Err(issues
            .iter()
            .map(|(path, message)| format!("{path}: {message}"))
            .collect::<Vec<_>>()
            .join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use latchkey_session::body::JsonBody;
    use serde_json::json;

    fn field(body: Value) -> (Option<Vec<RateWindow>>, String) {
        let body = JsonBody(body.as_object().cloned().unwrap_or_default());
        let mut v = Validator::body(&body);
        let found = rate_limits_field(&mut v, "rateLimits");
        let issues = v.finish().err().map(|e| e.to_string()).unwrap_or_default();
        (found, issues)
    }

    #[test]
    fn body_field_reads_windows_and_names_each_issue() {
        assert_eq!(field(json!({})), (None, String::new()));
        assert_eq!(
            field(json!({"rateLimits": null})),
            (Some(vec![]), String::new())
        );
        assert_eq!(
            field(json!({"rateLimits": [{"window": 60000, "max": 5, "x": 1}]})),
            (Some(vec![RateWindow::new(60_000, 5)]), String::new())
        );
        assert_eq!(
            field(json!({"rateLimits": 5})).1,
            "[body.rateLimits] Invalid input: expected array, received number"
        );
        assert_eq!(
            field(json!({"rateLimits": [{"window": 1.5, "max": "3"}, 7]})).1,
            "[body.rateLimits.0.window] Invalid input: expected int, received number; \
             [body.rateLimits.0.max] Invalid input: expected number, received string; \
             [body.rateLimits.1] Invalid input: expected object, received number"
        );
        assert_eq!(
            field(json!({"rateLimits": [{"window": 0, "max": 1}, {"window": 1000}]})).1,
            "[body.rateLimits.1.max] Invalid input: expected number, received undefined"
        );
        assert_eq!(
            field(json!({"rateLimits": [{"window": 0, "max": 1}, {"window": 1000, "max": 1}, {"window": 1000, "max": 2}]})).1,
            "[body.rateLimits.0.window] Too small: expected number to be >=1; \
             [body.rateLimits.2.window] Each window length may appear once; 1000 ms is repeated"
        );
        let many: Vec<Value> = (1..=11).map(|i| json!({"window": i, "max": 1})).collect();
        assert_eq!(
            field(json!({ "rateLimits": many })).1,
            "[body.rateLimits] Too big: expected array to have <=10 items"
        );
    }

    #[test]
    fn specs_read_json_or_window_max_pairs() {
        let want = vec![
            RateWindow::new(60_000, 100),
            RateWindow::new(3_600_000, 1000),
            RateWindow::new(86_400_000, 10_000),
        ];
        assert_eq!(
            parse_spec("60000:100,3600000:1000,86400000:10000"),
            Ok(want.clone())
        );
        assert_eq!(parse_spec("1m:100, 1h:1000 ,1d:10000"), Ok(want.clone()));
        assert_eq!(
            parse_spec(
                r#"[{"window":60000,"max":100},{"window":3600000,"max":1000},{"window":86400000,"max":10000}]"#
            ),
            Ok(want)
        );
        assert_eq!(parse_spec(""), Ok(vec![]));
        assert_eq!(parse_spec("30s:2"), Ok(vec![RateWindow::new(30_000, 2)]));
        assert!(parse_spec("1m").is_err());
        assert!(parse_spec("1w:5").is_err());
        assert!(parse_spec("1m:0")
            .err()
            .unwrap_or_default()
            .contains("rateLimits.0.max"));
        assert!(parse_spec("1m:1,60s:2").is_err());
    }
}
