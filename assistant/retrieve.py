"""Hybrid retrieval: dense (Chroma) and lexical (BM25) search, fused, filtered and de-duplicated.

The live set of chunks is whatever the catalog lists at its current generation. The retriever keeps
that set in memory (text, units, tables, metadata) and reloads it when an ingest commits a new
generation, so API processes pick up new documents without a restart and never see a half-written
one: a vector Chroma returns that the catalog does not list is simply not a result.

Filters and audiences become one boolean mask over the chunks. BM25 applies it directly; for the
dense side a mask that keeps most chunks is applied after an over-fetch (Chroma's metadata filter
costs 25 ms at 10k chunks, its plain top-k 1 ms), a selective one goes to Chroma as a `where`.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from assistant.models import Filters
from core.councils import gazetteer
from core.errors import IndexNotReady
from core.records import Chunk, Decision, Document, Figure, Role, TableRow, table_rows
from index.catalog import Catalog
from index.lexical import LexicalIndex

log = logging.getLogger(__name__)

# Fusion, measured on the dev suite's gold evidence (evals/README.md): a convex combination of
# min-max normalised scores, 35% dense and 65% BM25, found the gold chunk in the top 8 for 95% of
# questions (MRR 0.84), against 94% (MRR 0.73) for reciprocal rank fusion at k=60. RRF lets a chunk
# that is middling in both lists outrank one that is first in one list and missing from the other.
RRF_K = 60
DENSE_WEIGHT = 0.35


@dataclass
class Hit:
    chunk: Chunk
    doc: Document
    score: float
    dense: float | None = None
    lexical: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass
class RetrievalState:
    generation: int
    collection: str | None
    docs: dict[str, Document]
    chunks: list[Chunk]
    by_id: dict[str, int]
    by_doc_seq: dict[tuple[str, int], int]
    lexical: LexicalIndex
    lex_pos: np.ndarray  # lexical position -> chunk index
    doc_index: np.ndarray  # chunk index -> document number
    doc_ids: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)  # table cells, for the tools
    rows: list[TableRow] = field(default_factory=list)  # the same cells as table rows, built once
    decisions: list[Decision] = field(default_factory=list)  # from minutes and records of decision
    roles: list[Role] = field(default_factory=list)  # people named with their roles
    # The state as callers of fewer audiences see it, built on first use (`for_audiences`).
    views: dict[frozenset[str], RetrievalState] = field(default_factory=dict, repr=False)
    views_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def for_audiences(self, audiences: frozenset[str]) -> RetrievalState:
        """This state with corpus statistics (BM25, token frequencies, vocabulary, acronyms,
        lower-case words) of only the documents `audiences` may read.

        The statistics of the whole index would let a document a caller may not read change what
        they are told: a word found only in a confidential paper would count as known, with a
        weight, and a question of it would be answered differently than if the paper were absent.
        Where the audiences read every document this is the state itself, so answers to callers who
        may read everything are exactly as before.
        """
        view = self.views.get(audiences)  # read on every access to a caller's state: no scan here
        if view is not None:
            return view
        with self.views_lock:
            view = self.views.get(audiences)
            if view is None:
                readable = {d.doc_id for d in self.docs.values() if d.audience in audiences}
                view = self if len(readable) == len(self.docs) else self._restricted(readable)
                self.views[audiences] = view
            return view

    def _restricted(self, doc_ids: set[str]) -> RetrievalState:
        pos = [int(i) for i in self.lex_pos if i >= 0 and self.chunks[i].doc_id in doc_ids]
        chunks = [self.chunks[i] for i in pos]
        restricted = LexicalIndex.build([c.id for c in chunks], [c.embed_text for c in chunks])
        log.info("corpus statistics for %d of %d documents built", len(doc_ids), len(self.docs))
        return replace(
            self,
            lexical=restricted,
            lex_pos=np.array(pos, dtype=np.int64),
            views={},
            views_lock=threading.Lock(),
        )

    def rows_in(self, allowed: set[str] | frozenset[str]) -> list[TableRow]:
        return [r for r in self.rows if r.doc.doc_id in allowed]

    def doc_of(self, chunk: Chunk) -> Document:
        return self.docs[chunk.doc_id]

    def hit(self, i: int, score: float = 0.0) -> Hit:
        chunk = self.chunks[i]
        return Hit(chunk, self.docs[chunk.doc_id], score)


class Retriever:
    def __init__(
        self,
        catalog: Catalog,
        vectors,
        embedder,
        lexical_dir: Path,
        fusion: str = "weighted",
        rrf_k: int = RRF_K,
        dense_weight: float = DENSE_WEIGHT,
    ) -> None:
        self.fusion = fusion
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.catalog = catalog
        self.vectors = vectors
        self.embedder = embedder
        self.lexical_dir = Path(lexical_dir)
        self._state: RetrievalState | None = None
        self._lock = threading.RLock()
        self._qcache: OrderedDict[str, np.ndarray] = OrderedDict()

    # -- state --------------------------------------------------------------------------------

    @property
    def state(self) -> RetrievalState:
        self.refresh()
        if self._state is None:
            raise IndexNotReady("the index is empty: run `assistant ingest` first")
        return self._state

    def for_audiences(self, audiences: frozenset[str]) -> Retriever:
        """This retriever as a caller who reads only `audiences` sees it (`RetrievalState.for_audiences`)."""
        return AudienceRetriever(self, audiences)

    @property
    def ready(self) -> bool:
        try:
            return len(self.state.chunks) > 0
        except IndexNotReady:
            return False

    def refresh(self) -> None:
        generation = self.catalog.generation
        if self._state is not None and self._state.generation == generation:
            return
        with self._lock:
            if self._state is not None and self._state.generation == generation:
                return
            if generation == 0:
                return
            self._state = self._load()

    def _load(self) -> RetrievalState:
        self.catalog.require_current()
        with self.catalog.snapshot():
            generation = self.catalog.generation
            lexical_name = self.catalog.meta("lexical")
            collection = self.catalog.meta("collection")
            docs = {d.doc_id: d for d in self.catalog.documents()}
            chunks = [c for c in self.catalog.chunks() if c.doc_id in docs]
            figures = self.catalog.figures()
            decisions = self.catalog.decisions()
            roles = self.catalog.roles()
        by_id = {c.id: i for i, c in enumerate(chunks)}
        lexical = (
            LexicalIndex.load(self.lexical_dir / lexical_name) if lexical_name else LexicalIndex.build([], [])
        )
        lex_pos = np.array([by_id.get(cid, -1) for cid in lexical.ids], dtype=np.int64)
        doc_ids = list(docs)
        doc_number = {d: i for i, d in enumerate(doc_ids)}
        log.info("index generation %s loaded: %d documents, %d chunks", generation, len(docs), len(chunks))
        return RetrievalState(
            generation=generation,
            collection=collection,
            docs=docs,
            chunks=chunks,
            by_id=by_id,
            by_doc_seq={(c.doc_id, c.seq): i for i, c in enumerate(chunks)},
            lexical=lexical,
            lex_pos=lex_pos,
            doc_index=np.array([doc_number[c.doc_id] for c in chunks], dtype=np.int64),
            doc_ids=doc_ids,
            figures=figures,
            rows=table_rows(figures, docs),
            decisions=decisions,
            roles=roles,
        )

    # -- filters ------------------------------------------------------------------------------

    def allowed_docs(self, filters: Filters | None, audiences: frozenset[str] | set[str] | None) -> set[str]:
        """The documents a caller may see and has asked for."""
        state = self.state
        wanted_councils = None
        if filters and filters.councils:
            g = gazetteer()
            wanted_councils = {g.canonical(c) or c for c in filters.councils}
        out = set()
        for doc in state.docs.values():
            if audiences is not None and doc.audience not in audiences:
                continue
            if filters:
                if wanted_councils is not None and not wanted_councils.intersection(doc.councils):
                    continue
                if filters.since and (doc.year is None or doc.year < int(filters.since)):
                    continue
                if filters.until and (doc.year is None or doc.year > int(filters.until)):
                    continue
                if filters.doc_types and (doc.doc_type or "") not in set(filters.doc_types):
                    continue
                if filters.audiences and doc.audience not in set(filters.audiences):
                    continue
            out.add(doc.doc_id)
        return out

    def chunk_mask(self, docs: set[str]) -> np.ndarray:
        state = self.state
        allowed = np.array([d in docs for d in state.doc_ids], dtype=bool)
        return allowed[state.doc_index] if len(state.doc_index) else np.zeros(0, dtype=bool)

    # -- search -------------------------------------------------------------------------------

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vec = self._qcache.get(text)
        if vec is None:
            vec = self.embedder.embed_query(text)
            with self._lock:
                self._qcache[text] = vec
                if len(self._qcache) > 512:
                    self._qcache.popitem(last=False)
        return vec

    def search(
        self,
        query: str,
        k: int = 8,
        filters: Filters | None = None,
        audiences: frozenset[str] | set[str] | None = None,
        docs: set[str] | None = None,
        pool: int = 40,
    ) -> list[Hit]:
        """The best `k` chunks for `query` among the allowed documents, best first."""
        state = self.state
        allowed_docs = self.allowed_docs(filters, audiences)
        if docs is not None:
            allowed_docs &= docs
        if not allowed_docs or not state.chunks:
            return []
        mask = self.chunk_mask(allowed_docs)
        dense = self._dense(query, mask, allowed_docs, pool)
        lex_mask = np.where(state.lex_pos >= 0, mask[np.clip(state.lex_pos, 0, None)], False)
        lexical = [
            (state.by_id[cid], score)
            for cid, score in state.lexical.search(query, pool, allowed=lex_mask.astype(np.int8))
            if cid in state.by_id
        ]
        return self._fuse(dense, lexical, k)

    def _dense(
        self, query: str, mask: np.ndarray, allowed_docs: set[str], pool: int
    ) -> list[tuple[int, float]]:
        state = self.state
        if state.collection is None:
            return []
        vector = self.embed_query(query)
        fraction = float(mask.mean()) if len(mask) else 0.0
        if fraction >= 0.25:
            n = min(len(state.chunks), int(pool / fraction) + 8)
            found = self.vectors.query(state.collection, vector, n)
        else:
            where = {"doc_id": {"$in": sorted(allowed_docs)}}
            found = self.vectors.query(state.collection, vector, min(pool, len(state.chunks)), where=where)
        out = []
        for cid, sim in found:
            i = state.by_id.get(cid)
            if i is not None and mask[i]:
                out.append((i, sim))
        return out[:pool]

    def _fuse(self, dense: list[tuple[int, float]], lexical: list[tuple[int, float]], k: int) -> list[Hit]:
        state = self.state
        hits: dict[int, Hit] = {}
        for rank, (i, sim) in enumerate(dense):
            h = hits.setdefault(i, state.hit(i))
            h.dense, h.dense_rank = sim, rank
        for rank, (i, score) in enumerate(lexical):
            h = hits.setdefault(i, state.hit(i))
            h.lexical, h.lexical_rank = score, rank
        if self.fusion == "rrf":
            for h in hits.values():
                h.score = sum(
                    1.0 / (self.rrf_k + r + 1) for r in (h.dense_rank, h.lexical_rank) if r is not None
                )
        else:  # convex combination of min-max normalised scores

            def norm(values: list[float]) -> tuple[float, float]:
                return (min(values), max(values)) if values else (0.0, 1.0)

            d_lo, d_hi = norm([s for _, s in dense])
            l_lo, l_hi = norm([s for _, s in lexical])
            for h in hits.values():
                d = (h.dense - d_lo) / (d_hi - d_lo or 1.0) if h.dense is not None else 0.0
                lx = (h.lexical - l_lo) / (l_hi - l_lo or 1.0) if h.lexical is not None else 0.0
                h.score = self.dense_weight * d + (1 - self.dense_weight) * lx
        ordered = sorted(hits.values(), key=lambda h: -h.score)
        return collapse_duplicates(ordered)[:k]

    def neighbour(self, chunk: Chunk, offset: int) -> Chunk | None:
        state = self.state
        i = state.by_doc_seq.get((chunk.doc_id, chunk.seq + offset))
        return state.chunks[i] if i is not None else None


class AudienceRetriever(Retriever):
    """A view of a retriever for callers of some audiences: the same index, models and caches, with
    the corpus statistics of only the documents they may read. Cheap to make: it shares everything."""

    def __init__(self, base: Retriever, audiences: frozenset[str]) -> None:
        self.__dict__.update(base.__dict__)
        self._base = base
        self.audiences = audiences

    @property
    def state(self) -> RetrievalState:
        return self._base.state.for_audiences(self.audiences)

    def refresh(self) -> None:
        self._base.refresh()

    def for_audiences(self, audiences: frozenset[str]) -> Retriever:
        return AudienceRetriever(self._base, audiences)


def _shingles(text: str, n: int = 5) -> set[int]:
    words = text.lower().split()
    return {hash(" ".join(words[i : i + n])) for i in range(max(1, len(words) - n + 1))}


def collapse_duplicates(hits: list[Hit], threshold: float = 0.85) -> list[Hit]:
    """Drop hits whose text is the same as, or nearly the same as, a better hit's.

    Council papers are re-issued and appended to one another; the same paragraph in three documents
    should take one place in the results, not three.
    """
    kept: list[Hit] = []
    seen_hashes: set[str] = set()
    kept_shingles: list[set[int]] = []
    for h in hits:
        if h.chunk.hash in seen_hashes:
            continue
        sh = _shingles(h.chunk.text)
        if any(len(sh & other) / max(1, len(sh | other)) >= threshold for other in kept_shingles):
            continue
        seen_hashes.add(h.chunk.hash)
        kept_shingles.append(sh)
        kept.append(h)
    return kept
