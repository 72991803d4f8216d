"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from assistant.api.deps import ServicesDep
from core.errors import AssistantError, AuthError

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(request: Request, s: ServicesDep) -> dict:
    """The process is up; and what callers without a key can read. How many keys exist, and with
    which roles, is told only to a caller with a key: an anonymous caller learning that an admin
    key exists learns what is worth guessing."""
    try:
        keyed = s.auth.caller(request).key_id is not None
    except AuthError:
        keyed = False
    return {
        "status": "ok",
        "auth": s.auth.describe() if keyed else s.auth.describe_anonymously(),
        "anonymous_role": "public" if s.auth.allow_anonymous or not s.auth.keys else None,
    }


@router.get("/readyz")
def readyz(request: Request, s: ServicesDep) -> JSONResponse:
    """Ready when the index is loaded (503 until then, or when its store is unreachable). With Slack
    configured, `slack` says whether it is up; Slack being down does not make the API unready, as
    the HTTP API still answers."""
    retriever = s.assistant.retriever
    try:
        state = retriever.state
        retriever.vectors.check()
        ready = state.size > 0
        body = {
            "status": "ready" if ready else "empty index",
            "generation": state.generation,
            "documents": len(state.docs),
            "chunks": state.size,
        }
    except AssistantError as exc:
        ready, body = False, {"status": "not ready", "reason": exc.message}
    slack = getattr(request.app.state, "slack", None)
    if slack is not None:
        body["slack"] = slack.status
        if slack.reason:
            body["slack_reason"] = slack.reason
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
def metrics(s: ServicesDep) -> Response:
    return Response(generate_latest(s.metrics.registry), media_type=CONTENT_TYPE_LATEST)
