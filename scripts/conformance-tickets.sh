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

if [ -z "${MCP_CONFORMANCE:-}" ]; then
    cargo build -q -p mcp-conformance
    MCP_CONFORMANCE=target/debug/mcp-conformance
fi
. scripts/lib/tickets-server.sh
. scripts/lib/dev-token.sh
tickets_start --rate 1000 --burst 1000
redirect=http://127.0.0.1:9/callback
client_id=$(dev_register "$AS" "$redirect")
token=$(dev_token "$AS" "$client_id" "$redirect" "$MCP" alice "tickets:read tickets:write tickets:admin")
"$MCP_CONFORMANCE" server --url "$MCP" --header "Authorization: Bearer $token" "$@"
