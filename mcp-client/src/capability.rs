//! Which server capability each client request needs (server/*: "servers that support X
//! MUST declare the X capability"), checked before anything is sent.

use mcp_protocol::ProtocolVersion;
use mcp_protocol::methods::TASKS_EXTENSION;
use mcp_protocol::types::ServerCapabilities;

/// The capability `method` needs in `version` that `caps` lacks, if any.
pub(crate) fn missing(
    method: &str,
    version: ProtocolVersion,
    caps: &ServerCapabilities,
) -> Option<&'static str> {
    let has_task_key = |key: &str| caps.tasks.as_ref().is_some_and(|t| t.contains_key(key));
    let tasks_extension = || {
        caps.extensions
            .as_ref()
            .is_some_and(|e| e.contains_key(TASKS_EXTENSION))
    };
    let (ok, capability) = match method {
        "tools/list" | "tools/call" => (caps.tools.is_some(), "tools"),
        "resources/list" | "resources/read" | "resources/templates/list" => {
            (caps.resources.is_some(), "resources")
        }
        "resources/subscribe" | "resources/unsubscribe" => (
            caps.resources
                .as_ref()
                .is_some_and(|r| r.subscribe == Some(true)),
            "resources.subscribe",
        ),
        "prompts/list" | "prompts/get" => (caps.prompts.is_some(), "prompts"),
        // 2024-11-05 had completion without a capability.
        "completion/complete" if version >= ProtocolVersion::V2025_03_26 => {
            (caps.completions.is_some(), "completions")
        }
        "logging/setLevel" => (caps.logging.is_some(), "logging"),
        "tasks/get" | "tasks/cancel" | "tasks/update" if !version.has_handshake() => (
            tasks_extension(),
            "extensions.io.modelcontextprotocol/tasks",
        ),
        "tasks/get" | "tasks/result" => (caps.tasks.is_some(), "tasks"),
        "tasks/list" => (has_task_key("list"), "tasks.list"),
        "tasks/cancel" => (has_task_key("cancel"), "tasks.cancel"),
        _ => (true, ""),
    };
    (!ok).then_some(capability)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_protocol::types::{ListChangedCapability, ResourcesCapability};

    #[test]
    fn each_family_needs_its_capability() {
        let v = ProtocolVersion::V2025_11_25;
        let none = ServerCapabilities::default();
        assert_eq!(missing("tools/call", v, &none), Some("tools"));
        assert_eq!(missing("ping", v, &none), None);
        assert_eq!(
            missing("completion/complete", ProtocolVersion::V2024_11_05, &none),
            None
        );
        let caps = {
            let mut server_capabilities = ServerCapabilities::default();
            server_capabilities.tools = Some(ListChangedCapability::default());
            server_capabilities.resources = Some(ResourcesCapability::default());
            server_capabilities
        };
        assert_eq!(missing("tools/list", v, &caps), None);
        assert_eq!(missing("resources/read", v, &caps), None);
        assert_eq!(
            missing("resources/subscribe", v, &caps),
            Some("resources.subscribe")
        );
    }
}
