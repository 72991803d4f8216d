"""Fake LLMs for the [llm] tests: LangChain's fake chat model, scripted, and a fake OpenAI-compatible
server on 127.0.0.1 that the real `ChatOpenAI` client talks to. Scripts read the numbered passages
in the prompt the way a model would, so they can cite the right (or a wrong) passage."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import Request
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from tests.conftest import key

_HEAD = re.compile(r"^\[(\d+)\] .*?:\n", re.M)


def passages(prompt: str) -> dict[int, str]:
    """The numbered passages of the user prompt."""
    body = prompt.split("<passages>", 1)[-1].split("</passages>", 1)[0]
    heads = list(_HEAD.finditer(body))
    return {
        int(m.group(1)): body[m.end() : heads[i + 1].start() if i + 1 < len(heads) else len(body)]
        for i, m in enumerate(heads)
    }


def question_of(prompt: str) -> str:
    return prompt.rsplit("Question:", 1)[-1].strip()


def find(prompt: str, needle: str) -> int | None:
    """The number of the first passage that states `needle` (whitespace and hyphens aside)."""
    k = key(needle)
    return next((n for n, text in passages(prompt).items() if k in key(text)), None)


def other_than(prompt: str, needle: str) -> int:
    """A passage that does not state `needle`."""
    k = key(needle)
    return next(n for n, text in passages(prompt).items() if k not in key(text))


Script = Callable[[list[BaseMessage]], AIMessage | str]


class ScriptedChatModel(GenericFakeChatModel):
    """LangChain's GenericFakeChatModel, answering from a script that sees the messages; it streams
    word by word (as the parent does), streams tool calls too, and accepts bound tools."""

    script: Any = None
    sleep: float = 0.0
    calls: list = Field(default_factory=list)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.calls.append(messages)
        if self.sleep:
            time.sleep(self.sleep)
        out = self.script(messages)
        message = AIMessage(content=out) if isinstance(out, str) else out
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        message = self._generate(messages).generations[0].message
        if isinstance(message, AIMessage) and message.tool_calls:
            chunks = [
                tool_call_chunk(name=c["name"], args=json.dumps(c["args"]), id=c["id"], index=i)
                for i, c in enumerate(message.tool_calls)
            ]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))
            return
        for token in re.split(r"(\s)", str(message.content)):
            if token:
                yield ChatGenerationChunk(message=AIMessageChunk(content=token))

    def bind_tools(self, tools, **kwargs):
        return self


def scripted(script: Script, sleep: float = 0.0) -> ScriptedChatModel:
    return ScriptedChatModel(messages=iter(()), script=script, sleep=sleep, calls=[])


def tool_call(name: str, args: dict) -> AIMessage:
    return AIMessage(
        content="", tool_calls=[{"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:8]}"}]
    )


def user_prompt(messages: list[BaseMessage]) -> str:
    return next(str(m.content) for m in messages if m.type == "human")


def tool_results(messages: list[BaseMessage]) -> list[dict]:
    return [json.loads(str(m.content)) for m in messages if m.type == "tool"]


# -- a fake OpenAI-compatible server ----------------------------------------------------------------


class FakeOpenAI:
    """POST /v1/chat/completions on 127.0.0.1, answering from a script over the OpenAI wire format
    (JSON or server-sent events), with tool calls. `script(request_json) -> {"content": str} or
    {"tool_calls": [{"name", "arguments"}]}`."""

    def __init__(self, script: Callable[[dict], dict]) -> None:
        self.script = script
        self.requests: list[dict] = []
        self.base = ""
        self._server = None

    def start(self) -> FakeOpenAI:
        from fastapi import FastAPI
        from fastapi.responses import JSONResponse, StreamingResponse

        from tests.servers import running

        app = FastAPI()

        @app.get("/healthz")
        def healthz() -> dict:
            return {"ok": True}

        @app.post("/v1/chat/completions")
        async def completions(request: Request):
            body = await request.json()
            self.requests.append(body)
            reply = self.script(body)
            if reply.get("status"):
                return JSONResponse(
                    {"error": {"message": reply["message"], "type": "rate_limit"}}, reply["status"]
                )
            if body.get("stream"):
                return StreamingResponse(_sse(body, reply), media_type="text/event-stream")
            return JSONResponse(_completion(body, reply))

        self._context = running(app)
        self.base = self._context.__enter__() + "/v1"
        return self

    def stop(self) -> None:
        self._context.__exit__(None, None, None)


def _message(reply: dict) -> dict:
    if reply.get("tool_calls"):
        calls = [
            {
                "id": f"call_{i}_{uuid.uuid4().hex[:6]}",
                "type": "function",
                "function": {"name": c["name"], "arguments": json.dumps(c["arguments"])},
            }
            for i, c in enumerate(reply["tool_calls"])
        ]
        return {"role": "assistant", "content": None, "tool_calls": calls}
    return {"role": "assistant", "content": reply.get("content", "")}


def _completion(body: dict, reply: dict) -> dict:
    message = _message(reply)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if message.get("tool_calls") else "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _sse(body: dict, reply: dict) -> Iterator[str]:
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "scripted"),
    }
    message = _message(reply)
    deltas: list[dict[str, Any]]
    if message.get("tool_calls"):
        deltas = [
            {"role": "assistant", "tool_calls": [{**c, "index": i}]}
            for i, c in enumerate(message["tool_calls"])
        ]
        finish = "tool_calls"
    else:
        deltas = [{"role": "assistant", "content": ""}] + [
            {"content": t} for t in re.split(r"(\s)", message["content"]) if t
        ]
        finish = "stop"
    for d in deltas:
        yield (
            "data: "
            + json.dumps({**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]})
            + "\n\n"
        )
    yield (
        "data: "
        + json.dumps({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        + "\n\n"
    )
    yield "data: [DONE]\n\n"


def openai_prompt(body: dict) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def openai_tool_results(body: dict) -> list[dict]:
    return [json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"]
