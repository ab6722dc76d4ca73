//! `tools/names` (SHOULD, from 2025-11-25): the rules of server/tools §Tool Names, over any
//! transport. 2025-11-25 server/tools §Tool Names: "Tool names SHOULD be between 1 and 128
//! characters in length (inclusive)", "The following SHOULD be the only allowed characters:
//! uppercase and lowercase ASCII letters (A-Z, a-z), digits (0-9), underscore (_), hyphen
//! (-), and dot (.)", "Tool names SHOULD be unique within a server." Every rule is a SHOULD,
//! so a name listed twice is a finding here, not a failure of the pagination walk. Earlier
//! versions name no rule: skipped.

use std::collections::HashSet;

use futures::FutureExt;
use mcp_protocol::ProtocolVersion;

use super::listing::listed_tools;
use super::{Halt, ServerScenario, scenario, with_session};
use crate::scenario::{Outcome, Severity};
use crate::target::Target;

pub(super) fn scenarios() -> Vec<ServerScenario> {
    vec![scenario(
        "tools/names",
        "2025-11-25 server/tools §Tool Names (1 to 128 characters of A-Z a-z 0-9 _ - . ; unique within a server; all SHOULD)",
        Severity::Should,
        |t, v| names(t, v).boxed(),
    )
        .checks(&["5.9"])]
}

/// The longest tool name §Tool Names recommends.
const LONGEST: usize = 128;

/// Why `name` breaks §Tool Names' length or character rules, if it does.
fn misnamed(name: &str) -> Option<String> {
    let chars = name.chars().count();
    if !(1..=LONGEST).contains(&chars) {
        return Some(format!("{name:?} has {chars} characters (1 to {LONGEST})"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    name.chars().find(|c| !allowed(*c)).map(|c| {
        format!("{name:?} contains {c:?} (only A-Z, a-z, 0-9, _, - and . are recommended)")
    })
}

async fn names(target: &Target, version: ProtocolVersion) -> Outcome {
    if version < ProtocolVersion::V2025_11_25 {
        return Outcome::skip(
            "tool names are constrained from 2025-11-25 (server/tools §Tool Names)",
        );
    }
    with_session!(target, version, |c| {
        let tools = listed_tools(&mut c).await?;
        let mut seen = HashSet::new();
        let mut findings = Vec::new();
        for tool in &tools {
            // A name that is not a string is the schema's finding, made as the list is read.
            let Some(name) = tool["name"].as_str() else {
                continue;
            };
            findings.extend(misnamed(name));
            if !seen.insert(name) {
                findings.push(format!("{name:?} is listed twice (names SHOULD be unique)"));
            }
        }
        if findings.is_empty() {
            Ok(())
        } else {
            Err(Halt::Fail(format!("tool names: {}", findings.join("; "))))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::misnamed;

    #[test]
    fn the_recommended_names_pass_and_others_say_why() {
        for good in [
            "getUser",
            "DATA_EXPORT_v2",
            "admin.tools.list",
            "a",
            &"x".repeat(128),
        ] {
            assert_eq!(misnamed(good), None, "{good}");
        }
        let long = "x".repeat(129);
        for (bad, why) in [
            ("", "0 characters"),
            (long.as_str(), "129 characters"),
            ("add numbers", "' '"),
            ("a,b", "','"),
            ("files/read", "'/'"),
            ("é", "'é'"),
        ] {
            let reason = misnamed(bad).unwrap_or_default();
            assert!(reason.contains(why), "{bad:?}: {reason}");
        }
    }
}
