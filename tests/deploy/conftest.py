"""Fixtures for the deployment tests: a real `chroma run` server holding the corpus, and a snapshot of
everything a fault must not lose (the index as readers see it, and the stored feedback)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import make_settings


def start_chroma(path: Path, port: int | None = None):
    from evals.bench.chroma_server import ChromaServer

    try:
        return ChromaServer(path, port).start()
    except RuntimeError as exc:  # a missing server is a failure, never a skip
        pytest.fail(f"cannot start a Chroma server: {exc}")


@pytest.fixture(scope="session")
def server_index(tmp_path_factory, embedder):
    """The real corpus ingested into a Chroma server; the catalog and stores stay in the data folder."""
    from ingest.pipeline import run_ingest

    root = tmp_path_factory.mktemp("server")
    chroma = start_chroma(root / "chroma")
    settings = make_settings(
        root / "data", chroma_host="127.0.0.1", chroma_port=chroma.port, rate_limit_per_minute=100_000
    )
    report = run_ingest(settings, embedder=embedder)
    assert not report.failed and report.embedded > 0
    assert not settings.chroma_path.exists()  # nothing went to an embedded store
    yield settings, chroma
    chroma.kill()


def _rows(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), db
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def snapshot(settings, vectors=None) -> dict:
    """What readers of the index see and what users have told us. Equal before and after a fault
    means nothing was lost and nothing half-written became visible."""
    catalog = settings.data_dir / "catalog.sqlite"
    meta = dict(_rows(catalog, "SELECT key, value FROM meta WHERE key != 'ingest_started'"))
    chunks = _rows(catalog, "SELECT id, doc_id, text FROM chunks ORDER BY id")
    index = {
        "meta": meta,
        "documents": _rows(catalog, "SELECT doc_id, fingerprint, chunks FROM documents ORDER BY doc_id"),
        "chunks": len(chunks),
        "chunks_sha": hashlib.sha256(repr(chunks).encode()).hexdigest(),
        "lexical": sorted(
            p.name for p in (settings.data_dir / "lexical" / meta.get("lexical", "-")).glob("*")
        ),
    }
    if vectors is not None:
        live = {c[0] for c in chunks}
        index["vectors_missing"] = len(live - vectors.existing(meta["collection"], sorted(live)))
    return {
        "index": index,
        "feedback": _rows(settings.data_dir / "feedback.sqlite", "SELECT * FROM feedback ORDER BY id"),
        "turns": _rows(
            settings.data_dir / "conversations.sqlite",
            "SELECT conversation_id, n, answer_id FROM turns ORDER BY conversation_id, n",
        ),
    }


def assert_nothing_lost(before: dict, after: dict) -> None:
    """The index and the feedback are exactly as they were; conversations only grew."""
    assert after["index"] == before["index"]
    assert after["feedback"] == before["feedback"]
    assert set(before["turns"]) <= set(after["turns"])
    assert before["index"].get("vectors_missing", 0) == 0
