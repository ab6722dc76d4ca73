# Starts tickets-server over HTTP for a script (sourced): `tickets_start [EXTRA ARGS]` runs
# $TICKETS_SERVER (built in debug when unset) on two free ports of 127.0.0.1 with a fresh
# database and audit file in $work, waits until it listens, and sets MCP (the endpoint) and
# AS (its development authorization server). The server stops and $work goes when the script
# exits.

if [ -z "${TICKETS_SERVER:-}" ]; then
    cargo build -q -p mcp-examples --bin tickets-server
    TICKETS_SERVER=target/debug/tickets-server
fi
work=$(mktemp -d)
server=
tickets_stop() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap tickets_stop EXIT

tickets_start() {
    local mcp_port as_port
    # Two free ports (the kernel picks them; should another program take one meanwhile, the
    # server fails to start and this says so).
    read -r mcp_port as_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
    "$TICKETS_SERVER" --http "127.0.0.1:$mcp_port" --auth-addr "127.0.0.1:$as_port" \
        --db "$work/tickets.db" --audit-file "$work/audit.jsonl" "$@" 2>"$work/stderr" &
    server=$!
    MCP=http://127.0.0.1:$mcp_port/mcp
    AS=http://127.0.0.1:$as_port
    for _ in $(seq 100); do
        grep -q "tickets-server: $MCP" "$work/stderr" 2>/dev/null && return 0
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    cat "$work/stderr" >&2
    echo "tickets-server did not start" >&2
    return 1
}
