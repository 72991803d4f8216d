"""Security headers on every response: the web page may not be framed, and runs only its own code.

The page loads its script and style from /static and talks to this API only, so a strict policy
costs nothing, and an injected `<script>` (were one ever to get past the page's text-only rendering)
would not run. Frames are refused so a hostile site cannot overlay the page to harvest a typed key.
"""

from __future__ import annotations

from assistant.api.limits import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
CSP = (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())
# FastAPI's interactive docs load Swagger UI from a CDN with an inline script; they keep the other headers.
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        wanted = HEADERS if scope.get("path") in DOCS_PATHS else (CSP, *HEADERS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                extra = [(n, v) for n, v in wanted if n not in present]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
