"""What routes receive: the shared services, and the authenticated, rate-limited caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from assistant.api.auth import Authenticator, Caller, FailedKeys, RateLimiter, client_address, presents_key
from assistant.api.observability import Metrics
from assistant.feedback import FeedbackStore
from core.errors import AuthError
from core.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant


@dataclass
class Services:
    settings: Settings
    assistant: Assistant
    feedback: FeedbackStore
    auth: Authenticator
    limiter: RateLimiter
    failed_keys: FailedKeys
    metrics: Metrics
    tools: dict


def services(request: Request) -> Services:
    return request.app.state.services


def caller(request: Request, s: Annotated[Services, Depends(services)]) -> Caller:
    client = client_address(request)
    if presents_key(request):
        s.failed_keys.before(client)
    try:
        who = s.auth.caller(request)
    except AuthError:
        s.failed_keys.failed(client)
        raise
    request.state.role = who.role
    s.limiter.check(who)
    return who


ServicesDep = Annotated[Services, Depends(services)]
CallerDep = Annotated[Caller, Depends(caller)]
