"""[deploy] acceptance 2: faults while the API serves lose nothing.

- `assistant ingest` SIGKILLed while the API answers, with vectors in a Chroma server: every answer
  during and after the kill is the previous index's answer, and the index and feedback are unchanged;
  the next ingest completes and sweeps what the killed one left.
- The data folder's disk fills up (a real 24 MiB tmpfs): asking, rating and ingesting each get a clear
  507 / error message naming the full disk, nothing stored before is changed or corrupted, and all of
  it works again once space is freed.
(The Chroma-server kill is in test_chroma_server.py.)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ASSISTANT, CORPUS, copy_data, make_settings
from tests.deploy.conftest import assert_nothing_lost, snapshot, start_chroma
from tests.servers import running

pytestmark = pytest.mark.integration

QUESTIONS = [
    "What was Pioneer Somerset's savings target?",
    "How much did South Somerset need to save by 2020?",
    "What did Somerset Council spend on agency staff in 2023/24?",
]
NEW_DOCS = (
    "2008-11-14-pioneer-somerset-update-report.pdf",
    "2018-03-corporate-peer-challenge-somerset-cc.pdf",
)


def _env(settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env |= {"ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir)}
    if settings.chroma_host:
        env |= {
            "ASSISTANT_CHROMA_HOST": settings.chroma_host,
            "ASSISTANT_CHROMA_PORT": str(settings.chroma_port),
        }
    return env


class Asker:
    """Clients asking without pause in the background, recording every status and answer."""

    def __init__(self, base: str, clients: int = 2) -> None:
        self.base = base
        self.results: list[tuple[str, int, str]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(clients)]

    def _run(self, i: int) -> None:
        n = i
        while not self._stop.is_set():
            q = QUESTIONS[n % len(QUESTIONS)]
            r = httpx.post(f"{self.base}/v1/ask", json={"question": q}, timeout=60)
            self.results.append((q, r.status_code, r.json().get("answer", r.text)))
            n += 1

    def __enter__(self) -> Asker:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(60)


def _answers(base: str) -> dict[str, str]:
    out = {}
    for q in QUESTIONS:
        r = httpx.post(f"{base}/v1/ask", json={"question": q}, timeout=60)
        assert r.status_code == 200, r.text
        out[q] = r.json()["answer"]
    return out


def _rate(base: str, question: str) -> int:
    answer = httpx.post(f"{base}/v1/ask", json={"question": question}, timeout=60).json()
    return httpx.post(
        f"{base}/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "up"}, timeout=30
    ).status_code


def test_ingest_killed_while_the_api_serves_keeps_the_previous_index(index_copy, embedder) -> None:
    from assistant.api.app import create_app
    from assistant.service import Assistant
    from index.catalog import Catalog

    chroma = start_chroma(index_copy.data_dir / "chroma")  # the built vectors, now served
    try:
        settings = index_copy.model_copy(
            update={"chroma_host": "127.0.0.1", "chroma_port": chroma.port, "rate_limit_per_minute": 100_000}
        )
        a = Assistant.from_settings(settings, embedder=embedder)
        catalog = Catalog(settings.catalog_path)
        collection = catalog.meta("collection")
        with running(create_app(settings, assistant=a)) as base:
            expected = _answers(base)
            assert _rate(base, QUESTIONS[0]) == 201
            before = snapshot(settings, a.retriever.vectors)
            vectors_before = a.retriever.vectors.count(collection)

            for name in NEW_DOCS:  # new work for the ingest, in small batches so it is mid-way when killed
                shutil.copy(CORPUS / name, settings.corpus_dir / f"copy-{name}")
            env = _env(settings) | {"ASSISTANT_EMBEDDING_BATCH_SIZE": "8"}
            with Asker(base) as asker:
                proc = subprocess.Popen(
                    [ASSISTANT, "ingest"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
                )
                try:
                    deadline = time.time() + 180
                    while time.time() < deadline and a.retriever.vectors.count(collection) == vectors_before:
                        assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
                        time.sleep(0.05)
                    written = a.retriever.vectors.count(collection) - vectors_before
                    assert written > 0, "the ingest never wrote a vector"
                    proc.send_signal(signal.SIGKILL)  # vectors written, catalog not yet committed
                    assert proc.wait(30) == -signal.SIGKILL
                finally:
                    if proc.poll() is None:
                        proc.kill()
                time.sleep(2)  # keep asking after the kill
            assert len(asker.results) >= 4
            for q, status, answer in asker.results:
                assert status == 200 and answer == expected[q], (q, status, answer)
            assert_nothing_lost(before, snapshot(settings, a.retriever.vectors))
            assert catalog.generation == int(before["index"]["meta"]["generation"])

            # The next ingest finishes, sweeps the killed run's orphans, and the API moves to it.
            done = subprocess.run(
                [ASSISTANT, "ingest"], env=_env(settings), capture_output=True, text=True, timeout=600
            )
            assert done.returncode == 0, done.stderr
            assert catalog.generation == int(before["index"]["meta"]["generation"]) + 1
            assert a.retriever.vectors.count(collection) == len(catalog.chunk_ids())
            assert (
                httpx.post(f"{base}/v1/ask", json={"question": QUESTIONS[0]}, timeout=60).status_code == 200
            )
            assert snapshot(settings)["feedback"] == before["feedback"]
    finally:
        chroma.kill()


@pytest.fixture()
def small_disk(tmp_path: Path):
    """A real 24 MiB file system for the data folder (tmpfs; needs root, as `make test` runs)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(
            f"cannot mount a small tmpfs for the full-disk test (run the tests as root): {done.stderr}"
        )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Write until the file system refuses even one more byte: ENOSPC is real from here on."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


def test_a_full_data_disk_gives_a_clear_error_and_loses_nothing(built_index, small_disk, embedder) -> None:
    from assistant.api.app import create_app
    from assistant.service import Assistant

    data = small_disk / "data"
    copy_data(built_index.data_dir, data)
    corpus = small_disk.parent / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(data, corpus, rate_limit_per_minute=100_000)
    a = Assistant.from_settings(settings, embedder=embedder)
    with running(create_app(settings, assistant=a)) as base:
        expected = _answers(base)
        assert _rate(base, QUESTIONS[1]) == 201
        before = snapshot(settings)
        filler = _fill(small_disk)
        assert shutil.disk_usage(small_disk).free < 64 * 1024

        # Asking: the answer cannot be stored, so none is given; the error says why.
        full = [httpx.post(f"{base}/v1/ask", json={"question": q}, timeout=60) for q in QUESTIONS]
        for r in full:
            assert r.status_code == 507, r.text
            assert r.json()["error"]["code"] == "storage_full"
            assert "full" in r.json()["error"]["message"] and "unchanged" in r.json()["error"]["message"]
        # Streaming: the error comes before the response or as the stream's last event.
        with httpx.stream(
            "POST", f"{base}/v1/ask", json={"question": QUESTIONS[0], "stream": True}, timeout=60
        ) as r:
            body = r.read().decode()
        assert r.status_code == 507 or body.rstrip().split("\n\n")[-1].startswith("event: error"), body
        assert "storage_full" in body
        # Rating an answer given earlier.
        answer_id = before["turns"][0][2]
        r = httpx.post(f"{base}/v1/feedback", json={"answer_id": answer_id, "rating": "down"}, timeout=30)
        assert r.status_code == 507 and r.json()["error"]["code"] == "storage_full", r.text
        # Ingesting a new document.
        shutil.copy(CORPUS / NEW_DOCS[0], corpus / f"copy-{NEW_DOCS[0]}")
        done = subprocess.run(
            [ASSISTANT, "ingest"], env=_env(settings), capture_output=True, text=True, timeout=600
        )
        assert done.returncode != 0
        assert "is full" in done.stderr and "Traceback" not in done.stderr, done.stderr
        # Reading still works while the disk is full: the index is whole.
        assert httpx.get(f"{base}/v1/documents", timeout=30).status_code == 200

        filler.unlink()
        assert_nothing_lost(before, snapshot(settings))
        assert _answers(base) == expected
        assert _rate(base, QUESTIONS[2]) == 201
        done = subprocess.run(
            [ASSISTANT, "ingest"], env=_env(settings), capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        stored = snapshot(settings)["feedback"]
        assert set(before["feedback"]) <= set(stored) and len(stored) == len(before["feedback"]) + 1
