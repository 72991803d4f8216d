"""[deploy] GPU ingest: `assistant ingest --device cuda` embeds on a GPU where one exists.

The first test needs a GPU and is skipped, visibly, on machines without one (CI here has none). The
second runs everywhere: a GPU that is not there is refused at once with the setting's name.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from tests.conftest import CORPUS, make_settings, run_cli

ONE_DOC = "2008-11-14-pioneer-somerset-update-report.pdf"


def _cuda() -> int:
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def _one_doc_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / ONE_DOC, corpus / ONE_DOC)
    shutil.copy(CORPUS / "manifest.yaml", corpus / "manifest.yaml")
    return corpus


def test_ingest_on_cuda_gives_the_cpu_vectors(tmp_path, embedder) -> None:
    if not _cuda():
        pytest.skip(
            "needs a CUDA GPU: none on this machine, so `assistant ingest --device cuda` is untested here"
        )
    from index.catalog import Catalog
    from index.vectors import VectorStore

    settings = make_settings(tmp_path / "data", _one_doc_corpus(tmp_path))
    env = {"ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir)}
    done = run_cli("ingest", "--device", "cuda", env=env)
    assert done.returncode == 0, done.stderr
    catalog = Catalog(settings.catalog_path)
    chunks = catalog.chunks()
    assert chunks
    col = VectorStore(settings.chroma_path).collection(catalog.meta("collection") or "")
    got = col.get(ids=[c.id for c in chunks], include=["embeddings"])
    on_gpu = dict(zip(got["ids"], np.asarray(got["embeddings"]), strict=True))
    on_cpu = embedder.embed_documents([c.embed_text for c in chunks])
    cosines = [float(np.dot(on_gpu[c.id], v)) for c, v in zip(chunks, on_cpu, strict=True)]
    assert min(cosines) > 0.999, min(cosines)


def test_a_gpu_that_is_not_there_is_refused_before_any_work(tmp_path) -> None:
    device = f"cuda:{_cuda()}"  # one past the last GPU: cuda:0 where there is none
    data = tmp_path / "data"
    env = {"ASSISTANT_DATA_DIR": str(data), "ASSISTANT_CORPUS_DIR": str(_one_doc_corpus(tmp_path))}
    done = run_cli("ingest", "--device", device, env=env, timeout=120)
    assert done.returncode == 2
    assert "ASSISTANT_EMBEDDING_DEVICE" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (data / "catalog.sqlite").exists()  # nothing was started
