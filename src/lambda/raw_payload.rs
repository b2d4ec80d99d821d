//! The invocation's body as the Runtime API delivered it, handed to the handler untouched.
//!
//! lambda_runtime deserializes each body into the handler's payload type before calling it.
//! The notifier reads the event's JSON text itself, in one pass, and names the event in what
//! it refuses; taking the text through serde (as a `RawValue`) would walk, check and copy
//! the whole payload first, a tenth of the per-event work. This layer, the outermost, takes
//! the body out of the invocation and keeps it for the handler while the invocation runs;
//! lambda_runtime reads JSON `null` in its place into the handler's `()`.

use std::task::{Context, Poll};

use bytes::Bytes;
use lambda_runtime::LambdaInvocation;
use lambda_runtime::tower::{Layer, Service};
use tokio::task::futures::TaskLocalFuture;

tokio::task_local! {
    /// The body of the invocation whose handling is running.
    static BODY: Bytes;
}

/// What lambda_runtime is given to deserialize instead of the body.
const STAND_IN: &[u8] = b"null";

/// Puts [`RawPayload`] around the runtime's own services.
pub struct RawPayloadLayer;

impl<S> Layer<S> for RawPayloadLayer {
    type Service = RawPayload<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RawPayload(inner)
    }
}

/// Keeps each invocation's body for [`body`] while the invocation is handled.
pub struct RawPayload<S>(S);

impl<S: Service<LambdaInvocation>> Service<LambdaInvocation> for RawPayload<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = TaskLocalFuture<Bytes, S::Future>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(context)
    }

    fn call(&mut self, mut invocation: LambdaInvocation) -> Self::Future {
        let body = std::mem::replace(&mut invocation.body, Bytes::from_static(STAND_IN));
        BODY.scope(body, self.0.call(invocation))
    }
}

/// The body of the invocation being handled, as delivered; `None` outside the handling of
/// one (the handler's future runs inside it).
pub fn body() -> Option<Bytes> {
    BODY.try_with(Bytes::clone).ok()
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use lambda_runtime::service_fn;
    use lambda_runtime::tower::ServiceExt;

    use super::*;

    fn invocation(body: &'static [u8]) -> LambdaInvocation {
        LambdaInvocation {
            parts: http::Response::new(()).into_parts().0,
            body: Bytes::from_static(body),
            context: lambda_runtime::Context::default(),
        }
    }

    #[tokio::test]
    async fn the_runtime_reads_null_while_the_handler_gets_the_body() {
        let runtime_and_handler = service_fn(|invocation: LambdaInvocation| async move {
            Ok::<_, Infallible>((invocation.body, body()))
        });
        let service = RawPayloadLayer.layer(runtime_and_handler);
        let (read_by_runtime, kept) = service
            .oneshot(invocation(br#"{"id":"evt-1"}"#))
            .await
            .unwrap();
        assert_eq!(read_by_runtime, STAND_IN);
        assert_eq!(kept.as_deref(), Some(&br#"{"id":"evt-1"}"#[..]));
        // Nothing is kept once the invocation is over.
        assert_eq!(body(), None);
    }
}
