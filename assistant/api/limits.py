"""The request-body limit, counted on the bytes actually received.

A check of Content-Length alone lets a chunked upload (no Content-Length) stream without limit, and
FastAPI reads a body before it runs the dependencies that authenticate the caller. So this plain
ASGI middleware sits in front of everything: it reads the body itself, at most `max_bytes` of it,
and answers 413 as soon as one byte more arrives, before any route, dependency or key check runs.
The body it read is then handed on unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE = 413


class BodyTooLarge(Exception):
    """More than the limit arrived; `received` says how much had been read when it stopped."""

    def __init__(self, received: int) -> None:
        super().__init__(received)
        self.received = received


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send, f"The request body is {declared:,} bytes")
            return
        try:
            body = await self._read(receive)
        except BodyTooLarge as exc:
            await self._refuse(
                scope, send, f"The request body was still arriving after {exc.received:,} bytes"
            )
            return
        except _Disconnected:
            return  # nobody is left to answer
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes:
        parts: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _Disconnected(message)
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                raise BodyTooLarge(received)
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)

    async def _refuse(self, scope: Scope, send: Send, what: str) -> None:
        state = scope.get("state") or {}
        body = {
            "error": {
                "code": "too_large",
                "message": f"{what}; the limit is {self.max_bytes:,}.",
                "request_id": state.get("request_id"),
            }
        }
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": TOO_LARGE,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    # The rest of the body is never read, so the connection cannot carry another request.
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


class _Disconnected(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__("client disconnected")
        self.message = message


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body in one message, then the real channel (for disconnects while streaming)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
