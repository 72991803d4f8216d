"""Shared fixtures.

- Every test gets its own data folder through the environment, like simonw/llm's `env_setup`.
- A guard refuses any connection that leaves the machine: nothing may download a model or call a
  provider from a test.
- `built_index` ingests the real corpus once per session with the real packaged MiniLM and a real
  embedded Chroma in a temporary folder; tests that change an index work on a copy of it.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
# Data shared between sessions and CI (the sample suite, the Kent papers) lives beside the repository,
# at ../shared; ASSISTANT_SHARED_DIR points elsewhere (a clone in /tmp, say).
SHARED = Path(os.environ.get("ASSISTANT_SHARED_DIR") or REPO.parent / "shared")


def shared(relative: str) -> Path:
    """A path under the shared folder; a test that needs it fails, loudly, when it is not there."""
    path = SHARED / relative
    if not path.exists():
        pytest.fail(
            f"{path} is missing: the shared data is expected at ../shared beside the repository "
            "(or where ASSISTANT_SHARED_DIR says)"
        )
    return path


VENV_BIN = Path(sys.executable).parent
ASSISTANT = str(VENV_BIN / "assistant")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _is_local(address: object) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # unix sockets and the like
    host = str(address[0])
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    """Tests talk to loopback servers only; anything else is a bug (a download, a real provider)."""
    original = socket.socket.connect

    def guarded(self, address):
        if not _is_local(address):
            raise RuntimeError(f"test tried to reach {address}: tests must not use the network")
        return original(self, address)

    socket.socket.connect = guarded  # type: ignore[method-assign]
    yield
    socket.socket.connect = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))


def make_settings(data_dir: Path, corpus_dir: Path = CORPUS, **overrides):
    from core.settings import Settings

    return Settings(data_dir=data_dir, corpus_dir=corpus_dir, **overrides)


@pytest.fixture(scope="session")
def embedder():
    from core.settings import PACKAGED_MODEL
    from index.embed import get_embedder

    model = get_embedder(PACKAGED_MODEL)
    model.warm_up()
    return model


@pytest.fixture(scope="session")
def query_embedder():
    """The encoder answering processes embed questions with (torch-free; `index.bert_numpy`)."""
    from core.settings import PACKAGED_MODEL
    from index.bert_numpy import NumpyBertEncoder
    from index.embed import get_query_embedder

    model = get_query_embedder(PACKAGED_MODEL)
    assert isinstance(model, NumpyBertEncoder)
    return model


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, embedder):
    """Settings of a read-only index of the real corpus. Copy it (`index_copy`) before changing it."""
    from ingest.pipeline import run_ingest

    data = tmp_path_factory.mktemp("built") / "data"
    settings = make_settings(data)
    report = run_ingest(settings, embedder=embedder)
    assert not report.failed, report.failed
    return settings


# A dozen real Kent County Council papers at most (the whole 128 take minutes to embed): minutes with
# recorded votes, Cabinet minutes, a record of decision, a budget amendment form, an agenda, and two
# meetings' "Appendix A" capital summaries whose file names differ only in punctuation, and a quarterly
# performance report whose indicators carry targets and RAG ratings.
KENT_SAMPLE = (
    "full_council/2025-01-09/Printed minutes 09th-Jan-2025 10.00 County Council.pdf",
    "full_council/2025-02-13/Printed minutes 13th-Feb-2025 09.30 County Council.pdf",
    "cabinet/2025-01-30/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf",
    "cabinet/2025-01-30/24-00096 - PRoD.pdf",
    "full_council/2025-03-13/Appendix 4 - 24-00093 Record of Decision.pdf",
    "full_council/2025-02-13/3 - Amendment - Liberal Democrats - LEVI capital funding.pdf",
    "cabinet/2025-03-04/Agenda frontsheet 04th-Mar-2025 10.00 Cabinet.pdf",
    "cabinet/2025-01-30/Appendix A Capital Investment Summary.pdf",
    "full_council/2025-02-13/Appendix A - Capital Investment Summary.pdf",
    "cabinet/2025-03-04/QPR Q3 Cabinet appendix 1.pdf",
)


@pytest.fixture(scope="session")
def kent_index(tmp_path_factory: pytest.TempPathFactory, embedder):
    """Settings of a read-only index of the Kent sample, laid out as the council files it, with the
    sample's entries of sources.yaml beside it and no manifest."""
    import yaml

    from ingest.pipeline import run_ingest

    root = shared("realdocs/kent")
    work = tmp_path_factory.mktemp("kent")
    corpus = work / "corpus"
    for rel in KENT_SAMPLE:
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / rel).symlink_to(root / rel)
    sources = yaml.safe_load((root / "sources.yaml").read_text())
    sources["documents"] = [e for e in sources["documents"] if e["file"] in KENT_SAMPLE]
    (corpus / "sources.yaml").write_text(yaml.safe_dump(sources))
    settings = make_settings(work / "data", corpus, default_audience="public")
    report = run_ingest(settings, embedder=embedder)
    assert not report.failed, report.failed
    return settings


def copy_data(src: Path, dst: Path) -> None:
    """Copy a data folder whose SQLite files this process has open.

    Reading a live SQLite file with plain file I/O and closing it drops every POSIX lock this process
    holds on it (fcntl locks are per process), so another process could then checkpoint the WAL under
    the open connections and they would see a "malformed" database. SQLite's backup API copies without
    that hazard: SQLite shares one set of locks among its connections to a file.
    """
    import sqlite3

    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.sqlite", "*.sqlite-wal", "*.sqlite-shm"))
    for db in src.glob("*.sqlite"):
        source, target = sqlite3.connect(db), sqlite3.connect(dst / db.name)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()


@pytest.fixture()
def index_copy(built_index, tmp_path: Path):
    """A private copy of the built index and of the corpus, free to change."""
    data = tmp_path / "data"
    corpus = tmp_path / "corpus"
    copy_data(built_index.data_dir, data)
    shutil.copytree(CORPUS, corpus)
    return make_settings(data, corpus)


def set_audiences(settings, embedder, audiences: dict[str, str]):
    """Re-mark documents (file-name prefix -> audience) in a copied corpus's manifest and re-ingest.

    Only metadata changes, so nothing is re-embedded; the report says which documents were updated.
    """
    import yaml

    from ingest.pipeline import run_ingest

    manifest = settings.corpus_dir / "manifest.yaml"
    data = yaml.safe_load(manifest.read_text())
    for doc in data["documents"]:
        for prefix, audience in audiences.items():
            if doc["file"].startswith(prefix):
                doc["audience"] = audience
    manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    report = run_ingest(settings, embedder=embedder)
    updated = {d.doc_id for d in report.docs if d.status == "updated"}
    assert updated == set(audiences) and report.embedded == 0, (updated, report.embedded)
    return report


@pytest.fixture(scope="module")
def index_copy_module(built_index, tmp_path_factory):
    """Like `index_copy`, shared by the tests of one module."""
    root = tmp_path_factory.mktemp("copy")
    copy_data(built_index.data_dir, root / "data")
    shutil.copytree(CORPUS, root / "corpus")
    return make_settings(root / "data", root / "corpus")


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [ASSISTANT, *args], capture_output=True, text=True, env=full_env, timeout=timeout, check=False
    )


def pdftotext_pages(pdf: Path) -> list[str]:
    """The PDF re-read by poppler, independently of our ingest code: one string per page."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils (make test does)")
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout.split("\f")


_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def key(text: str) -> str:
    """Compare texts allowing only whitespace, hyphenation and typographic quotes to differ.

    Written here, not imported from ingest, so the tests do not trust the code they check.
    """
    import unicodedata

    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-•\x7f")


@pytest.fixture(scope="session")
def assistant(built_index, query_embedder):
    """The real assistant on the real index: packaged MiniLM (questions embedded as the API embeds
    them), embedded Chroma, BM25, SQLite stores."""
    from assistant.service import Assistant

    a = Assistant.from_settings(built_index, embedder=query_embedder)
    a.warm_up()
    return a


@pytest.fixture(scope="session")
def api(built_index, assistant):
    """The HTTP API on the real index, in a real uvicorn on 127.0.0.1, with no keys (public only)."""
    from assistant.api.app import create_app
    from tests.servers import running

    settings = built_index.model_copy(update={"rate_limit_per_minute": 100_000})
    with running(create_app(settings, assistant=assistant)) as base:
        yield base
