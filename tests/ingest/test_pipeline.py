"""[ingest] acceptance 4-5: incremental ingest, bad input, pruning, rebuilds and a SIGKILL mid-ingest."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import ASSISTANT, CORPUS, make_settings, run_cli
from tests.fixtures.pdfs import write_bad_files

pytestmark = pytest.mark.integration

JOINT = "2016-joint-working-report-ssdc-sdc.pdf"


def _statuses(report) -> dict[str, str]:
    return {d.file: d.status for d in report.docs}


def _query_ids(settings, embedder, question: str) -> list[str]:
    from index.catalog import Catalog
    from index.vectors import VectorStore

    catalog = Catalog(settings.catalog_path)
    live = catalog.chunk_ids()
    hits = VectorStore(settings.chroma_path).query(
        catalog.meta("collection") or "", embedder.embed_query(question), 20
    )
    return [cid for cid, _ in hits if cid in live][:5]


class _Tripwire:
    """An embedder that fails the test if anything asks it for a vector."""

    name, dim = "tripwire", 384

    def embed_documents(self, texts: list[str]) -> object:
        raise AssertionError(f"an unchanged corpus asked for {len(texts)} embeddings")

    def embed_query(self, text: str) -> object:
        raise AssertionError("an unchanged corpus asked for a query embedding")


def test_second_ingest_reads_and_embeds_nothing(index_copy) -> None:
    """Work not done, rather than time taken: no PDF parsed, no vector asked for, nothing committed."""
    from index.catalog import Catalog
    from ingest.pipeline import run_ingest

    generation = Catalog(index_copy.catalog_path).generation
    report = run_ingest(index_copy, embedder=_Tripwire())
    assert (report.parsed, report.embedded, report.reused) == (0, 0, 0)
    assert [d.status for d in report.docs] == ["unchanged"] * 5
    assert report.generation == generation  # no new index generation was written
    env = {"ASSISTANT_DATA_DIR": str(index_copy.data_dir), "ASSISTANT_CORPUS_DIR": str(index_copy.corpus_dir)}
    result = run_cli("ingest", env=env)
    assert result.returncode == 0, result.stderr
    assert "0 parsed, 0 chunks embedded, 0 reused" in result.stdout
    assert result.stdout.count("unchanged") == 5


def test_touching_one_pdf_reprocesses_only_that_document(index_copy, embedder) -> None:
    from pypdf import PdfReader, PdfWriter

    from ingest.pipeline import run_ingest

    target = index_copy.corpus_dir / JOINT
    # Same text, different bytes: new metadata written by pypdf.
    writer = PdfWriter(clone_from=PdfReader(str(target)))
    writer.add_metadata({"/Subject": "touched"})
    with target.open("wb") as fh:
        writer.write(fh)
    report = run_ingest(index_copy, embedder=embedder)
    statuses = _statuses(report)
    assert statuses.pop(JOINT) == "updated"
    assert set(statuses.values()) == {"unchanged"}
    assert report.embedded == 0  # identical text: its vectors are reused by content address
    assert report.reused == next(d.chunks for d in report.docs if d.file == JOINT)

    # Changed text: drop the last page. Only chunks of this document are embedded.
    writer = PdfWriter(clone_from=PdfReader(str(target)))
    writer.remove_page(len(writer.pages) - 1)
    with target.open("wb") as fh:
        writer.write(fh)
    report = run_ingest(index_copy, embedder=embedder)
    joint = next(d for d in report.docs if d.file == JOINT)
    assert joint.status == "updated" and joint.pages == 3
    assert 0 < report.embedded <= joint.chunks
    assert all(d.embedded == 0 for d in report.docs if d.file != JOINT)


def test_bad_files_get_one_line_each_and_the_rest_ingests(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    expected = write_bad_files(corpus)
    shutil.copy(CORPUS / JOINT, corpus / JOINT)
    shutil.copy(CORPUS / "manifest.yaml", corpus / "manifest.yaml")
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_CORPUS_DIR": str(corpus)}

    result = run_cli("ingest", env=env)
    assert result.returncode == 0, result.stderr
    failed_lines = [ln for ln in result.stdout.splitlines() if ln.startswith("failed ")]
    assert len(failed_lines) == len(expected)
    for name, phrase in expected.items():
        line = next(ln for ln in failed_lines if name in ln)
        assert phrase in line, line
    assert "Traceback" not in result.stdout + result.stderr
    docs = run_cli("documents", "--json", env=env)
    assert '"2016-joint-working-report-ssdc-sdc"' in docs.stdout

    strict = run_cli("ingest", "--strict", env=env)
    assert strict.returncode == 1
    assert strict.stdout.count("failed ") >= len(expected)


def test_pdf_missing_from_manifest_ingests_with_its_own_title_and_a_safe_audience(
    tmp_path: Path, embedder
) -> None:
    from index.catalog import Catalog
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / JOINT, corpus / "unlisted-report.pdf")
    settings = make_settings(tmp_path / "data", corpus)
    report = run_ingest(settings, embedder=embedder)
    doc = report.docs[0]
    assert doc.status == "new" and doc.chunks > 0
    assert report.unlisted == ["unlisted-report.pdf"] and report.default_audience == "staff"
    row = Catalog(settings.catalog_path).document("unlisted-report")
    assert row is not None
    assert row.title.startswith("Joint Working Report")  # from its first page, not the file name
    assert row.audience == "staff"  # never public by accident


def test_prune_removes_a_deleted_document(index_copy, embedder) -> None:
    from index.catalog import Catalog
    from index.vectors import VectorStore
    from ingest.pipeline import run_ingest

    (index_copy.corpus_dir / JOINT).unlink()
    report = run_ingest(index_copy, embedder=embedder)
    assert _statuses(report)[JOINT] == "missing"
    catalog = Catalog(index_copy.catalog_path)
    assert catalog.document("2016-joint-working-report-ssdc-sdc") is not None

    report = run_ingest(index_copy, prune=True, embedder=embedder)
    assert _statuses(report)[JOINT] == "removed"
    assert catalog.document("2016-joint-working-report-ssdc-sdc") is None
    remaining = set(VectorStore(index_copy.chroma_path).all_ids(catalog.meta("collection") or ""))
    assert remaining == catalog.chunk_ids()
    assert not any(i.startswith("2016-joint") for i in remaining)


def test_rebuild_starts_afresh_in_a_new_collection(index_copy, embedder) -> None:
    from index.catalog import Catalog
    from ingest.pipeline import run_ingest

    catalog = Catalog(index_copy.catalog_path)
    before = catalog.meta("collection")
    total = sum(d.chunks for d in catalog.documents())
    report = run_ingest(index_copy, rebuild=True, embedder=embedder)
    assert report.embedded == total and report.reused == 0
    assert catalog.meta("collection") != before
    assert _query_ids(index_copy, embedder, "agency spend 2023/24")


def test_sigkill_during_ingest_leaves_the_previous_index_queryable(index_copy, embedder) -> None:
    from index.catalog import Catalog
    from ingest.pipeline import run_ingest

    question = "What savings could South Somerset achieve on its own?"
    catalog = Catalog(index_copy.catalog_path)
    before_docs = [(d.doc_id, d.fingerprint) for d in catalog.documents()]
    before_ids = _query_ids(index_copy, embedder, question)
    generation = catalog.generation

    # New work for the ingest: two new documents to embed.
    for name in (
        "2008-11-14-pioneer-somerset-update-report.pdf",
        "2018-03-corporate-peer-challenge-somerset-cc.pdf",
    ):
        shutil.copy(CORPUS / name, index_copy.corpus_dir / f"copy-{name}")
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(index_copy.data_dir),
        "ASSISTANT_CORPUS_DIR": str(index_copy.corpus_dir),
    }
    proc = subprocess.Popen(
        [ASSISTANT, "ingest"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not catalog.meta("ingest_started"):
            assert proc.poll() is None, "ingest finished before it could be killed"
            time.sleep(0.05)
        assert catalog.meta("ingest_started"), "ingest never reached the embedding stage"
        time.sleep(1.5)  # let it write some vectors
        assert proc.poll() is None, "ingest finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()

    assert catalog.generation == generation
    assert [(d.doc_id, d.fingerprint) for d in catalog.documents()] == before_docs
    assert _query_ids(index_copy, embedder, question) == before_ids

    # The next ingest completes, reusing whatever vectors the killed one had written.
    report = run_ingest(index_copy, embedder=embedder)
    assert not report.failed
    assert {d.status for d in report.docs if d.file.startswith("copy-")} == {"new"}
    from index.vectors import VectorStore

    live = catalog.chunk_ids()
    assert set(VectorStore(index_copy.chroma_path).all_ids(catalog.meta("collection") or "")) == live


def test_a_second_ingest_while_one_writes_stops_with_a_clear_error(index_copy, embedder) -> None:
    """The ingest writes in one long transaction; a second one started meanwhile waits SQLite's
    busy timeout (30 s) and then says what is going on, and the index is as it was."""
    from core.errors import IngestBusy
    from index.catalog import Catalog
    from ingest.pipeline import run_ingest

    before = Catalog(index_copy.catalog_path)
    generation, chunks = before.generation, before.chunk_ids()
    busy = pytest.raises(IngestBusy, match="another `assistant ingest` is writing the index")
    with before.writing(), busy:
        run_ingest(index_copy, rebuild=True, embedder=embedder)
    after = Catalog(index_copy.catalog_path)
    assert (after.generation, after.chunk_ids()) == (generation, chunks)
