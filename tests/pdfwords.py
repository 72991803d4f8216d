"""Where a quote's words are on a PDF page, by poppler's `pdftotext -bbox`: an independent reader,
so tests of the highlight do not trust PDFium, which the code under test uses."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from tests.conftest import key

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    def overlap(self, other: Rect) -> float:
        """The area the two share."""
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        return max(0.0, w) * max(0.0, h)

    @property
    def area(self) -> float:
        return (self.right - self.left) * (self.bottom - self.top)


def words(pdf: Path, page: int) -> list[tuple[str, Rect]]:
    """Each word of the page with its box, in points from the top-left corner, in reading order."""
    if shutil.which("pdftotext") is None:
        raise RuntimeError("pdftotext (poppler-utils) is needed to check highlights independently")
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (unescape(m.group(5)), Rect(*(float(m.group(i)) for i in range(1, 5)))) for m in _WORD.finditer(out)
    ]


def quote_words(pdf: Path, page: int, quote: str) -> list[Rect]:
    """The boxes of the shortest run of the page's words whose text is the quote, compared by key
    (whitespace, hyphenation and typographic quotes may differ); [] when poppler does not find it."""
    page_words = words(pdf, page)
    wanted = key(quote)
    best: list[Rect] = []
    for i in range(len(page_words)):
        text = ""
        for j in range(i, len(page_words)):
            text += key(page_words[j][0])
            if not wanted.startswith(text):
                break
            if text == wanted:
                run = [r for _, r in page_words[i : j + 1]]
                if not best or len(run) < len(best):
                    best = run
                break
    return best
