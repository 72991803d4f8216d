"""POST /v1/ask (JSON or SSE), conversations and feedback."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Callable, Iterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import CallerDep, ServicesDep
from assistant.api.routes.documents import links
from assistant.feedback import Feedback
from assistant.models import Answer, AskRequest
from assistant.visibility import turn_readable
from core.errors import AssistantError, Forbidden, NotFound, storage_full
from core.settings import ROLE_AUDIENCES

router = APIRouter(prefix="/v1", tags=["answers"])
MAX_FEEDBACK_LISTED = 1000
log = logging.getLogger("assistant.api")


class AskBody(AskRequest):
    stream: bool = Field(
        default=False, description="Answer as server-sent events: answer, citations, tools, done"
    )


@router.post("/ask", response_model=Answer, responses={200: {"content": {"text/event-stream": {}}}})
async def ask(body: AskBody, request: Request, s: ServicesDep, who: CallerDep):
    """Ask a question; the answer comes with citations (and tool calls for computed numbers)."""
    wants_stream = body.stream or "text/event-stream" in request.headers.get("accept", "")
    args = (body.question, body.conversation_id, body.filters, who.role, None, False, who.owner)
    if not wants_stream:
        answer: Answer = await run_in_threadpool(s.assistant.ask, *args)
        s.metrics.answered(answer)
        return links(s).answer(answer)
    events = s.assistant.stream(*args)
    # The first event is computed before the response starts, so a bad question still gets its 4xx.
    first = await run_in_threadpool(next, events)
    return StreamingResponse(
        sse(first, events, s.metrics, links(s).answer),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def sse(
    first: str | Answer, events: Iterator[str | Answer], metrics, signed: Callable[[Answer], Answer]
) -> Iterator[str]:
    """The answer text as it is verified, then its citations, its tools, and done; a failure after
    the response started (the Chroma server gone, a full disk when storing the turn) ends the stream
    with an `error` event in the usual error shape instead of a cut connection."""
    try:
        yield from _sse(first, events, metrics, signed)
    except Exception as exc:
        error = exc if isinstance(exc, AssistantError) else storage_full(exc, "the assistant's data folder")
        if error is None:
            log.exception("streamed answer failed")
            error = AssistantError("Something went wrong on our side while answering; please ask again.")
        yield _event("error", {"error": {"code": error.code, "message": error.message}})


def _sse(
    first: str | Answer, events: Iterator[str | Answer], metrics, signed: Callable[[Answer], Answer]
) -> Iterator[str]:
    for event in itertools.chain([first], events):
        if isinstance(event, str):
            yield _event("answer", {"delta": event})
            continue
        metrics.answered(event)
        yield _event("citations", [c.model_dump() for c in signed(event).citations])
        yield _event("tools", [t.model_dump() for t in event.tools])
        yield _event(
            "done",
            {
                "conversation_id": event.conversation_id,
                "answer_id": event.answer_id,
                "abstained": event.abstained,
                "composer": event.composer,
                "prompt_version": event.prompt_version,
                "notices": event.notices,
                "filters": event.filters.model_dump(exclude_none=True) if event.filters else None,
            },
        )


class Turn(BaseModel):
    n: int
    question: str
    answer: Answer
    created_at: str


class Conversation(BaseModel):
    conversation_id: str
    turns: list[Turn]


@router.get("/conversations/{conversation_id}", response_model=Conversation)
def conversation(conversation_id: str, s: ServicesDep, who: CallerDep) -> Conversation:
    """The turns of a conversation of the caller's own; any other id is not found, whether or not
    it exists. (Answers given to a role that may read more than the caller are left out too, for
    conversations from before they had owners.)"""
    store = s.assistant.conversations
    if not store.belongs_to(conversation_id, who.owner):
        raise NotFound(f"no conversation {conversation_id!r}")
    turns = []
    signing = links(s)  # links stored with an answer have expired by now: sign them afresh
    for t in store.history(conversation_id, limit=200):
        if t.answer is None or not ROLE_AUDIENCES.get(t.role, ROLE_AUDIENCES["admin"]) <= who.audiences:
            continue
        answer = signing.answer(t.answer)
        turns.append(Turn(n=t.n, question=t.question, answer=answer, created_at=t.created_at))
    return Conversation(conversation_id=conversation_id, turns=turns)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    answer_id: str = Field(min_length=3, max_length=100)
    rating: str = Field(pattern="^(up|down)$")
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    id: str
    answer_id: str
    rating: str
    comment: str | None
    source: str
    created_at: str


@router.post("/feedback", response_model=FeedbackOut, status_code=201, tags=["feedback"])
def feedback(body: FeedbackIn, s: ServicesDep, who: CallerDep) -> FeedbackOut:
    """Rate an answer up or down, with an optional comment."""
    fb = s.feedback.add(body.answer_id, body.rating, body.comment, source="api", user=who.key_id)
    return FeedbackOut(**{k: v for k, v in fb.as_dict().items() if k != "user"})


@router.get("/feedback", response_model=list[FeedbackOut], tags=["feedback"])
def feedback_list(
    s: ServicesDep, who: CallerDep, answer_id: str | None = None, limit: int = 100
) -> list[FeedbackOut]:
    """Recent feedback, for staff reviewing answers: only on answers that cite nothing the caller
    may not read, given to a role that reads no more than the caller. Admin sees all."""
    if who.role == "public":
        raise Forbidden("Feedback is visible to staff and members only.")
    docs = s.assistant.retriever.state.docs
    answers = s.assistant.conversations

    def visible(f: Feedback) -> bool:
        return who.role == "admin" or turn_readable(answers.answer(f.answer_id), docs, who.audiences)

    return [
        FeedbackOut(**{k: v for k, v in f.as_dict().items() if k != "user"})
        for f in s.feedback.list(answer_id, max(1, min(limit, MAX_FEEDBACK_LISTED)), visible)
    ]
