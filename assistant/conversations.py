"""Conversation history in SQLite under the data folder.

It lives on disk, not in process memory, so a conversation survives a restart and two API replicas
answering alternate turns of one conversation both see every earlier turn (WAL mode).

Every conversation has an owner, fixed by its first turn: an API key (or "anonymous"), a Slack
channel, or the local operator, always with the role it was answered for. Only the owner reads it
or adds to it, so a guessed or leaked id shows nothing, and a conversation never mixes roles.
Conversations untouched for `ASSISTANT_CONVERSATION_DAYS` are deleted by `prune`.
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
    updated_at TEXT NOT NULL,
    owner TEXT
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
# Stores made before conversations had owners gain the column; their conversations, owned by
# nobody, are then shown to nobody and continued by nobody.
ADD_OWNER = "ALTER TABLE conversations ADD COLUMN owner TEXT"
OWNER_INDEX = "CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated_at)"


@dataclass(frozen=True)
class Owner:
    """Who a conversation belongs to: `principal` is "key:<key id>", "anonymous", "slack:<channel>"
    or "local" (the CLI), and `role` the role its answers were given for."""

    principal: str
    role: str

    @property
    def key(self) -> str:
        return f"{self.principal}|{self.role}"


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
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(conversations)")}
        if "owner" not in columns:
            self._conn.execute(ADD_OWNER)
        self._conn.execute(OWNER_INDEX)
        self._lock = threading.RLock()  # one connection shared by the API's worker threads

    def close(self) -> None:
        self._conn.close()

    def exists(self, conversation_id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        return row is not None

    def belongs_to(self, conversation_id: str, owner: Owner) -> bool:
        """The conversation exists and is `owner`'s; anyone else is told nothing more than for an
        id that does not exist."""
        with self._lock:
            row = self._conn.execute(
                "SELECT owner FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        return row is not None and row[0] == owner.key

    def prune(self, days: int, now: dt.datetime | None = None) -> int:
        """Delete conversations not added to for `days` days, with their turns; how many went."""
        cutoff = ((now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)).isoformat(timespec="seconds")
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                old = "SELECT id FROM conversations WHERE updated_at < ?"
                self._conn.execute(f"DELETE FROM turns WHERE conversation_id IN ({old})", (cutoff,))
                gone = self._conn.execute("DELETE FROM conversations WHERE updated_at < ?", (cutoff,))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return gone.rowcount

    def history(self, conversation_id: str, limit: int = 10) -> list[Turn]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT n, question, resolved, answer, answer_id, created_at FROM turns WHERE conversation_id = ? "
                "ORDER BY n DESC LIMIT ?",
                (conversation_id, limit),
            ).fetchall()
        return [Turn.stored(*row) for row in reversed(rows)]

    def append(
        self,
        conversation_id: str,
        question: str,
        resolved: str,
        answer: Answer,
        answer_id: str,
        role: str,
        owner: Owner | None = None,
    ) -> int:
        """`owner` (default: the local operator with `role`) becomes the owner of a new conversation."""
        data = {**answer.model_dump(), "_role": role}
        who = owner or Owner("local", role)
        with self._lock:
            return self._append(conversation_id, question, resolved, data, answer_id, who)

    def _append(
        self, conversation_id: str, question: str, resolved: str, answer: dict, answer_id: str, owner: Owner
    ) -> int:
        now = _now()
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            if not self.exists(conversation_id):
                self._conn.execute(
                    "INSERT INTO conversations (id, created_at, updated_at, owner) VALUES (?, ?, ?, ?)",
                    (conversation_id, now, now, owner.key),
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
