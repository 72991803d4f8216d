"""What routes receive: the shared services, and the authenticated, rate-limited caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from assistant.api.auth import Authenticator, Caller, RateLimiter
from assistant.api.observability import Metrics
from assistant.feedback import FeedbackStore
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
    metrics: Metrics
    tools: dict


def services(request: Request) -> Services:
    return request.app.state.services


def caller(request: Request, s: Annotated[Services, Depends(services)]) -> Caller:
    who = s.auth.caller(request)
    request.state.role = who.role
    s.limiter.check(who)
    return who


ServicesDep = Annotated[Services, Depends(services)]
CallerDep = Annotated[Caller, Depends(caller)]
