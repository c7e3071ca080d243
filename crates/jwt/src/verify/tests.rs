//! The pure check and the cache, with keys made here (no server needed
//! beyond key generation, so these run with the `server` feature).
#![cfg(feature = "server")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Map, Value};

use super::*;
use crate::service::keys::{encoding_key, generate, published_jwk};

const NOW: u64 = 1_800_000_000;

struct Key {
    kid: String,
    alg: SigningAlgorithm,
    private: EncodingKey,
    public: Value,
}

fn key(alg: SigningAlgorithm, kid: &str) -> Key {
    let pair = generate(alg).unwrap();
    Key {
        kid: kid.into(),
        alg,
        private: encoding_key(alg, &pair.private).unwrap(),
        public: published_jwk(kid, alg, pair.crv, &pair.public),
    }
}

fn set(keys: &[&Key]) -> Value {
    json!({ "keys": keys.iter().map(|k| k.public.clone()).collect::<Vec<_>>() })
}

fn claims() -> Value {
    json!({"sub": "user-1", "iss": "http://issuer", "aud": "http://issuer", "iat": NOW, "exp": NOW + 900})
}

fn sign(key: &Key, claims: &Value) -> String {
    let mut header = Header::new(key.alg.into());
    header.kid = Some(key.kid.clone());
    encode(&header, claims, &key.private).unwrap()
}

fn check(token: &str, keys: &Value, now: u64) -> Result<Map<String, Value>, VerifyError> {
    let keys = KeySet::from_json(keys).unwrap();
    verify_with(
        token,
        &keys,
        &Verification::for_issuer("http://issuer"),
        now,
    )
}

#[test]
fn each_algorithm_verifies_and_expires() {
    for alg in SigningAlgorithm::ALL {
        let k = key(alg, "k1");
        let token = sign(&k, &claims());
        let ok = check(&token, &set(&[&k]), NOW).unwrap();
        assert_eq!(ok["sub"], "user-1", "{alg}");
        assert!(check(&token, &set(&[&k]), NOW + 899).is_ok());
        assert_eq!(
            check(&token, &set(&[&k]), NOW + 900),
            Err(VerifyError::Expired)
        );
    }
}

#[test]
fn tampering_is_refused() {
    let k = key(SigningAlgorithm::EdDSA, "k1");
    let token = sign(&k, &claims());
    let parts: Vec<&str> = token.split('.').collect();
    let mut forged = claims();
    forged["sub"] = json!("admin");
    let payload = URL_SAFE_NO_PAD.encode(forged.to_string());
    let tampered = format!("{}.{}.{}", parts[0], payload, parts[2]);
    assert_eq!(
        check(&tampered, &set(&[&k]), NOW),
        Err(VerifyError::BadSignature)
    );
    let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    sig[0] ^= 1;
    let flipped = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(sig));
    assert_eq!(
        check(&flipped, &set(&[&k]), NOW),
        Err(VerifyError::BadSignature)
    );
    assert_eq!(check("a.b", &set(&[&k]), NOW), Err(VerifyError::Malformed));
}

#[test]
fn wrong_or_missing_kid_is_refused() {
    let k = key(SigningAlgorithm::EdDSA, "k1");
    let other = key(SigningAlgorithm::EdDSA, "k2");
    let token = sign(&k, &claims());
    assert_eq!(
        check(&token, &set(&[&other]), NOW),
        Err(VerifyError::UnknownKey)
    );
    // Signed by k1 but naming k2: the signature does not verify with k2.
    let mut header = Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some("k2".into());
    let lying = encode(&header, &claims(), &k.private).unwrap();
    assert_eq!(
        check(&lying, &set(&[&k, &other]), NOW),
        Err(VerifyError::BadSignature)
    );
    let anonymous = encode(
        &Header::new(jsonwebtoken::Algorithm::EdDSA),
        &claims(),
        &k.private,
    )
    .unwrap();
    assert_eq!(
        check(&anonymous, &set(&[&k]), NOW),
        Err(VerifyError::MissingKid)
    );
}

#[test]
fn alg_none_and_hmac_confusion_are_refused() {
    let k = key(SigningAlgorithm::RS256, "k1");
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "kid": "k1"})),
        b64(&claims())
    );
    assert_eq!(
        check(&none, &set(&[&k]), NOW),
        Err(VerifyError::UnsupportedAlgorithm)
    );
    // HS256 keyed with the public modulus (the classic confusion attack).
    let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some("k1".into());
    let n = k.public["n"].as_str().unwrap().as_bytes().to_vec();
    let hs = encode(&header, &claims(), &EncodingKey::from_secret(&n)).unwrap();
    assert_eq!(
        check(&hs, &set(&[&k]), NOW),
        Err(VerifyError::UnsupportedAlgorithm)
    );
    // A token claiming ES256 for an RS256 key.
    let ec = key(SigningAlgorithm::ES256, "k1");
    let mixed = sign(&ec, &claims());
    assert_eq!(
        check(&mixed, &set(&[&k]), NOW),
        Err(VerifyError::UnsupportedAlgorithm)
    );
}

#[test]
fn issuer_audience_and_required_claims() {
    let k = key(SigningAlgorithm::ES256, "k1");
    let mut c = claims();
    c["iss"] = json!("http://elsewhere");
    assert_eq!(
        check(&sign(&k, &c), &set(&[&k]), NOW),
        Err(VerifyError::WrongIssuer)
    );
    let mut c = claims();
    c["aud"] = json!(["a", "b"]);
    assert_eq!(
        check(&sign(&k, &c), &set(&[&k]), NOW),
        Err(VerifyError::WrongAudience)
    );
    let mut c = claims();
    c.as_object_mut().unwrap().remove("exp");
    assert_eq!(
        check(&sign(&k, &c), &set(&[&k]), NOW),
        Err(VerifyError::MissingClaim("exp".into()))
    );
    let mut c = claims();
    c["nbf"] = json!(NOW + 60);
    assert_eq!(
        check(&sign(&k, &c), &set(&[&k]), NOW),
        Err(VerifyError::NotYetValid)
    );
}

struct Counting {
    set: Arc<std::sync::Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
}

impl JwksSource for Counting {
    fn fetch(&self) -> futures_util::future::LocalBoxFuture<'_, Result<Value, String>> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let set = self.set.lock().unwrap().clone();
        Box::pin(async move { Ok(set) })
    }
}

#[actix_web::test]
async fn the_cache_refetches_for_a_new_kid_but_not_for_every_unknown_one() {
    let k1 = key(SigningAlgorithm::EdDSA, "k1");
    let k2 = key(SigningAlgorithm::EdDSA, "k2");
    let shared = Arc::new(std::sync::Mutex::new(set(&[&k1])));
    let fetches = Arc::new(AtomicUsize::new(0));
    let clock = Arc::new(AtomicU64::new(NOW));
    let c = clock.clone();
    let verifier = JwtVerifier::new(
        Counting {
            set: shared.clone(),
            fetches: fetches.clone(),
        },
        Verification::for_issuer("http://issuer"),
    )
    .with_clock(move || c.load(Ordering::SeqCst));
    let t1 = sign(&k1, &claims());
    for _ in 0..3 {
        assert!(verifier.verify::<Value>(&t1).await.is_ok());
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "cached by kid");
    // Rotation: k2 appears; its first token triggers one refetch.
    *shared.lock().unwrap() = set(&[&k2, &k1]);
    clock.fetch_add(11, Ordering::SeqCst);
    let t2 = sign(&k2, &claims());
    assert!(verifier.verify::<Value>(&t2).await.is_ok());
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    // Unknown kids right after: refused without another fetch.
    let stranger = key(SigningAlgorithm::EdDSA, "k3");
    for _ in 0..5 {
        assert_eq!(
            verifier
                .verify::<Value>(&sign(&stranger, &claims()))
                .await
                .err(),
            Some(VerifyError::UnknownKey)
        );
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}
