#!/usr/bin/env bash
# `mcp-conformance server`, with its default options (read-only tools only), against real
# servers from npm and PyPI, each in a throwaway data directory, checking that the run
# changed nothing there; then the README's matrix of results is written anew.
#
#   scripts/conformance-third-party.sh              every server below, then the README matrix
#   scripts/conformance-third-party.sh NAME...      only these (the matrix is not rewritten)
#
# The servers (versions pinned below), over stdio, and over Streamable HTTP on 127.0.0.1 where
# they offer it (node listeners are forced onto 127.0.0.1 by scripts/conformance/listen-localhost.cjs):
#   everything, everything-http   @modelcontextprotocol/server-everything
#   filesystem                    @modelcontextprotocol/server-filesystem, serving a seeded DIR
#   memory                        @modelcontextprotocol/server-memory, MEMORY_FILE_PATH in DIR
#   sequential-thinking           @modelcontextprotocol/server-sequential-thinking
#   python-sdk, python-sdk-http   scripts/interop/python_server.py on PyPI mcp
#   time                          PyPI mcp-server-time
#   git                           PyPI mcp-server-git, on a throwaway repository in DIR
#   fetch                         PyPI mcp-server-fetch (its one tool says openWorldHint: true,
#                                 so the default policy does not call it: the report says so)
# Every server runs with DIR (mktemp) as its working directory and HOME. DIR's tree (names,
# kinds, modes, sizes, contents) is hashed before and after: any difference fails the script
# (exit 1). Conformance failures are findings, not errors of this script; it also fails when
# mcp-conformance could not run a target (exit 2) or wrote no report.
#
# Reports: target/conformance-third-party/NAME.{json,txt,changed}. The README section between
# the third-party-matrix markers is generated from them by scripts/conformance/third_party_matrix.py.
# PROFILE=debug uses a debug build (quicker to build, slower to run); MCP_CONFORMANCE_ARGS adds
# options to every run (the matrix says the defaults were used only when it is empty).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=$root/target/conformance-cache
out=$root/target/conformance-third-party
profile=${PROFILE:-release}
source scripts/lib/npm.sh

npm_version=2026.8.31
pypi_pins=(mcp==2.3.0 mcp-server-time==2026.10.19 mcp-server-git==2026.10.19 mcp-server-fetch==2026.10.24)
for p in server-everything server-filesystem server-memory server-sequential-thinking; do
    npm_install "$cache/$p" "@modelcontextprotocol/$p@$npm_version"
done
venv=$cache/python/.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/pip" freeze 2>/dev/null | grep -qxF "${pypi_pins[3]}"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "${pypi_pins[@]}"
fi
js() { echo "$cache/$1/node_modules/@modelcontextprotocol/$1/dist/index.js"; }

if [ "$profile" = release ]; then
    cargo build -q --release -p mcp-conformance
else
    cargo build -q -p mcp-conformance
fi
tool=$root/target/$profile/mcp-conformance

# tree_hash DIR: one digest of everything in DIR that a server could change.
tree_hash() {
    (cd "$1" && {
        find . -printf '%y %m %s %p\n' | LC_ALL=C sort
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    } | sha256sum | cut -d' ' -f1)
}

# seed NAME DIR: what a server finds in its data directory before the run.
seed() {
    local dir=$2
    case $1 in
    filesystem)
        mkdir -p "$dir/served/docs"
        printf 'hello\n' >"$dir/served/hello.txt"
        printf '# notes\nnothing to see\n' >"$dir/served/docs/notes.md"
        ;;
    memory)
        printf '%s\n' '{"type":"entity","name":"probe","entityType":"thing","observations":["seeded"]}' \
            >"$dir/memory.jsonl"
        ;;
    git)
        git init -q -b main "$dir/repo"
        printf 'hello\n' >"$dir/repo/README"
        git -C "$dir/repo" add README
        git -C "$dir/repo" -c user.name=seed -c user.email=seed@mcp-conformance.invalid \
            commit -q -m seed
        # A read of the index refreshes its stat data once: done here, not counted as a change.
        git -C "$dir/repo" status -s >/dev/null
        ;;
    esac
}

# command NAME DIR: the command that starts server NAME over stdio in DIR.
command_for() {
    local dir=$2
    case $1 in
    everything | everything-http) echo "node $(js server-everything) stdio" ;;
    filesystem) echo "node $(js server-filesystem) $dir/served" ;;
    memory) echo "env MEMORY_FILE_PATH=$dir/memory.jsonl node $(js server-memory)" ;;
    sequential-thinking) echo "node $(js server-sequential-thinking)" ;;
    python-sdk | python-sdk-http) echo "$venv/bin/python $root/scripts/interop/python_server.py 0 stdio" ;;
    time) echo "$venv/bin/mcp-server-time --local-timezone UTC" ;;
    git) echo "$venv/bin/mcp-server-git --repository $dir/repo" ;;
    fetch) echo "$venv/bin/mcp-server-fetch" ;;
    *) return 1 ;;
    esac
}

# http_server NAME PORT: becomes server NAME on 127.0.0.1:PORT (exec: the caller's pid is
# the server's).
http_server() {
    case $1 in
    everything-http)
        PORT=$2 NODE_OPTIONS="--require $root/scripts/conformance/listen-localhost.cjs" \
            exec node "$(js server-everything)" streamableHttp
        ;;
    python-sdk-http) exec "$venv/bin/python" "$root/scripts/interop/python_server.py" "$2" sse-stream ;;
    esac
}

# test_one NAME: runs mcp-conformance against server NAME in a fresh DIR; 1 when DIR changed
# or the target could not be tested.
test_one() {
    local name=$1 dir rc=0 before after pid='' port
    dir=$(mktemp -d "${TMPDIR:-/tmp}/mcp-third-party-$name.XXXXXX")
    seed "$name" "$dir"
    before=$(tree_hash "$dir")
    # MCP_CONFORMANCE_ARGS: more options, e.g. "--answer-within 30" on a loaded machine.
    # shellcheck disable=SC2206
    local args=(--json "$out/$name.json" --quiet ${MCP_CONFORMANCE_ARGS:-})
    case $name in
    *-http)
        port=$((20000 + RANDOM % 20000))
        (cd "$dir" && export HOME=$dir && http_server "$name" "$port") >"$out/$name.server.log" 2>&1 &
        pid=$!
        for _ in $(seq 100); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
            sleep 0.1
        done
        echo "== $name: http://127.0.0.1:$port/mcp"
        (cd "$dir" && "$tool" server --url "http://127.0.0.1:$port/mcp" "${args[@]}") \
            >"$out/$name.txt" 2>&1 || rc=$?
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        ;;
    *)
        local command
        command=$(command_for "$name" "$dir")
        echo "== $name: $command"
        (cd "$dir" && HOME=$dir "$tool" server --command "$command" "${args[@]}") \
            >"$out/$name.txt" 2>&1 || rc=$?
        ;;
    esac
    after=$(tree_hash "$dir")
    grep -E '^[0-9]+ passed, ' "$out/$name.txt" | sed 's/^/   /' || true
    local bad=0
    if [ "$before" != "$after" ]; then
        echo "   CHANGED: the run changed $dir (kept for inspection)" >&2
        echo changed >"$out/$name.changed"
        bad=1
    else
        echo "   unchanged: $dir"
        echo unchanged >"$out/$name.changed"
        rm -rf "$dir"
    fi
    if [ "$rc" -ge 2 ] || [ ! -s "$out/$name.json" ]; then
        echo "   mcp-conformance could not test $name (exit $rc)" >&2
        bad=1
    fi
    return $bad
}

all=(everything everything-http filesystem memory sequential-thinking python-sdk python-sdk-http time git fetch)
chosen=("$@")
[ ${#chosen[@]} -gt 0 ] || { chosen=("${all[@]}"); rm -rf "$out"; }
mkdir -p "$out"
failed=()
for name in "${chosen[@]}"; do
    case " ${all[*]} " in *" $name "*) ;; *) echo "unknown server $name (one of: ${all[*]})" >&2; exit 2 ;; esac
    test_one "$name" || failed+=("$name")
done
if [ $# -eq 0 ]; then
    python3 scripts/conformance/third_party_matrix.py "$out" README.md \
        "$(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD)" "${MCP_CONFORMANCE_ARGS:-}"
fi
echo "reports: $out"
if [ ${#failed[@]} -gt 0 ]; then
    echo "changed or untestable: ${failed[*]}" >&2
    exit 1
fi
