"""Conversation history in SQLite under the data folder.

It lives on disk, not in process memory, so a conversation survives a restart and two API replicas
answering alternate turns of one conversation both see every earlier turn (WAL mode).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from assistant.models import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    question TEXT NOT NULL,
    resolved TEXT NOT NULL,
    answer TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, n)
);
CREATE UNIQUE INDEX IF NOT EXISTS turns_answer ON turns (answer_id);
"""


@dataclass(frozen=True)
class Turn:
    """One question and its answer. `answer` is the stored answer; a client that keeps its own
    history (the OpenAI-compatible endpoint) gives only the reply and the documents it cited."""

    n: int
    question: str
    resolved: str  # the question as it was searched, with what it carried from earlier turns
    reply: str
    cited_docs: tuple[str, ...]
    answer_id: str = ""
    created_at: str = ""
    role: str = "public"  # the role it was answered for: a caller who may read less does not see it
    answer: Answer | None = None

    @classmethod
    def stored(cls, n: int, question: str, resolved: str, data: str, answer_id: str, created_at: str) -> Turn:
        fields = json.loads(data)
        role = fields.pop("_role", "public")
        answer = Answer.model_validate(fields)
        cited = tuple(dict.fromkeys(c.doc_id for c in answer.citations))
        return cls(n, question, resolved, answer.answer, cited, answer_id, created_at, role, answer)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


class ConversationStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.executescript(SCHEMA)
        self._lock = threading.RLock()  # one connection shared by the API's worker threads

    def close(self) -> None:
        self._conn.close()

    def exists(self, conversation_id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        return row is not None

    def history(self, conversation_id: str, limit: int = 10) -> list[Turn]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT n, question, resolved, answer, answer_id, created_at FROM turns WHERE conversation_id = ? "
                "ORDER BY n DESC LIMIT ?",
                (conversation_id, limit),
            ).fetchall()
        return [Turn.stored(*row) for row in reversed(rows)]

    def append(
        self, conversation_id: str, question: str, resolved: str, answer: Answer, answer_id: str, role: str
    ) -> int:
        data = {**answer.model_dump(), "_role": role}
        with self._lock:
            return self._append(conversation_id, question, resolved, data, answer_id)

    def _append(
        self, conversation_id: str, question: str, resolved: str, answer: dict, answer_id: str
    ) -> int:
        now = _now()
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            if not self.exists(conversation_id):
                self._conn.execute(
                    "INSERT INTO conversations (id, created_at, updated_at) VALUES (?, ?, ?)",
                    (conversation_id, now, now),
                )
            (n,) = self._conn.execute(
                "SELECT COALESCE(MAX(n), 0) + 1 FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            self._conn.execute(
                "INSERT INTO turns (conversation_id, n, question, resolved, answer, answer_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, n, question, resolved, json.dumps(answer), answer_id, now),
            )
            self._conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        return int(n)

    def answer(self, answer_id: str) -> Turn | None:
        """The turn that gave this answer, if any."""
        with self._lock:
            row = self._conn.execute(
                "SELECT n, question, resolved, answer, answer_id, created_at FROM turns WHERE answer_id = ?",
                (answer_id,),
            ).fetchone()
        return Turn.stored(*row) if row else None
