#!/usr/bin/env bash
# Build cost of a minimal MCP server (issue 8, item 3), ours against rmcp 3.11.0:
#   ours-stdio      mcp-server, default features (argument validation), served over stdio
#   ours-stdio-lean mcp-server without default features (no JSON Schema validator), stdio
#   ours-http-auth  mcp-server with features http,auth, served over Streamable HTTP
#   rmcp-stdio      rmcp =3.11.0 with server, macros, transport-io, served over stdio
# Each is a one-file crate in a temporary directory. Always: the number of crates in its
# normal dependency graph (`cargo tree -e normal`, the crate itself included). With --build:
# a clean release build of each (own target dir, no debug info) timed, the number of
# `Compiling` lines, and the stripped binary size.
#
#   scripts/build-cost.sh [--build] [--keep]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=no
keep=no
for arg in "$@"; do
    case $arg in
    --build) build=yes ;;
    --keep) keep=yes ;;
    *) echo "usage: $0 [--build] [--keep]" >&2; exit 2 ;;
    esac
done
tmp=$(mktemp -d)
if [ "$keep" = no ]; then trap 'rm -rf "$tmp"' EXIT; else echo "build-cost: keeping $tmp" >&2; fi

args_rs='#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Echo {
    text: String,
}'

new_crate() { # name, dependencies (toml lines), main.rs body, lock to start from
    mkdir -p "$tmp/$1/src"
    printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[workspace]\n\n[dependencies]\n%s\n' \
        "$1" "$2" >"$tmp/$1/Cargo.toml"
    printf '%s\n' "$3" >"$tmp/$1/src/main.rs"
    # Start from the versions the repository already uses (cargo prunes what is not needed).
    cp "$4" "$tmp/$1/Cargo.lock"
}

ours_main='use mcp_server::{RequestContext, Server, ToolDef};
'"$args_rs"'
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::builder("cost", "0").build();
    server.add_tool(ToolDef::new("echo", |a: Echo, _ctx: RequestContext| async move { a.text }))?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    SERVE
    Ok(())
}'
common_deps='serde = { version = "1", features = ["derive"] }
schemars = "1"
tokio = { version = "1", features = ["rt"] }'

new_crate ours-stdio "mcp-server = { path = \"$root/mcp-server\" }
$common_deps" "${ours_main/SERVE/rt.block_on(server.serve_stdio())?;}" "$root/Cargo.lock"

new_crate ours-stdio-lean "mcp-server = { path = \"$root/mcp-server\", default-features = false }
$common_deps" "${ours_main/SERVE/rt.block_on(server.serve_stdio())?;}" "$root/Cargo.lock"

new_crate ours-http-auth "mcp-server = { path = \"$root/mcp-server\", features = [\"http\", \"auth\"] }
$common_deps" "${ours_main/SERVE/rt.block_on(server.serve_http(\"127.0.0.1:0\"))?;}" "$root/Cargo.lock"

new_crate rmcp-stdio 'rmcp = { version = "=3.11.0", default-features = false, features = ["server", "macros", "transport-io"] }
serde = { version = "1", features = ["derive"] }
tokio = { version = "1", features = ["rt"] }' 'use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, ServiceExt, schemars, tool, tool_handler, tool_router};
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Echo {
    text: String,
}
#[derive(Clone)]
struct Cost {
    tool_router: ToolRouter<Self>,
}
#[tool_router]
impl Cost {
    #[tool(description = "Returns its text")]
    fn echo(&self, Parameters(Echo { text }): Parameters<Echo>) -> String {
        text
    }
}
#[tool_handler(router = self.tool_router)]
impl ServerHandler for Cost {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }
}
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let running = Cost { tool_router: Cost::tool_router() }.serve(rmcp::transport::stdio()).await?;
        running.waiting().await?;
        Ok(())
    })
}' "$root/benches/compare/Cargo.lock"

printf '| server | crates (cargo tree -e normal) | HTTP/TLS/JWT crates | clean release build | Compiling lines | stripped binary |\n'
printf '|---|---|---|---|---|---|\n'
for name in ours-stdio ours-stdio-lean ours-http-auth rmcp-stdio; do
    dir=$tmp/$name
    crates=$(cd "$dir" && cargo tree -q -e normal --prefix none | awk '{print $1}' | sort -u)
    count=$(printf '%s\n' "$crates" | wc -l)
    heavy=$(printf '%s\n' "$crates" | grep -E -x 'hyper|reqwest|rustls|jsonwebtoken|h2|axum|aws-lc-rs|ring' | tr '\n' ' ' || true)
    time_s=- compiled=- size=-
    if [ "$build" = yes ]; then
        start=$(date +%s.%N)
        compiled=$(cd "$dir" && CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_INCREMENTAL=0 \
            CARGO_TARGET_DIR="$dir/target" cargo build --release 2>&1 | grep -c '^ *Compiling' || true)
        time_s=$(printf '%.0f s' "$(echo "$(date +%s.%N) - $start" | bc)")
        strip -o "$dir/stripped" "$dir/target/release/$name"
        size=$(printf '%.1f MB' "$(echo "$(stat -c %s "$dir/stripped") / 1000000" | bc -l)")
    fi
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$count" "${heavy:-none}" "$time_s" "$compiled" "$size"
done
