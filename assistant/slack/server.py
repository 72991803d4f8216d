"""Running the Slack app: over HTTP (the Events API), mounted in the API or on its own, or by Socket Mode."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from assistant.api.limits import BodyLimit
from assistant.feedback import FeedbackStore, feedback_store
from assistant.slack.signature import readable_body, signature_headers_ok
from core.errors import ConfigError, ServiceUnreachable
from core.settings import Settings, secret_value

log = logging.getLogger("assistant.slack")


def slack_app(settings: Settings, assistant, mode: str, feedback: FeedbackStore | None = None):
    """`feedback`: the API's store when mounted there; otherwise one on the same SQLite file."""
    from assistant.slack.app import build_app

    return build_app(
        settings, assistant, feedback or feedback_store(settings.data_dir, assistant.conversations), mode
    )


# How long after a failed connection to Slack the next Slack request tries again.
RETRY_AFTER_S = 30.0


class SlackEndpoint:
    """The Bolt request handler, or why there is none.

    Slack being unreachable at start-up (a network fault, an outage) must not take the HTTP API
    down with it: the failure is logged, /readyz reports it, and the next Slack request after
    `RETRY_AFTER_S` tries to connect again. A token Slack rejects is a configuration error and
    still stops start-up, naming the setting.
    """

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._handler: Any = None
        self._failed_at: float | None = None
        self.reason: str | None = None
        self._lock = threading.Lock()

    def connect(self) -> bool:
        with self._lock:
            if self._handler is not None:
                return True
            try:
                self._handler = self._build()
            except ServiceUnreachable as exc:
                self._failed_at, self.reason = time.monotonic(), exc.message
                log.warning("Slack is unreachable; the HTTP API serves without it: %s", exc.message)
                return False
            self._failed_at, self.reason = None, None
            return True

    def handler(self) -> Any:
        if self._handler is None and (
            self._failed_at is None or time.monotonic() - self._failed_at >= RETRY_AFTER_S
        ):
            self.connect()
        return self._handler

    @property
    def status(self) -> str:
        return "up" if self._handler is not None else "down"


def mount(api: FastAPI) -> None:
    """POST /slack/events on the API: events, interactivity and the slash command share one URL."""

    @api.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        endpoint: SlackEndpoint | None = getattr(request.app.state, "slack", None)
        if endpoint is None:
            return Response(status_code=503, content="Slack is not configured")
        handler = await run_in_threadpool(endpoint.handler)
        if handler is None:
            return Response(status_code=503, content="Slack is unreachable from this server")
        if not signature_headers_ok(request.headers):
            return Response(status_code=401, content="invalid request signature")
        if not readable_body(await request.body()):
            return Response(status_code=400, content="the body is not UTF-8 text")
        return await handler.handle(request)


def handler_for(bolt_app):
    from slack_bolt.adapter.starlette.handler import SlackRequestHandler

    return SlackRequestHandler(bolt_app)


def http_api(settings: Settings, assistant) -> FastAPI:
    """The Slack endpoint on its own (`assistant slack --http`)."""
    api = FastAPI(
        title="Somerset programme assistant: Slack", docs_url=None, redoc_url=None, openapi_url=None
    )
    api.state.settings = settings
    api.state.slack = SlackEndpoint(lambda: handler_for(slack_app(settings, assistant, "http")))
    api.state.slack.connect()
    api.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    mount(api)

    @api.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok", "slack": api.state.slack.status}

    return api


def socket_handler(settings: Settings, assistant):
    """Socket Mode: Slack pushes events over a WebSocket the app opens, so no public URL is needed."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    bolt_app = slack_app(settings, assistant, "socket")
    return SocketModeHandler(bolt_app, secret_value(settings.slack_app_token))


def connect(handler) -> None:
    """Open the socket; Slack refusing the app token is a configuration error that names the setting."""
    from slack_sdk.errors import SlackApiError

    try:
        handler.connect()
    except SlackApiError as exc:
        raise ConfigError(
            f"Slack rejected ASSISTANT_SLACK_APP_TOKEN ({exc.response.get('error', exc)})"
        ) from exc


def run_socket(settings: Settings, assistant) -> None:
    import threading

    handler = socket_handler(settings, assistant)
    connect(handler)
    log.info("Slack app connected by Socket Mode")
    try:
        threading.Event().wait()
    finally:
        handler.close()
