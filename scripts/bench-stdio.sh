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
print(f"| row (median of {reps}) | calls/s (min–max) | p50 µs | p99 µs |")
print("|---|---|---|---|")
for name, label in [("pipe", "raw pipe ping-pong (cat)"), ("c1", "bench-client → bench-server, 1 in flight"), ("c16", "bench-client → bench-server, 16 in flight")]:
    print(f"| {label} | {med(name,'calls_per_s'):,.0f} ({spread(name,'calls_per_s')}) | {med(name,'p50_us')} | {med(name,'p99_us')} |")
ratios = [c["calls_per_s"] / p["calls_per_s"] for c, p in zip(by["c1"], by["pipe"])]
print(f"\nsequential calls / raw pipe, median of in-run ratios: {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")
PY
rm -f "$out"
