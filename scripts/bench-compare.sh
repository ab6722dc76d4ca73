#!/usr/bin/env bash
# Our MCP crates side by side with rmcp (issue 8): builds benches/compare in release (its own
# cargo workspace, so rmcp is compiled only here) and runs the whole comparison once, writing
# BENCHMARKS.md at the repository root. Takes several minutes; the machine should be quiet.
#
#   scripts/bench-compare.sh [compare options]     e.g. --rt multi, -n 20000, --quick
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/benches/compare"
cargo build --release --locked
exec target/release/compare --out "$root/BENCHMARKS.md" "$@"
