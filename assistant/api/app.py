"""The FastAPI application: routes, the web page, errors, auth, limits, logs and metrics."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from assistant.api import errors
from assistant.api.auth import Authenticator, FailedKeys, RateLimiter
from assistant.api.deps import Services
from assistant.api.headers import SecurityHeaders
from assistant.api.limits import BodyLimit
from assistant.api.observability import Metrics, RequestMiddleware
from assistant.api.routes import ask, documents, health, openai, pages, starters, tools
from assistant.feedback import feedback_store
from assistant.retention import prune_forever
from assistant.tools.registry import make_tools
from core.settings import Settings

log = logging.getLogger("assistant.api")
WEB = Path(str(resources.files("assistant").joinpath("web")))


def create_app(settings: Settings, assistant=None, embedder=None) -> FastAPI:
    """`assistant` and `embedder` may be given (tests, benchmarks); otherwise they are built from
    settings and warmed up before the first request."""
    metrics = Metrics()
    registry = make_tools(settings.grade_salaries)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        a = assistant
        if a is None:
            from assistant.service import Assistant

            a = Assistant.from_settings(settings, embedder=embedder)
        try:
            a.warm_up()
        except Exception as exc:  # the API still starts; /readyz says why it is not ready
            log.warning("index not ready at start-up: %s", exc)
        feedback = feedback_store(settings.data_dir, a.conversations)
        app.state.services = Services(
            settings=settings,
            assistant=a,
            feedback=feedback,
            auth=Authenticator(settings),
            limiter=RateLimiter(settings.rate_limit_per_minute),
            failed_keys=FailedKeys(settings.auth_failures_per_minute),
            metrics=metrics,
            tools=registry,
        )
        if settings.slack_configured:
            from assistant.slack.server import SlackEndpoint, handler_for, slack_app

            app.state.slack = SlackEndpoint(lambda: handler_for(slack_app(settings, a, "http", feedback)))
            app.state.slack.connect()  # a rejected token stops start-up; an unreachable Slack does not
        log.info("assistant API ready: %s", app.state.services.auth.describe())
        pruning = asyncio.create_task(prune_forever(a.conversations, settings.conversation_days))
        try:
            yield
        finally:
            pruning.cancel()

    app = FastAPI(
        title="Somerset programme assistant",
        version="1.0",
        description="Cited answers about Somerset council programme documents. Every sentence carries a "
        "citation (document, page, section, verbatim quote); every computed number comes from a named tool.",
        lifespan=lifespan,
    )
    app.state.settings = settings  # how it is served (assistant.api.serve) reads the proxy settings
    errors.install(app)
    # Outermost last: security headers on every response; request ids and logs; then the body limit,
    # which reads (at most the limit of) the body before any route or key check runs.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestMiddleware, metrics=metrics)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    tool_router = tools.APIRouter(prefix="/v1", tags=["tools"])
    tools.add_tool_routes(tool_router, registry)
    routers = (
        ask.router,
        starters.router,
        documents.router,
        pages.router,
        tools.router,
        tool_router,
        openai.router,
    )
    for r in routers:
        app.include_router(r, responses=errors.RESPONSES)
    app.include_router(health.router)
    if settings.slack_configured:
        from assistant.slack.server import mount

        mount(app)
    app.mount("/static", StaticFiles(directory=WEB), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB / "index.html", media_type="text/html")

    return app
