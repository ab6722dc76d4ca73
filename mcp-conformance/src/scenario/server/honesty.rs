//! Capability honesty beyond the lists (`capabilities/honest` covers tools, prompts and
//! resources): `completion/complete` is served iff `completions` is advertised, and
//! `logging/setLevel` iff `logging` is (basic/lifecycle §Capability Negotiation;
//! server/utilities/completion §Capabilities; server/utilities/logging §Capabilities).

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::{Value, json};

use super::{Halt, ServerScenario, scenario, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::{Conversation, Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![
        scenario(
            "capabilities/completions",
            "2025-03-26 on server/utilities/completion §Capabilities (\"Servers that support \
             completions MUST declare the completions capability\"); basic/lifecycle §Operation \
             (\"Only use capabilities that were successfully negotiated\"; not advertised: -32601)",
            Severity::Must,
            |t, v| completions(t, v).boxed(),
        )
        .checks(&["5.1", "5.17"]),
        scenario(
            "capabilities/logging",
            "2024-11-05..2025-11-25 server/utilities/logging §Capabilities (\"Servers that emit \
             log message notifications MUST declare the logging capability\"), §Setting Log \
             Level; basic/lifecycle §Operation (not advertised: -32601)",
            Severity::Must,
            |t, v| logging(t, v).boxed(),
        )
        .checks(&["5.1", "5.18"]),
    ]
}

/// A completion reference to something the server lists, when it lists anything that takes
/// an argument: the first prompt argument, else the first resource template variable.
async fn real_reference(c: &mut Conversation) -> Result<Option<(Value, String)>, String> {
    if c.has_capability("prompts") {
        let page = c
            .request("prompts/list", json!({}))
            .await?
            .result("prompts/list")?;
        for prompt in page["prompts"].as_array().into_iter().flatten() {
            if let Some(arg) = prompt["arguments"][0]["name"].as_str() {
                let reference = json!({"type": "ref/prompt", "name": prompt["name"]});
                return Ok(Some((reference, arg.to_owned())));
            }
        }
    }
    if c.has_capability("resources") {
        let page = c
            .request("resources/templates/list", json!({}))
            .await?
            .result("resources/templates/list")?;
        for template in page["resourceTemplates"].as_array().into_iter().flatten() {
            let Some(uri) = template["uriTemplate"].as_str() else {
                continue;
            };
            let variable = uri
                .split_once('{')
                .and_then(|(_, rest)| rest.split_once('}'))
                .map(|(var, _)| var.trim_start_matches(['+', '#', '?', '&', '/', ';', '.']));
            if let Some(var) = variable.and_then(|v| v.split([',', '*', ':']).next()) {
                let reference = json!({"type": "ref/resource", "uri": uri});
                return Ok(Some((reference, var.to_owned())));
            }
        }
    }
    Ok(None)
}

async fn completions(target: &Target, version: ProtocolVersion) -> Outcome {
    if version == ProtocolVersion::V2024_11_05 {
        return Outcome::skip("2024-11-05 has no completions capability (new in 2025-03-26)");
    }
    with_session!(target, version, |c| {
        let advertised = c.has_capability("completions");
        let real = if advertised {
            real_reference(&mut c).await?
        } else {
            None
        };
        let (reference, argument) = real.clone().unwrap_or_else(|| {
            let r = json!({"type": "ref/prompt", "name": "mcp-conformance-no-such-prompt"});
            (r, "x".to_owned())
        });
        let params = json!({"ref": reference, "argument": {"name": argument, "value": ""}});
        let reply = c.request("completion/complete", params).await?;
        match reply {
            // A reference made up for want of a real one may be refused, but not as unknown.
            Reply::Error(code, _) if advertised && real.is_none() && code != -32601 => Ok(()),
            reply => honest("completions", "completion/complete", advertised, reply),
        }
    })
}

async fn logging(target: &Target, version: ProtocolVersion) -> Outcome {
    if !version.has_handshake() {
        return Outcome::skip(format!(
            "{version} has no logging/setLevel (the level is asked per request, in _meta)"
        ));
    }
    with_session!(target, version, |c| {
        let advertised = c.has_capability("logging");
        let reply = c
            .request("logging/setLevel", json!({"level": "info"}))
            .await?;
        honest("logging", "logging/setLevel", advertised, reply)
    })
}

/// `reply` to `method` is served when `capability` is `advertised`, else -32601.
fn honest(capability: &str, method: &str, advertised: bool, reply: Reply) -> Result<(), Halt> {
    let why = match (advertised, reply) {
        (true, Reply::Result(_)) | (false, Reply::Error(-32601, _)) => return Ok(()),
        (true, Reply::Error(code, e)) => {
            format!("`{capability}` is advertised, but {method} failed with {code}: {e}")
        }
        (false, Reply::Error(code, e)) => {
            format!("`{capability}` is not advertised: {method} must get -32601, not {code}: {e}")
        }
        (false, Reply::Result(r)) => {
            format!("`{capability}` is not advertised, but {method} was served: {r}")
        }
    };
    Err(Halt::Fail(why))
}
