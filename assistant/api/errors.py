"""One JSON error shape for every failure, and the one place that maps errors to status codes.

    {"error": {"code": "question_too_long", "message": "...", "request_id": "r-..."}}

No stack trace ever reaches a client: unexpected errors are logged with the request id and answered
with a generic message that carries it.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import AssistantError, RateLimited, storage_full

log = logging.getLogger("assistant.api")


class ErrorDetail(BaseModel):
    code: str
    message: str
    request_id: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


# Documented on every route, so clients generated from the OpenAPI schema know the error shape.
RESPONSES: dict[int | str, dict] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        400: "The body is not valid JSON",
        401: "Missing or unknown API key",
        403: "The caller's role may not do this",
        404: "Not found (or not visible to the caller's role)",
        413: "Request body too large",
        422: "Invalid request or question",
        429: "Rate limit reached; see Retry-After",
        500: "Unexpected error; the message carries the request id",
        503: "The index or its store is not available",
        507: "The data folder's disk is full; nothing was saved",
    }.items()
}


def _allowed(request: Request) -> list[str]:
    """Every method some route serves at this path (a path may have a GET and a POST route)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE or getattr(route, "path", None) == request.url.path:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def error_body(code: str, message: str, request: Request, **extra) -> dict:
    return {
        "error": {
            "code": code,
            "message": message,
            "request_id": getattr(request.state, "request_id", None),
            **extra,
        }
    }


def install(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        if exc.status >= 500:
            log.warning("request %s failed: %s", getattr(request.state, "request_id", "-"), exc.message)
        return JSONResponse(
            error_body(exc.code, exc.message, request), status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body")
            problems.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        return JSONResponse(
            error_body("invalid_request", "; ".join(problems) or "invalid request", request), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "http_error"
        )
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed(request))
        return JSONResponse(
            error_body(code, str(exc.detail), request), status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = getattr(request.state, "request_id", None)
        full = storage_full(exc, "the assistant's data folder")
        if full is not None:
            log.error("request %s: %s (%s)", rid, full.message, exc)
            return JSONResponse(error_body(full.code, full.message, request), status_code=full.status)
        log.exception("unexpected error in request %s", rid)
        return JSONResponse(
            error_body(
                "internal_error",
                f"Something went wrong on our side; quote request id {rid} when reporting it.",
                request,
            ),
            status_code=500,
        )
