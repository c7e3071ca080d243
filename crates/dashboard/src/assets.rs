//! The page's files, compiled into the binary: nothing is built at run
//! time and nothing is fetched from elsewhere.

use std::sync::OnceLock;

use base64::Engine;
use sha2::{Digest, Sha256};

/// One embedded file, served at `{mount}/assets/{name}`.
#[derive(Debug)]
pub struct Asset {
    /// The file name (no directories).
    pub name: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(Asset { name: $name, body: include_bytes!(concat!("../assets/", $name)) }),*]
    };
}

/// The HTML of the page, with `{{BASE}}` (the mount path) and `{{API}}`
/// (the API's base path) to fill in.
pub const PAGE_TEMPLATE: &str = include_str!("../assets/index.html");

/// Every file the page loads. `main.js` imports the other modules.
pub const ASSETS: &[Asset] = embed![
    "app.css",
    "favicon.svg",
    "api.js",
    "chart.js",
    "dialogs.js",
    "dom.js",
    "format.js",
    "keys.js",
    "main.js",
    "session.js",
    "signin.js",
    "usage.js",
];

impl Asset {
    /// The `Content-Type` its extension calls for.
    pub fn content_type(&self) -> &'static str {
        match self.name.rsplit_once('.').map(|(_, ext)| ext) {
            Some("css") => "text/css; charset=utf-8",
            Some("js") => "text/javascript; charset=utf-8",
            Some("svg") => "image/svg+xml",
            _ => "application/octet-stream",
        }
    }

    /// A strong validator of the bytes, quoted as `ETag` wants it.
    pub fn etag(&self) -> &'static str {
        static TAGS: OnceLock<Vec<String>> = OnceLock::new();
        let tags = TAGS.get_or_init(|| ASSETS.iter().map(|a| etag_of(a.body)).collect());
        ASSETS
            .iter()
            .position(|a| a.name == self.name)
            .and_then(|i| tags.get(i))
            .map_or("\"\"", String::as_str)
    }
}

/// `"<base64url of the SHA-256, first 16 bytes>"`.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!(
        "\"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
    )
}

/// The file called `name`, if the page has one.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn text(asset: &Asset) -> &'static str {
        std::str::from_utf8(asset.body).unwrap_or_default()
    }

    /// `import … from "./x.js"` targets of a module.
    fn imports(source: &str) -> Vec<&str> {
        source
            .lines()
            .filter(|l| l.trim_start().starts_with("import ") || l.contains("} from \""))
            .filter_map(|l| l.split("from \"./").nth(1))
            .filter_map(|rest| rest.split('"').next())
            .collect()
    }

    #[test]
    fn every_file_the_page_or_a_module_names_is_embedded_and_every_embedded_file_used() {
        let mut used = vec![];
        for asset in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
            for target in imports(text(asset)) {
                assert!(find(target).is_some(), "{} imports {target}", asset.name);
                used.push(target);
            }
        }
        for asset in ASSETS {
            let referenced = PAGE_TEMPLATE.contains(&format!("{{{{BASE}}}}/assets/{}", asset.name));
            assert!(
                referenced || used.contains(&asset.name),
                "{} is embedded but nothing loads it",
                asset.name
            );
        }
    }

    /// Whether some ` on<letters>=` (an event handler attribute) occurs.
    fn has_event_attribute(html: &str) -> bool {
        html.match_indices(" on").any(|(at, _)| {
            let rest = &html[at + 3..];
            let letters = rest.chars().take_while(char::is_ascii_alphabetic).count();
            letters > 0 && rest[letters..].trim_start().starts_with('=')
        })
    }

    #[test]
    fn the_page_has_no_inline_code_or_style() {
        assert!(has_event_attribute("<a onclick=\"x\">"));
        assert!(!has_event_attribute("<p>turn it on = off</p>"));
        let lower = PAGE_TEMPLATE.to_lowercase();
        assert!(!lower.contains("<style"), "inline <style>");
        assert!(!lower.contains("style="), "a style attribute");
        assert!(!has_event_attribute(&lower), "an inline event handler");
        assert!(!lower.contains("javascript:"));
        // Every <script> loads a file and has no body.
        for part in lower.split("<script").skip(1) {
            assert!(
                part.contains("src=\"{{base}}/assets/"),
                "inline script: {part}"
            );
            let body = part.split_once('>').map(|(_, b)| b).unwrap_or_default();
            assert!(body.starts_with("</script>"), "script with a body: {part}");
        }
    }

    #[test]
    fn the_scripts_never_use_html_sinks_eval_or_local_storage() {
        for asset in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
            let source = text(asset);
            for banned in [
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
                "eval(",
                "new Function",
                "localStorage",
                ".style.",
                "setAttribute(\"style\"",
            ] {
                assert!(!source.contains(banned), "{} uses {banned}", asset.name);
            }
        }
    }

    #[test]
    fn content_types_and_etags() {
        let css = find("app.css").map(Asset::content_type);
        assert_eq!(css, Some("text/css; charset=utf-8"));
        let js = find("main.js").map(Asset::content_type);
        assert_eq!(js, Some("text/javascript; charset=utf-8"));
        assert!(find("../Cargo.toml").is_none());
        assert!(
            find("index.html").is_none(),
            "the page is served at the mount path only"
        );
        let tags: Vec<_> = ASSETS.iter().map(Asset::etag).collect();
        assert!(tags.iter().all(|t| t.len() == 24 && t.starts_with('"')));
        assert_ne!(tags[0], tags[1]);
    }
}
