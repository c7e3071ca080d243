//! Settings of the jwt plugin, with better-auth's defaults.

use time::Duration;

use crate::algorithm::SigningAlgorithm;

/// better-auth's `jwks.gracePeriod` default: 30 days.
pub const DEFAULT_GRACE_PERIOD: Duration = Duration::days(30);

/// How long a process keeps signing with the key it loaded before looking at
/// the table again (so a `latchkey jwks rotate` reaches every instance).
pub const SIGNER_CACHE_TTL: Duration = Duration::seconds(60);

/// Options of [`crate::JwtPlugin`].
#[derive(Debug, Clone)]
pub struct JwtOptions {
    /// Algorithm of new signing keys (better-auth: EdDSA / Ed25519).
    pub algorithm: SigningAlgorithm,
    /// `iss` of issued tokens. `None`: the origin the request came to
    /// (better-auth: its base URL).
    pub issuer: Option<String>,
    /// `aud` of issued tokens. `None`: the same as the issuer (better-auth: its base URL).
    pub audience: Option<Vec<String>>,
    /// Lifetime of session JWTs (`/token`, `set-auth-jwt`): 15 minutes.
    pub expires_in: Duration,
    /// Lifetime of JWTs exchanged for an API key (never past the key's expiry): 5 minutes.
    pub api_key_expires_in: Duration,
    /// A signing key stops signing this long after its creation and a new one
    /// takes over (better-auth's `rotationInterval`). `None`: only on demand.
    pub rotation_interval: Option<Duration>,
    /// How long a key that stopped signing stays in the JWK set. Never
    /// shorter than the longest token lifetime, so no token outlives its key.
    pub grace_period: Duration,
    /// Do not add `set-auth-jwt` to get-session answers.
    pub disable_setting_jwt_header: bool,
}

impl Default for JwtOptions {
    fn default() -> Self {
        Self {
            algorithm: SigningAlgorithm::EdDSA,
            issuer: None,
            audience: None,
            expires_in: Duration::minutes(15),
            api_key_expires_in: Duration::minutes(5),
            rotation_interval: None,
            grace_period: DEFAULT_GRACE_PERIOD,
            disable_setting_jwt_header: false,
        }
    }
}

impl JwtOptions {
    /// The grace period actually applied: at least the longest token
    /// lifetime plus the time another process may keep signing with a key
    /// after it was retired ([`SIGNER_CACHE_TTL`]).
    pub fn effective_grace_period(&self) -> Duration {
        self.grace_period
            .max(self.expires_in + SIGNER_CACHE_TTL)
            .max(self.api_key_expires_in + SIGNER_CACHE_TTL)
    }

    /// `iss` for a request that came to `origin`.
    pub fn issuer_for(&self, origin: &str) -> String {
        self.issuer.clone().unwrap_or_else(|| origin.to_owned())
    }

    /// `aud` for a request that came to `origin`: one string, or an array of several.
    pub fn audience_for(&self, origin: &str) -> serde_json::Value {
        match self.audience.as_deref() {
            Some([one]) => serde_json::Value::String(one.clone()),
            Some(many) if !many.is_empty() => serde_json::json!(many),
            _ => serde_json::Value::String(self.issuer_for(origin)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_never_shorter_than_a_token() {
        let options = JwtOptions {
            grace_period: Duration::ZERO,
            ..JwtOptions::default()
        };
        assert_eq!(
            options.effective_grace_period(),
            Duration::minutes(15) + SIGNER_CACHE_TTL
        );
    }

    #[test]
    fn issuer_and_audience_default_to_the_origin() {
        let o = JwtOptions::default();
        assert_eq!(o.issuer_for("http://a"), "http://a");
        assert_eq!(o.audience_for("http://a"), serde_json::json!("http://a"));
        let o = JwtOptions {
            issuer: Some("iss".into()),
            audience: Some(vec!["a".into(), "b".into()]),
            ..JwtOptions::default()
        };
        assert_eq!(o.issuer_for("http://a"), "iss");
        assert_eq!(o.audience_for("http://a"), serde_json::json!(["a", "b"]));
    }
}
