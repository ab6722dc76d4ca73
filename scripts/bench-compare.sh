#!/usr/bin/env bash
# Our MCP crates side by side with rmcp (issue 8): builds benches/compare in release (its own
# cargo workspace, so rmcp is compiled only here), runs the whole comparison once, writing
# BENCHMARKS.md at the repository root, then appends the build cost of a minimal server of
# each (scripts/build-cost.sh --build: clean release builds, several minutes). Takes 20-40
# minutes in all; the machine should be quiet.
#
#   scripts/bench-compare.sh [compare options]     e.g. --rt multi, -n 20000
#   BUILD_COST=no scripts/bench-compare.sh --quick  the harness only, no clean builds
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/benches/compare"
cargo build --release --locked
target/release/compare --out "$root/BENCHMARKS.md" "$@"
if [ "${BUILD_COST:-yes}" != no ]; then
    {
        printf '\n## Build cost\n\n'
        printf 'A one-tool server (`echo`) of each, in its own crate, built from clean in release\n'
        printf 'without debug info (`scripts/build-cost.sh --build`, one build after the other on this\n'
        printf 'machine): crates in the normal dependency graph, build time, stripped binary size.\n'
        printf '`ours-stdio-lean` is `mcp-server` without default features (no `validate`: arguments are\n'
        printf 'checked by serde only, as rmcp does); `ours-stdio` also checks what serde cannot (ranges,\n'
        printf 'lengths, patterns) against the tool'"'"'s JSON Schema, with the `jsonschema` crate.\n\n'
        "$root/scripts/build-cost.sh" --build
    } >>"$root/BENCHMARKS.md"
fi
