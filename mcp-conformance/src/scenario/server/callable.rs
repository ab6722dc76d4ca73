//! The tools a scenario may call: those of the server's list that the run's tool policy
//! lets through (read-only ones by default; see `target::policy`). Every scenario that calls
//! tools chooses them here, and each tool left out is named in the scenario's evidence with
//! the reason, one line starting with [`NOT_CALLED`]; the table's summary below the results
//! gathers those lines. (The conversation refuses a call the policy forbids anyway: this is
//! where scenarios avoid asking.)

use serde_json::Value;

use super::Halt;
use super::listing::listed_tools;
use crate::target::{CallTools, Conversation, ToolPolicy};

/// How an evidence line naming a tool not called begins: `tool not called: NAME: WHY`.
pub(crate) const NOT_CALLED: &str = "tool not called: ";

/// The most tools a skip's reason names.
const NAMED_IN_REASON: usize = 12;

/// The listed tools the policy lets through; the others are named in the evidence. Skips
/// when the server lists tools but none may be called.
pub(super) async fn callable_tools(c: &mut Conversation) -> Result<Vec<Value>, Halt> {
    let tools = listed_tools(c).await?;
    let (callable, withheld) = split(c, &tools);
    if callable.is_empty() && !withheld.is_empty() {
        let mut named: Vec<String> = withheld
            .iter()
            .take(NAMED_IN_REASON)
            .map(|(name, why)| format!("{name} ({why})"))
            .collect();
        if withheld.len() > NAMED_IN_REASON {
            named.push(format!("and {} more", withheld.len() - NAMED_IN_REASON));
        }
        return Err(Halt::Skip(format!(
            "no listed tool may be called under {}: {}",
            describe(c.policy()),
            named.join(", ")
        )));
    }
    Ok(callable)
}

/// `tools` split into those the policy lets through and the (name, reason) of the others,
/// each of which gets a line of evidence in `c`.
pub(super) fn split(c: &mut Conversation, tools: &[Value]) -> (Vec<Value>, Vec<(String, String)>) {
    let mut callable = Vec::new();
    let mut withheld = Vec::new();
    for tool in tools {
        let name = tool["name"].as_str().unwrap_or_default().to_owned();
        match c.withheld(&name) {
            None => callable.push(tool.clone()),
            Some(why) => {
                c.note(format!("{NOT_CALLED}{name}: {why}"));
                withheld.push((name, why));
            }
        }
    }
    (callable, withheld)
}

/// The policy as the command line gives it.
pub(crate) fn describe(policy: &ToolPolicy) -> String {
    let mut out = format!("--call-tools {}", policy.call.as_str());
    for name in &policy.allow {
        out.push_str(&format!(" --allow-tool {name}"));
    }
    for name in &policy.deny {
        out.push_str(&format!(" --deny-tool {name}"));
    }
    if policy.call == CallTools::ReadOnly && policy.allow.is_empty() && policy.deny.is_empty() {
        out.push_str(" (the default)");
    }
    out
}
