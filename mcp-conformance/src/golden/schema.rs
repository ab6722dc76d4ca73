//! Every message of a golden transcript against the official JSON Schema of its version:
//! the JSON-RPC envelope (`JSONRPCMessage`), then the definition of the request or
//! notification by its method, or of the result by the method of the request it answers.
//! Error responses are judged by the envelope only.

use std::collections::HashMap;

use mcp_protocol::ProtocolVersion;
use serde_json::Value;

use crate::schema_book;

/// Marks, in the method a request id is keyed to, a request augmented with `task`.
const TASK: &str = " (as a task)";

/// The result definition of `method` in `version`, beyond [`schema_book::result_of`]:
/// what the client answers the server, and the MRTR input round.
fn result_definition(
    version: ProtocolVersion,
    method: &str,
    result: &Value,
) -> Option<&'static str> {
    if result["resultType"] == "input_required" {
        return schema_book::defines(version, "InputRequiredResult")
            .then_some("InputRequiredResult");
    }
    let name = match method {
        // A request augmented with `task` is answered by the task it created.
        m if m.ends_with(TASK) => "CreateTaskResult",
        "tasks/get" => "GetTaskResult",
        "tasks/list" => "ListTasksResult",
        "tasks/result" => "GetTaskPayloadResult",
        "tasks/cancel" => "CancelTaskResult",
        "sampling/createMessage" => "CreateMessageResult",
        "elicitation/create" => "ElicitResult",
        "roots/list" => "ListRootsResult",
        other => return schema_book::result_of(version, other),
    };
    schema_book::defines(version, name).then_some(name)
}

/// Checks `transcript` (parsed lines) of `version`; gives one line per violation. A
/// request's id keys its method by direction, for the result that answers it.
/// With `invalid_on_purpose`, the client's requests are judged by the envelope only (the
/// scenario sends an unknown method and bad params).
pub(crate) fn check(
    version: ProtocolVersion,
    transcript: &[Value],
    invalid_on_purpose: bool,
) -> Vec<String> {
    let mut methods: HashMap<(String, String), String> = HashMap::new();
    let mut problems = Vec::new();
    for (n, line) in transcript.iter().enumerate() {
        let (dir, message) = (line["dir"].as_str().unwrap_or_default(), &line["message"]);
        let mut judge = |definition: &str, instance: &Value| {
            if let Err(errors) = schema_book::check(version, definition, instance) {
                problems.push(format!(
                    "line {}: not a {definition}: {}",
                    n + 1,
                    errors.join("; ")
                ));
            }
        };
        judge("JSONRPCMessage", message);
        let id = message["id"].to_string();
        if let Some(method) = message["method"].as_str() {
            if !message["id"].is_null() {
                let task = if message["params"]["task"].is_object() {
                    TASK
                } else {
                    ""
                };
                methods.insert((dir.to_owned(), id), format!("{method}{task}"));
            }
            if invalid_on_purpose && dir == "c2s" {
                continue;
            }
            match schema_book::method_definition(version, method) {
                Some(def) => judge(def, message),
                None => problems.push(format!("line {}: {version} defines no {method}", n + 1)),
            }
        } else if let Some(result) = message.get("result") {
            let requester = if dir == "c2s" { "s2c" } else { "c2s" };
            let method = methods
                .get(&(requester.to_owned(), id))
                .cloned()
                .unwrap_or_default();
            if let Some(def) = result_definition(version, &method, result) {
                judge(def, result);
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn line(dir: &str, message: Value) -> Value {
        json!({"dir": dir, "message": message})
    }

    #[test]
    fn requests_and_results_are_judged_by_their_definitions() {
        let v = ProtocolVersion::V2025_06_18;
        let call = line(
            "c2s",
            json!({"jsonrpc": "2.0", "id": 0, "method": "tools/call", "params": {"name": "echo"}}),
        );
        let good = line(
            "s2c",
            json!({"jsonrpc": "2.0", "id": 0, "result": {"content": []}}),
        );
        assert_eq!(check(v, &[call.clone(), good], false), Vec::<String>::new());
        // A result without `content` is a valid JSON-RPC response, but no CallToolResult.
        let bad = line(
            "s2c",
            json!({"jsonrpc": "2.0", "id": 0, "result": {"contents": []}}),
        );
        let problems = check(v, &[call, bad], false);
        assert!(
            problems.len() == 1 && problems[0].contains("CallToolResult"),
            "{problems:?}"
        );
        // A nameless call is no CallToolRequest, unless the scenario meant it.
        let nameless = line(
            "c2s",
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {}}),
        );
        assert_eq!(check(v, std::slice::from_ref(&nameless), false).len(), 1);
        assert!(check(v, &[nameless], true).is_empty());
        // 2026-07-28's MRTR round is an InputRequiredResult.
        let v = ProtocolVersion::V2026_07_28;
        let call = line(
            "c2s",
            json!({"jsonrpc": "2.0", "id": 0, "method": "tools/call", "params": {"name": "x"}}),
        );
        let round = line(
            "s2c",
            json!({"jsonrpc": "2.0", "id": 0, "result": {"resultType": "input_required", "inputRequests": 7}}),
        );
        let problems = check(v, &[call, round], false);
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("line 2: not a InputRequiredResult")),
            "{problems:?}"
        );
    }
}
