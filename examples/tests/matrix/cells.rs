//! The matrix's axes and its tables: every public call of `mcp-client` ([`Call`]), the
//! transports ([`Transport`]), the protocol versions, which method each call exercises and in
//! which versions that method exists ([`METHODS`], from the spec's schemas), the cells the
//! spec rules out ([`EXCUSED`]) and the cells that fail today because of a known violation
//! ([`KNOWN_BROKEN`], strict: they must still fail).

use mcp_protocol::ProtocolVersion as V;

/// How the client reaches the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Transport {
    /// An in-memory pair, the server's library in this process.
    Memory,
    /// The `everything-server` binary as a child process (basic/transports §stdio).
    Stdio,
    /// Streamable HTTP with `Mcp-Session-Id` (2025-03-26 … 2025-11-25).
    HttpSession,
    /// Streamable HTTP without sessions (2026-07-28).
    HttpStateless,
    /// The deprecated HTTP+SSE transport of 2024-11-05 (`GET /sse`, `POST /messages`), which
    /// the client falls back to in every session-era version (basic/transports
    /// §Backwards Compatibility).
    LegacySse,
}

impl Transport {
    /// Every transport, in run order.
    pub(crate) const ALL: [Self; 5] = [
        Self::Memory,
        Self::Stdio,
        Self::HttpSession,
        Self::HttpStateless,
        Self::LegacySse,
    ];
}

/// The versions of the matrix. `V::ALL` must not grow without this list (and [`METHODS`])
/// growing too: `versions_are_the_protocols` checks it.
pub(crate) const VERSIONS: [V; 5] = [
    V::V2024_11_05,
    V::V2025_03_26,
    V::V2025_06_18,
    V::V2025_11_25,
    V::V2026_07_28,
];

/// Every public call of `mcp-client` that talks to the server, and every message either
/// side can send that a call of the client provokes or handles. The matches over it are
/// exhaustive: a new variant does not compile until it has a method and a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(
    clippy::enum_variant_names,
    reason = "the variants are named after the client's methods (call_tool, call_tool_as_task)"
)]
pub(crate) enum Call {
    /// `ClientBuilder::connect` / `spawn` / `connect_http` in the session era: `initialize`
    /// and `notifications/initialized`.
    Initialize,
    /// `Client::discover` (and the connect of 2026-07-28).
    Discover,
    /// `Client::ping`.
    Ping,
    /// `Client::list_tools`.
    ListTools,
    /// `Client::list_all_tools`.
    ListAllTools,
    /// `Client::call_tool`.
    CallTool,
    /// `Client::call_tool_with` with `CallOptions::on_progress`: `notifications/progress`.
    CallToolWithProgress,
    /// `Client::call_tool_structured` (a failing tool: `Error::ToolFailed`).
    CallToolStructured,
    /// `Client::list_resources`.
    ListResources,
    /// `Client::list_all_resources`.
    ListAllResources,
    /// `Client::list_resource_templates`.
    ListResourceTemplates,
    /// `Client::list_all_resource_templates`.
    ListAllResourceTemplates,
    /// `Client::read_resource` (a static resource and the template).
    ReadResource,
    /// `Client::subscribe_resource`, then `notifications/resources/updated`.
    SubscribeResource,
    /// `Client::unsubscribe_resource`.
    UnsubscribeResource,
    /// `Client::list_prompts`.
    ListPrompts,
    /// `Client::list_all_prompts`.
    ListAllPrompts,
    /// `Client::get_prompt` with arguments.
    GetPrompt,
    /// `Client::complete` of a prompt argument.
    Complete,
    /// `Client::set_log_level`.
    SetLogLevel,
    /// `Client::notifications`: the three `notifications/message` of a logging tool.
    LogMessages,
    /// `notifications/tools/list_changed` (session era: `Client::notifications`; 2026-07-28:
    /// a `subscriptions/listen` stream).
    ToolListChanged,
    /// `notifications/prompts/list_changed`, as above.
    PromptListChanged,
    /// `Client::listen`: `subscriptions/listen`, its acknowledgement, then a resource update.
    Listen,
    /// `ClientBuilder::on_sampling`: `sampling/createMessage` (a server-to-client request,
    /// or an MRTR input request in 2026-07-28).
    Sampling,
    /// `ClientBuilder::on_elicitation`: `elicitation/create`, as above.
    Elicitation,
    /// `ClientBuilder::roots`: `roots/list`, as above.
    Roots,
    /// `Client::set_roots`: `notifications/roots/list_changed`, then the new roots listed.
    SetRoots,
    /// Several input requests in one round, and a second round (`requestState`).
    MultiRoundInput,
    /// `CallOptions::cancel_with`: `notifications/cancelled` (2026-07-28 HTTP: the closed
    /// stream), the call ends with `Error::Cancelled`, the connection goes on.
    Cancel,
    /// `Client::call_tool_as_task`: a task is created.
    CallToolAsTask,
    /// `Client::get_task`, polled until the task completes.
    GetTask,
    /// `Client::task_result`.
    TaskResult,
    /// `Client::list_tasks`.
    ListTasks,
    /// `Client::cancel_task` of a running task.
    CancelTask,
    /// `Client::notifications`: `notifications/tasks/status` of a task it created.
    TaskStatus,
    /// `Client::update_task` with hand-made responses to a task's input requests.
    UpdateTask,
    /// `Client::answer_task_input`: the handlers answer a task's input requests.
    AnswerTaskInput,
}

impl Call {
    /// Every call, in run order (a session's state carries from one to the next: the log
    /// level is set before the logs are awaited, the task is created before it is polled).
    pub(crate) const ALL: [Self; 38] = [
        Self::Initialize,
        Self::Discover,
        Self::Ping,
        Self::ListTools,
        Self::ListAllTools,
        Self::CallTool,
        Self::CallToolWithProgress,
        Self::CallToolStructured,
        Self::ListResources,
        Self::ListAllResources,
        Self::ListResourceTemplates,
        Self::ListAllResourceTemplates,
        Self::ReadResource,
        Self::SubscribeResource,
        Self::UnsubscribeResource,
        Self::ListPrompts,
        Self::ListAllPrompts,
        Self::GetPrompt,
        Self::Complete,
        Self::SetLogLevel,
        Self::LogMessages,
        Self::ToolListChanged,
        Self::PromptListChanged,
        Self::Listen,
        Self::Sampling,
        Self::Elicitation,
        Self::Roots,
        Self::SetRoots,
        Self::MultiRoundInput,
        Self::Cancel,
        Self::CallToolAsTask,
        Self::GetTask,
        Self::TaskResult,
        Self::ListTasks,
        Self::CancelTask,
        Self::TaskStatus,
        Self::UpdateTask,
        Self::AnswerTaskInput,
    ];

    /// The call's place in [`Call::ALL`]. The match is exhaustive, so a new variant needs a
    /// place, and `every_call_is_in_all` fails until `ALL` has it there.
    pub(crate) fn position(self) -> usize {
        match self {
            Self::Initialize => 0,
            Self::Discover => 1,
            Self::Ping => 2,
            Self::ListTools => 3,
            Self::ListAllTools => 4,
            Self::CallTool => 5,
            Self::CallToolWithProgress => 6,
            Self::CallToolStructured => 7,
            Self::ListResources => 8,
            Self::ListAllResources => 9,
            Self::ListResourceTemplates => 10,
            Self::ListAllResourceTemplates => 11,
            Self::ReadResource => 12,
            Self::SubscribeResource => 13,
            Self::UnsubscribeResource => 14,
            Self::ListPrompts => 15,
            Self::ListAllPrompts => 16,
            Self::GetPrompt => 17,
            Self::Complete => 18,
            Self::SetLogLevel => 19,
            Self::LogMessages => 20,
            Self::ToolListChanged => 21,
            Self::PromptListChanged => 22,
            Self::Listen => 23,
            Self::Sampling => 24,
            Self::Elicitation => 25,
            Self::Roots => 26,
            Self::SetRoots => 27,
            Self::MultiRoundInput => 28,
            Self::Cancel => 29,
            Self::CallToolAsTask => 30,
            Self::GetTask => 31,
            Self::TaskResult => 32,
            Self::ListTasks => 33,
            Self::CancelTask => 34,
            Self::TaskStatus => 35,
            Self::UpdateTask => 36,
            Self::AnswerTaskInput => 37,
        }
    }

    /// The method (request or notification) whose existence decides the cell: the one the
    /// call is about.
    pub(crate) fn method(self) -> &'static str {
        match self {
            Self::Initialize => "initialize",
            Self::Discover => "server/discover",
            Self::Ping => "ping",
            Self::ListTools | Self::ListAllTools => "tools/list",
            Self::CallTool | Self::CallToolStructured => "tools/call",
            Self::CallToolWithProgress => "notifications/progress",
            Self::ListResources | Self::ListAllResources => "resources/list",
            Self::ListResourceTemplates | Self::ListAllResourceTemplates => {
                "resources/templates/list"
            }
            Self::ReadResource => "resources/read",
            Self::SubscribeResource => "resources/subscribe",
            Self::UnsubscribeResource => "resources/unsubscribe",
            Self::ListPrompts | Self::ListAllPrompts => "prompts/list",
            Self::GetPrompt => "prompts/get",
            Self::Complete => "completion/complete",
            Self::SetLogLevel => "logging/setLevel",
            Self::LogMessages => "notifications/message",
            Self::ToolListChanged => "notifications/tools/list_changed",
            Self::PromptListChanged => "notifications/prompts/list_changed",
            Self::Listen => "subscriptions/listen",
            Self::Sampling => "sampling/createMessage",
            Self::Elicitation => "elicitation/create",
            Self::Roots => "roots/list",
            Self::SetRoots => "notifications/roots/list_changed",
            // Several input requests answered in one round, then a second round: MRTR in
            // 2026-07-28, concurrent server-to-client requests before.
            Self::MultiRoundInput => "tools/call",
            Self::Cancel => "notifications/cancelled",
            Self::CallToolAsTask => "tools/call (task)",
            Self::GetTask => "tasks/get",
            Self::TaskResult => "tasks/result",
            Self::ListTasks => "tasks/list",
            Self::CancelTask => "tasks/cancel",
            Self::TaskStatus => "notifications/tasks/status",
            Self::UpdateTask | Self::AnswerTaskInput => "tasks/update",
        }
    }
}

/// Which versions have a method: /work/shared/spec/METHODS.md (each version's schema.json),
/// plus the tasks extension of 2026-07-28 (`io.modelcontextprotocol/tasks`: `tasks/get`,
/// `tasks/update`, `tasks/cancel`, and `tools/call` answered with a task), marked `ext`.
/// In order 2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28.
pub(crate) const METHODS: &[(&str, [bool; 5], &str)] = &[
    ("completion/complete", [true, true, true, true, true], ""),
    ("elicitation/create", [false, false, true, true, true], ""),
    ("initialize", [true, true, true, true, false], ""),
    ("logging/setLevel", [true, true, true, true, false], ""),
    (
        "notifications/cancelled",
        [true, true, true, true, true],
        "",
    ),
    (
        "notifications/elicitation/complete",
        [false, false, false, true, false],
        "",
    ),
    (
        "notifications/initialized",
        [true, true, true, true, false],
        "",
    ),
    ("notifications/message", [true, true, true, true, true], ""),
    ("notifications/progress", [true, true, true, true, true], ""),
    (
        "notifications/prompts/list_changed",
        [true, true, true, true, true],
        "",
    ),
    (
        "notifications/resources/list_changed",
        [true, true, true, true, true],
        "",
    ),
    (
        "notifications/resources/updated",
        [true, true, true, true, true],
        "",
    ),
    (
        "notifications/roots/list_changed",
        [true, true, true, true, false],
        "",
    ),
    (
        "notifications/subscriptions/acknowledged",
        [false, false, false, false, true],
        "",
    ),
    (
        "notifications/tasks/status",
        [false, false, false, true, false],
        "",
    ),
    (
        "notifications/tools/list_changed",
        [true, true, true, true, true],
        "",
    ),
    ("ping", [true, true, true, true, false], ""),
    ("prompts/get", [true, true, true, true, true], ""),
    ("prompts/list", [true, true, true, true, true], ""),
    ("resources/list", [true, true, true, true, true], ""),
    ("resources/read", [true, true, true, true, true], ""),
    ("resources/subscribe", [true, true, true, true, false], ""),
    (
        "resources/templates/list",
        [true, true, true, true, true],
        "",
    ),
    ("resources/unsubscribe", [true, true, true, true, false], ""),
    ("roots/list", [true, true, true, true, true], ""),
    ("sampling/createMessage", [true, true, true, true, true], ""),
    ("server/discover", [false, false, false, false, true], ""),
    (
        "subscriptions/listen",
        [false, false, false, false, true],
        "",
    ),
    ("tasks/cancel", [false, false, false, true, true], "ext"),
    ("tasks/get", [false, false, false, true, true], "ext"),
    ("tasks/list", [false, false, false, true, false], ""),
    ("tasks/result", [false, false, false, true, false], ""),
    ("tasks/update", [false, false, false, false, true], "ext"),
    ("tools/call", [true, true, true, true, true], ""),
    (
        "tools/call (task)",
        [false, false, false, true, true],
        "ext",
    ),
    ("tools/list", [true, true, true, true, true], ""),
];

/// The methods of [`METHODS`] that no [`Call`] is about, with what covers them or why nothing
/// does: `every_method_has_a_call` fails on a method in neither place.
pub(crate) const OTHER_METHODS: &[(&str, &str)] = &[
    (
        "notifications/initialized",
        "sent by every session-era connect: Call::Initialize",
    ),
    (
        "notifications/subscriptions/acknowledged",
        "the first message Call::Listen asserts",
    ),
    (
        "notifications/resources/updated",
        "awaited by Call::SubscribeResource and Call::Listen",
    ),
    (
        "notifications/resources/list_changed",
        "not covered: the everything-server has no hook that changes its resource list",
    ),
    (
        "notifications/elicitation/complete",
        "not covered: the everything-server has no URL-mode elicitation",
    ),
];

/// Whether `method` exists in `version` ([`METHODS`]); panics on a method not in the table.
pub(crate) fn exists(method: &str, version: V) -> bool {
    let (_, present, _) = METHODS
        .iter()
        .find(|(m, _, _)| *m == method)
        .unwrap_or_else(|| panic!("{method} is not in METHODS"));
    let i = VERSIONS
        .iter()
        .position(|v| *v == version)
        .expect("a version of the matrix");
    present[i]
}

/// A rule of [`EXCUSED`]: the cells it matches (an empty list matches everything) and why
/// the spec rules them out.
pub(crate) struct Excuse {
    pub(crate) calls: &'static [Call],
    pub(crate) transports: &'static [Transport],
    pub(crate) versions: &'static [V],
    pub(crate) reason: &'static str,
}

const SESSION_VERSIONS: &[V] = &[
    V::V2024_11_05,
    V::V2025_03_26,
    V::V2025_06_18,
    V::V2025_11_25,
];

/// The cells the spec rules out, beyond "the method does not exist in the version" (those
/// are run too: the client must refuse them locally, see `run::run`), and those where a
/// method's absence leaves nothing to call or refuse.
pub(crate) const EXCUSED: &[Excuse] = &[
    Excuse {
        calls: &[Call::TaskStatus],
        transports: &[],
        versions: &[
            V::V2024_11_05,
            V::V2025_03_26,
            V::V2025_06_18,
            V::V2026_07_28,
        ],
        reason: "notifications/tasks/status exists only in 2025-11-25 (METHODS.md; the 2026 \
                 tasks extension polls tasks/get): a server notification, nothing to call or \
                 refuse elsewhere",
    },
    Excuse {
        calls: &[],
        transports: &[Transport::HttpSession],
        versions: &[V::V2024_11_05],
        reason: "Streamable HTTP starts with 2025-03-26 (2025-03-26 basic/transports \
                 §Streamable HTTP); a 2024-11-05 peer speaks HTTP+SSE",
    },
    Excuse {
        calls: &[],
        transports: &[Transport::HttpSession, Transport::LegacySse],
        versions: &[V::V2026_07_28],
        reason: "2026-07-28 has no sessions (basic/transports: no Mcp-Session-Id, no GET \
                 stream); its HTTP is the stateless one",
    },
    Excuse {
        calls: &[],
        transports: &[Transport::HttpStateless],
        versions: SESSION_VERSIONS,
        reason: "the session era's Streamable HTTP has sessions (Mcp-Session-Id after \
                 initialize): that is the HttpSession column",
    },
];

/// The reason a cell is excused, if it is.
pub(crate) fn excused(call: Call, transport: Transport, version: V) -> Option<&'static str> {
    EXCUSED
        .iter()
        .find(|e| {
            (e.calls.is_empty() || e.calls.contains(&call))
                && (e.transports.is_empty() || e.transports.contains(&transport))
                && (e.versions.is_empty() || e.versions.contains(&version))
        })
        .map(|e| e.reason)
}

/// A cell that fails today because of a violation in the spec audit
/// (/work/shared/notes/spec-audit.md) being fixed elsewhere. The suite asserts it still
/// fails, so whoever merges the fix must remove its line.
pub(crate) struct Broken {
    pub(crate) call: Call,
    pub(crate) transport: Transport,
    pub(crate) version: V,
    /// The audit row, and what goes wrong.
    pub(crate) row: &'static str,
}

/// Cells failing because of a known violation.
pub(crate) const KNOWN_BROKEN: &[Broken] = &[
    // None today. 7.25 (no Mcp-Name on tasks/get, tasks/update, tasks/cancel over 2026 HTTP)
    // held get_task, cancel_task, update_task and answer_task_input until mcp-client sent it.
];

/// The audit row of a known broken cell, if it is one.
pub(crate) fn known_broken(call: Call, transport: Transport, version: V) -> Option<&'static str> {
    KNOWN_BROKEN
        .iter()
        .find(|b| b.call == call && b.transport == transport && b.version == version)
        .map(|b| b.row)
}
