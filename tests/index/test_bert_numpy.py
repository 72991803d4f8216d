"""[scale] The torch-free query encoder gives sentence-transformers' vectors, so answering processes
can leave torch out without moving a ranking: the same vectors to float32 precision on the real model,
the same nearest chunks of the real index, and a plain fallback for models it cannot run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.settings import PACKAGED_MODEL
from index.bert_numpy import NumpyBertEncoder, UnsupportedModel
from index.embed import SentenceTransformerEmbedder, get_query_embedder, resolve_model_path

TEXTS = [
    "What was Pioneer Somerset's savings target?",
    "Who seconded the amendment on the council tax precept for 2025-26?",
    "£14.5m overspend — children's services, 2024/25 (café, naïve, Ωmega)",
    "",
    "RESOLVED that the Commissioning Plan for Education Provision 2025-29 be approved. " * 40,  # truncated
    "JLAG SSDC SDC MDC",
]
# sentence-transformers and numpy sum in different orders; float32 agrees to a few units of 1e-7
TOLERANCE = 1e-6


def test_vectors_equal_sentence_transformers(embedder, query_embedder) -> None:
    ours = query_embedder.embed_documents(TEXTS)
    theirs = embedder.embed_documents(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert np.abs(ours - theirs).max() < TOLERANCE
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)
    assert np.array_equal(query_embedder.embed_query(TEXTS[0]), ours[0])


def test_nearest_chunks_are_the_same(assistant, embedder, query_embedder) -> None:
    store, name = assistant.retriever.vectors, assistant.retriever.state.collection
    for question in TEXTS[:3]:
        ours = store.query(name, query_embedder.embed_query(question), 20)
        theirs = store.query(name, embedder.embed_query(question), 20)
        assert [i for i, _ in ours] == [i for i, _ in theirs]


def _edit(folder: Path, name: str, **changes) -> None:
    path = folder / name
    path.write_text(json.dumps(json.loads(path.read_text()) | changes))


@pytest.mark.parametrize(
    ("name", "changes", "reason"),
    [
        (
            "1_Pooling/config.json",
            {"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True},
            "mean",
        ),
        ("sentence_bert_config.json", {"do_lower_case": True}, "lowercases"),
        ("config_sentence_transformers.json", {"prompts": {"query": "query: "}}, "prompt"),
        ("config.json", {"position_embedding_type": "relative_key"}, "absolute positions"),
        ("sentence_bert_config.json", {"max_seq_length": 1024}, "position table"),
        ("modules.json", {}, "modules"),
    ],
)
def test_a_model_it_cannot_run_faithfully_is_refused_and_torch_used(
    tmp_path: Path, name: str, changes: dict, reason: str
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(resolve_model_path(PACKAGED_MODEL), folder)
    if name == "modules.json":
        (folder / name).write_text("[]")
    else:
        _edit(folder, name, **changes)
    with pytest.raises(UnsupportedModel, match=reason):
        NumpyBertEncoder(folder, str(folder))
    assert isinstance(get_query_embedder(str(folder)), SentenceTransformerEmbedder)


def test_torch_can_be_chosen() -> None:
    assert isinstance(get_query_embedder(PACKAGED_MODEL, encoder="torch"), SentenceTransformerEmbedder)


def test_answering_does_not_import_torch_or_bm25s(built_index) -> None:
    """An answering process carries neither torch (the model) nor bm25s (numba, llvmlite)."""
    probe = (
        "import sys\n"
        "from assistant.service import Assistant\n"
        "from core.settings import Settings\n"
        f"a = Assistant.from_settings(Settings(data_dir={str(built_index.data_dir)!r}))\n"
        "a.warm_up()\n"
        "a.ask('What was the savings target?', role='admin')\n"
        "heavy = ('torch', 'sentence_transformers', 'bm25s', 'numba', 'llvmlite')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
