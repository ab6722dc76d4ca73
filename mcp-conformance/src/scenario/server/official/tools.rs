//! The official `tools-*` scenarios and `json-schema-2020-12`: the fixture's tools by name,
//! each result judged as its scenario asserts (server/tools §Calling Tools, §Tool Result;
//! basic/utilities/progress; server/utilities/logging).

use std::time::Duration;

use base64::Engine as _;
use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::{Name, SESSION_ERA, block, call, content, ensure, filled, with_fixture, within};
use crate::scenario::server::{Halt, ServerScenario, scenario, still_answers};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "official/tools-list",
            "server/tools §Listing Tools; the official contract: every tool has a name, a \
             description and an inputSchema",
            Severity::Must,
            |t, v| tools_list(t, v).boxed(),
        ),
        scenario(
            "official/tools-call-simple-text",
            "server/tools §Calling Tools, §Text Content (test_simple_text, called without arguments)",
            Severity::Must,
            |t, v| simple_text(t, v).boxed(),
        ),
        scenario(
            "official/tools-call-image",
            "server/tools §Image Content: base64 data and a mimeType (test_image_content)",
            Severity::Must,
            |t, v| image(t, v).boxed(),
        ),
        scenario(
            "official/tools-call-audio",
            "2025-03-26+ server/tools §Audio Content: base64 data, mimeType audio/wav (test_audio_content)",
            Severity::Must,
            |t, v| audio(t, v).boxed(),
        ),
        scenario(
            "official/tools-call-embedded-resource",
            "server/tools §Embedded Resources: uri, mimeType, text or blob (test_embedded_resource)",
            Severity::Must,
            |t, v| embedded_resource(t, v).boxed(),
        ),
        scenario(
            "official/tools-call-mixed-content",
            "server/tools §Tool Result: text, image and resource in one result (test_multiple_content_types)",
            Severity::Must,
            |t, v| mixed_content(t, v).boxed(),
        ),
        scenario(
            "official/tools-call-with-logging",
            "server/utilities/logging §Log Message Notifications: at least 3 during the call, at the \
             level set (test_tool_with_logging)",
            Severity::Must,
            |t, v| with_logging(t, v).boxed(),
        ),
        scenario(
            "official/tools-call-error",
            "server/tools §Error Handling: a tool execution error is a result with isError: true, \
             not a protocol error (test_error_handling)",
            Severity::Must,
            |t, v| error(t, v).boxed(),
        )
        .checks(&["5.5"]),
        scenario(
            "official/tools-call-with-progress",
            "basic/utilities/progress §Progress Flow: the request's token, progress increasing \
             (test_tool_with_progress)",
            Severity::Must,
            |t, v| with_progress(t, v).boxed(),
        )
        .checks(&["7.6", "7.7"]),
        scenario(
            "official/json-schema-2020-12",
            "2025-11-25+ server/tools §Tool (inputSchema, JSON Schema 2020-12 by default, SEP-1613); \
             2026-07-28 SEP-2106 (composition, conditional and $anchor keywords kept)",
            Severity::Must,
            |t, v| json_schema_2020_12(t, v).boxed(),
        )
        .checks(&["1.23"]),
    ]
}

/// Every tool listed has a name, a description and an inputSchema (the contract demands
/// descriptions, which the spec leaves optional: hence only on a fixture target).
async fn tools_list(target: &Target, version: ProtocolVersion) -> Outcome {
    with_fixture!(target, version, None, &[], |c| {
        let tools = super::super::listing::walk(c, "tools/list", "tools", "name").await?;
        for (i, tool) in tools.iter().enumerate() {
            ensure(filled(&tool["name"]), || {
                format!("tool {i} has no name: {tool}")
            })?;
            ensure(filled(&tool["description"]), || {
                format!("tool {} has no description", tool["name"])
            })?;
            ensure(tool["inputSchema"].is_object(), || {
                format!("tool {} has no inputSchema", tool["name"])
            })?;
        }
        Ok(())
    })
}

/// The result of a contract tool that must succeed (`isError` absent or false).
async fn succeeded(c: &mut Conversation, params: Value) -> Result<Value, Halt> {
    let name = params["name"].clone();
    let result = call(c, params).await?;
    ensure(result["isError"] != true, || {
        format!("tools/call {name} ended with isError: true: {result}")
    })?;
    Ok(result)
}

async fn simple_text(target: &Target, version: ProtocolVersion) -> Outcome {
    with_fixture!(target, version, None, &[], |c| {
        // The official scenario leaves `arguments` out: a tool without arguments is callable so.
        let result = succeeded(c, json!({"name": "test_simple_text"})).await?;
        let items = content("test_simple_text", &result)?;
        let text = block("test_simple_text", items, "text")?;
        ensure(filled(&text["text"]), || {
            format!("test_simple_text: the text block has no text: {text}")
        })
    })
}

/// `data` is standard base64 (server/tools §Image Content, §Audio Content: "base64-encoded").
fn base64_data(what: &str, item: &Value) -> Result<(), Halt> {
    let data = item["data"].as_str().unwrap_or_default();
    ensure(!data.is_empty(), || format!("{what}: no data: {item}"))?;
    ensure(filled(&item["mimeType"]), || {
        format!("{what}: no mimeType: {item}")
    })?;
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .map(drop)
        .map_err(|e| Halt::Fail(format!("{what}: data is not base64 ({e})")))
}

async fn image(target: &Target, version: ProtocolVersion) -> Outcome {
    let names = [Name::Tool("test_image_content")];
    with_fixture!(target, version, None, &names, |c| {
        let result = succeeded(c, json!({"name": "test_image_content", "arguments": {}})).await?;
        let items = content("test_image_content", &result)?;
        base64_data(
            "test_image_content",
            block("test_image_content", items, "image")?,
        )
    })
}

async fn audio(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        (ProtocolVersion::V2025_03_26, None),
        "audio content is new in 2025-03-26",
    ) {
        return skip;
    }
    let names = [Name::Tool("test_audio_content")];
    with_fixture!(target, version, None, &names, |c| {
        let result = succeeded(c, json!({"name": "test_audio_content", "arguments": {}})).await?;
        let items = content("test_audio_content", &result)?;
        let audio = block("test_audio_content", items, "audio")?;
        base64_data("test_audio_content", audio)?;
        ensure(audio["mimeType"] == "audio/wav", || {
            format!(
                "test_audio_content: mimeType {} instead of audio/wav",
                audio["mimeType"]
            )
        })
    })
}

/// An embedded resource block has a resource with a uri, a mimeType and text or a blob.
fn embedded(what: &str, item: &Value) -> Result<(), Halt> {
    let r = &item["resource"];
    ensure(r.is_object(), || {
        format!("{what}: a resource block without resource: {item}")
    })?;
    ensure(filled(&r["uri"]), || {
        format!("{what}: the resource has no uri: {r}")
    })?;
    ensure(filled(&r["mimeType"]), || {
        format!("{what}: the resource has no mimeType: {r}")
    })?;
    ensure(r["text"].is_string() || r["blob"].is_string(), || {
        format!("{what}: the resource has neither text nor blob: {r}")
    })
}

async fn embedded_resource(target: &Target, version: ProtocolVersion) -> Outcome {
    let names = [Name::Tool("test_embedded_resource")];
    with_fixture!(target, version, None, &names, |c| {
        let params = json!({"name": "test_embedded_resource", "arguments": {}});
        let result = succeeded(c, params).await?;
        let items = content("test_embedded_resource", &result)?;
        embedded(
            "test_embedded_resource",
            block("test_embedded_resource", items, "resource")?,
        )
    })
}

async fn mixed_content(target: &Target, version: ProtocolVersion) -> Outcome {
    let names = [Name::Tool("test_multiple_content_types")];
    with_fixture!(target, version, None, &names, |c| {
        let what = "test_multiple_content_types";
        let result = succeeded(c, json!({"name": what, "arguments": {}})).await?;
        let items = content(what, &result)?;
        ensure(items.len() >= 2, || {
            format!("{what}: {} content item(s), expected several", items.len())
        })?;
        ensure(filled(&block(what, items, "text")?["text"]), || {
            format!("{what}: an empty text")
        })?;
        base64_data(what, block(what, items, "image")?)?;
        embedded(what, block(what, items, "resource")?)
    })
}

/// How long notifications sent just after a result may still come.
const SETTLE: Duration = Duration::from_millis(200);

/// The notifications that came with the last answer and within [`SETTLE`] after it (a
/// `ping` after the pause collects what arrived before its own answer).
async fn settled_notifications(c: &mut Conversation) -> Result<Vec<Value>, Halt> {
    tokio::time::sleep(SETTLE).await;
    let mut all = c.take_notifications();
    still_answers(c).await?;
    all.extend(c.take_notifications());
    Ok(all)
}

async fn with_logging(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        SESSION_ERA,
        "logging/setLevel was removed (the log level is per request)",
    ) {
        return skip;
    }
    let names = [Name::Tool("test_tool_with_logging")];
    with_fixture!(target, version, None, &names, |c| {
        ensure(c.has_capability("logging"), || {
            "the server sends log messages but does not advertise logging".into()
        })?;
        c.request("logging/setLevel", json!({"level": "debug"}))
            .await?
            .result("logging/setLevel")?;
        c.take_notifications();
        succeeded(
            c,
            json!({"name": "test_tool_with_logging", "arguments": {}}),
        )
        .await?;
        let logs: Vec<Value> = settled_notifications(c)
            .await?
            .into_iter()
            .filter(|n| n["method"] == "notifications/message")
            .collect();
        ensure(logs.len() >= 3, || {
            format!(
                "{} log notification(s) during and just after the call, expected at least 3",
                logs.len()
            )
        })
    })
}

async fn error(target: &Target, version: ProtocolVersion) -> Outcome {
    let names = [Name::Tool("test_error_handling")];
    with_fixture!(target, version, None, &names, |c| {
        let result = call(c, json!({"name": "test_error_handling", "arguments": {}})).await?;
        ensure(result["isError"] == true, || {
            format!("test_error_handling: isError is not true: {result}")
        })?;
        let items = content("test_error_handling", &result)?;
        ensure(
            items[0]["type"] == "text" && filled(&items[0]["text"]),
            || {
                format!(
                    "test_error_handling: the first content item is not a text that says what failed: {}",
                    items[0]
                )
            },
        )
    })
}

async fn with_progress(target: &Target, version: ProtocolVersion) -> Outcome {
    let names = [Name::Tool("test_tool_with_progress")];
    with_fixture!(target, version, None, &names, |c| {
        let token = "progress-test-1";
        c.take_notifications();
        let params = json!({"name": "test_tool_with_progress", "arguments": {},
                            "_meta": {"progressToken": token}});
        succeeded(c, params).await?;
        let progress: Vec<f64> = settled_notifications(c)
            .await?
            .into_iter()
            .filter(|n| {
                n["method"] == "notifications/progress" && n["params"]["progressToken"] == token
            })
            .filter_map(|n| n["params"]["progress"].as_f64())
            .collect();
        ensure(progress.len() >= 3, || {
            format!(
                "{} progress notification(s) with token {token}, expected at least 3",
                progress.len()
            )
        })?;
        // basic/utilities/progress §Behavior Requirements: "The progress value MUST increase
        // with each notification".
        ensure(progress.windows(2).all(|w| w[1] > w[0]), || {
            format!("the progress values do not increase: {progress:?}")
        })
    })
}

async fn json_schema_2020_12(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        (ProtocolVersion::V2025_11_25, None),
        "JSON Schema 2020-12 is the inputSchema dialect from 2025-11-25 (SEP-1613)",
    ) {
        return skip;
    }
    let names = [Name::Tool("json_schema_2020_12_tool")];
    with_fixture!(target, version, None, &names, |c| {
        let tools = super::super::listing::walk(c, "tools/list", "tools", "name").await?;
        let tool = tools
            .iter()
            .find(|t| t["name"] == "json_schema_2020_12_tool")
            .ok_or_else(|| Halt::Fail("json_schema_2020_12_tool vanished".into()))?;
        let schema = &tool["inputSchema"];
        ensure(
            schema["$schema"] == "https://json-schema.org/draft/2020-12/schema",
            || format!("$schema is {}, not the 2020-12 dialect", schema["$schema"]),
        )?;
        ensure(schema["$defs"]["address"].is_object(), || {
            "$defs.address was not kept".into()
        })?;
        ensure(schema["additionalProperties"] == false, || {
            format!(
                "additionalProperties is {}, not false",
                schema["additionalProperties"]
            )
        })?;
        if version >= ProtocolVersion::V2026_07_28 {
            // SEP-2106: the whole vocabulary survives tools/list.
            let nested_any_of = schema["allOf"]
                .as_array()
                .is_some_and(|all| all.iter().any(|s| s["anyOf"].is_array()));
            ensure(nested_any_of, || {
                "allOf with a nested anyOf was not kept".into()
            })?;
            ensure(
                ["if", "then", "else"]
                    .iter()
                    .all(|k| schema.get(k).is_some()),
                || "if/then/else were not kept".into(),
            )?;
            ensure(schema["$defs"]["address"].get("$anchor").is_some(), || {
                "$anchor in $defs.address was not kept".into()
            })?;
        }
        // The schema compiles as what it says it is.
        jsonschema::validator_for(schema)
            .map(drop)
            .map_err(|e| Halt::Fail(format!("the inputSchema does not compile: {e}")))
    })
}
