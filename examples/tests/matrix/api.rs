//! The public API of `mcp-client` that talks to a server, read from its source: every `pub
//! fn` of an `impl Client` or `impl ClientBuilder` block, and of the handles it returns. Each
//! must name the cell that runs it, or say why it needs none, so a new public call fails
//! `every_public_client_call_has_a_cell` until the matrix runs it.

use super::cells::Call;

/// What covers a public function: the cell that runs it, or why none is needed.
pub(crate) enum Covered {
    /// Run by this cell (in every transport and version).
    By(Call),
    /// Needs no cell of its own.
    Not(&'static str),
}

use Covered::{By, Not};

/// Every public function of the client's handles, by `Type::name`.
pub(crate) const API: &[(&str, Covered)] = &[
    ("Client::ping", By(Call::Ping)),
    ("Client::discover", By(Call::Discover)),
    ("Client::list_tools", By(Call::ListTools)),
    ("Client::list_all_tools", By(Call::ListAllTools)),
    ("Client::call_tool", By(Call::CallTool)),
    ("Client::call_tool_with", By(Call::CallToolWithProgress)),
    ("Client::call_tool_structured", By(Call::CallToolStructured)),
    ("Client::list_resources", By(Call::ListResources)),
    ("Client::list_all_resources", By(Call::ListAllResources)),
    (
        "Client::list_resource_templates",
        By(Call::ListResourceTemplates),
    ),
    (
        "Client::list_all_resource_templates",
        By(Call::ListAllResourceTemplates),
    ),
    ("Client::read_resource", By(Call::ReadResource)),
    ("Client::subscribe_resource", By(Call::SubscribeResource)),
    (
        "Client::unsubscribe_resource",
        By(Call::UnsubscribeResource),
    ),
    ("Client::list_prompts", By(Call::ListPrompts)),
    ("Client::list_all_prompts", By(Call::ListAllPrompts)),
    ("Client::get_prompt", By(Call::GetPrompt)),
    ("Client::complete", By(Call::Complete)),
    ("Client::set_log_level", By(Call::SetLogLevel)),
    ("Client::set_roots", By(Call::SetRoots)),
    ("Client::listen", By(Call::Listen)),
    ("Client::call_tool_as_task", By(Call::CallToolAsTask)),
    ("Client::get_task", By(Call::GetTask)),
    ("Client::task_result", By(Call::TaskResult)),
    ("Client::list_tasks", By(Call::ListTasks)),
    ("Client::cancel_task", By(Call::CancelTask)),
    ("Client::update_task", By(Call::UpdateTask)),
    ("Client::answer_task_input", By(Call::AnswerTaskInput)),
    ("Client::notifications", By(Call::LogMessages)),
    (
        "Client::request",
        Not("generic: every typed call above goes through it"),
    ),
    (
        "Client::request_with",
        Not("generic: call_tool_with goes through it"),
    ),
    (
        "Client::request_outcome",
        Not("generic: call_tool_as_task goes through it in 2026-07-28"),
    ),
    (
        "Client::builder",
        Not("every cell's client is built with it"),
    ),
    (
        "Client::connect",
        Not("ClientBuilder::connect with the defaults"),
    ),
    (
        "Client::spawn",
        Not("ClientBuilder::spawn with the defaults"),
    ),
    (
        "Client::connect_http",
        Not("ClientBuilder::connect_http with the defaults"),
    ),
    ("Client::negotiated", By(Call::Initialize)),
    (
        "Client::protocol_version",
        Not("local: what negotiated() holds"),
    ),
    (
        "Client::server_capabilities",
        Not("local: what negotiated() holds"),
    ),
    ("Client::server_info", Not("local: what negotiated() holds")),
    (
        "Client::instructions",
        Not("local: what negotiated() holds"),
    ),
    ("Client::close", Not("local: ends the connection")),
    ("Client::close_reason", Not("local")),
    ("Client::is_closed", Not("local")),
    ("ClientBuilder::connect", By(Call::Initialize)),
    ("ClientBuilder::spawn", By(Call::Initialize)),
    (
        "ClientBuilder::spawn_command",
        Not("ClientBuilder::spawn's general form"),
    ),
    ("ClientBuilder::connect_http", By(Call::Initialize)),
    ("ClientBuilder::on_sampling", By(Call::Sampling)),
    ("ClientBuilder::on_elicitation", By(Call::Elicitation)),
    ("ClientBuilder::roots", By(Call::Roots)),
    ("ClientBuilder::tasks_extension", By(Call::CallToolAsTask)),
    ("ClientBuilder::log_level", By(Call::LogMessages)),
];

/// The builder's settings that only configure: not calls.
pub(crate) const SETTINGS: &[&str] = &[
    "ClientBuilder::new",
    "ClientBuilder::client_info",
    "ClientBuilder::implementation",
    "ClientBuilder::versions",
    "ClientBuilder::request_timeout",
    "ClientBuilder::max_request_duration",
    "ClientBuilder::discover_timeout",
    "ClientBuilder::max_message_size",
    "ClientBuilder::max_input_rounds",
    "ClientBuilder::reinitialize_on_expiry",
    "ClientBuilder::elicitation_url_mode",
    // Declarations of what the sampling handler supports (`sampling.tools`,
    // `sampling.context`); what a server may send for each is tested in mcp-server's
    // tests/server/feature_rules.rs (row 6.8): everything-server asks for neither.
    "ClientBuilder::sampling_tools",
    "ClientBuilder::sampling_context",
];

/// The `Type::name` of every `pub fn` / `pub async fn` in an `impl Client` or
/// `impl ClientBuilder` block of `source` (a block ends at the first line that is `}`).
pub(crate) fn public_fns(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<&str> = None;
    for line in source.lines() {
        if let Some(rest) = line.strip_prefix("impl ") {
            current = match rest.trim_end_matches(" {").trim() {
                "Client" => Some("Client"),
                "ClientBuilder" => Some("ClientBuilder"),
                _ => None,
            };
            continue;
        }
        if line == "}" {
            current = None;
            continue;
        }
        let Some(ty) = current else { continue };
        let trimmed = line.trim_start();
        let name = trimmed
            .strip_prefix("pub async fn ")
            .or_else(|| trimmed.strip_prefix("pub fn "));
        if let Some(name) = name {
            let name: String = name
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(format!("{ty}::{name}"));
        }
    }
    found
}
