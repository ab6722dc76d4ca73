"""A server of another implementation for interop checks: the official Python SDK (mcp 2.3.0),
with bench-server's tools (`echo {text}`, `add {a, b}`), over one of its HTTP transports.

    python_server.py PORT MODE     MODE: sse-stream | json | stateless | legacy-sse | stdio
                                   (stdio ignores PORT)
"""
import sys

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

port, mode = int(sys.argv[1]), sys.argv[2]
server = MCPServer("python-interop")
# Both tools change nothing and reach nothing: saying so lets `mcp-conformance server` call
# them under its default tool policy (read-only tools only).
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)


@server.tool(annotations=READ_ONLY)
def echo(text: str) -> str:
    """Returns the text."""
    return text


@server.tool(annotations=READ_ONLY)
def add(a: float, b: float) -> float:
    """Adds two numbers."""
    return a + b


if mode == "stdio":
    server.run("stdio")
elif mode == "legacy-sse":
    server.run("sse", host="127.0.0.1", port=port)
else:
    server.run(
        "streamable-http",
        host="127.0.0.1",
        port=port,
        json_response=(mode == "json"),
        stateless_http=(mode == "stateless"),
    )
