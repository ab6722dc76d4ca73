//! Command line: `run`, `list`, `server`, `client`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use mcp_protocol::ProtocolVersion;

use crate::check::{Error as CheckError, ServerCheck};
use crate::progress::Progress;
use crate::report::{Record, Report};
use crate::runner;
use crate::scenario::{self, Transport};
use crate::target::{CallTools, Endpoint, Target, ToolPolicy};

/// Conformance testing for Model Context Protocol servers and clients.
#[derive(Debug, Parser)]
#[command(
    name = "mcp-conformance",
    version,
    about,
    after_help = "Exit codes: 0 nothing failed; 1 a scenario failed; 2 a usage error: a wrong \
                  command line, filters that select no scenario, or a target that cannot be \
                  started or reached (the reason is on standard error)."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run every scenario against this workspace's own implementation (the main job).
    Run(RunArgs),
    /// List the scenarios: name, severity, spec reference.
    List,
    /// Check the golden transcripts (`golden/<version>/<scenario>.jsonl` next to this crate's
    /// manifest) against a fresh run of the reference pair; exit 1 on any difference.
    /// `--bless` writes them anew instead.
    Golden(GoldenArgs),
    /// Print the requirements table: each MUST and SHOULD of 2025-11-25 and 2026-07-28 (ID,
    /// revision, level, the party it binds, section, a paraphrase) with the tests and
    /// conformance scenarios that check it on the server and on the client side, or the
    /// reason none can. Generated from the `// requirement: ID` annotations of the
    /// workspace's tests and the scenarios' declarations.
    Requirements(RequirementsArgs),
    /// Test a server: `--command "CMD ARGS"` starts it and speaks stdio; `--url URL` speaks
    /// Streamable HTTP to the MCP endpoint at URL.
    Server(TargetArgs),
    /// Test a client: `--command "CMD ARGS"` is run once per client scenario with the
    /// scripted server's URL as its last argument and `MCP_CONFORMANCE_SCENARIO` (and
    /// `MCP_CONFORMANCE_CONTEXT`) in its environment, as the official suite does.
    Client(TargetArgs),
    /// A wire-level client with one deliberate fault, for the suite's own tests.
    #[command(hide = true)]
    FixtureClient {
        /// The fault.
        #[arg(long, value_enum)]
        fault: crate::fixture_client::ClientFault,
        /// The server's MCP endpoint.
        url: String,
    },
    /// The reference client under the official client contract, for the client scenarios of
    /// `run` (which start this binary).
    #[command(hide = true)]
    ReferenceClient {
        /// The server's MCP endpoint (the last argument, as the contract has it).
        url: String,
    },
    /// The reference server, for the stdio scenarios of `run` (which start this binary).
    #[command(hide = true)]
    ReferenceServer(ReferenceServerArgs),
    /// A wire-level server with one deliberate fault, for the suite's own tests.
    #[command(hide = true)]
    FixtureServer {
        /// The fault.
        #[arg(long, value_enum)]
        fault: crate::fixture::Fault,
        /// Appends each `tools/call` received (a JSON line: name and arguments) to this
        /// file, so tests can see from the server's side which tools a run called.
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
    },
    /// The reference server over Streamable HTTP behind a layer with one deliberate fault,
    /// for the suite's own tests: prints its URL, serves until standard input closes.
    #[command(hide = true)]
    FixtureHttpServer {
        /// The fault.
        #[arg(long, value_enum)]
        fault: crate::fixture::http::HttpFault,
    },
}

#[derive(Debug, Args)]
pub(crate) struct RequirementsArgs {
    /// The output format.
    #[arg(long, value_enum, default_value = "text")]
    format: crate::requirements::Format,
    /// Only the requirements with neither a test, a scenario, nor a reason why none can.
    #[arg(long)]
    missing: bool,
}

/// Prints the requirements table.
pub(crate) fn requirements(args: &RequirementsArgs) -> ExitCode {
    let entries = crate::requirements::entries();
    print!(
        "{}",
        crate::requirements::print(&entries, args.format, args.missing)
    );
    ExitCode::SUCCESS
}

#[derive(Debug, Args)]
pub(crate) struct ReferenceServerArgs {
    /// Serve over stdin and stdout (the only transport so far).
    #[arg(long, required = true)]
    stdio: bool,
    /// Only these protocol versions (repeatable); default: every version.
    #[arg(long = "version", value_name = "VERSION", value_parser = parse_version)]
    versions: Vec<ProtocolVersion>,
}

fn parse_version(s: &str) -> Result<ProtocolVersion, String> {
    ProtocolVersion::parse(s).ok_or_else(|| format!("unknown protocol version {s:?}"))
}

/// Runs the reference server until stdin closes.
pub(crate) fn reference_server(args: &ReferenceServerArgs) -> ExitCode {
    debug_assert!(args.stdio);
    match scenario::reference::server::serve_stdio(&args.versions) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mcp-conformance reference-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where results go besides the table, and whether progress is shown.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write the results as one self-contained HTML page to this file: a summary by level and
    /// version, each finding once with its requirement, reason and evidence.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Show no progress on standard error (by default: a bar on a terminal, one line per
    /// result otherwise).
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
pub(crate) struct GoldenArgs {
    /// Write the transcripts from this run (and remove files no scenario writes) instead of
    /// comparing.
    #[arg(long)]
    bless: bool,
    /// Only these protocol versions (repeatable); default: every version.
    #[arg(long = "version", value_name = "VERSION")]
    versions: Vec<String>,
    /// Record over these transports (repeatable: memory, stdio); default: memory. With
    /// `--bless`, the first one writes and the others must give the same transcript.
    #[arg(long = "transport", value_name = "TRANSPORT", value_enum)]
    transports: Vec<Transport>,
    /// Only scenarios whose name contains this text (no check for stray files then).
    #[arg(long)]
    scenario: Option<String>,
    /// The transcripts' folder; default: `golden/` next to this crate's manifest.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Checks or blesses the golden transcripts.
pub(crate) fn golden(args: &GoldenArgs) -> ExitCode {
    let versions = match parse_versions(&args.versions) {
        Ok(v) => v,
        Err(code) => return code,
    };
    if args.transports.contains(&Transport::Http) {
        eprintln!("mcp-conformance golden: transcripts are recorded over memory or stdio");
        return ExitCode::from(2);
    }
    let transports = if args.transports.is_empty() {
        vec![Transport::Memory]
    } else {
        args.transports.clone()
    };
    crate::golden::run(&crate::golden::Options {
        bless: args.bless,
        versions,
        transports,
        filter: args.scenario.clone(),
        dir: args.dir.clone().unwrap_or_else(crate::golden::default_dir),
    })
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Only these protocol versions (repeatable); default: every version.
    #[arg(long = "version", value_name = "VERSION")]
    versions: Vec<String>,
    /// Only scenarios whose name contains this text.
    #[arg(long)]
    scenario: Option<String>,
    /// Only scenarios over this transport (repeatable); default: every transport. Scenarios
    /// that use no transport (the protocol layer's) always run.
    #[arg(long = "transport", value_name = "TRANSPORT", value_enum)]
    transports: Vec<Transport>,
    #[command(flatten)]
    jobs: JobsArg,
    #[command(flatten)]
    report: ReportArgs,
}

/// How many scenarios run at once.
#[derive(Debug, Args)]
pub(crate) struct JobsArg {
    /// Run up to N scenarios (each version of a scenario counts) at once, each on its own
    /// connection or process; default: four per core (4 to 32), since scenarios mostly wait
    /// on their target, while target processes start at most one per core at a time. Results
    /// are reported in the same order whatever N is.
    #[arg(long = "jobs", short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

impl JobsArg {
    fn get(&self) -> usize {
        self.jobs.map_or_else(runner::default_jobs, usize::from)
    }
}

#[derive(Debug, Args)]
pub(crate) struct TargetArgs {
    /// URL of the target's MCP endpoint (Streamable HTTP).
    #[arg(long, conflicts_with = "command")]
    url: Option<String>,
    /// Command that starts the target over stdio (run by `sh -c`).
    #[arg(long)]
    command: Option<String>,
    /// With `--url`: a header sent with every request, `"Name: value"` (repeatable), for
    /// example `--header "Authorization: Bearer $TOKEN"` for a server that needs OAuth.
    #[arg(long = "header", value_name = "HEADER", requires = "url")]
    headers: Vec<String>,
    /// Only these protocol versions (repeatable); default: every version (a version the
    /// target does not serve is skipped, saying so).
    #[arg(long = "version", value_name = "VERSION")]
    versions: Vec<String>,
    /// Only scenarios whose name contains this text.
    #[arg(long)]
    scenario: Option<String>,
    #[command(flatten)]
    jobs: JobsArg,
    #[command(flatten)]
    report: ReportArgs,
    /// `server` only: how long a request waits for its answer. A tool call with generated
    /// arguments still unanswered then is cancelled, and not judged if the server still
    /// answers a ping (busy, not hung).
    #[arg(long, value_name = "SECONDS", default_value_t = crate::target::ANSWER_WITHIN.as_secs_f64())]
    answer_within: f64,
    /// `server` only: how long a tool call with generated arguments waits (at most
    /// `--answer-within`) before it is cancelled and, if the server still answers a ping, not
    /// judged.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::target::CALL_WITHIN.as_secs_f64())]
    call_within: f64,
    /// `server` only: which tools may be called. `readonly`: only tools annotated
    /// `readOnlyHint: true`, and not `destructiveHint: true` nor `openWorldHint: true`;
    /// `all`: every tool, whatever it may change (only against a server whose data may be
    /// lost); `none`: no tool. The report names every tool not called and why.
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = CallTools::ReadOnly)]
    call_tools: CallTools,
    /// `server` only: call this tool too, whatever `--call-tools` says (repeatable).
    #[arg(long = "allow-tool", value_name = "NAME")]
    allow_tools: Vec<String>,
    /// `server` only: never call this tool, whatever else says so (repeatable).
    #[arg(long = "deny-tool", value_name = "NAME")]
    deny_tools: Vec<String>,
    /// `client` only: how long the client may run in one scenario before it is killed.
    #[arg(long, value_name = "SECONDS", default_value_t = scenario::client::CLIENT_WITHIN.as_secs_f64())]
    timeout: f64,
}

/// The `--header "Name: value"` arguments as a header map.
pub(crate) fn headers(given: &[String]) -> Result<reqwest::header::HeaderMap, String> {
    let mut map = reqwest::header::HeaderMap::new();
    for header in given {
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| format!("--header {header:?}: expected \"Name: value\""))?;
        let name = reqwest::header::HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|e| format!("--header {header:?}: {e}"))?;
        let mut value = reqwest::header::HeaderValue::from_str(value.trim())
            .map_err(|e| format!("--header {header:?}: {e}"))?;
        // Credentials stay out of debug output.
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}

/// Tests a target server.
pub(crate) fn server(args: &TargetArgs) -> ExitCode {
    let check = match (&args.command, &args.url) {
        (Some(command), None) => Ok(ServerCheck::command(command.clone())),
        (None, Some(url)) => args
            .headers
            .iter()
            .try_fold(ServerCheck::url(url.clone()), |check, h| check.header(h)),
        _ => Err(CheckError::Usage(
            "give --command \"CMD ARGS\" or --url URL".into(),
        )),
    };
    let mut check = match check {
        Ok(check) => check,
        Err(e) => {
            eprintln!("mcp-conformance server: {e}");
            return ExitCode::from(2);
        }
    };
    match parse_versions(&args.versions) {
        Ok(versions) if !args.versions.is_empty() => {
            check = versions.into_iter().fold(check, ServerCheck::version);
        }
        Ok(_) => {}
        Err(code) => return code,
    }
    let waits = [
        (args.answer_within, "--answer-within"),
        (args.call_within, "--call-within"),
    ];
    let mut parsed = Vec::new();
    for (given, name) in waits {
        match Duration::try_from_secs_f64(given) {
            Ok(wait) if !wait.is_zero() => parsed.push(wait),
            _ => {
                eprintln!("mcp-conformance server: {name} must be a positive number of seconds");
                return ExitCode::from(2);
            }
        }
    }
    check = check
        .answer_within(parsed[0])
        .call_within(parsed[1])
        .jobs(args.jobs.get())
        .tools(ToolPolicy {
            call: args.call_tools,
            allow: args.allow_tools.clone(),
            deny: args.deny_tools.clone(),
        });
    if args.call_tools == CallTools::All {
        eprintln!(
            "mcp-conformance server: WARNING: --call-tools all calls every tool the server \
             lists, with generated arguments, including tools that write, delete or send: run \
             it only against a server whose data may be lost"
        );
    }
    if let Some(filter) = &args.scenario {
        check = check.scenario(filter.clone());
    }
    // The URL or the command, never the `--header` values (credentials).
    let title = match (&args.command, &args.url) {
        (Some(command), _) => format!("server --command {command}"),
        (_, Some(url)) => format!("server --url {url}"),
        _ => "server".to_owned(),
    };
    let progress = Progress::new(args.report.quiet);
    match check.run_with(&progress) {
        Ok(report) => finish(&progress, &report, &args.report, &title),
        Err(CheckError::NothingSelected(_)) => selects_nothing("server", args.scenario.as_deref()),
        Err(e) => {
            progress.finish();
            eprintln!("mcp-conformance server: {e}");
            ExitCode::from(2)
        }
    }
}

/// The server scenarios whose name contains `filter`.
fn server_scenarios(filter: Option<&str>) -> Vec<scenario::server::ServerScenario> {
    scenario::server::scenarios()
        .into_iter()
        .filter(|s| filter.is_none_or(|f| s.name.contains(f)))
        .collect()
}

/// The client scenarios whose name contains `filter`.
fn client_scenarios(filter: Option<&str>) -> Vec<scenario::client::ClientScenario> {
    scenario::client::scenarios()
        .into_iter()
        .filter(|s| filter.is_none_or(|f| s.name.contains(f)))
        .collect()
}

/// Exit 2 for filters that select no scenario: a run of nothing is no pass.
fn selects_nothing(command: &str, filter: Option<&str>) -> ExitCode {
    match filter {
        Some(f) => eprintln!(
            "mcp-conformance {command}: no scenario matches --scenario {f:?} with the other \
             filters (see `mcp-conformance list`)"
        ),
        None => eprintln!("mcp-conformance {command}: the filters select no scenario"),
    }
    ExitCode::from(2)
}

/// Tests a client started by `--command`.
pub(crate) fn client(args: &TargetArgs) -> ExitCode {
    let Some(command) = args.command.as_deref().filter(|_| args.url.is_none()) else {
        eprintln!("mcp-conformance client: give --command \"CMD ARGS\" (the URL is appended)");
        return ExitCode::from(2);
    };
    let within = match Duration::try_from_secs_f64(args.timeout) {
        Ok(d) if !d.is_zero() => d,
        _ => {
            eprintln!("mcp-conformance client: --timeout must be a positive number of seconds");
            return ExitCode::from(2);
        }
    };
    let chosen = client_scenarios(args.scenario.as_deref());
    if chosen.is_empty() {
        return selects_nothing("client", args.scenario.as_deref());
    }
    let jobs = args.jobs.get();
    let started = Instant::now();
    let rt = match runner::runtime(jobs) {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mcp-conformance: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(why) = rt.block_on(scenario::client::preflight(command)) {
        eprintln!("mcp-conformance client: {why}");
        return ExitCode::from(2);
    }
    let progress = Progress::new(args.report.quiet);
    let tasks = runner::client_tasks(command, chosen, within);
    let records = runner::run_tasks(&rt, jobs, &progress, tasks);
    let title = format!("client --command {command}");
    finish(
        &progress,
        &report_of(records, started),
        &args.report,
        &title,
    )
}

/// The reference client: connects to `url` and makes the calls of the scenario named in
/// `MCP_CONFORMANCE_SCENARIO`.
pub(crate) fn reference_client(url: &str) -> ExitCode {
    let scenario = std::env::var("MCP_CONFORMANCE_SCENARIO").unwrap_or_default();
    let context = std::env::var("MCP_CONFORMANCE_CONTEXT")
        .ok()
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or(serde_json::Value::Null);
    let done = runtime().map_err(|e| e.to_string()).and_then(|rt| {
        rt.block_on(scenario::reference::client::run(url, &scenario, &context))
            .map_err(|e| e.0)
    });
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mcp-conformance reference-client: scenario {scenario:?}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A runtime for the reference client.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

fn parse_versions(given: &[String]) -> Result<Vec<ProtocolVersion>, ExitCode> {
    if given.is_empty() {
        return Ok(ProtocolVersion::ALL.to_vec());
    }
    given
        .iter()
        .map(|v| {
            ProtocolVersion::parse(v).ok_or_else(|| {
                eprintln!("mcp-conformance: unknown protocol version {v:?}");
                ExitCode::from(2)
            })
        })
        .collect()
}

/// This binary as the reference server over stdio, as a command for `sh -c`.
fn reference_command() -> std::io::Result<String> {
    Ok(format!("{} reference-server --stdio", this_binary()?))
}

/// This binary's path, quoted for `sh -c`.
fn this_binary() -> std::io::Result<String> {
    let exe = std::env::current_exe()?;
    let quoted = exe.to_string_lossy().replace('\'', r"'\''");
    Ok(format!("'{quoted}'"))
}

pub(crate) fn run(args: &RunArgs) -> ExitCode {
    let versions = match parse_versions(&args.versions) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let jobs = args.jobs.get();
    let started = Instant::now();
    let progress = Progress::new(args.report.quiet);
    let chosen: Vec<_> = scenario::all()
        .into_iter()
        .filter(|s| args.scenario.as_deref().is_none_or(|f| s.name.contains(f)))
        .filter(|s| {
            s.transport
                .is_none_or(|t| args.transports.is_empty() || args.transports.contains(&t))
        })
        .collect();
    let wanted = |t| args.transports.is_empty() || args.transports.contains(&t);
    let filter = args.scenario.as_deref();
    let servers = if wanted(Transport::Stdio) || wanted(Transport::Http) {
        server_scenarios(filter)
    } else {
        Vec::new()
    };
    let clients = if wanted(Transport::Http) {
        client_scenarios(filter)
    } else {
        Vec::new()
    };
    if chosen.is_empty() && servers.is_empty() && clients.is_empty() {
        return selects_nothing("run", filter);
    }
    // The protocol layer's and the reference pair's scenarios (each on its own runtime).
    let mut records = runner::run_blocking(jobs, &progress, &chosen, &versions);
    // The wire-level server scenarios against the reference server over stdio and HTTP, and
    // the client scenarios against the reference client (this binary, re-executed), all at
    // once.
    let server = runner::runtime(jobs).and_then(|rt| {
        let mut tasks = Vec::new();
        if wanted(Transport::Stdio) {
            // The reference server is ours and its tools harmless: every one is called.
            let mut target = Target::command(reference_command()?);
            target.options.tools = ToolPolicy::all();
            tasks.extend(runner::server_tasks(&target, &servers, &versions));
        }
        let http = if wanted(Transport::Http) {
            let (url, server) = rt.block_on(scenario::reference::server::serve_http())?;
            let mut target = Target::url(Endpoint::new(url));
            target.options.tools = ToolPolicy::all();
            tasks.extend(runner::server_tasks(&target, &servers, &versions));
            Some(server)
        } else {
            None
        };
        if !clients.is_empty() {
            let command = format!("{} reference-client", this_binary()?);
            let within = scenario::client::CLIENT_WITHIN;
            tasks.extend(runner::client_tasks(&command, clients, within));
        }
        let records = runner::run_tasks(&rt, jobs, &progress, tasks);
        if let Some(server) = http {
            server.shutdown();
        }
        Ok(records)
    });
    match server {
        Ok(r) => records.extend(r),
        Err(e) => {
            eprintln!("mcp-conformance: {e}");
            return ExitCode::from(2);
        }
    }
    finish(
        &progress,
        &report_of(records, started),
        &args.report,
        "run (this workspace's own server and client)",
    )
}

/// Prints the table, writes the files asked for (`title` names what was tested), and gives
/// the exit code.
fn finish(progress: &Progress, report: &Report, args: &ReportArgs, title: &str) -> ExitCode {
    progress.finish();
    print!("{}", report.table());
    print!("{}", crate::report::not_called(&report.records));
    if let Some(path) = &args.json
        && let Err(e) = std::fs::write(path, report.json())
    {
        eprintln!("mcp-conformance: writing {}: {e}", path.display());
        return ExitCode::from(2);
    }
    if let Some(path) = &args.junit
        && let Err(e) = std::fs::write(path, report.junit())
    {
        eprintln!("mcp-conformance: writing {}: {e}", path.display());
        return ExitCode::from(2);
    }
    if let Some(path) = &args.html
        && let Err(e) = std::fs::write(path, report.html(title))
    {
        eprintln!("mcp-conformance: writing {}: {e}", path.display());
        return ExitCode::from(2);
    }
    if report.failed().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The report of `records`, a run that started at `started`.
fn report_of(records: Vec<Record>, started: Instant) -> Report {
    Report {
        records,
        elapsed: started.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::headers;

    #[test]
    fn header_arguments_become_sensitive_headers() {
        let map = headers(&[
            "Authorization: Bearer abc.def".into(),
            "X-Tenant:acme".into(),
        ])
        .expect("valid");
        let auth = map.get("authorization").expect("authorization");
        assert_eq!(auth, "Bearer abc.def");
        assert!(auth.is_sensitive());
        assert_eq!(map.get("x-tenant").expect("x-tenant"), "acme");
    }

    #[test]
    fn malformed_header_arguments_are_refused_by_name() {
        let no_colon = headers(&["Authorization Bearer x".into()]).expect_err("no colon");
        assert!(no_colon.contains("expected \"Name: value\""), "{no_colon}");
        assert!(headers(&["Bad Name: x".into()]).is_err());
        assert!(headers(&["X-Ok: line\nbreak".into()]).is_err());
    }
}
