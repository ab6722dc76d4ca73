//! Multi Round-Trip Requests (2026-07-28 basic/patterns/mrtr), client side: when a result
//! is `input_required`, answer every `inputRequests` entry with the application's handlers,
//! then retry the original request with `inputResponses` and the `requestState` echoed
//! unchanged, as a new request with a new id. The caller sees only the final result.

use mcp_protocol::ErrorObject;
use mcp_protocol::method::Request;
use mcp_protocol::methods::{CreateMessage, Elicit, ListRoots, ListRootsResult};
use mcp_protocol::types::{
    InputRequestKind, InputRequests, InputRequiredResult, InputResponse, InputResponses,
};
use mcp_protocol::{ProtocolVersion, Shape};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::handler::Handlers;

/// Answers every input request with the handlers, in key order.
pub(crate) async fn fulfil(
    handlers: &Handlers,
    requests: &InputRequests,
    version: ProtocolVersion,
) -> Result<InputResponses> {
    let mut responses = InputResponses::new();
    for (key, request) in &requests.0 {
        let method = request.method();
        let failed = |error: ErrorObject| Error::InputFailed { method, error };
        let response = match &request.kind {
            InputRequestKind::CreateMessage(params) => {
                if handlers.sampling.is_none() {
                    return Err(Error::NoHandler {
                        method: CreateMessage::METHOD,
                    });
                }
                let r = handlers
                    .create_message(params.clone())
                    .await
                    .map_err(failed)?;
                InputResponse::CreateMessage(Box::new(r))
            }
            InputRequestKind::Elicit(params) => {
                if handlers.elicitation.is_none() {
                    return Err(Error::NoHandler {
                        method: Elicit::METHOD,
                    });
                }
                InputResponse::Elicit(handlers.elicit(params.clone()).await.map_err(failed)?)
            }
            InputRequestKind::ListRoots(_) => match handlers.roots() {
                Some(roots) => InputResponse::ListRoots(ListRootsResult::new(roots)),
                None => {
                    return Err(Error::NoHandler {
                        method: ListRoots::METHOD,
                    });
                }
            },
            // A kind a later mcp-protocol adds (the enum is non-exhaustive): no handler here.
            _ => return Err(Error::NoHandler { method }),
        };
        responses.insert(key.clone(), &response.shaped(version));
    }
    Ok(responses)
}

/// Writes the retry's MRTR fields into the encoded params: the answers, and the state
/// exactly as received (or none, when the server sent none: the client must not invent one).
pub(crate) fn prepare_retry(
    params: &mut Box<RawValue>,
    required: &InputRequiredResult,
    responses: Option<InputResponses>,
) {
    edit_params(params, |object| {
        match responses {
            Some(r) => object.insert(
                "inputResponses".to_owned(),
                serde_json::to_value(r).unwrap_or_default(),
            ),
            None => object.remove("inputResponses"),
        };
        match &required.request_state {
            Some(state) => object.insert("requestState".to_owned(), Value::from(state.clone())),
            None => object.remove("requestState"),
        };
    });
}

/// Changes encoded params as a JSON object (only on the rare paths of a retry; params
/// that are not an object are left alone).
pub(crate) fn edit_params(
    params: &mut Box<RawValue>,
    edit: impl FnOnce(&mut serde_json::Map<String, Value>),
) {
    let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(params.get()) else {
        return;
    };
    edit(&mut object);
    // An object of JSON values always encodes.
    if let Ok(raw) = serde_json::value::to_raw_value(&object) {
        *params = raw;
    }
}

/// Whether `R` may answer `input_required` (2026-07-28 basic/patterns/mrtr §Supported
/// Requests: `tools/call`, `prompts/get`, `resources/read`).
pub(crate) fn supports_input_required<R: Request>() -> bool {
    matches!(R::METHOD, "tools/call" | "prompts/get" | "resources/read")
}
