"""Request ids, structured JSON logs, request-size limits and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import time
import uuid

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the request id when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "method", "path", "status", "ms", "role"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access", "httpx", "chromadb", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "assistant_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "assistant_http_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.answers = Counter(
            "assistant_answers_total", "Answers given", ["composer"], registry=self.registry
        )
        self.abstentions = Counter(
            "assistant_abstentions_total", "Answers that abstained", registry=self.registry
        )
        self.tool_calls = Counter(
            "assistant_tool_calls_total", "Tool calls in answers", ["tool"], registry=self.registry
        )

    def answered(self, answer) -> None:
        self.answers.labels(answer.composer).inc()
        if answer.abstained:
            self.abstentions.inc()
        for t in answer.tools:
            self.tool_calls.labels(t.name).inc()


class RequestMiddleware(BaseHTTPMiddleware):
    """Assigns a request id, logs and measures (the body limit is `assistant.api.limits`, inside it)."""

    def __init__(self, app, metrics: Metrics) -> None:
        super().__init__(app)
        self.metrics = metrics
        self.log = logging.getLogger("assistant.api.access")

    async def dispatch(self, request: Request, call_next) -> Response:
        rid = request.headers.get("x-request-id") or f"r-{uuid.uuid4().hex[:16]}"
        rid = rid[:64]
        request.state.request_id = rid
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        elapsed = time.perf_counter() - started
        self.metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        self.metrics.latency.labels(path).observe(elapsed)
        response.headers["X-Request-ID"] = rid
        self.log.info(
            "%s %s %s",
            request.method,
            request.url.path,
            response.status_code,
            extra={
                "request_id": rid,
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "ms": round(elapsed * 1000, 1),
                "role": getattr(request.state, "role", None),
            },
        )
        return response
