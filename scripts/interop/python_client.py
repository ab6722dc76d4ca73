"""The official Python SDK's client (PyPI mcp==2.3.0) against our everything-server.

    python python_client.py URL MODE

MODE: `auto` (server/discover, then initialize), `legacy` (initialize), a protocol version,
or `sse` (the 2024-11-05 HTTP+SSE transport; URL is then the server's /sse endpoint).
Lists tools, calls `test_simple_text`, reads `test://static-text` and gets
`test_simple_prompt`, checks each answer by value, and prints one JSON line with the
negotiated version. Exits non-zero on any mismatch.
"""

import asyncio
import json
import sys

from mcp.client.client import Client
from mcp.client.session import ClientSession
from mcp.client.sse import sse_client

TEXT = "This is a simple text response for testing."
RESOURCE = "This is the content of the static text resource."
PROMPT = "This is a simple prompt for testing."


async def exercise(session) -> dict:
    tools = await session.list_tools()
    names = {t.name for t in tools.tools}
    assert "test_simple_text" in names, names
    called = await session.call_tool("test_simple_text", {})
    assert called.content[0].text == TEXT, called
    read = await session.read_resource("test://static-text")
    assert read.contents[0].text == RESOURCE, read
    prompt = await session.get_prompt("test_simple_prompt")
    assert prompt.messages[0].content.text == PROMPT, prompt
    return {"tools": len(names)}


async def main(url: str, mode: str) -> None:
    if mode == "sse":
        async with sse_client(url) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                out = await exercise(session)
                out["version"] = init.protocol_version
    else:
        async with Client(url, mode=mode) as client:
            out = await exercise(client)
            out["version"] = client.protocol_version
    out["mode"] = mode
    print(json.dumps(out))


asyncio.run(main(sys.argv[1], sys.argv[2]))
