#!/usr/bin/env bash
# `mcp-conformance server` against servers of other implementations, over stdio:
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

run server-everything \
    "node $cache/server-everything/node_modules/@modelcontextprotocol/server-everything/dist/index.js stdio"
run python-sdk "$venv/bin/python $root/scripts/interop/python_server.py 0 stdio"
echo "reports: $out"
