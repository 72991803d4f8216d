"""Incremental, crash-safe ingest of a corpus folder into the catalog, Chroma and the BM25 index.

It streams: a document at a time, so that memory does not grow with the corpus. The order of
writes is what makes a SIGKILL harmless:
1. one catalog write transaction is opened; each new or changed document is parsed and its pages,
   chunks and facts written into it (readers go on seeing the last committed generation);
2. its chunks' vectors go to Chroma a window at a time under content-addressed ids (invisible to
   queries: the catalog does not list them yet; an id that already exists is reused, not embedded
   again), and its tokens to the lexical builder;
3. the new BM25 index is written to a fresh folder;
4. the transaction commits documents, pages, chunks, facts and the new lexical folder at once;
5. vectors and lexical folders nothing refers to any more are swept.
A kill before step 4 rolls the transaction back and leaves the previous index whole; the next run
reuses the vectors step 2 added.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import AssistantError, IngestBusy, IngestError, StoreUnavailable, storage_full
from core.records import Decision, Document
from core.settings import Settings
from core.text import squash
from index.catalog import Catalog, Fact
from index.lexical import LexicalBuilder
from ingest.confirm import confirmed_window
from ingest.corpus import discover
from ingest.decisions import extract_decisions, states_person
from ingest.facts import extract_facts
from ingest.indicators import extract_indicators
from ingest.manifest import declared, described, load_manifest
from ingest.metadata import load_sources
from ingest.parse import PARSER_VERSION, ParsedDocument, embed_text, parse_document
from ingest.pdf import file_sha256
from ingest.people import extract_roles

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
# Texts sorted by length and embedded together: 8 steps of 8 batches (2,048 chunks at the default
# batch of 32) pad about as little as sorting the whole corpus, and hold a few MB.
EMBED_WINDOW_STEPS = 8
MIN_DECISION_QUOTE = 40  # characters: a cut quote shorter than this no longer shows what was decided


@dataclass
class DocReport:
    file: str
    doc_id: str | None
    status: str  # new | updated | unchanged | removed | failed | missing
    pages: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    docs: list[DocReport]
    seconds: float
    generation: int
    embedded: int = 0
    reused: int = 0
    parsed: int = 0  # documents read and parsed (unchanged ones are not)
    # Documents the manifest does not list, which therefore got the default audience.
    unlisted: list[str] = field(default_factory=list)
    default_audience: str = "staff"

    @property
    def failed(self) -> list[DocReport]:
        return [d for d in self.docs if d.status == "failed"]

    @property
    def changed(self) -> bool:
        return any(d.status in ("new", "updated", "removed") for d in self.docs)


def collection_name(settings: Settings, suffix: str = "") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", Path(settings.embedding_model).name.lower()).strip("-")
    return f"{settings.chroma_collection}-{slug}{suffix}"[:60]


def fingerprint(sha256: str, meta: Document, settings: Settings) -> str:
    """Changes when the file, its manifest entry, the parser or the embedding set-up changes."""
    payload = json.dumps(
        [
            sha256,
            described(meta),
            PARSER_VERSION,
            settings.chunk_target_words,
            settings.chunk_max_words,
            settings.embedding_model,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def chroma_metadata(meta: Document, page_start: int, page_end: int) -> dict[str, object]:
    md: dict[str, object] = {
        "doc_id": meta.doc_id,
        "audience": meta.audience,
        "page_start": page_start,
        "page_end": page_end,
    }
    if meta.year:
        md["year"] = meta.year
    if meta.doc_type:
        md["doc_type"] = meta.doc_type
    for council in meta.councils:
        md[council_key(council)] = True
    return md


def council_key(council: str) -> str:
    return "c_" + re.sub(r"[^a-z0-9]+", "_", council.lower()).strip("_")


def _chunk_ids(doc_id: str, texts: list[str], model: str) -> list[str]:
    ids: list[str] = []
    seen: dict[str, int] = {}
    for t in texts:
        h = hashlib.sha1(f"{model}\n{t}".encode()).hexdigest()[:20]
        n = seen.get(h, 0)
        seen[h] = n + 1
        ids.append(f"{doc_id}:{h}" + (f":{n}" if n else ""))
    return ids


def run_ingest(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    rebuild: bool = False,
    prune: bool = False,
    embedder=None,
    vectors=None,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the index in line with the corpus. Bad files are reported, never fatal to the batch."""
    started = time.perf_counter()
    tick = progress or (lambda stage, done, total: None)
    try:
        catalog = Catalog(settings.catalog_path)
        catalog.migrate()
        try:
            return _run(settings, catalog, paths, rebuild, prune, embedder, vectors, tick, started)
        finally:
            catalog.close()
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        raise IngestBusy(
            f"another `assistant ingest` is writing the index in {settings.data_dir}; "
            "run this one again when it has finished"
        ) from exc
    except Exception as exc:
        # Nothing is visible before the catalog's one commit, so a full disk loses nothing: say so.
        full = storage_full(exc, f"the data folder ({settings.data_dir})")
        if full is None:
            raise
        raise full from exc


def _run(settings, catalog, paths, rebuild, prune, embedder, vectors, tick, started) -> IngestReport:
    manifest = load_manifest(settings.manifest_path)
    sources = load_sources(settings.corpus_dir)
    files = discover(settings.corpus_dir, paths)
    indexed = {d.doc_id: d for d in catalog.documents()}
    reports: list[DocReport] = []
    todo: list[tuple[Path, Document, str, str]] = []

    seen_ids: set[str] = set()
    unlisted: list[str] = []
    for f in files:
        try:
            if not f.path.exists():
                raise IngestError(f"{f.relative}: file not found")
            sha = file_sha256(f.path)
        except AssistantError as exc:
            reports.append(DocReport(f.relative, None, "failed", error=exc.message))
            continue
        meta = declared(f.relative, f.doc_id, manifest, sources, settings.default_audience)
        if not meta.in_manifest:
            unlisted.append(f.relative)
        seen_ids.add(meta.doc_id)
        fp = fingerprint(sha, meta, settings)
        old = indexed.get(meta.doc_id)
        if old is not None and old.fingerprint == fp and not rebuild:
            reports.append(DocReport(f.relative, meta.doc_id, "unchanged", old.pages, old.chunks))
            continue
        todo.append((f.path, meta, fp, "updated" if old is not None else "new"))

    removed: list[str] = []
    if prune:
        for doc_id, doc in indexed.items():
            if doc_id not in seen_ids and (not paths or not Path(doc.path).exists()):
                removed.append(doc_id)
                reports.append(DocReport(doc.file, doc_id, "removed", doc.pages, doc.chunks))
    elif not paths:
        for doc_id, doc in indexed.items():
            if doc_id not in seen_ids:
                reports.append(
                    DocReport(
                        doc.file,
                        doc_id,
                        "missing",
                        doc.pages,
                        doc.chunks,
                        warnings=[
                            f"{doc.file}: no longer in the corpus; `assistant ingest --prune` removes it"
                        ],
                    )
                )

    if vectors is None:
        from index.vectors import VectorStore

        vectors = VectorStore(
            settings.chroma_path, settings.chroma_host, settings.chroma_port, settings.chroma_ssl
        )
    old_collection = catalog.meta("collection")
    if not todo and not removed:
        _check_vectors_present(catalog, vectors, old_collection)
        return IngestReport(
            reports,
            time.perf_counter() - started,
            catalog.generation,
            unlisted=unlisted,
            default_audience=settings.default_audience,
        )

    # -- 1 and 2. parse, write and embed a document at a time ------------------------------------
    collection = old_collection or collection_name(settings)
    if rebuild:
        collection = collection_name(settings, f"-g{catalog.generation + 1}")
    crashed_before = catalog.meta("ingest_started") not in (None, "")
    catalog.set_meta("ingest_started", dt.datetime.now(dt.UTC).isoformat())

    old_ids = catalog.chunk_ids()
    before = catalog.reader()  # the committed index, to put back a document the store refuses
    lexical = LexicalBuilder()
    per_doc: dict[str, DocReport] = {}
    try:
        with catalog.writing() as write:
            queue = _EmbedQueue(settings, vectors, collection, embedder, tick)
            replaced = {meta.doc_id for _, meta, _, _ in todo} | set(removed)
            for doc_id, ids, texts in write.searched_texts(d for d in write.doc_ids() if d not in replaced):
                lexical.add(doc_id, ids, texts, kept=True)
            for doc_id in removed:
                write.remove(doc_id)
            for done, (_path, declared_meta, fp, status, doc) in enumerate(_parse_stream(todo, settings)):
                tick("parse", done + 1, len(todo))
                report = _put(doc, declared_meta, fp, status, settings, write, queue, lexical)
                if report.status == "failed":
                    reports.append(report)
                    _keep_old(declared_meta.doc_id, write, lexical)
                else:
                    per_doc[declared_meta.doc_id] = report
            queue.flush()
            # A document the vector store refused is reported like a bad PDF, and its previous
            # version (if any) stays; the others still commit.
            for doc_id, error in queue.failed.items():
                bad = per_doc.pop(doc_id)
                reports.append(DocReport(bad.file, doc_id, "failed", error=error))
                write.restore(doc_id, before)
                _keep_old(doc_id, write, lexical)
            if queue.failed:
                queue.discard_written(set(queue.failed))
            for doc_id, report in per_doc.items():
                report.embedded = queue.embedded_by_doc.get(doc_id, 0)
                report.seconds += queue.seconds_by_doc.get(doc_id, 0.0)

            # -- 3. lexical -------------------------------------------------------------------
            generation = catalog.generation + 1
            lexical_name = f"g{generation}"
            tick("lexical", 0, 1)
            lexical.build().save(settings.lexical_dir / lexical_name)
            tick("lexical", 1, 1)
            del lexical

            # -- 4. commit --------------------------------------------------------------------
            generation = write.commit(
                {
                    "collection": collection,
                    "lexical": lexical_name,
                    "embedding_model": settings.embedding_model,
                    "ingest_started": "",
                }
            )
    finally:
        before.close()
    embedded_total, reused_total = queue.embedded, queue.reused

    # -- 5. sweep -----------------------------------------------------------------------------
    live = catalog.chunk_ids()
    if rebuild or crashed_before or prune:
        stale = [i for i in vectors.all_ids(collection) if i not in live]
    else:
        stale = [i for i in old_ids if i not in live]
    if stale:
        vectors.delete(collection, stale)
    if rebuild and old_collection and old_collection != collection:
        vectors.drop(old_collection)
    for folder in settings.lexical_dir.glob("*"):
        if folder.name != lexical_name:
            shutil.rmtree(folder, ignore_errors=True)

    reports.extend(per_doc.values())
    return IngestReport(
        reports,
        time.perf_counter() - started,
        generation,
        embedded_total,
        reused_total,
        parsed=len(todo),
        unlisted=unlisted,
        default_audience=settings.default_audience,
    )


def _put(
    doc, declared_meta: Document, fp: str, status: str, settings: Settings, write, queue, lexical
) -> DocReport:
    """Write one parsed document to the open catalog transaction, queue its chunks for the vector
    store and hand them to the lexical index. A failure comes back as a failed report."""
    if isinstance(doc, str):
        return DocReport(declared_meta.file, declared_meta.doc_id, "failed", error=doc)
    meta = doc.meta  # with what the pages say: title, date
    try:
        decisions = confirmed_decisions(extract_decisions(meta, doc.pages), doc.second)
        roles = [
            r
            for r in extract_roles(meta, doc.pages)
            if confirmed_window(r.quote, doc.second, r.page) == r.quote
        ]
        indicators = extract_indicators(meta, doc.pages, doc.second)
        facts: list[Fact] = [*extract_facts(meta, doc), *decisions, *roles, *indicators]
    except Exception as exc:  # one document's facts must not cost the batch
        log.exception("facts of %s failed", meta.file)
        return DocReport(meta.file, meta.doc_id, "failed", error=_stage_error(meta, "facts", exc))
    texts = [embed_text(meta, c) for c in doc.chunks]
    ids = _chunk_ids(meta.doc_id, texts, settings.embedding_model)
    write.put(
        _document_row(meta, doc, fp),
        [(meta.doc_id, p.number, p.text) for p in doc.pages],
        [
            chunk.record(cid, meta.doc_id, text)
            for cid, text, chunk in zip(ids, texts, doc.chunks, strict=True)
        ],
        facts,
    )
    lexical.add(meta.doc_id, ids, texts)
    queue.add(
        meta.doc_id,
        [
            (cid, text, chroma_metadata(meta, c.page_start, c.page_end))
            for cid, text, c in zip(ids, texts, doc.chunks, strict=True)
        ],
    )
    return DocReport(
        meta.file,
        meta.doc_id,
        status,
        len(doc.pages),
        len(doc.chunks),
        seconds=doc.seconds,
        warnings=doc.warnings,
    )


def _keep_old(doc_id: str, write, lexical: LexicalBuilder) -> None:
    """A document that failed keeps its previous version, if it had one, in the lexical index too."""
    lexical.discard(doc_id)
    for _, ids, texts in write.searched_texts([doc_id]):
        if ids:
            lexical.add(doc_id, ids, texts, kept=True)


def _check_vectors_present(catalog: Catalog, vectors, collection: str | None) -> None:
    """Nothing changed in the corpus, but is the vector store the one the catalog was built into?
    Pointing ASSISTANT_CHROMA_HOST at a new, empty server would otherwise leave answers searching
    BM25 alone without a word said."""
    if collection is None or not catalog.chunk_ids():
        return
    if vectors.count(collection) == 0:
        raise IngestError(
            f"the vector store at {vectors.where} holds none of the {len(catalog.chunk_ids()):,} indexed "
            "chunks (a new or emptied Chroma?): run `assistant ingest --rebuild` to fill it from the corpus"
        )


def _parse_safe(path: Path, meta: Document, target: int, max_words: int) -> ParsedDocument | str:
    """Parse one document; a failure comes back as its message, so the batch goes on."""
    try:
        return parse_document(path, meta, target, max_words)
    except AssistantError as exc:
        return exc.message
    except Exception as exc:  # an unexpected parser failure is this file's problem only
        log.exception("parsing %s failed", path)
        return f"{path.name}: cannot be parsed ({type(exc).__name__}: {exc})"


def _parse_stream(todo, settings: Settings):
    """Parsed documents in order. Parsing is cheap next to embedding (about 20 ms a page against
    30 ms a chunk); on two cores a parallel parser only takes CPU from the encoder (measured: 65% of
    the encoder's throughput with a worker process, 89% without)."""
    for path, meta, fp, status in todo:
        yield (
            path,
            meta,
            fp,
            status,
            _parse_safe(path, meta, settings.chunk_target_words, settings.chunk_max_words),
        )


class _EmbedQueue:
    """Collects the chunks of the documents as they are parsed and embeds them a window at a time,
    in length-sorted batches.

    Sorting a window of texts by length before batching pads each batch nearly as little as
    sorting the whole corpus would, and the corpus is never held. Vectors that already exist under the same content-addressed id are reused. When the
    vector store refuses a batch, each document in it is tried alone: the ones it still refuses
    are failed (`failed`), the rest go on. A store that is down or a full disk stops the run
    instead, since then every document would fail the same way.
    """

    def __init__(self, settings: Settings, vectors, collection: str, embedder, tick: Progress) -> None:
        self.settings = settings
        self.vectors = vectors
        self.collection = collection
        self.embedder = embedder
        self.tick = tick
        self.step = max(settings.embedding_batch_size * 8, 64)
        self.window = self.step * EMBED_WINDOW_STEPS
        self.buffer: list[tuple[str, str, str, dict]] = []  # doc_id, chunk id, text, metadata
        self.embedded = self.reused = 0
        self.embedded_by_doc: dict[str, int] = {}
        self.seconds_by_doc: dict[str, float] = {}
        self.failed: dict[str, str] = {}  # doc_id -> why the vector store refused it
        self.written: dict[str, list[str]] = {}  # doc_id -> chunk ids upserted in this run

    def add(self, doc_id: str, items: list[tuple[str, str, dict]]) -> None:
        if not items:
            return
        try:
            existing = self.vectors.existing(self.collection, [i[0] for i in items])
            reuse = [i for i in items if i[0] in existing]
            if reuse:
                self.vectors.update_metadata(self.collection, [i[0] for i in reuse], [i[2] for i in reuse])
                self.reused += len(reuse)
        except Exception as exc:
            self._refused(doc_id, exc)
            return
        self.buffer.extend((doc_id, *i) for i in items if i[0] not in existing)
        if len(self.buffer) >= self.window:
            self.flush()

    def flush(self) -> None:
        self.buffer.sort(key=lambda i: len(i[2]))
        while self.buffer:
            self._embed(self.step)

    def discard_written(self, doc_ids: set[str]) -> None:
        """Take back the vectors of documents that failed after some of their chunks were stored."""
        ids = [cid for d in doc_ids for cid in self.written.get(d, [])]
        if ids:
            with contextlib.suppress(Exception):  # orphans are swept by the next --rebuild anyway
                self.vectors.delete(self.collection, ids)

    def _refused(self, doc_id: str, exc: Exception) -> None:
        if isinstance(exc, StoreUnavailable) or storage_full(exc, "") is not None:
            raise exc
        log.warning("the vector store refused %s: %s", doc_id, exc)
        self.failed[doc_id] = (
            f"{doc_id}: the vector store refused its chunks ({type(exc).__name__}: {exc}); "
            "the other documents were indexed"
        )

    def _embed(self, n: int) -> None:
        batch, self.buffer = self.buffer[:n], self.buffer[n:]
        batch = [b for b in batch if b[0] not in self.failed]
        if not batch:
            return
        if self.embedder is None:
            from index.embed import get_embedder

            s = self.settings
            self.embedder = get_embedder(s.embedding_model, s.embedding_device, s.embedding_batch_size)
        started = time.perf_counter()
        vecs = self.embedder.embed_documents([b[2] for b in batch])
        try:
            self._store(batch, vecs)
        except Exception as exc:
            self._refused_batch(batch, vecs, exc)
        per_chunk = (time.perf_counter() - started) / len(batch)
        for b in batch:
            if b[0] in self.failed:
                continue
            self.embedded_by_doc[b[0]] = self.embedded_by_doc.get(b[0], 0) + 1
            self.seconds_by_doc[b[0]] = self.seconds_by_doc.get(b[0], 0.0) + per_chunk
            self.embedded += 1
        self.tick("embed", self.embedded, self.embedded + len(self.buffer))

    def _store(self, batch: list[tuple[str, str, str, dict]], vecs) -> None:
        self.vectors.upsert(self.collection, [b[1] for b in batch], vecs, [b[3] for b in batch])
        for b in batch:
            self.written.setdefault(b[0], []).append(b[1])

    def _refused_batch(self, batch: list[tuple[str, str, str, dict]], vecs, exc: Exception) -> None:
        """Find which documents of a refused batch the store refuses, one document at a time."""
        if isinstance(exc, StoreUnavailable) or storage_full(exc, "") is not None:
            raise exc
        for doc_id in dict.fromkeys(b[0] for b in batch):
            rows = [i for i, b in enumerate(batch) if b[0] == doc_id]
            try:
                self._store([batch[i] for i in rows], vecs[rows])
            except Exception as one:
                self._refused(doc_id, one)


def confirmed_decisions(decisions: list[Decision], second: dict[int, str] | None) -> list[Decision]:
    """Decisions are quoted as answers in their own right, so each quote is cut to what the second
    reader finds on the page too; a tally, mover or seconder that no confirmed quote shows is
    dropped rather than stated without its source."""
    out = []
    for d in decisions:
        quote = confirmed_window(d.quote, second, d.page)
        if quote is None or len(quote) < MIN_DECISION_QUOTE:
            continue
        counted = None
        if d.vote_quote is not None and d.vote_page is not None:
            counted = confirmed_window(d.vote_quote, second, d.vote_page)
        tally = [str(n) for n in (d.votes_for, d.votes_against, d.abstentions) if n is not None]
        counted = counted if counted and tally and tally[0] in squash(counted) else None
        if counted and all(
            re.search(rf"\b{label}\W{{0,3}}{n}\b", quote, re.I)
            for label, n in (("For", d.votes_for), ("Against", d.votes_against), ("Abstain", d.abstentions))
            if n is not None
        ):
            counted = None  # the decision's own confirmed quote shows the whole count ("For (41)" ...)
        if quote != d.quote or counted != d.vote_quote:
            shows = squash(f"{quote} {counted or ''}")  # a count may run over two pages
            shown = all(n in shows for n in tally)
            d = dataclasses.replace(
                d,
                quote=quote,
                votes_for=d.votes_for if shown else None,
                votes_against=d.votes_against if shown else None,
                abstentions=d.abstentions if shown else None,
                vote_quote=counted,
                vote_page=d.vote_page if counted else None,
            )
        moved = None
        if d.mover_quote is not None and d.mover_page is not None:
            moved = confirmed_window(d.mover_quote, second, d.mover_page)
        # A mover or seconder is kept only where a confirmed quote says they moved or seconded.
        said = [q for q in (d.quote, moved) if q]
        d = dataclasses.replace(
            d,
            mover=d.mover if d.mover and any(states_person(q, d.mover) for q in said) else None,
            seconder=d.seconder if d.seconder and any(states_person(q, d.seconder) for q in said) else None,
            mover_quote=moved if moved and d.mover and not states_person(d.quote, d.mover) else None,
        )
        if d.mover_quote is None:
            d = dataclasses.replace(d, mover_page=None)
        out.append(d)
    return out


def _stage_error(meta: Document, stage: str, exc: Exception) -> str:
    return f"{meta.file}: failed while extracting {stage} ({type(exc).__name__}: {exc}); the other documents were indexed"


def _document_row(meta: Document, doc: ParsedDocument, fp: str) -> Document:
    return dataclasses.replace(
        meta,
        path=str(doc.path.resolve()),
        fingerprint=fp,
        sha256=doc.sha256,
        pages=len(doc.pages),
        chunks=len(doc.chunks),
        units_dropped=doc.units_dropped,
        warnings=tuple(doc.warnings),
        ingested_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        seconds=round(doc.seconds, 3),
    )
