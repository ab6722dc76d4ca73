//! Command line: `run`, `list`, `server`, `client`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use mcp_protocol::ProtocolVersion;

use crate::report;
use crate::scenario::{self, Outcome, Transport};

/// Conformance testing for Model Context Protocol servers and clients.
#[derive(Debug, Parser)]
#[command(name = "mcp-conformance", version, about)]
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
    /// Test a third-party server (not implemented yet).
    Server(TargetArgs),
    /// Test a third-party client (not implemented yet).
    Client(TargetArgs),
    /// The reference server, for the stdio scenarios of `run` (which start this binary).
    #[command(hide = true)]
    ReferenceServer(ReferenceServerArgs),
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
    /// Write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct TargetArgs {
    /// URL of the target's MCP endpoint.
    #[arg(long)]
    url: Option<String>,
    /// Command that starts the target over stdio.
    #[arg(long)]
    command: Option<String>,
}

/// One scenario's result for one version.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Record {
    pub(crate) scenario: &'static str,
    pub(crate) spec: &'static str,
    pub(crate) severity: &'static str,
    pub(crate) transport: &'static str,
    pub(crate) version: &'static str,
    pub(crate) outcome: Outcome,
    pub(crate) millis: f64,
}

pub(crate) fn run(args: &RunArgs) -> ExitCode {
    let versions: Vec<ProtocolVersion> = if args.versions.is_empty() {
        ProtocolVersion::ALL.to_vec()
    } else {
        let mut out = Vec::new();
        for v in &args.versions {
            match ProtocolVersion::parse(v) {
                Some(v) => out.push(v),
                None => {
                    eprintln!("mcp-conformance: unknown protocol version {v:?}");
                    return ExitCode::from(2);
                }
            }
        }
        out
    };
    let started = Instant::now();
    let mut records = Vec::new();
    for s in scenario::all() {
        if args
            .scenario
            .as_deref()
            .is_some_and(|f| !s.name.contains(f))
        {
            continue;
        }
        if let Some(t) = s.transport
            && !args.transports.is_empty()
            && !args.transports.contains(&t)
        {
            continue;
        }
        for &version in &versions {
            let t = Instant::now();
            let outcome = s.run(version);
            records.push(Record {
                scenario: s.name,
                spec: s.spec,
                severity: s.severity.as_str(),
                transport: s.transport_name(),
                version: version.as_str(),
                outcome,
                millis: t.elapsed().as_secs_f64() * 1e3,
            });
        }
    }
    print!("{}", report::table(&records, started.elapsed()));
    if let Some(path) = &args.json
        && let Err(e) = std::fs::write(path, report::json(&records))
    {
        eprintln!("mcp-conformance: writing {}: {e}", path.display());
        return ExitCode::from(2);
    }
    if let Some(path) = &args.junit
        && let Err(e) = std::fs::write(path, report::junit(&records))
    {
        eprintln!("mcp-conformance: writing {}: {e}", path.display());
        return ExitCode::from(2);
    }
    if records
        .iter()
        .any(|r| matches!(r.outcome, Outcome::Fail { .. }))
    {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
