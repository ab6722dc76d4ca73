# Sourced by the scripts that run mcp-conformance against servers of other implementations:
# install_test_servers CACHE installs the pinned server-everything (npm) into
# CACHE/server-everything and the Python SDK (PyPI mcp==2.3.0) into the venv CACHE/python/.venv,
# unless they are there already, and sets $everything_js and $venv.
source "$(dirname "${BASH_SOURCE[0]}")/npm.sh"

install_test_servers() {
    local cache=$1
    npm_install "$cache/server-everything" @modelcontextprotocol/server-everything@2026.8.31
    everything_js=$cache/server-everything/node_modules/@modelcontextprotocol/server-everything/dist/index.js
    venv=$cache/python/.venv
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mcp' 2>/dev/null; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q mcp==2.3.0
    fi
}
