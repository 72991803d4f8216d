"""Feedback on answers (thumbs up or down, an optional comment), in SQLite under the data folder.

Shared by the web page, the HTTP API and Slack, so one store holds every rating whatever the door.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.conversations import new_id
from core.errors import NotFound, QuestionError

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY,
    answer_id TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT,
    source TEXT NOT NULL,
    user TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback (answer_id);
"""
MAX_COMMENT = 2000
PAGE = 500  # rows read at a time when filtering what a caller may see


@dataclass(frozen=True)
class Feedback:
    id: str
    answer_id: str
    rating: str
    comment: str | None
    source: str
    user: str | None
    created_at: str

    def as_dict(self) -> dict:
        return asdict(self)


class FeedbackStore:
    def __init__(self, path: Path, known_answer=None) -> None:
        """`known_answer(answer_id) -> bool` refuses ratings of answers that were never given."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._known = known_answer

    def add(
        self,
        answer_id: str,
        rating: str,
        comment: str | None = None,
        source: str = "api",
        user: str | None = None,
    ) -> Feedback:
        if rating not in ("up", "down"):
            raise QuestionError("rating must be 'up' or 'down'")
        if comment is not None and len(comment) > MAX_COMMENT:
            raise QuestionError(f"the comment is {len(comment):,} characters; the limit is {MAX_COMMENT:,}")
        if self._known is not None and not self._known(answer_id):
            raise NotFound(f"no answer with id {answer_id!r}")
        fb = Feedback(
            new_id("f"),
            answer_id,
            rating,
            (comment or "").strip() or None,
            source,
            user,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        with self._lock:
            self._conn.execute(
                "INSERT INTO feedback (id, answer_id, rating, comment, source, user, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (fb.id, fb.answer_id, fb.rating, fb.comment, fb.source, fb.user, fb.created_at),
            )
        return fb

    def comment(self, feedback_id: str, comment: str) -> Feedback:
        """Add a comment to an existing rating (Slack's comment modal comes after the button)."""
        if len(comment) > MAX_COMMENT:
            raise QuestionError(f"the comment is {len(comment):,} characters; the limit is {MAX_COMMENT:,}")
        with self._lock:
            cur = self._conn.execute(
                "UPDATE feedback SET comment = ? WHERE id = ?", (comment.strip() or None, feedback_id)
            )
        if cur.rowcount == 0:
            raise NotFound(f"no feedback with id {feedback_id!r}")
        updated = self.get(feedback_id)
        assert updated is not None, "the row was just updated"
        return updated

    def get(self, feedback_id: str) -> Feedback | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT id, answer_id, rating, comment, source, user, created_at FROM feedback WHERE id = ?",
                (feedback_id,),
            ).fetchone()
        return Feedback(*row) if row else None

    def list(
        self,
        answer_id: str | None = None,
        limit: int = 100,
        visible: Callable[[Feedback], bool] | None = None,
    ) -> list[Feedback]:
        """The newest `limit` ratings that `visible` lets through (all, without it), read a page at
        a time so that hidden ones do not shorten the list."""
        sql = "SELECT id, answer_id, rating, comment, source, user, created_at FROM feedback"
        args: tuple = ()
        if answer_id:
            sql += " WHERE answer_id = ?"
            args = (answer_id,)
        found: list[Feedback] = []
        offset = 0
        while len(found) < limit:
            with self._lock:
                rows = self._conn.execute(
                    sql + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?", (*args, PAGE, offset)
                ).fetchall()
            found += [f for f in (Feedback(*r) for r in rows) if visible is None or visible(f)]
            if len(rows) < PAGE:
                break
            offset += PAGE
        return found[:limit]

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._conn.execute("SELECT rating, COUNT(*) FROM feedback GROUP BY rating").fetchall()
        return {r: n for r, n in rows}


def feedback_store(data_dir: Path, conversations) -> FeedbackStore:
    """The store every interface shares; it accepts ratings only of answers the assistant gave."""
    return FeedbackStore(
        Path(data_dir) / "feedback.sqlite",
        known_answer=lambda answer_id: conversations.answer(answer_id) is not None,
    )
