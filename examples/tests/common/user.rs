//! What a test user answers to the everything-server's input requests, shared by the tests
//! that drive its tools: an elicitation form gets the known fields it asks for, with fixed
//! values; a sampling request gets the reply its prompt expects.

use mcp_protocol::methods::{CreateMessageResult, ElicitResult, SamplingMessageContentBlock};
use serde_json::{Value, json};

/// Accepts the form `params` (an `elicitation/create` params object) with the known fields
/// its `requestedSchema` asks for: `name` "Alice", `color` "blue", `ok` and `confirm` true,
/// `response` "hello", `context` "testing", `value` "v".
pub(crate) fn answer_form(params: &Value) -> ElicitResult {
    let known = json!({"response": "hello", "name": "Alice", "ok": true, "color": "blue",
                       "context": "testing", "value": "v", "confirm": true});
    let mut content = serde_json::Map::new();
    if let Some(props) = params["requestedSchema"]["properties"].as_object() {
        for key in props.keys() {
            if let Some(v) = known.get(key) {
                content.insert(key.clone(), v.clone());
            }
        }
    }
    ElicitResult::accept(Some(content))
}

/// The sampling reply of `model` to the first message of `params` (a
/// `sampling/createMessage` params object): "Paris" to the capital question, "Hello there!"
/// to the greeting, an echo otherwise.
pub(crate) fn answer_sampling(params: &Value, model: &str) -> CreateMessageResult {
    let reply = match params["messages"][0]["content"]["text"].as_str() {
        Some("What is the capital of France?") => "Paris".to_owned(),
        Some("Generate a greeting") => "Hello there!".to_owned(),
        other => format!("echo: {}", other.unwrap_or_default()),
    };
    CreateMessageResult::new(model, SamplingMessageContentBlock::text(reply))
}
