"""An OpenAI-compatible chat endpoint, so existing clients (the openai SDKs, LangChain's ChatOpenAI,
Open WebUI) work unchanged, without losing citations.

The last user message is the question; earlier messages are the conversation. Citations appear as
numbered footnotes in the content and, in full, in a `citations` field on the response (and on the
final chunk when streaming).
"""

from __future__ import annotations

import itertools
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.deps import CallerDep, ServicesDep
from assistant.api.routes.documents import links
from assistant.conversations import Turn, new_id
from assistant.models import Answer

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL_ID = "somerset-assistant"


class Message(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") in (None, "text"))
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)  # temperature, top_p and the like are ignored

    model: str = MODEL_ID
    messages: list[Message] = Field(min_length=1, max_length=200)
    stream: bool = False


@router.get("/models")
def models(who: CallerDep) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 1_700_000_000, "owned_by": "somerset"}],
    }


def _history(messages: list[Message], titles: dict[str, str]) -> list[Turn]:
    """Earlier user questions as turns; documents named in our own earlier footnotes as their citations."""
    turns: list[Turn] = []
    for i, m in enumerate(messages):
        if m.role != "user":
            continue
        reply = next((x.text() for x in messages[i + 1 :] if x.role == "assistant"), "")
        cited = tuple(doc_id for title, doc_id in titles.items() if f"] {title}" in reply)
        turns.append(Turn(len(turns) + 1, m.text(), m.text(), reply, cited))
    return turns


def footnoted(answer: Answer, base: str) -> str:
    if not answer.citations:
        return answer.answer
    notes = []
    for c in answer.citations:
        where = f"page {c.page}" + (f", §{c.section}" if c.section else "")
        quote = "" if c.in_answer else f": “{c.quote}”"
        notes.append(f"[{c.marker}] {c.title} ({c.date}), {where}{quote} {c.link(base)}")
    return answer.answer + "\n\nSources:\n" + "\n".join(notes)


@router.post(
    "/chat/completions", responses={200: {"content": {"application/json": {}, "text/event-stream": {}}}}
)
async def chat_completions(body: ChatRequest, request: Request, s: ServicesDep, who: CallerDep):
    users = [i for i, m in enumerate(body.messages) if m.role == "user" and m.text().strip()]
    if not users:
        reply = Answer(
            answer="There is no question to answer: send a message with role 'user'.",
            abstained=True,
            conversation_id=new_id("c"),
            answer_id=new_id("a"),
        )
        return _completion(reply, reply.answer, body.stream)
    last = users[-1]
    # Not cut to the limit: the answer would be to a question nobody asked. Too long is a 422, as
    # on /v1/ask (`check_question`).
    question = body.messages[last].text()
    retriever = s.assistant.retriever
    titles = {d.title: d.doc_id for d in retriever.state.docs.values()}
    history = _history(body.messages[:last], titles)
    base = (s.settings.public_url or str(request.base_url)).rstrip("/")
    args = (question, None, None, who.role, history, False, who.owner)
    if body.stream:
        events = s.assistant.stream(*args)
        first = await run_in_threadpool(next, events)  # errors of the question before the stream starts
        return StreamingResponse(
            _live_chunks(itertools.chain([first], events), base, s.metrics, links(s).answer),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
    answer: Answer = await run_in_threadpool(s.assistant.ask, *args)
    s.metrics.answered(answer)
    answer = links(s).answer(answer)
    return _completion(answer, footnoted(answer, base), body.stream, question)


def _completion(answer: Answer, content: str, stream: bool, question: str = ""):
    cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())
    extra = _extra(answer)
    if not stream:
        words = len(content.split())
        return {
            "id": cid,
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": len(question.split()),
                "completion_tokens": words,
                "total_tokens": len(question.split()) + words,
            },
            **extra,
        }
    return StreamingResponse(
        _chunks(cid, created, content, extra),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _extra(answer: Answer) -> dict:
    return {
        "citations": [c.model_dump() for c in answer.citations],
        "tools": [t.model_dump() for t in answer.tools],
        "abstained": answer.abstained,
        "answer_id": answer.answer_id,
        "composer": answer.composer,
        "prompt_version": answer.prompt_version,
    }


def _live_chunks(
    events: Iterator[str | Answer], base: str, metrics, signed: Callable[[Answer], Answer]
) -> Iterator[str]:
    """Verified text as it comes, then the sources as footnotes, with the citations on the last chunk."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    chunk = _chunker(cid, created)
    yield chunk({"role": "assistant", "content": ""})
    for event in events:
        if isinstance(event, str):
            yield chunk({"content": event})
            continue
        metrics.answered(event)
        event = signed(event)
        notes = footnoted(event, base)[len(event.answer) :]
        if notes:
            yield chunk({"content": notes})
        yield chunk({}, "stop", **_extra(event))
    yield "data: [DONE]\n\n"


def _chunker(cid: str, created: int):
    def chunk(delta: dict, finish: str | None = None, **more) -> str:
        payload = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **more,
        }
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    return chunk


def _chunks(cid: str, created: int, content: str, extra: dict) -> Iterator[str]:
    chunk = _chunker(cid, created)
    yield chunk({"role": "assistant", "content": ""})
    for piece in re.findall(r"\S+\s*", content):
        yield chunk({"content": piece})
    yield chunk({}, "stop", **extra)
    yield "data: [DONE]\n\n"
