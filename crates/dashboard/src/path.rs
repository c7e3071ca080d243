//! Where the page is mounted: a checked, normalised URL path.

/// Why a dashboard path cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// Not an absolute path.
    #[error("the dashboard path must start with `/`, not `{0}`")]
    NotAbsolute(String),
    /// A character outside letters, digits and `-._~/`, or an empty,
    /// `.` or `..` segment. The path is written into the page's HTML and
    /// its CSP-protected asset URLs, so only plain characters are allowed.
    #[error("the dashboard path `{0}` may hold only letters, digits, `-`, `_`, `.`, `~` and `/`, without empty, `.` or `..` segments")]
    Characters(String),
    /// Inside the API's base path, whose routes it would shadow.
    #[error("the dashboard path `{path}` lies inside the API's base path `{api}`")]
    InsideApi {
        /// The path asked for.
        path: String,
        /// The API's base path.
        api: String,
    },
}

/// A dashboard mount point: `/dashboard`, `/admin/keys`, or the site root.
/// Stored without a trailing slash (the root is the empty string), so
/// `{base}/assets/…` is always one slash apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountPath(String);

impl MountPath {
    /// Checks `path` (a trailing `/` is dropped) against the API's base
    /// path, which it must neither equal nor lie inside.
    pub fn parse(path: &str, api_base: &str) -> Result<Self, PathError> {
        if !path.starts_with('/') {
            return Err(PathError::NotAbsolute(path.to_owned()));
        }
        let trimmed = path.trim_end_matches('/');
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~');
        let segments_ok = trimmed.is_empty()
            || trimmed[1..]
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != ".." && s.chars().all(plain));
        if !segments_ok {
            return Err(PathError::Characters(path.to_owned()));
        }
        let api = api_base.trim_end_matches('/');
        let inside = trimmed == api
            || trimmed
                .strip_prefix(api)
                .is_some_and(|rest| rest.starts_with('/'));
        if inside || (trimmed.is_empty() && api.is_empty()) {
            return Err(PathError::InsideApi {
                path: path.to_owned(),
                api: api_base.to_owned(),
            });
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The path without a trailing slash (`""` for the root).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL of the page itself: the path, or `/` for the root.
    pub fn page_url(&self) -> &str {
        if self.0.is_empty() {
            "/"
        } else {
            &self.0
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn parse(path: &str) -> Result<String, PathError> {
        MountPath::parse(path, "/api/auth").map(|p| p.as_str().to_owned())
    }

    #[test]
    fn plain_paths_are_kept_without_a_trailing_slash() {
        assert_eq!(parse("/dashboard"), Ok("/dashboard".to_owned()));
        assert_eq!(parse("/dashboard/"), Ok("/dashboard".to_owned()));
        assert_eq!(parse("/admin/keys-v2"), Ok("/admin/keys-v2".to_owned()));
        assert_eq!(parse("/"), Ok(String::new()));
        assert_eq!(MountPath::parse("/", "/api/auth").unwrap().page_url(), "/");
        assert_eq!(
            MountPath::parse("/d", "/api/auth").unwrap().page_url(),
            "/d"
        );
        // Beside the API, not inside it.
        assert_eq!(parse("/api/authx"), Ok("/api/authx".to_owned()));
        assert_eq!(parse("/api"), Ok("/api".to_owned()));
    }

    #[test]
    fn anything_that_could_break_the_page_or_shadow_the_api_is_refused() {
        assert!(matches!(parse("dashboard"), Err(PathError::NotAbsolute(_))));
        assert!(matches!(parse(""), Err(PathError::NotAbsolute(_))));
        for bad in [
            "/dash board",
            "/a//b",
            "/a/../b",
            "/./a",
            "/\"x",
            "/<script>",
            "/a?b",
            "/a#b",
            "/%2e",
            "/é",
        ] {
            assert!(matches!(parse(bad), Err(PathError::Characters(_))), "{bad}");
        }
        for inside in ["/api/auth", "/api/auth/", "/api/auth/dashboard"] {
            assert!(
                matches!(parse(inside), Err(PathError::InsideApi { .. })),
                "{inside}"
            );
        }
    }
}
