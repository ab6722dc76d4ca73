#!/usr/bin/env bash
# HTTP benchmark: bench-client against bench-server --http on 127.0.0.1, and the bare hyper
# keep-alive POST ping-pong it runs on, measured in the same repetitions. Each repetition
# runs every row once, in the same order, against a fresh server; ratios are computed inside
# a repetition, then the median over repetitions is printed (the machine is noisy). The
# server runs on one thread (`--threads 1`): on this 2-core machine that beats a multi-thread
# runtime both sequentially and with 16 calls in flight (the client has the other core).
#
# Both binaries use the system allocator; MIMALLOC=1 builds them with mimalloc (the examples
# feature `bench-mimalloc`; the memory-per-session row then reads 0: mimalloc's RSS does not
# grow for 1,000 small sessions).
#
#   scripts/bench-http.sh [REPS] [N]        defaults: 5 repetitions, 10000 calls
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
n=${2:-10000}
if [ -n "${MIMALLOC:-}" ]; then
    features=(--features bench-mimalloc)
    echo "allocator: mimalloc (feature bench-mimalloc)"
else
    features=()
    echo "allocator: the system's (glibc malloc)"
fi
cargo build -q --release -p mcp-examples "${features[@]}" --bin bench-client --bin bench-server
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
python3 scripts/lib/bench_summary.py "$out" "$reps" \
    "hyper=bare hyper keep-alive POST ping-pong" \
    "c1=bench-client → bench-server, 1 call in flight" \
    "c16=bench-client → bench-server, 16 calls in flight" \
    "sessions=new idle sessions, 1 connection" \
    "sessions8=new idle sessions, 8 connections" \
    "RATIO:c1/hyper=sequential calls / bare hyper"
