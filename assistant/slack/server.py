"""Running the Slack app: over HTTP (the Events API), mounted in the API or on its own, or by Socket Mode."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import Response

from assistant.feedback import FeedbackStore, feedback_store
from core.errors import ConfigError
from core.settings import Settings, secret_value

log = logging.getLogger("assistant.slack")


def slack_app(settings: Settings, assistant, mode: str, feedback: FeedbackStore | None = None):
    """`feedback`: the API's store when mounted there; otherwise one on the same SQLite file."""
    from assistant.slack.app import build_app

    return build_app(
        settings, assistant, feedback or feedback_store(settings.data_dir, assistant.conversations), mode
    )


def mount(api: FastAPI) -> None:
    """POST /slack/events on the API: events, interactivity and the slash command share one URL."""

    @api.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        handler = getattr(request.app.state, "slack_handler", None)
        if handler is None:
            return Response(status_code=503, content="Slack is not configured")
        return await handler.handle(request)


def handler_for(bolt_app):
    from slack_bolt.adapter.starlette.handler import SlackRequestHandler

    return SlackRequestHandler(bolt_app)


def http_api(settings: Settings, assistant) -> FastAPI:
    """The Slack endpoint on its own (`assistant slack --http`)."""
    api = FastAPI(
        title="Somerset programme assistant: Slack", docs_url=None, redoc_url=None, openapi_url=None
    )
    api.state.slack_handler = handler_for(slack_app(settings, assistant, "http"))
    mount(api)

    @api.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok", "slack": "http"}

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
