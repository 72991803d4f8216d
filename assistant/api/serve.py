"""How uvicorn serves the app: which forwarding headers it believes.

uvicorn rewrites the client address from X-Forwarded-For when the request comes from an address in
`forwarded_allow_ips`, which is 127.0.0.1 unless told otherwise. Rate limits and failed-key limits
are per client address, so believing that header from anyone who can reach the port would let a
caller pick a fresh address for every request. Here it is believed only from the proxies named in
`ASSISTANT_TRUSTED_PROXIES`, and not at all when none is named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.settings import Settings

if TYPE_CHECKING:
    import uvicorn


def proxy_headers(settings: Settings) -> bool:
    return bool(settings.trusted_proxies)


def forwarded_allow_ips(settings: Settings) -> str:
    # uvicorn reads FORWARDED_ALLOW_IPS (default 127.0.0.1) when given None, so never give None.
    return ",".join(settings.trusted_proxies)


def server_config(app, settings: Settings, host: str, port: int, **options) -> uvicorn.Config:
    """The uvicorn configuration of every way this project serves HTTP (CLI, tests, benchmarks)."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=proxy_headers(settings),
        forwarded_allow_ips=forwarded_allow_ips(settings),
        **options,
    )


def serve(app, settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Run until stopped; `app` is an app, or its import string when there are several workers."""
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=proxy_headers(settings),
        forwarded_allow_ips=forwarded_allow_ips(settings),
    )
