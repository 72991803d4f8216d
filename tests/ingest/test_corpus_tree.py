"""[meetings] 1 and acceptance 2: a corpus that is a folder tree of meetings. The same file name in
two meetings, and the same text in two documents, are two documents; a document the vector store
refuses is reported like a bad PDF while the others commit, and nothing indexed before is lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.corpus import assign_ids, discover, slug
from tests.conftest import CORPUS, make_settings

JOINT = "2016-joint-working-report-ssdc-sdc.pdf"
PEER = "2018-03-corporate-peer-challenge-somerset-cc.pdf"
PLAN = "2024-07-somerset-council-productivity-plan.pdf"


@pytest.mark.unit
def test_ids_come_from_the_path_and_never_collide() -> None:
    names = [
        "cabinet/2025-01-30/Appendix A Capital Investment Summary.pdf",
        "cabinet/2025-03-13/Appendix A - Capital Investment Summary.pdf",
        "cabinet/2025-03-13/Appendix A Capital Investment Summary.pdf",
        "plan.pdf",
    ]
    ids = assign_ids(names)
    assert len(set(ids.values())) == len(names)
    assert ids["cabinet/2025-01-30/Appendix A Capital Investment Summary.pdf"] == (
        "cabinet-2025-01-30-appendix-a-capital-investment-summary"
    )
    assert ids["plan.pdf"] == slug("plan.pdf") == "plan"
    # The two March files differ only in punctuation: both get a hash of their exact path, whatever
    # the order they are listed in.
    assert assign_ids(reversed(names)) == ids


@pytest.mark.unit
def test_the_corpus_is_searched_recursively(tmp_path: Path) -> None:
    for rel in ("a/2025-01-01/x.pdf", "b/y.PDF", ".hidden/z.pdf", "notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert [f.relative for f in discover(tmp_path)] == ["a/2025-01-01/x.pdf", "b/y.PDF"]
    # One file given alone gets the id a whole-corpus run gives it.
    [one] = discover(tmp_path, [tmp_path / "a/2025-01-01/x.pdf"])
    assert one.doc_id == "a-2025-01-01-x"


class _RefusingStore:
    """A real Chroma store (in the test's folder) that refuses the chunks of one document, as Chroma
    refuses an upsert it finds invalid."""

    def __init__(self, path: Path, refuse: str) -> None:
        from index.vectors import VectorStore

        self.inner = VectorStore(path)
        self.where = self.inner.where
        self.refuse = refuse

    def upsert(self, name, ids, vectors, metadatas) -> None:
        if any(i.startswith(self.refuse + ":") for i in ids):
            raise ValueError(f"Expected metadata value to be a str, int, float or bool, got {None!r}")
        self.inner.upsert(name, ids, vectors, metadatas)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


@pytest.mark.integration
def test_identical_papers_in_two_meetings_and_a_refused_one(tmp_path: Path, embedder) -> None:
    from index.catalog import Catalog
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    first = corpus / "cabinet" / "2025-01-30"
    second = corpus / "cabinet" / "2025-03-13"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    shutil.copy(CORPUS / PLAN, corpus / "plan.pdf")
    settings = make_settings(tmp_path / "data", corpus)
    before = run_ingest(settings, embedder=embedder)
    assert [d.status for d in before.docs] == ["new"]
    catalog = Catalog(settings.catalog_path)
    plan_chunks = {c.id: c.text for c in catalog.chunks("plan")}

    # The same PDF under two meetings (one name differing only in punctuation), and one the store refuses.
    shutil.copy(CORPUS / JOINT, first / "Appendix A Capital Investment Summary.pdf")
    shutil.copy(CORPUS / JOINT, second / "Appendix A - Capital Investment Summary.pdf")
    shutil.copy(CORPUS / PEER, second / "Peer review.pdf")
    refused = "cabinet-2025-03-13-peer-review"
    store = _RefusingStore(settings.chroma_path, refuse=refused)
    report = run_ingest(settings, embedder=embedder, vectors=store)

    status = {d.file: (d.status, d.doc_id or "") for d in report.docs}
    assert status["cabinet/2025-03-13/Peer review.pdf"] == ("failed", refused)
    [failure] = report.failed
    assert failure.error and "vector store refused" in failure.error and "other documents" in failure.error
    a = status["cabinet/2025-01-30/Appendix A Capital Investment Summary.pdf"]
    b = status["cabinet/2025-03-13/Appendix A - Capital Investment Summary.pdf"]
    assert a[0] == b[0] == "new" and a[1] != b[1]

    catalog = Catalog(settings.catalog_path)
    docs = {d.doc_id: d for d in catalog.documents()}
    assert set(docs) == {"plan", a[1], b[1]}
    assert (docs[a[1]].committee, docs[a[1]].meeting_date) == ("cabinet", "2025-01-30")
    assert (docs[b[1]].committee, docs[b[1]].meeting_date) == ("cabinet", "2025-03-13")
    chunks_a, chunks_b = catalog.chunks(a[1]), catalog.chunks(b[1])
    assert [c.text for c in chunks_a] == [c.text for c in chunks_b]  # same text ...
    assert not {c.id for c in chunks_a} & {c.id for c in chunks_b}  # ... two sets of vectors
    # Nothing lost: the earlier document is whole, every live chunk has its vector, the refused
    # document left none behind.
    assert {c.id: c.text for c in catalog.chunks("plan")} == plan_chunks
    collection = catalog.meta("collection") or ""
    live = catalog.chunk_ids()
    stored = set(store.inner.all_ids(collection))
    assert live <= stored and not any(i.startswith(refused + ":") for i in stored)

    # With the store accepting it again, the next ingest indexes it and touches nothing else.
    again = run_ingest(settings, embedder=embedder)
    assert {d.file: d.status for d in again.docs if d.status != "unchanged"} == {
        "cabinet/2025-03-13/Peer review.pdf": "new"
    }
    assert refused in {d.doc_id for d in Catalog(settings.catalog_path).documents()}


@pytest.mark.integration
def test_a_refused_new_version_leaves_the_previous_one_whole(tmp_path: Path, embedder) -> None:
    """Each document's rows are written as it is parsed; when the vector store then refuses its new
    version, the version indexed before is put back, in the catalog and in the lexical index."""
    from index.catalog import Catalog
    from index.lexical import LexicalIndex
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / PLAN, corpus / "plan.pdf")
    shutil.copy(CORPUS / JOINT, corpus / "joint.pdf")
    settings = make_settings(tmp_path / "data", corpus)
    run_ingest(settings, embedder=embedder)
    catalog = Catalog(settings.catalog_path)
    old = {c.id: c.text for c in catalog.chunks("plan")}
    old_doc = catalog.document("plan")
    catalog.close()

    shutil.copy(CORPUS / PEER, corpus / "plan.pdf")  # a new version of plan.pdf ...
    shutil.copy(CORPUS / PLAN, corpus / "new.pdf")  # ... and a new document beside it
    report = run_ingest(
        settings, embedder=embedder, vectors=_RefusingStore(settings.chroma_path, refuse="plan")
    )

    assert {d.file: d.status for d in report.docs} == {
        "plan.pdf": "failed",
        "joint.pdf": "unchanged",
        "new.pdf": "new",
    }
    catalog = Catalog(settings.catalog_path)
    assert {c.id: c.text for c in catalog.chunks("plan")} == old
    assert catalog.document("plan") == old_doc
    lexical = LexicalIndex.load(settings.lexical_dir / (catalog.meta("lexical") or ""))
    searched = {i.decode() for i in lexical.ids}
    assert set(old) <= searched and {c.id for c in catalog.chunks("new")} <= searched
    assert searched == catalog.chunk_ids()
