"""[llm] acceptance 2: the real `ChatOpenAI` client (built by `init_chat_model` from ASSISTANT_LLM) talks
to a fake OpenAI-compatible server on 127.0.0.1 that replays scripted responses, tool calls included;
and the answers reach users through the HTTP API, streaming included."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from tests.fakes_llm import FakeOpenAI, find, openai_prompt, openai_tool_results
from tests.servers import running, sse_events

pytestmark = pytest.mark.integration

TARGET_Q = "What was Pioneer Somerset's savings target?"


@pytest.fixture(scope="module")
def wire():
    state: dict = {}
    server = FakeOpenAI(lambda body: state["script"](body)).start()
    yield server, state
    server.stop()


def _assistant(assistant, base: str, **more):
    from assistant.llm.service import llm_answerer
    from assistant.service import Assistant

    s = assistant.settings.model_copy(
        update={"llm": base, "llm_model": "scripted-1", "llm_api_key": SecretStr("sk-test-key"), **more}
    )
    return s, Assistant(s, assistant.retriever, assistant.conversations, llm_answerer(s))


def _good(body: dict) -> dict:
    prompt = openai_prompt(body)
    n = find(prompt, "efficiency savings in the region of £20 million")
    return {
        "content": f"The Pioneer programme committed to efficiency savings of £20 million by 2012-13 [{n}]. "
        f"It also promised a £75m windfall [{n}]."
    }


def test_chat_openai_round_trips_a_tool_call(wire, assistant) -> None:
    server, state = wire

    def script(body: dict) -> dict:
        results = openai_tool_results(body)
        if not results:
            return {
                "tool_calls": [
                    {"name": "costing_day_rate", "arguments": {"rate": 750, "days_per_week": 4, "weeks": 46}}
                ]
            }
        return {"content": f"That would cost £{results[0]['result']:,}."}

    state["script"] = script
    before = len(server.requests)
    _, a = _assistant(assistant, server.base)
    answer = a.ask("What would 4 days a week at £750 a day for 46 weeks cost?")
    assert answer.composer == f"llm:{server.base}" and "£138,000" in answer.answer
    assert [t.name for t in answer.tools] == ["costing.day_rate"]
    first, second = server.requests[before:]
    assert first["model"] == "scripted-1" and "costing_day_rate" in {
        t["function"]["name"] for t in first["tools"]
    }
    schema = next(t for t in first["tools"] if t["function"]["name"] == "costing_day_rate")["function"][
        "parameters"
    ]
    assert set(schema["required"]) == {"rate", "days_per_week", "weeks"}
    assert any(m["role"] == "tool" for m in second["messages"])
    assert first["messages"][0]["role"] == "system" and "NOT_FOUND" in first["messages"][0]["content"]


def test_the_api_serves_verified_llm_answers_streaming_and_not(wire, assistant) -> None:
    from openai import OpenAI

    from assistant.api.app import create_app

    server, state = wire
    state["script"] = _good
    settings, a = _assistant(assistant, server.base, rate_limit_per_minute=100_000)
    with running(create_app(settings, assistant=a)) as base:
        plain = httpx.post(f"{base}/v1/ask", json={"question": TARGET_Q}, timeout=60).json()
        assert plain["composer"].startswith("llm:") and plain["prompt_version"].startswith("answer-")
        assert "£20 million" in plain["answer"] and "75m" not in plain["answer"]

        with httpx.stream(
            "POST", f"{base}/v1/ask", json={"question": TARGET_Q, "stream": True}, timeout=60
        ) as r:
            events = sse_events(r)
        names = [n for n, _ in events]
        assert names[0] == "answer" and names[-3:] == ["citations", "tools", "done"]
        text = "".join(d["delta"] for n, d in events if n == "answer")
        assert "£20 million" in text and "75m" not in text
        assert events[-1][1]["composer"].startswith("llm:")

        client = OpenAI(base_url=f"{base}/v1", api_key="unused")
        pieces = []
        for chunk in client.chat.completions.create(
            model="somerset-assistant", messages=[{"role": "user", "content": TARGET_Q}], stream=True
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
        content = "".join(pieces)
        assert "£20 million" in content and "75m" not in content and "Sources:" in content


def test_a_rate_limited_provider_falls_back(wire, assistant) -> None:
    server, state = wire
    state["script"] = lambda body: {"status": 429, "message": "slow down"}
    _, a = _assistant(assistant, server.base, llm_max_retries=0)
    answer = a.ask(TARGET_Q)
    assert answer.composer == "extractive" and any("(rate limit)" in n for n in answer.notices)
    assert answer.citations and not answer.abstained
