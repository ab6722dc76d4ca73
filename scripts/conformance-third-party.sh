#!/usr/bin/env bash
# `mcp-conformance server` against servers of other implementations, over stdio and over
# Streamable HTTP (on 127.0.0.1; node listeners are forced there by
# scripts/conformance/listen-localhost.cjs):
#   - @modelcontextprotocol/server-everything (npm, pinned below), the reference "everything" server;
#   - a small server written with the official Python SDK (PyPI mcp==2.3.0,
#     scripts/interop/python_server.py).
# Their failures are findings, not errors of this script: it prints each report and exits 0
# unless mcp-conformance itself could not run (exit 2) or a report is missing. The README's
# "What the suite finds in other servers" section records the findings.
#
#   scripts/conformance-third-party.sh            reports in target/conformance-third-party/
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=$root/target/conformance-cache
out=$root/target/conformance-third-party
rm -rf "$out" && mkdir -p "$out"
source scripts/lib/npm.sh

everything=@modelcontextprotocol/server-everything@2026.8.31
npm_install "$cache/server-everything" "$everything"
venv=$cache/python/.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mcp' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q mcp==2.3.0
fi

cargo build -q --release -p mcp-conformance
tool=$root/target/release/mcp-conformance

run() { # NAME COMMAND
    local name=$1 command=$2 rc=0
    echo "== $name: $command"
    "$tool" server --command "$command" --json "$out/$name.json" >"$out/$name.txt" 2>&1 || rc=$?
    grep -vE '^    msg:|^[←→]' "$out/$name.txt" | grep -vE '  pass$' || true
    if [ "$rc" -ge 2 ] || [ ! -s "$out/$name.json" ]; then
        echo "mcp-conformance could not test $name (exit $rc)" >&2
        return 1
    fi
}

run_http() { # NAME URL COMMAND...: starts the server, waits for its port, tests it, stops it
    local name=$1 url=$2 rc=0 port
    shift 2
    port=${url#http://127.0.0.1:}
    port=${port%%/*}
    "$@" >"$out/$name.server.log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    echo "== $name: $url"
    "$tool" server --url "$url" --json "$out/$name.json" >"$out/$name.txt" 2>&1 || rc=$?
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep -vE '^    msg:|^[←→]' "$out/$name.txt" | grep -vE '  pass$' || true
    if [ "$rc" -ge 2 ] || [ ! -s "$out/$name.json" ]; then
        echo "mcp-conformance could not test $name (exit $rc)" >&2
        return 1
    fi
}

everything_js=$cache/server-everything/node_modules/@modelcontextprotocol/server-everything/dist/index.js
run server-everything "node $everything_js stdio"
run python-sdk "$venv/bin/python $root/scripts/interop/python_server.py 0 stdio"
port=$((20000 + RANDOM % 20000))
PORT=$port NODE_OPTIONS="--require $root/scripts/conformance/listen-localhost.cjs" \
    run_http server-everything-http "http://127.0.0.1:$port/mcp" node "$everything_js" streamableHttp
port=$((port + 1))
run_http python-sdk-http "http://127.0.0.1:$port/mcp" \
    "$venv/bin/python" "$root/scripts/interop/python_server.py" "$port" sse-stream
echo "reports: $out"
