"""Find ruled tables and read their cells, with PDFium (pypdfium2).

A ruled table is a grid of horizontal and vertical rules. PDFium gives each drawn path with its
bounds in C, so finding the rules and reading the text inside each cell costs about a millisecond a
page; pdfplumber builds an object per character first and costs 100 ms. The grids come back as rows
of cell strings; `ingest.structure` then finds each row in pypdf's page text, so a table row stays
verbatim page text with its headers attached as data.

Merged cells (a row spanning all columns, such as "Option 3: ...") are found where a rule between
two grid cells is missing; the merged cell's text sits in its first column.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_CID = re.compile(r"\(cid:\d+\)")
RULE = 2.5  # a path thinner than this (points) is a rule
SNAP = 3.0  # rule positions closer than this are the same grid line
MIN_CELL = 6.0


@dataclass(frozen=True)
class Grid:
    page: int
    index: int  # order of the table on its page
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class _Rule:
    horizontal: bool
    at: float  # y of a horizontal rule, x of a vertical one
    lo: float  # extent along the rule
    hi: float


def clean_cell(value: str | None) -> str:
    text = " ".join(_CID.sub("", value or "").split())
    return "" if not any(ch.isalnum() for ch in text) else text  # a lone bullet or dash is an empty cell


def _rules(page) -> list[_Rule]:
    import pypdfium2.raw as pdfium_c

    rules: list[_Rule] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height <= RULE and width > MIN_CELL:
            rules.append(_Rule(True, (top + bottom) / 2, left, right))
        elif width <= RULE and height > MIN_CELL:
            rules.append(_Rule(False, (left + right) / 2, bottom, top))
        elif width > MIN_CELL and height > MIN_CELL:
            # A box: its four edges are rules (cell borders drawn as rectangles).
            rules += [
                _Rule(True, bottom, left, right),
                _Rule(True, top, left, right),
                _Rule(False, left, bottom, top),
                _Rule(False, right, bottom, top),
            ]
    return rules


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _covered(rules: list[_Rule], at: float, lo: float, hi: float) -> bool:
    """Whether some rule at position `at` covers most of the span lo..hi."""
    need = (hi - lo) * 0.6
    return any(abs(r.at - at) <= SNAP and min(r.hi, hi) - max(r.lo, lo) >= need for r in rules)


def _components(rules: list[_Rule]) -> list[list[_Rule]]:
    """Groups of rules that touch each other: one group per table."""
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, r in enumerate(rules) if r.horizontal]
    vs = [i for i, r in enumerate(rules) if not r.horizontal]
    for i in hs:
        h = rules[i]
        for j in vs:
            v = rules[j]
            if h.lo - SNAP <= v.at <= h.hi + SNAP and v.lo - SNAP <= h.at <= v.hi + SNAP:
                parent[find(i)] = find(j)
    groups: dict[int, list[_Rule]] = {}
    for i, r in enumerate(rules):
        groups.setdefault(find(i), []).append(r)
    return list(groups.values())


def _grid(textpage, rules: list[_Rule]) -> tuple[tuple[str, ...], ...] | None:
    hs = [r for r in rules if r.horizontal]
    vs = [r for r in rules if not r.horizontal]
    ys = sorted(_snap([r.at for r in hs]), reverse=True)  # top of the page first
    xs = _snap([r.at for r in vs])
    if len(ys) < 2 or len(xs) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    # Union-find over grid cells: neighbours with no rule between them are one merged cell.
    owner = {(i, j): (i, j) for i in range(n_rows) for j in range(n_cols)}

    def find(c: tuple[int, int]) -> tuple[int, int]:
        while owner[c] != c:
            c = owner[c]
        return c

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            owner[max(ra, rb)] = min(ra, rb)

    for i in range(n_rows):
        top, bottom = ys[i], ys[i + 1]
        for j in range(n_cols - 1):
            if not _covered(vs, xs[j + 1], bottom, top):
                union((i, j), (i, j + 1))
    for j in range(n_cols):
        left, right = xs[j], xs[j + 1]
        for i in range(n_rows - 1):
            if not _covered(hs, ys[i + 1], left, right):
                union((i, j), (i + 1, j))
    regions: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for cell in owner:
        regions.setdefault(find(cell), []).append(cell)
    rows = [[""] * n_cols for _ in range(n_rows)]
    for cells in regions.values():
        i0 = min(i for i, _ in cells)
        i1 = max(i for i, _ in cells)
        j0 = min(j for _, j in cells)
        j1 = max(j for _, j in cells)
        text = textpage.get_text_bounded(
            left=xs[j0] + 0.5, bottom=ys[i1 + 1] + 0.5, right=xs[j1 + 1] - 0.5, top=ys[i0] - 0.5
        )
        rows[i0][j0] = clean_cell(text)
    return tuple(tuple(r) for r in rows)


def _top(group: list[_Rule]) -> float:
    return max((r.at for r in group if r.horizontal), default=0.0)


def extract_grids(path: Path) -> list[Grid]:
    """Every ruled table in the PDF, page by page. Tables are an enrichment: on any failure the
    document still ingests, its tables read as plain text."""
    import pypdfium2 as pdfium

    grids: list[Grid] = []
    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:
        log.warning("%s: table detection failed (%s); tables will be read as text", path.name, exc)
        return []
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            rules = _rules(page)
            if len(rules) < 4:
                continue
            textpage = page.get_textpage()
            index = 0
            for group in sorted(_components(rules), key=_top, reverse=True):
                rows = _grid(textpage, group)
                if rows is None:
                    continue
                rows = tuple(r for r in rows if any(r))
                if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                    grids.append(Grid(page=number + 1, index=index, rows=_without_empty_columns(rows)))
                    index += 1
    except Exception as exc:
        log.warning("%s: table detection failed (%s); tables will be read as text", path.name, exc)
    finally:
        pdf.close()
    return grids


# Header units that scale a column's values: "£000", "£000s", "£'000", "£ 000" are thousands of pounds.
_UNIT_PATTERNS: list[tuple[re.Pattern[str], str, float]] = [
    (re.compile(r"£\s*'?\s*000s?\b|\(£k\)|£k\b", re.I), "£000", 1_000.0),
    (re.compile(r"£\s*m\b|£\s*million|\(£m\)", re.I), "£m", 1_000_000.0),
    (re.compile(r"£\s*bn\b|£\s*billion", re.I), "£bn", 1_000_000_000.0),
    (re.compile(r"%|per\s*cent", re.I), "%", 1.0),
    (re.compile(r"\bdays?\b", re.I), "days", 1.0),
    (re.compile(r"£", re.I), "£", 1.0),
]


def header_unit(header: str) -> tuple[str | None, float]:
    """The unit a column header declares, and the factor that turns its values into that base unit."""
    for pattern, unit, scale in _UNIT_PATTERNS:
        if pattern.search(header):
            return unit, scale
    return None, 1.0


_NUMERIC = re.compile(r"^[\s£$€(]*[-+]?\d[\d,]*(?:\.\d+)?\s*(?:%|m|k|bn)?\)?\s*(?:\(max\))?$", re.I)


def is_numeric_cell(value: str) -> bool:
    return bool(_NUMERIC.match(value))


def _without_empty_columns(rows: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """A grid without the columns no row fills (a stray rule splits a cell in two), so a table
    continued on the next page lines up with the header row of its first page."""
    if not rows:
        return rows
    width = max(len(r) for r in rows)
    keep = [i for i in range(width) if any(i < len(r) and r[i].strip() for r in rows)]
    return tuple(tuple(r[i] if i < len(r) else "" for i in keep) for r in rows)


HEADER_WORDS = 8  # a header cell names a column; a longer cell is content


def looks_like_header(row: tuple[str, ...]) -> bool:
    """Column names: no figures, and no cell that reads as running text. A row that carries on a
    cell from the previous page ("been identified. No wider ...", "engagement and empowerment
    arrangements") is content that continues a table, not its header."""
    filled = [c for c in row if c]
    if len(filled) < 2:
        return False
    if any(is_numeric_cell(c) for c in filled):
        return False
    return not any(
        c[:1].islower() or len(c.split()) > HEADER_WORDS or c.rstrip().endswith(".") for c in filled
    )
