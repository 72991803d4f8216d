"""`assistant chat`: a terminal conversation that behaves like one.

- It says "loading the index…" before the seconds it takes to load the model in-process, so the
  screen is never blank and silent.
- Lines are edited and recalled with readline (arrows, Ctrl-R), and the history is kept between
  sessions in the data folder (or the home folder when asking a server).
- Each answer is computed in a worker thread while the main thread waits, so Ctrl-C is handled at
  once even while the answerer is inside numpy or the model: it abandons that answer and gives the
  prompt back. Ctrl-C or Ctrl-D at the prompt ends the session.
- Answers wrap at word boundaries to the terminal's width.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.backend import BackendError, Local
from cli.render import answer_text, width, wrap

if TYPE_CHECKING:
    from assistant.models import Answer, Filters
    from cli.backend import Backend
    from core.settings import Settings

PROMPT = "\n? "
HISTORY_FILE = "chat_history"
HOME_HISTORY_FILE = ".assistant_chat_history"
HISTORY_LINES = 1000
# How often the waiting main thread wakes; it only bounds how late a finished answer is noticed.
POLL_S = 0.05
INTRO = (
    "Ask about the council documents. Follow-ups build on earlier answers. /new starts a new "
    "conversation, /quit (or Ctrl-D) ends; Ctrl-C stops an answer."
)


def history_path(settings: Settings, source: Backend) -> Path:
    """The data folder when the index is local; the home folder when a server answers (there may
    be no data folder here at all)."""
    if isinstance(source, Local) and settings.data_dir.is_dir():
        return settings.data_dir / HISTORY_FILE
    return Path.home() / HOME_HISTORY_FILE


class History:
    """Readline editing and history, when this Python has readline (Debian's does)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            import readline
        except ImportError:  # a Python built without it: plain input() still works
            self._readline = None
            return
        self._readline = readline
        readline.set_history_length(HISTORY_LINES)
        with contextlib.suppress(OSError):  # no history yet, or not readable: start afresh
            readline.read_history_file(str(path))

    def save(self) -> None:
        if self._readline is None:
            return
        with contextlib.suppress(OSError):  # a read-only folder loses the history, not the session
            self._readline.write_history_file(str(self.path))


def _answer_in_worker(
    source: Backend, question: str, cid: str | None, filters: Filters | None
) -> Answer | BackendError:
    """The answer, computed in a daemon thread; KeyboardInterrupt reaches the waiting main thread
    promptly and the abandoned worker dies with the process."""
    box: queue.Queue[Answer | BackendError] = queue.Queue(maxsize=1)

    def work() -> None:
        try:
            box.put(source.ask(question, cid, filters))
        except BackendError as exc:
            box.put(exc)
        except Exception as exc:  # reported in the session rather than killing it
            box.put(BackendError(f"{exc.__class__.__name__}: {exc}"))

    threading.Thread(target=work, daemon=True, name="chat-answer").start()
    while True:
        try:
            return box.get(timeout=POLL_S)
        except queue.Empty:
            continue


def run_chat(source: Backend, filters: Filters | None, conversation: str | None, settings: Settings) -> int:
    """The session; returns the exit status."""
    if isinstance(source, Local):
        typer.echo("loading the index…")
    try:
        source.warm_up()
    except BackendError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        return 2
    history = History(history_path(settings, source))
    typer.echo(wrap(INTRO, width()))
    cid = conversation
    try:
        while True:
            try:
                question = input(PROMPT).strip()
            except (EOFError, KeyboardInterrupt):
                typer.echo("")
                return 0
            if not question:
                continue
            if question in ("/quit", "/exit", "/q"):
                return 0
            if question == "/new":
                cid = None
                typer.echo("(new conversation)")
                continue
            try:
                result = _answer_in_worker(source, question, cid, filters)
            except KeyboardInterrupt:
                typer.echo("\n(answer stopped)")
                continue
            if isinstance(result, BackendError):
                typer.echo(f"! {result.message}")
                continue
            cid = result.conversation_id
            typer.echo(wrap(answer_text(result, base=f"{settings.corpus_dir}/"), width()))
    finally:
        history.save()
