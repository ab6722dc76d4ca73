//! Server child processes: this binary re-executed as `compare serve …`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::clients::Error;
use crate::serve::Impl;

/// The tokio runtime every process of a run uses (clients and servers alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Rt {
    /// One thread: the fastest arrangement for small tools on a small machine.
    Current,
    /// tokio's multi-thread scheduler, one worker per core (`#[tokio::main]`).
    Multi,
}

impl Rt {
    /// The name on the command line.
    pub fn arg(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Multi => "multi",
        }
    }

    /// Builds the runtime.
    pub fn build(self) -> std::io::Result<tokio::runtime::Runtime> {
        match self {
            Self::Current => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
            Self::Multi => tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build(),
        }
    }
}

/// What every child process needs to know.
#[derive(Clone, Debug)]
pub struct Settings {
    /// This binary.
    pub exe: PathBuf,
    /// The runtime flavour of every process.
    pub rt: Rt,
}

impl Settings {
    /// The arguments of `compare serve` for `which`, over stdio or HTTP at `http`.
    pub fn serve_args(&self, which: Impl, http: Option<&str>) -> Vec<String> {
        let mut args = vec!["serve".into(), "--impl".into(), which.arg().into()];
        match http {
            Some(addr) => args.extend(["--http".into(), addr.into()]),
            None => args.push("--stdio".into()),
        }
        args.extend(["--rt".into(), self.rt.arg().into()]);
        args
    }

    /// `compare serve` for `which` as a [`Command`], stdio piped.
    pub fn stdio_command(&self, which: Impl) -> Command {
        let mut command = Command::new(&self.exe);
        command
            .args(self.serve_args(which, None))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        command
    }
}

/// An HTTP server child process on 127.0.0.1; killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `which` on a free port and waits for it to print its address.
    pub fn start_http(settings: &Settings, which: Impl) -> Result<Self, Error> {
        let mut child = Command::new(&settings.exe)
            .args(settings.serve_args(which, Some("127.0.0.1:0")))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        // One line, or end of file if the server fails to start.
        BufReader::new(stdout).read_line(&mut line)?;
        let addr = match line.trim().parse() {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{} server did not start: {line:?}", which.arg()).into());
            }
        };
        Ok(Self { child, addr })
    }

    /// The MCP endpoint.
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory of `pid` in bytes (`VmRSS`, Linux).
pub fn rss_bytes(pid: u32) -> Result<u64, Error> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .ok_or("no VmRSS in /proc/PID/status")?;
    Ok(kib * 1024)
}
