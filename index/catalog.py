"""The catalog: which documents, pages and chunks are live, in one SQLite file under the data folder.

It is the source of truth for what the index holds. Vectors in Chroma are addressed by content and
only become visible to queries once the catalog lists their chunk ids; an ingest commits every
document, chunk, fact and the new lexical index in one transaction. A crash at any point before
that commit leaves the previous index whole, and the vectors it added are reused or swept next time.
WAL mode lets API processes read while an ingest writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Bump when the tables change. The catalog is derived data: `assistant ingest` rebuilds it from the
# corpus (reusing vectors by content address); readers refuse an outdated one with a clear message.
SCHEMA_VERSION = "2"

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
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_doc ON facts (doc_id, kind);
"""


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    file: str
    path: str
    title: str
    date: str | None
    year: int | None
    author: str | None
    doc_type: str | None
    councils: list[str]
    audience: str
    programme: str | None
    fingerprint: str
    sha256: str
    pages: int
    chunks: int
    units_dropped: int
    warnings: list[str]
    ingested_at: str
    seconds: float

    def public(self) -> dict[str, object]:
        """What an API client may see: no server paths, no fingerprints."""
        return {
            "doc_id": self.doc_id,
            "file": self.file,
            "title": self.title,
            "date": self.date,
            "author": self.author,
            "doc_type": self.doc_type,
            "councils": self.councils,
            "audience": self.audience,
            "programme": self.programme,
            "pages": self.pages,
            "chunks": self.chunks,
            "ingested_at": self.ingested_at,
        }


@dataclass(frozen=True)
class ChunkRow:
    id: str
    doc_id: str
    seq: int
    text: str
    embed_text: str
    page_start: int
    page_end: int
    section: str | None
    heading: str | None
    char_start: int
    char_end: int
    spans: list[dict]
    kind: str
    hash: str
    units: list[dict]
    tables: list[dict]


def _document(row: sqlite3.Row) -> DocumentRow:
    d = dict(row)
    d["councils"] = json.loads(d["councils"])
    d["warnings"] = json.loads(d["warnings"])
    return DocumentRow(**d)


def _chunk(row: sqlite3.Row) -> ChunkRow:
    d = dict(row)
    for key in ("units", "tables", "spans"):
        d[key] = json.loads(d[key])
    return ChunkRow(**d)


class Catalog:
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
        from core.errors import IndexNotReady

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

    def documents(self) -> list[DocumentRow]:
        rows = self._all("SELECT * FROM documents ORDER BY date, doc_id")
        return [_document(r) for r in rows]

    def document(self, doc_id: str) -> DocumentRow | None:
        rows = self._all("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        return _document(rows[0]) if rows else None

    def page_text(self, doc_id: str, page: int) -> str | None:
        rows = self._all("SELECT text FROM pages WHERE doc_id = ? AND page = ?", (doc_id, page))
        return rows[0][0] if rows else None

    def chunks(self, doc_id: str | None = None) -> list[ChunkRow]:
        if doc_id is None:
            rows = self._all("SELECT * FROM chunks ORDER BY doc_id, seq")
        else:
            rows = self._all("SELECT * FROM chunks WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return [_chunk(r) for r in rows]

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self._all("SELECT id FROM chunks")}

    def facts(self, kind: str | None = None) -> list[dict]:
        sql = "SELECT f.id, f.doc_id, f.kind, f.data FROM facts f"
        args: tuple = ()
        if kind:
            sql += " WHERE f.kind = ?"
            args = (kind,)
        out = []
        for fid, doc_id, k, data in self._all(sql + " ORDER BY f.id", args):
            d = json.loads(data)
            d.update({"id": fid, "doc_id": doc_id, "fact": k})
            out.append(d)
        return out

    def snapshot(self) -> Iterator[None]:
        """A read transaction, so a reader sees one generation even while an ingest commits."""
        return self._read()

    @contextmanager
    def _read(self) -> Iterator[None]:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield
            finally:
                self._conn.execute("COMMIT")

    # -- writes -----------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._set_meta(key, value)

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def commit_ingest(
        self,
        documents: Iterable[dict],
        pages: Iterable[tuple[str, int, str]],
        chunks: Iterable[dict],
        facts: Iterable[tuple[str, str, dict]],
        replace_doc_ids: Iterable[str],
        meta: dict[str, str],
    ) -> int:
        """Replace the listed documents (and everything hanging off them) in one transaction."""
        with self._lock:
            return self._commit_ingest(documents, pages, chunks, facts, replace_doc_ids, meta)

    def _commit_ingest(self, documents, pages, chunks, facts, replace_doc_ids, meta) -> int:  # type: ignore[no-untyped-def]
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for doc_id in set(replace_doc_ids):
                for table in ("documents", "pages", "chunks", "facts"):
                    conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
            for d in documents:
                row = dict(d)
                row["councils"] = json.dumps(row["councils"])
                row["warnings"] = json.dumps(row.get("warnings", []))
                cols = ", ".join(row)
                conn.execute(
                    f"INSERT INTO documents ({cols}) VALUES ({', '.join('?' * len(row))})",
                    tuple(row.values()),
                )
            conn.executemany("INSERT INTO pages (doc_id, page, text) VALUES (?, ?, ?)", list(pages))
            for c in chunks:
                row = dict(c)
                for key in ("units", "tables", "spans"):
                    row[key] = json.dumps(row[key])
                cols = ", ".join(row)
                conn.execute(
                    f"INSERT INTO chunks ({cols}) VALUES ({', '.join('?' * len(row))})",
                    tuple(row.values()),
                )
            conn.executemany(
                "INSERT INTO facts (doc_id, kind, data) VALUES (?, ?, ?)",
                [(doc_id, kind, json.dumps(data)) for doc_id, kind, data in facts],
            )
            generation = self.generation + 1
            meta = {**meta, "generation": str(generation)}
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                list(meta.items()),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return generation
