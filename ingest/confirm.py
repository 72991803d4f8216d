"""Confirm each unit against a second, independent reading of the PDF (poppler's pdftotext).

pypdf and pdftotext order cells differently on some badly-formed tables. A unit whose text the
second reader cannot find on the same page is never offered for quoting: a citation a reader
cannot find is worse than no citation.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from core.text import match_key
from ingest.structure import ParsedUnit

log = logging.getLogger(__name__)


@cache
def pdftotext_path() -> str | None:
    path = shutil.which("pdftotext")
    if path is None:
        log.warning("pdftotext (poppler-utils) is not installed; quotes are not cross-checked at ingest")
    return path


class SecondReading:
    """pdftotext reading a PDF in the background, started before pypdf reads it, so that the two
    readers run on two cores at once: parsing is one Python thread, and while it runs the encoder is
    idle. The text goes to a temporary file and pdftotext is quiet (-q), so it never waits on a pipe.
    `pages()` and `keys()` wait at most `TIMEOUT_S` from when they are called. With `layout`, the
    pages are printed with their columns in place (`ingest.aligned` reads tables from them); `lost`
    says what a failure costs, for the warning."""

    TIMEOUT_S = 120

    def __init__(self, path: Path, layout: bool = False, lost: str = "quotes are not cross-checked") -> None:
        self.path = path
        self.lost = lost
        self._out: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        exe = pdftotext_path()
        if exe is None:
            return
        try:
            handle, name = tempfile.mkstemp(prefix="second-reading-", suffix=".txt")
            os.close(handle)
            self._out = Path(name)
            self._proc = subprocess.Popen(
                [exe, "-q", *(["-layout"] if layout else []), "-enc", "UTF-8", str(path), name],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("%s: pdftotext failed (%s); %s", path.name, exc, lost)
            self.close()
        except BaseException:
            self.close()
            raise

    def pages(self) -> list[str] | None:
        """Each page's text as pdftotext prints it, or None where it is unavailable or failed."""
        if self._proc is None or self._out is None:
            return None
        try:
            code = self._proc.wait(timeout=self.TIMEOUT_S)
            if code != 0:
                log.warning("%s: pdftotext failed (exit %d); %s", self.path.name, code, self.lost)
                return None
            return self._out.read_text(encoding="utf-8", errors="replace").split("\f")
        except (subprocess.SubprocessError, OSError) as exc:
            log.warning("%s: pdftotext failed (%s); %s", self.path.name, exc, self.lost)
            return None
        finally:
            self.close()

    def keys(self) -> dict[int, str] | None:
        """Match keys of each page as pdftotext reads them, or None where it is unavailable or failed."""
        pages = self.pages()
        return None if pages is None else {i + 1: match_key(text) for i, text in enumerate(pages)}

    def close(self) -> None:
        """Stop pdftotext if it still runs (the PDF failed to parse) and remove its output."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if self._out is not None:
            self._out.unlink(missing_ok=True)
            self._out = None


def second_reading(path: Path) -> dict[int, str] | None:
    """Match keys of each page as pdftotext reads them, or None where pdftotext is unavailable."""
    return SecondReading(path).keys()


def confirm(units: list[ParsedUnit], page_text: dict[int, str], keys: dict[int, str] | None) -> list[bool]:
    """For each unit, whether every one of its page spans is found by the second reader."""
    if keys is None:
        return [True] * len(units)
    return [
        all(match_key(page_text[s.page][s.start : s.end]) in keys.get(s.page, "") for s in u.spans)
        for u in units
    ]


def contiguity(page_text: dict[int, str], keys: dict[int, str] | None):
    """A predicate for `build_chunks`: is this run of page text one run in the second reading too?"""
    if keys is None:
        return lambda page, start, end: True

    def contiguous(page: int, start: int, end: int) -> bool:
        return match_key(page_text[page][start:end]) in keys.get(page, "")

    return contiguous


def confirmed_window(quote: str, keys: dict[int, str] | None, page: int) -> str | None:
    """The longest run of the quote's lines that the second reader also finds on the page, or None.

    pdftotext reads a list of names in columns, or a bulleted motion, in another order than pypdf;
    the lines around them usually agree, and a shorter quote a reader can find beats a longer one
    they cannot."""
    if keys is None:
        return quote
    text = keys.get(page, "")
    lines = [ln for ln in quote.splitlines() if ln.strip()]
    for size in range(len(lines), 0, -1):
        for start in range(len(lines) - size + 1):
            window = "\n".join(lines[start : start + size])
            if match_key(window) in text:
                return window
    return None
