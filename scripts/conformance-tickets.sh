#!/usr/bin/env bash
# mcp-conformance against tickets-server over Streamable HTTP, with a real OAuth token: the
# server starts its development authorization server, we get a token for alice with every
# tickets scope (code + PKCE + resource, scripts/lib/dev-token.sh) and pass it with
# `--header "Authorization: Bearer ..."`. The rate limit is raised so the suite's bursts are
# not refused (its 429 is tested in examples/tests/tickets.rs and the walkthrough).
#
#   scripts/conformance-tickets.sh        builds both binaries (debug) first
#   TICKETS_SERVER=... MCP_CONFORMANCE=... scripts/conformance-tickets.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TICKETS_SERVER:-}" ] || [ -z "${MCP_CONFORMANCE:-}" ]; then
    cargo build -q -p mcp-examples --bin tickets-server
    cargo build -q -p mcp-conformance
    TICKETS_SERVER=target/debug/tickets-server MCP_CONFORMANCE=target/debug/mcp-conformance
fi
. scripts/lib/dev-token.sh
work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

read -r mcp_port as_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
"$TICKETS_SERVER" --http "127.0.0.1:$mcp_port" --auth-addr "127.0.0.1:$as_port" \
    --db "$work/tickets.db" --audit-file "$work/audit.jsonl" --rate 1000 --burst 1000 \
    2>"$work/stderr" &
server=$!
MCP=http://127.0.0.1:$mcp_port/mcp
AS=http://127.0.0.1:$as_port
for _ in $(seq 100); do
    grep -q "tickets-server: $MCP" "$work/stderr" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { cat "$work/stderr" >&2; exit 1; }
    sleep 0.1
done
redirect=http://127.0.0.1:9/callback
client_id=$(dev_register "$AS" "$redirect")
token=$(dev_token "$AS" "$client_id" "$redirect" "$MCP" alice "tickets:read tickets:write tickets:admin")
"$MCP_CONFORMANCE" server --url "$MCP" --header "Authorization: Bearer $token" "$@"
