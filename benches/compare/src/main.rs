//! `compare`: this workspace's MCP crates side by side with rmcp 3.11.0, the official Rust
//! SDK, in one run.
//!
//! ```text
//! compare [--quick] [--out BENCHMARKS.md] [--rt current|multi] [-n CALLS]
//! compare serve --impl ours|rmcp|hyper-echo (--stdio | --http ADDR) [--rt current|multi]
//! ```
//!
//! The same workload on both sides (tools `echo` and `add`, 1 and 16 calls in flight) over
//! in-memory, stdio (this binary re-executed as the server) and Streamable HTTP on 127.0.0.1,
//! with client and server swapped independently; then sessions/s and memory per idle session
//! (HTTP), cold start (stdio), and the physical limits (pipe and bare hyper ping-pong).

mod child;
mod clients;
mod coldstart;
mod limits;
mod measure;
mod report;
mod serve;
mod servers;
mod sessions;

use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::child::{Rt, Settings};
use crate::clients::{Error, Side, Transport};
use crate::measure::Budget;
use crate::report::{CallRow, Results};

#[derive(Debug, Parser)]
#[command(name = "compare", about = "Our MCP crates against rmcp, side by side")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A smoke run with tiny counts (checks the harness, measures nothing worth keeping).
    #[arg(long)]
    quick: bool,
    /// Also write the results as markdown to this file (BENCHMARKS.md at the repository root).
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// The tokio runtime of every process, client and server alike.
    #[arg(long, value_enum, default_value_t = Rt::Current)]
    rt: Rt,
    /// Measured calls per row (default 10,000; 200 with --quick).
    #[arg(short)]
    n: Option<usize>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one server (the child process of the cross-process rows).
    Serve {
        /// Which server.
        #[arg(long = "impl", value_enum)]
        which: serve::Impl,
        /// Over stdin/stdout (the default).
        #[arg(long, conflicts_with = "http")]
        stdio: bool,
        /// Streamable HTTP on this address (its bound address is printed on stdout).
        #[arg(long)]
        http: Option<String>,
        /// The tokio runtime.
        #[arg(long, value_enum, default_value_t = Rt::Current)]
        rt: Rt,
    },
}

/// Counts and time limits of a run.
#[derive(Clone, Copy, Debug)]
struct Plan {
    calls: Budget,
    sessions: Budget,
    cold: usize,
    limits: Budget,
}

impl Plan {
    fn new(quick: bool, n: Option<usize>) -> Self {
        if quick {
            let time = Duration::from_secs(5);
            return Self {
                calls: Budget {
                    n: n.unwrap_or(200),
                    warmup: 20,
                    time,
                },
                sessions: Budget {
                    n: 50,
                    warmup: 0,
                    time,
                },
                cold: 3,
                limits: Budget {
                    n: 500,
                    warmup: 20,
                    time,
                },
            };
        }
        let time = Duration::from_secs(20);
        Self {
            calls: Budget {
                n: n.unwrap_or(10_000),
                warmup: 1_000,
                time,
            },
            sessions: Budget {
                n: 1_000,
                warmup: 0,
                time: Duration::from_secs(60),
            },
            cold: 20,
            limits: Budget {
                n: 20_000,
                warmup: 1_000,
                time,
            },
        }
    }

    fn describe(&self, rt: Rt) -> String {
        format!(
            "{} measured calls per row after {} warm-up calls (each row stops at {} s); {} sessions; \
             cold start median of {}; limits {} round trips; every process on the tokio `{}` runtime",
            self.calls.n,
            self.calls.warmup,
            self.calls.time.as_secs(),
            self.sessions.n,
            self.cold,
            self.limits.n,
            rt.arg(),
        )
    }
}

const PAIRS: [(Side, Side); 4] = [
    (Side::Ours, Side::Ours),
    (Side::Rmcp, Side::Rmcp),
    (Side::Ours, Side::Rmcp),
    (Side::Rmcp, Side::Ours),
];

/// The whole comparison.
async fn compare(settings: &Settings, plan: Plan) -> Result<Results, Error> {
    let mut results = Results {
        settings: plan.describe(settings.rt),
        ..Results::default()
    };
    for transport in [Transport::Memory, Transport::Stdio, Transport::Http] {
        for (client, server) in PAIRS {
            eprintln!(
                "compare: {} {} → {}",
                transport.name(),
                client.name(),
                server.name()
            );
            let conn = clients::connect(client, server, transport, settings).await?;
            for tool in ["echo", "add"] {
                let args = measure::args_of(tool);
                let text = conn.caller.call_text(tool, &args).await?;
                let expected = if tool == "echo" { "hello world" } else { "3" };
                if text != expected {
                    return Err(format!(
                        "{} → {}: {tool} answered {text:?}",
                        client.name(),
                        server.name()
                    )
                    .into());
                }
                for c in [1, 16] {
                    let stats = measure::calls(&conn.caller, tool, c, plan.calls).await?;
                    results.calls.push(CallRow {
                        transport: transport.name(),
                        c,
                        tool,
                        client,
                        server,
                        stats,
                    });
                }
            }
            conn.close().await;
        }
    }
    for server in [Side::Ours, Side::Rmcp] {
        eprintln!("compare: sessions and cold start, {} server", server.name());
        results.sessions.push((
            server,
            sessions::run(settings, server, plan.sessions).await?,
        ));
        let cold = coldstart::run(settings, server, plan.cold, Duration::from_secs(30)).await?;
        results.cold_ms.push((server, cold));
    }
    eprintln!("compare: physical limits");
    results
        .limits
        .push(("pipe ping-pong c1", limits::pipe(plan.limits)?));
    results.limits.push((
        "hyper POST c1",
        limits::hyper_posts(settings, 1, plan.limits).await?,
    ));
    results.limits.push((
        "hyper POST c16",
        limits::hyper_posts(settings, 16, plan.limits).await?,
    ));
    Ok(results)
}

fn machine_facts() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown".into());
    let run = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    format!(
        "- date: {}\n- CPUs (nproc): {cpus}; CPU model: {model}\n- rmcp {}; our commit {}\n",
        run("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        report::RMCP_VERSION,
        run("git", &["rev-parse", "--short", "HEAD"]),
    )
}

const HOW_TO_RUN: &str = "## How to run\n\n\
```sh\nscripts/bench-compare.sh            # builds benches/compare in release, runs everything, writes BENCHMARKS.md\n\
scripts/bench-compare.sh --rt multi # every process on tokio's multi-thread runtime instead\n\
(cd benches/compare && cargo test)  # the smoke run (--quick) that checks the harness itself\n```\n\n\
`benches/compare` is its own cargo workspace (the root excludes it), so the root's build, tests and \
clippy never compile rmcp. The rmcp server is written as rmcp's README shows (`#[tool_router]`, \
`stdio()`, `StreamableHttpService` with `LocalSessionManager` on axum); ours as our examples do. \
Both clients ask for protocol version 2025-11-25 (session era). Server processes are children of \
the measuring process, so memory figures are the server's own. The machine is shared and noisy: \
compare ratios within one run, not figures across runs.\n";

fn main() -> Result<(), Error> {
    let cli = Cli::parse();
    if let Some(Command::Serve {
        which,
        stdio: _,
        http,
        rt,
    }) = cli.command
    {
        return serve::run(which, http.as_deref(), rt.build()?);
    }
    let settings = Settings {
        exe: std::env::current_exe()?,
        rt: cli.rt,
    };
    let plan = Plan::new(cli.quick, cli.n);
    let results = cli.rt.build()?.block_on(compare(&settings, plan))?;
    let body = results.markdown();
    println!("{body}");
    if let Some(path) = cli.out {
        let text = format!(
            "# Benchmarks: this workspace against rmcp {}\n\nGenerated by `scripts/bench-compare.sh` \
             (`benches/compare`); do not edit by hand.\n\n{}\n{body}\n{HOW_TO_RUN}",
            report::RMCP_VERSION,
            machine_facts()
        );
        std::fs::write(&path, text)?;
        eprintln!("compare: wrote {}", path.display());
    }
    Ok(())
}
