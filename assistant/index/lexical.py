"""BM25 over chunks with bm25s, saved beside the vectors as one folder per index generation."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np

from assistant.textproc import tokenize

IDS_FILE = "chunk_ids.json"
logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    def __init__(self, retriever, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
        self._retriever = retriever
        self.ids = ids
        self._pos = {cid: i for i, cid in enumerate(ids)}

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25(k1=1.2, b=0.75)
        if texts:
            corpus_tokens = [tokenize(t) or ["∅"] for t in texts]
            retriever.index(corpus_tokens, show_progress=False)
        return cls(retriever, list(ids))

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        if self.ids:
            self._retriever.save(str(tmp))
        (tmp / IDS_FILE).write_text(json.dumps(self.ids))
        if folder.exists():
            shutil.rmtree(folder)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        ids = json.loads((folder / IDS_FILE).read_text())
        retriever = bm25s.BM25.load(str(folder)) if ids else bm25s.BM25()
        return cls(retriever, ids)

    def search(self, query: str, n: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first; `allowed` is a 0/1 mask over `ids` for filters."""
        tokens = tokenize(query)
        if not self.ids or not tokens:
            return []
        vocab = self._retriever.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return []
        scores = self._retriever.get_scores(known)
        if allowed is not None:
            scores = np.where(allowed > 0, scores, 0.0)
        n = min(n, len(self.ids))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def position(self, chunk_id: str) -> int | None:
        return self._pos.get(chunk_id)
