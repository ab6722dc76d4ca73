//! POSTs the HTTP scenarios build by hand: a message with the headers every POST carries,
//! in a session or not (2025-11-25 basic/transports §Sending Messages to the Server 2,
//! §Session Management 2, §Protocol Version Header).

use mcp_protocol::ProtocolVersion;
use reqwest::RequestBuilder;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::Value;

use crate::target::Conversation;
use crate::target::raw::{ACCEPT_BOTH, PROTOCOL_VERSION, SESSION_ID};

/// A POST of `body` with the headers every POST carries and `headers`.
pub(super) fn post(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> RequestBuilder {
    let mut post = client
        .post(url)
        .header(ACCEPT, ACCEPT_BOTH)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        post = post.header(*name, *value);
    }
    post
}

/// A session-era message as POSTed in `c`'s session, with `MCP-Protocol-Version: version`
/// when given.
pub(super) fn in_session_post(
    c: &Conversation,
    client: &reqwest::Client,
    url: &str,
    body: &Value,
    version: Option<&str>,
) -> RequestBuilder {
    let mut headers = Vec::new();
    if let Some(id) = c.session_id() {
        headers.push((SESSION_ID, id));
    }
    if let Some(version) = version {
        headers.push((PROTOCOL_VERSION, version));
    }
    post(client, url, body, &headers)
}

/// The `MCP-Protocol-Version` a session-era request of `version` carries (from 2025-06-18).
pub(super) fn agreed_header(version: ProtocolVersion) -> Option<&'static str> {
    (version >= ProtocolVersion::V2025_06_18).then(|| version.as_str())
}
