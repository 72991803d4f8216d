"""Bearer API keys with roles, and per-caller rate limits.

Each key in `ASSISTANT_API_KEYS` has a role (public, staff, member); the role decides which document
audiences the caller may read, on every endpoint. Callers without a key get the public role when
anonymous access is allowed (the default); with no keys configured at all, the API serves public
documents only and /healthz says so.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass

from fastapi import Request

from core.errors import AuthError, RateLimited
from core.settings import ROLE_AUDIENCES, Settings


@dataclass(frozen=True)
class Caller:
    role: str
    key_id: str | None  # a short hash of the key, safe to log; None for anonymous callers
    client: str

    @property
    def audiences(self) -> frozenset[str]:
        return ROLE_AUDIENCES[self.role]


def key_id(key: str) -> str:
    return "k-" + hashlib.sha256(key.encode()).hexdigest()[:10]


class Authenticator:
    def __init__(self, settings: Settings) -> None:
        self.keys = dict(settings.api_keys)
        self.allow_anonymous = settings.allow_anonymous

    def describe(self) -> str:
        if not self.keys:
            return "no API keys configured: serving public documents only"
        roles = sorted(set(self.keys.values()))
        anon = (
            "; callers without a key get public documents" if self.allow_anonymous else "; a key is required"
        )
        return f"{len(self.keys)} API key(s) with roles {', '.join(roles)}{anon}"

    def caller(self, request: Request) -> Caller:
        client = request.client.host if request.client else "unknown"
        if not self.keys:
            # No keys configured: everyone reads public documents; clients that always send a token
            # (the OpenAI SDKs do) are not refused for it.
            return Caller("public", None, client)
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if token:
            for key, role in self.keys.items():
                if hmac.compare_digest(token.encode(), key.encode()):
                    return Caller(role, key_id(key), client)
            raise AuthError("The API key is not recognised.")
        if header:
            raise AuthError("Use an Authorization header of the form 'Bearer <key>'.")
        if self.keys and not self.allow_anonymous:
            raise AuthError("An API key is required: send 'Authorization: Bearer <key>'.")
        return Caller("public", None, client)


class RateLimiter:
    """A token bucket per caller (per key, or per client address for anonymous callers)."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, caller: Caller) -> None:
        who = caller.key_id or f"ip:{caller.client}"
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(who, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[who] = (tokens, now)
                raise RateLimited(
                    f"Too many requests; the limit is {int(self.capacity)} a minute.",
                    retry_after=max(1, int((1.0 - tokens) / self.rate) + 1),
                )
            self._buckets[who] = (tokens - 1.0, now)
