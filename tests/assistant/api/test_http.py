"""[api] acceptance against a real uvicorn on 127.0.0.1: the contract, streaming, the OpenAI client,
documents, tools, feedback, limits and the one error shape."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from tests.servers import sse_events

pytestmark = pytest.mark.integration

Q = "How far short of its savings need would the joint authority leave South Somerset?"


def test_ask_returns_the_contract(api: str) -> None:
    r = httpx.post(f"{api}/v1/ask", json={"question": Q}, timeout=60)
    assert r.status_code == 200 and r.headers["x-request-id"].startswith("r-")
    body = r.json()
    assert set(body) >= {
        "answer",
        "citations",
        "tools",
        "abstained",
        "conversation_id",
        "answer_id",
        "composer",
    }
    assert body["tools"][0]["formula"] == "£4.1m − £1.2m = £2.9m" and body["tools"][0]["cites"] == [1, 2]
    c = body["citations"][0]
    assert c["url"] == f"/v1/documents/{c['doc_id']}/file#page={c['page']}"
    history = httpx.get(f"{api}/v1/conversations/{body['conversation_id']}", timeout=30).json()
    assert (
        history["turns"][-1]["question"] == Q
        and history["turns"][-1]["answer"]["answer_id"] == body["answer_id"]
    )


def test_ask_streams_answer_then_citations_then_done(api: str) -> None:
    with httpx.stream("POST", f"{api}/v1/ask", json={"question": Q, "stream": True}, timeout=60) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r)
    names = [n for n, _ in events]
    assert names[0] == "answer" and names[-3:] == ["citations", "tools", "done"]
    text = "".join(d["delta"] for n, d in events if n == "answer")
    assert "£2.9m" in text and len(events[-3][1]) == 2 and events[-1][1]["answer_id"]


def test_the_openai_client_gets_cited_answers(api: str) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{api}/v1", api_key="not-needed", max_retries=0)
    assert [m.id for m in client.models.list().data] == ["somerset-assistant"]
    completion = client.chat.completions.create(
        model="somerset-assistant",
        messages=[{"role": "user", "content": "What did Somerset Council spend on agency staff in 2023/24?"}],
    )
    content = completion.choices[0].message.content or ""
    assert "£13.1m" in content and "Sources:\n[1]" in content and "#page=3" in content
    assert completion.citations[0]["page"] == 3  # type: ignore[attr-defined]
    # Earlier messages are the conversation: a follow-up resolves against them.
    follow = client.chat.completions.create(
        model="somerset-assistant",
        messages=[
            {"role": "user", "content": "What did Somerset Council spend on agency staff in 2023/24?"},
            {"role": "assistant", "content": content},
            {"role": "user", "content": "And what reduction is it aiming for the following year?"},
        ],
    )
    assert "£3m" in (follow.choices[0].message.content or "")
    pieces, final = [], None
    for chunk in client.chat.completions.create(
        model="somerset-assistant", stream=True, messages=[{"role": "user", "content": Q}]
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        if chunk.choices and chunk.choices[0].finish_reason == "stop":
            final = chunk
    assert "£2.9m" in "".join(pieces) and "Sources:" in "".join(pieces)
    assert final is not None and len(final.citations) == 2  # type: ignore[attr-defined]


def test_langchain_chat_openai_works_against_it(api: str) -> None:
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(
        base_url=f"{api}/v1", api_key=SecretStr("not-needed"), model="somerset-assistant", max_retries=0
    )
    reply = llm.invoke("When did Somerset Council come into existence?")
    assert "April 2023" in reply.content and "[1]" in reply.content


def test_documents_pages_and_files(api: str) -> None:
    docs = httpx.get(f"{api}/v1/documents", timeout=30).json()
    assert len(docs) == 5 and all(d["pages"] > 0 and d["chunks"] > 0 for d in docs)
    doc = httpx.get(f"{api}/v1/documents/2016-joint-working-report-ssdc-sdc", timeout=30).json()
    assert doc["title"].startswith("Joint Working Report") and "path" not in doc
    page = httpx.get(f"{api}/v1/documents/2016-joint-working-report-ssdc-sdc/pages/2", timeout=30).json()
    assert "£4.2m" in page["text"] and page["url"].endswith("#page=2")
    pdf = httpx.get(f"{api}/v1/documents/2016-joint-working-report-ssdc-sdc/file", timeout=30)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    missing = httpx.get(f"{api}/v1/documents/2016-joint-working-report-ssdc-sdc/pages/9", timeout=30)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_targets_and_tools(api: str) -> None:
    targets = httpx.get(f"{api}/v1/targets", params={"council": "SSDC"}, timeout=30).json()
    assert any(t["amount"] == 4_100_000 and t["page"] == 1 for t in targets)
    names = [t["name"] for t in httpx.get(f"{api}/v1/tools", timeout=30).json()]
    assert "costing.day_rate" in names and "arithmetic.totals_check" in names
    r = httpx.post(f"{api}/v1/tools/costing.contract", json={"days": 60, "daily_rate": 2000}, timeout=30)
    assert r.json()["output"] == 120_000 and r.json()["formula"] == "60 days × £2,000 a day = £120,000"
    bad = httpx.post(f"{api}/v1/tools/costing.contract", json={"days": -1, "daily_rate": 2000}, timeout=30)
    assert bad.status_code == 422 and "days" in bad.json()["error"]["message"]
    check = httpx.post(
        f"{api}/v1/tools/arithmetic.totals_check",
        json={"components": [8.6e6, 5.8e6, 1.1e6], "stated_total": 15.6e6},
        timeout=30,
    ).json()
    assert check["details"]["discrepancy"] == 100_000
    zero = httpx.post(f"{api}/v1/tools/arithmetic.ratio", json={"a": 3, "b": 0}, timeout=30)
    assert zero.status_code == 422 and zero.json()["error"]["message"] == "cannot divide by zero"
    assert httpx.post(f"{api}/v1/tools/nope", json={}, timeout=30).status_code == 404


def test_feedback_is_stored_against_an_answer(api: str) -> None:
    answer = httpx.post(
        f"{api}/v1/ask", json={"question": "When did Somerset Council come into existence?"}, timeout=60
    ).json()
    r = httpx.post(
        f"{api}/v1/feedback",
        json={"answer_id": answer["answer_id"], "rating": "down", "comment": "too long"},
        timeout=30,
    )
    assert r.status_code == 201 and r.json()["rating"] == "down"
    unknown = httpx.post(f"{api}/v1/feedback", json={"answer_id": "a-missing", "rating": "up"}, timeout=30)
    assert unknown.status_code == 404
    assert httpx.get(f"{api}/v1/feedback", timeout=30).status_code == 403  # public callers cannot read it


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"question": ""}, 422, "invalid_request"),
        ({"question": "   "}, 422, "invalid_request"),
        ({"question": "x" * 2001}, 422, "invalid_request"),
        ({"question": "ok", "stream": 1}, 422, "invalid_request"),
        ({"question": "ok", "filters": {"since": "last year"}}, 422, "invalid_request"),
        ({"question": "ok", "unexpected": 1}, 422, "invalid_request"),
    ],
)
def test_bad_requests_get_one_error_shape(api: str, body: dict, status: int, code: str) -> None:
    r = httpx.post(f"{api}/v1/ask", json=body, timeout=30)
    assert r.status_code == status
    error = r.json()["error"]
    assert error["code"] == code and error["message"] and error["request_id"] == r.headers["x-request-id"]
    assert "Traceback" not in r.text


def test_a_question_in_another_language_gets_a_clear_answer(api: str) -> None:
    body = httpx.post(
        f"{api}/v1/ask",
        json={"question": "Quel était l'objectif d'économies de Pioneer Somerset ?"},
        timeout=60,
    ).json()
    assert body["abstained"] and body["citations"] == [] and "in English" in body["answer"]


def test_oversized_bodies_are_refused_before_reading(api: str) -> None:
    r = httpx.post(
        f"{api}/v1/ask",
        content=b'{"question": "' + b"a" * 200_000 + b'"}',
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_unknown_conversation_starts_a_new_one(api: str) -> None:
    body = httpx.post(
        f"{api}/v1/ask",
        json={"question": "When did Somerset Council come into existence?", "conversation_id": "c-nope"},
        timeout=60,
    ).json()
    assert body["conversation_id"] != "c-nope" and "was not found" in body["notices"][0]


def test_health_readiness_and_metrics(api: str) -> None:
    health = httpx.get(f"{api}/healthz", timeout=30).json()
    assert "serving public documents only" in health["auth"]
    ready = httpx.get(f"{api}/readyz", timeout=30)
    assert ready.status_code == 200 and ready.json()["chunks"] > 100
    httpx.post(f"{api}/v1/ask", json={"question": "Who chaired the Pioneer Somerset Board?"}, timeout=60)
    metrics = httpx.get(f"{api}/metrics", timeout=30).text
    for name in (
        "assistant_http_requests_total",
        "assistant_http_request_seconds_bucket",
        "assistant_abstentions_total",
        "assistant_tool_calls_total",
    ):
        assert name in metrics


def test_the_web_page_is_served(api: str) -> None:
    page = httpx.get(f"{api}/", timeout=30)
    assert page.status_code == 200 and '<label for="question">' in page.text
    assert httpx.get(f"{api}/static/app.js", timeout=30).status_code == 200
