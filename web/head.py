"""HTTP HEAD answered wherever GET is: the same status and headers, no body.

FastAPI's routes answer only the methods they declare, so HEAD got 405 everywhere, and podcast
apps probe enclosures with HEAD before they download. This middleware runs a HEAD request as a
GET and drops the body on its way out: one code path, so the headers (Content-Length, Content-Type,
Accept-Ranges, the access rule) are exactly GET's.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class HeadAsGet:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def headers_only(message: Message) -> None:
            nonlocal finished
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False) and not finished:
                finished = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)
