"""The catalog: which documents, pages and chunks are live, in one SQLite file under the data folder.

It is the source of truth for what the index holds. Vectors in Chroma are addressed by content and
only become visible to queries once the catalog lists their chunk ids; an ingest commits every
document, chunk, fact and the new lexical index in one transaction. A crash at any point before
that commit leaves the previous index whole, and the vectors it added are reused or swept next time.
WAL mode lets API processes read while an ingest writes.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import IndexNotReady
from core.records import Chunk, Decision, Document, Figure, Indicator, Role, Target

# Chunks a reader keeps parsed. A question reads the text, units and tables of a few dozen chunks
# (the top hits of two or three searches and their neighbours); 4,096 hold the hits of the last
# hundred or so questions at about 3 KB each (12 MB), whatever the size of the index.
CHUNK_CACHE = 4096
# Page cache of an ingest's write transaction, in KB (SQLite's default is 2 MB).
INGEST_CACHE_KB = 32 * 1024
# Ids per `IN (...)` query: well under SQLite's default limit of 32,766 host parameters.
IDS_PER_QUERY = 500

# Bump when the tables change. The catalog is derived data: `assistant ingest` rebuilds it from the
# corpus (reusing vectors by content address); readers refuse an outdated one with a clear message.
SCHEMA_VERSION = "4"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    year INTEGER,
    author TEXT,
    doc_type TEXT,
    councils TEXT NOT NULL,
    audience TEXT NOT NULL,
    programme TEXT,
    committee TEXT,
    meeting_date TEXT,
    category TEXT,
    source_url TEXT,
    fingerprint TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pages INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    units_dropped INTEGER NOT NULL DEFAULT 0,
    warnings TEXT NOT NULL DEFAULT '[]',
    ingested_at TEXT NOT NULL,
    seconds REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_id, page)
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    embed_text TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    section TEXT,
    heading TEXT,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    spans TEXT NOT NULL,
    kind TEXT NOT NULL,
    hash TEXT NOT NULL,
    units TEXT NOT NULL,
    tables TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id, seq);
-- What a retriever keeps in memory, read without touching the chunks' text (2.1 s -> 0.5 s at 300k).
CREATE INDEX IF NOT EXISTS chunks_keys ON chunks (id, doc_id, hash);
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_doc ON facts (doc_id, kind);
-- One kind of fact (the decisions, the roles) without reading every table cell of the index.
CREATE INDEX IF NOT EXISTS facts_kind ON facts (kind, id);
"""


_DOCUMENT_COLUMNS = (
    "doc_id",
    "file",
    "path",
    "title",
    "date",
    "author",
    "doc_type",
    "councils",
    "audience",
    "programme",
    "committee",
    "meeting_date",
    "category",
    "source_url",
    "fingerprint",
    "sha256",
    "pages",
    "chunks",
    "units_dropped",
    "warnings",
    "ingested_at",
    "seconds",
)
_CHUNK_JSON = ("spans", "units", "tables")
Fact = Figure | Target | Decision | Role | Indicator
_FACT_KINDS: dict[str, type[Fact]] = {
    "figure": Figure,
    "target": Target,
    "decision": Decision,
    "role": Role,
    "indicator": Indicator,
}
_KIND_OF: dict[type, str] = {record: kind for kind, record in _FACT_KINDS.items()}


def _document(row: sqlite3.Row) -> Document:
    d = {k: row[k] for k in _DOCUMENT_COLUMNS}
    d["councils"] = json.loads(d["councils"])
    d["warnings"] = json.loads(d["warnings"])
    return Document.from_dict(d)


def _document_values(doc: Document) -> tuple:
    d = doc.to_dict()
    d["councils"] = json.dumps(d["councils"])
    d["warnings"] = json.dumps(d["warnings"])
    return (*(d[k] for k in _DOCUMENT_COLUMNS), doc.year)


def _chunk(row: sqlite3.Row) -> Chunk:
    d = dict(row)
    for key in _CHUNK_JSON:
        d[key] = json.loads(d[key])
    return Chunk.from_dict(d)


def _chunk_values(chunk: Chunk) -> dict[str, object]:
    d = chunk.to_dict()
    for key in _CHUNK_JSON:
        d[key] = json.dumps(d[key])
    return d


def _fact_kind(fact: Fact) -> str:
    return _KIND_OF[type(fact)]


def _fact_data(fact: Fact) -> dict[str, object]:
    """A fact's fields but the ones its row holds in columns of their own."""
    return {k: v for k, v in fact.to_dict().items() if k not in ("doc_id", "id")}


class _FactStore:
    """Reading the facts table, shared by the catalog and its per-generation reader: each supplies
    `_all`, the query on its own connection."""

    def _all(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    def _iter_facts(self, kind: str) -> Iterator[Fact]:
        """The facts of `kind` in the order they were stored, parsed one at a time."""
        record = _FACT_KINDS[kind]
        rows = self._all("SELECT id, doc_id, data FROM facts WHERE kind = ? ORDER BY id", (kind,))
        for fid, doc_id, data in rows:
            yield record.from_dict({**json.loads(data), "doc_id": doc_id, "id": fid})

    def _facts(self, kind: str) -> list[Fact]:
        return list(self._iter_facts(kind))

    def decisions(self) -> list[Decision]:
        """Every resolution, amendment, motion and decision found in minutes and records of decision."""
        return [f for f in self._facts("decision") if isinstance(f, Decision)]

    def roles(self) -> list[Role]:
        """Every person named with a role ("From: Leader of the Council", "Report author", "Chair")."""
        return [f for f in self._facts("role") if isinstance(f, Role)]

    def indicators(self) -> list[Indicator]:
        """Every performance indicator with its latest figure, target and rating."""
        return [f for f in self._facts("indicator") if isinstance(f, Indicator)]


class Catalog(_FactStore):
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            str(self.path), timeout=30, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()  # one connection shared by the API's worker threads
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.executescript(SCHEMA)
        if (
            self.meta("schema_version") is None
            and not self._conn.execute("SELECT 1 FROM documents").fetchone()
        ):
            self.set_meta("schema_version", SCHEMA_VERSION)

    @property
    def current(self) -> bool:
        return self.meta("schema_version") == SCHEMA_VERSION

    def require_current(self) -> None:
        if not self.current:
            raise IndexNotReady(
                f"the index in {self.path.parent} was built by an older version of the assistant; "
                "run `assistant ingest` to bring it up to date"
            )

    def migrate(self) -> None:
        """Recreate outdated tables empty; the next ingest fills them again from the corpus."""
        if self.current:
            return
        for table in ("documents", "pages", "chunks", "facts", "meta"):
            self._conn.execute(f"DROP TABLE IF EXISTS {table}")
        self._conn.executescript(SCHEMA)
        self.set_meta("schema_version", SCHEMA_VERSION)

    def close(self) -> None:
        self._conn.close()

    # -- reads ------------------------------------------------------------------------------

    def _all(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def meta(self, key: str, default: str | None = None) -> str | None:
        rows = self._all("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    @property
    def generation(self) -> int:
        return int(self.meta("generation", "0") or 0)

    def documents(self) -> list[Document]:
        rows = self._all("SELECT * FROM documents ORDER BY date, doc_id")
        return [_document(r) for r in rows]

    def document(self, doc_id: str) -> Document | None:
        rows = self._all("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        return _document(rows[0]) if rows else None

    def page_text(self, doc_id: str, page: int) -> str | None:
        rows = self._all("SELECT text FROM pages WHERE doc_id = ? AND page = ?", (doc_id, page))
        return rows[0][0] if rows else None

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        if doc_id is None:
            rows = self._all("SELECT * FROM chunks ORDER BY doc_id, seq")
        else:
            rows = self._all("SELECT * FROM chunks WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return [_chunk(r) for r in rows]

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self._all("SELECT id FROM chunks")}

    def figures(self) -> list[Figure]:
        """Every table cell with its labels (facts of kind "figure")."""
        return [f for f in self._facts("figure") if isinstance(f, Figure)]

    def targets(self) -> list[Target]:
        """Every target, requirement and planned reduction (facts of kind "target")."""
        return [f for f in self._facts("target") if isinstance(f, Target)]

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction, so a reader sees one generation even while an ingest commits."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield
            finally:
                self._conn.execute("COMMIT")

    def reader(self) -> CatalogReader:
        """A read-only view of the generation committed now, for as long as the reader is open."""
        return CatalogReader(self.path)

    # -- writes -----------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._set_meta(key, value)

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    @contextmanager
    def writing(self) -> Iterator[CatalogWrite]:
        """The one write transaction of an ingest, open while it parses and embeds, so that each
        document's rows go to disk as it is read instead of waiting in memory for the end. Readers
        (the API, `reader`) go on seeing the last committed generation; a crash, or leaving the
        block without `CatalogWrite.commit`, rolls everything back. A second ingest waits for the
        lock (`busy_timeout`) and then fails with "database is locked"."""
        with self._lock:
            # A bulk write re-visits the pages of the growing indexes; a larger cache than SQLite's
            # default 2 MB keeps them instead of spilling them to the WAL and reading them back.
            self._conn.execute(f"PRAGMA cache_size = -{INGEST_CACHE_KB}")
            self._conn.execute("BEGIN IMMEDIATE")
            write = CatalogWrite(self)
            try:
                yield write
            finally:
                if not write.committed:
                    self._conn.execute("ROLLBACK")


class CatalogWrite:
    """What an ingest writes inside `Catalog.writing`: documents put whole, one at a time."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._conn = catalog._conn
        self.committed = False

    def remove(self, doc_id: str) -> None:
        """Take a document and everything hanging off it out of the index."""
        for table in ("documents", "pages", "chunks", "facts"):
            self._conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))

    def put(
        self,
        doc: Document,
        pages: Iterable[tuple[str, int, str]],
        chunks: Iterable[Chunk],
        facts: Iterable[Fact],
    ) -> None:
        """Replace a document (its pages, chunks and facts) by this version of it."""
        conn = self._conn
        self.remove(doc.doc_id)
        doc_cols = (*_DOCUMENT_COLUMNS, "year")
        conn.execute(
            f"INSERT INTO documents ({', '.join(doc_cols)}) VALUES ({', '.join('?' * len(doc_cols))})",
            _document_values(doc),
        )
        conn.executemany("INSERT INTO pages (doc_id, page, text) VALUES (?, ?, ?)", list(pages))
        for c in chunks:
            row = _chunk_values(c)
            conn.execute(
                f"INSERT INTO chunks ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
        conn.executemany(
            "INSERT INTO facts (doc_id, kind, data) VALUES (?, ?, ?)",
            [(f.doc_id, _fact_kind(f), json.dumps(_fact_data(f))) for f in facts],
        )

    def restore(self, doc_id: str, before: CatalogReader) -> bool:
        """Put back the version of a document that `before` (a reader opened before this write)
        holds, after its new version was refused; False if it was not indexed before."""
        self.remove(doc_id)
        found = False
        for table in ("documents", "pages", "chunks", "facts"):
            rows = before._all(f"SELECT * FROM {table} WHERE doc_id = ?", (doc_id,))
            for row in rows:
                cols = row.keys()
                self._conn.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    tuple(row),
                )
            found = found or bool(rows)
        return found

    def searched_texts(self, doc_ids: Iterable[str]) -> Iterator[tuple[str, list[str], list[str]]]:
        """(doc id, chunk ids, searched texts) of these documents as this transaction holds them,
        one document at a time (for the lexical index of the chunks an ingest keeps)."""
        for doc_id in doc_ids:
            rows = self._conn.execute(
                "SELECT id, embed_text FROM chunks WHERE doc_id = ? ORDER BY seq", (doc_id,)
            ).fetchall()
            yield doc_id, [r[0] for r in rows], [r[1] for r in rows]

    def doc_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT doc_id FROM chunks ORDER BY doc_id")]

    def commit(self, meta: dict[str, str]) -> int:
        """Make everything written visible at once, as the next generation."""
        generation = self._catalog.generation + 1
        self._conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [*{**meta, "generation": str(generation)}.items()],
        )
        self._conn.execute("COMMIT")
        self.committed = True
        return generation


class CatalogReader(_FactStore):
    """One generation of the catalog, read on demand: the chunks of the top hits by id, a
    document's chunks, the facts. The API keeps only ids and filter metadata in memory and reads
    the rest here.

    The reader holds a read transaction on a connection of its own, so everything it returns is of
    the generation it opened at, even while an ingest commits the next one (WAL mode keeps the old
    pages for it). It is closed when the retriever swaps in the next generation and nothing uses
    it any more (`close`, or when it is garbage-collected). Parsed chunks are kept in a bounded
    LRU cache (`CHUNK_CACHE`).
    """

    def __init__(self, path: Path, cache_size: int = CHUNK_CACHE) -> None:
        self._conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.execute("PRAGMA query_only=1")
        self._conn.execute("BEGIN")  # the snapshot starts at the first read, just below
        self.generation = int(self.meta("generation", "0") or 0)
        self._cache: OrderedDict[str, Chunk] = OrderedDict()
        self._cache_size = cache_size
        self._closed = False

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                try:
                    self._conn.execute("COMMIT")
                finally:
                    self._conn.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown: the connection goes with the process
            self.close()

    def _all(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def meta(self, key: str, default: str | None = None) -> str | None:
        rows = self._all("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def documents(self) -> list[Document]:
        return [_document(r) for r in self._all("SELECT * FROM documents ORDER BY date, doc_id")]

    def chunk_keys(self) -> list[tuple[str, str, str]]:
        """(chunk id, document id, text hash) of every chunk: what the retriever keeps in memory."""
        with self._lock:
            return self._conn.execute("SELECT id, doc_id, hash FROM chunks").fetchall()

    def chunks(self, ids: Iterable[str]) -> dict[str, Chunk]:
        """The chunks of these ids that this generation lists, parsed (from the cache when there)."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Chunk] = {}
        with self._lock:
            missing = []
            for cid in wanted:
                chunk = self._cache.get(cid)
                if chunk is None:
                    missing.append(cid)
                else:
                    self._cache.move_to_end(cid)
                    out[cid] = chunk
            for i in range(0, len(missing), IDS_PER_QUERY):
                part = missing[i : i + IDS_PER_QUERY]
                rows = self._conn.execute(
                    f"SELECT * FROM chunks WHERE id IN ({', '.join('?' * len(part))})", part
                ).fetchall()
                for row in rows:
                    chunk = _chunk(row)
                    out[chunk.id] = chunk
                    self._remember(chunk)
        return out

    def _remember(self, chunk: Chunk) -> None:
        self._cache[chunk.id] = chunk
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.chunks([chunk_id]).get(chunk_id)

    def chunk_at(self, doc_id: str, seq: int) -> Chunk | None:
        """A document's chunk by its place in the document (a neighbour of a hit)."""
        rows = self._all("SELECT id FROM chunks WHERE doc_id = ? AND seq = ?", (doc_id, seq))
        return self.chunk(rows[0][0]) if rows else None

    def chunks_of(self, doc_id: str) -> Iterator[Chunk]:
        """A document's chunks in order, parsed one at a time (not cached: a scan, not a hit)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM chunks WHERE doc_id = ? ORDER BY seq", (doc_id,)
            ).fetchall()
        return (_chunk(r) for r in rows)

    def embed_texts(self, ids: list[str]) -> list[str]:
        """The searched text of each of `ids`, in their order ("" for an id not listed)."""
        found: dict[str, str] = {}
        with self._lock:
            for i in range(0, len(ids), IDS_PER_QUERY):
                part = ids[i : i + IDS_PER_QUERY]
                rows = self._conn.execute(
                    f"SELECT id, embed_text FROM chunks WHERE id IN ({', '.join('?' * len(part))})", part
                ).fetchall()
                found.update((r[0], r[1]) for r in rows)
        return [found.get(cid, "") for cid in ids]

    def figures(self) -> Iterator[Figure]:
        """Every table cell, in the order they were stored, parsed one at a time."""
        return (f for f in self._iter_facts("figure") if isinstance(f, Figure))
