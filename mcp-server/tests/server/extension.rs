//! Extension methods and extension declarations ([`mcp_server::extension`]), in both eras,
//! over an in-memory pair: declared under `capabilities.extensions` (2026-07-28), answered with the
//! handler's result or its error code, -32601 still for a method nobody serves.

use mcp_protocol::ErrorObject;
use mcp_protocol::ProtocolVersion;
use mcp_protocol::jsonrpc::ErrorCode;
use mcp_protocol::rt::{RequestError, memory::Mode};
use mcp_protocol::types::{ClientCapabilities, Meta};
use mcp_server::Server;
use serde_json::{Value, json};

use crate::support::*;

const EXT: &str = "com.example/greetings";

#[derive(serde::Deserialize)]
struct Who {
    who: String,
}

fn server() -> Server {
    Server::builder("t", "1")
        .extension(EXT, json!({"loud": true}))
        .method("greetings/get", |call| async move {
            let who: Who = call.params_as()?;
            if who.who.is_empty() {
                return Err(ErrorObject::new(ErrorCode(-32042), "nobody to greet"));
            }
            Ok(json!({"greeting": format!("Hello, {}!", who.who), "version": call.version().as_str()}))
        })
        .method("greetings/panic", |_call| async move {
            #[allow(clippy::panic, reason = "a handler failure on purpose")]
            {
                panic!("boom")
            }
            #[allow(unreachable_code, reason = "the handler's output type")]
            Ok(Value::Null)
        })
        .build()
}

fn code(e: RequestError) -> ErrorCode {
    match e {
        RequestError::Remote(obj) => obj.code,
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

#[tokio::test]
async fn session_era_declares_and_serves_extension_methods() {
    let h = Harness::connect(&server(), Mode::Serialized);
    let init = h
        .initialize(ProtocolVersion::V2025_11_25, ClientCapabilities::default())
        .await;
    // `capabilities.extensions` is a 2026-07-28 field: the session-era shape leaves it out,
    // and the methods are served all the same.
    assert!(init.capabilities.extensions.is_none());

    let got = h.raw("greetings/get", json!({"who": "Ada"})).await.unwrap();
    assert_eq!(got["greeting"], "Hello, Ada!");
    assert_eq!(got["version"], "2025-11-25");
    assert!(
        got.get("_meta").is_none(),
        "session-era results carry no serverInfo"
    );

    let e = h
        .raw("greetings/get", json!({"who": ""}))
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode(-32042), "the handler's own code");
    let e = h
        .raw("greetings/get", json!({"whom": 1}))
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::INVALID_PARAMS);
    let e = h.raw("greetings/panic", json!({})).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::INTERNAL_ERROR);
    let e = h.raw("greetings/list", json!({})).await.unwrap_err();
    assert_eq!(
        code(e),
        ErrorCode::METHOD_NOT_FOUND,
        "unregistered stays -32601"
    );
    // The server carries on after the panic.
    let got = h.raw("greetings/get", json!({"who": "Bob"})).await.unwrap();
    assert_eq!(got["greeting"], "Hello, Bob!");
}

#[tokio::test]
async fn stateless_era_serves_extension_methods_with_server_info() {
    let h = Harness::connect(&server(), Mode::Serialized);
    let discovered = h
        .raw("server/discover", params_2026(json!({}), json!({})))
        .await
        .unwrap();
    assert_eq!(
        discovered["capabilities"]["extensions"][EXT],
        json!({"loud": true})
    );

    let got = h
        .raw(
            "greetings/get",
            params_2026(json!({"who": "Ada"}), json!({})),
        )
        .await
        .unwrap();
    assert_eq!(got["greeting"], "Hello, Ada!");
    assert_eq!(got["version"], "2026-07-28");
    assert_eq!(got["_meta"][Meta::SERVER_INFO]["name"], "t");
    assert_eq!(
        got["resultType"], "complete",
        "2026-07-28 requires resultType"
    );

    // `_meta` is checked as for any request: no client capabilities is -32602.
    let mut bad = params_2026(json!({"who": "Ada"}), json!({}));
    bad["_meta"]
        .as_object_mut()
        .unwrap()
        .remove(Meta::CLIENT_CAPABILITIES);
    let e = h.raw("greetings/get", bad).await.unwrap_err();
    assert_eq!(code(e), ErrorCode::INVALID_PARAMS);
    let e = h
        .raw("greetings/list", params_2026(json!({}), json!({})))
        .await
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::METHOD_NOT_FOUND);
}

#[tokio::test]
async fn extensions_merge_with_the_tasks_extension() {
    let server = Server::builder("t", "1")
        .tasks(true)
        .extension(EXT, json!({}))
        .build();
    let ext = server.capabilities().extensions.unwrap();
    assert_eq!(ext[EXT], json!({}));
    assert!(ext.contains_key("io.modelcontextprotocol/tasks"));
    assert!(
        Server::builder("t", "1")
            .build()
            .capabilities()
            .extensions
            .is_none()
    );
}

#[test]
#[should_panic(expected = "is a method of the protocol")]
fn a_protocol_method_cannot_be_taken_over() {
    let _ = Server::builder("t", "1").method("tools/list", |_| async { Ok(Value::Null) });
}

/// 2026-07-28 Streamable HTTP: an extension method is answered 200 with its result (the
/// `Mcp-Method` header rule applies to it as to any method: a mismatch is 400), and a
/// method nobody serves is still 404 with -32601.
#[cfg(feature = "http")]
// requirement: 3.29
#[tokio::test]
async fn http_2026_serves_extension_methods_and_404s_unknown_ones() {
    use crate::support::http::HttpHarness;
    let h = HttpHarness::start_with(server(), mcp_server::http::HttpConfig::new()).await;
    let params = params_2026(json!({"who": "Ada"}), json!({}));
    let r = h
        .post_2026(1, "greetings/get", None, params.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"]["greeting"], "Hello, Ada!");

    let r = h
        .post_2026(2, "greetings/list", None, params_2026(json!({}), json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], ErrorCode::METHOD_NOT_FOUND.0);

    let r = h
        .post()
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "greetings/other")
        .body(
            json!({"jsonrpc": "2.0", "id": 3, "method": "greetings/get", "params": params})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "Mcp-Method must match the body");
}
