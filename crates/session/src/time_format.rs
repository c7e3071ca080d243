//! Timestamps on the wire: ISO-8601 UTC with milliseconds, as better-auth
//! (`2026-11-23T13:04:27.768Z`).

use time::format_description::FormatItem;
use time::macros::format_description;
use time::PrimitiveDateTime;

const WIRE: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Formats a UTC timestamp for JSON.
pub fn format(at: PrimitiveDateTime) -> String {
    at.format(WIRE).unwrap_or_default()
}

/// `#[serde(with = "iso8601")]` for `PrimitiveDateTime` fields.
pub mod iso8601 {
    use serde::Serializer;
    use time::PrimitiveDateTime;

    /// Serialises as ISO-8601 UTC with milliseconds.
    pub fn serialize<S: Serializer>(at: &PrimitiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(*at))
    }

    /// The same for optional timestamps (`null` when absent).
    pub mod option {
        use serde::Serializer;
        use time::PrimitiveDateTime;

        /// Serialises `Some` as ISO-8601 UTC, `None` as `null`.
        pub fn serialize<S: Serializer>(
            at: &Option<PrimitiveDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => s.serialize_str(&super::super::format(*at)),
                None => s.serialize_none(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    #[test]
    fn formats_like_better_auth() {
        assert_eq!(
            super::format(datetime!(2026-11-23 13:04:27.768123)),
            "2026-11-23T13:04:27.768Z"
        );
        assert_eq!(
            super::format(datetime!(2026-01-02 03:04:05)),
            "2026-01-02T03:04:05.000Z"
        );
    }
}
