//! [`ServerCheck`]: the server scenarios of `mcp-conformance server` as a library call, for a
//! crate that checks its own server from `cargo test`.

use std::fmt;
use std::time::{Duration, Instant};

use mcp_protocol::ProtocolVersion;

use crate::progress::Progress;
use crate::report::Report;
use crate::scenario::server::{ServerScenario, scenarios};
use crate::target::{Endpoint, Target, ToolPolicy};
use crate::{runner, target};

/// A check of one MCP server by every server scenario (or those a filter selects), in every
/// protocol version (or those chosen), as `mcp-conformance server` runs them: the same
/// scenarios, options and report.
///
/// ```
/// use mcp_conformance::ServerCheck;
/// use mcp_server::{RequestContext, Server, ToolDef};
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Add {
///     /// The first term.
///     a: i64,
///     /// The second term.
///     b: i64,
/// }
///
/// let server = Server::builder("calculator", "1.0.0").build();
/// server
///     .add_tool(ToolDef::new("add", |args: Add, _: RequestContext| async move {
///         format!("{}", args.a + args.b)
///     }))
///     .unwrap();
///
/// let report = ServerCheck::memory(server).run().expect("the server answers");
/// assert!(report.failed().is_empty(), "{}", report.table());
/// ```
#[derive(Clone, Debug)]
pub struct ServerCheck {
    target: Target,
    versions: Vec<ProtocolVersion>,
    filter: Option<String>,
}

/// Why a check could not run at all (a run that finds failures is a [`Report`], not this).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The filter selects no scenario (`mcp-conformance` exits 2).
    NothingSelected(String),
    /// The target cannot be started or reached: it did not answer the opening of a session
    /// with a single JSON-RPC message (`mcp-conformance` exits 2). The reason.
    Unreachable(String),
    /// A `header` was not `"Name: value"`, or an option was out of range.
    Usage(String),
    /// No runtime could be started.
    Runtime(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NothingSelected(filter) => write!(f, "no scenario matches {filter:?}"),
            Self::Unreachable(why) => write!(f, "the target cannot be reached: {why}"),
            Self::Usage(why) => f.write_str(why),
            Self::Runtime(e) => write!(f, "no runtime: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl ServerCheck {
    fn new(target: Target) -> Self {
        Self {
            target,
            versions: Vec::new(),
            filter: None,
        }
    }

    /// A server in this process, spoken to over an in-memory pipe with the framing of stdio
    /// (each scenario gets its own connection, served on a task of the check's runtime).
    pub fn memory(server: mcp_server::Server) -> Self {
        Self::new(Target::memory(server))
    }

    /// The server `command` starts (run by `sh -c`, a new process for each scenario),
    /// spoken to over stdio.
    pub fn command(command: impl Into<String>) -> Self {
        Self::new(Target::command(command))
    }

    /// The server at the MCP endpoint `url`, spoken to over Streamable HTTP.
    pub fn url(url: impl Into<String>) -> Self {
        Self::new(Target::url(Endpoint::new(url)))
    }

    /// Sends `header` (`"Name: value"`, an `Authorization` bearer token for example) with
    /// every request to a [`url`](Self::url) target.
    ///
    /// # Errors
    /// [`Error::Usage`] when it is not a valid header, or the target is not a URL.
    pub fn header(mut self, header: &str) -> Result<Self, Error> {
        let target::Place::Url(endpoint) = &mut self.target.place else {
            return Err(Error::Usage("headers go with a URL target".into()));
        };
        let parsed = crate::cli::headers(&[header.to_owned()]).map_err(Error::Usage)?;
        endpoint.headers.extend(parsed);
        Ok(self)
    }

    /// Runs in `version` (call again for more); by default in every version. A version the
    /// target does not serve is skipped, saying so.
    pub fn version(mut self, version: ProtocolVersion) -> Self {
        self.versions.push(version);
        self
    }

    /// Runs only the scenarios whose name contains `text` (`--scenario`).
    pub fn scenario(mut self, text: impl Into<String>) -> Self {
        self.filter = Some(text.into());
        self
    }

    /// How long a request waits for its answer (`--answer-within`; 10 s by default).
    pub fn answer_within(mut self, wait: Duration) -> Self {
        self.target.options.answer_wait = wait;
        self
    }

    /// How long a tool call with generated arguments waits before it is cancelled and, if
    /// the server still answers a ping, not judged (`--call-within`; 3 s by default).
    pub fn call_within(mut self, wait: Duration) -> Self {
        self.target.options.call_wait = wait;
        self
    }

    /// Calls every tool the server lists, whatever its annotations say (`--call-tools all`).
    /// By default only tools annotated `readOnlyHint: true` (and neither `destructiveHint`
    /// nor `openWorldHint`) are called, as a run against a server with real data must; a
    /// test of one's own server, whose tools are harmless, usually wants them all.
    pub fn call_all_tools(mut self) -> Self {
        self.target.options.tools = ToolPolicy::all();
        self
    }

    /// Which tools may be called (the command's `--call-tools`, `--allow-tool`,
    /// `--deny-tool`).
    pub(crate) fn tools(mut self, policy: ToolPolicy) -> Self {
        self.target.options.tools = policy;
        self
    }

    /// How many scenarios run at once (`--jobs`; by default the number of cores).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.target.options.jobs = jobs.max(1);
        self
    }

    /// Runs the check on a runtime of its own, blocking until it is done.
    ///
    /// # Errors
    /// When it cannot run at all: see [`Error`].
    ///
    /// # Panics
    /// When called on a thread that runs an async runtime (tokio refuses to block there);
    /// call it from a plain `#[test]`.
    pub fn run(&self) -> Result<Report, Error> {
        self.run_with(&Progress::Quiet)
    }

    /// The scenarios chosen, or the error when there are none.
    pub(crate) fn chosen(&self) -> Result<Vec<ServerScenario>, Error> {
        let chosen: Vec<_> = scenarios()
            .into_iter()
            .filter(|s| self.filter.as_deref().is_none_or(|f| s.name.contains(f)))
            .collect();
        if chosen.is_empty() {
            return Err(Error::NothingSelected(
                self.filter.clone().unwrap_or_default(),
            ));
        }
        Ok(chosen)
    }

    /// [`ServerCheck::run`], showing progress as `progress` says.
    pub(crate) fn run_with(&self, progress: &Progress) -> Result<Report, Error> {
        let chosen = self.chosen()?;
        let versions = if self.versions.is_empty() {
            ProtocolVersion::ALL.to_vec()
        } else {
            self.versions.clone()
        };
        let started = Instant::now();
        let jobs = self.target.options.jobs;
        let rt = runner::runtime(jobs).map_err(Error::Runtime)?;
        let target = self.target.for_new_run();
        // A target that cannot be spoken to would fail every scenario for that one reason.
        rt.block_on(target::preflight(&target, &versions))
            .map_err(Error::Unreachable)?;
        let tasks = runner::server_tasks(&target, &chosen, &versions);
        let records = runner::run_tasks(&rt, jobs, progress, tasks);
        Ok(Report {
            records,
            elapsed: started.elapsed(),
        })
    }
}
