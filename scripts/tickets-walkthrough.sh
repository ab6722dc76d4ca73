#!/usr/bin/env bash
# The README's tickets-server walkthrough, step by step with curl, checking every answer:
# start tickets-server with its development authorization server, register a client, get a
# token for alice of tenant acme (authorization code + PKCE + resource), call searchTickets
# with assignee "me" and see only Alice's open tickets; then a 403 for a missing scope and a
# 429 past the rate limit. Needs curl and python3 (for PKCE and reading JSON).
#
#   scripts/tickets-walkthrough.sh            builds tickets-server (debug) first
#   TICKETS_SERVER=path/to/bin scripts/tickets-walkthrough.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# tickets_start, $work, $MCP, $AS.
. scripts/lib/tickets-server.sh
fail() {
    echo "FAILED: $*" >&2
    exit 1
}
step() { printf '\n## %s\n' "$*"; }
# json, dev_register, dev_token: the curl calls of steps 3 and 4 (the README spells them out).
. scripts/lib/dev-token.sh

step "1. Start the server (a fresh demo database; the development AS beside it)"
tickets_start
echo "MCP endpoint $MCP, authorization server $AS"

step "2. No token: 401; the challenge names the least scope and where the metadata is"
status=$(curl -s -o /dev/null -D "$work/h" -w '%{http_code}' "$MCP" \
    -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}')
grep -i '^www-authenticate' "$work/h"
[ "$status" = 401 ] || fail "expected 401, got $status"
grep -qi 'scope="tickets:read"' "$work/h" || fail "the challenge does not name tickets:read"
curl -s "${MCP%/mcp}/.well-known/oauth-protected-resource/mcp" | tee "$work/prm"
echo
[ "$(json 'd["resource"]' <"$work/prm")" = "$MCP" ] || fail "the metadata names another resource"
[ "$(json 'd["authorization_servers"][0]' <"$work/prm")" = "$AS" ] || fail "unexpected AS"

step "3. Register a public client (RFC 7591 dynamic registration)"
redirect=http://127.0.0.1:9/callback
client_id=$(dev_register "$AS" "$redirect")
echo "client_id $client_id"

# One 2026-07-28 tools/call (stateless: no session; the version and the tool's name are in
# `_meta` and in the Mcp-Method / Mcp-Name headers). Writes the body to $work/body and prints
# the HTTP status.
call() {
    local token=$1 tool=$2 arguments=$3
    curl -s -o "$work/body" -D "$work/h" -w '%{http_code}' "$MCP" \
        -H "authorization: Bearer $token" \
        -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
        -H 'mcp-protocol-version: 2026-07-28' -H 'mcp-method: tools/call' -H "mcp-name: $tool" \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$tool\",\"arguments\":$arguments,\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}"
}

step "4. A token for alice (tenant acme) with scope tickets:read"
alice=$(dev_token "$AS" "$client_id" "$redirect" "$MCP" alice tickets:read)
python3 -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]; c=json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4))); print({k:c[k] for k in ("iss","sub","aud","scope","tenant")})' "$alice"

step "5. searchTickets {status: open, assignee: me}: only Alice's open tickets of acme"
status=$(call "$alice" searchTickets '{"status":"open","assignee":"me"}')
[ "$status" = 200 ] || fail "expected 200, got $status: $(cat "$work/body")"
json '"\n".join("#%s [%s] %s %s: %s" % (t["id"], t["queue"], t["status"], t["assignee"], t["title"]) for t in d["result"]["structuredContent"]["tickets"])' <"$work/body"
json 'len(d["result"]["structuredContent"]["tickets"])' <"$work/body" | grep -qv '^0$' ||
    fail "alice has no open tickets"
json 'all(t["assignee"]=="alice" and t["status"]=="open" for t in d["result"]["structuredContent"]["tickets"])' <"$work/body" |
    grep -qx True || fail "a ticket that is not alice's open ticket came back"

step "6. createTicket with only tickets:read: 403 insufficient_scope, naming the scope"
status=$(call "$alice" createTicket '{"title":"Printer on fire","body":"third floor"}')
grep -i '^www-authenticate' "$work/h"
[ "$status" = 403 ] || fail "expected 403, got $status"
grep -qi 'insufficient_scope.*tickets:write' "$work/h" || fail "the challenge does not name tickets:write"

step "7. Past the rate limit (default: 10 per second, bursts of 20): 429 with Retry-After"
for i in $(seq 60); do
    status=$(call "$alice" searchTickets '{"status":"open"}')
    [ "$status" = 429 ] && break
    [ "$status" = 200 ] || fail "expected 200 or 429, got $status"
done
[ "$status" = 429 ] || fail "60 calls in a row were never limited"
echo "call $i: HTTP $status, $(grep -i '^retry-after' "$work/h" | tr -d '\r')"
grep -qi '^retry-after: [1-9]' "$work/h" || fail "no Retry-After"

step "8. The audit trail: one JSON line per request"
tail -n 2 "$work/audit.jsonl"
[ "$(wc -l <"$work/audit.jsonl")" -ge 3 ] || fail "too few audit lines"

printf '\nwalkthrough: every step answered as described\n'
