//! `--jwt-<option>` / `LATCHKEY_JWT_<OPTION>` settings of the jwt plugin,
//! with better-auth's defaults.

use clap::Args;
use latchkey_jwt::{JwtOptions, SigningAlgorithm};
use time::Duration;

/// jwt plugin settings.
#[derive(Debug, Clone, Args)]
pub struct JwtSettings {
    /// Algorithm of new signing keys: EdDSA (Ed25519), ES256 or RS256.
    #[arg(long, env = "LATCHKEY_JWT_ALGORITHM", default_value = "EdDSA",
          value_parser = parse_algorithm, global = true)]
    pub jwt_algorithm: SigningAlgorithm,

    /// `iss` of issued JWTs (default: the origin the request came to).
    #[arg(long, env = "LATCHKEY_JWT_ISSUER", global = true)]
    pub jwt_issuer: Option<String>,

    /// Comma-separated `aud` of issued JWTs (default: the issuer).
    #[arg(
        long,
        env = "LATCHKEY_JWT_AUDIENCE",
        value_delimiter = ',',
        global = true
    )]
    pub jwt_audience: Vec<String>,

    /// Lifetime of session JWTs (`/token`, `set-auth-jwt`), in seconds.
    #[arg(long, env = "LATCHKEY_JWT_EXPIRES_IN", default_value_t = 900,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub jwt_expires_in: u32,

    /// Lifetime of JWTs exchanged for an API key, in seconds (never past the key's expiry,
    /// nor past the grace period of a rotated key's previous secret).
    #[arg(long, env = "LATCHKEY_JWT_API_KEY_EXPIRES_IN", default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub jwt_api_key_expires_in: u32,

    /// Rotate the signing key automatically this many days after its
    /// creation (0: only with `latchkey jwks rotate`).
    #[arg(
        long,
        env = "LATCHKEY_JWT_ROTATION_DAYS",
        default_value_t = 0,
        global = true
    )]
    pub jwt_rotation_days: u32,

    /// Days a retired key stays in the JWK set (never less than a token's lifetime).
    #[arg(
        long,
        env = "LATCHKEY_JWT_GRACE_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub jwt_grace_days: u32,
}

fn parse_algorithm(text: &str) -> Result<SigningAlgorithm, String> {
    text.parse()
        .map_err(|e: latchkey_jwt::algorithm::UnsupportedAlgorithm| e.to_string())
}

impl JwtSettings {
    /// The plugin options these settings describe.
    pub fn options(&self) -> JwtOptions {
        let audience: Vec<String> = self
            .jwt_audience
            .iter()
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        JwtOptions {
            algorithm: self.jwt_algorithm,
            issuer: self.jwt_issuer.clone().filter(|i| !i.is_empty()),
            audience: (!audience.is_empty()).then_some(audience),
            expires_in: Duration::seconds(i64::from(self.jwt_expires_in)),
            api_key_expires_in: Duration::seconds(i64::from(self.jwt_api_key_expires_in)),
            rotation_interval: (self.jwt_rotation_days > 0)
                .then(|| Duration::days(i64::from(self.jwt_rotation_days))),
            grace_period: Duration::days(i64::from(self.jwt_grace_days)),
            ..JwtOptions::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Probe {
        #[command(flatten)]
        settings: JwtSettings,
    }

    #[test]
    fn defaults_are_better_auths() {
        let options = Probe::parse_from(["x"]).settings.options();
        let defaults = JwtOptions::default();
        assert_eq!(options.algorithm, SigningAlgorithm::EdDSA);
        assert_eq!(options.expires_in, defaults.expires_in);
        assert_eq!(options.api_key_expires_in, defaults.api_key_expires_in);
        assert_eq!(options.grace_period, defaults.grace_period);
        assert!(options.issuer.is_none() && options.audience.is_none());
        assert!(options.rotation_interval.is_none());
    }

    #[test]
    fn flags_set_options() {
        let options = Probe::parse_from([
            "x",
            "--jwt-algorithm",
            "RS256",
            "--jwt-issuer",
            "https://auth.example",
            "--jwt-audience",
            "api-a,api-b",
            "--jwt-rotation-days",
            "7",
            "--jwt-api-key-expires-in",
            "60",
        ])
        .settings
        .options();
        assert_eq!(options.algorithm, SigningAlgorithm::RS256);
        assert_eq!(options.issuer.as_deref(), Some("https://auth.example"));
        assert_eq!(options.audience, Some(vec!["api-a".into(), "api-b".into()]));
        assert_eq!(options.rotation_interval, Some(Duration::days(7)));
        assert_eq!(options.api_key_expires_in, Duration::seconds(60));
    }

    #[test]
    fn unknown_algorithms_are_refused() {
        for alg in ["HS256", "none", "eddsa"] {
            assert!(
                Probe::try_parse_from(["x", "--jwt-algorithm", alg]).is_err(),
                "{alg}"
            );
        }
    }
}
