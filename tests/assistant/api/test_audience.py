"""[api] acceptance 4: a confidential document never reaches a public caller, in text or citations,
on any endpoint, streaming included. Exhaustive over the dev suite's questions, plus a planted one."""

from __future__ import annotations

import json

import httpx
import pytest
import yaml

from tests.assistant.api.conftest import MEMBER_KEY, STAFF_KEY
from tests.conftest import REPO, key, set_audiences
from tests.servers import running

pytestmark = pytest.mark.integration

SECRET = "2016-joint-working-report-ssdc-sdc"
PUBLIC_KEY = "public-key-0123456789abcdef"
PLANTED = "What savings could South Somerset achieve on its own, according to its solo business case?"


@pytest.fixture(scope="module")
def confidential(index_copy_module, embedder):
    from assistant.api.app import create_app
    from assistant.service import Assistant

    settings = index_copy_module
    set_audiences(settings, embedder, {SECRET: "confidential"})
    settings = settings.model_copy(
        update={
            "api_keys": {PUBLIC_KEY: "public", STAFF_KEY: "staff", MEMBER_KEY: "member"},
            "rate_limit_per_minute": 100_000,
        }
    )
    assistant = Assistant.from_settings(settings, embedder=embedder)
    with running(create_app(settings, assistant=assistant)) as base:
        texts = [u for c in assistant.retriever.catalog.chunks(SECRET) for u in _units(c)]
        others = " ".join(key(c.text) for c in assistant.retriever.catalog.chunks() if c.doc_id != SECRET)
        distinctive = [t for t in texts if key(t) not in others]
        assert len(distinctive) > 30
        yield base, distinctive


def _units(chunk) -> list[str]:
    return [chunk.unit_text(u) for u in chunk.units if u.end - u.start >= 40]


def _leaks(text: str, distinctive: list[str]) -> list[str]:
    k = key(text)
    return [t[:60] for t in distinctive if key(t) in k]


def _public(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {PUBLIC_KEY}"}, timeout=60)


def _sse_text(response: httpx.Response) -> str:
    return "\n".join(line for line in response.iter_lines())


def _all_answers(client: httpx.Client, question: str) -> list[str]:
    """The same question through every answering endpoint, as the raw text a client receives."""
    out = [client.post("/v1/ask", json={"question": question}).text]
    with client.stream("POST", "/v1/ask", json={"question": question, "stream": True}) as r:
        out.append(_sse_text(r))
    msgs = [{"role": "user", "content": question}]
    out.append(
        client.post("/v1/chat/completions", json={"model": "somerset-assistant", "messages": msgs}).text
    )
    with client.stream(
        "POST", "/v1/chat/completions", json={"model": "somerset-assistant", "messages": msgs, "stream": True}
    ) as r:
        out.append(_sse_text(r))
    return out


def test_staff_can_read_the_planted_document_and_public_cannot(confidential) -> None:
    base, distinctive = confidential
    staff = httpx.post(
        f"{base}/v1/ask",
        json={"question": PLANTED},
        headers={"Authorization": f"Bearer {STAFF_KEY}"},
        timeout=60,
    ).json()
    assert staff["citations"] == [] or all(
        c["doc_id"] != SECRET for c in staff["citations"]
    )  # staff: no confidential
    admin_like = httpx.post(f"{base}/v1/ask", json={"question": PLANTED}, timeout=60)
    assert admin_like.status_code == 200
    with _public(base) as client:
        for raw in _all_answers(client, PLANTED):
            assert SECRET not in raw and not _leaks(raw, distinctive)
        assert client.get(f"/v1/documents/{SECRET}").status_code == 404
        assert client.get(f"/v1/documents/{SECRET}/file").status_code == 404
        assert client.get(f"/v1/documents/{SECRET}/pages/1").status_code == 404
        # [people] 2: the highlighted page and its image follow the same rule, and a made-up token
        # is refused before anything is looked up.
        assert client.get(f"/v1/documents/{SECRET}/pages/1/view?quote=savings").status_code == 404
        assert client.get(f"/v1/documents/{SECRET}/pages/1/image").status_code == 404
        assert client.get(f"/v1/documents/{SECRET}/pages/1/image?token=9999999999.AAAA").status_code == 403
        assert client.get(f"/v1/documents/{SECRET}/file?page=1&token=9999999999.AAAA").status_code == 403
        staff = {"Authorization": f"Bearer {STAFF_KEY}"}
        assert client.get(f"/v1/documents/{SECRET}/pages/1/view", headers=staff).status_code == 404
        assert SECRET not in client.get("/v1/documents").text
        assert not any(t["doc_id"] == SECRET for t in client.get("/v1/targets").json())


def test_no_dev_suite_question_leaks_it_on_any_endpoint(confidential) -> None:
    base, distinctive = confidential
    suite = yaml.safe_load((REPO / "evals" / "suites" / "dev.yaml").read_text())
    questions = [q["q"] for q in suite["questions"]] + [
        t["q"] for c in suite["conversations"] for t in c["turns"]
    ]
    leaks = []
    with _public(base) as client:
        for question in questions:
            for raw in _all_answers(client, question):
                if SECRET in raw or _leaks(raw, distinctive):
                    leaks.append((question, _leaks(raw, distinctive)[:1]))
    assert leaks == []


def test_a_conversation_shown_to_a_public_caller_hides_answers_given_to_staff(confidential) -> None:
    base, _ = confidential
    member = httpx.post(
        f"{base}/v1/ask",
        json={"question": PLANTED},
        headers={"Authorization": f"Bearer {MEMBER_KEY}"},
        timeout=60,
    ).json()
    with _public(base) as client:
        seen = client.get(f"/v1/conversations/{member['conversation_id']}").json()
    assert seen["turns"] == []
    assert json.dumps(seen).find(SECRET) == -1


def test_keys_are_checked(confidential) -> None:
    base, _ = confidential
    bad = httpx.post(
        f"{base}/v1/ask",
        json={"question": PLANTED},
        headers={"Authorization": "Bearer wrong-key-0123456789"},
        timeout=30,
    )
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorised"
    health = httpx.get(f"{base}/healthz", timeout=30).json()
    assert "3 API key(s)" in health["auth"]
