//! `mcp-conformance`: runs conformance scenarios against MCP implementations.
//!
//! Exit codes: 0 every scenario passed (or was skipped for a stated reason); 1 at least one
//! scenario failed; 2 the command line was wrong or the command is not available yet.

mod cli;
mod report;
mod scenario;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => cli::run(&args),
        Command::List => {
            for s in scenario::all() {
                println!(
                    "{:<36} {:<7} {:<6} {}",
                    s.name,
                    s.transport_name(),
                    s.severity.as_str(),
                    s.spec
                );
            }
            ExitCode::SUCCESS
        }
        Command::ReferenceServer(args) => cli::reference_server(&args),
        Command::Server(_) | Command::Client(_) => {
            eprintln!(
                "mcp-conformance: testing third-party servers and clients is not implemented yet \
                 (it needs mcp-client and mcp-server; see the conformance issue)"
            );
            ExitCode::from(2)
        }
    }
}
