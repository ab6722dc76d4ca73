//! Server gaps closed later: the progress token accessor, tools that require client
//! capabilities, `_meta["io.modelcontextprotocol/serverInfo"]` on 2026-07-28 results.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use mcp_protocol::jsonrpc::{ErrorCode, Message};
use mcp_protocol::rt::memory::{self, Mode};
use mcp_protocol::rt::{RequestError, Transport};
use mcp_protocol::types::ClientCapabilities;
use mcp_protocol::{ProgressToken, ProtocolVersion as V};
use mcp_server::{NoArgs, RequestContext, Server, ToolDef};
use serde_json::{Value, json};

use crate::support::*;

/// The official spec folder: `MCP_SPEC_DIR`, or the first `shared/spec` above this crate
/// (worktrees sit deeper than the main checkout). `None`, loudly, when there is none.
fn spec_dir() -> Option<PathBuf> {
    let has_schema = |d: &PathBuf| d.join("2026-07-28/schema.json").is_file();
    let found = match std::env::var_os("MCP_SPEC_DIR") {
        Some(dir) => Some(PathBuf::from(dir)).filter(has_schema),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|a| a.join("shared/spec"))
            .find(has_schema),
    };
    if found.is_none() {
        eprintln!(
            "\n*** SKIPPED: schema validation needs the official schemas (set MCP_SPEC_DIR) ***\n"
        );
    }
    found
}

/// A validator for the definition `name` of the 2026-07-28 schema.
fn validator_2026(dir: &std::path::Path, name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(dir.join("2026-07-28/schema.json")).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    assert!(schema["$defs"].get(name).is_some(), "no definition {name}");
    schema["$ref"] = json!(format!("#/$defs/{name}"));
    jsonschema::validator_for(&schema).expect("the official schema compiles")
}

/// What the server writes in answer to one raw JSON-RPC request (notifications before it
/// skipped), as JSON exactly as it crossed the wire.
async fn wire(server: &Server, request: Value) -> Value {
    let (mut client, end) = memory::pair(Mode::Serialized);
    let serving = tokio::spawn({
        let server = server.clone();
        async move { server.serve(end).await }
    });
    let request = Message::from_slice(&serde_json::to_vec(&request).unwrap()).unwrap();
    client.send(request).await.unwrap();
    let answer = tokio::time::timeout(WAIT, async {
        loop {
            let message = client.recv().await.expect("an answer").unwrap().unwrap();
            let value: Value = serde_json::from_slice(&message.to_vec()).unwrap();
            if value.get("id").is_some() {
                return value;
            }
        }
    })
    .await
    .expect("an answer in time");
    drop(client);
    let _ = tokio::time::timeout(WAIT, serving).await;
    answer
}

/// How many times `needs_sampling` ran.
static SAMPLING_RUNS: AtomicUsize = AtomicUsize::new(0);

/// The everything test server plus `needs_sampling` (requires `sampling`) and `needs_url`
/// (requires URL-mode elicitation and roots).
fn requiring_server() -> Server {
    let server = everything_server(Server::builder("t", "1"));
    let caps = |v: Value| serde_json::from_value::<ClientCapabilities>(v).unwrap();
    server
        .add_tool(
            ToolDef::new("needs_sampling", |_: NoArgs, _: RequestContext| async {
                SAMPLING_RUNS.fetch_add(1, Ordering::SeqCst);
                "ran"
            })
            .requires(caps(json!({"sampling": {}}))),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("needs_url", |_: NoArgs, _: RequestContext| async { "ran" })
                .requires(caps(json!({"elicitation": {"url": {}}})))
                .requires(caps(json!({"roots": {}}))),
        )
        .unwrap();
    server
}

/// The everything test server plus `token`, which answers with its request's progress
/// token, and `own_meta`, whose result carries a `_meta` of its own.
fn server(builder: mcp_server::ServerBuilder) -> Server {
    let server = everything_server(builder);
    server
        .add_tool(ToolDef::new(
            "token",
            |_: NoArgs, ctx: RequestContext| async move {
                match ctx.progress_token() {
                    Some(ProgressToken::String(s)) => format!("string {s}"),
                    Some(ProgressToken::Number(n)) => format!("number {n}"),
                    None => "none".to_owned(),
                }
            },
        ))
        .unwrap();
    server
        .add_tool(ToolDef::new(
            "own_meta",
            |_: NoArgs, _ctx: RequestContext| async move {
                let mut result = mcp_protocol::methods::CallToolResult::success(vec![
                    mcp_protocol::types::ContentBlock::text("traced"),
                ]);
                result.meta =
                    Some(mcp_protocol::types::Meta::new().with("com.example/trace", &"abc"));
                result
            },
        ))
        .unwrap();
    server
}

fn first_text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_progress_token_reaches_the_handler_in_both_eras() {
    let server = server(Server::builder("t", "1"));
    let session = Harness::connect(&server, Mode::Serialized);
    session
        .initialize(V::V2025_11_25, ClientCapabilities::default())
        .await;
    let stateless = Harness::connect(&server, Mode::Serialized);
    for (meta, expected) in [
        (json!({"progressToken": "tok-1"}), "string tok-1"),
        (json!({"progressToken": 7}), "number 7"),
        (json!({}), "none"),
    ] {
        let mut params = json!({"name": "token", "arguments": {}, "_meta": meta.clone()});
        let r = session.raw("tools/call", params.clone()).await.unwrap();
        assert_eq!(first_text(&r), expected, "session era, {meta}");

        let mut with_version = params_2026(json!({}), json!({}))["_meta"].clone();
        for (k, v) in meta.as_object().unwrap() {
            with_version[k] = v.clone();
        }
        params["_meta"] = with_version;
        let r = stateless.raw("tools/call", params).await.unwrap();
        assert_eq!(first_text(&r), expected, "2026-07-28, {meta}");
    }
}

// requirement: 1.15
#[tokio::test]
async fn a_tool_requiring_a_capability_is_refused_with_32021_in_2026() {
    let server = requiring_server();
    let before = SAMPLING_RUNS.load(Ordering::SeqCst);
    let request = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": params_2026(json!({"name": "needs_sampling", "arguments": {}}), json!({}))
    });
    let answer = wire(&server, request).await;
    assert_eq!(answer["error"]["code"], -32021, "{answer}");
    assert_eq!(
        answer["error"]["data"],
        json!({"requiredCapabilities": {"sampling": {}}})
    );
    assert_eq!(
        SAMPLING_RUNS.load(Ordering::SeqCst),
        before,
        "the handler ran"
    );
    if let Some(dir) = spec_dir() {
        let v = validator_2026(&dir, "MissingRequiredClientCapabilityError");
        let problems: Vec<_> = v.iter_errors(&answer).map(|e| e.to_string()).collect();
        assert!(problems.is_empty(), "{answer}: {problems:?}");
    }

    let h = Harness::connect(&server, Mode::Serialized);
    let ok = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "needs_sampling", "arguments": {}}),
                json!({"sampling": {}}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(first_text(&ok), "ran");

    // Only what is missing is named: roots declared, URL elicitation not.
    for (declared, missing) in [
        (
            json!({"roots": {}, "elicitation": {}}),
            json!({"elicitation": {"url": {}}}),
        ),
        (json!({"elicitation": {"url": {}}}), json!({"roots": {}})),
        (json!({}), json!({"elicitation": {"url": {}}, "roots": {}})),
    ] {
        let err = h
            .raw(
                "tools/call",
                params_2026(
                    json!({"name": "needs_url", "arguments": {}}),
                    declared.clone(),
                ),
            )
            .await
            .unwrap_err();
        let RequestError::Remote(obj) = err else {
            panic!("{err:?}")
        };
        assert_eq!(obj.code, ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY);
        assert_eq!(
            obj.data,
            Some(json!({ "requiredCapabilities": missing })),
            "{declared}"
        );
    }
    let ok = h
        .raw(
            "tools/call",
            params_2026(
                json!({"name": "needs_url", "arguments": {}}),
                json!({"roots": {}, "elicitation": {"form": {}, "url": {}}}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(first_text(&ok), "ran");
}

#[tokio::test]
async fn a_tool_requiring_a_capability_is_a_tool_error_in_the_session_era() {
    let server = requiring_server();
    for version in [V::V2024_11_05, V::V2025_06_18, V::V2025_11_25] {
        let before = SAMPLING_RUNS.load(Ordering::SeqCst);
        let h = Harness::connect(&server, Mode::Serialized);
        h.initialize(version, ClientCapabilities::default()).await;
        let r = h
            .raw(
                "tools/call",
                json!({"name": "needs_sampling", "arguments": {}}),
            )
            .await
            .unwrap();
        assert_eq!(r["isError"], true, "{version}: {r}");
        assert!(first_text(&r).contains("sampling"), "{r}");
        assert_eq!(
            SAMPLING_RUNS.load(Ordering::SeqCst),
            before,
            "the handler ran"
        );

        let h = Harness::connect(&server, Mode::Serialized);
        h.initialize(version, full_caps()).await;
        let r = h
            .raw(
                "tools/call",
                json!({"name": "needs_sampling", "arguments": {}}),
            )
            .await
            .unwrap();
        assert_eq!(r.get("isError"), None, "{version}: {r}");
        assert_eq!(first_text(&r), "ran");
    }
}

/// Requests of 2026-07-28 whose results must carry serverInfo, with the schema definition
/// of each result.
fn results_2026() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        ("tools/list", json!({}), "ListToolsResult"),
        (
            "tools/call",
            json!({"name": "echo", "arguments": {"text": "hi"}}),
            "CallToolResult",
        ),
        (
            "tools/call",
            json!({"name": "ask", "arguments": {}}),
            "InputRequiredResult",
        ),
        ("resources/list", json!({}), "ListResourcesResult"),
        (
            "resources/read",
            json!({"uri": "test://static-text"}),
            "ReadResourceResult",
        ),
        ("prompts/list", json!({}), "ListPromptsResult"),
        ("server/discover", json!({}), "DiscoverResult"),
    ]
}

// requirement: 1.16
#[tokio::test]
async fn every_2026_result_names_the_server_in_its_meta() {
    let server = server(Server::builder("named", "9.9").title("Named"));
    let h = Harness::connect(&server, Mode::Serialized);
    let spec = spec_dir();
    for (method, params, def) in results_2026() {
        let r = h
            .raw(
                method,
                params_2026(params, json!({"elicitation": {}, "sampling": {}})),
            )
            .await
            .unwrap();
        assert_eq!(
            r["_meta"]["io.modelcontextprotocol/serverInfo"],
            json!({"name": "named", "version": "9.9", "title": "Named"}),
            "{method}: {r}"
        );
        if let Some(dir) = &spec {
            let v = validator_2026(dir, def);
            let problems: Vec<_> = v.iter_errors(&r).map(|e| e.to_string()).collect();
            assert!(problems.is_empty(), "{method} as {def}: {r}: {problems:?}");
        }
    }
    // A handler's own `_meta` is kept beside it (the merge path, not the splice).
    let r = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "own_meta", "arguments": {}}), json!({})),
        )
        .await
        .unwrap();
    assert_eq!(r["_meta"]["com.example/trace"], "abc", "{r}");
    assert_eq!(
        r["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "named",
        "{r}"
    );
}

#[tokio::test]
async fn server_info_meta_can_be_turned_off_and_never_reaches_the_session_era() {
    let off = server(Server::builder("quiet", "1").server_info_meta(false));
    let h = Harness::connect(&off, Mode::Serialized);
    for (method, params, _) in results_2026() {
        let r = h
            .raw(
                method,
                params_2026(params, json!({"elicitation": {}, "sampling": {}})),
            )
            .await
            .unwrap();
        // Discovery names the server whatever the setting: it is where clients learn it.
        let expected =
            (method == "server/discover").then(|| json!({"name": "quiet", "version": "1"}));
        assert_eq!(
            r.get("_meta")
                .and_then(|m| m.get("io.modelcontextprotocol/serverInfo"))
                .cloned(),
            expected,
            "{method}: {r}"
        );
    }

    let on = server(Server::builder("t", "1"));
    for version in [
        V::V2024_11_05,
        V::V2025_03_26,
        V::V2025_06_18,
        V::V2025_11_25,
    ] {
        let h = Harness::connect(&on, Mode::Serialized);
        h.initialize(version, full_caps()).await;
        for (method, params) in [
            ("ping", json!({})),
            ("tools/list", json!({})),
            (
                "tools/call",
                json!({"name": "echo", "arguments": {"text": "hi"}}),
            ),
            ("resources/read", json!({"uri": "test://static-text"})),
            ("prompts/list", json!({})),
        ] {
            let r = h.raw(method, params).await.unwrap();
            let meta = r.get("_meta");
            assert!(
                meta.and_then(|m| m.get("io.modelcontextprotocol/serverInfo"))
                    .is_none(),
                "{version} {method}: {r}"
            );
        }
    }
}

// requirement: 5.21
#[tokio::test]
async fn reads_carry_the_configured_cache_hint_in_2026_only() {
    use mcp_protocol::types::CacheScope;
    use mcp_server::CacheHint;
    let server = server(
        Server::builder("t", "1").read_cache_hint(CacheHint::new(300_000, CacheScope::Private)),
    );
    let h = Harness::connect(&server, Mode::Serialized);
    for uri in ["test://static-text", "test://template/7/data"] {
        let r = h
            .raw(
                "resources/read",
                params_2026(json!({"uri": uri}), json!({})),
            )
            .await
            .unwrap();
        assert_eq!(r["ttlMs"], 300_000, "{uri}: {r}");
        assert_eq!(r["cacheScope"], "private", "{uri}: {r}");
    }
    // Without a hint: the 2026-07-28 default, immediately stale.
    let plain = server_default_read().await;
    assert_eq!(
        (plain["ttlMs"].clone(), plain["cacheScope"].clone()),
        (json!(0), json!("private"))
    );

    let session = Harness::connect(&server, Mode::Serialized);
    session.initialize(V::V2025_11_25, full_caps()).await;
    let r = session
        .raw("resources/read", json!({"uri": "test://static-text"}))
        .await
        .unwrap();
    assert!(
        r.get("ttlMs").is_none() && r.get("cacheScope").is_none(),
        "{r}"
    );
}

async fn server_default_read() -> Value {
    let h = Harness::connect(&server(Server::builder("t", "1")), Mode::Serialized);
    h.raw(
        "resources/read",
        params_2026(json!({"uri": "test://static-text"}), json!({})),
    )
    .await
    .unwrap()
}

/// Opens a 2026-07-28 `subscriptions/listen` with `notifications` and `caps`, without
/// waiting for it to end.
fn listen(h: &Harness, notifications: Value, caps: Value) -> mcp_protocol::RequestId {
    let pending = h.client.request_raw(
        "subscriptions/listen",
        Some(
            serde_json::value::to_raw_value(&params_2026(
                json!({ "notifications": notifications }),
                caps,
            ))
            .unwrap(),
        ),
        mcp_protocol::rt::RequestOptions::new(),
    );
    let id = pending.id().unwrap();
    tokio::spawn(pending);
    id
}

#[tokio::test]
async fn listen_streams_follow_the_tasks_they_name() {
    let mut h = Harness::connect(
        &server(Server::builder("t", "1").tasks(true)),
        Mode::Serialized,
    );
    let caps = json!({"extensions": {"io.modelcontextprotocol/tasks": {}}});
    let created = h
        .raw(
            "tools/call",
            params_2026(json!({"name": "slow_task"}), caps.clone()),
        )
        .await
        .unwrap();
    assert_eq!(created["resultType"], "task", "{created}");
    let task = created["taskId"].as_str().unwrap().to_owned();

    let sub = listen(&h, json!({"taskIds": [task, "task-unknown"]}), caps.clone());
    let ack = h
        .notification("notifications/subscriptions/acknowledged")
        .await;
    let ack: Value = serde_json::from_str(ack.params.unwrap().get()).unwrap();
    // Only tasks of the caller are followed.
    assert_eq!(ack["notifications"]["taskIds"], json!([task]), "{ack}");

    // The state now, then each change, until the end: full `DetailedTask`s.
    let mut seen = Vec::new();
    loop {
        let n = h.notification("notifications/tasks").await;
        let n: Value = serde_json::from_str(n.params.unwrap().get()).unwrap();
        assert_eq!(n["taskId"], json!(task), "{n}");
        assert_eq!(
            n["_meta"]["io.modelcontextprotocol/subscriptionId"],
            serde_json::to_value(&sub).unwrap()
        );
        seen.push(n["status"].as_str().unwrap().to_owned());
        if n["status"] == "completed" {
            assert_eq!(n["result"]["content"][0]["text"], "slow done", "{n}");
            break;
        }
    }
    // Usually `working` first; a loaded machine may end the task before the listen, and
    // then the state sent on subscribing is already `completed`.
    assert_eq!(seen.last().map(String::as_str), Some("completed"));

    // Asking for task notifications without the extension: -32021 naming it.
    let err = h
        .raw(
            "subscriptions/listen",
            params_2026(json!({"notifications": {"taskIds": [task]}}), json!({})),
        )
        .await
        .unwrap_err();
    let RequestError::Remote(obj) = err else {
        panic!("{err:?}")
    };
    assert_eq!(obj.code, ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY);
    assert_eq!(
        obj.data,
        Some(
            json!({"requiredCapabilities": {"extensions": {"io.modelcontextprotocol/tasks": {}}}})
        )
    );
}

#[tokio::test]
async fn a_flood_beyond_the_in_flight_limit_is_refused_and_the_rest_are_answered() {
    // A tool that waits until released, so requests pile up in flight.
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let server = Server::builder("flood", "0")
        .max_requests_in_flight(4)
        .build();
    server
        .add_tool(ToolDef::new("hold", {
            let release = release.clone();
            move |_: NoArgs, _ctx: RequestContext| {
                let release = release.clone();
                async move {
                    release.notified().await;
                    "released"
                }
            }
        }))
        .unwrap();
    let h = Harness::connect(&server, Mode::Direct);
    let call = || {
        h.raw(
            "tools/call",
            params_2026(json!({"name": "hold"}), json!({})),
        )
    };
    let held: Vec<_> = (0..4).map(|_| Box::pin(call())).collect();
    // Let the four reach their handlers before the fifth arrives.
    let mut held = futures::future::join_all(held);
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(200), &mut held)
            .await
            .is_err()
    );
    match call().await {
        Err(RequestError::Remote(e)) => assert_eq!(e.code, ErrorCode::TOO_MANY_REQUESTS, "{e:?}"),
        other => panic!("the fifth should be refused: {other:?}"),
    }
    // Releasing the four answers all of them, and the connection carries on.
    for _ in 0..4 {
        release.notify_one();
    }
    let answers = tokio::time::timeout(WAIT, held).await.expect("answered");
    assert!(answers.iter().all(|a| {
        a.as_ref()
            .is_ok_and(|v| v["content"][0]["text"] == "released")
    }));
    assert!(
        h.raw("tools/list", params_2026(json!({}), json!({})))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_notifier_kept_past_the_request_tells_of_a_finished_url_elicitation() {
    let kept: std::sync::Arc<std::sync::Mutex<Option<mcp_server::Notifier>>> =
        std::sync::Arc::default();
    let server = Server::builder("notifier", "0").build();
    server
        .add_tool(ToolDef::new("start", {
            let kept = kept.clone();
            move |_: NoArgs, ctx: RequestContext| {
                *kept.lock().unwrap() = Some(ctx.notifier());
                async { "started" }
            }
        }))
        .unwrap();
    for (version, sent) in [(V::V2025_11_25, true), (V::V2025_06_18, false)] {
        let mut h = Harness::connect(&server, Mode::Direct);
        h.initialize(version, full_caps()).await;
        h.call::<mcp_protocol::methods::CallTool>(&mcp_protocol::methods::CallToolParams::new(
            "start",
        ))
        .await
        .unwrap();
        // The request is answered; the handle still reaches the client.
        let notifier = kept.lock().unwrap().take().expect("kept");
        assert_eq!(notifier.elicitation_complete("el-7"), sent, "{version}");
        if sent {
            let n = h.notification("notifications/elicitation/complete").await;
            let params: Value = serde_json::from_str(n.params.unwrap().get()).unwrap();
            assert_eq!(params["elicitationId"], "el-7");
        }
    }
}

#[tokio::test]
async fn roots_list_changed_reaches_the_application() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let server = Server::builder("roots", "0")
        .on_roots_list_changed(move || {
            let _ = tx.send(());
        })
        .build();
    let h = Harness::connect(&server, Mode::Direct);
    h.initialize(V::V2025_11_25, full_caps()).await;
    h.client
        .notify::<mcp_protocol::methods::RootsListChanged>(
            &mcp_protocol::types::NotificationParams::default(),
        )
        .unwrap();
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("the callback ran in time")
        .expect("one call");
}
