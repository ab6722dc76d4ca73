#!/usr/bin/env bash
# The official suite's counterparts (`official/*` scenarios of mcp-conformance) against our
# everything-server, over stdio and over Streamable HTTP on 127.0.0.1: no failure, and no
# skip except a version where the scenario's behaviour is not defined ("not defined in …")
# or an HTTP-only scenario over stdio; every official/* scenario passes somewhere.
#
#   scripts/conformance-everything.sh        builds both binaries (debug) first
#   EVERYTHING_SERVER=... MCP_CONFORMANCE=... scripts/conformance-everything.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${MCP_CONFORMANCE:-}" ] || [ -z "${EVERYTHING_SERVER:-}" ]; then
    cargo build -q -p mcp-conformance -p mcp-examples --bin mcp-conformance --bin everything-server
    MCP_CONFORMANCE=${MCP_CONFORMANCE:-target/debug/mcp-conformance}
    EVERYTHING_SERVER=${EVERYTHING_SERVER:-target/debug/everything-server}
fi
out=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$out"
}
trap cleanup EXIT

# The fixture's tools carry no annotations (the official contract names none), so the default
# policy (`--call-tools readonly`) would call none of them; our own fixture server's tools are
# harmless, so this script calls them all.
calls=(--call-tools all)

echo "== official/* over stdio"
status=0
"$MCP_CONFORMANCE" server --command "$EVERYTHING_SERVER --stdio" --scenario official/ "${calls[@]}" \
    --json "$out/stdio.json" >"$out/stdio.txt" || status=$?

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$EVERYTHING_SERVER" --http "127.0.0.1:$port" >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
done
echo "== official/* over HTTP (127.0.0.1:$port)"
"$MCP_CONFORMANCE" server --url "http://127.0.0.1:$port/mcp" --scenario official/ "${calls[@]}" \
    --json "$out/http.json" >"$out/http.txt" || status=$?

python3 - "$out/stdio.json" "$out/http.json" <<'PY'
import json, sys
bad, passed, seen = [], set(), set()
for path in sys.argv[1:]:
    transport = "stdio" if path.endswith("stdio.json") else "http"
    for r in json.load(open(path)):
        name, version, o = r["scenario"], r["version"], r["outcome"]
        seen.add(name)
        if o["status"] == "pass":
            passed.add(name)
        elif o["status"] == "fail":
            bad.append(f"FAIL {name} {version} {transport}: {o['reason'][:300]}")
        elif not (o["reason"].startswith("not defined in")
                  or (transport == "stdio" and o["reason"].startswith("an HTTP scenario"))):
            bad.append(f"SKIP {name} {version} {transport}: {o['reason'][:300]}")
never = sorted(seen - passed)
bad += [f"NEVER PASSED {n}" for n in never]
print(f"{len(seen)} official/* scenarios, {len(passed)} passed somewhere")
for b in bad:
    print(b)
sys.exit(1 if bad or not seen else 0)
PY
tail -n 1 "$out/stdio.txt" "$out/http.txt"
exit "$status"
