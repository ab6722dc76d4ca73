//! The official Streamable HTTP scenarios: `server-sse-multiple-streams`,
//! `server-sse-polling`, `dns-rebinding-protection`, `http-header-validation` and
//! `http-custom-header-server-validation`; and the raw request the other areas use to send
//! what a well-behaved conversation would not (a missing `_meta`, a wrong header).

use std::time::Duration;

use base64::Engine as _;
use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HOST, ORIGIN};
use reqwest::{RequestBuilder, Response};
use serde_json::{Value, json};

use super::{Name, STATELESS, ensure, with_fixture, within};
use crate::scenario::server::{Halt, ServerScenario, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::raw::{
    ACCEPT_BOTH, EventReader, PROTOCOL_VERSION, SESSION_ID, is_sse, read_bounded,
};
use crate::target::{Conversation, Reply, Target, clip_at};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "official/server-sse-polling",
            "2025-11-25 transports §Sending Messages 6 (a priming event with an id first; the server \
             may close the stream), §Resumability (a GET with Last-Event-ID gets the rest) \
             (test_reconnection)",
            Severity::Must,
            |t, v| sse_polling(t, v).boxed(),
        )
        .checks(&["3.12"]),
        scenario(
            "official/server-sse-multiple-streams",
            "transports §Multiple Connections: several POST streams of one client at once, each \
             answered",
            Severity::Must,
            |t, v| multiple_streams(t, v).boxed(),
        )
        .checks(&["3.17"]),
        scenario(
            "official/dns-rebinding-protection",
            "2025-11-25 transports §Security Warning (Origin validated, 403), DNS rebinding: a \
             foreign Host and Origin refused with 4xx, the server's own accepted",
            Severity::Must,
            |t, v| dns_rebinding(t, v).boxed(),
        )
        .checks(&["3.6"]),
        scenario(
            "official/http-header-validation",
            "2026-07-28 streamable-http §Standard Headers, §Server Validation: Mcp-Method / Mcp-Name \
             must match the body (400, -32020); names case-insensitive, values case-sensitive, \
             whitespace trimmed (RFC 9110 §5.5)",
            Severity::Must,
            |t, v| header_validation(t, v).boxed(),
        )
        .checks(&["3.11", "3.27"]),
        scenario(
            "official/http-custom-header-server-validation",
            "2026-07-28 streamable-http §Custom Headers from Tool Parameters (SEP-2243): \
             Mcp-Param-* must match the argument, Base64 sentinel form decoded, malformed refused \
             (test_custom_header)",
            Severity::Must,
            |t, v| custom_headers(t, v).boxed(),
        )
        .checks(&["3.30"]),
    ]
}

/// The target's URL, when it is at one.
pub(super) fn url_of(target: &Target) -> Option<&str> {
    target.http_url()
}

/// An HTTP scenario's target URL, or the skip of a stdio target.
fn http_only(target: &Target) -> Result<&str, Outcome> {
    url_of(target).ok_or_else(|| Outcome::skip("an HTTP scenario: the target is not at a URL"))
}

/// A POST of `message` with the headers a conformant client of `version` sends (the
/// session, `MCP-Protocol-Version`, and from 2026-07-28 `Mcp-Method`/`Mcp-Name`), then
/// `overrides` (an empty value removes a header).
fn post(
    client: &reqwest::Client,
    url: &str,
    c: &Conversation,
    message: &Value,
    overrides: &[(&str, &str)],
) -> RequestBuilder {
    let mut headers: Vec<(String, String)> = vec![
        (ACCEPT.to_string(), ACCEPT_BOTH.into()),
        (CONTENT_TYPE.to_string(), "application/json".into()),
    ];
    if let Some(session) = c.session_id() {
        headers.push((SESSION_ID.into(), session.into()));
    }
    if c.version >= ProtocolVersion::V2025_06_18 {
        headers.push((PROTOCOL_VERSION.into(), c.version.as_str().into()));
    }
    if c.stateless() {
        let method = message["method"].as_str().unwrap_or_default();
        headers.push(("mcp-method".into(), method.into()));
        let name = match method {
            "tools/call" | "prompts/get" => message["params"]["name"].as_str(),
            "resources/read" => message["params"]["uri"].as_str(),
            _ => None,
        };
        if let Some(name) = name {
            headers.push(("mcp-name".into(), name.into()));
        }
    }
    for (name, value) in overrides {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if !value.is_empty() {
            headers.push(((*name).into(), (*value).into()));
        }
    }
    let mut request = client.post(url).body(message.to_string());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request
}

/// The message answering `id` in `response` (a JSON body, or the first event of an SSE
/// stream that carries it), waiting at most `within`.
async fn answer_in(
    response: Response,
    id: &Value,
    within: Duration,
) -> Result<Option<Value>, String> {
    if !is_sse(&response) {
        let body = read_bounded(response).await.map_err(|e| e.to_string())?;
        return Ok(serde_json::from_slice(&body).ok());
    }
    let read = async {
        let mut response = response;
        let mut reader = EventReader::new(1 << 24);
        while let Ok(Some(chunk)) = response.chunk().await {
            let mut events = Vec::new();
            if reader.feed(&chunk, &mut events).is_err() {
                return None;
            }
            for data in events {
                if let Ok(v) = serde_json::from_slice::<Value>(&data)
                    && v.get("id") == Some(id)
                    && v.get("method").is_none()
                {
                    return Some(v);
                }
            }
        }
        None
    };
    Ok(tokio::time::timeout(within, read).await.ok().flatten())
}

/// Sends request `id` as written (not stamped), over stdio as a line and over HTTP as a
/// POST with the conformant headers and `overrides`: the HTTP status (HTTP only) and the
/// answer (`{"id", "result"}` or `{"id", "error"}`). Over stdio the answer is matched by
/// id; over HTTP its body is read directly, so it is not schema-validated: these requests
/// are the malformed ones, answered with errors.
pub(super) async fn raw_rpc(
    c: &mut Conversation,
    target: &Target,
    id: i64,
    method: &str,
    params: Value,
    overrides: &[(&str, &str)],
) -> Result<(Option<u16>, Value), Halt> {
    let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    let Some(url) = url_of(target) else {
        c.send_raw(message.to_string().as_bytes()).await?;
        let answer = match c.answer_to(&json!(id), Some(method)).await? {
            Reply::Result(r) => json!({"id": id, "result": r}),
            Reply::Error(_, e) => json!({"id": id, "error": e}),
        };
        return Ok((None, answer));
    };
    let client = target.http_client().map_err(|e| e.to_string())?;
    let headers: Vec<String> = overrides
        .iter()
        .map(|(n, v)| format!("{n}: {v:?}"))
        .collect();
    c.note(format!(
        "→ POST {} {}",
        clip_at(&message.to_string(), 300),
        headers.join(", ")
    ));
    let response = post(&client, url, c, &message, overrides)
        .send()
        .await
        .map_err(|e| format!("POST {method}: {e}"))?;
    let status = response.status().as_u16();
    let answer = answer_in(response, &json!(id), c.answer_wait())
        .await?
        .unwrap_or(Value::Null);
    c.note(format!(
        "← HTTP {status} {}",
        clip_at(&answer.to_string(), 300)
    ));
    Ok((Some(status), answer))
}

/// `test_reconnection`: the POST stream starts with a priming event that has an id, is
/// closed before the result, and a GET with `Last-Event-ID` delivers the result.
async fn sse_polling(target: &Target, version: ProtocolVersion) -> Outcome {
    let url = match http_only(target) {
        Ok(u) => u,
        Err(o) => return o,
    };
    if let Err(skip) = within(
        version,
        (
            ProtocolVersion::V2025_11_25,
            Some(ProtocolVersion::V2025_11_25),
        ),
        "priming events and server-closed polling streams are 2025-11-25 (SEP-1699)",
    ) {
        return skip;
    }
    let names = [Name::Tool("test_reconnection")];
    with_fixture!(target, version, None, &names, |c| {
        let client = target.http_client().map_err(|e| e.to_string())?;
        let id = json!("reconnection-1");
        let message = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                             "params": {"name": "test_reconnection", "arguments": {}}});
        c.note("→ POST tools/call test_reconnection".into());
        let mut response = post(&client, url, c, &message, &[])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        ensure(response.status().is_success() && is_sse(&response), || {
            format!(
                "test_reconnection was answered HTTP {} without an SSE stream",
                response.status()
            )
        })?;
        let mut reader = EventReader::new(1 << 24);
        let mut events = Vec::new();
        let wait = c.answer_wait();
        let read = async {
            while let Ok(Some(chunk)) = response.chunk().await {
                if reader.feed_events(&chunk, &mut events).is_err() {
                    break;
                }
            }
        };
        ensure(tokio::time::timeout(wait, read).await.is_ok(), || {
            format!(
                "the stream stayed open for {:.0} s: the server did not close it",
                wait.as_secs_f64()
            )
        })?;
        c.note(format!(
            "← {} event(s), then the stream closed",
            events.len()
        ));
        let first = events
            .first()
            .ok_or_else(|| Halt::Fail("the stream closed without a priming event".into()))?;
        let Some(last_id) = events.iter().rev().find_map(|e| e.id.clone()) else {
            return Err(Halt::Fail(
                "no event carried an id: the stream cannot be resumed".into(),
            ));
        };
        ensure(first.id.is_some(), || {
            "the first event has no id (a priming event must)".into()
        })?;
        let answered = events.iter().any(|e| {
            serde_json::from_slice::<Value>(&e.data).is_ok_and(|v| v.get("id") == Some(&id))
        });
        if answered {
            return Ok(()); // nothing to resume: the server answered before closing
        }
        let mut get = client
            .get(url)
            .header(ACCEPT, "text/event-stream")
            .header("last-event-id", &last_id);
        if let Some(s) = c.session_id() {
            get = get.header(SESSION_ID, s);
        }
        get = get.header(PROTOCOL_VERSION, version.as_str());
        c.note(format!("→ GET Last-Event-ID: {last_id}"));
        let resumed = get.send().await.map_err(|e| format!("GET: {e}"))?;
        ensure(resumed.status().is_success(), || {
            format!("the resuming GET got HTTP {}", resumed.status())
        })?;
        let answer = answer_in(resumed, &id, wait).await?;
        c.note(format!(
            "← {}",
            answer
                .as_ref()
                .map_or_else(|| "nothing".into(), Value::to_string)
        ));
        let answer = answer
            .ok_or_else(|| Halt::Fail("the resumed stream did not deliver the result".into()))?;
        ensure(answer["result"]["content"].is_array(), || {
            format!("the resumed answer is not a tool result: {answer}")
        })
    })
}

/// Three `tools/list` POSTs at once in one session: each gets 200 and its answer.
async fn multiple_streams(target: &Target, version: ProtocolVersion) -> Outcome {
    let url = match http_only(target) {
        Ok(u) => u,
        Err(o) => return o,
    };
    if let Err(skip) = within(
        version,
        (ProtocolVersion::V2025_03_26, None),
        "Streamable HTTP is new in 2025-03-26 (2024-11-05 has HTTP+SSE)",
    ) {
        return skip;
    }
    with_fixture!(target, version, None, &[], |c| {
        let client = target.http_client().map_err(|e| e.to_string())?;
        let wait = c.answer_wait();
        let sends = (1000..1003).map(|id| {
            let message = json!({"jsonrpc": "2.0", "id": id, "method": "tools/list", "params": c.stamp(json!({}))});
            let request = post(&client, url, c, &message, &[]);
            async move {
                let response = request.send().await.map_err(|e| e.to_string())?;
                let status = response.status();
                let answer = answer_in(response, &json!(id), wait).await?;
                Ok::<_, String>((id, status, answer))
            }
        });
        let answers = futures::future::join_all(sends).await;
        c.note("→ 3 POSTs of tools/list at once".into());
        for answer in answers {
            let (id, status, answer) = answer?;
            c.note(format!("← {id}: HTTP {status}"));
            ensure(status.is_success(), || {
                format!("POST {id} got HTTP {status}")
            })?;
            ensure(
                answer.is_some_and(|a| a["result"]["tools"].is_array()),
                || {
                    format!(
                        "POST {id}: no tools/list answer within {:.0} s",
                        wait.as_secs_f64()
                    )
                },
            )?;
        }
        Ok(())
    })
}

/// The opening request (`initialize`, or `server/discover`) with `Host` and `Origin` set.
fn opening_with(
    client: &reqwest::Client,
    url: &str,
    version: ProtocolVersion,
    host: &str,
    origin: &str,
) -> RequestBuilder {
    let (method, params) = if version.has_handshake() {
        (
            "initialize",
            json!({"protocolVersion": version.as_str(), "capabilities": {},
                              "clientInfo": {"name": "mcp-conformance", "version": env!("CARGO_PKG_VERSION")}}),
        )
    } else {
        (
            "server/discover",
            json!({"_meta": {
            "io.modelcontextprotocol/protocolVersion": version.as_str(),
            "io.modelcontextprotocol/clientCapabilities": {}}}),
        )
    };
    let mut b = client
        .post(url)
        .header(ACCEPT, ACCEPT_BOTH)
        .header(CONTENT_TYPE, "application/json")
        .header(HOST, host)
        .header(ORIGIN, origin)
        .body(json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string());
    if !version.has_handshake() {
        b = b
            .header(PROTOCOL_VERSION, version.as_str())
            .header("mcp-method", method);
    }
    b
}

async fn dns_rebinding(target: &Target, version: ProtocolVersion) -> Outcome {
    let url = match http_only(target) {
        Ok(u) => u,
        Err(o) => return o,
    };
    if let Err(skip) = within(
        version,
        (ProtocolVersion::V2025_03_26, None),
        "Streamable HTTP is new in 2025-03-26",
    ) {
        return skip;
    }
    with_fixture!(target, version, None, &[], |c| {
        let parsed = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
        let local = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if !local {
            return Err(Halt::Skip("the target is not on a loopback address".into()));
        }
        let own = format!(
            "{}:{}",
            parsed.host_str().unwrap_or_default(),
            parsed.port_or_known_default().unwrap_or(80)
        );
        let client = target.http_client().map_err(|e| e.to_string())?;
        let evil = "evil.example.invalid";
        c.note(format!(
            "→ the opening POST with Host: {evil}, Origin: http://{evil}"
        ));
        let refused = opening_with(&client, url, version, evil, &format!("http://{evil}"))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .status();
        c.note(format!("← HTTP {refused}"));
        ensure(refused.is_client_error(), || {
            format!("a foreign Host and Origin got HTTP {refused}, expected 4xx (DNS rebinding)")
        })?;
        c.note(format!(
            "→ the opening POST with Host: {own}, Origin: http://{own}"
        ));
        let accepted = opening_with(&client, url, version, &own, &format!("http://{own}"))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .status();
        c.note(format!("← HTTP {accepted}"));
        ensure(accepted.is_success(), || {
            format!("the server's own Host and Origin got HTTP {accepted}, expected 2xx")
        })
    })
}

/// A standard-header case: `accept` (a result, 200) or refuse (400 and -32020).
async fn header_case(
    c: &mut Conversation,
    target: &Target,
    id: i64,
    (method, params): (&str, Value),
    overrides: &[(&str, &str)],
    accept: bool,
) -> Result<(), Halt> {
    let params = c.stamp(params);
    let (status, answer) = raw_rpc(c, target, id, method, params, overrides).await?;
    let status = status.unwrap_or_default();
    if accept {
        ensure(status == 200 && answer.get("result").is_some(), || {
            format!("{method} with {overrides:?} was refused (HTTP {status}): {answer}")
        })
    } else {
        ensure(status == 400 && answer["error"]["code"] == -32020, || {
            format!("{method} with {overrides:?}: HTTP {status} {answer}; expected 400 with -32020")
        })
    }
}

async fn header_validation(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(o) = http_only(target) {
        return o;
    }
    if let Err(skip) = within(
        version,
        STATELESS,
        "Mcp-Method and Mcp-Name are 2026-07-28 headers",
    ) {
        return skip;
    }
    with_fixture!(target, version, None, &[], |c| {
        let list = ("tools/list", json!({}));
        let call = (
            "tools/call",
            json!({"name": "test_simple_text", "arguments": {}}),
        );
        let cases = [
            (&list, ("mcp-method", "prompts/list"), false),
            (&list, ("mcp-method", ""), false),
            (&call, ("mcp-name", "wrong_tool_name"), false),
            // RFC 9110 §5.5: optional whitespace around a field value is not part of it.
            (&call, ("mcp-name", "  test_simple_text  "), true),
            (&call, ("mcp-name", ""), false),
            // Header names are case-insensitive, values case-sensitive.
            (&list, ("MCP-METHOD", "tools/list"), true),
            (&list, ("mcp-method", "TOOLS/LIST"), false),
        ];
        for (id, ((method, params), header, accept)) in (100..).zip(cases) {
            header_case(c, target, id, (method, params.clone()), &[header], accept).await?;
        }
        Ok(())
    })
}

async fn custom_headers(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(o) = http_only(target) {
        return o;
    }
    if let Err(skip) = within(
        version,
        STATELESS,
        "Mcp-Param headers are 2026-07-28 (SEP-2243)",
    ) {
        return skip;
    }
    let names = [Name::Tool("test_custom_header")];
    with_fixture!(target, version, None, &names, |c| {
        let call = |region: &str| {
            (
                "tools/call",
                json!({"name": "test_custom_header", "arguments": {"region": region}}),
            )
        };
        let b64 = base64::engine::general_purpose::STANDARD.encode("us-west1");
        let sentinel = format!("=?base64?{b64}?=");
        let cases = [
            ("us-west1", "us-west1", true),
            ("us-west1", sentinel.as_str(), true),
            ("us-west1", "eu-north1", false),
            // Left out while the body has the value.
            ("test-value", "", false),
            // Base64 without its padding, and not Base64 at all.
            ("us-west1", "=?base64?dXMtd2VzdDE?=", false),
            ("us-west1", "=?base64?!!!invalid!!!?=", false),
        ];
        for (id, (region, header, accept)) in (200..).zip(cases) {
            let overrides = [("mcp-param-region", header)];
            header_case(c, target, id, call(region), &overrides, accept).await?;
        }
        Ok(())
    })
}
