"""Chroma, embedded or server, behind one small class.

`ASSISTANT_CHROMA_HOST` unset gives a `PersistentClient` under the data folder; set, an `HttpClient`
to that server. Both go through the same methods, so the rest of the code cannot tell them apart.
Vectors are stored without an embedding function: we always pass our own vectors, and Chroma's
default function would try to download a model.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import StoreUnavailable

log = logging.getLogger(__name__)

BATCH = 2000


def _client(path: Path | None, host: str | None, port: int, ssl: bool):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if host:
        try:
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
        except Exception as exc:
            raise StoreUnavailable(f"Chroma server at {host}:{port} is unreachable ({exc})") from exc
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _unreachable(exc: Exception) -> bool:
    """Whether `exc` says the Chroma server could not be reached or went away mid-request. Any
    transport failure of the HTTP client counts: a server killed while answering ends the request
    with "Server disconnected without sending a response" (httpx.RemoteProtocolError), which is an
    outage to report as 503, not a fault of ours."""
    import httpx  # chromadb's own HTTP client

    if isinstance(exc, httpx.TransportError):
        return True
    name, text = type(exc).__name__, str(exc)
    return "Connect" in name or "Timeout" in name or "Connection" in text or "refused" in text


class VectorStore:
    def __init__(
        self, path: Path | None = None, host: str | None = None, port: int = 8000, ssl: bool = False
    ):
        self.where = f"{host}:{port}" if host else str(path)
        self._client = _client(path, host, port, ssl)
        self._collections: dict[str, Any] = {}

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except StoreUnavailable:
            raise
        except Exception as exc:
            if _unreachable(exc):
                raise StoreUnavailable(
                    f"Chroma at {self.where} is unavailable during {what} ({exc})"
                ) from exc
            raise

    def check(self) -> None:
        """Raise StoreUnavailable when a Chroma server does not answer (readiness probes)."""
        self._call("heartbeat", self._client.heartbeat)

    def collection(self, name: str):
        if name not in self._collections:
            self._collections[name] = self._call(
                "open collection",
                self._client.get_or_create_collection,
                name=name,
                metadata={"hnsw:space": "cosine"},
                embedding_function=None,
            )
        return self._collections[name]

    def drop(self, name: str) -> None:
        self._collections.pop(name, None)
        try:
            self._call("delete collection", self._client.delete_collection, name)
        except StoreUnavailable:
            raise
        except Exception:  # already gone
            log.debug("collection %s already absent", name)

    def count(self, name: str) -> int:
        return int(self._call("count", self.collection(name).count))

    def existing(self, name: str, ids: list[str]) -> set[str]:
        found: set[str] = set()
        col = self.collection(name)
        for i in range(0, len(ids), BATCH):
            got = self._call("get", col.get, ids=ids[i : i + BATCH], include=[])
            found.update(got["ids"])
        return found

    def upsert(self, name: str, ids: list[str], vectors: np.ndarray, metadatas: list[dict]) -> None:
        col = self.collection(name)
        for i in range(0, len(ids), BATCH):
            self._call(
                "upsert",
                col.upsert,
                ids=ids[i : i + BATCH],
                embeddings=vectors[i : i + BATCH],
                metadatas=metadatas[i : i + BATCH],
            )

    def update_metadata(self, name: str, ids: list[str], metadatas: list[dict]) -> None:
        col = self.collection(name)
        for i in range(0, len(ids), BATCH):
            self._call("update", col.update, ids=ids[i : i + BATCH], metadatas=metadatas[i : i + BATCH])

    def delete(self, name: str, ids: list[str]) -> None:
        col = self.collection(name)
        for i in range(0, len(ids), BATCH):
            self._call("delete", col.delete, ids=ids[i : i + BATCH])

    def all_ids(self, name: str) -> Iterator[str]:
        col = self.collection(name)
        offset = 0
        while True:
            got = self._call("get", col.get, include=[], limit=BATCH, offset=offset)
            if not got["ids"]:
                return
            yield from got["ids"]
            offset += len(got["ids"])

    def vectors(self, name: str, ids: list[str]) -> tuple[list[str], np.ndarray]:
        """The stored vectors of those of `ids` the store holds: (their ids, one row each)."""
        col = self.collection(name)
        found: list[str] = []
        rows: list[np.ndarray] = []
        for i in range(0, len(ids), BATCH):
            got = self._call("get", col.get, ids=ids[i : i + BATCH], include=["embeddings"])
            found += got["ids"]
            if len(got["ids"]):
                rows.append(np.asarray(got["embeddings"], dtype=np.float32))
        return found, (np.concatenate(rows) if rows else np.zeros((0, 0), dtype=np.float32))

    def query(
        self, name: str, vector: np.ndarray, n: int, where: dict | None = None
    ) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the nearest vectors, best first."""
        col = self.collection(name)
        kwargs: dict[str, Any] = {"query_embeddings": [vector], "n_results": n, "include": ["distances"]}
        if where:
            kwargs["where"] = where
        got = self._call("query", col.query, **kwargs)
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0], strict=True)]
