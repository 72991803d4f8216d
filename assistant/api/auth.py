"""Bearer API keys with roles, and per-caller rate limits.

Each key in `ASSISTANT_API_KEYS` has a role (public, staff, member); the role decides which document
audiences the caller may read, on every endpoint. Callers without a key get the public role when
anonymous access is allowed (the default); with no keys configured at all, the API serves public
documents only and /healthz says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass

from fastapi import Request

from assistant.conversations import Owner
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

    @property
    def owner(self) -> Owner:
        """Whose conversations this caller may read and continue: its key's, with its role.
        Callers without a key share "anonymous"; their conversation ids, random and never listed,
        are all that keeps them apart."""
        return Owner(f"key:{self.key_id}" if self.key_id else "anonymous", self.role)


def client_address(request: Request) -> str:
    """The TCP peer, or what a trusted proxy forwarded: uvicorn rewrites the peer from
    X-Forwarded-For only for ASSISTANT_TRUSTED_PROXIES (`assistant.api.serve`)."""
    return request.client.host if request.client else "unknown"


def presents_key(request: Request) -> bool:
    return bool(request.headers.get("authorization", "").strip())


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

    def describe_anonymously(self) -> str:
        """What a caller without a key may know: what it can read, not which keys exist."""
        if not self.keys:
            return "no API keys configured: serving public documents only"
        if self.allow_anonymous:
            return "callers without a key get public documents"
        return "a key is required"

    def caller(self, request: Request) -> Caller:
        client = client_address(request)
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
        self.take(caller.key_id or f"ip:{caller.client}")

    def take(self, who: str) -> None:
        """Spend one token of `who`'s bucket, or raise RateLimited when it is empty."""
        with self._lock:
            tokens, now = self._level(who)
            if tokens < 1.0:
                self._buckets[who] = (tokens, now)
                raise self._limited(tokens)
            self._buckets[who] = (tokens - 1.0, now)

    def require(self, who: str) -> None:
        """RateLimited when `who`'s bucket is empty; spends nothing."""
        with self._lock:
            tokens, _ = self._level(who)
        if tokens < 1.0:
            raise self._limited(tokens)

    def _level(self, who: str) -> tuple[float, float]:
        now = time.monotonic()
        tokens, last = self._buckets.get(who, (self.capacity, now))
        return min(self.capacity, tokens + (now - last) * self.rate), now

    def _limited(self, tokens: float) -> RateLimited:
        return RateLimited(
            f"Too many requests; the limit is {int(self.capacity)} a minute.",
            retry_after=max(1, int((1.0 - tokens) / self.rate) + 1),
        )


class FailedKeys:
    """Wrong or malformed keys, counted per client address.

    While an address has used up its allowance, every request from it that tries to authenticate
    gets 429 before its key is looked at, the right key included: otherwise a guesser would still
    learn which guess was right.
    """

    def __init__(self, per_minute: int) -> None:
        self._buckets = RateLimiter(per_minute)

    def before(self, client: str) -> None:
        self._buckets.require(f"auth:{client}")

    def failed(self, client: str) -> None:
        # Once empty, the next attempts are refused; this one still answers 401.
        with contextlib.suppress(RateLimited):
            self._buckets.take(f"auth:{client}")
