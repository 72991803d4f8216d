"""Find tables drawn without rules: figures lined up in columns by white space.

Council finance papers print most of their tables this way ("Table 6.1 – Proposed Council Tax
Increases by Band", prudential indicators, tax bases): no grid for `ingest.tables` to find, so their
rows were read as running text and a question about one cell got a bare row of numbers, or none.

poppler's `pdftotext -layout` keeps each printed line and its columns' positions. A table is a run
of lines that end in two or more figures whose right edges line up; the short lines just above it
name its columns. Each such table becomes a `Grid`, as a ruled one does, and `ingest.structure`
then finds its rows in pypdf's page text, so a row stays verbatim page text with its headers as data.
Where pdftotext is missing or fails, no such tables are found and the document still ingests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.text import match_key
from ingest.confirm import SecondReading
from ingest.tables import Grid, clean_cell, is_numeric_cell

LOST = "tables without rules are read as text"
ALIGN = 3  # right edges of figures this close (characters) are one column
MIN_ROWS = 2  # a table has at least this many rows of figures ...
MIN_COLUMNS = 2  # ... each with at least this many figures
HEADER_LINES = 5  # the column names sit in at most this many lines just above the first row
HEADER_WORDS = 8  # a longer cell above the rows is prose, which ends the header
LABEL_WORDS = 12  # a longer lead cell is a sentence that happens to end in figures
RUN_ON_LINES = 2  # lines of words alone between two rows: a label's end, then the next one's start
BLANK_LINES = 1  # blank lines a table's rows (and its header) may have between them; two end it

_CELL = re.compile(r"\S+(?: \S+)*")
_TITLE = re.compile(r"^\s*(?:Table|Figure|Chart)\s+\d", re.I)


@dataclass(frozen=True)
class _Cell:
    text: str
    start: int
    end: int


@dataclass
class _Row:
    label: str
    values: list[_Cell]


def layout_pages(path: Path) -> list[str] | None:
    """Each page's text as `pdftotext -layout` prints it, or None where pdftotext is unavailable
    (`parse_document` starts the same reading in the background instead)."""
    return layout_reading(path).pages()


def layout_reading(path: Path) -> SecondReading:
    """`pdftotext -layout` of the PDF, started in the background."""
    return SecondReading(path, layout=True, lost=LOST)


def _cells(line: str) -> list[_Cell]:
    """A printed line's cells: runs of words parted by single spaces (two or more part cells)."""
    return [_Cell(m.group(0), m.start(), m.end()) for m in _CELL.finditer(line)]


def _figure_row(cells: list[_Cell]) -> _Row | None:
    """A line that ends in figures: its lead words (the row's label) and its figures."""
    at = len(cells)
    while at > 0 and is_numeric_cell(cells[at - 1].text):
        at -= 1
    values = cells[at:]
    if len(values) < MIN_COLUMNS:
        return None
    lead = cells[:at]
    label = " ".join(c.text for c in lead)
    words = label.split()
    if len(words) > LABEL_WORDS or sum(is_numeric_cell(w) for w in words) >= MIN_COLUMNS:
        return None  # a sentence ending in figures, or figures the print ran together with a label
    return _Row(label, list(values))


def _columns(rows: list[_Row]) -> list[int]:
    """The right edges of the block's figure columns, left to right."""
    edges = sorted(v.end for r in rows for v in r.values)
    cols: list[list[int]] = []
    for e in edges:
        if cols and e - cols[-1][-1] <= ALIGN:
            cols[-1].append(e)
        else:
            cols.append([e])
    return [max(c) for c in cols]


def _column_of(cell: _Cell, edges: list[int], starts: list[int]) -> int | None:
    """The column a header cell names: the one whose figures its span overlaps most, or None for
    a cell left of every figure (the label column's name)."""
    best, best_overlap = None, 0
    for j, (lo, hi) in enumerate(zip(starts, edges, strict=True)):
        overlap = min(hi, cell.end) - max(lo, cell.start)
        if overlap > best_overlap:
            best, best_overlap = j, overlap
    if best is None and cell.end > starts[0]:
        best = min(range(len(edges)), key=lambda j: abs(edges[j] - cell.end))
    return best


def _header(lines: list[str], first: int, edges: list[int], starts: list[int]) -> list[str] | None:
    """The column names printed in the short lines just above the first row of figures."""
    names = [""] * (len(edges) + 1)
    found = False
    blank = 0
    for i in range(first - 1, max(-1, first - 1 - HEADER_LINES), -1):
        line = lines[i]
        cells = _cells(line)
        if not cells and not found and blank < BLANK_LINES:
            blank += 1  # pdftotext often leaves a blank line between a header and its rows
            continue
        if not cells or _TITLE.match(line):
            break
        words = [w for c in cells for w in c.text.split()]
        if any(len(c.text.split()) > HEADER_WORDS for c in cells) or any(map(is_numeric_cell, words)):
            break  # prose, or a line of figures: not a column's name
        for c in cells:
            j = _column_of(c, edges, starts)
            slot = 0 if j is None else j + 1
            names[slot] = " ".join(x for x in (c.text, names[slot]) if x)
        found = True
    if not found or sum(1 for n in names[1:] if n) < len(edges) // 2 + 1:
        return None
    return names


def _blocks(lines: list[str]) -> list[tuple[int, list[_Row]]]:
    """Runs of lines ending in figures, as (index of the first line, rows). A line of words alone
    inside a run (up to `RUN_ON_LINES`) is the first half of the next row's label when that row's
    label runs on in lower case ("Operational boundary – total" / "external debt 1,328.6 ..."); one
    blank line does not end a run; anything else does."""
    out: list[tuple[int, list[_Row]]] = []
    rows: list[_Row] = []
    first = 0
    pending: str | None = None
    alone = 0  # lines of words alone since the last row of figures
    blank = 0  # blank lines since the last row of figures
    for i, line in enumerate(lines):
        cells = _cells(line)
        if not cells and rows and blank < BLANK_LINES:
            blank += 1  # a blank line between rows, as pdftotext prints spaced tables
            continue
        row = _figure_row(cells) if cells else None
        if row is not None:
            if pending and row.label[:1].islower():
                row.label = f"{pending} {row.label}"
            if not rows:
                first = i
            rows.append(row)
            pending, alone, blank = None, 0, 0
            continue
        if rows and len(cells) == 1 and alone < RUN_ON_LINES and len(cells[0].text.split()) <= LABEL_WORDS:
            # The start of the next row's label (used if that row's label runs on in lower case),
            # or the end of the last row's, which is left out: a row is quoted as one printed line.
            pending, alone = cells[0].text, alone + 1
            continue
        if len(rows) >= MIN_ROWS:
            out.append((first, rows))
        rows, pending, alone, blank = [], None, 0, 0
    if len(rows) >= MIN_ROWS:
        out.append((first, rows))
    return out


def _placed(row: _Row, edges: list[int]) -> tuple[str, ...] | None:
    """A row's figures in the columns their right edges line up with, or None where two share one."""
    cells = [""] * len(edges)
    for v in row.values:
        j = min(range(len(edges)), key=lambda k: abs(edges[k] - v.end))
        if cells[j]:
            return None
        cells[j] = v.text
    return tuple(cells)


def page_grids(
    text: str, page: int, start_index: int, ruled_keys: str, stored: str | None = None
) -> list[Grid]:
    """The tables without rules on one page of layout text; a table whose rows a ruled grid of the
    page already holds (`ruled_keys`, their match keys joined) is left to that grid.

    With `stored` (the page's text as the index stores it), a table is kept only where most of its
    rows are runs of that text: a table whose figures the PDF stores column by column cannot be
    quoted a row at a time, and its rows would be found nowhere. Its match key is made only for a
    page that has a table to test."""
    lines = text.split("\n")
    grids: list[Grid] = []
    page_key: str | None = None
    for first, rows in _blocks(lines):
        edges = _columns(rows)
        if len(edges) < MIN_COLUMNS:
            continue
        starts = [
            min((v.start for r in rows for v in r.values if abs(v.end - e) <= ALIGN), default=e)
            for e in edges
        ]
        row_keys = [match_key(" ".join([r.label] + [v.text for v in r.values])) for r in rows]
        if any(k in ruled_keys for k in row_keys):
            continue
        if stored is not None:
            page_key = page_key if page_key is not None else match_key(stored)
            if sum(k in page_key for k in row_keys) * 2 < len(row_keys):
                continue
        header = _header(lines, first, edges, starts)
        if header is None:
            continue  # columns without names: a cell could not be asked for by its column
        body = [_placed(r, edges) for r in rows]
        if any(cells is None for cells in body):
            continue  # two figures of one row fall in one column: the print does not line up
        grid_rows = [tuple(clean_cell(h) for h in header)]
        grid_rows += [(clean_cell(r.label), *cells) for r, cells in zip(rows, body, strict=True) if cells]
        grids.append(Grid(page=page, index=start_index + len(grids), rows=tuple(grid_rows)))
    return grids


def aligned_grids(
    pages: list[str] | None, ruled: list[Grid], page_text: dict[int, str] | None = None
) -> list[Grid]:
    """Every table without rules in a document's layout pages, numbered on each page after its
    ruled tables; with `page_text` (page number -> the page's text as the index stores it), only
    those whose rows that text holds in order (`page_grids`)."""
    if not pages:
        return []
    by_page: dict[int, list[Grid]] = {}
    for g in ruled:
        by_page.setdefault(g.page, []).append(g)
    out: list[Grid] = []
    for number, text in enumerate(pages, start=1):
        on_page = by_page.get(number, [])
        keys = "|".join(match_key(" ".join(c for c in row if c)) for g in on_page for row in g.rows)
        stored = None if page_text is None else page_text.get(number, "")
        out += page_grids(text, number, len(on_page), keys, stored)
    return out


def all_grids(ruled: list[Grid], aligned: list[Grid]) -> list[Grid]:
    """Ruled and aligned tables in page order, ruled first on a page (as they are numbered)."""
    return sorted(ruled + aligned, key=lambda g: (g.page, g.index))
