//! The two kinds of answer: the page, and one of its files.

use actix_web::http::header::{self, ContentType, ETAG, IF_NONE_MATCH};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::assets;
use crate::headers::secure;
use crate::Page;

/// Answers the page (the HTML with its paths filled in).
pub async fn get_dashboard(req: HttpRequest, page: web::Data<Page>) -> HttpResponse {
    respond(
        &req,
        ContentType::html().to_string(),
        &page.etag,
        page.html.clone().into_bytes(),
    )
}

/// Answers one embedded file, or 404 (with the same headers) for any other name.
pub async fn get_dashboard_asset(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
    match assets::find(&name) {
        Some(asset) => respond(
            &req,
            asset.content_type().to_owned(),
            asset.etag(),
            asset.body.to_vec(),
        ),
        None => secure(&mut HttpResponse::NotFound())
            .content_type(ContentType::plaintext())
            .body("Not found"),
    }
}

/// 200 with the body, or 304 when the browser's copy is current.
fn respond(req: &HttpRequest, content_type: String, etag: &str, body: Vec<u8>) -> HttpResponse {
    let current = req
        .headers()
        .get_all(IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*");
    let mut builder = if current {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    secure(&mut builder).insert_header((ETAG, etag.to_owned()));
    if current {
        return builder.finish();
    }
    builder
        .insert_header((header::CONTENT_TYPE, content_type))
        .body(body)
}
