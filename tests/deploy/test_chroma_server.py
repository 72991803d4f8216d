"""[deploy] acceptance 1 and 2 (Chroma part): a real `chroma run` on a free loopback port. The corpus is
ingested into it, the dev suite gives the same figures as the embedded store, and when the server is
killed during queries the API answers 503 at once and recovers when Chroma returns."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from evals import harness
from tests.conftest import REPO
from tests.deploy.conftest import assert_nothing_lost, snapshot, start_chroma
from tests.servers import running

pytestmark = pytest.mark.integration

SUITE = REPO / "evals" / "suites" / "dev.yaml"
METRICS = ("facts", "precision", "recall", "verified", "abstention", "tool")
QUESTIONS = [
    "What was Pioneer Somerset's savings target?",
    "What did Somerset Council spend on agency staff in 2023/24?",
    "How much did South Somerset need to save by 2020?",
]


def test_the_dev_suite_gives_the_same_figures_on_a_chroma_server(
    server_index, built_index, assistant, embedder
) -> None:
    from assistant.service import Assistant

    settings, _ = server_index
    on_server = Assistant.from_settings(settings, embedder=embedder)
    served = harness.run(settings, [SUITE], assistant=on_server)
    embedded = harness.run(built_index, [SUITE], assistant=assistant)
    for name in METRICS:
        assert served.figures[name].value == embedded.figures[name].value, name
    assert [r.answer["answer"] for r in served.results] == [r.answer["answer"] for r in embedded.results]


def test_chroma_killed_during_queries_gives_503_and_recovers(server_index, embedder) -> None:
    from assistant.api.app import create_app
    from assistant.service import Assistant

    settings, chroma = server_index
    a = Assistant.from_settings(settings, embedder=embedder)
    questions = [{"question": q} for q in QUESTIONS]
    with running(create_app(settings, assistant=a)) as base:
        first = httpx.post(f"{base}/v1/ask", json=questions[0], timeout=60).json()
        httpx.post(f"{base}/v1/feedback", json={"answer_id": first["answer_id"], "rating": "up"}, timeout=30)
        before = snapshot(settings, a.retriever.vectors)

        statuses: list[int | str] = []
        stop = threading.Event()

        def keep_asking() -> None:
            n = 0
            while not stop.is_set():
                # An outage is answered at once, not after a hang: a reply that takes 30 s is an error.
                try:
                    r = httpx.post(f"{base}/v1/ask", json=questions[n % len(questions)], timeout=30)
                except httpx.HTTPError as exc:
                    statuses.append(type(exc).__name__)
                    n += 1
                    continue
                statuses.append(r.status_code)
                if r.status_code == 503:
                    assert "Chroma" in r.json()["error"]["message"]
                n += 1

        askers = [threading.Thread(target=keep_asking) for _ in range(3)]
        for t in askers:
            t.start()
        time.sleep(2)
        chroma.kill()  # while the three clients are asking
        time.sleep(3)
        down = httpx.post(f"{base}/v1/ask", json=questions[0], timeout=60)
        assert down.status_code == 503 and "Chroma" in down.json()["error"]["message"]
        assert httpx.get(f"{base}/readyz", timeout=30).status_code == 503

        chroma.start()  # the same data folder and port
        deadline = time.time() + 60
        while time.time() < deadline:
            again = httpx.post(f"{base}/v1/ask", json=questions[0], timeout=60)
            if again.status_code == 200:
                break
            time.sleep(0.5)
        stop.set()
        for t in askers:
            t.join(60)
        assert again.status_code == 200 and "£20" in again.json()["answer"]
        assert httpx.get(f"{base}/readyz", timeout=30).status_code == 200

    codes = set(statuses)
    assert codes <= {200, 503} and 503 in codes and 200 in codes, codes
    assert_nothing_lost(before, snapshot(settings, a.retriever.vectors))


def test_an_ingest_pointed_at_an_empty_chroma_server_says_to_rebuild(index_copy, tmp_path) -> None:
    """Moving to a new server with a plain `assistant ingest` would find every document unchanged and
    leave the server empty; it must say so instead of letting answers search BM25 alone."""
    from core.errors import IngestError
    from ingest.pipeline import run_ingest

    chroma = start_chroma(tmp_path / "empty-chroma")
    try:
        settings = index_copy.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": chroma.port})
        with pytest.raises(IngestError, match=r"holds none of the \d+ indexed chunks.*--rebuild"):
            run_ingest(settings)
    finally:
        chroma.kill()
