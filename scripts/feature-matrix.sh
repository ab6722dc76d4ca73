#!/usr/bin/env bash
# The feature matrix: every workspace crate with no features, with each of its features alone
# (default features off), and with its default features, each under clippy with -D warnings.
# What `cargo hack --each-feature --no-dev-deps clippy` does, without installing cargo-hack:
# the libraries and binaries are checked, not the tests (dev-dependencies do not take part, so
# they cannot hide a feature that a crate forgot to enable itself).
#
#   scripts/feature-matrix.sh              every crate
#   scripts/feature-matrix.sh mcp-client   the crates named
#
# `cargo test --workspace` (default features) and `--all-features` are run by .ci/run itself.
set -euo pipefail
cd "$(dirname "$0")/.."

# "crate feature" lines: every feature but `default` and the implicit ones of optional
# dependencies (this workspace names them `dep:` everywhere, so there are none).
features() {
    cargo metadata --no-deps --format-version 1 --offline 2>/dev/null ||
        cargo metadata --no-deps --format-version 1
}
mapfile -t rows < <(features | python3 -c '
import json, sys
wanted = set(sys.argv[1:])
for p in json.load(sys.stdin)["packages"]:
    if wanted and p["name"] not in wanted:
        continue
    print(p["name"], "")  # no features at all
    for f in sorted(p["features"]):
        if f != "default":
            print(p["name"], f)
    print(p["name"], "default")
' "$@")

failed=()
for row in "${rows[@]}"; do
    read -r crate feature <<<"$row"
    case "$feature" in
        "") args=(--no-default-features); label="no features" ;;
        default) args=(); label="default features" ;;
        *) args=(--no-default-features --features "$feature"); label="--features $feature" ;;
    esac
    printf '\n-- %s, %s\n' "$crate" "$label"
    if ! cargo clippy -q -p "$crate" "${args[@]}" -- -D warnings; then
        failed+=("$crate ($label)")
    fi
done

printf '\nfeature matrix: %d feature sets checked, %d with errors\n' "${#rows[@]}" "${#failed[@]}"
if ((${#failed[@]})); then
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
