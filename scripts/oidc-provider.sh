#!/usr/bin/env bash
# A real, independent OAuth 2.1 authorization server for the tests: oidc-provider (npm, panva;
# OpenID-certified; RFC 8707, 9207, 9068, 7591, 7662 built in) wrapped by scripts/auth/as.mjs.
#
#   scripts/oidc-provider.sh            installs it (once) and prints the directory to export
#   export MCP_OIDC_PROVIDER_DIR=$(scripts/oidc-provider.sh)
#
# The tests that need it (mcp-auth/tests/oidc_provider.rs, ...) read MCP_OIDC_PROVIDER_DIR, or
# look in target/conformance-cache/oidc-provider; without it they print "SKIPPED: ..." and pass.
# .ci/run calls this script, so in CI they always run. The server itself listens on 127.0.0.1
# only, with keys generated at start and clients created by Dynamic Client Registration.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$PWD/target/conformance-cache/oidc-provider
source scripts/lib/npm.sh
npm_install "$dir" oidc-provider@9.13.3 >&2
cp scripts/auth/as.mjs "$dir/as.mjs"
echo "$dir"
