//! `resources/subscribe-honesty`: the `resources.subscribe` capability says whether
//! `resources/subscribe` is served (2024-11-05..2025-11-25 server/resources §Capabilities,
//! §Subscriptions; 2026-07-28 replaced it with `subscriptions/listen`).

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;
use serde_json::json;

use super::listing::walk;
use super::{Halt, ServerScenario, scenario, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::{Reply, Target};

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![scenario(
        "resources/subscribe-honesty",
        "2024-11-05..2025-11-25 server/resources §Capabilities (`subscribe`: \"whether the client \
         can subscribe to be notified of changes to individual resources\"), §Subscriptions; \
         basic/lifecycle §Operation (\"Only use capabilities that were successfully negotiated\")",
        Severity::Must,
        |t, v| subscribe_honesty(t, v).boxed(),
    )
        .checks(&["2.8", "5.12"])]
}

/// Advertised: subscribing to a listed resource succeeds (and unsubscribing too). Not
/// advertised: `resources/subscribe` gets -32601.
async fn subscribe_honesty(target: &Target, version: ProtocolVersion) -> Outcome {
    if !version.has_handshake() {
        return Outcome::skip(format!(
            "{version} has no resources/subscribe (subscriptions/listen replaces it)"
        ));
    }
    with_session!(target, version, |c| {
        if !c.has_capability("resources") {
            return Err(Halt::Skip("the server advertises no resources".into()));
        }
        let resources = walk(&mut c, "resources/list", "resources", "uri").await?;
        let Some(uri) = resources.first().map(|r| r["uri"].clone()) else {
            return Err(Halt::Skip("the server lists no resources".into()));
        };
        let advertised = c.capabilities["resources"]["subscribe"] == true;
        let reply = c
            .request("resources/subscribe", json!({"uri": uri}))
            .await?;
        match (advertised, reply) {
            (true, Reply::Result(_)) => {
                c.request("resources/unsubscribe", json!({"uri": uri}))
                    .await?
                    .result("resources/unsubscribe")
                    .map_err(|e| format!("after subscribing to {uri}: {e}"))?;
                Ok(())
            }
            (true, Reply::Error(code, e)) => Err(format!(
                "resources.subscribe is advertised, but subscribing to the listed {uri} failed with {code}: {e}"
            )
            .into()),
            (false, Reply::Error(-32601, _)) => Ok(()),
            (false, Reply::Error(code, e)) => Err(format!(
                "resources.subscribe is not advertised: resources/subscribe must get -32601, not {code}: {e}"
            )
            .into()),
            (false, Reply::Result(r)) => Err(format!(
                "resources.subscribe is not advertised, but resources/subscribe was served: {r}"
            )
            .into()),
        }
    })
}
