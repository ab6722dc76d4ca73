//! Protocol-layer scenarios: JSON-RPC error codes, unknown fields, version negotiation and
//! per-version shaping, checked against this workspace's `mcp-protocol`.

use mcp_protocol::jsonrpc::ResponseMessage;
use mcp_protocol::methods::{CallTool, Tool, ToolAnnotations, ToolExecution};
use mcp_protocol::types::Icon;
use mcp_protocol::{ErrorCode, ErrorObject, Message, ProtocolVersion, Shape, SupportedVersions};
use serde_json::{Value, json};

use super::{Outcome, Run, Scenario, Severity};

pub(super) fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "jsonrpc/parse-error",
            spec: "JSON-RPC 2.0 §5.1; 2025-11-25 basic/index §Responses",
            severity: Severity::Must,
            requirements: &["1.8"],
            transport: None,
            run: Run::Protocol(parse_error),
        },
        Scenario {
            name: "jsonrpc/invalid-request",
            spec: "JSON-RPC 2.0 §5.1; 2025-11-25 basic/index §Requests (id not null)",
            severity: Severity::Must,
            requirements: &["1.2"],
            transport: None,
            run: Run::Protocol(invalid_request),
        },
        Scenario {
            name: "jsonrpc/unknown-fields-survive",
            spec: "2025-11-25 basic/index §General fields (_meta); schema additionalProperties",
            severity: Severity::Must,
            requirements: &[],
            transport: None,
            run: Run::Protocol(unknown_fields_survive),
        },
        Scenario {
            name: "lifecycle/version-negotiation",
            spec: "2025-11-25 basic/lifecycle §Version Negotiation",
            severity: Severity::Must,
            requirements: &["2.6"],
            transport: None,
            run: Run::Protocol(version_negotiation),
        },
        Scenario {
            name: "versioning/unsupported-version-error",
            spec: "2026-07-28 schema UnsupportedProtocolVersionError",
            severity: Severity::Must,
            requirements: &["1.19"],
            transport: None,
            run: Run::Protocol(unsupported_version),
        },
        Scenario {
            name: "shape/tool-fields-per-version",
            spec: "schema.json of each version: Tool",
            severity: Severity::Must,
            requirements: &[],
            transport: None,
            run: Run::Protocol(tool_fields),
        },
        Scenario {
            name: "errors/resource-not-found-code",
            spec: "server/resources §Error Handling (-32002; -32602 from 2026-07-28)",
            severity: Severity::Must,
            requirements: &["5.13"],
            transport: None,
            run: Run::Protocol(resource_not_found),
        },
    ]
}

fn error_reply(bytes: &[u8]) -> Result<(ErrorCode, Value), String> {
    match Message::from_slice(bytes) {
        Ok(m) => Err(format!("decoded as a message: {m}")),
        Err(e) => {
            let reply = ResponseMessage::error(e.request_id().cloned(), e.to_error_object());
            let value = serde_json::from_slice(&Message::from(reply).to_vec())
                .map_err(|e| format!("reply is not JSON: {e}"))?;
            Ok((e.code(), value))
        }
    }
}

fn parse_error(_: ProtocolVersion) -> Outcome {
    for input in [
        &b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"meth"[..],
        b"\xff\xfe",
        b"",
        b"not json",
    ] {
        let shown = String::from_utf8_lossy(input).into_owned();
        match error_reply(input) {
            Ok((ErrorCode::PARSE_ERROR, reply)) if reply.get("id").is_none() => {}
            Ok((code, reply)) => {
                return Outcome::fail(
                    format!("expected -32700 without an id, got {code}"),
                    vec![shown, reply.to_string()],
                );
            }
            Err(e) => return Outcome::fail(e, vec![shown]),
        }
    }
    Outcome::pass()
}

fn invalid_request(_: ProtocolVersion) -> Outcome {
    let cases = [
        (
            json!({"jsonrpc": "1.0", "id": 7, "method": "ping"}),
            Some(7),
        ),
        (
            json!({"jsonrpc": "2.0", "id": null, "method": "ping"}),
            None,
        ),
        (
            json!({"jsonrpc": "2.0", "id": 8, "result": {}, "error": {"code": 1, "message": "x"}}),
            Some(8),
        ),
        (json!({"id": 9, "method": "ping"}), Some(9)),
        (json!([1, 2]), None),
    ];
    for (input, id) in cases {
        let bytes = input.to_string().into_bytes();
        match error_reply(&bytes) {
            Ok((ErrorCode::INVALID_REQUEST, reply))
                if reply.get("id") == id.map(Value::from).as_ref() => {}
            Ok((code, reply)) => {
                return Outcome::fail(
                    format!("expected -32600 carrying id {id:?}, got {code}"),
                    vec![input.to_string(), reply.to_string()],
                );
            }
            Err(e) => return Outcome::fail(e, vec![input.to_string()]),
        }
    }
    Outcome::pass()
}

fn unknown_fields_survive(_: ProtocolVersion) -> Outcome {
    let input = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "echo", "arguments": {"text": "hi"}, "x-vendor": {"a": [1, 2]},
                   "_meta": {"com.example/trace": "abc"}}
    });
    let Ok(Message::Request(req)) = Message::from_slice(input.to_string().as_bytes()) else {
        return Outcome::fail(
            "a valid tools/call did not decode as a request",
            vec![input.to_string()],
        );
    };
    let params = match req.decode_params::<CallTool>() {
        Ok(p) => p,
        Err(e) => {
            return Outcome::fail(
                format!("params did not decode: {e}"),
                vec![input.to_string()],
            );
        }
    };
    let back = serde_json::to_value(&params).unwrap_or_default();
    if back == input["params"] {
        Outcome::pass()
    } else {
        Outcome::fail(
            "re-encoded params differ",
            vec![input["params"].to_string(), back.to_string()],
        )
    }
}

fn version_negotiation(version: ProtocolVersion) -> Outcome {
    if !version.has_handshake() {
        return Outcome::skip("2026-07-28 has no initialize handshake");
    }
    let server = SupportedVersions::default();
    let client = SupportedVersions::new([version]);
    let answered = match server.answer_initialize(version.as_str()) {
        Ok(v) => v,
        Err(e) => return Outcome::fail(e.to_string(), vec![]),
    };
    if answered != version {
        return Outcome::fail(
            format!("server answered {answered} to a request for {version}"),
            vec![],
        );
    }
    if client.accept_initialize(answered.as_str()) != Ok(version) {
        return Outcome::fail("client refused the version it asked for", vec![]);
    }
    // An unknown version gets the latest session-era version, which a client that only
    // speaks `version` must refuse unless it is that version.
    let fallback = server.answer_initialize("1999-01-01");
    if fallback != Ok(ProtocolVersion::LATEST_SESSION) {
        return Outcome::fail(
            format!("unknown version answered with {fallback:?}"),
            vec![],
        );
    }
    let refused = client
        .accept_initialize(ProtocolVersion::LATEST_SESSION.as_str())
        .is_err();
    if refused != (version != ProtocolVersion::LATEST_SESSION) {
        return Outcome::fail("client accepted a version it does not support", vec![]);
    }
    Outcome::pass()
}

fn unsupported_version(version: ProtocolVersion) -> Outcome {
    if version.has_handshake() {
        return Outcome::skip("per-request versions exist only in 2026-07-28");
    }
    let server = SupportedVersions::default();
    if server.check_request(version.as_str()).is_err() {
        return Outcome::fail(format!("{version} itself was refused"), vec![]);
    }
    let err: ErrorObject = match server.check_request("2099-01-01") {
        Ok(v) => return Outcome::fail(format!("an unknown version was accepted as {v}"), vec![]),
        Err(e) => e,
    };
    let data = err.data.clone().unwrap_or_default();
    let evidence = vec![serde_json::to_string(&err).unwrap_or_default()];
    if err.code != ErrorCode::UNSUPPORTED_PROTOCOL_VERSION {
        return Outcome::fail(format!("code {} instead of -32022", err.code), evidence);
    }
    if data["requested"] != "2099-01-01"
        || !data["supported"]
            .as_array()
            .is_some_and(|a| a.contains(&json!(version.as_str())))
    {
        return Outcome::fail("data must carry `requested` and `supported`", evidence);
    }
    Outcome::pass()
}

fn tool_fields(version: ProtocolVersion) -> Outcome {
    let mut tool = Tool::new(
        "t",
        serde_json::from_value(json!({"type": "object"})).unwrap_or_default(),
    );
    tool.title = Some("T".into());
    tool.description = Some("d".into());
    tool.output_schema = serde_json::from_value(json!({"type": "object"})).ok();
    tool.annotations = Some({
        let mut tool_annotations = ToolAnnotations::default();
        tool_annotations.read_only_hint = Some(true);
        tool_annotations
    });
    tool.execution = Some({
        let mut tool_execution = ToolExecution::default();
        tool_execution.task_support = Some("optional".into());
        tool_execution
    });
    tool.icons = Some(vec![{
        let mut icon = Icon::default();
        icon.src = "https://example.com/i.png".into();
        icon
    }]);
    tool.shape(version);
    let value = serde_json::to_value(&tool).unwrap_or_default();
    let mut have: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    have.sort_unstable();
    // What each version's schema.json defines for Tool (of the fields set above).
    let mut want = vec!["description", "inputSchema", "name"];
    if version >= ProtocolVersion::V2025_03_26 {
        want.push("annotations");
    }
    if version >= ProtocolVersion::V2025_06_18 {
        want.extend(["title", "outputSchema"]);
    }
    if version >= ProtocolVersion::V2025_11_25 {
        want.push("icons");
    }
    if version == ProtocolVersion::V2025_11_25 {
        want.push("execution");
    }
    want.sort_unstable();
    if have == want {
        Outcome::pass()
    } else {
        Outcome::fail(
            format!("fields {have:?}, expected {want:?}"),
            vec![value.to_string()],
        )
    }
}

fn resource_not_found(version: ProtocolVersion) -> Outcome {
    let err = ErrorObject::resource_not_found(version, "file:///missing");
    let want = if version >= ProtocolVersion::V2026_07_28 {
        -32602
    } else {
        -32002
    };
    if err.code.0 == want
        && err
            .data
            .as_ref()
            .is_some_and(|d| d["uri"] == "file:///missing")
    {
        Outcome::pass()
    } else {
        Outcome::fail(
            format!("code {} (want {want}) or missing uri in data", err.code),
            vec![serde_json::to_string(&err).unwrap_or_default()],
        )
    }
}
