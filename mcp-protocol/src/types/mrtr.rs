//! Multi Round-Trip Requests (MRTR, 2026-07-28): instead of sending the client a request of
//! its own, a server answers `resultType: "input_required"` with `inputRequests`; the client
//! fulfils them and retries the original request with `inputResponses` and the opaque
//! `requestState`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The client's answers to a server's `inputRequests`, keyed like the requests
/// (`InputResponses`). Each value is the result of the request it answers
/// (`CreateMessageResult`, `ListRootsResult` or `ElicitResult`); which one is known from the
/// request with the same key, so values stay raw until the server decodes them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InputResponses(pub Map<String, Value>);
