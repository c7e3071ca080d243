//! latchkey's jwt plugin: better-auth's `jwt()` on the wire (`GET /token`,
//! `GET /jwks`, `set-auth-jwt` on get-session; EdDSA by default, ES256 and
//! RS256 selectable; signing keys in the `jwks` table, private keys
//! encrypted with the server secret), signing-key rotation, and
//! `POST /api-key/token`, which exchanges an API key for a short-lived JWT.
//!
//! Services behind latchkey check these tokens with [`verify`] (no database,
//! only the JWK set); with the `remote` feature the set is fetched over HTTP
//! and an actix extractor guards their routes. Without the default `server`
//! feature the crate is only that verifier.

pub mod algorithm;
pub mod verify;

#[cfg(feature = "server")]
pub mod db;
#[cfg(feature = "server")]
pub mod error;
#[cfg(feature = "server")]
pub mod handlers;
#[cfg(feature = "server")]
pub mod hook;
#[cfg(feature = "server")]
pub mod options;
#[cfg(feature = "server")]
pub mod routes;
#[cfg(feature = "server")]
pub mod service;

pub use algorithm::SigningAlgorithm;
#[cfg(feature = "server")]
pub use error::JwtError;
#[cfg(feature = "server")]
pub use options::JwtOptions;
#[cfg(feature = "server")]
pub use plugin::{JwtPlugin, JwtState};
#[cfg(feature = "server")]
pub use service::Jwts;

#[cfg(feature = "server")]
mod plugin {
    use std::sync::{Arc, OnceLock};

    use actix_web::web;
    use latchkey_session::db::MigrationSet;
    use latchkey_session::{AuthState, Plugin, ResponseHook};

    use crate::options::JwtOptions;
    use crate::service::Jwts;

    /// What the jwt handlers share (`web::Data<JwtState>`).
    #[derive(Debug, Clone)]
    pub struct JwtState {
        /// The signing-key handle.
        pub jwts: Jwts,
    }

    /// The jwt plugin, mounted with `Auth::builder(..).plugin(JwtPlugin::new(options))`
    /// after the API-key plugin (its `/api-key/token` verifies keys with it).
    #[derive(Debug, Clone, Default)]
    pub struct JwtPlugin {
        options: Arc<JwtOptions>,
        /// One handle for every worker, so they share the cached signing key.
        shared: Arc<OnceLock<Jwts>>,
    }

    impl JwtPlugin {
        /// A plugin with these options.
        pub fn new(options: JwtOptions) -> Self {
            Self {
                options: Arc::new(options),
                shared: Arc::default(),
            }
        }

        /// The options.
        pub fn options(&self) -> &Arc<JwtOptions> {
            &self.options
        }

        /// The signing-key handle over the auth server's state that the
        /// routes use (for signing or rotating in-process).
        pub fn jwts(&self, state: &AuthState) -> Jwts {
            self.shared
                .get_or_init(|| Jwts::from_state(state, self.options.clone()))
                .clone()
        }
    }

    impl Plugin for JwtPlugin {
        fn name(&self) -> &'static str {
            "jwt"
        }

        fn migrations(&self) -> Option<MigrationSet> {
            Some(crate::db::MIGRATIONS)
        }

        fn app_data(&self, cfg: &mut web::ServiceConfig, state: &AuthState) {
            cfg.app_data(web::Data::new(JwtState {
                jwts: self.jwts(state),
            }));
        }

        fn configure(&self, cfg: &mut web::ServiceConfig, _state: &AuthState) {
            crate::routes::configure(cfg);
        }

        fn response_hook(&self) -> Option<Arc<dyn ResponseHook>> {
            Some(Arc::new(crate::hook::SetAuthJwt))
        }
    }
}
