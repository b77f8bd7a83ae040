"""A request-body limit enforced while the body streams in, before any route, login check or JSON decoding."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """ASGI middleware: 413 at once for a declared Content-Length over the limit, and as soon as the bytes
    received pass it for a chunked body; the rest of the body is never read.

    A route reads its body before FastAPI checks who is asking, so a limit inside the app would come too late:
    an anonymous 400 MB JSON body cost 1.1 GB before the 401."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], int]) -> None:
        self.app = app
        self.limit_for = limit_for  # request -> the most bytes its body may have

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await _refuse(send, limit)
                    # The route sees a client that went away and stops reading; its answer is dropped below.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)


def upload_limit(upload_paths: tuple[str, ...], upload_bytes: int, body_bytes: int,
                 session_cookie: str) -> Callable[[Scope], int]:
    """The upload limit for uploads that carry a credential (a bearer token or a session cookie, not yet
    checked), the small body limit for every other request: an anonymous upload is cut off after
    `body_bytes`, not read to the upload limit before its 401."""
    cookie = session_cookie.encode() + b"="

    def limit_for(scope: Scope) -> int:
        if scope["path"] not in upload_paths:
            return body_bytes
        headers = dict(scope.get("headers") or [])
        signed = headers.get(b"authorization", b"").lower().startswith(b"bearer ") or cookie in headers.get(b"cookie", b"")
        return upload_bytes if signed else body_bytes

    return limit_for


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"请求内容超过 {_size(limit)} 上限"}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _size(limit: int) -> str:
    return f"{limit // 1048576} MB" if limit >= 1048576 else f"{max(1, limit // 1024)} KB"
