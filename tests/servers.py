"""A real uvicorn server on 127.0.0.1, in a thread of the test process (so it shares the loaded model)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app, ready_path: str = "/healthz") -> Iterator[str]:
    """Served as `assistant serve` serves it (`assistant.api.serve`), so forwarding headers are
    believed only from the app's ASSISTANT_TRUSTED_PROXIES."""
    import uvicorn

    from assistant.api.serve import server_config
    from core.settings import Settings

    port = free_port()
    settings = getattr(app.state, "settings", None) or Settings()
    config = server_config(
        app, settings, "127.0.0.1", port, log_level="warning", log_config=None, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(base + ready_path, timeout=2).status_code < 500:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    else:
        server.should_exit = True
        raise RuntimeError(f"uvicorn did not start on {base}")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def sse_events(response: httpx.Response) -> list[tuple[str | None, Any]]:
    """(event name, decoded data) of each server-sent event of a streamed response, in order."""
    import json

    events, name = [], None
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            events.append((name, json.loads(line[6:])))
    return events
