"""[deploy] acceptance 1 and 2 (Chroma part): a real `chroma run` on a free loopback port. The corpus is
ingested into it, the dev suite gives the same figures as the embedded store, and when the server is
killed during queries the API answers 503 at once and recovers when Chroma returns."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from evals import harness
from tests.conftest import REPO, VENV_BIN, make_settings
from tests.servers import free_port, running

pytestmark = pytest.mark.integration

SUITE = REPO / "evals" / "suites" / "dev.yaml"
METRICS = ("facts", "precision", "recall", "verified", "abstention", "tool")


class ChromaServer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> ChromaServer:
        exe = shutil.which("chroma", path=str(VENV_BIN))
        if exe is None:
            pytest.fail("the chroma command (from the chromadb package) is missing")
        self.proc = subprocess.Popen(
            [exe, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("chroma run did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(30)


@pytest.fixture(scope="module")
def server_index(tmp_path_factory, embedder):  # type: ignore[no-untyped-def]
    from ingest.pipeline import run_ingest

    root = tmp_path_factory.mktemp("server")
    chroma = ChromaServer(root / "chroma").start()
    settings = make_settings(
        root / "data", chroma_host="127.0.0.1", chroma_port=chroma.port, rate_limit_per_minute=100_000
    )
    report = run_ingest(settings, embedder=embedder)
    assert not report.failed and report.embedded > 0
    assert not settings.chroma_path.exists()  # nothing went to an embedded store
    yield settings, chroma
    chroma.kill()


def test_the_dev_suite_gives_the_same_figures_on_a_chroma_server(
    server_index, built_index, assistant, embedder
) -> None:  # type: ignore[no-untyped-def]
    from assistant.service import Assistant

    settings, _ = server_index
    on_server = Assistant.from_settings(settings, embedder=embedder)
    served = harness.run(settings, [SUITE], assistant=on_server)
    embedded = harness.run(built_index, [SUITE], assistant=assistant)
    for name in METRICS:
        assert served.figures[name].value == embedded.figures[name].value, name
    assert [r.answer["answer"] for r in served.results] == [r.answer["answer"] for r in embedded.results]


def test_chroma_killed_during_queries_gives_503_and_recovers(server_index, embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.api.app import create_app
    from assistant.service import Assistant

    settings, chroma = server_index
    a = Assistant.from_settings(settings, embedder=embedder)
    question = {"question": "What was Pioneer Somerset's savings target?"}
    with running(create_app(settings, assistant=a)) as base:
        assert httpx.post(f"{base}/v1/ask", json=question, timeout=60).status_code == 200
        chroma.kill()
        started = time.perf_counter()
        down = httpx.post(f"{base}/v1/ask", json=question, timeout=60)
        waited = time.perf_counter() - started
        assert down.status_code == 503 and waited < 30, (down.status_code, waited)
        assert "Chroma" in down.json()["error"]["message"]
        assert httpx.get(f"{base}/readyz", timeout=30).status_code == 503

        chroma.start()  # the same data folder and port
        deadline = time.time() + 60
        while time.time() < deadline:
            again = httpx.post(f"{base}/v1/ask", json=question, timeout=60)
            if again.status_code == 200:
                break
            time.sleep(0.5)
        assert again.status_code == 200 and "£20" in again.json()["answer"]
