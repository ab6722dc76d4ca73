//! The real `everything-server` binary, over stdio, driven by `mcp-client` in a session-era
//! version (2025-11-25, and the older 2025-03-26) and in 2026-07-28 (MRTR), checked deeply:
//! exact texts, `isError`, real PNG and WAV bytes, logs and progress during the call and in
//! order, the input round trips with their exact schemas, resource updates. Every wait is
//! bounded.

use std::future::Future;
use std::io::{BufRead as _, Write as _};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use mcp_client::{CallOptions, Client, ServerNotification};
use mcp_examples::everything::{catalog, tools};
use mcp_protocol::methods::{
    CallToolParams, CallToolResult, CompleteParams, CompletionReference, ElicitParams,
    ProgressParams, Root, SubscriptionFilter,
};
use mcp_protocol::types::{LoggingLevel, ResourceContents};
use mcp_protocol::{ProtocolVersion, SupportedVersions};
use serde_json::{Value, json};

#[path = "common/user.rs"]
mod user;
use user::{answer_form, answer_sampling};

const BIN: &str = env!("CARGO_BIN_EXE_everything-server");
const WAIT: Duration = Duration::from_secs(15);
const V_2025_03: ProtocolVersion = ProtocolVersion::V2025_03_26;
const V_2025_11: ProtocolVersion = ProtocolVersion::V2025_11_25;
const V_2026: ProtocolVersion = ProtocolVersion::V2026_07_28;

/// `fut`, or a panic after [`WAIT`].
async fn within<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut)
        .await
        .expect("timed out: the server did not answer in time")
}

/// What the client's handlers were asked, as JSON.
#[derive(Clone, Default)]
struct Asked {
    elicitations: Arc<Mutex<Vec<Value>>>,
    samplings: Arc<Mutex<Vec<Value>>>,
}

impl Asked {
    fn elicitations(&self) -> Vec<Value> {
        self.elicitations.lock().unwrap().clone()
    }
    fn samplings(&self) -> Vec<Value> {
        self.samplings.lock().unwrap().clone()
    }
}

/// A client of one version, with sampling, elicitation and roots, on a fresh server whose
/// watched resource changes every 200 ms.
async fn connect(version: ProtocolVersion) -> (Client, Asked) {
    let asked = Asked::default();
    let (e, s) = (asked.elicitations.clone(), asked.samplings.clone());
    let mut builder = Client::builder()
        .client_info("everything-tests", "1.0")
        .versions(SupportedVersions::new([version]))
        .request_timeout(WAIT)
        .on_elicitation(move |params: ElicitParams| {
            let params = serde_json::to_value(&params).unwrap();
            e.lock().unwrap().push(params.clone());
            async move { Ok(answer_form(&params)) }
        })
        .on_sampling(move |params| {
            let params = serde_json::to_value(&params).unwrap();
            s.lock().unwrap().push(params.clone());
            async move { Ok(answer_sampling(&params, "test-model")) }
        })
        .roots(vec![Root::new("file:///tmp/a"), Root::new("file:///tmp/b")]);
    if version == V_2026 {
        builder = builder.log_level(LoggingLevel::Debug);
    }
    let client = within(builder.spawn(BIN, ["--stdio", "--watch-interval-ms", "200"]))
        .await
        .expect("the server starts");
    assert_eq!(client.protocol_version(), version);
    if version != V_2026 {
        within(client.set_log_level(LoggingLevel::Debug))
            .await
            .unwrap();
    }
    (client, asked)
}

fn json_of<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

/// The content of a successful call, as JSON.
fn ok_content(result: &CallToolResult) -> Value {
    let v = json_of(result);
    assert_ne!(v["isError"], true, "the tool failed: {v}");
    v["content"].clone()
}

/// The single text of a successful call.
fn ok_text(result: &CallToolResult) -> String {
    let content = ok_content(result);
    assert_eq!(content.as_array().unwrap().len(), 1, "{content}");
    assert_eq!(content[0]["type"], "text");
    content[0]["text"].as_str().unwrap().to_owned()
}

async fn call(client: &Client, name: &str, args: Value) -> CallToolResult {
    within(client.call_tool(name, args)).await.unwrap()
}

/// A CRC-32 (IEEE), to check PNG chunks.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Checks that `b64` is a well-formed 1×1 PNG: signature, IHDR first, IEND last, every
/// chunk's CRC.
fn assert_png(b64: &str) {
    let png = B64.decode(b64).expect("valid base64");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let mut at = 8;
    let mut kinds = Vec::new();
    while at < png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind = &png[at + 4..at + 8];
        let data = &png[at + 8..at + 8 + len];
        let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
        assert_eq!(crc32(&png[at + 4..at + 8 + len]), crc, "CRC of a chunk");
        if kind == b"IHDR" {
            assert_eq!(&data[..8], &[0, 0, 0, 1, 0, 0, 0, 1], "1×1");
        }
        kinds.push(String::from_utf8_lossy(kind).into_owned());
        at += 12 + len;
    }
    assert_eq!(at, png.len());
    assert_eq!(kinds.first().map(String::as_str), Some("IHDR"));
    assert_eq!(kinds.last().map(String::as_str), Some("IEND"));
    assert!(kinds.iter().any(|k| k == "IDAT"));
}

/// Checks that `b64` is a well-formed PCM WAV with samples.
fn assert_wav(b64: &str) {
    let wav = B64.decode(b64).expect("valid base64");
    let u32_at = |i: usize| u32::from_le_bytes(wav[i..i + 4].try_into().unwrap()) as usize;
    let u16_at = |i: usize| u16::from_le_bytes(wav[i..i + 2].try_into().unwrap());
    assert_eq!(&wav[..4], b"RIFF");
    assert_eq!(u32_at(4), wav.len() - 8, "RIFF size");
    assert_eq!(&wav[8..16], b"WAVEfmt ");
    assert_eq!(u32_at(16), 16, "PCM fmt chunk");
    assert_eq!(u16_at(20), 1, "PCM");
    let (channels, rate, bits) = (u16_at(22), u32_at(24), u16_at(34));
    let block_align = u16_at(32);
    assert_eq!(block_align, channels * bits / 8);
    assert_eq!(u32_at(28), rate * block_align as usize, "byte rate");
    assert_eq!(&wav[36..40], b"data");
    let data = u32_at(40);
    assert!(data > 0, "it has samples");
    assert_eq!(44 + data, wav.len(), "data size");
    assert_eq!(data % block_align as usize, 0);
}

const CONTRACT_TOOLS: [&str; 14] = [
    "test_simple_text",
    "test_image_content",
    "test_audio_content",
    "test_embedded_resource",
    "test_multiple_content_types",
    "test_tool_with_logging",
    "test_tool_with_progress",
    "test_error_handling",
    "test_reconnection",
    "test_sampling",
    "test_elicitation",
    "test_elicitation_sep1034_defaults",
    "test_elicitation_sep1330_enums",
    "json_schema_2020_12_tool",
];

/// The fixtures of the 0.2.x tasks scenarios (`examples/src/everything/tasks.rs`).
const TASKS_TOOLS: [&str; 6] = [
    "greet",
    "slow_compute",
    "failing_job",
    "protocol_error_job",
    "confirm_delete",
    "multi_input",
];

const ADDED_TOOLS: [&str; 15] = [
    "test_input_required_result_elicitation",
    "test_input_required_result_sampling",
    "test_input_required_result_list_roots",
    "test_input_required_result_request_state",
    "test_input_required_result_multiple_inputs",
    "test_input_required_result_multi_round",
    "test_input_required_result_tampered_state",
    "test_input_required_result_capabilities",
    "test_missing_capability",
    "test_streaming_elicitation",
    "test_logging_tool",
    "test_trigger_tool_change",
    "test_trigger_prompt_change",
    "test_tool_with_task",
    "test_custom_header",
];

#[tokio::test]
async fn lists_exactly_the_contract_with_its_capabilities() {
    for version in [V_2025_11, V_2026] {
        let (client, _) = connect(version).await;
        let caps = json_of(&client.server_capabilities());
        assert_eq!(caps["tools"]["listChanged"], true, "{caps}");
        assert_eq!(caps["resources"]["subscribe"], true);
        assert_eq!(caps["resources"]["listChanged"], true);
        assert_eq!(caps["prompts"]["listChanged"], true);
        assert!(caps["logging"].is_object() || version == V_2026, "{caps}");
        assert!(caps["completions"].is_object(), "{caps}");

        let listed = within(client.list_all_tools()).await.unwrap();
        let names: Vec<_> = listed.iter().map(|t| t.name.as_str()).collect();
        let expected: Vec<_> = CONTRACT_TOOLS
            .iter()
            .chain(&TASKS_TOOLS)
            .chain(&ADDED_TOOLS)
            .copied()
            .collect();
        assert_eq!(names, expected, "{version}");
        for tool in &listed {
            assert!(
                tool.description.as_deref().is_some_and(|d| !d.is_empty()),
                "{} has a description",
                tool.name
            );
            assert_eq!(tool.input_schema["type"], "object", "{}", tool.name);
        }
        let schema = &listed
            .iter()
            .find(|t| t.name == "json_schema_2020_12_tool")
            .unwrap()
            .input_schema;
        assert_eq!(Value::Object(schema.clone()), tools::json_schema_2020_12());
        let simple = &listed[0].input_schema;
        assert_eq!(
            Value::Object(simple.clone()),
            json!({"type": "object", "properties": {}})
        );
        let sampling = &listed.iter().find(|t| t.name == "test_sampling").unwrap();
        assert_eq!(sampling.input_schema["required"], json!(["prompt"]));
        assert_eq!(
            sampling.input_schema["properties"]["prompt"]["type"],
            "string"
        );

        let resources = within(client.list_all_resources()).await.unwrap();
        let uris: Vec<_> = resources
            .iter()
            .map(|r| (r.uri.as_str(), r.name.as_str(), r.mime_type.as_deref()))
            .collect();
        assert_eq!(
            uris,
            [
                ("test://static-text", "static-text", Some("text/plain")),
                ("test://static-binary", "static-binary", Some("image/png")),
                (
                    "test://watched-resource",
                    "watched-resource",
                    Some("text/plain")
                ),
                // The SEP-2640 skill's files (`everything::skills`).
                (
                    "skill://pdf-processing/SKILL.md",
                    "pdf-processing",
                    Some("text/markdown")
                ),
                (
                    "skill://pdf-processing/references/FORMS.md",
                    "FORMS.md",
                    Some("text/markdown")
                ),
            ]
        );
        let templates = within(client.list_all_resource_templates()).await.unwrap();
        assert_eq!(templates.len(), 1);
        assert_eq!(templates[0].uri_template, "test://template/{id}/data");
        assert_eq!(templates[0].mime_type.as_deref(), Some("application/json"));

        let prompts = within(client.list_all_prompts()).await.unwrap();
        let described: Vec<_> = prompts
            .iter()
            .map(|p| {
                assert!(p.description.as_deref().is_some_and(|d| !d.is_empty()));
                let args: Vec<_> = p
                    .arguments
                    .iter()
                    .flatten()
                    .map(|a| (a.name.as_str(), a.required == Some(true)))
                    .collect();
                (p.name.as_str(), args)
            })
            .collect();
        assert_eq!(
            described,
            [
                ("test_simple_prompt", vec![]),
                (
                    "test_prompt_with_arguments",
                    vec![("arg1", true), ("arg2", true)]
                ),
                (
                    "test_prompt_with_embedded_resource",
                    vec![("resourceUri", true)]
                ),
                ("test_prompt_with_image", vec![]),
                ("test_input_required_result_prompt", vec![]),
            ]
        );
        assert_eq!(client.server_info().name, "mcp-conformance-test-server");
        client.close();
    }
}

#[tokio::test]
async fn content_tools_return_exactly_the_contract() {
    for version in [V_2025_03, V_2025_11, V_2026] {
        let (client, _) = connect(version).await;
        // No `arguments` at all, as the suite calls it.
        let params = CallToolParams::new("test_simple_text");
        assert!(json_of(&params).get("arguments").is_none());
        let simple = within(client.call_tool_with(params, CallOptions::new()))
            .await
            .unwrap();
        assert_eq!(ok_text(&simple), tools::SIMPLE_TEXT, "{version}");
        assert_eq!(
            ok_text(&call(&client, "test_simple_text", json!({})).await),
            tools::SIMPLE_TEXT
        );

        let image = ok_content(&call(&client, "test_image_content", json!({})).await);
        assert_eq!(image.as_array().unwrap().len(), 1);
        assert_eq!(image[0]["type"], "image");
        assert_eq!(image[0]["mimeType"], "image/png");
        assert_png(image[0]["data"].as_str().unwrap());

        let audio = ok_content(&call(&client, "test_audio_content", json!({})).await);
        assert_eq!(audio[0]["type"], "audio", "{version}");
        assert_eq!(audio[0]["mimeType"], "audio/wav");
        assert_wav(audio[0]["data"].as_str().unwrap());

        let embedded = ok_content(&call(&client, "test_embedded_resource", json!({})).await);
        assert_eq!(
            embedded,
            json!([{"type": "resource", "resource": {"uri": "test://embedded-resource",
                "mimeType": "text/plain", "text": "This is an embedded resource content."}}])
        );

        let mixed = ok_content(&call(&client, "test_multiple_content_types", json!({})).await);
        assert_eq!(mixed.as_array().unwrap().len(), 3);
        assert_eq!(
            mixed[0],
            json!({"type": "text", "text": "Multiple content types test:"})
        );
        assert_eq!(mixed[1]["type"], "image");
        assert_eq!(mixed[1]["mimeType"], "image/png");
        assert_png(mixed[1]["data"].as_str().unwrap());
        assert_eq!(
            mixed[2],
            json!({"type": "resource", "resource": {"uri": "test://mixed-content-resource",
                "mimeType": "application/json", "text": "{\"test\":\"data\",\"value\":123}"}})
        );

        let error = call(&client, "test_error_handling", json!({})).await;
        assert!(error.is_error(), "{version}");
        assert_eq!(
            json_of(&error)["content"],
            json!([{"type": "text", "text": tools::ERROR_TEXT}])
        );

        let reconnect = ok_text(&call(&client, "test_reconnection", json!({})).await);
        assert!(reconnect.starts_with("Reconnection test completed successfully."));

        let schema_tool = call(
            &client,
            "json_schema_2020_12_tool",
            json!({"name": "Ada", "contactMethod": "email", "email": "ada@example.com"}),
        )
        .await;
        assert_eq!(
            ok_text(&schema_tool),
            r#"JSON Schema 2020-12 tool called with: {"contactMethod":"email","email":"ada@example.com","name":"Ada"}"#
        );
        // The schema is enforced: `additionalProperties: false`, and the `if/else`.
        let refused = call(&client, "json_schema_2020_12_tool", json!({"nope": 1})).await;
        assert!(refused.is_error());
        client.close();
    }
}

#[tokio::test]
async fn logging_sends_three_messages_during_the_call_in_order() {
    for version in [V_2025_03, V_2025_11, V_2026] {
        let (client, _) = connect(version).await;
        let mut notifications = client.notifications();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let collector = tokio::spawn({
            let logs = logs.clone();
            async move {
                while let Some(n) = notifications.next().await {
                    if let ServerNotification::Log(log) = n {
                        logs.lock().unwrap().push((Instant::now(), log));
                    }
                }
            }
        });
        let start = Instant::now();
        let result = call(&client, "test_tool_with_logging", json!({})).await;
        let end = Instant::now();
        assert_eq!(ok_text(&result), "Tool with logging executed successfully");
        // The notifications were written before the result; give the collector a moment.
        let deadline = Instant::now() + Duration::from_secs(2);
        while logs.lock().unwrap().len() < 3 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let logs = logs.lock().unwrap().clone();
        let texts: Vec<_> = logs.iter().map(|(_, l)| l.data.clone()).collect();
        assert_eq!(
            texts,
            tools::LOG_MESSAGES.map(Value::from).to_vec(),
            "{version}"
        );
        for (at, log) in &logs {
            assert_eq!(log.level, LoggingLevel::Info);
            assert!(*at >= start && *at <= end + Duration::from_millis(200));
        }
        // Spread over the call (two 50 ms pauses), not sent at once at the end.
        assert!(
            logs[2].0 - logs[0].0 >= Duration::from_millis(80),
            "{version}"
        );
        collector.abort();
        client.close();
    }
}

#[tokio::test]
async fn logging_follows_the_clients_level() {
    // Session era: above the level nothing is sent.
    let (client, _) = connect(V_2025_11).await;
    within(client.set_log_level(LoggingLevel::Warning))
        .await
        .unwrap();
    let mut notifications = client.notifications();
    assert_eq!(
        ok_text(&call(&client, "test_logging_tool", json!({})).await),
        "Logging evaluated"
    );
    ok_text(&call(&client, "test_tool_with_logging", json!({})).await);
    let quiet = tokio::time::timeout(Duration::from_millis(300), notifications.next()).await;
    assert!(
        !matches!(quiet, Ok(Some(ServerNotification::Log(_)))),
        "{quiet:?}"
    );
    client.close();

    // 2026-07-28 without a log level on the request: no logs at all.
    let client = within(
        Client::builder()
            .versions(SupportedVersions::new([V_2026]))
            .spawn(BIN, ["--stdio"]),
    )
    .await
    .unwrap();
    let mut notifications = client.notifications();
    assert_eq!(
        ok_text(&call(&client, "test_logging_tool", json!({})).await),
        "Logging evaluated"
    );
    let quiet = tokio::time::timeout(Duration::from_millis(300), notifications.next()).await;
    assert!(
        !matches!(quiet, Ok(Some(ServerNotification::Log(_)))),
        "{quiet:?}"
    );
    client.close();
}

#[tokio::test]
async fn progress_is_0_50_100_of_100_about_50_ms_apart() {
    for version in [V_2025_03, V_2025_11, V_2026] {
        let (client, _) = connect(version).await;
        let seen: Arc<Mutex<Vec<(Instant, ProgressParams)>>> = Arc::default();
        let options = CallOptions::new().on_progress({
            let seen = seen.clone();
            move |p| seen.lock().unwrap().push((Instant::now(), p))
        });
        let result =
            within(client.call_tool_with(CallToolParams::new("test_tool_with_progress"), options))
                .await
                .unwrap();
        let seen = seen.lock().unwrap().clone();
        // The result echoes the request's progress token, as the reference does.
        let token = &seen.first().expect("progress arrived").1.progress_token;
        assert_eq!(
            ok_text(&result),
            tools::progress_text(Some(token)),
            "{version}"
        );
        let values: Vec<_> = seen
            .iter()
            .map(|(_, p)| (p.progress, p.total, p.message.clone()))
            .collect();
        assert_eq!(
            values,
            [0, 50, 100].map(|n| (
                f64::from(n),
                Some(100.0),
                Some(format!("Completed step {n} of 100"))
            )),
            "{version}"
        );
        assert!(seen[2].0 - seen[0].0 >= Duration::from_millis(80));
        // Without a token: no progress, and the reference's `0`.
        let quiet = call(&client, "test_tool_with_progress", json!({})).await;
        assert_eq!(ok_text(&quiet), "0", "{version}");
        client.close();
    }
}

#[tokio::test]
async fn sampling_and_elicitation_round_trip_through_the_handlers() {
    for version in [V_2025_11, V_2026] {
        let (client, asked) = connect(version).await;
        let sampled = call(
            &client,
            "test_sampling",
            json!({"prompt": "Test prompt for sampling"}),
        )
        .await;
        assert_eq!(
            ok_text(&sampled),
            "LLM response: echo: Test prompt for sampling"
        );
        let request = &asked.samplings()[0];
        assert_eq!(
            request["messages"],
            json!([{"role": "user", "content": {"type": "text", "text": "Test prompt for sampling"}}])
        );
        assert_eq!(request["maxTokens"], 100);

        let elicited = call(
            &client,
            "test_elicitation",
            json!({"message": "Please provide your information"}),
        )
        .await;
        assert_eq!(
            ok_text(&elicited),
            r#"User response: action=accept, content={"response":"hello"}"#
        );
        let form = &asked.elicitations()[0];
        assert_eq!(form["message"], "Please provide your information");
        assert_eq!(
            form["requestedSchema"],
            json!({"type": "object", "properties": {"response": {"type": "string",
                "description": "User's response"}}, "required": ["response"]})
        );

        let defaults =
            ok_text(&call(&client, "test_elicitation_sep1034_defaults", json!({})).await);
        assert!(
            defaults.starts_with("Elicitation completed: action=accept, content="),
            "{defaults}"
        );
        let form = &asked.elicitations()[1];
        assert_eq!(
            form["message"],
            "Please review and update the form fields with defaults"
        );
        assert_eq!(
            form["requestedSchema"],
            tools::sep1034_schema(),
            "{version}"
        );

        let enums = ok_text(&call(&client, "test_elicitation_sep1330_enums", json!({})).await);
        assert!(enums.starts_with("Elicitation completed: action=accept"));
        let form = &asked.elicitations()[2];
        assert_eq!(
            form["message"],
            "Please select options from the enum fields"
        );
        assert_eq!(
            form["requestedSchema"],
            tools::sep1330_schema(),
            "{version}"
        );
        client.close();
    }
}

#[tokio::test]
async fn a_client_without_handlers_gets_a_tool_error_not_a_hang() {
    for version in [V_2025_11, V_2026] {
        let client = within(
            Client::builder()
                .versions(SupportedVersions::new([version]))
                .spawn(BIN, ["--stdio"]),
        )
        .await
        .unwrap();
        for (tool, args, needs) in [
            (
                "test_sampling",
                json!({"prompt": "x"}),
                json!({"sampling": {}}),
            ),
            (
                "test_elicitation",
                json!({"message": "x"}),
                json!({"elicitation": {}}),
            ),
        ] {
            let answer = within(client.call_tool(tool, args)).await;
            if version == V_2026 {
                // 2026-07-28 basic/index: a request that needs an undeclared capability is
                // -32021 naming it (the handler failed on the refusal; audit row 1.15).
                let Err(mcp_client::Error::Remote { error, .. }) = answer else {
                    panic!("{tool}: expected -32021, got {answer:?}")
                };
                assert_eq!(error.code.0, -32021, "{tool}");
                assert_eq!(error.data.unwrap()["requiredCapabilities"], needs, "{tool}");
            } else {
                assert!(answer.unwrap().is_error(), "{tool} in {version}");
            }
        }
        // A missing required argument is a tool error too.
        let r = call(&client, "test_sampling", json!({})).await;
        assert!(r.is_error());
        client.close();
    }
}

#[tokio::test]
async fn mrtr_tools_complete_through_the_handlers_in_both_eras() {
    for version in [V_2025_11, V_2026] {
        let (client, asked) = connect(version).await;
        let cases = [
            ("test_input_required_result_elicitation", "Hello, Alice!"),
            (
                "test_input_required_result_sampling",
                "Sampling result: Paris",
            ),
            ("test_input_required_result_list_roots", "Found 2 root(s)"),
            (
                "test_input_required_result_request_state",
                "state-ok: requestState validated",
            ),
            (
                "test_input_required_result_multiple_inputs",
                "Name: Alice; Greeting: Hello there!; Roots: 2",
            ),
            (
                "test_input_required_result_multi_round",
                "Multi-round complete for Alice who likes blue",
            ),
            (
                "test_input_required_result_tampered_state",
                "integrity-ok: state verified",
            ),
            (
                "test_input_required_result_capabilities",
                "capabilities-ok: received elicit_input,sample_input",
            ),
            ("test_streaming_elicitation", "Streaming complete"),
        ];
        for (tool, expected) in cases {
            assert_eq!(
                ok_text(&call(&client, tool, json!({})).await),
                expected,
                "{tool} in {version}"
            );
        }
        // The second round of the multi-round tool asked its second question.
        assert!(
            asked
                .elicitations()
                .iter()
                .any(|e| e["message"] == "Step 2: What is your favorite color?")
        );

        let prompt = within(client.get_prompt(
            "test_input_required_result_prompt",
            Vec::<(String, String)>::new(),
        ))
        .await
        .unwrap();
        assert_eq!(
            json_of(&prompt.messages),
            json!([{"role": "user", "content": {"type": "text", "text": "Prompt with context: testing"}}])
        );
        client.close();
    }
}

/// A raw stdio connection to the server, for what `mcp-client` hides (MRTR keys).
struct Raw {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Raw {
    fn spawn() -> Self {
        let mut child = Command::new(BIN)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// Sends a 2026-07-28 request and returns its response (a bounded wait).
    fn request(&mut self, id: u64, method: &str, mut params: Value) -> Value {
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities":
                {"elicitation": {}, "sampling": {}, "roots": {}},
        });
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{msg}").unwrap();
        stdin.flush().unwrap();
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.lines.recv_timeout(left).expect("a response in time");
            let v: Value = serde_json::from_str(&line).unwrap();
            if v["id"] == id {
                return v;
            }
        }
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keys(result: &Value) -> Vec<String> {
    let mut k: Vec<_> = result["inputRequests"]
        .as_object()
        .expect("inputRequests")
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

#[tokio::test]
async fn mrtr_input_requests_carry_the_scenarios_keys() {
    let mut raw = Raw::spawn();
    let call = |name: &str| json!({"name": name, "arguments": {}});
    let elicit_name = json!({"action": "accept", "content": {"name": "Alice"}});

    let r = raw.request(
        1,
        "tools/call",
        call("test_input_required_result_elicitation"),
    )["result"]
        .clone();
    assert_eq!(r["resultType"], "input_required");
    assert_eq!(keys(&r), ["user_name"]);
    assert_eq!(
        r["inputRequests"]["user_name"],
        json!({"method": "elicitation/create", "params": {"message": "What is your name?",
            "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}},
            "required": ["name"]}}})
    );
    let mut retry = call("test_input_required_result_elicitation");
    retry["inputResponses"] = json!({"user_name": elicit_name});
    retry["requestState"] = r["requestState"].clone();
    let done = raw.request(2, "tools/call", retry)["result"].clone();
    assert_eq!(done["resultType"], "complete");
    assert_eq!(done["content"][0]["text"], "Hello, Alice!");

    let r =
        raw.request(3, "tools/call", call("test_input_required_result_sampling"))["result"].clone();
    assert_eq!(keys(&r), ["capital_question"]);
    assert_eq!(
        r["inputRequests"]["capital_question"]["params"],
        json!({"messages": [{"role": "user", "content": {"type": "text",
            "text": "What is the capital of France?"}}], "maxTokens": 100})
    );
    let r = raw.request(
        4,
        "tools/call",
        call("test_input_required_result_list_roots"),
    )["result"]
        .clone();
    assert_eq!(keys(&r), ["client_roots"]);
    assert_eq!(r["inputRequests"]["client_roots"]["method"], "roots/list");
    let r = raw.request(
        5,
        "tools/call",
        call("test_input_required_result_request_state"),
    )["result"]
        .clone();
    assert_eq!(keys(&r), ["confirm"]);
    assert!(r["requestState"].is_string());
    let r = raw.request(
        6,
        "tools/call",
        call("test_input_required_result_multiple_inputs"),
    )["result"]
        .clone();
    assert_eq!(keys(&r), ["client_roots", "greeting", "user_name"]);
    assert_eq!(r["inputRequests"]["greeting"]["params"]["maxTokens"], 50);

    // Multi-round: step1, then step2 with a new state, then done.
    let r1 = raw.request(
        7,
        "tools/call",
        call("test_input_required_result_multi_round"),
    )["result"]
        .clone();
    assert_eq!(keys(&r1), ["step1"]);
    let mut retry = call("test_input_required_result_multi_round");
    retry["inputResponses"] = json!({"step1": elicit_name});
    retry["requestState"] = r1["requestState"].clone();
    let r2 = raw.request(8, "tools/call", retry)["result"].clone();
    assert_eq!(keys(&r2), ["step2"]);
    assert_ne!(r2["requestState"], r1["requestState"]);
    let mut retry = call("test_input_required_result_multi_round");
    retry["inputResponses"] = json!({"step2": {"action": "accept", "content": {"color": "red"}}});
    retry["requestState"] = r2["requestState"].clone();
    let r3 = raw.request(9, "tools/call", retry)["result"].clone();
    assert_eq!(
        r3["content"][0]["text"],
        "Multi-round complete for Alice who likes red"
    );

    // A tampered state is -32602.
    let r = raw.request(
        10,
        "tools/call",
        call("test_input_required_result_tampered_state"),
    )["result"]
        .clone();
    let mut state = r["requestState"].as_str().unwrap().to_owned();
    state.insert(2, 'x');
    let mut retry = call("test_input_required_result_tampered_state");
    retry["inputResponses"] = json!({"confirm": {"action": "accept", "content": {"ok": true}}});
    retry["requestState"] = json!(state);
    let err = raw.request(11, "tools/call", retry);
    assert_eq!(err["error"]["code"], -32602, "{err}");

    // The prompt asks for `user_context`.
    let r = raw.request(
        12,
        "prompts/get",
        json!({"name": "test_input_required_result_prompt"}),
    )["result"]
        .clone();
    assert_eq!(keys(&r), ["user_context"]);
}

// requirement: 6.5
#[tokio::test]
async fn capabilities_tool_asks_only_for_what_the_client_declared() {
    let mut raw = Raw::spawn();
    // Sampling only (`Raw::request` would declare all three).
    let msg = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": "test_input_required_result_capabilities", "arguments": {},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {"sampling": {}}}}});
    let stdin = raw.child.stdin.as_mut().unwrap();
    writeln!(stdin, "{msg}").unwrap();
    stdin.flush().unwrap();
    let line = raw.lines.recv_timeout(WAIT).unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(keys(&v["result"]), ["sample_input"]);
}

#[tokio::test]
async fn missing_capability_needs_sampling_declared() {
    // 2026-07-28 without sampling: -32021 with `requiredCapabilities` a ClientCapabilities
    // object naming `sampling` (what the 0.2.x scenario checks), and nothing runs.
    let mut raw = Raw::spawn();
    let stdin = raw.child.stdin.as_mut().unwrap();
    let msg = json!({"jsonrpc": "2.0", "id": 401, "method": "tools/call", "params": {
        "name": "test_missing_capability", "arguments": {},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {"elicitation": {}},
                  "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "0"}}}});
    writeln!(stdin, "{msg}").unwrap();
    stdin.flush().unwrap();
    let line = raw.lines.recv_timeout(WAIT).unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["id"], 401, "{v}");
    assert_eq!(v["error"]["code"], -32021, "{v}");
    assert_eq!(
        v["error"]["data"]["requiredCapabilities"],
        json!({"sampling": {}})
    );
    assert!(v.get("result").is_none());
    // Declared: it runs.
    let ok = raw.request(
        402,
        "tools/call",
        json!({"name": "test_missing_capability"}),
    );
    assert_eq!(ok["result"]["content"][0]["text"], "Success", "{ok}");

    // Through the client, in both eras.
    for version in [V_2025_11, V_2026] {
        let (client, _) = connect(version).await;
        assert_eq!(
            ok_text(&call(&client, "test_missing_capability", json!({})).await),
            "Success"
        );
        client.close();
        let bare = within(
            Client::builder()
                .versions(SupportedVersions::new([version]))
                .spawn(BIN, ["--stdio"]),
        )
        .await
        .unwrap();
        let r = within(bare.call_tool("test_missing_capability", json!({}))).await;
        if version == V_2026 {
            let err = r.expect_err("refused");
            let remote = err.remote().expect("a JSON-RPC error");
            assert_eq!(remote.code.0, -32021, "{err:?}");
            assert_eq!(
                remote.data,
                Some(json!({"requiredCapabilities": {"sampling": {}}}))
            );
        } else {
            let r = r.unwrap();
            assert!(r.is_error(), "{r:?}");
            assert!(
                json_of(&r.content).to_string().contains("sampling"),
                "{r:?}"
            );
        }
        bare.close();
    }
}

// requirement: 1.16, 5.21
#[tokio::test]
async fn results_2026_carry_the_references_cache_hints_and_server_info() {
    let mut raw = Raw::spawn();
    let cases = [
        ("tools/list", json!({}), json!(300_000), "public"),
        ("prompts/list", json!({}), json!(300_000), "public"),
        ("resources/list", json!({}), json!(300_000), "public"),
        (
            "resources/templates/list",
            json!({}),
            json!(300_000),
            "public",
        ),
        (
            "resources/read",
            json!({"uri": "test://static-text"}),
            json!(300_000),
            "private",
        ),
        (
            "resources/read",
            json!({"uri": "test://template/123/data"}),
            json!(300_000),
            "private",
        ),
        ("server/discover", json!({}), json!(0), "private"),
    ];
    for (id, (method, params, ttl, scope)) in (500..).zip(cases) {
        let r = raw.request(id, method, params)["result"].clone();
        assert_eq!(r["ttlMs"], ttl, "{method}: {r}");
        assert_eq!(r["cacheScope"], scope, "{method}: {r}");
        assert_eq!(
            r["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
            mcp_examples::everything::SERVER_NAME,
            "{method}: {r}"
        );
    }
    let r = raw.request(600, "tools/call", json!({"name": "test_simple_text"}))["result"].clone();
    assert_eq!(
        r["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        mcp_examples::everything::SERVER_NAME
    );
    // The session era has neither.
    for version in [V_2025_03, V_2025_11] {
        let (client, _) = connect(version).await;
        let listed = within(client.list_tools(None)).await.unwrap();
        let listed = json_of(&listed);
        assert!(
            listed.get("ttlMs").is_none() && listed.get("_meta").is_none(),
            "{listed}"
        );
        client.close();
    }
}

#[tokio::test]
async fn resources_and_the_template_read_exactly() {
    for version in [V_2025_03, V_2025_11, V_2026] {
        let (client, _) = connect(version).await;
        let text = within(client.read_resource("test://static-text"))
            .await
            .unwrap();
        assert_eq!(
            json_of(&text.contents),
            json!([{"uri": "test://static-text", "mimeType": "text/plain",
                "text": catalog::STATIC_TEXT}])
        );
        let binary = within(client.read_resource("test://static-binary"))
            .await
            .unwrap();
        let ResourceContents::Blob(blob) = &binary.contents[0] else {
            panic!("a blob: {:?}", binary.contents)
        };
        assert_eq!(blob.uri, "test://static-binary");
        assert_eq!(blob.mime_type.as_deref(), Some("image/png"));
        assert_png(&blob.blob);

        let templated = within(client.read_resource("test://template/123/data"))
            .await
            .unwrap();
        assert_eq!(
            json_of(&templated.contents),
            json!([{"uri": "test://template/123/data", "mimeType": "application/json",
                "text": "{\"id\":\"123\",\"templateTest\":true,\"data\":\"Data for ID: 123\"}"}])
        );
        let err = within(client.read_resource("test://nonexistent"))
            .await
            .unwrap_err();
        assert!(format!("{err:?}").contains("nonexistent"), "{err:?}");
        client.close();
    }
}

#[tokio::test]
async fn subscribers_hear_the_watched_resource_change() {
    // Session era: resources/subscribe, then notifications/resources/updated.
    for version in [V_2025_03, V_2025_11] {
        let (client, _) = connect(version).await;
        let mut notifications = client.notifications();
        within(client.subscribe_resource("test://watched-resource"))
            .await
            .unwrap();
        let updated = within(async {
            loop {
                match notifications.next().await {
                    Some(ServerNotification::ResourceUpdated(u)) => break u,
                    Some(_) => {}
                    None => panic!("closed"),
                }
            }
        })
        .await;
        assert_eq!(updated.uri, "test://watched-resource");
        let read = within(client.read_resource("test://watched-resource"))
            .await
            .unwrap();
        let ResourceContents::Text(t) = &read.contents[0] else {
            panic!()
        };
        assert!(t.text.starts_with(catalog::WATCHED_TEXT), "{}", t.text);
        assert!(t.text.contains("(update "), "it changed: {}", t.text);
        within(client.unsubscribe_resource("test://watched-resource"))
            .await
            .unwrap();
        client.close();
    }

    // 2026-07-28: a subscriptions/listen stream naming the resource.
    let (client, _) = connect(V_2026).await;
    let mut listen =
        within(client.listen(SubscriptionFilter::new().with_resource("test://watched-resource")))
            .await
            .unwrap();
    let updated = within(async {
        loop {
            match listen.next().await {
                Some(ServerNotification::ResourceUpdated(u)) => break u,
                Some(_) => {}
                None => panic!("the stream ended"),
            }
        }
    })
    .await;
    assert_eq!(updated.uri, "test://watched-resource");
    client.close();
}

#[tokio::test]
async fn prompts_render_exactly_and_arguments_complete() {
    for version in [V_2025_03, V_2025_11, V_2026] {
        let (client, _) = connect(version).await;
        let simple =
            within(client.get_prompt("test_simple_prompt", Vec::<(String, String)>::new()))
                .await
                .unwrap();
        assert_eq!(
            json_of(&simple.messages),
            json!([{"role": "user", "content": {"type": "text",
                "text": "This is a simple prompt for testing."}}])
        );
        let with_args = within(client.get_prompt(
            "test_prompt_with_arguments",
            [("arg1", "testValue1"), ("arg2", "testValue2")],
        ))
        .await
        .unwrap();
        assert_eq!(
            json_of(&with_args.messages),
            json!([{"role": "user", "content": {"type": "text",
                "text": "Prompt with arguments: arg1='testValue1', arg2='testValue2'"}}])
        );
        let missing =
            within(client.get_prompt("test_prompt_with_arguments", [("arg1", "x")])).await;
        assert!(missing.is_err(), "arg2 is required");

        let embedded = within(client.get_prompt(
            "test_prompt_with_embedded_resource",
            [("resourceUri", "test://example-resource")],
        ))
        .await
        .unwrap();
        assert_eq!(
            json_of(&embedded.messages),
            json!([
                {"role": "user", "content": {"type": "resource", "resource": {
                    "uri": "test://example-resource", "mimeType": "text/plain",
                    "text": "Embedded resource content for testing."}}},
                {"role": "user", "content": {"type": "text",
                    "text": "Please process the embedded resource above."}}
            ])
        );
        let image =
            within(client.get_prompt("test_prompt_with_image", Vec::<(String, String)>::new()))
                .await
                .unwrap();
        let messages = json_of(&image.messages);
        assert_eq!(messages[0]["content"]["type"], "image");
        assert_eq!(messages[0]["content"]["mimeType"], "image/png");
        assert_png(messages[0]["content"]["data"].as_str().unwrap());
        assert_eq!(
            messages[1],
            json!({"role": "user", "content": {"type": "text", "text": "Please analyze the image above."}})
        );

        let complete = |reference: CompletionReference, name: &str, value: &str| {
            let params = CompleteParams::new(reference, name, value);
            let client = client.clone();
            async move {
                within(client.complete(params))
                    .await
                    .unwrap()
                    .completion
                    .values
            }
        };
        assert_eq!(
            complete(
                CompletionReference::prompt("test_prompt_with_arguments"),
                "arg1",
                "test"
            )
            .await,
            ["testValue1", "testValue2"]
        );
        assert_eq!(
            complete(
                CompletionReference::prompt("test_prompt_with_arguments"),
                "arg2",
                ""
            )
            .await,
            catalog::ARG2_VALUES
        );
        assert_eq!(
            complete(
                CompletionReference::resource("test://template/{id}/data"),
                "id",
                "1"
            )
            .await,
            ["123"]
        );
        client.close();
    }
}

#[tokio::test]
async fn trigger_hooks_announce_list_changes() {
    let (client, _) = connect(V_2025_11).await;
    let mut notifications = client.notifications();
    assert_eq!(
        ok_text(&call(&client, "test_trigger_tool_change", json!({})).await),
        "Mutation triggered"
    );
    assert_eq!(
        ok_text(&call(&client, "test_trigger_prompt_change", json!({})).await),
        "Mutation triggered"
    );
    let mut seen = Vec::new();
    within(async {
        while seen.len() < 2 {
            match notifications.next().await {
                Some(
                    n @ (ServerNotification::ToolListChanged
                    | ServerNotification::PromptListChanged),
                ) => seen.push(n),
                Some(_) => {}
                None => panic!("closed"),
            }
        }
    })
    .await;
    assert_eq!(
        seen,
        [
            ServerNotification::ToolListChanged,
            ServerNotification::PromptListChanged
        ]
    );
    // The lists are unchanged in content.
    assert_eq!(
        within(client.list_all_tools()).await.unwrap().len(),
        CONTRACT_TOOLS.len() + TASKS_TOOLS.len() + ADDED_TOOLS.len()
    );
    client.close();

    // 2026-07-28: only the listen streams that asked hear it.
    let (client, _) = connect(V_2026).await;
    let mut listen = within(client.listen(SubscriptionFilter::new().with_tools_list_changed()))
        .await
        .unwrap();
    ok_text(&call(&client, "test_trigger_prompt_change", json!({})).await);
    ok_text(&call(&client, "test_trigger_tool_change", json!({})).await);
    let first = within(async {
        loop {
            match listen.next().await {
                Some(ServerNotification::SubscriptionsAcknowledged(_)) => {}
                Some(other) => break other,
                None => panic!("the stream ended"),
            }
        }
    })
    .await;
    assert_eq!(first, ServerNotification::ToolListChanged);
    client.close();
}

#[tokio::test]
async fn the_task_tool_requires_a_task() {
    // 2025-11-25, `taskSupport: required`, called without `task`: -32601.
    let (client, _) = connect(V_2025_11).await;
    let listed = within(client.list_all_tools()).await.unwrap();
    let task_tool = listed
        .iter()
        .find(|t| t.name == "test_tool_with_task")
        .unwrap();
    assert_eq!(json_of(task_tool)["execution"]["taskSupport"], "required");
    let err = within(client.call_tool("test_tool_with_task", json!({})))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(mcp_protocol::jsonrpc::ErrorCode::METHOD_NOT_FOUND),
        "{err:?}"
    );
    client.close();
}

#[test]
fn http_serves_mcp_and_bad_arguments_are_refused() {
    use std::io::Read as _;
    let mut child = Command::new(BIN)
        .args(["--http", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("everything-server: http://")
        .and_then(|rest| rest.strip_suffix("/mcp"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {}}}})
    .to_string();
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    conn.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        conn,
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n\
         Mcp-Method: server/discover\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    let read = conn.read_to_string(&mut answer);
    child.kill().unwrap();
    child.wait().unwrap();
    read.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("supportedVersions"), "{answer}");

    let out = Command::new(BIN).arg("--bogus").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}
