//! Reference scenarios: the bundled reference server ([`server`], built with `mcp-server`)
//! driven by the bundled client (`mcp-client`), for one protocol version at a time, over
//! one transport: in memory (JSON round trip included) or stdio (this binary re-executed
//! as `mcp-conformance reference-server --stdio`).
//!
//! Every check keeps evidence as it goes (the values sent and received, one line each);
//! a failure reports them with the reason.

pub(crate) mod client;
mod features;
pub(crate) mod server;
mod session;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::future::BoxFuture;
use mcp_client::{Client, ClientBuilder};
use mcp_protocol::methods::{
    CreateMessageParams, CreateMessageResult, ElicitParams, ElicitResult, Root,
    SamplingMessageContentBlock,
};
use mcp_protocol::rt::memory;
use mcp_protocol::types::LoggingLevel;
use mcp_protocol::{ProtocolVersion, SupportedVersions};
use serde_json::json;

use super::{Outcome, Run, Scenario, Severity};

/// How the reference client reaches the reference server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Transport {
    /// An in-memory pair in one process; every message is serialized and parsed.
    Memory,
    /// A child process (this binary, `reference-server --stdio`), newline-delimited JSON.
    Stdio,
    /// Streamable HTTP on a loopback port: the wire-level server scenarios only (the
    /// reference client's scenarios run over the other two).
    Http,
}

impl Transport {
    /// Every transport, in the order the scenarios run.
    pub(crate) const ALL: [Self; 2] = [Self::Memory, Self::Stdio];

    /// Its name on the command line and in reports.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::Stdio => "stdio",
            Self::Http => "http",
        }
    }
}

/// A reference check: drives a [`Ctx`], returning why it failed.
pub(crate) type Check = for<'a> fn(&'a mut Ctx) -> BoxFuture<'a, Result<(), String>>;

/// No scenario may take longer than this; one that does failed (it hung).
const LIMIT: Duration = Duration::from_secs(10);

/// The reference scenarios, once per transport.
pub(super) fn scenarios() -> Vec<Scenario> {
    // (name, spec, severity, check, the requirements it checks)
    #[allow(clippy::type_complexity)]
    let table: [(
        &'static str,
        &'static str,
        Severity,
        Check,
        &'static [&'static str],
    ); 12] = [
        (
            "reference/negotiation",
            "basic/lifecycle §Initialization; 2026-07-28 basic/versioning §Discovery",
            Severity::Must,
            session::negotiation,
            &["1.20", "2.2", "2.3", "2.4"],
        ),
        (
            "reference/negotiation-down",
            "basic/lifecycle §Version Negotiation; 2026-07-28 basic/versioning §Backward Compatibility",
            Severity::Must,
            session::negotiation_down,
            &["2.6"],
        ),
        (
            "reference/version-mismatch",
            "basic/lifecycle §Version Negotiation (disconnect); 2026-07-28 UnsupportedProtocolVersionError",
            Severity::Must,
            session::mismatch,
            &["1.19", "2.7"],
        ),
        (
            "reference/tools",
            "server/tools §Listing Tools, §Calling Tools, §Structured Content, §Error Handling",
            Severity::Must,
            features::tools,
            &["5.5", "5.6"],
        ),
        (
            "reference/progress",
            "basic/utilities/progress",
            Severity::Should,
            features::progress,
            &["7.6"],
        ),
        (
            "reference/resources",
            "server/resources §Listing, §Reading, §Resource Templates, §Error Handling",
            Severity::Must,
            features::resources,
            &["5.13"],
        ),
        (
            "reference/prompts",
            "server/prompts §Listing Prompts, §Getting a Prompt",
            Severity::Must,
            features::prompts,
            &["5.16"],
        ),
        (
            "reference/completion",
            "server/utilities/completion",
            Severity::Must,
            features::completion,
            &["5.17"],
        ),
        (
            "reference/logging",
            "server/utilities/logging; 2026-07-28 per-request logLevel",
            Severity::Must,
            session::logging,
            &["5.19"],
        ),
        (
            "reference/resource-updates",
            "server/resources §Subscriptions; 2026-07-28 subscriptions/listen",
            Severity::Must,
            session::updates,
            &["5.12", "5.24"],
        ),
        (
            "reference/client-input",
            "client/sampling, client/elicitation, client/roots; 2026-07-28 MRTR (input_required)",
            Severity::Must,
            session::client_input,
            &["6.1", "6.7"],
        ),
        (
            "reference/tasks",
            "2025-11-25 basic/utilities/tasks; 2026-07-28 io.modelcontextprotocol/tasks",
            Severity::Must,
            session::tasks,
            &["7.15", "7.21"],
        ),
    ];
    Transport::ALL
        .into_iter()
        .flat_map(|transport| {
            table.iter().map(
                move |&(name, spec, severity, check, requirements)| Scenario {
                    name,
                    spec,
                    severity,
                    requirements,
                    transport: Some(transport),
                    run: Run::Reference(check),
                },
            )
        })
        .collect()
}

/// Runs `check` for `version` over `transport` on a runtime of its own, bounded by
/// [`LIMIT`].
pub(super) fn run(check: Check, version: ProtocolVersion, transport: Transport) -> Outcome {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return Outcome::fail(format!("no runtime: {e}"), vec![]),
    };
    let mut ctx = Ctx::new(version, transport);
    let result = runtime.block_on(async {
        match tokio::time::timeout(LIMIT, check(&mut ctx)).await {
            Ok(r) => r,
            Err(_) => Err(format!("no result within {LIMIT:?}: the exchange hung")),
        }
    });
    match result {
        Ok(()) => Outcome::pass_with(ctx.evidence),
        Err(reason) if reason.starts_with(SKIP) => Outcome::skip(&reason[SKIP.len()..]),
        Err(reason) => Outcome::fail(reason, ctx.evidence),
    }
}

/// A check that does not apply returns `Err(skip("why"))`.
const SKIP: &str = "\0skip:";

/// The error a check returns to skip the version it was given.
pub(super) fn skip(reason: &str) -> String {
    format!("{SKIP}{reason}")
}

/// What the client's handlers were asked, one line per request.
type Seen = Arc<Mutex<Vec<String>>>;

/// A check's state: the version and transport under test, and the evidence so far.
pub(crate) struct Ctx {
    version: ProtocolVersion,
    transport: Transport,
    evidence: Vec<String>,
    seen: Seen,
}

impl Ctx {
    /// A fresh context for `version` over `transport`, with no evidence yet.
    pub(crate) fn new(version: ProtocolVersion, transport: Transport) -> Self {
        Self {
            version,
            transport,
            evidence: Vec::new(),
            seen: Seen::default(),
        }
    }

    /// Keeps `value` (as JSON) as evidence under `label`, and returns it as JSON.
    pub(super) fn note(&mut self, label: &str, value: &impl serde::Serialize) -> serde_json::Value {
        let value = serde_json::to_value(value).unwrap_or_default();
        self.evidence.push(format!("{label}: {value}"));
        value
    }

    /// What the client's handlers were asked since the last call.
    pub(super) fn take_seen(&mut self) -> Vec<String> {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The reference client, restricted to the version under test, connected to a
    /// reference server of every version.
    pub(super) async fn client(&mut self) -> Result<Client, String> {
        let only = SupportedVersions::new([self.version]);
        self.connect(only, SupportedVersions::default())
            .await
            .map_err(|e| format!("connecting: {e}"))
    }

    /// The reference client speaking `client` against a reference server speaking `server`.
    pub(super) async fn connect(
        &mut self,
        client: SupportedVersions,
        server: SupportedVersions,
    ) -> mcp_client::Result<Client> {
        self.evidence.push(format!(
            "connect over {}: client {:?}, server {:?}",
            self.transport.as_str(),
            client
                .as_slice()
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>(),
            server
                .as_slice()
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>(),
        ));
        let builder = self.builder(client);
        match self.transport {
            Transport::Memory => {
                let (ours, theirs) = memory::pair(memory::Mode::Serialized);
                let server = server::build(server);
                tokio::spawn(async move { server.serve(theirs).await });
                builder.connect(ours).await
            }
            Transport::Stdio => {
                let exe = std::env::current_exe().map_err(mcp_client::Error::Spawn)?;
                let mut command = std::process::Command::new(exe);
                command.args(["reference-server", "--stdio"]);
                for v in server.as_slice() {
                    command.args(["--version", v.as_str()]);
                }
                builder.spawn_command(command).await
            }
            Transport::Http => Err(mcp_client::Error::Spawn(std::io::Error::other(
                "the reference client runs over memory and stdio only",
            ))),
        }
    }

    /// The reference client's builder: its info, `versions`, timeouts, log level, the tasks
    /// extension, and the handlers (sampling answers "Paris", elicitation accepts
    /// `{"name": "Ada"}`, one root), which note what they were asked.
    pub(crate) fn builder(&self, versions: SupportedVersions) -> ClientBuilder {
        let (sampling, elicitation) = (self.seen.clone(), self.seen.clone());
        Client::builder()
            .client_info("mcp-conformance-client", env!("CARGO_PKG_VERSION"))
            .versions(versions)
            .request_timeout(Duration::from_secs(5))
            .discover_timeout(Duration::from_secs(2))
            .log_level(LoggingLevel::Info)
            .tasks_extension(true)
            .on_sampling(move |p: CreateMessageParams| {
                let seen = sampling.clone();
                async move {
                    let text = p
                        .messages
                        .first()
                        .and_then(|m| m.content.blocks().first()?.as_text());
                    let line = format!(
                        "sampling {:?} maxTokens={}",
                        text.unwrap_or_default(),
                        p.max_tokens
                    );
                    seen.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(line);
                    Ok(CreateMessageResult::new(
                        "reference-model",
                        SamplingMessageContentBlock::text("Paris"),
                    ))
                }
            })
            .on_elicitation(move |p: ElicitParams| {
                let seen = elicitation.clone();
                async move {
                    let line = format!("elicitation {:?}", p.message());
                    seen.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(line);
                    let content = json!({"name": "Ada"}).as_object().cloned();
                    Ok(ElicitResult::accept(content))
                }
            })
            .roots(vec![Root::new("file:///workspace").with_name("workspace")])
    }
}

/// Fails the check with a message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($why:tt)+) => {
        if !$cond {
            return Err(format!($($why)+));
        }
    };
}

/// Fails the check unless `got == want`, saying what was compared.
macro_rules! same {
    ($got:expr, $want:expr, $what:expr) => {{
        let (got, want) = (&$got, &$want);
        if got != want {
            let json = |v: &dyn $crate::scenario::reference::erased::Show| v.show();
            return Err(format!(
                "{}: got {}, expected {}",
                $what,
                json(got),
                json(want)
            ));
        }
    }};
}

pub(super) use {ensure, same};

/// Values shown as JSON in failure reasons (as on the wire), not as Rust debug output.
pub(super) mod erased {
    /// Shows a compared value.
    pub(crate) trait Show {
        /// The value as compact JSON.
        fn show(&self) -> String;
    }

    impl<T: serde::Serialize + ?Sized> Show for T {
        fn show(&self) -> String {
            serde_json::to_string(self).unwrap_or_else(|e| format!("<{e}>"))
        }
    }
}
