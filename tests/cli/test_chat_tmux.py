"""[people] acceptance 3: `assistant chat` in a real terminal (tmux, 80 columns): it says it is
loading, answers wrapped at word boundaries, recalls the last question with the Up arrow (readline),
keeps the history in the data folder, and Ctrl-C at the prompt ends it with status 0."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import ASSISTANT

pytestmark = pytest.mark.integration

QUESTION = "What was Pioneer Somerset's savings target?"
QUOTE = (
    "The Pioneer programme has committed to delivering efficiency savings in the region of £20 million "
    "arising from joint working across the partners by 2012-13."
)
# Generous bounds for a busy machine: the test waits for what it expects, it does not time it.
LOAD_S = 420
STEP_S = 120


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        ).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", "chat", "-S", "-200")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "chat", *keys)

    def wait_for(self, what: str, test: Callable[[str], bool], seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            screen = self.screen()
            if test(screen):
                return screen
            time.sleep(0.2)
        pytest.fail(f"the chat never showed {what}; the screen was:\n{self.screen()}")


@pytest.fixture()
def terminal() -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: install Debian's tmux (make system-deps does)")
    term = Terminal(f"assistant-test-{uuid.uuid4().hex[:8]}")
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, check=False)


def _prompt_line(screen: str) -> str:
    lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@pytest.mark.timeout(900)
def test_chat_in_a_real_terminal(terminal: Terminal, index_copy) -> None:
    env = {
        "ASSISTANT_DATA_DIR": str(index_copy.data_dir),
        "ASSISTANT_CORPUS_DIR": str(index_copy.corpus_dir),
        "HF_HUB_OFFLINE": "1",
        "TERM": "xterm",
        **{k: os.environ[k] for k in ("PATH", "PYTHONPATH", "HOME") if k in os.environ},
    }
    command = " ".join(
        ["env", *(shlex.quote(f"{k}={v}") for k, v in env.items()), shlex.quote(ASSISTANT), "chat"]
    )
    # Wrapping is checked on the unjoined screen, so a line must not be joined by tmux (-J) there.
    terminal.tmux(
        "new-session", "-d", "-s", "chat", "-x", "80", "-y", "50", f"{command}; echo EXIT=$?; sleep 600"
    )
    terminal.wait_for("the loading line", lambda s: "loading the index…" in s, STEP_S)
    terminal.wait_for("the prompt", lambda s: _prompt_line(s) == "?", LOAD_S)

    terminal.keys(QUESTION, "Enter")
    screen = terminal.wait_for("the answer's sources", lambda s: "Sources" in s, STEP_S)
    raw = terminal.tmux("capture-pane", "-p", "-t", "chat", "-S", "-200")
    assert all(len(line) <= 80 for line in raw.splitlines())
    # Rejoined with single spaces, the wrapped quote reads as printed: no word was cut in two.
    assert QUOTE in re.sub(r"\s+", " ", raw)
    assert "£20 million" in screen

    terminal.wait_for("the next prompt", lambda s: _prompt_line(s) == "?", STEP_S)
    terminal.keys("Up")
    terminal.wait_for("the question recalled", lambda s: _prompt_line(s) == f"? {QUESTION}", STEP_S)
    terminal.keys("C-u")
    terminal.wait_for("the prompt cleared", lambda s: _prompt_line(s) == "?", STEP_S)
    terminal.keys("C-c")
    terminal.wait_for("the session end", lambda s: "EXIT=" in s, STEP_S)
    assert "EXIT=0" in terminal.screen()
    assert QUESTION in (index_copy.data_dir / "chat_history").read_text()
