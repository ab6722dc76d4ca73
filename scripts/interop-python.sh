#!/usr/bin/env bash
# Our client against a server of another implementation: the official Python SDK (PyPI
# mcp==2.3.0, scripts/interop/python_server.py) over each of its HTTP transports: Streamable
# HTTP with SSE answers, with JSON answers, stateless, and the legacy 2024-11-05 HTTP+SSE
# transport. For each, `bench-client calls --url` makes 50 tool calls with version
# negotiation left to the client, then restricted to each session-era version.
#
#   scripts/interop-python.sh
#
# Installs the SDK on first use into target/conformance-cache/python (gitignored). The
# servers listen on 127.0.0.1 only. Exit 0 only if every run made its calls in the version
# expected.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/conformance-cache/python/.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mcp' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q mcp==2.3.0
fi
cargo build -q -p mcp-examples --bin bench-client
bench=target/debug/bench-client
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
failed=0
for mode in sse-stream json stateless legacy-sse; do
    "$venv/bin/python" scripts/interop/python_server.py "$port" "$mode" >"target/interop-$mode.log" 2>&1 &
    pid=$!
    path=/mcp
    [ "$mode" = legacy-sse ] && path=/sse
    url=http://127.0.0.1:$port$path
    for _ in $(seq 50); do # wait for the server, at most 10 s
        curl -s -o /dev/null "http://127.0.0.1:$port/" && break
        sleep 0.2
    done
    for v in auto 2025-11-25 2025-06-18 2025-03-26 2024-11-05; do
        args=()
        [ "$v" = auto ] || args=(--protocol-version "$v")
        out=$(timeout 30 "$bench" calls --url "$url" -n 50 --warmup 2 "${args[@]}" 2>&1 | tail -1) || true
        got=$(sed -n 's/.*"protocol_version":"\([^"]*\)".*/\1/p' <<<"$out")
        want=$v
        # Negotiated: the newest both speak (the SDK's SSE transport answers 2025-11-25).
        [ "$v" = auto ] && { want=2026-07-28; [ "$mode" = legacy-sse ] && want=2025-11-25; }
        if [ "$got" = "$want" ]; then
            printf 'ok   %-10s %-10s %s\n' "$mode" "$v" "$(sed -n 's/.*"calls_per_s":\([0-9.]*\).*/\1 calls\/s/p' <<<"$out")"
        else
            printf 'FAIL %-10s %-10s %s\n' "$mode" "$v" "$out"
            failed=$((failed + 1))
        fi
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
done
echo "interop with the Python SDK: $failed failed"
[ "$failed" -eq 0 ]
