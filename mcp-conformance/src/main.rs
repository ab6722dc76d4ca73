//! `mcp-conformance`: runs conformance scenarios against MCP implementations.
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

mod cli;
mod fixture;
mod fixture_client;
mod golden;
mod progress;
mod report;
mod scenario;
mod schema_book;
mod target;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
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
