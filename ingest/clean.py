"""Remove page furniture and join hyphenated line breaks.

Furniture is what a printer repeats on every page: running headers, footers, "Page 14". It is
found by shape rather than by a list of known strings, so that any council's template works: a
line whose shape (digits folded to '#') sits at the top or bottom of at least half of the pages
is furniture. Lines of that shape are then removed wherever they stand alone on a page, because
council PDFs exported from word processors often carry an old running header mid-page where the
source document had a page break.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.pdf import PdfPage

EDGE_LINES = 3
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?#(?:\s*(?:of|/)\s*#)?$|^[-–]\s*#\s*[-–]$")
_HYPHEN_END = re.compile(r"([A-Za-z]{2,})-$")
_WORD_START = re.compile(r"^([a-z]+)")


@dataclass(frozen=True)
class CleanPage:
    number: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _has_letters(s: str, n: int = 3) -> bool:
    return sum(ch.isalpha() for ch in s) >= n


def find_furniture(pages: list[list[str]]) -> set[str]:
    """Shapes of lines repeated at the page edges on at least half of the pages (and two)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        kept = [ln for ln in lines if ln.strip()]
        counts.update({shape(ln) for ln in kept[:EDGE_LINES] + kept[-EDGE_LINES:]})
    threshold = max(2, math.ceil(0.5 * len(pages)))
    return {s for s, c in counts.items() if c >= threshold and s}


def _strip_furniture(lines: list[str], furniture: set[str]) -> list[str]:
    kept_idx = [i for i, ln in enumerate(lines) if ln.strip()]
    edge = set(kept_idx[:EDGE_LINES] + kept_idx[-EDGE_LINES:])
    out = []
    for i, ln in enumerate(lines):
        if not ln.strip():
            continue
        s = shape(ln)
        at_edge = i in edge
        if s in furniture and (at_edge or _has_letters(s)):
            continue
        if at_edge and _PAGE_NUMBER.match(s):
            continue
        out.append(ln.rstrip())
    return out


def _vocabulary(pages: Iterable[list[str]]) -> set[str]:
    vocab: set[str] = set()
    for lines in pages:
        for ln in lines:
            vocab.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]+", ln))
    return vocab


def join_hyphenated(lines: list[str], vocab: set[str]) -> list[str]:
    """Join a word broken with a hyphen at a line end onto the next line.

    The hyphen is dropped ("organi-/sation") unless the document itself spells the word with one
    ("multi-tiered"), which is the only evidence there is for which kind of hyphen it was.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        while i + 1 < len(lines):
            m = _HYPHEN_END.search(line)
            nxt = _WORD_START.match(lines[i + 1].lstrip())
            if not (m and nxt):
                break
            left, right = m.group(1), nxt.group(1)
            keep = f"{left}-{right}".lower() in vocab and f"{left}{right}".lower() not in vocab
            joiner = "-" if keep else ""
            line = line[: m.start()] + left + joiner + lines[i + 1].lstrip()
            i += 1
        out.append(line)
        i += 1
    return out


def clean_pages(pages: list[PdfPage]) -> list[CleanPage]:
    raw = [p.text.splitlines() for p in pages]
    furniture = find_furniture(raw)
    vocab = _vocabulary(raw)
    return [
        CleanPage(number=p.number, lines=tuple(join_hyphenated(_strip_furniture(lines, furniture), vocab)))
        for p, lines in zip(pages, raw, strict=True)
    ]
