//! The actix middleware of the usage log: `scope.wrap(usage_log.clone())`.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::MessageBody;
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{Error, HttpMessage};
use latchkey_session::clock::unix_millis;

use super::UsageLog;
use crate::db::usage::NewUsage;
use crate::extract::VerifiedKey;

/// Longest path kept (bytes); longer ones are cut at a character boundary.
const MAX_PATH: usize = 1024;

impl<S, B> Transform<S, ServiceRequest> for UsageLog
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = UsageMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(UsageMiddleware {
            service: Rc::new(service),
            log: Rc::new(self.clone()),
        }))
    }
}

/// The usage log wrapped around one service (made by [`UsageLog`]).
pub struct UsageMiddleware<S> {
    service: Rc<S>,
    /// Rc: each request's future holds the log, and a clone of the
    /// `UsageLog` itself would count its Arcs up and down on cache lines
    /// every worker shares.
    log: Rc<UsageLog>,
}

fn cut(path: &str) -> &str {
    let mut end = path.len().min(MAX_PATH);
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    &path[..end]
}

impl<S, B> Service<ServiceRequest> for UsageMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = Logged<S::Future>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // No clone of the request is held meanwhile: routing inside needs
        // it unshared. The response carries it back.
        Logged {
            log: self.log.clone(),
            response: self.service.call(req),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request on its way through [`UsageMiddleware`]: the inner
    /// service's future, then the entry. A named future rather than a
    /// boxed `async` block: no allocation, and no copy of the inner future
    /// into one, per request.
    pub struct Logged<F> {
        #[pin]
        response: F,
        log: Rc<UsageLog>,
    }
}

impl<F, B> Future for Logged<F>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Poll::Ready(result) = this.response.poll(cx) else {
            return Poll::Pending;
        };
        // Only requests a `VerifiedKey` admitted are recorded; it left the
        // key in the request's extensions, with the clock's reading when
        // the verify began: the request's time, and where its response
        // time counts from. So a logged request costs one clock read, and
        // any other none. It is read as Unix milliseconds: building a
        // calendar date was half the read's instructions. (An `Err` here is
        // a failure of an inner middleware, with no request to read.)
        if let Ok(res) = &result {
            let request = res.request();
            if let Some(verified) = request.extensions().get::<VerifiedKey>() {
                let at = verified.verified_at;
                let millis = (this.log.shared.now_unix_millis() - unix_millis(at)).max(0);
                this.log.record(&NewUsage {
                    key_id: verified.key.id.as_str(),
                    method: request.method().as_str(),
                    path: cut(request.path()),
                    status: i32::from(res.status().as_u16()),
                    duration_ms: i32::try_from(millis).unwrap_or(i32::MAX),
                    created_at: at,
                });
            }
        }
        Poll::Ready(result)
    }
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn long_paths_are_cut_on_a_character_boundary() {
        assert_eq!(cut("/api/ping"), "/api/ping");
        let long = format!("/{}", "é".repeat(600));
        let kept = cut(&long);
        assert!(kept.len() <= 1024 && kept.len() > 1000);
        assert!(long.starts_with(kept));
    }
}
