//! `mcp-conformance`: conformance scenarios for MCP servers and clients, as a command
//! (`mcp-conformance run | server | client | list | golden | requirements`, see the binary's `--help`) and
//! as a library, so that a crate can check its own server from `cargo test` with the same
//! scenarios, options and report as `mcp-conformance server`:
//!
//! - [`ServerCheck::memory`] checks an [`mcp_server::Server`] value in this process, over an
//!   in-memory pipe with the framing of stdio (every stdio scenario applies);
//! - [`ServerCheck::command`] a server a command starts, over stdio;
//! - [`ServerCheck::url`] a server at a Streamable HTTP endpoint;
//!
//! then the options (`version`, `scenario`, `answer_within`, `call_within`, `jobs`,
//! `header`), and [`ServerCheck::run`] gives a [`Report`]: a [`Record`] per scenario and
//! version, [`Report::failed`], and the table, JSON and JUnit texts of the command. A
//! target that cannot be reached, or a filter that selects nothing, is an [`Error`] (the
//! command's exit 2). See [`ServerCheck`] for an example.
//!
//! The rest (the scenarios, the wire-level targets, the fixtures) is internal.
//!
//! # The command line
//!
//! Golden transcripts: `mcp-conformance golden` re-runs the scripted exchanges of the
//! reference client with the reference server and compares them with the checked-in
//! `golden/<version>/<scenario>.jsonl` (next to this crate's manifest; exit 1 on any
//! difference, a stray or missing file, or a message its version's schema rejects);
//! `mcp-conformance golden --bless` (`cargo run -p mcp-conformance -- golden --bless`)
//! writes them anew after an intended change on the wire. See the `golden` module.
//!
//! Exit codes: 0 nothing failed (every scenario passed or was skipped for a stated reason);
//! 1 at least one scenario failed; 2 a usage error, with one line saying why on standard
//! error: the command line is wrong, the filters (`--scenario`, `--transport`) select no
//! scenario, or the target cannot be started or reached (checked before any scenario runs: a
//! closed port, a malformed URL, a path that is not an MCP endpoint, a command that is not
//! found, exits, or never writes a JSON-RPC message), or a report file cannot be written.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod check;
mod cli;
mod fixture;
mod fixture_client;
mod golden;
mod progress;
mod report;
mod requirements;
mod runner;
mod scenario;
mod schema_book;
mod target;

pub use check::{Error, ServerCheck};
pub use report::{Record, Report, Status};

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// The `mcp-conformance` command: parses the process's arguments and runs what they ask.
#[doc(hidden)]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => cli::run(&args),
        Command::List => {
            let row = |name: &str, via: &str, level: &str, spec: &str| {
                println!("{name:<36} {via:<7} {level:<6} {spec}");
            };
            for s in scenario::all() {
                row(s.name, s.transport_name(), s.severity.as_str(), s.spec);
            }
            for s in scenario::server::scenarios() {
                row(s.name, "target", s.severity.as_str(), s.spec);
            }
            for s in scenario::client::scenarios() {
                row(s.name, "client", s.severity.as_str(), s.spec);
            }
            ExitCode::SUCCESS
        }
        Command::Golden(args) => cli::golden(&args),
        Command::Requirements(args) => cli::requirements(&args),
        Command::ReferenceServer(args) => cli::reference_server(&args),
        Command::Server(args) => cli::server(&args),
        Command::FixtureServer { fault, record } => {
            match fixture::serve(fault, record.as_deref()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("mcp-conformance fixture-server: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::FixtureHttpServer { fault } => match fixture::http::serve(fault) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mcp-conformance fixture-http-server: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Client(args) => cli::client(&args),
        Command::FixtureClient { fault, url } => match fixture_client::run(fault, &url) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mcp-conformance fixture-client: {e}");
                ExitCode::FAILURE
            }
        },
        Command::ReferenceClient { url } => cli::reference_client(&url),
    }
}
