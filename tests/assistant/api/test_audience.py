"""[api] acceptance 4: a confidential document never reaches a public caller, in text or citations,
on any endpoint, streaming included. Exhaustive over the dev suite's questions, plus a planted one.

[security] (issue 16) extends it past answers: feedback, conversations, notices and the "is this
English?" word check depend only on documents the caller's role may read. The word check is held
as a property: a public caller's response to any question is the same whether or not the
confidential paper is in the index at all."""

from __future__ import annotations

import json
import re
import shutil

import httpx
import pytest
import yaml

from tests.assistant.api.conftest import MEMBER_KEY, STAFF_KEY
from tests.conftest import REPO, key, set_audiences
from tests.servers import running

pytestmark = pytest.mark.integration

SECRET = "2016-joint-working-report-ssdc-sdc"
PUBLIC_KEY = "public-key-0123456789abcdef"
ADMIN_KEY = "admin-key-0123456789abcdef"
PLANTED = "What savings could South Somerset achieve on its own, according to its solo business case?"


@pytest.fixture(scope="module")
def confidential(index_copy_module, embedder):
    from assistant.api.app import create_app
    from assistant.service import Assistant

    settings = index_copy_module
    set_audiences(settings, embedder, {SECRET: "confidential"})
    settings = settings.model_copy(
        update={
            "api_keys": {
                PUBLIC_KEY: "public",
                STAFF_KEY: "staff",
                MEMBER_KEY: "member",
                ADMIN_KEY: "admin",
            },
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


def _as(key_: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key_}"}


def test_a_conversation_is_read_and_continued_by_its_owner_only(confidential) -> None:
    base, distinctive = confidential
    member = httpx.post(f"{base}/v1/ask", json={"question": PLANTED}, headers=_as(MEMBER_KEY), timeout=60)
    cid = member.json()["conversation_id"]
    mine = httpx.get(f"{base}/v1/conversations/{cid}", headers=_as(MEMBER_KEY), timeout=30)
    assert mine.status_code == 200 and len(mine.json()["turns"]) == 1
    for other in ({}, _as(PUBLIC_KEY), _as(STAFF_KEY), _as(ADMIN_KEY)):
        seen = httpx.get(f"{base}/v1/conversations/{cid}", headers=other, timeout=30)
        assert seen.status_code == 404 and SECRET not in seen.text
        # Writing to it starts a new conversation, told exactly as for an id that never existed.
        follow = httpx.post(
            f"{base}/v1/ask",
            json={"question": "And in 2019?", "conversation_id": cid},
            headers=other,
            timeout=60,
        ).json()
        unknown = httpx.post(
            f"{base}/v1/ask",
            json={"question": "And in 2019?", "conversation_id": "c-00000000000000000000"},
            headers=other,
            timeout=60,
        ).json()
        assert follow["conversation_id"] != cid
        assert [
            n.replace(cid, "ID").replace(follow["conversation_id"], "NEW") for n in follow["notices"]
        ] == [
            n.replace("c-00000000000000000000", "ID").replace(unknown["conversation_id"], "NEW")
            for n in unknown["notices"]
        ]
        assert SECRET not in json.dumps(follow) and not _leaks(json.dumps(follow), distinctive)
    again = httpx.get(f"{base}/v1/conversations/{cid}", headers=_as(MEMBER_KEY), timeout=30).json()
    assert len(again["turns"]) == 1  # nobody else added to it


def test_feedback_is_shown_only_to_roles_that_may_read_what_the_answer_cited(confidential) -> None:
    base, _ = confidential
    admin = httpx.post(
        f"{base}/v1/ask", json={"question": PLANTED}, headers=_as(ADMIN_KEY), timeout=60
    ).json()
    assert any(c["doc_id"] == SECRET for c in admin["citations"])
    comment = "The solo business case figures are wrong on page 2."
    stored = httpx.post(
        f"{base}/v1/feedback",
        json={"answer_id": admin["answer_id"], "rating": "down", "comment": comment},
        headers=_as(ADMIN_KEY),
        timeout=30,
    )
    assert stored.status_code == 201
    staff_answer = httpx.post(
        f"{base}/v1/ask",
        json={"question": "What was Pioneer Somerset's savings target?"},
        headers=_as(STAFF_KEY),
        timeout=60,
    ).json()
    httpx.post(
        f"{base}/v1/feedback",
        json={"answer_id": staff_answer["answer_id"], "rating": "up", "comment": "staff note"},
        headers=_as(STAFF_KEY),
        timeout=30,
    )
    for role_key in (STAFF_KEY, MEMBER_KEY):
        listed = httpx.get(f"{base}/v1/feedback", headers=_as(role_key), timeout=30)
        assert listed.status_code == 200
        assert admin["answer_id"] not in listed.text and comment not in listed.text
        assert staff_answer["answer_id"] in listed.text  # what they may read is still listed
        one = httpx.get(
            f"{base}/v1/feedback", params={"answer_id": admin["answer_id"]}, headers=_as(role_key)
        )
        assert one.json() == []
    everything = httpx.get(f"{base}/v1/feedback", headers=_as(ADMIN_KEY), timeout=30).text
    assert admin["answer_id"] in everything and comment in everything
    assert httpx.get(f"{base}/v1/feedback", headers=_as(PUBLIC_KEY), timeout=30).status_code == 403


def test_keys_are_checked(confidential) -> None:
    base, _ = confidential
    bad = httpx.post(
        f"{base}/v1/ask",
        json={"question": PLANTED},
        headers={"Authorization": "Bearer wrong-key-0123456789"},
        timeout=30,
    )
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorised"
    # Only a caller with a key learns which keys exist: an anonymous one is told what it may read.
    anonymous = httpx.get(f"{base}/healthz", timeout=30).json()
    assert "admin" not in json.dumps(anonymous) and "key(s)" not in anonymous["auth"]
    assert anonymous["anonymous_role"] == "public"
    keyed = httpx.get(f"{base}/healthz", headers=_as(STAFF_KEY), timeout=30).json()
    assert "4 API key(s)" in keyed["auth"]


# -- the word check, as a property ---------------------------------------------------------------

WORD = re.compile(r"[a-z]+")
NONSENSE = ("qqzzx", "blorvat", "zindrek", "pluxomant", "vrask")


@pytest.fixture(scope="module")
def without_secret(built_index, embedder, tmp_path_factory):
    """The same index with the confidential paper gone from the corpus altogether."""
    from assistant.api.app import create_app
    from assistant.service import Assistant
    from ingest.pipeline import run_ingest
    from tests.conftest import CORPUS, copy_data, make_settings

    root = tmp_path_factory.mktemp("without")
    copy_data(built_index.data_dir, root / "data")
    shutil.copytree(CORPUS, root / "corpus")
    settings = make_settings(root / "data", root / "corpus")
    (settings.corpus_dir / f"{SECRET}.pdf").unlink()
    manifest = yaml.safe_load(settings.manifest_path.read_text())
    manifest["documents"] = [d for d in manifest["documents"] if not d["file"].startswith(SECRET)]
    settings.manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    assert not run_ingest(settings, prune=True, embedder=embedder).failed
    settings = settings.model_copy(
        update={"api_keys": {PUBLIC_KEY: "public"}, "rate_limit_per_minute": 100_000}
    )
    assistant = Assistant.from_settings(settings, embedder=embedder)
    assert SECRET not in assistant.retriever.state.docs
    with running(create_app(settings, assistant=assistant)) as base:
        yield base, assistant


def _public_view(base: str, question: str) -> dict:
    """What a public caller is told, less the ids that are new on every answer."""
    r = httpx.post(f"{base}/v1/ask", json={"question": question}, headers=_as(PUBLIC_KEY), timeout=60)
    body = r.json()
    if r.status_code == 200:
        body.pop("conversation_id")
        body.pop("answer_id")
    else:
        body["error"].pop("request_id", None)
    return {"status": r.status_code, "body": body}


def test_the_word_check_cannot_tell_whether_a_confidential_paper_holds_a_word(
    confidential, without_secret
) -> None:
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    base, distinctive = confidential
    bare, assistant = without_secret
    public_words = {
        w
        for c in assistant.retriever.catalog.chunks()
        if c.doc_id != SECRET
        for w in WORD.findall(c.text.lower())
    }
    with_secret = set(WORD.findall(" ".join(distinctive).lower()))
    secret_only = sorted(w for w in with_secret if len(w) >= 3 and w not in public_words)
    assert len(secret_only) > 50, "the fixture should have words only the confidential paper uses"
    outside = sorted(w for w in public_words if len(w) >= 3)[::7] + list(NONSENSE)

    @given(
        words=st.lists(st.sampled_from(secret_only) | st.sampled_from(outside), min_size=1, max_size=4),
        lead=st.sampled_from(["what", "what is", "who", ""]),
        tail=st.sampled_from(["", " qqzzx", "?"]),
    )
    @hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def same_either_way(words: list[str], lead: str, tail: str) -> None:
        question = (f"{lead} " + " ".join(words) + tail).strip()
        assert _public_view(base, question) == _public_view(bare, question), question

    same_either_way()
