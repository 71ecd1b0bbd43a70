"""HEAD for every GET route: monitors and load balancers probe with HEAD, and FastAPI answers it 405.

An ASGI middleware runs the request as GET and sends the same status and headers without the body,
as HTTP says a HEAD response must; routes stay written once, for GET.
"""

from __future__ import annotations

from typing import Any

Scope = dict[str, Any]


class HeadAsGet:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: dict) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
