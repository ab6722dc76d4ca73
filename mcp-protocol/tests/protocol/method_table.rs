//! The method table (`methods::ALL`) against the official schemas: every method a version's
//! `schema.json` defines has a marker that exists in that version, and every marker that
//! claims a version is defined by that version's schema. The few deliberate differences are
//! listed here with their reason, so a new one cannot slip in unnoticed.

use std::collections::BTreeSet;

use mcp_protocol::ProtocolVersion;
use mcp_protocol::method::MethodInfo;
use mcp_protocol::methods::ALL;
use serde_json::Value;

use crate::spec::{self, spec_dir_or_skip};

/// Every `method` constant in a version's schema definitions.
fn schema_methods(version: ProtocolVersion) -> BTreeSet<String> {
    let schema = spec::schema(version);
    let defs = schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .and_then(Value::as_object)
        .expect("schema has definitions");
    defs.values()
        .filter_map(|d| d.pointer("/properties/method/const")?.as_str())
        .map(str::to_owned)
        .collect()
}

/// Methods of the 2026-07-28 schema that are not JSON-RPC methods there: the shapes of MRTR
/// input requests (server-to-client requests became `inputRequests` entries).
const MRTR_SHAPES_2026: [&str; 3] = ["sampling/createMessage", "elicitation/create", "roots/list"];

/// Methods of the 2026-07-28 tasks extension, which has no definitions in the schema.
const TASKS_EXTENSION: [&str; 4] = [
    "tasks/get",
    "tasks/cancel",
    "tasks/update",
    "notifications/tasks/status",
];

#[test]
fn every_schema_method_has_a_marker_for_that_version_and_back() {
    spec_dir_or_skip!();
    let names: BTreeSet<&str> = ALL.iter().map(|m| m.name).collect();
    assert_eq!(
        names.len(),
        ALL.len(),
        "method names in the table are unique"
    );
    for version in ProtocolVersion::ALL {
        let in_schema = schema_methods(version);
        let stateless = version == ProtocolVersion::V2026_07_28;
        for name in &in_schema {
            if stateless && MRTR_SHAPES_2026.contains(&name.as_str()) {
                continue;
            }
            let info = MethodInfo::lookup(name)
                .unwrap_or_else(|| panic!("{version}: {name} has no marker"));
            assert!(
                info.exists_in(version),
                "{version}: the schema has {name}, its marker says no"
            );
        }
        for info in ALL.iter().filter(|m| m.exists_in(version)) {
            if stateless && TASKS_EXTENSION.contains(&info.name) {
                continue;
            }
            assert!(
                in_schema.contains(info.name),
                "{version}: the marker of {} claims this version, the schema does not define it",
                info.name
            );
        }
    }
}
