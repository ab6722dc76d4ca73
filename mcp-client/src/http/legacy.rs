//! The deprecated HTTP+SSE transport of 2024-11-05 (basic/transports §HTTP with SSE), as a
//! fallback: GET the URL for an SSE stream whose first event, `endpoint`, names where to
//! POST; every message is then POSTed there, and every server message (responses included)
//! arrives on the SSE stream.

use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderValue, Method, Request};
use mcp_protocol::rt::TransportError;
use url::Url;

use super::failure::Failure;
use super::post::{ContentKind, content_type, read_body};
use super::sse::SseParser;
use super::stream::{self, deliver_event};
use super::transport::Shared;

/// Opens the legacy SSE stream and waits for its `endpoint` event; `None` when the server
/// is not a legacy one. On success the stream is read on from a task of its own, and its end
/// ends the connection.
pub(crate) async fn connect(shared: &Arc<Shared>) -> Option<Url> {
    let _probe = shared.legacy_probe.lock().await;
    if let Some(endpoint) = shared.state().legacy_endpoint.clone() {
        return Some(endpoint);
    }
    let mut request = Request::new(Bytes::new());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = shared.uri.clone();
    request
        .headers_mut()
        .extend(shared.settings.headers.clone());
    request
        .headers_mut()
        .insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
    let response = shared.client.execute(request).await.ok()?;
    if !response.status.is_success() || content_type(&response) != Some(ContentKind::Sse) {
        return None;
    }
    let mut body = response.body;
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    let endpoint = tokio::time::timeout(shared.settings.endpoint_timeout, async {
        while let Some(Ok(chunk)) = body.next().await {
            parser.push(&chunk, &mut events);
            if let Some(i) = events.iter().position(|e| e.event == "endpoint") {
                let data = events[i].data.clone();
                events.drain(..=i);
                return Some(data);
            }
        }
        None
    })
    .await
    .ok()??;
    let endpoint = shared.url.join(endpoint.trim()).ok()?;
    // The endpoint must stay on the server's origin: a hostile stream must not send the
    // client's messages (and headers) elsewhere.
    if endpoint.origin() != shared.url.origin() {
        tracing::warn!(%endpoint, "legacy endpoint on another origin refused");
        return None;
    }
    tracing::debug!(%endpoint, "the server speaks the 2024-11-05 HTTP+SSE transport");
    shared.state().legacy_endpoint = Some(endpoint.clone());
    for event in events {
        deliver_event(shared, event, None);
    }
    let reader = shared.clone();
    shared.spawn(async move {
        stream::read_events(&reader, body, &mut parser, None).await;
        reader.end(TransportError::Closed);
    });
    Some(endpoint)
}

/// POSTs one message to the legacy endpoint; its answer arrives on the SSE stream.
pub(crate) async fn post(shared: &Shared, endpoint: &Url, body: Bytes) -> Result<(), Failure> {
    let mut request = Request::new(body);
    *request.method_mut() = Method::POST;
    *request.uri_mut() = endpoint
        .as_str()
        .parse()
        .map_err(super::HttpError::request)?;
    let headers = request.headers_mut();
    headers.extend(shared.settings.headers.clone());
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let response = shared.client.execute(request).await?;
    let status = response.status;
    let headers = response.headers;
    let body = read_body(response.body, 64 << 10).await.unwrap_or_default();
    if status.is_success() {
        return Ok(());
    }
    Err(Failure::status(status, &headers, &body, None))
}
