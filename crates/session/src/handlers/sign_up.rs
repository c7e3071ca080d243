//! `POST /sign-up/email`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::client_info;
use crate::body::{Field, JsonBody, Validator};
use crate::cookies::attach_session;
use crate::error::AuthError;
use crate::service::credentials;
use crate::service::password::Password;
use crate::state::AuthState;

/// Loose e-mail shape check (local@domain.tld), enough to catch typos.
pub(crate) fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !email.chars().any(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
}

/// Checks an e-mail field, recording better-auth's issue when it is malformed.
pub(crate) fn email_field(v: &mut Validator<'_>) -> Option<String> {
    let email = v.required_string("email")?;
    if is_valid_email(&email) {
        Some(email)
    } else {
        v.issue("email", "Invalid email address");
        None
    }
}

/// Creates a user and signs them in.
pub async fn sign_up_email(
    req: HttpRequest,
    state: web::Data<AuthState>,
    body: JsonBody,
) -> Result<HttpResponse, AuthError> {
    let mut v = Validator::body(&body);
    let name = v.required_string("name");
    let email = email_field(&mut v);
    let password = v.required_string("password");
    let image = v.string("image");
    v.finish()?;
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return Err(AuthError::Internal);
    };
    let image = match image {
        Field::Value(image) => Some(image),
        _ => None,
    };
    let signed_in = credentials::sign_up(
        &state,
        name,
        email,
        Password::new(password),
        image,
        client_info(&req),
    )
    .await?;
    let mut response = HttpResponse::Ok();
    attach_session(&mut response, &state.config, &signed_in.token);
    Ok(response.json(json!({
        "token": signed_in.token.expose(),
        "user": signed_in.user,
    })))
}

#[cfg(test)]
mod tests {
    use super::is_valid_email;

    #[test]
    fn email_shapes() {
        assert!(is_valid_email("alice@example.com"));
        assert!(is_valid_email("a.b+c@sub.example.co"));
        for bad in [
            "not-an-email",
            "@example.com",
            "a@b",
            "a b@example.com",
            "a@.com",
            "a@example.",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
