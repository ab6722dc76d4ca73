#!/usr/bin/env bash
# HTTP benchmark: bench-client against bench-server --http on 127.0.0.1, and the bare hyper
# keep-alive POST ping-pong it runs on, measured in the same repetitions. Each repetition
# runs every row once, in the same order, against a fresh server; ratios are computed inside
# a repetition, then the median over repetitions is printed (the machine is noisy). The
# server runs on one thread (`--threads 1`): on this 2-core machine that beats a multi-thread
# runtime both sequentially and with 16 calls in flight (the client has the other core).
#
#   scripts/bench-http.sh [REPS] [N]        defaults: 5 repetitions, 10000 calls
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
n=${2:-10000}
cargo build -q --release -p mcp-examples --bin bench-client --bin bench-server
b=target/release
port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port/mcp
out=$(mktemp)
server=
stop() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    server=
}
trap 'stop; rm -f "$out"' EXIT
start() {
    $b/bench-server --http "127.0.0.1:$port" --threads 1 2>/dev/null &
    server=$!
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return
        sleep 0.1
    done
    echo "bench-server did not start" >&2
    exit 1
}
for _ in $(seq "$reps"); do
    echo "hyper $($b/bench-client hyper-pingpong -n "$n")" >>"$out"
    start
    {
        echo "c1 $($b/bench-client calls --url "$url" -n "$n")"
        echo "c16 $($b/bench-client calls --url "$url" -n $((n * 2)) -c 16)"
    } >>"$out"
    stop
    # Sessions on a fresh server, so its memory counts only them.
    start
    echo "sessions $($b/bench-client sessions --url "$url" -n 1000 --server-pid "$server")" >>"$out"
    echo "sessions8 $($b/bench-client sessions --url "$url" -n 2000 -c 8)" >>"$out"
    stop
done
python3 - "$out" "$reps" <<'PY'
import json, statistics, sys
rows = [l.split(" ", 1) for l in open(sys.argv[1])]
reps = int(sys.argv[2])
by = {}
for name, js in rows:
    by.setdefault(name, []).append(json.loads(js))
def med(name, key): return statistics.median(r[key] for r in by[name])
def spread(name, key):
    v = [r[key] for r in by[name]]; return f"{min(v):,.0f}–{max(v):,.0f}"
print(f"| row (median of {reps}) | per second (min–max) | p50 µs | p99 µs |")
print("|---|---|---|---|")
for name, label in [
    ("hyper", "bare hyper keep-alive POST ping-pong"),
    ("c1", "bench-client → bench-server, 1 call in flight"),
    ("c16", "bench-client → bench-server, 16 calls in flight"),
    ("sessions", "new idle sessions, 1 connection"),
    ("sessions8", "new idle sessions, 8 connections"),
]:
    print(f"| {label} | {med(name,'calls_per_s'):,.0f} ({spread(name,'calls_per_s')}) | {med(name,'p50_us')} | {med(name,'p99_us')} |")
ratios = [c["calls_per_s"] / h["calls_per_s"] for c, h in zip(by["c1"], by["hyper"])]
print(f"\nsequential calls / bare hyper, median of in-run ratios: {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")
mem = [r["bytes_per_idle_session"] for r in by["sessions"]]
print(f"memory per idle session (1,000 sessions, server RSS delta): median {statistics.median(mem):,.0f} bytes (min {min(mem):,.0f}, max {max(mem):,.0f})")
PY
