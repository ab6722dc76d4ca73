"""A server of another implementation for interop checks: the official Python SDK (mcp 2.3.0),
with bench-server's tools (`echo {text}`, `add {a, b}`), over one of its HTTP transports.

    python_server.py PORT MODE     MODE: sse-stream | json | stateless | legacy-sse | stdio
                                   (stdio ignores PORT)
"""
import sys

from mcp.server.mcpserver import MCPServer

port, mode = int(sys.argv[1]), sys.argv[2]
server = MCPServer("python-interop")


@server.tool()
def echo(text: str) -> str:
    """Returns the text."""
    return text


@server.tool()
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
