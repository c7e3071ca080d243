//! The wire shapes, as `ToSchema` structs that are never constructed.

pub mod api_key;
pub mod api_key_requests;
pub mod api_key_usage;
pub mod error;
pub mod jwt;
pub mod server;
pub mod session;

use serde_json::json;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Components, RefOr};
use utoipa::ToSchema;

type Named = (String, RefOr<Schema>);

fn add<T: ToSchema>(all: &mut Vec<Named>) {
    all.push((T::name().into_owned(), T::schema()));
    T::schemas(all);
}

/// Every component schema, named.
pub fn all() -> Vec<Named> {
    let mut all = Vec::new();
    add::<error::Error>(&mut all);
    add::<error::ErrorDetails>(&mut all);
    add::<session::User>(&mut all);
    add::<session::Session>(&mut all);
    add::<session::SessionAndUser>(&mut all);
    add::<session::SignUpRequest>(&mut all);
    add::<session::SignUpResponse>(&mut all);
    add::<session::SignInRequest>(&mut all);
    add::<session::SignInResponse>(&mut all);
    add::<session::RevokeSessionRequest>(&mut all);
    add::<session::Success>(&mut all);
    add::<session::Status>(&mut all);
    add::<session::Liveness>(&mut all);
    add::<session::Readiness>(&mut all);
    add::<api_key::ApiKey>(&mut all);
    add::<api_key::CreatedApiKey>(&mut all);
    add::<api_key::RotatedApiKey>(&mut all);
    add::<api_key::RateLimitWindow>(&mut all);
    add::<api_key::ApiKeyList>(&mut all);
    add::<api_key::Metadata>(&mut all);
    add::<api_key::Permissions>(&mut all);
    add::<api_key_requests::CreateApiKeyRequest>(&mut all);
    add::<api_key_requests::UpdateApiKeyRequest>(&mut all);
    add::<api_key_requests::DeleteApiKeyRequest>(&mut all);
    add::<api_key_requests::RotateApiKeyRequest>(&mut all);
    add::<api_key_usage::UsagePage>(&mut all);
    add::<api_key_usage::ApiKeyStats>(&mut all);
    add::<server::VerifyApiKeyRequest>(&mut all);
    add::<server::VerifyError>(&mut all);
    add::<server::VerifyApiKeyResponse>(&mut all);
    add::<server::DeleteExpiredResponse>(&mut all);
    add::<jwt::SessionJwt>(&mut all);
    add::<jwt::ApiKeyJwt>(&mut all);
    add::<jwt::Jwk>(&mut all);
    add::<jwt::Jwks>(&mut all);
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    all
}

/// Marks the server-only request fields with `x-server-only: true`.
pub fn mark_server_only(components: &mut Components) {
    for (schema_name, fields) in api_key_requests::SERVER_ONLY {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*schema_name)
        else {
            continue;
        };
        for field in *fields {
            let marker = ExtensionsBuilder::new()
                .add("x-server-only", json!(true))
                .build();
            match object.properties.get_mut(*field) {
                Some(RefOr::T(Schema::Object(property))) => {
                    property
                        .extensions
                        .get_or_insert_with(Default::default)
                        .merge(marker);
                }
                Some(RefOr::T(Schema::OneOf(property))) => {
                    property
                        .extensions
                        .get_or_insert_with(Default::default)
                        .merge(marker);
                }
                _ => {}
            }
        }
    }
}
