//! The official lifecycle and utility scenarios: `server-initialize`, `ping`,
//! `logging-set-level`, `completion-complete`, `server-session-lifecycle`,
//! `server-stateless` and `caching`.

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

use super::http::{raw_rpc, url_of};
use super::{Name, SESSION_ERA, STATELESS, ensure, filled, with_fixture, within};
use crate::scenario::server::listing::walk;
use crate::scenario::server::{Halt, ServerScenario, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::raw::{ACCEPT_BOTH, PROTOCOL_VERSION, SESSION_ID};
use crate::target::{Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "official/server-initialize",
            "basic/lifecycle §Initialization; 2025-11-25 transports §Session Management 1 (the session \
             id only visible ASCII, 0x21-0x7E)",
            Severity::Must,
            |t, v| server_initialize(t, v).boxed(),
        )
        .checks(&["2.3", "3.19"]),
        scenario(
            "official/server-session-lifecycle",
            "2025-03-26..2025-11-25 transports §Session Management 3-5 (DELETE ends the session; a \
             request in it then gets 404)",
            Severity::Must,
            |t, v| session_lifecycle(t, v).boxed(),
        )
        .checks(&["3.22"]),
        scenario(
            "official/server-stateless",
            "2026-07-28 basic/versioning, basic/patterns/stateless (SEP-2575): _meta validated \
             (-32602), UnsupportedProtocolVersionError data, -32021 for an undeclared capability, \
             removed methods -32601 (HTTP 404), no logs without a logLevel, errors echo the id",
            Severity::Must,
            |t, v| stateless(t, v).boxed(),
        )
        .checks(&["1.13", "1.15", "1.19", "5.19"]),
        scenario(
            "official/logging-set-level",
            "server/utilities/logging §Setting Log Level: an empty result",
            Severity::Must,
            |t, v| logging_set_level(t, v).boxed(),
        ),
        scenario(
            "official/ping",
            "basic/utilities/ping §Behavior Requirements: an empty result, promptly",
            Severity::Must,
            |t, v| ping(t, v).boxed(),
        )
        .checks(&["7.8"]),
        scenario(
            "official/completion-complete",
            "server/utilities/completion §Requesting Completions: completion.values is an array \
             (test_prompt_with_arguments, arg1)",
            Severity::Must,
            |t, v| completion(t, v).boxed(),
        )
        .checks(&["5.17"]),
        scenario(
            "official/caching",
            "2026-07-28 SEP-2549 caching: list and read results carry ttlMs (an integer >= 0) and \
             cacheScope (public or private)",
            Severity::Must,
            |t, v| caching(t, v).boxed(),
        )
        .checks(&["5.21"]),
    ]
}

/// The handshake (done by opening), the capabilities an object, and over HTTP the session
/// id, when there is one, only visible ASCII.
async fn server_initialize(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        SESSION_ERA,
        "there is no initialize (server/discover replaces it)",
    ) {
        return skip;
    }
    with_fixture!(target, version, None, &[], |c| {
        ensure(c.capabilities.is_object(), || {
            "initialize gave no capabilities object".into()
        })?;
        if let Some(id) = c.session_id() {
            ensure(
                !id.is_empty() && id.bytes().all(|b| (0x21..=0x7e).contains(&b)),
                || format!("the session id {id:?} is not only visible ASCII (0x21-0x7E)"),
            )?;
        }
        Ok(())
    })
}

/// `result` is `{}` (an empty result; `_meta` aside).
fn empty(method: &str, result: &Value) -> Result<(), Halt> {
    let keys = result
        .as_object()
        .map(|o| o.keys().filter(|k| *k != "_meta").count());
    ensure(keys == Some(0), || {
        format!("{method}: expected an empty result, got {result}")
    })
}

async fn ping(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        SESSION_ERA,
        "ping was removed (server/discover answers instead)",
    ) {
        return skip;
    }
    with_fixture!(target, version, None, &[], |c| {
        let result = c.request("ping", json!({})).await?.result("ping")?;
        empty("ping", &result)
    })
}

async fn logging_set_level(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        SESSION_ERA,
        "logging/setLevel was removed (the level is per request)",
    ) {
        return skip;
    }
    with_fixture!(target, version, None, &[], |c| {
        ensure(c.has_capability("logging"), || {
            "the fixture does not advertise logging".into()
        })?;
        let result = c
            .request("logging/setLevel", json!({"level": "info"}))
            .await?
            .result("logging/setLevel")?;
        empty("logging/setLevel", &result)
    })
}

async fn completion(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        (ProtocolVersion::V2025_03_26, None),
        "completion/complete has no completions capability before 2025-03-26",
    ) {
        return skip;
    }
    let names = [Name::Prompt("test_prompt_with_arguments")];
    with_fixture!(target, version, None, &names, |c| {
        ensure(c.has_capability("completions"), || {
            "the fixture does not advertise completions".into()
        })?;
        let params = json!({"ref": {"type": "ref/prompt", "name": "test_prompt_with_arguments"},
                            "argument": {"name": "arg1", "value": "test"}});
        let result = c
            .request("completion/complete", params)
            .await?
            .result("completion/complete")?;
        ensure(result["completion"]["values"].is_array(), || {
            format!("completion.values is not an array: {result}")
        })
    })
}

/// initialize → `notifications/initialized` accepted → DELETE (2xx, or 405 when the server
/// does not let clients end sessions) → a request in the ended session gets 404.
async fn session_lifecycle(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        (
            ProtocolVersion::V2025_03_26,
            Some(ProtocolVersion::V2025_11_25),
        ),
        "Mcp-Session-Id sessions are 2025-03-26..2025-11-25",
    ) {
        return skip;
    }
    let Some(url) = url_of(target) else {
        return Outcome::skip("an HTTP scenario: the target is not at a URL");
    };
    with_fixture!(target, version, None, &[], |c| {
        let Some(session) = c.session_id().map(str::to_owned) else {
            return Err(Halt::Skip(
                "the server assigned no session (it is stateless)".into(),
            ));
        };
        let client = target.http_client().map_err(|e| e.to_string())?;
        let with_session = |b: reqwest::RequestBuilder| {
            let b = b.header(SESSION_ID, &session);
            if version >= ProtocolVersion::V2025_06_18 {
                b.header(PROTOCOL_VERSION, version.as_str())
            } else {
                b
            }
        };
        c.note(format!("→ DELETE in session {session}"));
        let deleted = with_session(client.delete(url))
            .send()
            .await
            .map_err(|e| format!("DELETE: {e}"))?
            .status();
        c.note(format!("← HTTP {deleted}"));
        if deleted == StatusCode::METHOD_NOT_ALLOWED {
            return Ok(()); // §Session Management 5: the server MAY refuse with 405
        }
        ensure(deleted.is_success(), || {
            format!("DELETE got HTTP {deleted}, expected 2xx or 405")
        })?;
        let body =
            json!({"jsonrpc": "2.0", "id": "after-delete", "method": "tools/list", "params": {}});
        c.note("→ tools/list in the deleted session".into());
        let after = with_session(client.post(url))
            .header(ACCEPT, ACCEPT_BOTH)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| format!("POST after DELETE: {e}"))?
            .status();
        c.note(format!("← HTTP {after}"));
        ensure(after == StatusCode::NOT_FOUND, || {
            format!("a request in the deleted session got HTTP {after}, expected 404 (MUST)")
        })
    })
}

/// The `_meta` every 2026-07-28 request carries, with `without` left out.
fn meta(version: ProtocolVersion, without: &[&str]) -> Value {
    let mut m = json!({
        "io.modelcontextprotocol/protocolVersion": version.as_str(),
        "io.modelcontextprotocol/clientInfo": {"name": "mcp-conformance", "version": env!("CARGO_PKG_VERSION")},
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    if let Some(o) = m.as_object_mut() {
        for key in without {
            o.remove(&format!("io.modelcontextprotocol/{key}"));
        }
    }
    m
}

/// The error of `reply`, checked for `code` and the echoed `id`; over HTTP also `status`.
fn expect_error(
    what: &str,
    (status, reply): &(Option<u16>, Value),
    id: i64,
    code: i64,
    http: u16,
) -> Result<(), Halt> {
    ensure(reply["error"]["code"] == code, || {
        format!("{what}: expected error {code}, got {reply}")
    })?;
    ensure(reply["id"] == id, || {
        format!("{what}: the error does not echo id {id}: {reply}")
    })?;
    ensure(status.is_none_or(|s| s == http), || {
        format!(
            "{what}: HTTP {} instead of {http}",
            status.unwrap_or_default()
        )
    })
}

async fn stateless(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        STATELESS,
        "it is the 2026-07-28 stateless protocol",
    ) {
        return skip;
    }
    let names = [
        Name::Tool("test_missing_capability"),
        Name::Tool("test_logging_tool"),
    ];
    with_fixture!(target, version, None, &names, |c| {
        // Per-request _meta: protocolVersion and clientCapabilities required, clientInfo not
        // ("A request missing any required field is malformed; the server MUST reject it
        // with -32602 … On HTTP, the response status MUST be 400"). A `server/discover`
        // that names no version is judged over HTTP only, where the MCP-Protocol-Version
        // header says the client speaks 2026-07-28 (as the official scenario sends it): over
        // stdio nothing but that field tells a client's era, and such a discover is the
        // probe of a client that does not know the server's era yet.
        let cases: &[(i64, &[&str])] = if url_of(target).is_some() {
            &[
                (
                    101,
                    &["protocolVersion", "clientInfo", "clientCapabilities"],
                ),
                (102, &["protocolVersion"]),
                (104, &["clientCapabilities"]),
            ]
        } else {
            c.note("(server/discover without a version in _meta: judged over HTTP only)".into());
            &[(104, &["clientCapabilities"])]
        };
        for &(id, without) in cases {
            let params = if id == 101 {
                json!({})
            } else {
                json!({"_meta": meta(version, without)})
            };
            let answer = raw_rpc(c, target, id, "server/discover", params, &[]).await?;
            expect_error(
                &format!("server/discover without _meta {without:?}"),
                &answer,
                id,
                -32602,
                400,
            )?;
        }
        let params = json!({"_meta": meta(version, &["clientInfo"])});
        let (status, reply) = raw_rpc(c, target, 105, "server/discover", params, &[]).await?;
        ensure(
            reply.get("result").is_some() && status.is_none_or(|s| s == 200),
            || {
                format!(
                    "server/discover without clientInfo (a SHOULD) was refused: HTTP {status:?} {reply}"
                )
            },
        )?;
        // Discovery: the fields, and the capabilities true to the handlers.
        let discovered = c
            .request("server/discover", json!({}))
            .await?
            .result("server/discover")?;
        ensure(
            discovered["supportedVersions"].is_array() && discovered["capabilities"].is_object(),
            || format!("server/discover lacks supportedVersions or capabilities: {discovered}"),
        )?;
        let prompts = c.request("prompts/list", json!({})).await?;
        let serves_prompts = !matches!(prompts, Reply::Error(-32601, _));
        ensure(!serves_prompts || c.has_capability("prompts"), || {
            "prompts/list is served but discovery does not declare prompts".into()
        })?;
        // An unsupported version: UnsupportedProtocolVersionError naming the supported ones
        // and echoing the one requested.
        let mut odd = meta(version, &[]);
        odd["io.modelcontextprotocol/protocolVersion"] = json!("v999.0.0");
        let answer = raw_rpc(
            c,
            target,
            301,
            "server/discover",
            json!({"_meta": odd}),
            &[(PROTOCOL_VERSION, "v999.0.0")],
        )
        .await?;
        ensure(answer.0.is_none_or(|s| s == 400), || {
            format!(
                "an unsupported version got HTTP {:?}, expected 400",
                answer.0
            )
        })?;
        let data = &answer.1["error"]["data"];
        let supported = discovered["supportedVersions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        ensure(
            data["supported"]
                .as_array()
                .is_some_and(|s| !s.is_empty() && s.iter().all(|v| supported.contains(v))),
            || {
                format!(
                    "the unsupported-version error's data.supported does not list served versions: {}",
                    answer.1
                )
            },
        )?;
        ensure(data["requested"] == "v999.0.0", || {
            format!(
                "the unsupported-version error's data.requested is not the version asked for: {}",
                answer.1
            )
        })?;
        // A request needing an undeclared capability: -32021 naming it.
        let params = json!({"name": "test_missing_capability", "arguments": {}, "_meta": meta(version, &[])});
        let answer = raw_rpc(c, target, 401, "tools/call", params, &[]).await?;
        expect_error(
            "test_missing_capability without sampling declared",
            &answer,
            401,
            -32021,
            400,
        )?;
        ensure(
            answer.1["error"]["data"]["requiredCapabilities"]["sampling"].is_object(),
            || {
                format!(
                    "-32021 without data.requiredCapabilities.sampling: {}",
                    answer.1
                )
            },
        )?;
        // Removed and unknown methods: -32601 (HTTP 404).
        for (id, method) in [
            (500, "initialize"),
            (501, "ping"),
            (502, "logging/setLevel"),
            (503, "resources/subscribe"),
            (504, "resources/unsubscribe"),
            (601, "unknown/method"),
        ] {
            let answer = raw_rpc(
                c,
                target,
                id,
                method,
                json!({"_meta": meta(version, &[])}),
                &[],
            )
            .await?;
            expect_error(method, &answer, id, -32601, 404)?;
        }
        // No log message for a request that set no logLevel.
        c.take_notifications();
        let result = c
            .request(
                "tools/call",
                json!({"name": "test_logging_tool", "arguments": {}}),
            )
            .await?
            .result("tools/call test_logging_tool")?;
        let logged = c
            .take_notifications()
            .into_iter()
            .any(|n| n["method"] == "notifications/message");
        ensure(!logged, || {
            format!("test_logging_tool logged though the request set no logLevel ({result})")
        })
    })
}

/// The cache hints of one result.
fn hints(what: &str, result: &Value) -> Result<(), Halt> {
    ensure(result["ttlMs"].as_u64().is_some(), || {
        format!("{what}: ttlMs is not an integer >= 0: {}", result["ttlMs"])
    })?;
    ensure(
        result["cacheScope"] == "public" || result["cacheScope"] == "private",
        || {
            format!(
                "{what}: cacheScope is {}, not public or private",
                result["cacheScope"]
            )
        },
    )
}

async fn caching(target: &Target, version: ProtocolVersion) -> Outcome {
    if let Err(skip) = within(
        version,
        STATELESS,
        "cache hints are new in 2026-07-28 (SEP-2549)",
    ) {
        return skip;
    }
    with_fixture!(
        target,
        version,
        None,
        &[Name::Resource("test://static-text")],
        |c| {
            for method in [
                "tools/list",
                "prompts/list",
                "resources/list",
                "resources/templates/list",
            ] {
                let result = c.request(method, json!({})).await?.result(method)?;
                hints(method, &result)?;
            }
            let listed = walk(c, "resources/list", "resources", "uri").await?;
            let uri = listed.first().map(|r| r["uri"].clone()).unwrap_or_default();
            ensure(filled(&uri), || "no resource to read".into())?;
            let read = c
                .request("resources/read", json!({"uri": uri}))
                .await?
                .result("resources/read")?;
            hints("resources/read", &read)
        }
    )
}
