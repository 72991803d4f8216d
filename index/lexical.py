"""BM25 over chunks with bm25s, saved beside the vectors as one folder per index generation.

A saved index is loaded memory-mapped: the score matrix stays in the page cache, shared by every
API process and read only where a query's tokens point, and the chunk ids are one compact array.
"""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
from pathlib import Path

import numpy as np

from core.acronyms import find_acronyms
from core.tokens import tokenize

IDS_FILE = "chunk_ids.json"


def _bm25s():
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on its own logger at import
    return bm25s


DF_FILE = "doc_freq.json"
ACRONYMS_FILE = "acronyms.json"
VOCAB_FILE = "vocabulary.json"
LOWER_FILE = "lowercase_words.json"


class LexicalIndex:
    """BM25 plus the corpus statistics the answerer needs: how many chunks hold each token (for IDF
    weights) and the plain words of the corpus (to tell an English question from one in another
    language)."""

    def __init__(
        self,
        retriever,
        ids: list[str] | np.ndarray,
        df: dict[str, int] | None = None,
        vocabulary: set[str] | None = None,
        lowercase_words: set[str] | None = None,
        acronyms: dict[str, str] | None = None,
    ) -> None:
        self._retriever = retriever
        self.ids = id_array(ids)  # chunk ids as UTF-8 bytes, in BM25 order
        self.df = df or {}
        self.vocabulary = vocabulary or set()  # every word, lowercased
        self.lowercase_words = lowercase_words or set()  # words the corpus writes in lower case
        self.acronyms = acronyms or {}  # acronyms the documents define -> their expansion

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        bm25s = _bm25s()
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        df: dict[str, int] = {}
        vocabulary: set[str] = set()
        lowercase_words: set[str] = set()
        if texts:
            corpus_tokens = [tokenize(t) or ["∅"] for t in texts]
            retriever.index(corpus_tokens, show_progress=False)
            for toks in corpus_tokens:
                for t in set(toks):
                    df[t] = df.get(t, 0) + 1
            for t in texts:
                vocabulary.update(re.findall(r"[a-z]+", t.lower()))
                lowercase_words.update(re.findall(r"\b[a-z]+\b", t))
        return cls(retriever, list(ids), df, vocabulary, lowercase_words, find_acronyms(texts))

    @property
    def size(self) -> int:
        """How many chunks the index holds."""
        return len(self.ids)

    def idf(self, token: str) -> float:
        n = max(1, self.size)
        return math.log(1 + (n - self.df.get(token, 0) + 0.5) / (self.df.get(token, 0) + 0.5))

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        if self.size:
            self._retriever.save(str(tmp))
        (tmp / IDS_FILE).write_text(json.dumps(id_strings(self.ids)))
        (tmp / DF_FILE).write_text(json.dumps(self.df))
        (tmp / VOCAB_FILE).write_text(json.dumps(sorted(self.vocabulary)))
        (tmp / LOWER_FILE).write_text(json.dumps(sorted(self.lowercase_words)))
        (tmp / ACRONYMS_FILE).write_text(json.dumps(self.acronyms, sort_keys=True))
        if folder.exists():
            shutil.rmtree(folder)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> LexicalIndex:
        """`mmap`: leave the score matrix on disk, mapped (the API); False reads it into memory."""
        bm25s = _bm25s()
        ids = id_array(json.loads((folder / IDS_FILE).read_text()))
        retriever = bm25s.BM25.load(str(folder), mmap=mmap) if len(ids) else bm25s.BM25()
        df = json.loads((folder / DF_FILE).read_text()) if (folder / DF_FILE).exists() else {}
        vocab = (
            set(json.loads((folder / VOCAB_FILE).read_text())) if (folder / VOCAB_FILE).exists() else set()
        )
        lower = (
            set(json.loads((folder / LOWER_FILE).read_text())) if (folder / LOWER_FILE).exists() else set()
        )
        acronyms = (
            json.loads((folder / ACRONYMS_FILE).read_text()) if (folder / ACRONYMS_FILE).exists() else {}
        )
        return cls(retriever, ids, df, vocab, lower, acronyms)

    def search(self, query: str, n: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first; `allowed` is a 0/1 mask over `ids` for filters."""
        return [(self.ids[i].decode(), score) for i, score in self.search_positions(query, n, allowed)]

    def search_positions(
        self, query: str, n: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """(position in `ids`, BM25 score) best first, as `search`, without making id strings."""
        tokens = tokenize(query)
        if not self.size or not tokens:
            return []
        vocab = self._retriever.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return []
        scores = self._retriever.get_scores(known)
        if allowed is not None:
            scores = np.where(allowed > 0, scores, 0.0)
        n = min(n, self.size)
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def id_array(ids: list[str] | np.ndarray) -> np.ndarray:
    """Chunk ids as one array of UTF-8 bytes: about 60 bytes an id, where a list of str costs
    three times that and a dict from id to position five times."""
    if isinstance(ids, np.ndarray):
        return ids
    if not ids:
        return np.zeros(0, dtype="S1")
    return np.array([i.encode() for i in ids], dtype=bytes)


def id_strings(ids: np.ndarray) -> list[str]:
    return [i.decode() for i in ids.tolist()]
