"""Find ruled tables with pdfplumber, only on the pages that draw ruling lines.

pdfplumber costs 100-200 ms a page against pypdf's 10 ms, so a cheap scan of each page's content
stream for line and rectangle operators picks the pages worth handing to it. The grids come back
as rows of cell strings; `ingest.structure` then finds each row in pypdf's page text, so that a
table row stays verbatim page text with its headers attached as data.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_LINE_OP = re.compile(rb"[\d.]+ [\d.]+ l\b")
_RECT_OP = re.compile(rb"\bre\b")
_CID = re.compile(r"\(cid:\d+\)")
MIN_RULES = 4

# Header units that scale a column's values: "£000", "£'000", "£ 000" are thousands of pounds.
_UNIT_PATTERNS: list[tuple[re.Pattern[str], str, float]] = [
    (re.compile(r"£\s*'?\s*000\b|\(£k\)|£k\b", re.I), "£000", 1_000.0),
    (re.compile(r"£\s*m\b|£\s*million|\(£m\)", re.I), "£m", 1_000_000.0),
    (re.compile(r"£\s*bn\b|£\s*billion", re.I), "£bn", 1_000_000_000.0),
    (re.compile(r"%|per\s*cent", re.I), "%", 1.0),
    (re.compile(r"\bdays?\b", re.I), "days", 1.0),
    (re.compile(r"£", re.I), "£", 1.0),
]


@dataclass(frozen=True)
class Grid:
    page: int
    index: int  # order of the table on its page
    rows: tuple[tuple[str, ...], ...]


def clean_cell(value: str | None) -> str:
    if not value:
        return ""
    return " ".join(_CID.sub("", value).split())


def ruled_pages(reader) -> list[int]:  # type: ignore[no-untyped-def]
    """1-based numbers of pages whose content stream draws enough lines to hold a ruled table."""
    found = []
    for i, page in enumerate(reader.pages):
        try:
            contents = page.get_contents()
            data = contents.get_data() if contents is not None else b""
        except Exception:  # a page we cannot scan is simply not a table candidate
            continue
        if len(_LINE_OP.findall(data)) >= MIN_RULES or len(_RECT_OP.findall(data)) >= MIN_RULES:
            found.append(i + 1)
    return found


def extract_grids(path: Path, pages: list[int]) -> list[Grid]:
    if not pages:
        return []
    import pdfplumber

    grids: list[Grid] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pdfplumber.open(str(path), pages=pages) as pdf:
                for page in pdf.pages:
                    for i, table in enumerate(page.find_tables()):
                        rows = tuple(
                            tuple(clean_cell(c) for c in row)
                            for row in table.extract()
                            if any(clean_cell(c) for c in row)
                        )
                        if len(rows) >= 2:
                            grids.append(Grid(page=page.page_number, index=i, rows=rows))
    except Exception as exc:  # tables are an enrichment; their text still ingests as lines
        log.warning("%s: table detection failed (%s); tables will be read as text", path.name, exc)
        return []
    return grids


def header_unit(header: str) -> tuple[str | None, float]:
    """The unit a column header declares, and the factor that turns its values into that base unit."""
    for pattern, unit, scale in _UNIT_PATTERNS:
        if pattern.search(header):
            return unit, scale
    return None, 1.0


_NUMERIC = re.compile(r"^[\s£$€(]*[-+]?\d[\d,]*(?:\.\d+)?\s*(?:%|m|k|bn)?\)?\s*(?:\(max\))?$", re.I)


def is_numeric_cell(value: str) -> bool:
    return bool(_NUMERIC.match(value))


def looks_like_header(row: tuple[str, ...]) -> bool:
    filled = [c for c in row if c]
    if len(filled) < 2:
        return False
    numeric = sum(is_numeric_cell(c) for c in filled)
    return numeric == 0
