#!/usr/bin/env bash
# Stdio benchmark: bench-client against bench-server, and the raw pipe ping-pong it runs on,
# measured in the same repetitions. Each repetition runs every row once, in the same order;
# ratios are computed inside a repetition, then the median over repetitions is printed (the
# machine is noisy: medians of in-run ratios cancel most of the drift).
#
#   scripts/bench-stdio.sh [REPS] [N]        defaults: 5 repetitions, 10000 calls
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
n=${2:-10000}
cargo build -q --release -p mcp-examples --bin bench-client --bin bench-server
b=target/release
out=$(mktemp)
for _ in $(seq "$reps"); do
    {
        echo "pipe $($b/bench-client pipe -n "$n")"
        echo "c1 $($b/bench-client calls --stdio "$b/bench-server --stdio" -n "$n")"
        echo "c16 $($b/bench-client calls --stdio "$b/bench-server --stdio" -n $((n * 2)) -c 16)"
    } >>"$out"
done
python3 scripts/lib/bench_summary.py "$out" "$reps" \
    "pipe=raw pipe ping-pong (cat)" \
    "c1=bench-client → bench-server, 1 in flight" \
    "c16=bench-client → bench-server, 16 in flight" \
    "RATIO:c1/pipe=sequential calls / raw pipe"
rm -f "$out"
