//! DNS-rebinding protection over HTTP: the `Origin` header on every kind of request, and the
//! `Host` header, each with a control request that must be served, so an endpoint that
//! refuses everything (a wrong path answering 404) cannot pass.
//!
//! - `http/foreign-origin` (MUST). 2025-11-25 basic/transports §Security Warning 1: "Servers
//!   **MUST** validate the `Origin` header on all incoming connections to prevent DNS
//!   rebinding attacks. If the `Origin` header is present and invalid, servers **MUST**
//!   respond with HTTP 403 Forbidden." The same MUST (without the status) is in 2024-11-05
//!   and 2025-03-26..2025-06-18; 2026-07-28 streamable-http §Security & Endpoint 1 repeats
//!   the 2025-11-25 text. Checked on the opening POST, a later POST, and (in the session era
//!   2025-03-26..2025-11-25, with a session) GET and DELETE; each is sent once from a foreign
//!   origin and once from the endpoint's own origin, which must be served (or, by a server
//!   that turns every browser away, refused with 403 as well).
//! - `http/foreign-host` (SHOULD). The spec names only `Origin`, for the purpose "to prevent
//!   DNS rebinding attacks"; but a browser sends no `Origin` on a same-origin GET, so a
//!   rebound page is told apart by its `Host` alone (the official suite's
//!   `dns-rebinding-protection` checks `Host` with a control). No text makes it a MUST, so a
//!   server that serves a foreign `Host` fails a SHOULD.

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use reqwest::header::{ACCEPT, HOST, HeaderName, ORIGIN};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::json;

use super::http::{exchange, opening, served, session_era};
use super::http_post::{agreed_header, in_session_post};
use super::{Halt, ServerScenario, judge, scenario};
use crate::scenario::{Outcome, Severity};
use crate::target::raw::{ACCEPT_BOTH, PROTOCOL_VERSION, SESSION_ID};
use crate::target::{Conversation, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "http/foreign-origin",
            "basic/transports §Security Warning 1 (\"MUST validate the Origin header on all incoming connections\"; 403 from 2025-11-25); 2026-07-28 streamable-http §Security & Endpoint 1",
            Severity::Must,
            |t, v| foreign_origin(t, v).boxed(),
        )
        .checks(&["3.6"]),
        scenario(
            "http/foreign-host",
            "basic/transports §Security Warning 1 (validation \"to prevent DNS rebinding attacks\"; the Host header is not named: SHOULD)",
            Severity::Should,
            |t, v| foreign_host(t, v).boxed(),
        )
        .checks(&["3.6"]),
    ]
}

/// The foreign origin and host a DNS-rebinding page would show.
const FOREIGN_ORIGIN: &str = "http://attacker.example";
const FOREIGN_HOST: &str = "attacker.example";

/// Which header a check varies.
#[derive(Clone, Copy)]
enum Rule {
    Origin,
    Host,
}

impl Rule {
    fn header(self) -> HeaderName {
        match self {
            Self::Origin => ORIGIN,
            Self::Host => HOST,
        }
    }

    /// Whether `status` refuses a request with a foreign value in `version`.
    fn refused(self, status: StatusCode, version: ProtocolVersion) -> bool {
        match self {
            // 2025-11-25 on names 403; before, the Origin had to be validated, with no
            // status named.
            Self::Origin if version >= ProtocolVersion::V2025_11_25 => {
                status == StatusCode::FORBIDDEN
            }
            // No status is named for Host: 403, 421 Misdirected Request and 400 all refuse.
            _ => status.is_client_error(),
        }
    }

    fn expected(self, version: ProtocolVersion) -> &'static str {
        match self {
            Self::Origin if version >= ProtocolVersion::V2025_11_25 => "403",
            _ => "a 4xx refusal",
        }
    }
}

/// The values of the header a check varies: the foreign one and the endpoint's own.
struct Values {
    rule: Rule,
    foreign: &'static str,
    local: String,
}

impl Values {
    fn of(rule: Rule, url: &str) -> Result<Self, String> {
        let parsed =
            reqwest::Url::parse(url).map_err(|e| format!("the target's URL {url:?}: {e}"))?;
        Ok(match rule {
            Rule::Origin => Self {
                rule,
                foreign: FOREIGN_ORIGIN,
                local: parsed.origin().ascii_serialization(),
            },
            Rule::Host => {
                let host = parsed.host_str().unwrap_or_default();
                let local = match parsed.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                };
                Self {
                    rule,
                    foreign: FOREIGN_HOST,
                    local,
                }
            }
        })
    }
}

/// How a kind of request may be turned down whatever its headers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A POST: it must be served from the endpoint's own origin.
    Post,
    /// GET or DELETE, which a server MAY refuse with 405 (it offers no stream, or does not
    /// let clients end sessions): then there is nothing to protect.
    Optional,
}

/// A copy of `request` (whose body is bytes, so it can be copied).
fn copy(request: &RequestBuilder) -> Result<RequestBuilder, String> {
    request
        .try_clone()
        .ok_or_else(|| "a request with a streamed body cannot be sent twice".to_owned())
}

/// Sends `request` with the foreign value, then with the endpoint's own: the first must be
/// refused, the second served (the control). `Ok(false)` when a request of an optional kind
/// is not offered at all (405 to the control).
async fn refused_then_served(
    c: &mut Conversation,
    values: &Values,
    what: &str,
    kind: Kind,
    request: RequestBuilder,
) -> Result<bool, Halt> {
    let header = values.rule.header();
    let foreign = copy(&request)?.header(header.clone(), values.foreign);
    let (foreign_status, foreign_seen) = exchange(
        c,
        &format!("{what} with {header}: {}", values.foreign),
        foreign,
    )
    .await?;
    let local = request.header(header.clone(), values.local.as_str());
    let (local_status, local_seen) = exchange(
        c,
        &format!("{what} with {header}: {} (the control)", values.local),
        local,
    )
    .await?;
    if kind == Kind::Optional && local_status == StatusCode::METHOD_NOT_ALLOWED {
        c.note(format!("{what} is not offered (405): not judged"));
        return Ok(false);
    }
    control(c, values.rule, local_status, &local_seen)?;
    if !values.rule.refused(foreign_status, c.version) {
        return Err(Halt::Fail(format!(
            "expected {}: {foreign_seen}",
            values.rule.expected(c.version)
        )));
    }
    Ok(true)
}

/// Judges the control request (the endpoint's own value), which got `status`: served, or
/// (for Origin) 403 from a server that turns every browser away, its own origin too, which
/// is stricter than needed but no breach. Anything else (a wrong path's 404, say) means the
/// refusal of the foreign value proves no validation.
fn control(c: &mut Conversation, rule: Rule, status: StatusCode, seen: &str) -> Result<(), Halt> {
    if status.is_success() {
        return Ok(());
    }
    if matches!(rule, Rule::Origin) && status == StatusCode::FORBIDDEN {
        c.note("the endpoint's own Origin is refused too: every browser is turned away".into());
        return Ok(());
    }
    let header = rule.header();
    Err(Halt::Fail(format!(
        "{seen}: the endpoint's own {header} is refused too, so the refusal of a foreign one \
         proves no validation (a server that validates {header} serves a valid one)"
    )))
}

/// A POST after the opening one: `ping` in the conversation's session (with its id when it
/// has one), `server/discover` again in 2026-07-28 (which has no session and no ping).
fn later_post(c: &Conversation, client: &reqwest::Client, url: &str) -> RequestBuilder {
    if c.stateless() {
        return opening(c, client, url).header(ACCEPT, ACCEPT_BOTH);
    }
    let body = json!({"jsonrpc": "2.0", "id": "ping-from-elsewhere", "method": "ping"});
    in_session_post(c, client, url, &body, agreed_header(c.version))
}

/// A GET or DELETE in session `id`.
fn in_session(
    version: ProtocolVersion,
    client: &reqwest::Client,
    url: &str,
    method: Method,
    id: &str,
) -> RequestBuilder {
    let mut request = client.request(method.clone(), url).header(SESSION_ID, id);
    if method == Method::GET {
        request = request.header(ACCEPT, "text/event-stream");
    }
    if version >= ProtocolVersion::V2025_06_18 {
        request = request.header(PROTOCOL_VERSION, version.as_str());
    }
    request
}

async fn foreign_origin(target: &Target, version: ProtocolVersion) -> Outcome {
    rebinding(target, version, Rule::Origin).await
}

async fn foreign_host(target: &Target, version: ProtocolVersion) -> Outcome {
    rebinding(target, version, Rule::Host).await
}

/// The opening POST and a later POST from a foreign and the endpoint's own value of `rule`'s
/// header; for Origin, also GET and DELETE in a session (2025-03-26..2025-11-25).
async fn rebinding(target: &Target, version: ProtocolVersion, rule: Rule) -> Outcome {
    // A version the server does not serve is skipped (as every scenario does) before any
    // request is judged.
    let (url, mut c) = match served(target, version).await {
        Ok(opened) => opened,
        Err(outcome) => return outcome,
    };
    let verdict = async {
        let client = target.http_client().map_err(|e| e.to_string())?;
        let values = Values::of(rule, url)?;
        let what = if c.stateless() {
            "a POST of server/discover"
        } else {
            "a POST of initialize"
        };
        let open_post = opening(&c, &client, url).header(ACCEPT, ACCEPT_BOTH);
        refused_then_served(&mut c, &values, what, Kind::Post, open_post).await?;
        let what = if c.stateless() {
            "a second POST of server/discover"
        } else {
            "a ping POSTed in the session"
        };
        let later = later_post(&c, &client, url);
        refused_then_served(&mut c, &values, what, Kind::Post, copy(&later)?).await?;
        let Some(id) = c.session_id().map(str::to_owned) else {
            return Ok(());
        };
        if matches!(rule, Rule::Host) || session_era(version).is_err() {
            return Ok(());
        }
        let get = in_session(version, &client, url, Method::GET, &id);
        refused_then_served(&mut c, &values, "a GET in the session", Kind::Optional, get).await?;
        // DELETE from afar first: refused, the session must survive it (the control ping,
        // with no Origin, is served), and the own-origin DELETE ends it.
        let delete = in_session(version, &client, url, Method::DELETE, &id);
        let foreign = copy(&delete)?.header(ORIGIN, FOREIGN_ORIGIN);
        let what = format!("a DELETE of the session with Origin: {FOREIGN_ORIGIN}");
        let (foreign_status, foreign_seen) = exchange(&mut c, &what, foreign).await?;
        // Without an Origin, as a client that is no browser sends it.
        let survived = later;
        let what = "a ping in the session after that DELETE, with no Origin (the control)";
        let (status, seen) = exchange(&mut c, what, survived).await?;
        if !status.is_success() && rule.refused(foreign_status, version) {
            return Err(Halt::Fail(format!(
                "{seen}: the session did not survive a DELETE that was refused"
            )));
        }
        let local = delete.header(ORIGIN, values.local.as_str());
        let what = format!(
            "a DELETE of the session with Origin: {} (the control)",
            values.local
        );
        let (local_status, local_seen) = exchange(&mut c, &what, local).await?;
        if local_status == StatusCode::METHOD_NOT_ALLOWED {
            c.note("DELETE is not offered (405): not judged".into());
            return Ok(());
        }
        control(&mut c, rule, local_status, &local_seen)?;
        if !rule.refused(foreign_status, version) {
            return Err(Halt::Fail(format!(
                "expected {}: {foreign_seen}",
                rule.expected(version)
            )));
        }
        Ok(())
    }
    .await;
    judge(&mut c, verdict)
}
