//! Typed client errors over Streamable HTTP (feature `http`), against the scripted HTTP
//! server on 127.0.0.1: each failure reaches the call as the variant that says who failed,
//! with its cause as the `source` chain, and none of them as a JSON-RPC error the server did
//! not send.

use std::error::Error as _;
use std::time::Duration;

use mcp_client::http::{HttpError, HttpTransport};
use mcp_client::{CallOptions, CancelHandle, Client, Error};
use mcp_protocol::methods::CallToolParams;
use serde_json::json;

use crate::support::http_server::{HttpServer, event};
use crate::support::{builder, within};

/// A client in a 2025-11-25 session with the scripted `server`.
async fn in_session(server: &mut HttpServer) -> Client {
    let transport = HttpTransport::builder(&server.url).build().unwrap();
    let connecting = tokio::spawn(builder().connect(transport));
    server.handshake("2025-11-25", "s").await;
    within(connecting).await.unwrap().unwrap()
}

/// Calls tool `t` in the background with `options`.
fn call(
    client: &Client,
    options: CallOptions,
) -> tokio::task::JoinHandle<mcp_client::Result<mcp_protocol::methods::CallToolResult>> {
    let client = client.clone();
    tokio::spawn(async move {
        client
            .call_tool_with(CallToolParams::new("t"), options)
            .await
    })
}

/// How many causes `e` has.
fn chain_len(e: &Error) -> usize {
    let mut n = 0;
    let mut next = e.source();
    while let Some(s) = next {
        n += 1;
        next = s.source();
    }
    n
}

#[tokio::test]
async fn an_http_502_is_an_http_status_error_not_a_remote_error() {
    let mut server = HttpServer::start().await;
    let client = in_session(&mut server).await;

    let pending = call(&client, CallOptions::new());
    server
        .expect("tools/call")
        .await
        .status(502, "<html>Bad Gateway</html>");
    let err = within(pending).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::HttpStatus { method, status: 502, body, error: None, .. }
            if method == "tools/call" && body == "<html>Bad Gateway</html>"),
        "{err:?}"
    );
    assert_eq!(err.http_status(), Some(502));
    assert_eq!(err.code(), None, "no JSON-RPC code was sent");
    assert!(err.remote().is_none());
    assert_eq!(
        err.to_string(),
        "the server answered `tools/call` with HTTP 502"
    );
}

#[tokio::test]
async fn a_servers_own_32000_is_a_remote_error_not_an_http_error() {
    let mut server = HttpServer::start().await;
    let client = in_session(&mut server).await;

    let pending = call(&client, CallOptions::new());
    let post = server.expect("tools/call").await;
    let id = post.body["id"].clone();
    post.json(
        200,
        json!({"jsonrpc": "2.0", "id": id,
               "error": {"code": -32000, "message": "backend down", "data": {"retry": true}}}),
        &[],
    );
    let err = within(pending).await.unwrap().unwrap_err();
    let Error::Remote { method, error } = &err else {
        panic!("not the server's JSON-RPC error: {err:?}");
    };
    assert_eq!(method, "tools/call");
    assert_eq!(error.code.0, -32000);
    assert_eq!(error.message, "backend down");
    assert_eq!(error.data, Some(json!({"retry": true})));
    assert_eq!(err.http_status(), None);
    assert!(!err.is_transport());
}

#[tokio::test]
async fn a_401_without_an_authorizer_is_an_http_status_with_its_challenge_and_ends_connecting() {
    let mut server = HttpServer::start().await;
    let transport = HttpTransport::builder(&server.url).build().unwrap();
    let connecting = tokio::spawn(builder().connect(transport));
    let challenge = r#"Bearer resource_metadata="http://127.0.0.1:9/prm""#;
    let discover = server.expect("server/discover").await;
    discover.json(401, json!({}), &[("www-authenticate", challenge)]);
    let err = within(connecting).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::HttpStatus { method, status: 401, www_authenticate: Some(w), .. }
            if method == "server/discover" && w == challenge),
        "{err:?}"
    );
    // `initialize` would meet the same 401: the client does not try it.
    assert!(server.idle_for(Duration::from_millis(300)).await);
}

#[tokio::test]
async fn a_stream_broken_mid_answer_is_a_transport_error_with_its_cause() {
    let mut server = HttpServer::start().await;
    let client = in_session(&mut server).await;

    let (progressed, progress_seen) = tokio::sync::oneshot::channel();
    let progressed = std::sync::Mutex::new(Some(progressed));
    let options = CallOptions::new().on_progress(move |_| {
        if let Some(tx) = progressed.lock().unwrap().take() {
            let _ = tx.send(());
        }
    });
    let pending = call(&client, options);
    let post = server.expect("tools/call").await;
    let token = post.body["params"]["_meta"]["progressToken"].clone();
    // No event id: a session-era stream without one cannot be resumed.
    let stream = post.sse_breakable();
    stream
        .send(Ok(event(
            None,
            &json!({"jsonrpc": "2.0", "method": "notifications/progress",
                    "params": {"progressToken": token, "progress": 1}}),
        )))
        .unwrap();
    // Mid-answer: the client has read part of the stream when it breaks.
    within(progress_seen).await.unwrap();
    stream
        .send(Err(std::io::Error::other("the server dies")))
        .unwrap();
    let err = within(pending).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Transport { method, .. } if method == "tools/call"),
        "{err:?}"
    );
    assert!(err.is_transport());
    assert_eq!(err.http_status(), None);
    let read = err
        .find_source::<HttpError>()
        .expect("the body's read error");
    assert!(matches!(read, HttpError::Body(_)), "{read:?}");
    // The stream, the read, and the HTTP library's own error below it.
    assert!(chain_len(&err) >= 3, "{err:?}");
    assert!(read.source().is_some(), "the HTTP library's error is kept");

    // The connection goes on.
    let pending = call(&client, CallOptions::new());
    server
        .expect("tools/call")
        .await
        .result(json!({"content": []}), &[]);
    assert!(within(pending).await.unwrap().is_ok());
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_down_to_the_io_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    drop(listener);
    let err = within(builder().connect_http(&url)).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let sending = err.find_source::<HttpError>().expect("the HTTP error");
    assert!(matches!(sending, HttpError::Request(_)), "{sending:?}");
    let io = err.find_source::<std::io::Error>().expect("the io::Error");
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[tokio::test]
async fn a_call_with_no_answer_in_time_is_a_timeout() {
    let mut server = HttpServer::start().await;
    let client = in_session(&mut server).await;

    let pending = call(
        &client,
        CallOptions::new().timeout(Duration::from_millis(200)),
    );
    // Held, never answered, until the call has timed out.
    let held = server.expect("tools/call").await;
    let err = within(pending).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { method, after } if method == "tools/call"
            && *after == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(err.is_timeout() && !err.is_transport());
    let cancelled = server.expect("notifications/cancelled").await;
    cancelled.status(202, "");
    drop(held);
}

#[tokio::test]
async fn a_json_answer_without_the_response_is_a_protocol_error_at_once() {
    let mut server = HttpServer::start().await;
    let client = in_session(&mut server).await;

    // A long timeout: the call must fail on the answer, not wait for it.
    let pending = call(&client, CallOptions::new().timeout(Duration::from_secs(30)));
    server
        .expect("tools/call")
        .await
        .json(200, json!({"not": "a JSON-RPC message"}), &[]);
    let err = within(pending).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Protocol { method, .. } if method == "tools/call"),
        "{err:?}"
    );
    let decode = err
        .find_source::<mcp_protocol::DecodeError>()
        .expect("why it did not decode");
    assert!(!decode.to_string().is_empty());
}

#[tokio::test]
async fn a_cancelled_call_is_cancelled_and_the_server_is_told() {
    let mut server = HttpServer::start().await;
    let client = in_session(&mut server).await;

    let cancel = CancelHandle::new();
    let pending = call(&client, CallOptions::new().cancel_with(cancel.clone()));
    let held = server.expect("tools/call").await;
    let id = held.body["id"].clone();
    cancel.cancel();
    let err = within(pending).await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Cancelled { method } if method == "tools/call"),
        "{err:?}"
    );
    assert!(err.is_cancelled() && !err.is_timeout());
    let told = server.expect("notifications/cancelled").await;
    assert_eq!(told.body["params"]["requestId"], id);
    told.status(202, "");
    drop(held);

    // A handle already cancelled cancels the next call before it is sent.
    let err = within(call(&client, CallOptions::new().cancel_with(cancel)))
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.is_cancelled(), "{err:?}");
    assert!(server.idle_for(Duration::from_millis(200)).await);
}
