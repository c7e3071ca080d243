//! latchkey's key-management page for people: sign up or in, create keys
//! (the full key shown once), rename, enable or disable, rotate, delete,
//! and see a key's usage.
//!
//! It is a static page (HTML, CSS and JavaScript modules from `assets/`,
//! compiled into the binary; no build step) that talks only to latchkey's
//! public HTTP API with a bearer session, so it is also a reference
//! frontend. Every response carries the strict headers of [`headers`].
//!
//! ```no_run
//! use actix_web::App;
//! use latchkey_dashboard::Dashboard;
//!
//! let dashboard = Dashboard::new("/dashboard", "/api/auth").expect("a valid path");
//! let app = App::new().configure(|cfg| dashboard.configure(cfg));
//! ```
//!
//! There is no `routes.rs`: the two routes depend on the mount path, and
//! the workspace's `routes.rs` files are the `/api/auth` route tables that
//! the OpenAPI document is checked against; the page lives outside it.

pub mod assets;
pub mod handlers;
pub mod headers;
pub mod path;

use actix_web::web;

pub use path::{MountPath, PathError};

/// The dashboard's path when none is configured.
pub const DEFAULT_PATH: &str = "/dashboard";

/// The rendered page: the template with its paths filled in, and its ETag.
#[derive(Debug, Clone)]
pub struct Page {
    /// The HTML.
    pub html: String,
    /// Its validator.
    pub etag: String,
}

/// A dashboard to mount: where, and where the API it talks to lives.
#[derive(Debug, Clone)]
pub struct Dashboard {
    mount: MountPath,
    page: Page,
}

/// `&`, `<`, `>`, `"` and `'` as entities.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Dashboard {
    /// A dashboard at `path` (see [`MountPath::parse`]) for the API under
    /// `api_base` (latchkey's is `/api/auth`).
    pub fn new(path: &str, api_base: &str) -> Result<Self, PathError> {
        let mount = MountPath::parse(path, api_base)?;
        let html = assets::PAGE_TEMPLATE
            .replace("{{BASE}}", mount.as_str())
            .replace("{{API}}", &escape_html(api_base.trim_end_matches('/')));
        let etag = assets::etag_of(html.as_bytes());
        Ok(Self {
            mount,
            page: Page { html, etag },
        })
    }

    /// The page's URL path (`/dashboard`, or `/` at the root).
    pub fn path(&self) -> &str {
        self.mount.page_url()
    }

    /// Registers the page (at its path, with or without a trailing slash)
    /// and its files (`{path}/assets/{name}`).
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        let base = self.mount.as_str();
        let page_paths = if base.is_empty() {
            vec!["/".to_owned()]
        } else {
            vec![base.to_owned(), format!("{base}/")]
        };
        cfg.service(
            web::resource(page_paths)
                // Resource-level data: two dashboards in one App keep their own page.
                .app_data(web::Data::new(self.page.clone()))
                .route(web::get().to(handlers::get_dashboard)),
        )
        .service(
            web::resource(format!("{base}/assets/{{name}}"))
                .route(web::get().to(handlers::get_dashboard_asset)),
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use actix_web::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
    use actix_web::test::{self, TestRequest};
    use actix_web::App;

    #[test]
    fn the_page_names_its_paths_and_nothing_else() {
        let d = Dashboard::new("/keys/", "/api/auth").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.path(), "/keys");
        assert!(d.page.html.contains("href=\"/keys/assets/app.css\""));
        assert!(d.page.html.contains("src=\"/keys/assets/main.js\""));
        assert!(d.page.html.contains("content=\"/api/auth\""));
        assert!(!d.page.html.contains("{{"));
        assert!(!d.page.html.contains("http://") && !d.page.html.contains("https://"));
        let root = Dashboard::new("/", "/api/auth").unwrap_or_else(|e| panic!("{e}"));
        assert!(root.page.html.contains("src=\"/assets/main.js\""));
        assert_eq!(escape_html("<\"a&'>"), "&lt;&quot;a&amp;&#39;&gt;");
    }

    #[actix_web::test]
    async fn serves_the_page_and_files_with_validators() {
        let d = Dashboard::new("/dashboard", "/api/auth").unwrap_or_else(|e| panic!("{e}"));
        let app = test::init_service(App::new().configure(|cfg| d.configure(cfg))).await;
        for uri in ["/dashboard", "/dashboard/"] {
            let res = test::call_service(&app, TestRequest::get().uri(uri).to_request()).await;
            assert_eq!(res.status(), 200, "{uri}");
            assert!(res.headers().contains_key(CONTENT_SECURITY_POLICY));
            assert_eq!(
                res.headers().get(CONTENT_TYPE).unwrap(),
                "text/html; charset=utf-8"
            );
        }
        let req = TestRequest::get()
            .uri("/dashboard/assets/main.js")
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), 200);
        let etag = res.headers().get(ETAG).unwrap().clone();
        let req = TestRequest::get()
            .uri("/dashboard/assets/main.js")
            .insert_header((IF_NONE_MATCH, etag))
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), 304);
        assert!(res.headers().contains_key(CONTENT_SECURITY_POLICY));
        for missing in [
            "/dashboard/assets/nope.js",
            "/dashboard/assets/..%2FCargo.toml",
            "/dashboard/assets/index.html",
        ] {
            let res = test::call_service(&app, TestRequest::get().uri(missing).to_request()).await;
            assert_eq!(res.status(), 404, "{missing}");
            assert!(res.headers().contains_key(CONTENT_SECURITY_POLICY));
        }
    }
}
