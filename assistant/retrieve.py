"""Hybrid retrieval: dense (Chroma) and lexical (BM25) search, fused, filtered and de-duplicated.

The live set of chunks is whatever the catalog lists at its current generation. The retriever keeps
in memory only what ranking and filters need: the chunk ids as one array, each chunk's document
number, the documents, and BM25 memory-mapped. The text, units and tables of a chunk are read from
the catalog's SQLite by id when it is a top hit (`CatalogReader`, through a bounded cache), so a
process's memory barely grows with the index. The retriever reloads when an ingest commits a new
generation, so API processes pick up new documents without a restart and never see a half-written
one: the reader of a generation reads that generation only, and a vector Chroma returns that the
catalog does not list is simply not a result.

Filters and audiences become one boolean mask over the chunks. BM25 applies it directly; for the
dense side a mask that keeps many chunks is applied after an over-fetch, and for a selective one
the allowed chunks' vectors are read by id and scored exactly (`exact_limit`). Chroma's metadata
filter is not used: 25 ms at 10k chunks and 40-300 ms at 300k, against 1 ms for its plain top-k.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from assistant.models import Filters
from core.councils import gazetteer
from core.errors import IndexNotReady
from core.records import Chunk, Decision, Document, Indicator, Role, TableRow, table_rows
from index.catalog import Catalog, CatalogReader
from index.lexical import LexicalIndex, id_array, id_strings

log = logging.getLogger(__name__)
T = TypeVar("T")

# Fusion, measured on the dev suite's gold evidence (evals/README.md): a convex combination of
# min-max normalised scores, 35% dense and 65% BM25, found the gold chunk in the top 8 for 95% of
# questions (MRR 0.84), against 94% (MRR 0.73) for reciprocal rank fusion at k=60. RRF lets a chunk
# that is middling in both lists outrank one that is first in one list and missing from the other.
RRF_K = 60
DENSE_WEIGHT = 0.35
# Fused candidates read from the catalog at a time while near-duplicates are dropped: the top `k`
# and as many again, so that one query almost always fetches all it keeps (a search keeps 8-12).
FETCH_MARGIN = 2
# Document masks kept per generation: a question builds two or three (the caller's documents, those it
# names); 64 cover the questions in flight on a busy process.
DOC_MASKS_KEPT = 64
# Chunk masks kept per generation (one byte a chunk: 300 KB each at 300k chunks, 5 MB for 16).
CHUNK_MASKS_KEPT = 16
# Dense search under a filter (evals/bench/scale.py's index, 300k chunks, 2 CPUs): Chroma's top-n
# costs about 0.003 ms a result past a fixed 1 ms (top 5,000: 16 ms), reading stored vectors by id
# about 0.021 ms a vector (2,000: 42 ms), and a metadata `where` 40-300 ms. An over-fetch must go
# `pool × chunks / allowed` deep to hold `pool` allowed chunks, a read costs `allowed`: reading is
# cheaper below allowed = sqrt(pool × chunks × QUERY_MS_PER_RESULT / READ_MS_PER_VECTOR).
QUERY_MS_PER_RESULT = 0.003
READ_MS_PER_VECTOR = 0.021


def unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1, in float32 (a zero row stays zero)."""
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0).astype(np.float32)


def exact_limit(chunks: int, pool: int) -> int:
    """Up to how many allowed chunks dense search reads their vectors instead of over-fetching."""
    return int((pool * chunks * QUERY_MS_PER_RESULT / READ_MS_PER_VECTOR) ** 0.5)


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
class TableRows:
    """The table rows of one generation (built from the figures once per load), with their document
    numbers, an index from each word of a row label to the rows that use it, and one from each
    figure to the tables that hold it, so that the table tools look only at rows a question can
    name, or at tables holding a figure it states, instead of every row of the index."""

    rows: list[TableRow]
    doc_index: np.ndarray  # row -> document number
    by_word: dict[str, np.ndarray]  # label word -> row positions, ascending
    table_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # row -> table
    by_value: dict[float, frozenset[int]] = field(default_factory=dict)  # figure -> tables holding it
    # row -> its label's number in `labels`: a test of labels reads each distinct label once
    label_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    labels: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        rows: list[TableRow],
        doc_number: dict[str, int],
        label_words: Callable[[str], frozenset[str]],
        cell_value: Callable[[str], float | None] = lambda cell: None,
    ) -> TableRows:
        postings: dict[str, list[int]] = {}
        tables: dict[tuple[str, str], int] = {}
        values: dict[float, set[int]] = {}
        labels: dict[str, int] = {}
        table_index = np.zeros(len(rows), dtype=np.int32)
        label_index = np.zeros(len(rows), dtype=np.int32)
        for i, r in enumerate(rows):
            label_index[i] = labels.setdefault(r.label, len(labels))
            for w in label_words(r.label):
                postings.setdefault(w, []).append(i)
            table = table_index[i] = tables.setdefault((r.doc.doc_id, r.table_id), len(tables))
            for cell in r.cells.values():
                value = cell_value(cell)
                if value is not None:
                    values.setdefault(value, set()).add(table)
        return cls(
            rows,
            np.array([doc_number[r.doc.doc_id] for r in rows], dtype=np.int32),
            {w: np.array(ps, dtype=np.int32) for w, ps in postings.items()},
            table_index,
            {v: frozenset(ts) for v, ts in values.items()},
            label_index,
            list(labels),
        )

    def holding(self, doc_mask: np.ndarray, values: Iterable[float]) -> list[TableRow]:
        """Every row, in order, of the tables of the documents `doc_mask` keeps that hold one of
        `values` in some cell."""
        tables = [t for v in set(values) for t in self.by_value.get(v, ())]
        if not tables:
            return []
        keep = np.flatnonzero(np.isin(self.table_index, tables) & doc_mask[self.doc_index])
        return [self.rows[i] for i in keep.tolist()]

    def select(
        self,
        doc_mask: np.ndarray,
        words: Iterable[str] | None = None,
        keep_label: Callable[[str], bool] | None = None,
    ) -> list[TableRow]:
        """The rows of the documents `doc_mask` keeps, in their order; with `words`, only the rows
        whose label uses one of them; with `keep_label`, only those whose label passes it (asked
        once per distinct label)."""
        if words is None:
            if not len(self.rows) or (doc_mask.all() and keep_label is None):
                return list(self.rows)
            keep = np.flatnonzero(doc_mask[self.doc_index])
        else:
            found = [self.by_word[w] for w in set(words) if w in self.by_word]
            if not found:
                return []
            keep = np.unique(np.concatenate(found))
            keep = keep[doc_mask[self.doc_index[keep]]]
        if keep_label is not None and len(keep):
            distinct = np.unique(self.label_index[keep])
            passing = [n for n in distinct.tolist() if keep_label(self.labels[n])]
            keep = keep[np.isin(self.label_index[keep], passing)]
        return [self.rows[i] for i in keep.tolist()]


class Later(Generic[T]):
    """A value built in a background thread; reading it waits until it is there. The table rows of a
    generation (1-2 s to build at 300k chunks) are built this way, so a new generation answers
    everything else at once and only a table question waits for them."""

    def __init__(self, build: Callable[[], T] | None = None, value: T | None = None) -> None:
        self._value = value
        self._error: BaseException | None = None
        self._done = threading.Event()
        if build is None:
            self._done.set()
        else:
            threading.Thread(target=self._run, args=(build,), name="index-later", daemon=True).start()

    def _run(self, build: Callable[[], T]) -> None:
        try:
            self._value = build()
        except BaseException as exc:  # re-raised to whoever reads the value
            self._error = exc
        finally:
            self._done.set()

    def get(self) -> T | None:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value


@dataclass
class RetrievalState:
    """One generation of the index as the retriever ranks it.

    Chunks are numbered by their place in `ids`: the BM25 index's order, then any chunk the catalog
    lists that BM25 lacks. A chunk the BM25 index holds but the catalog does not list (or whose
    document it does not) has document number -1 and is never a result.
    """

    generation: int
    collection: str | None
    docs: dict[str, Document]
    reader: CatalogReader
    ids: np.ndarray  # chunk number -> chunk id (UTF-8 bytes)
    order: np.ndarray  # chunk numbers sorted by id, to find a chunk by id
    doc_index: np.ndarray  # chunk number -> document number, -1 when not listed
    hashes: np.ndarray  # chunk number -> hash of its text (UTF-8 bytes), to skip copies unread
    lexical: LexicalIndex
    lex_pos: np.ndarray  # lexical position -> chunk number, -1 when not listed
    doc_ids: list[str] = field(default_factory=list)
    tables: Later[TableRows] = field(default_factory=Later)  # table cells as table rows, for the tools
    decisions: list[Decision] = field(default_factory=list)  # from minutes and records of decision
    roles: list[Role] = field(default_factory=list)  # people named with their roles
    indicators: list[Indicator] = field(default_factory=list)  # performance indicators and ratings
    # The state as callers of fewer audiences see it, built on first use (`for_audiences`).
    views: dict[frozenset[str], RetrievalState] = field(default_factory=dict, repr=False)
    views_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Document and chunk masks kept per set of documents, under a lock of their own (building a
    # view, under `views_lock`, asks for masks).
    masks_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    masks: OrderedDict[frozenset[str], np.ndarray] = field(default_factory=OrderedDict, repr=False)
    chunk_masks: OrderedDict[frozenset[str], np.ndarray] = field(default_factory=OrderedDict, repr=False)
    # Derived once per state: the listed chunks, their count, whether BM25 lists only those.
    listed: np.ndarray = field(init=False, repr=False)
    size: int = field(init=False)
    lex_all_listed: bool = field(init=False, repr=False)
    readable: dict[frozenset[str] | None, frozenset[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.listed = self.doc_index >= 0
        self.size = int(self.listed.sum())
        self.lex_all_listed = bool(len(self.lex_pos) == self.size and (self.lex_pos >= 0).all())
        self.readable = {}

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
        """BM25 and statistics rebuilt over the readable documents' chunks, read from the catalog,
        in the order of the whole index's BM25 (so ties break the same way)."""
        keep_doc = self.doc_mask(doc_ids)
        listed = self.lex_pos >= 0
        pos = self.lex_pos[listed]
        pos = pos[keep_doc[self.doc_index[pos]]]
        ids = id_strings(self.ids[pos])
        restricted = LexicalIndex.build(ids, self.reader.embed_texts(ids))
        log.info("corpus statistics for %d of %d documents built", len(doc_ids), len(self.docs))
        return replace(
            self,
            lexical=restricted,
            lex_pos=pos.astype(np.int64),
            views={},
            views_lock=threading.Lock(),
            masks_lock=threading.Lock(),
            masks=OrderedDict(),
            chunk_masks=OrderedDict(),
        )

    # -- documents and chunks --------------------------------------------------------------

    def doc_mask(self, doc_ids: set[str] | frozenset[str]) -> np.ndarray:
        """Document number -> whether it is one of `doc_ids`. A question asks for the same few sets
        (what the caller may read, what it names) several times, so the last few are kept."""
        key = frozenset(doc_ids)
        return self._kept_mask(
            self.masks,
            key,
            DOC_MASKS_KEPT,
            lambda: np.fromiter((d in key for d in self.doc_ids), dtype=bool, count=len(self.doc_ids)),
        )

    def chunk_mask(self, doc_ids: set[str] | frozenset[str]) -> np.ndarray:
        """Chunk number -> whether it is a listed chunk of one of `doc_ids`; the last few kept, as
        `doc_mask`'s (a question searches the same documents several times)."""
        key = frozenset(doc_ids)

        def build() -> np.ndarray:
            allowed = np.append(self.doc_mask(key), False)  # document number -1: not listed
            return allowed[self.doc_index] if len(self.doc_index) else np.zeros(0, dtype=bool)

        return self._kept_mask(self.chunk_masks, key, CHUNK_MASKS_KEPT, build)

    def _kept_mask(
        self,
        kept: OrderedDict[frozenset[str], np.ndarray],
        key: frozenset[str],
        limit: int,
        build: Callable[[], np.ndarray],
    ) -> np.ndarray:
        """The mask kept under `key`, else `build`'s, kept read-only (callers share it) among the
        last `limit`."""
        with self.masks_lock:
            mask = kept.get(key)
            if mask is not None:
                kept.move_to_end(key)
                return mask
        mask = build()
        mask.flags.writeable = False
        with self.masks_lock:
            kept[key] = mask
            while len(kept) > limit:
                kept.popitem(last=False)
        return mask

    def position(self, chunk_id: str) -> int | None:
        """The chunk number of a listed chunk, None for an id this generation does not list."""
        found = self.positions([chunk_id])
        return int(found[0]) if found[0] >= 0 else None

    def positions(self, chunk_ids: list[str]) -> np.ndarray:
        """Chunk numbers of `chunk_ids` (-1 for an id this generation does not list)."""
        if not chunk_ids or not len(self.ids):
            return np.full(len(chunk_ids), -1, dtype=np.int64)
        keys = id_array(chunk_ids)
        at = np.searchsorted(self.ids, keys, sorter=self.order)
        at = np.minimum(at, len(self.order) - 1)
        pos = self.order[at]
        return np.where((self.ids[pos] == keys) & self.listed[pos], pos, -1)

    def chunk_id(self, i: int) -> str:
        return bytes(self.ids[i]).decode()

    def hit(self, i: int, score: float = 0.0) -> Hit:
        [hit] = self.hits([i], [score])
        return hit

    def hits(self, positions: list[int], scores: list[float] | None = None) -> list[Hit]:
        """Hits of these chunk numbers, their chunks read from the catalog in one query."""
        ids = [self.chunk_id(i) for i in positions]
        chunks = self.reader.chunks(ids)
        out = []
        for n, cid in enumerate(ids):
            chunk = chunks.get(cid)
            if chunk is None:
                raise IndexNotReady(f"chunk {cid} is listed but cannot be read from the catalog")
            out.append(Hit(chunk, self.docs[chunk.doc_id], scores[n] if scores else 0.0))
        return out

    def chunks_of(self, doc_id: str) -> Iterator[Chunk]:
        """A listed document's chunks in order, read from the catalog."""
        return self.reader.chunks_of(doc_id) if doc_id in self.docs else iter(())

    def chunk_at(self, doc_id: str, seq: int) -> Chunk | None:
        return self.reader.chunk_at(doc_id, seq) if doc_id in self.docs else None

    def doc_of(self, chunk: Chunk) -> Document:
        return self.docs[chunk.doc_id]

    # -- table rows ------------------------------------------------------------------------

    def rows_in(self, allowed: set[str] | frozenset[str]) -> list[TableRow]:
        """Every table row of the allowed documents."""
        tables = self.tables.get()
        return tables.select(self.doc_mask(allowed)) if tables else []

    def rows_holding(self, allowed: set[str] | frozenset[str], values: Iterable[float]) -> list[TableRow]:
        """The rows of the allowed documents' tables that hold one of `values`, in `rows_in` order:
        what a check of a stated total reads."""
        tables = self.tables.get()
        return tables.holding(self.doc_mask(allowed), values) if tables else []

    def rows_naming(
        self,
        allowed: set[str] | frozenset[str],
        words: Iterable[str],
        keep_label: Callable[[str], bool] | None = None,
    ) -> list[TableRow]:
        """The table rows of the allowed documents whose label uses one of `words` (and passes
        `keep_label`), in the order `rows_in` gives them: what the table tools that need a row
        named by the question read."""
        tables = self.tables.get()
        return tables.select(self.doc_mask(allowed), words, keep_label) if tables else []


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
            return self.state.size > 0
        except IndexNotReady:
            return False

    def refresh(self) -> None:
        """Load the catalog's current generation when it is new. A caller that finds another
        thread loading it goes on with the previous generation, so answering never pauses for a
        swap; the first caller to see a new generation loads it and reads it."""
        generation = self.catalog.generation
        if self._state is not None and self._state.generation == generation:
            return
        if generation == 0:
            return
        if not self._lock.acquire(blocking=self._state is None):
            return  # another thread is loading the new generation: answer from the one we have
        try:
            if self._state is None or self._state.generation != generation:
                self._state = self._load()
        finally:
            self._lock.release()

    def _load(self) -> RetrievalState:
        from assistant.answer.tables import cell_value, label_words  # the answer package imports this module

        self.catalog.require_current()
        reader = self.catalog.reader()
        generation = reader.generation
        lexical_name = reader.meta("lexical")
        collection = reader.meta("collection")
        docs = {d.doc_id: d for d in reader.documents()}
        lexical = (
            LexicalIndex.load(self.lexical_dir / lexical_name) if lexical_name else LexicalIndex.build([], [])
        )
        doc_ids = list(docs)
        doc_number = {d: i for i, d in enumerate(doc_ids)}
        keys = reader.chunk_keys()
        listed_ids = id_array([k[0] for k in keys])
        listed_docs = np.array([doc_number.get(k[1], -1) for k in keys], dtype=np.int32)
        listed_hashes = id_array([k[2] for k in keys])
        del keys
        # Chunk numbers: BM25's order first, then the listed chunks BM25 lacks.
        n_lex = lexical.size
        lex_order = np.argsort(lexical.ids, kind="stable")
        if n_lex:
            at = np.minimum(np.searchsorted(lexical.ids, listed_ids, sorter=lex_order), n_lex - 1)
            number = lex_order[at]
            in_lex = lexical.ids[number] == listed_ids
        else:
            number = np.zeros(len(listed_ids), dtype=np.int64)
            in_lex = np.zeros(len(listed_ids), dtype=bool)
        extra = listed_ids[~in_lex]
        ids = np.concatenate([lexical.ids, extra]) if len(extra) else lexical.ids
        order = np.argsort(ids, kind="stable") if len(extra) else lex_order
        doc_index = np.full(len(ids), -1, dtype=np.int32)
        doc_index[number[in_lex]] = listed_docs[in_lex]
        doc_index[n_lex:] = listed_docs[~in_lex]
        hashes = np.zeros(len(ids), dtype=listed_hashes.dtype)
        hashes[number[in_lex]] = listed_hashes[in_lex]
        hashes[n_lex:] = listed_hashes[~in_lex]
        lex_pos = np.where(doc_index[:n_lex] >= 0, np.arange(n_lex), -1).astype(np.int64)
        # before the table rows' thread reads
        decisions, roles, indicators = reader.decisions(), reader.roles(), reader.indicators()
        state = RetrievalState(
            generation=generation,
            collection=collection,
            docs=docs,
            reader=reader,
            ids=ids,
            order=order,
            doc_index=doc_index,
            hashes=hashes,
            lexical=lexical,
            lex_pos=lex_pos,
            doc_ids=doc_ids,
            tables=Later(
                lambda: TableRows.build(
                    table_rows(reader.figures(), docs), doc_number, label_words, cell_value
                )
            ),
            decisions=decisions,
            roles=roles,
            indicators=indicators,
        )
        log.info("index generation %s loaded: %d documents, %d chunks", generation, len(docs), state.size)
        return state

    # -- filters ------------------------------------------------------------------------------

    def allowed_docs(
        self, filters: Filters | None, audiences: frozenset[str] | set[str] | None
    ) -> frozenset[str]:
        """The documents a caller may see and has asked for. Frozen: the common answer is one set
        kept per state and audience, handed out as it is rather than copied per question."""
        state = self.state
        if filters is None:  # the common case, asked several times a question: kept per state
            key = frozenset(audiences) if audiences is not None else None
            readable = state.readable.get(key)
            if readable is None:
                readable = state.readable[key] = frozenset(
                    d.doc_id for d in state.docs.values() if audiences is None or d.audience in audiences
                )
            return readable
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
        return frozenset(out)

    def chunk_mask(self, docs: set[str] | frozenset[str]) -> np.ndarray:
        """Chunk number -> whether it is a listed chunk of one of `docs`."""
        state = self.state
        if len(docs) == len(state.docs) and state.docs.keys() == docs:  # a set comparison, in C
            return state.listed
        return state.chunk_mask(docs)

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
        docs: set[str] | frozenset[str] | None = None,
        pool: int = 40,
    ) -> list[Hit]:
        """The best `k` chunks for `query` among the allowed documents, best first."""
        state = self.state
        allowed_docs = self.allowed_docs(filters, audiences)
        if docs is not None:
            allowed_docs = allowed_docs & docs
        if not allowed_docs or not state.size:
            return []
        mask = self.chunk_mask(allowed_docs)
        dense = self._dense(query, mask, allowed_docs, pool)
        if mask is state.listed and state.lex_all_listed:
            allowed = None  # every chunk BM25 holds is allowed: the same scores without a mask
        elif state.lex_all_listed:
            allowed = mask[: state.lexical.size]  # chunk numbers begin with BM25's own order
        else:
            lex_mask = np.where(state.lex_pos >= 0, mask[np.clip(state.lex_pos, 0, None)], False)
            allowed = lex_mask.astype(np.int8)
        lexical = [
            (int(state.lex_pos[p]), score)
            for p, score in state.lexical.search_positions(query, pool, allowed=allowed)
            if state.lex_pos[p] >= 0
        ]
        return self._fuse(dense, lexical, k)

    def _dense(
        self, query: str, mask: np.ndarray, allowed_docs: set[str] | frozenset[str], pool: int
    ) -> list[tuple[int, float]]:
        state = self.state
        if state.collection is None:
            return []
        vector = self.embed_query(query)
        allowed = int(mask.sum())
        if allowed <= exact_limit(state.size, pool):
            # Few chunks allowed: their vectors, scored exactly, cost less than an over-fetch deep
            # enough to find them (and far less than Chroma's metadata filter, 40-300 ms at 300k).
            found = self.exact_dense(vector, mask, pool)
        else:
            # Most of the index allowed: over-fetch without a filter, enough to hold `pool` allowed.
            n = min(state.size, int(pool * state.size / allowed) + 8)
            found = self.vectors.query(state.collection, vector, n)
        positions = state.positions([cid for cid, _ in found])
        out = [(int(i), sim) for (_, sim), i in zip(found, positions, strict=True) if i >= 0 and mask[i]]
        return out[:pool]

    def exact_dense(self, vector: np.ndarray, mask: np.ndarray, pool: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the `pool` chunks of `mask` nearest `vector`, best first,
        from their stored vectors read by id: exact where Chroma's search is approximate."""
        state = self.state
        ids = id_strings(state.ids[np.flatnonzero(mask)])
        found_ids, vecs = self.vectors.vectors(state.collection, ids)
        if not found_ids:
            return []
        sims = unit(vecs) @ unit(vector[None, :])[0]  # cosine, as Chroma's space computes it
        top = np.argsort(-sims, kind="stable")[:pool]
        return [(found_ids[i], float(sims[i])) for i in top]

    def _fuse(self, dense: list[tuple[int, float]], lexical: list[tuple[int, float]], k: int) -> list[Hit]:
        """The best `k` of both lists by fused score, near-duplicates dropped. Scores are fused on
        chunk numbers; only the chunks read while dropping duplicates are read from the catalog."""
        state = self.state
        fused: dict[int, _Fused] = {}
        for rank, (i, sim) in enumerate(dense):
            f = fused.setdefault(i, _Fused())
            f.dense, f.dense_rank = sim, rank
        for rank, (i, score) in enumerate(lexical):
            f = fused.setdefault(i, _Fused())
            f.lexical, f.lexical_rank = score, rank
        if self.fusion == "rrf":
            for f in fused.values():
                f.score = sum(
                    1.0 / (self.rrf_k + r + 1) for r in (f.dense_rank, f.lexical_rank) if r is not None
                )
        else:  # convex combination of min-max normalised scores
            d_scale = _MinMax.of([s for _, s in dense])
            l_scale = _MinMax.of([s for _, s in lexical])
            for f in fused.values():
                d = d_scale(f.dense)
                lx = l_scale(f.lexical)
                f.score = self.dense_weight * d + (1 - self.dense_weight) * lx
        ordered = sorted(fused.items(), key=lambda e: -e[1].score)
        # A chunk with the same text as a better one (a copy of the paragraph in another paper) is
        # dropped by `collapse_duplicates` whatever happened to that one: same hash, same text, same
        # verdict. Leaving it out unread changes nothing and saves reading it.
        seen: set[bytes] = set()
        firsts = []
        for i, f in ordered:
            h = state.hashes[i]
            if h not in seen:
                seen.add(h)
                firsts.append((i, f))
        ordered = firsts

        def hits() -> Iterator[Hit]:
            step = max(1, k * FETCH_MARGIN)
            for start in range(0, len(ordered), step):
                part = ordered[start : start + step]
                for (_, f), h in zip(part, state.hits([i for i, _ in part]), strict=True):
                    h.score, h.dense, h.dense_rank = f.score, f.dense, f.dense_rank
                    h.lexical, h.lexical_rank = f.lexical, f.lexical_rank
                    yield h

        return collapse_duplicates(hits(), limit=k)

    def neighbour(self, chunk: Chunk, offset: int) -> Chunk | None:
        return self.state.chunk_at(chunk.doc_id, chunk.seq + offset)


@dataclass(frozen=True)
class _MinMax:
    """A list's scores scaled to 0-1 by its lowest and highest. Where every score is the same (one
    BM25 hit: a word only one chunk uses) each is the best of its list, so it scales to 1, not to
    the 0 that would leave the only chunk holding the question's rarest word to its dense score."""

    lo: float
    hi: float

    @classmethod
    def of(cls, values: list[float]) -> _MinMax:
        return cls(min(values), max(values)) if values else cls(0.0, 1.0)

    def __call__(self, value: float | None) -> float:
        if value is None:
            return 0.0
        return (value - self.lo) / (self.hi - self.lo) if self.hi > self.lo else 1.0


@dataclass
class _Fused:
    """A chunk's scores in the dense and lexical lists, and their fusion."""

    score: float = 0.0
    dense: float | None = None
    lexical: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None


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


def collapse_duplicates(hits: Iterable[Hit], threshold: float = 0.85, limit: int | None = None) -> list[Hit]:
    """Drop hits whose text is the same as, or nearly the same as, a better hit's; with `limit`,
    stop once that many are kept (the same first hits, without reading the rest).

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
        if limit is not None and len(kept) >= limit:
            break
    return kept
