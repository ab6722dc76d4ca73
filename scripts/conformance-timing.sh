#!/usr/bin/env bash
# How long `mcp-conformance server` takes with default options (every scenario, every
# version, `--jobs` = the number of cores) against servers of other implementations:
#   - @modelcontextprotocol/server-everything (npm, pinned) over stdio and over Streamable
#     HTTP on 127.0.0.1 (node listeners forced there by scripts/conformance/listen-localhost.cjs);
#   - a server written with the official Python SDK (PyPI mcp==2.3.0,
#     scripts/interop/python_server.py) over stdio.
# Prints one line per target with the wall seconds, the result counts and the exit status
# (1 is expected: these servers have true failures; 2 would mean the target could not be
# reached, and fails this script). Targets (issue 15): < 30 s, < 20 s, < 30 s. The load
# average is printed too: on a shared machine the figures move with it.
#
#   scripts/conformance-timing.sh            reports in target/conformance-timing/
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=$root/target/conformance-cache
out=$root/target/conformance-timing
rm -rf "$out" && mkdir -p "$out"
source scripts/lib/test-servers.sh
install_test_servers "$cache"

cargo build -q --release -p mcp-conformance
tool=$root/target/release/mcp-conformance
failed=0

timed() { # NAME ARGS...: runs `mcp-conformance server ARGS`, prints the line
    local name=$1 rc=0 start end
    shift
    start=$(date +%s.%N)
    "$tool" server "$@" --quiet --json "$out/$name.json" >"$out/$name.txt" 2>"$out/$name.err" || rc=$?
    end=$(date +%s.%N)
    printf '%-32s %6.1f s  %s  (exit %d, load %s)\n' "$name" "$(echo "$end - $start" | bc)" \
        "$(grep -E '^[0-9]+ passed' "$out/$name.txt" | tail -n 1 | sed 's/ in [0-9.]* s$//')" "$rc" \
        "$(cut -d' ' -f1 /proc/loadavg)"
    if [ "$rc" -ge 2 ]; then
        cat "$out/$name.err" >&2
        failed=1
    fi
}

echo "cores: $(nproc); jobs: the default"
timed server-everything-stdio --command "node $everything_js stdio"

port=$((20000 + RANDOM % 20000))
PORT=$port NODE_OPTIONS="--require $root/scripts/conformance/listen-localhost.cjs" \
    node "$everything_js" streamableHttp >"$out/server-everything-http.server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
timed server-everything-http --url "http://127.0.0.1:$port/mcp"
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true

timed python-sdk-stdio --command "$venv/bin/python $root/scripts/interop/python_server.py 0 stdio"
echo "reports: $out"
exit "$failed"
