"""BM25 over chunks, saved beside the vectors as one folder per index generation.

A saved index is loaded memory-mapped: the score matrix stays in the page cache, shared by every
API process and read only where a query's tokens point, and the chunk ids are one compact array.

The folder is in bm25s's format (its score matrix, vocabulary and parameters files), so bm25s can
read it, but answering does not import bm25s: scoring is a sum over a query's columns of the matrix,
and importing bm25s pulls in numba and llvmlite (about 90 MB of every API process at 300k chunks).
"""

from __future__ import annotations

import bisect
import json
import math
import re
import shutil
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from core.acronyms import acronym_pairs, most_frequent
from core.tokens import prefix_head, tokenize

IDS_FILE = "chunk_ids.json"
K1, B = 1.2, 0.75  # BM25's usual constants (bm25s's defaults, Lucene's scoring)
EMPTY = "∅"  # the token of a chunk with no words, so that every chunk is a row of the matrix


DF_FILE = "doc_freq.json"
ACRONYMS_FILE = "acronyms.json"
VOCAB_FILE = "vocabulary.json"
SAME_WORD_TOKENS = 2  # indexed tokens that stand in for one the index lacks (the most common first)
SAME_WORD_MIN = (
    9  # letters of a missing token long enough to say ("apprentic"; not "intern", a prefix of "internal")
)
LOWER_FILE = "lowercase_words.json"
# bm25s's file names, so that a saved index is also a bm25s index
DATA_FILE, INDICES_FILE, INDPTR_FILE = "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy"
TOKENS_FILE, PARAMS_FILE = "vocab.index.json", "params.index.json"
# Our own addition, which bm25s ignores: the columns of the commonest tokens written out in full.
DENSE_FILE, DENSE_COLUMNS_FILE = "dense_columns.npy", "dense_columns.json"
# A token in more than this share of the chunks gets a full column: adding a column of 300k chunks
# took 0.77 ms as a scatter and 0.023 ms as a full column (measured at 300k), and the tokens above a
# quarter, 21 at 300k, carried 71% of the dev questions' postings. The share bounds the disk and page
# cache a full column costs (4 bytes a chunk each) to a few tokens.
DENSE_SHARE = 0.25


@dataclass
class Postings:
    """BM25's score matrix by token (compressed sparse columns): column `vocab[token]` holds, for
    each chunk with the token, its row in `indices` and its score in `data`. A query's score for a
    chunk is the sum of its tokens' entries, added token by token in the query's order, in float32,
    as bm25s adds them (`tests/ingest/test_lexical_builder.py` compares the two)."""

    data: np.ndarray  # float32
    indices: np.ndarray  # int32 chunk rows
    indptr: np.ndarray  # int64 column starts, one more than there are tokens
    num_docs: int
    vocab: dict[str, int]
    # The commonest tokens' columns in full (zeros where a chunk lacks the token), by column number:
    # adding one is a plain vector add. Written by `save`; an index built in memory has none.
    dense: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    dense_row: dict[int, int] = field(default_factory=dict)  # column -> its row in `dense`

    @classmethod
    def empty(cls) -> Postings:
        return cls(np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int64), 0, {})

    def scores(self, tokens: list[str]) -> np.ndarray:
        """Each chunk's BM25 score for these tokens (each must be in `vocab`; a repeat counts twice).
        A full column adds 0.0 where the scatter would add nothing, so both give the same floats."""
        out = np.zeros(self.num_docs, np.float32)
        for token in tokens:
            column = self.vocab[token]
            row = self.dense_row.get(column)
            if row is not None:
                out += self.dense[row]
                continue
            start, end = int(self.indptr[column]), int(self.indptr[column + 1])
            out[self.indices[start:end]] += self.data[start:end]  # a column names each row once
        return out

    def _dense_columns(self) -> tuple[list[int], np.ndarray]:
        lengths = np.diff(self.indptr)
        columns = np.flatnonzero(lengths > DENSE_SHARE * self.num_docs).tolist()
        dense = np.zeros((len(columns), self.num_docs), np.float32)
        for row, column in enumerate(columns):
            start, end = int(self.indptr[column]), int(self.indptr[column + 1])
            dense[row, self.indices[start:end]] = self.data[start:end]
        return columns, dense

    def save(self, folder: Path) -> None:
        np.save(folder / DATA_FILE, self.data)
        np.save(folder / INDICES_FILE, self.indices)
        np.save(folder / INDPTR_FILE, self.indptr)
        columns, dense = self._dense_columns()
        np.save(folder / DENSE_FILE, dense)
        (folder / DENSE_COLUMNS_FILE).write_text(json.dumps(columns))
        (folder / TOKENS_FILE).write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        params = {"k1": K1, "b": B, "method": "lucene", "idf_method": "lucene", "dtype": "float32"}
        params |= {"int_dtype": "int32", "num_docs": self.num_docs, "backend": "numpy"}
        (folder / PARAMS_FILE).write_text(json.dumps(params, indent=4))

    @classmethod
    def load(cls, folder: Path, mmap: bool) -> Postings:
        mode: Literal["r"] | None = "r" if mmap else None
        params = json.loads((folder / PARAMS_FILE).read_text())
        postings = cls(
            np.load(folder / DATA_FILE, mmap_mode=mode),
            np.load(folder / INDICES_FILE, mmap_mode=mode),
            np.load(folder / INDPTR_FILE, mmap_mode=mode),
            int(params["num_docs"]),
            json.loads((folder / TOKENS_FILE).read_text(encoding="utf-8")),
        )
        if (folder / DENSE_COLUMNS_FILE).exists():  # an index saved before there were full columns has none
            columns = json.loads((folder / DENSE_COLUMNS_FILE).read_text())
            postings.dense = np.load(folder / DENSE_FILE, mmap_mode=mode)
            postings.dense_row = {int(c): row for row, c in enumerate(columns)}
        return postings


class LexicalIndex:
    """BM25 plus the corpus statistics the answerer needs: how many chunks hold each token (for IDF
    weights) and the plain words of the corpus (to tell an English question from one in another
    language)."""

    def __init__(
        self,
        postings: Postings,
        ids: list[str] | np.ndarray,
        df: dict[str, int] | None = None,
        vocabulary: set[str] | None = None,
        lowercase_words: set[str] | None = None,
        acronyms: dict[str, str] | None = None,
    ) -> None:
        self.postings = postings
        self.ids = id_array(ids)  # chunk ids as UTF-8 bytes, in BM25 order
        self.df = df or {}
        self.vocabulary = vocabulary or set()  # every word, lowercased
        self.lowercase_words = lowercase_words or set()  # words the corpus writes in lower case
        self.acronyms = acronyms or {}  # acronyms the documents define -> their expansion
        self._vocab_order: list[str] | None = None  # the indexed tokens, sorted, for `same_word`

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> LexicalIndex:
        """The index of these chunks, in this order (`LexicalBuilder` for a corpus a document at a time)."""
        builder = LexicalBuilder()
        builder.add("", ids, texts)
        return builder.build()

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
            self.postings.save(tmp)
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
        ids = id_array(json.loads((folder / IDS_FILE).read_text()))
        postings = Postings.load(folder, mmap) if len(ids) else Postings.empty()
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
        return cls(postings, ids, df, vocab, lower, acronyms)

    def same_word(self, token: str) -> list[str]:
        """For a question's token the index does not hold, the indexed tokens the stemmer parted from
        it ("apprentices" finds "apprenticeship"): the most common few that share its head."""
        head = prefix_head(token)
        if head is None or len(token) < SAME_WORD_MIN:
            return []
        ordered = self._sorted_vocab()
        lo = bisect.bisect_left(ordered, head)
        hi = bisect.bisect_left(ordered, head + "\uffff")
        found = sorted(ordered[lo:hi], key=lambda t: -self.df.get(t, 0))
        return found[:SAME_WORD_TOKENS]

    def _sorted_vocab(self) -> list[str]:
        if self._vocab_order is None:
            self._vocab_order = sorted(self.postings.vocab)
        return self._vocab_order

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
        known = [t for t in tokens if t in self.postings.vocab]
        known += [k for t in tokens if t not in self.postings.vocab for k in self.same_word(t)]
        if not known:
            return []
        scores = self.postings.scores(known)
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


@dataclass
class _Block:
    """One document's chunks, reduced to what scoring needs: each chunk's distinct token ids and
    their counts (6 bytes a distinct token, where the token strings would take about 60)."""

    ids: np.ndarray  # chunk ids, UTF-8 bytes
    tokens: np.ndarray  # int32: the distinct token ids of each chunk, chunk after chunk
    counts: np.ndarray  # uint16: how often each of `tokens` occurs in its chunk
    distinct: np.ndarray  # int32: how many distinct tokens each chunk has
    lengths: np.ndarray  # int32: how many tokens each chunk has
    acronyms: list[tuple[str, str]]  # the definitions its texts make, in order
    words: np.ndarray  # int32: its words, lowercased, as ids into the builder's `_words`
    lowercase: np.ndarray  # int32: the words it writes in lower case, as such ids


class LexicalBuilder:
    """Builds the BM25 index of a corpus a document at a time, without holding the corpus.

    The ingest hands each document's chunks over as it parses them, and may take a document back
    (the vector store refused it). The rows of the finished index are the `kept` documents (those
    already indexed, in doc id order) and then the new ones in the order they were added: the order
    the catalog lists them. The scores are bm25s's (Lucene's BM25 with K1 and B, float32), computed
    the same way term by term, so the index is the one `bm25s.BM25.index` builds from the same texts
    (tests/ingest/test_lexical_builder.py compares them).
    """

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._words: dict[str, int] = {}  # every word seen -> its id (a block keeps ids, not strings)
        self._kept: dict[str, _Block] = {}
        self._new: dict[str, _Block] = {}

    def add(self, key: str, ids: list[str], texts: list[str], kept: bool = False) -> None:
        """Add a document's chunks under `key` (its doc id), replacing what was added under it."""
        self.discard(key)
        tokens, counts, distinct, lengths = [], [], [], []
        words: set[str] = set()
        lowercase: set[str] = set()
        acronyms: list[tuple[str, str]] = []
        for text in texts:
            found = tokenize(text) or [EMPTY]
            numbers = np.fromiter((self._vocab.setdefault(t, len(self._vocab)) for t in found), np.int32)
            unique, count = np.unique(numbers, return_counts=True)
            tokens.append(unique)
            # a count past 65,535 in one chunk is saturated in BM25 long before (tf / (K1 + tf))
            counts.append(np.minimum(count, np.iinfo(np.uint16).max).astype(np.uint16))
            distinct.append(len(unique))
            lengths.append(len(found))
            words.update(re.findall(r"[a-z]+", text.lower()))
            lowercase.update(re.findall(r"\b[a-z]+\b", text))
            acronyms.extend(acronym_pairs(text))
        block = _Block(
            id_array(list(ids)),
            np.concatenate(tokens) if tokens else np.zeros(0, np.int32),
            np.concatenate(counts) if counts else np.zeros(0, np.uint16),
            np.array(distinct, np.int32),
            np.array(lengths, np.int32),
            acronyms,
            self._word_ids(words),
            self._word_ids(lowercase),
        )
        (self._kept if kept else self._new)[key] = block

    def _word_ids(self, words: set[str]) -> np.ndarray:
        return np.array(sorted(self._words.setdefault(w, len(self._words)) for w in words), np.int32)

    def _word_set(self, ids: list[np.ndarray]) -> set[str]:
        present = np.zeros(len(self._words), bool)
        for some in ids:
            present[some] = True
        return {w for w, i in self._words.items() if present[i]}

    def discard(self, key: str) -> None:
        self._kept.pop(key, None)
        self._new.pop(key, None)

    def build(self) -> LexicalIndex:
        """The finished index. The builder is used up: each document's counts are let go as soon
        as they are in the matrix, so the two are not held whole at once."""
        blocks = [self._kept[k] for k in sorted(self._kept)] + list(self._new.values())
        self._kept, self._new = {}, {}
        ids = np.concatenate([b.ids for b in blocks]) if blocks else np.zeros(0, dtype="S1")
        vocabulary = self._word_set([b.words for b in blocks])
        lowercase = self._word_set([b.lowercase for b in blocks])
        acronyms = most_frequent(pair for b in blocks for pair in b.acronyms)
        if not len(ids):
            return LexicalIndex(Postings.empty(), ids, {}, vocabulary, lowercase, acronyms)
        # Chunks holding each token; tokens only taken-back documents used are left out.
        df = np.zeros(len(self._vocab), np.int64)
        for b in blocks:
            _add_counts(df, b.tokens)
        used = df > 0
        column = np.cumsum(used) - 1  # old token id -> column of the matrix
        names = np.array(list(self._vocab), dtype=object)[used]
        df = df[used]
        lengths = np.concatenate([b.lengths for b in blocks])
        avg_len = lengths.mean()  # float64, as bm25s computes it
        idf = _idf(df, len(ids))
        indptr = np.zeros(len(df) + 1, np.int64)
        np.cumsum(df, out=indptr[1:])
        data = np.empty(int(indptr[-1]), np.float32)
        rows = np.empty(int(indptr[-1]), np.int32)
        fill = indptr[:-1].copy()
        first_row = 0
        pending = deque(blocks)
        del blocks
        while pending:
            b = pending.popleft()
            cols = column[b.tokens]
            length = np.repeat(b.lengths, b.distinct)  # each entry's chunk length
            tf = b.counts.astype(np.float32)
            # bm25s.scoring._score_tfc_robertson's expression, with the same types, elementwise
            tfc = tf / (K1 * ((1 - B) + B * length / avg_len) + tf)
            # Each entry goes to its column after the entries of earlier chunks (rows stay sorted).
            order = np.argsort(cols, kind="stable")
            ranked = cols[order]
            starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
            rank = np.arange(len(ranked)) - np.repeat(starts, np.diff(np.r_[starts, len(ranked)]))
            at = fill[ranked] + rank
            data[at] = idf[ranked] * tfc[order]
            rows[at] = first_row + np.repeat(np.arange(len(b.lengths), dtype=np.int32), b.distinct)[order]
            _add_counts(fill, cols)
            first_row += len(b.lengths)
        vocab = {str(name): i for i, name in enumerate(names)}
        vocab[""] = len(vocab)  # bm25s's empty token, which no query token matches
        # Lucene's BM25 scores only the tokens a chunk has (bm25s's nonoccurrence array is None)
        postings = Postings(data, rows, indptr, len(ids), vocab)
        doc_freq = {str(name): int(n) for name, n in zip(names, df, strict=True)}
        return LexicalIndex(postings, ids, doc_freq, vocabulary, lowercase, acronyms)


def _add_counts(total: np.ndarray, values: np.ndarray) -> None:
    """Count each value of `values` into `total` (as far as the largest value, not the whole array)."""
    counts = np.bincount(values)
    total[: len(counts)] += counts


def _idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Lucene's IDF per token, float32, computed as bm25s computes it (in Python floats, then stored)."""
    out = np.zeros(len(df), np.float32)
    for i, n in enumerate(df.tolist()):
        out[i] = math.log(1 + (n_docs - n + 0.5) / (n + 0.5))
    return out
