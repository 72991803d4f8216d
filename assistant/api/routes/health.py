"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from assistant.api.deps import ServicesDep
from core.errors import AssistantError

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(s: ServicesDep) -> dict:
    """The process is up; and what callers without a key can read."""
    return {
        "status": "ok",
        "auth": s.auth.describe(),
        "anonymous_role": "public" if s.auth.allow_anonymous or not s.auth.keys else None,
    }


@router.get("/readyz")
def readyz(s: ServicesDep) -> JSONResponse:
    """Ready when the index is loaded (503 until then, or when its store is unreachable)."""
    retriever = s.assistant.retriever
    try:
        state = retriever.state
        retriever.vectors.check()
        ready = len(state.chunks) > 0
        body = {
            "status": "ready" if ready else "empty index",
            "generation": state.generation,
            "documents": len(state.docs),
            "chunks": len(state.chunks),
        }
    except AssistantError as exc:
        ready, body = False, {"status": "not ready", "reason": exc.message}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
def metrics(s: ServicesDep) -> Response:
    return Response(generate_latest(s.metrics.registry), media_type=CONTENT_TYPE_LATEST)
