#!/usr/bin/env bash
# Our server against a client of another implementation: the official Python SDK's client
# (PyPI mcp==2.3.0, scripts/interop/python_client.py) against `everything-server --http`,
# over Streamable HTTP in the stateless era (negotiated, and pinned to 2026-07-28), in the
# session era (initialize: 2025-11-25), and over the legacy 2024-11-05 HTTP+SSE transport.
# Each run lists tools, calls a tool, reads a resource and gets a prompt, checked by value.
#
#   scripts/interop-server.sh
#
# Installs the Python SDK on first use into target/conformance-cache/python (gitignored),
# shared with scripts/interop-http.sh. The server listens on 127.0.0.1 only. Exit 0 only
# if every run passed in the version expected.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=$root/target/conformance-cache/python/.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mcp' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q mcp==2.3.0
fi
cargo build -q -p mcp-examples --bin everything-server
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/debug/everything-server --http "127.0.0.1:$port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
failed=0
run() { # MODE PATH EXPECTED-VERSION
    local out
    if out=$(timeout 60 "$venv/bin/python" scripts/interop/python_client.py \
        "http://127.0.0.1:$port$2" "$1" 2>&1 | tail -1) &&
        [[ $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["version"])' "$out" 2>/dev/null) == "$3" ]]; then
        echo "PASS python client, mode $1: $out"
    else
        echo "FAIL python client, mode $1 (expected $3): $out"
        failed=1
    fi
}
run auto /mcp 2026-07-28
run 2026-07-28 /mcp 2026-07-28
run legacy /mcp 2025-11-25
run sse /sse 2025-11-25
exit $failed
