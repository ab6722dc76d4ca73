//! Our `mcp-client` against our `mcp-server`, for every protocol version, over the
//! in-memory transport in both modes: every client→server method of the version once, the
//! server→client features through the client's handlers (session era: server-to-client
//! requests; 2026-07-28: MRTR), results checked by value; then mismatched version sets,
//! which must fail with a negotiation error and never hang.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp_client::{Client, ClientBuilder, ServerNotification};
use mcp_protocol::ProtocolVersion as V;
use mcp_protocol::SupportedVersions;
use mcp_protocol::methods::*;
use mcp_protocol::rt::memory::{self, Mode};
use mcp_protocol::types::*;
use mcp_server::{NoArgs, RequestContext, Server, ToolDef};
use serde_json::{Value, json};

use crate::support::*;

/// What the client's handlers saw: one line per request.
type Seen = Arc<Mutex<Vec<String>>>;

/// The support server plus tools for sampling alone and roots alone (every version has
/// those; elicitation only from 2025-06-18).
fn matrix_server(versions: SupportedVersions) -> Server {
    let server = everything_server(
        Server::builder("matrix-server", "1.2.3")
            .instructions("use echo")
            .versions(versions)
            .tasks(true)
            .task_poll_interval(Duration::from_millis(10)),
    );
    server
        .add_tool(
            ToolDef::new("sample", |_: NoArgs, ctx: RequestContext| async move {
                let reply = ctx
                    .create_message(CreateMessageParams::new(
                        vec![SamplingMessage::user_text("Capital of France?")],
                        50,
                    ))
                    .await
                    .map_err(|e| e.to_string())?;
                Ok::<_, String>(format!(
                    "{}:{}",
                    reply.model,
                    reply.content.blocks()[0].as_text().unwrap_or_default()
                ))
            })
            .description("Samples"),
        )
        .unwrap();
    server
        .add_tool(
            ToolDef::new("roots", |_: NoArgs, ctx: RequestContext| async move {
                let roots = ctx.list_roots().await.map_err(|e| e.to_string())?;
                Ok::<_, String>(
                    roots
                        .roots
                        .iter()
                        .map(|r| format!("{}={}", r.name.as_deref().unwrap_or("-"), r.uri))
                        .collect::<Vec<_>>()
                        .join(","),
                )
            })
            .description("Lists the client's roots"),
        )
        .unwrap();
    server
}

fn client_builder(versions: SupportedVersions, seen: &Seen) -> ClientBuilder {
    let (s1, s2) = (seen.clone(), seen.clone());
    Client::builder()
        .client_info("matrix-client", "0.9")
        .versions(versions)
        .request_timeout(WAIT)
        .discover_timeout(Duration::from_secs(2))
        .log_level(LoggingLevel::Info)
        .tasks_extension(true)
        .on_sampling(move |p: CreateMessageParams| {
            let seen = s1.clone();
            async move {
                let q = p.messages[0].content.blocks()[0]
                    .as_text()
                    .unwrap_or_default()
                    .to_owned();
                seen.lock()
                    .unwrap()
                    .push(format!("sampling {q} max={}", p.max_tokens));
                Ok(CreateMessageResult::new(
                    "matrix-model",
                    SamplingMessageContentBlock::text("Paris"),
                ))
            }
        })
        .on_elicitation(move |p: ElicitParams| {
            let seen = s2.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .push(format!("elicitation {}", p.message()));
                Ok(ElicitResult::accept(Some(args(json!({"name": "Ada"})))))
            }
        })
        .roots(vec![Root::new("file:///project").with_name("project")])
}

/// Connects a client to `server` over an in-memory pair of `mode`.
async fn connect(
    server: &Server,
    builder: ClientBuilder,
    mode: Mode,
) -> mcp_client::Result<Client> {
    let (a, b) = memory::pair(mode);
    let server = server.clone();
    tokio::spawn(async move { server.serve(b).await });
    tokio::time::timeout(WAIT, builder.connect(a))
        .await
        .expect("connecting never hangs")
}

fn value<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap()
}

async fn next_notification(
    n: &mut mcp_client::Notifications,
    f: impl Fn(&ServerNotification) -> bool,
) -> ServerNotification {
    tokio::time::timeout(WAIT, async {
        loop {
            let got = n.next().await.expect("connection open");
            if f(&got) {
                return got;
            }
        }
    })
    .await
    .expect("the notification in time")
}

/// Every method of `version`, once, with value checks.
async fn exercise(server: &Server, client: &Client, version: V, seen: &Seen) {
    let ctx = format!("[{version}]");
    // Negotiation.
    assert_eq!(client.protocol_version(), version, "{ctx}");
    let info = client.server_info();
    assert_eq!(
        (info.name.as_str(), info.version.as_str()),
        ("matrix-server", "1.2.3"),
        "{ctx}"
    );
    assert_eq!(client.instructions().as_deref(), Some("use echo"), "{ctx}");
    if version.has_handshake() {
        client.ping().await.unwrap();
        assert!(
            client.discover().await.unwrap_err().is_refused_locally(),
            "{ctx}"
        );
    } else {
        let d = client.discover().await.unwrap();
        assert!(
            d.supported_versions.contains(&version.as_str().to_owned()),
            "{ctx}"
        );
        assert!(d.capabilities.tools.is_some(), "{ctx}");
        assert!(
            client.ping().await.unwrap_err().is_refused_locally(),
            "{ctx}: no ping in 2026"
        );
    }

    // Tools.
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<_> = tools.iter().map(|t| t.name.as_str()).collect();
    for want in [
        "echo",
        "add",
        "fail",
        "progress",
        "log",
        "ask",
        "sample",
        "roots",
        "slow_task",
    ] {
        assert!(names.contains(&want), "{ctx} {want} missing from {names:?}");
    }
    let echo = tools.iter().find(|t| t.name == "echo").unwrap();
    assert_eq!(echo.description.as_deref(), Some("Echoes"), "{ctx}");
    assert_eq!(
        echo.input_schema["properties"]["text"]["type"], "string",
        "{ctx}"
    );
    assert_eq!(
        echo.title.is_some(),
        version >= V::V2025_06_18,
        "{ctx}: title from 2025-06-18"
    );
    let add = tools.iter().find(|t| t.name == "add").unwrap();
    assert_eq!(
        add.output_schema.is_some(),
        version >= V::V2025_06_18,
        "{ctx}: outputSchema"
    );

    let r = client
        .call_tool("echo", json!({"text": "héllo"}))
        .await
        .unwrap();
    assert!(!r.is_error(), "{ctx}");
    assert_eq!(text(&r), "héllo", "{ctx}");
    let r = client
        .call_tool("add", json!({"a": 2, "b": 40}))
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(text(&r)).unwrap(),
        json!({"sum": 42}),
        "{ctx}"
    );
    if version >= V::V2025_06_18 {
        assert_eq!(r.structured_content, Some(json!({"sum": 42})), "{ctx}");
        let sum: Value = client
            .call_tool_structured("add", json!({"a": -1, "b": 1}))
            .await
            .unwrap();
        assert_eq!(sum, json!({"sum": 0}), "{ctx}");
    } else {
        assert_eq!(
            r.structured_content, None,
            "{ctx}: no structuredContent before 2025-06-18"
        );
    }
    let r = client.call_tool("fail", json!({})).await.unwrap();
    assert!(r.is_error(), "{ctx}");
    assert_eq!(text(&r), "this tool intentionally fails", "{ctx}");
    let bad = client.call_tool("echo", json!({"text": 5})).await;
    match bad {
        Ok(r) => assert!(r.is_error(), "{ctx}: bad arguments"),
        Err(e) => assert_eq!(
            e.code(),
            Some(mcp_protocol::ErrorCode::INVALID_PARAMS),
            "{ctx}"
        ),
    }
    let progress = Arc::new(Mutex::new(Vec::new()));
    let p2 = progress.clone();
    let r = client
        .call_tool_with(
            CallToolParams::new("progress"),
            mcp_client::CallOptions::new()
                .on_progress(move |p| p2.lock().unwrap().push((p.progress, p.total))),
        )
        .await
        .unwrap();
    assert_eq!(text(&r), "done", "{ctx}");
    // Progress notifications are delivered before the result on one ordered connection.
    assert_eq!(
        *progress.lock().unwrap(),
        [
            (0.0, Some(100.0)),
            (50.0, Some(100.0)),
            (100.0, Some(100.0))
        ],
        "{ctx}"
    );

    // Server→client: sampling and roots in every version, elicitation from 2025-06-18.
    seen.lock().unwrap().clear();
    let r = client.call_tool("sample", json!({})).await.unwrap();
    assert_eq!(text(&r), "matrix-model:Paris", "{ctx}");
    let r = client.call_tool("roots", json!({})).await.unwrap();
    assert_eq!(text(&r), "project=file:///project", "{ctx}");
    if version >= V::V2025_06_18 {
        let r = client.call_tool("ask", json!({})).await.unwrap();
        assert_eq!(
            text(&r),
            r#"action=Accept content={"name":"Ada"} model=Paris"#,
            "{ctx}"
        );
        assert_eq!(
            *seen.lock().unwrap(),
            [
                "sampling Capital of France? max=50",
                "elicitation Your name?",
                "sampling Capital of France? max=100"
            ],
            "{ctx}"
        );
    } else {
        let r = client.call_tool("ask", json!({})).await.unwrap();
        assert!(r.is_error(), "{ctx}: no elicitation before 2025-06-18");
        assert_eq!(
            *seen.lock().unwrap(),
            ["sampling Capital of France? max=50"],
            "{ctx}"
        );
    }

    // Resources.
    let resources = client.list_all_resources().await.unwrap();
    let uris: Vec<_> = resources.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(
        uris,
        ["test://static-text", "test://watched-resource"],
        "{ctx}"
    );
    let read = client.read_resource("test://static-text").await.unwrap();
    assert_eq!(
        value(&read.contents),
        json!([{"uri": "test://static-text", "mimeType": "text/plain",
                "text": "This is the content of the static text resource."}]),
        "{ctx}"
    );
    let templates = client.list_all_resource_templates().await.unwrap();
    assert_eq!(templates.len(), 1, "{ctx}");
    assert_eq!(
        templates[0].uri_template, "test://template/{id}/data",
        "{ctx}"
    );
    let read = client
        .read_resource("test://template/7/data")
        .await
        .unwrap();
    let body = value(&read.contents[0]);
    assert_eq!(body["uri"], "test://template/7/data", "{ctx}");
    assert_eq!(
        serde_json::from_str::<Value>(body["text"].as_str().unwrap()).unwrap(),
        json!({"id": "7", "templateTest": true}),
        "{ctx}"
    );
    let missing = client.read_resource("test://nothing").await.unwrap_err();
    let want = if version.has_handshake() {
        -32002
    } else {
        -32602
    };
    assert_eq!(missing.code().map(|c| c.0), Some(want), "{ctx}: {missing}");

    // Prompts and completion.
    let prompts = client.list_all_prompts().await.unwrap();
    assert_eq!(prompts.len(), 1, "{ctx}");
    assert_eq!(prompts[0].name, "test_prompt_with_arguments", "{ctx}");
    let got = client
        .get_prompt("test_prompt_with_arguments", [("arg1", "x"), ("arg2", "y")])
        .await
        .unwrap();
    assert_eq!(
        value(&got.messages),
        json!([{"role": "user", "content": {"type": "text", "text": "Prompt with arguments: arg1='x', arg2='y'"}}]),
        "{ctx}"
    );
    let c = client
        .complete(CompleteParams::new(
            CompletionReference::prompt("test_prompt_with_arguments"),
            "arg1",
            "te",
        ))
        .await
        .unwrap();
    assert_eq!(c.completion.values, ["test", "testing"], "{ctx}");
    let c = client
        .complete(CompleteParams::new(
            CompletionReference::resource("test://template/{id}/data"),
            "id",
            "1",
        ))
        .await
        .unwrap();
    assert_eq!(c.completion.values, ["1", "12", "123"], "{ctx}");

    // Logging: session era by logging/setLevel, 2026-07-28 by the per-request level (Info,
    // set on the builder). The tool logs Debug, Info and Error.
    let mut notes = client.notifications();
    if version.has_handshake() {
        client.set_log_level(LoggingLevel::Info).await.unwrap();
    }
    let r = client.call_tool("log", json!({})).await.unwrap();
    assert_eq!(text(&r), "sent 2", "{ctx}");
    for level in [LoggingLevel::Info, LoggingLevel::Error] {
        let ServerNotification::Log(log) =
            next_notification(&mut notes, |n| matches!(n, ServerNotification::Log(_))).await
        else {
            unreachable!()
        };
        assert_eq!(
            (log.level, log.data.clone()),
            (level.clone(), json!(format!("{level:?}"))),
            "{ctx}"
        );
    }

    // Resource updates: subscribe/unsubscribe in the session era, a listen stream in 2026.
    if version.has_handshake() {
        client
            .subscribe_resource("test://watched-resource")
            .await
            .unwrap();
        server.notify_resource_updated("test://watched-resource");
        let n = next_notification(&mut notes, |n| {
            matches!(n, ServerNotification::ResourceUpdated(_))
        })
        .await;
        assert_eq!(
            value(&match n {
                ServerNotification::ResourceUpdated(p) => p,
                _ => unreachable!(),
            })["uri"],
            "test://watched-resource",
            "{ctx}"
        );
        client
            .unsubscribe_resource("test://watched-resource")
            .await
            .unwrap();
        server.notify_resource_updated("test://watched-resource");
        client.ping().await.unwrap();
        let late = tokio::time::timeout(
            Duration::from_millis(50),
            next_notification(&mut notes, |n| {
                matches!(n, ServerNotification::ResourceUpdated(_))
            }),
        )
        .await;
        assert!(late.is_err(), "{ctx}: an update after unsubscribe");
        assert!(
            client
                .listen(SubscriptionFilter::new())
                .await
                .unwrap_err()
                .is_refused_locally(),
            "{ctx}"
        );
    } else {
        assert!(
            client
                .subscribe_resource("test://watched-resource")
                .await
                .unwrap_err()
                .is_refused_locally(),
            "{ctx}"
        );
        let mut sub = client
            .listen(
                SubscriptionFilter::new()
                    .with_resource("test://watched-resource")
                    .with_tools_list_changed(),
            )
            .await
            .unwrap();
        // The stream is live once the server acknowledges it, saying what it will carry.
        let ack = tokio::time::timeout(WAIT, sub.next())
            .await
            .expect("an acknowledgement");
        let Some(ServerNotification::SubscriptionsAcknowledged(ack)) = ack else {
            panic!("{ctx}: expected the acknowledgement first, got {ack:?}")
        };
        assert_eq!(
            value(&ack.notifications),
            json!({"toolsListChanged": true, "resourceSubscriptions": ["test://watched-resource"]}),
            "{ctx}"
        );
        server.notify_resource_updated("test://watched-resource");
        server.notify_resource_updated("test://static-text");
        server.set_tool_enabled("fail", false);
        let mut got = Vec::new();
        while got.len() < 2 {
            let n = tokio::time::timeout(WAIT, sub.next())
                .await
                .unwrap_or_else(|_| panic!("{ctx}: only {got:?} arrived"))
                .expect("open");
            match n {
                ServerNotification::ResourceUpdated(p) => got.push(p.uri),
                ServerNotification::ToolListChanged => got.push("tools".into()),
                ServerNotification::SubscriptionsAcknowledged(_) => {}
                other => panic!("{ctx}: unexpected {other:?}"),
            }
        }
        assert_eq!(got, ["test://watched-resource", "tools"], "{ctx}");
        server.set_tool_enabled("fail", true);
    }

    // Tasks: 2025-11-25 (client asks) and the 2026-07-28 extension (server decides).
    let outcome = client
        .call_tool_as_task("slow_task", json!({}), Some(60_000))
        .await;
    if version < V::V2025_11_25 {
        assert!(
            outcome.unwrap_err().is_refused_locally(),
            "{ctx}: no tasks before 2025-11-25"
        );
    } else {
        let ResultOrFollowUp::Task(created) = outcome.unwrap() else {
            panic!("{ctx}: expected a task")
        };
        let id = created.task.task_id.clone();
        if version.has_handshake() {
            let payload = client.task_result(&id).await.unwrap();
            assert_eq!(
                value(&payload)["content"],
                json!([{"type": "text", "text": "slow done"}]),
                "{ctx}"
            );
            let listed = client.list_tasks(None).await.unwrap();
            assert!(listed.tasks.iter().any(|t| t.task_id == id), "{ctx}");
        }
        let done = tokio::time::timeout(WAIT, async {
            loop {
                let t = value(&client.get_task(&id).await.unwrap());
                if t["status"] == "completed" {
                    return t;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("the task completes");
        assert_eq!(done["taskId"], json!(id), "{ctx}");
        if !version.has_handshake() {
            assert_eq!(
                done["result"]["content"],
                json!([{"type": "text", "text": "slow done"}]),
                "{ctx}: {done}"
            );
        }
    }
}

async fn run(
    client_versions: SupportedVersions,
    server_versions: SupportedVersions,
    expect: V,
    mode: Mode,
) {
    let seen = Seen::default();
    let server = matrix_server(server_versions);
    let client = connect(&server, client_builder(client_versions, &seen), mode)
        .await
        .unwrap();
    tokio::time::timeout(
        Duration::from_secs(20),
        exercise(&server, &client, expect, &seen),
    )
    .await
    .unwrap_or_else(|_| panic!("[{expect} {mode:?}] the run hung"));
    client.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_of_each_version_against_a_server_of_all() {
    for mode in [Mode::Direct, Mode::Serialized] {
        for v in V::ALL {
            run(
                SupportedVersions::new([v]),
                SupportedVersions::default(),
                v,
                mode,
            )
            .await;
        }
    }
}

// requirement: 2.6
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_of_older_versions_negotiates_the_client_down() {
    for mode in [Mode::Direct, Mode::Serialized] {
        for (i, &v) in V::ALL.iter().enumerate() {
            // The server speaks everything up to `v`; the client everything.
            let server = SupportedVersions::new(V::ALL[..=i].iter().copied());
            run(SupportedVersions::default(), server, v, mode).await;
        }
        // A dual-era server without 2026-07-28, a client of all: the newest session version.
        let session_only = SupportedVersions::new([V::V2024_11_05, V::V2025_03_26]);
        run(
            SupportedVersions::default(),
            session_only,
            V::V2025_03_26,
            mode,
        )
        .await;
    }
}

async fn mismatch(client: &[V], server: &[V]) -> mcp_client::Error {
    let seen = Seen::default();
    let server = matrix_server(SupportedVersions::new(server.iter().copied()));
    let builder = client_builder(SupportedVersions::new(client.iter().copied()), &seen);
    match connect(&server, builder, Mode::Serialized).await {
        Ok(c) => panic!(
            "{client:?} against {server:?} connected as {:?}",
            c.negotiated()
        ),
        Err(e) => e,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disjoint_versions_fail_with_a_negotiation_error_and_never_hang() {
    use mcp_client::Error;
    use mcp_protocol::version::NegotiationError;

    // A 2026-07-28-only client against a session-only server.
    let e = mismatch(&[V::V2026_07_28], &[V::V2025_06_18, V::V2025_11_25]).await;
    assert!(
        matches!(
            e,
            Error::Negotiation(NegotiationError::NoCommonVersion { .. })
        ),
        "{e:?}"
    );
    // A session-only client against a 2026-07-28-only server.
    // The server refuses `initialize` with a JSON-RPC error that names its versions.
    let e = mismatch(&[V::V2025_11_25], &[V::V2026_07_28]).await;
    assert!(
        matches!(&e, Error::Remote { method, error } if method == "initialize"
            && error.message.contains("Unsupported protocol version")
            && error.message.contains("2026-07-28")),
        "{e:?}"
    );
    // Both session era, disjoint: the server answers its own version, the client refuses.
    let e = mismatch(&[V::V2024_11_05], &[V::V2025_06_18]).await;
    assert!(
        matches!(&e, Error::Negotiation(NegotiationError::ServerChoseUnsupported { chosen }) if chosen == "2025-06-18"),
        "{e:?}"
    );
}
