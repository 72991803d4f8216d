"""Where a quote sits on its PDF page, and the page as an image: what the highlight view draws.

PDFium (pypdfium2) reads each character of the page with its box. The quote is found in the page's
characters under the same match key that verifies quotes (core.text: whitespace, hyphenation and
typographic quotes may differ), so whatever verification accepts is found here, table rows included:
a row's cells share a baseline, so its characters merge into one box across the row, and a row label
wrapped onto a second line gets a box of its own. When PDFium reads a table's cells in another order
than the quote, the quote is covered piece by piece, each piece the nearest to the one before.

PDFium is not thread-safe and the API serves requests from a thread pool, so every call into it
holds one lock. Rendered pages and character tables are cached, keyed by the file's modification
time, so a re-ingested PDF is read afresh.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.text import key_with_index, match_key

RENDER_SCALE = 2.0  # pixels per PDF point: 144 dpi, sharp on a phone and when zoomed
CACHED_PAGES = 24  # rendered PNGs of 100-400 kB each
CACHED_LAYOUTS = 64
# Characters PDFium generates or uses as markers, not part of the printed text.
_MARKERS = {"\x02", "\ufffe", "\uffff", "\x00"}
# A box more than this share of a line's height above or below starts a new line.
_SAME_LINE = 0.5
# The piecewise cover of a quote: pieces shorter than this (in key characters) match too easily by
# chance, and a cover needing more pieces than this share of the quote's words is not the quote.
_MIN_PIECE = 4
_MAX_PIECES_PER_WORD = 0.5

# How a long quote is shortened in links (assistant.links): the opening and the closing words.
ELLIPSIS = " … "

_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class Box:
    """A rectangle on the page as displayed, in PDF points from its top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    def union(self, other: Box) -> Box:
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class PageLayout:
    """A page's characters in PDFium's reading order, each with its box (None for generated
    characters such as the line breaks PDFium inserts), and the page's displayed size."""

    width: float
    height: float
    text: str
    boxes: tuple[Box | None, ...]


@dataclass(frozen=True)
class Highlight:
    """The boxes of a quote on its page, one per line it runs over; empty when it was not found."""

    layout: PageLayout
    boxes: tuple[Box, ...]

    @property
    def found(self) -> bool:
        return bool(self.boxes)


def _stamp(path: Path) -> int:
    return path.stat().st_mtime_ns


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()


def layout(path: Path, page: int) -> PageLayout:
    """The characters and boxes of 1-based `page` of the PDF at `path`."""
    return _layout(str(path), _stamp(path), page)


@lru_cache(maxsize=CACHED_LAYOUTS)
def _layout(path: str, stamp: int, page: int) -> PageLayout:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with _PDFIUM:
        pdf = pdfium.PdfDocument(path)
        try:
            p = pdf[page - 1]
            width, height = p.get_size()
            textpage = p.get_textpage()
            # Device coordinates at 10 units a point keep a tenth of a point of the integer mapping.
            fine = 10
            size_x, size_y = round(width * fine), round(height * fine)
            dx, dy = ctypes.c_int(), ctypes.c_int()

            def to_display(x: float, y: float) -> tuple[float, float]:
                pdfium_c.FPDF_PageToDevice(p.raw, 0, 0, size_x, size_y, 0, x, y, dx, dy)
                return dx.value / fine, dy.value / fine

            chars: list[str] = []
            boxes: list[Box | None] = []
            for i in range(textpage.count_chars()):
                ch = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
                chars.append(" " if ch in _MARKERS else ch)
                if ch.isspace() or ch in _MARKERS or pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1:
                    boxes.append(None)
                    continue
                try:
                    left, bottom, right, top = textpage.get_charbox(i)
                except pdfium.PdfiumError:
                    boxes.append(None)
                    continue
                (x0, y0), (x1, y1) = to_display(left, top), to_display(right, bottom)
                boxes.append(Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
            return PageLayout(width, height, "".join(chars), tuple(boxes))
        finally:
            pdf.close()


def find(page: PageLayout, quote: str) -> Highlight:
    """The line boxes of `quote` on the page, compared by match key."""
    return Highlight(page, tuple(_lines(page, _char_indices(page, quote))))


def _char_indices(page: PageLayout, quote: str) -> list[int]:
    wanted = match_key(quote)
    if not wanted:
        return []
    key, index = key_with_index(page.text)
    at = key.find(wanted)
    if at >= 0:
        return index[at : at + len(wanted)]
    if ELLIPSIS in quote:
        return _span(key, index, *quote.rsplit(ELLIPSIS, 1))
    return _cover(key, index, wanted, len(quote.split()))


def _span(key: str, index: list[int], head: str, tail: str) -> list[int]:
    """A quote given by its opening and closing words (assistant.links.link_quote): from the first
    to the last, the closing words being the first occurrence after the opening ones."""
    head_key, tail_key = match_key(head), match_key(tail)
    start = key.find(head_key) if head_key else -1
    end = key.find(tail_key, start + len(head_key)) if start >= 0 and tail_key else -1
    if end < 0:
        return []
    return index[start : end + len(tail_key)]


def _cover(key: str, index: list[int], wanted: str, words: int) -> list[int]:
    """Cover the quote's key with the longest pieces the page has, each piece the occurrence nearest
    the previous one: a table row whose cells PDFium reads in another order than the quote."""
    out: list[int] = []
    pos, previous, pieces = 0, 0, 0
    while pos < len(wanted):
        best_len, best_at = 0, -1
        length = _MIN_PIECE if len(wanted) - pos >= _MIN_PIECE else len(wanted) - pos
        while pos + length <= len(wanted):
            piece = wanted[pos : pos + length]
            at = _nearest(key, piece, previous)
            if at < 0:
                break
            best_len, best_at = length, at
            length += 1
        if best_at < 0:
            return []
        out += index[best_at : best_at + best_len]
        previous = best_at + best_len
        pos += best_len
        pieces += 1
        if pieces > max(2, words * _MAX_PIECES_PER_WORD):
            return []
    return out


def _nearest(key: str, piece: str, near: int) -> int:
    best = -1
    at = key.find(piece)
    while at >= 0:
        if best < 0 or abs(at - near) < abs(best - near):
            best = at
        at = key.find(piece, at + 1)
    return best


def _lines(page: PageLayout, indices: list[int]) -> list[Box]:
    """Merge character boxes into one box per line: a new line starts when a character sits off the
    current line's vertical band."""
    lines: list[Box] = []
    for i in indices:
        box = page.boxes[i]
        if box is None:
            continue
        if lines:
            line = lines[-1]
            middle = (box.top + box.bottom) / 2
            band = max(line.height, box.height) * _SAME_LINE
            if line.top - band <= middle <= line.bottom + band:
                lines[-1] = line.union(box)
                continue
        lines.append(box)
    return lines


def render_png(path: Path, page: int, scale: float = RENDER_SCALE) -> bytes:
    """1-based `page` of the PDF as a PNG, `scale` pixels per point."""
    return _render(str(path), _stamp(path), page, scale)


@lru_cache(maxsize=CACHED_PAGES)
def _render(path: str, stamp: int, page: int, scale: float) -> bytes:
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(path)
        try:
            image = pdf[page - 1].render(scale=scale).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
