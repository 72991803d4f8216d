"""Turn cleaned pages into *units*: sentences, headings, list items and table rows with provenance.

A unit is the smallest thing the answerer can quote. Each keeps the page spans it came from (offsets
into `CleanPage.text`, so its text is verbatim page text), the section it sits under ("2.4", "3.3(a)",
"4.4 Financial planning and viability") and, for tables, its row label and column headers as data.

The steps, in order:
1. pages become a stream of lines; paragraph numbers printed mid-line ("... is: 2.1. To set out")
   start a line of their own;
2. table rows found by `ingest.tables` are located in that stream and replace the lines they cover;
3. the remaining lines are grouped into blocks (a paragraph, a list item, a heading) using markers
   and line lengths, across page breaks when a paragraph runs on;
4. a section tracker walks the blocks and assigns section ids;
5. blocks are split into sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from core.records import PageSpan, TableCell, TableInfo, UnitKind
from core.text import key_with_index, match_key, sentence_spans, squash
from ingest.clean import CleanPage
from ingest.tables import Grid, header_unit, is_numeric_cell, looks_like_header

# ---------------------------------------------------------------------------------------------
# Data


@dataclass
class ParsedUnit:
    """A unit as parsing finds it: its runs of page text, before it is placed in a chunk."""

    kind: UnitKind
    spans: list[PageSpan]
    text: str  # verbatim page text (page breaks joined with a newline)
    section: str | None = None
    heading: str | None = None
    block: int = 0
    table: TableInfo | None = None

    @property
    def page(self) -> int:
        """The page a quote of this unit cites: the one holding most of its text."""
        return max(self.spans, key=lambda s: s.end - s.start).page

    @property
    def pages(self) -> tuple[int, int]:
        return self.spans[0].page, self.spans[-1].page


# ---------------------------------------------------------------------------------------------
# Markers

_NUM_PARA = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?(?=\s|$)")
_NUM_TOP = re.compile(r"^(\d{1,2})\.(?=\s)")
_LETTER_ITEM = re.compile(r"^\(((?:[a-z])|(?:[ivx]{1,4}))\)(?=\s)")
_BULLET = re.compile(r"^[•\x7f▪◦●·\-–]\s")
_LABEL = re.compile(r"^(Recommendation|Outcome|Option|Risk|Objective|Priority|Action)\s+(\d{1,2}|[A-Z])\b")
_INLINE_PARA = re.compile(r"\s+(?=\d{1,2}\.\d{1,2}\.(?:\s+[A-Z“\"‘(]|$))")
_REFERENCE_WORD = re.compile(
    r"(?:para|paras|paragraph|paragraphs|section|sections|and|to|in|of|at|see)\s*$", re.I
)
_TABLE_TITLE = re.compile(r"\bTable\s+(\d+)\b(?:\s*[-–:]\s*([^\n.]{3,60}))?")
_TERMINAL = re.compile(r"(?:[.;,:!?]|:-)$")


def marker(text: str) -> tuple[str, str] | None:
    """The paragraph or item marker a block starts with, as (kind, value)."""
    if m := _NUM_PARA.match(text):
        return "para", m.group(1)
    if m := _NUM_TOP.match(text):
        return "top", m.group(1)
    if m := _LETTER_ITEM.match(text):
        return "item", m.group(1)
    if _BULLET.match(text):
        return "bullet", ""
    if m := _LABEL.match(text):
        return "label", f"{m.group(1)} {m.group(2)}"
    return None


# ---------------------------------------------------------------------------------------------
# Lines


@dataclass
class _Line:
    page: int
    start: int
    end: int
    text: str
    width: int = 0  # the page's typical full line length, for the short-line rule
    col_end: int = 0  # where the text ends within its printed line


def _lines(pages: list[CleanPage]) -> list[_Line]:
    out: list[_Line] = []
    for page in pages:
        offset = 0
        page_lines: list[_Line] = []
        for raw in page.lines:
            start, end = offset, offset + len(raw)
            offset = end + 1
            # Paragraph numbers printed mid-line start a line of their own.
            cuts = [
                m.end() for m in _INLINE_PARA.finditer(raw) if not _REFERENCE_WORD.search(raw[: m.start()])
            ]
            bounds = [0, *cuts, len(raw)]
            for a, b in pairwise(bounds):
                piece = raw[a:b]
                lead = len(piece) - len(piece.lstrip())
                piece = piece.strip()
                if piece:
                    page_lines.append(
                        _Line(
                            page.number,
                            start + a + lead,
                            start + a + lead + len(piece),
                            piece,
                            col_end=a + lead + len(piece),
                        )
                    )
        lengths = sorted(ln.col_end for ln in page_lines)
        width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
        for ln in page_lines:
            ln.width = max(width, 40)
        out.extend(page_lines)
    return out


def _is_short(line: _Line) -> bool:
    return line.col_end < 0.78 * line.width


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass
class _TableHit:
    page: int
    start: int
    end: int
    info: TableInfo
    kind: UnitKind


def _table_title(pages_text: dict[int, str], page: int, before: int) -> str | None:
    """The nearest "Table N - title" printed before a table, on its page or at the end of the last."""
    window = pages_text.get(page, "")[:before]
    prev = pages_text.get(page - 1, "")
    for text in (window, window if len(window) > 400 else prev[-600:] + "\n" + window):
        found = list(_TABLE_TITLE.finditer(text[-600:]))
        if found:
            m = found[-1]
            title = f"Table {m.group(1)}"
            if m.group(2):
                title += f" – {m.group(2).strip()}"
            return title
    return None


def _locate_tables(pages: list[CleanPage], grids: list[Grid]) -> list[_TableHit]:
    pages_text = {p.number: p.text for p in pages}
    keys = {p.number: key_with_index(p.text) for p in pages}
    hits: list[_TableHit] = []
    last_headers: tuple[str, ...] = ()
    last_width = 0
    last_title: str | None = None
    last_page = 0
    for grid in grids:
        key, index = keys.get(grid.page, ("", []))
        if not key:
            continue
        rows = [r for r in grid.rows if any(r)]
        headers: tuple[str, ...] = ()
        header_rows: range = range(0)
        found = _header(rows)
        continued = False
        if found is not None:
            headers, header_rows = found
        elif last_headers and _used_width(rows) <= last_width:
            headers, continued = last_headers, True  # a table continued from the previous page
        first_pos = _find(key, match_key(" ".join(c for c in rows[0] if c)), 0)
        title = _table_title(pages_text, grid.page, index[first_pos] if first_pos >= 0 else 0)
        table_id = (
            title.split(" –")[0].lower().replace(" ", "-") if title else f"p{grid.page}-t{grid.index + 1}"
        )
        if (
            title is None
            and last_title
            and grid.page - last_page in (0, 1)
            and (continued or (headers and headers == last_headers))
        ):
            # The untitled part of a table that runs over pages, under the same columns, is part of
            # that table: "Table 1" names its rows on every page (each part keeps its own id, since
            # its rows are numbered from its own first row).
            title = last_title
        cursor = 0
        group: str | None = None
        for row_no, row in enumerate(rows):
            filled = [c for c in row if c]
            if not filled:
                continue
            is_header = row_no in header_rows
            only_first = len(filled) == 1 and bool(row[0])
            if header_rows and row_no < header_rows.start:
                continue  # the table's title, printed in its first row: read as text, not a group
            at = _label_column(row)
            label = row[at] if row[at] and len(row[at].split()) <= ROW_LABEL_WORDS else None
            if is_header or only_first or _is_record_row(row):
                cells = (
                    ()
                    if is_header or only_first
                    else tuple(
                        TableCell(h, v, *header_unit(h))
                        for col, (h, v) in enumerate(zip(_pad(headers, len(row)), row, strict=False))
                        if v and col >= at and not (col == at and v == label)
                    )
                )
                info = TableInfo(
                    table_id=table_id,
                    title=title,
                    headers=headers,
                    row_label=None if is_header else (row[0] if only_first else label),
                    cells=cells,
                    group=None if (is_header or only_first) else group,
                    is_header=is_header,
                    row=row_no,
                    label_header=_label_header(headers, at) if label and not is_header else None,
                )
                row_key = match_key(" ".join(filled))
                pos = _find(key, row_key, cursor)
                if pos >= 0:
                    start, end = index[pos], index[pos + len(row_key) - 1] + 1
                    kind: UnitKind = "table_header" if is_header else "table_row"
                    hits.append(_TableHit(grid.page, start, end, info, kind))
                    cursor = pos + len(row_key)
                if only_first and not is_header:
                    group = row[0]
                continue
            # A row of prose cells: its leading short cells (label, lead council) form one unit, and
            # each long cell is its own unit, with its column header and the row's label (or the
            # spanning row above it, such as "Option 3: ...").
            lead = 0
            while lead < len(row) and row[lead] and len(row[lead].split()) <= ROW_LABEL_WORDS:
                lead += 1
            if label and lead:
                lead_key = match_key(" ".join(row[:lead]))
                lpos = _find(key, lead_key, cursor)
                if lpos >= 0:
                    cells = tuple(
                        TableCell(h, v, *header_unit(h))
                        for h, v in zip(_pad(headers, lead)[1:lead], row[1:lead], strict=False)
                    )
                    hits.append(
                        _TableHit(
                            grid.page,
                            index[lpos],
                            index[lpos + len(lead_key) - 1] + 1,
                            TableInfo(
                                table_id,
                                title,
                                headers,
                                label,
                                cells,
                                group,
                                row=row_no,
                                label_header=_label_header(headers, at),
                            ),
                            "table_row",
                        )
                    )
                    cursor = lpos + len(lead_key)
            for col, value in enumerate(row):
                if col < lead and label:
                    continue
                if len(value) < MIN_CELL_CHARS or (col == 0 and value == label):
                    continue
                cell_key = match_key(value)
                cpos = _find(key, cell_key, cursor)
                if cpos < 0:
                    continue
                start, end = index[cpos], index[cpos + len(cell_key) - 1] + 1
                column = headers[col] if col < len(headers) and headers[col] else None
                hits.append(
                    _TableHit(
                        grid.page,
                        start,
                        end,
                        TableInfo(
                            table_id=table_id,
                            title=title,
                            headers=headers,
                            row_label=label,
                            cells=(TableCell(column or "", value, *header_unit(column or "")),),
                            group=group,
                            column=column,
                            row=row_no,
                        ),
                        "table_cell",
                    )
                )
                cursor = cpos + len(cell_key)
        if headers:
            last_headers, last_width = headers, len(headers)
            last_title, last_page = title, grid.page
    hits.sort(key=lambda h: (h.page, h.start))
    # Drop overlaps, keeping the earlier hit.
    kept: list[_TableHit] = []
    for h in hits:
        if kept and kept[-1].page == h.page and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


ROW_LABEL_WORDS = 8
MIN_CELL_CHARS = 12


def _pad(headers: tuple[str, ...], n: int) -> tuple[str, ...]:
    return tuple(headers) + ("",) * max(0, n - len(headers))


def _used_width(rows: list[tuple[str, ...]]) -> int:
    return 1 + max((i for r in rows for i, c in enumerate(r) if c), default=-1)


# Where to look for a table's header: after title rows that span the table, within its first rows;
# and how many rows under it may name its columns further ("Year 1", "£000s").
HEADER_SEARCH_ROWS = 3
MAX_SUB_HEADER_ROWS = 2
SUB_HEADER_WORDS = 3
_ROW_REF = re.compile(r"^\d{1,3}[a-z]?\.?$")


def _header(rows: list[tuple[str, ...]]) -> tuple[tuple[str, ...], range] | None:
    """The column names of a grid and the rows that print them: the first row that names columns,
    after any title rows that span the table ("APPENDIX A - CAPITAL INVESTMENT SUMMARY"), with the
    short rows under it that name the columns further ("2025-26" over "Year 1" over "£000s") joined
    into each column's name, so that the unit (£000s) travels with the column."""
    first = 0
    while first < min(len(rows), HEADER_SEARCH_ROWS) and sum(1 for c in rows[first] if c) == 1:
        first += 1
    if first >= len(rows) or not looks_like_header(rows[first]):
        return None
    names = list(rows[first])
    last = first + 1
    while last < len(rows) and last - first <= MAX_SUB_HEADER_ROWS and _names_columns(rows[last]):
        names = [
            " ".join(x for x in (n, c) if x)
            for n, c in zip(_pad(tuple(names), len(rows[last])), rows[last], strict=False)
        ]
        last += 1
    return tuple(names), range(first, last)


def _names_columns(row: tuple[str, ...]) -> bool:
    """A header's second line: short names ("Year 1", "£000s") in two or more columns, no figures."""
    filled = [c for c in row if c]
    return looks_like_header(row) and all(len(c.split()) <= SUB_HEADER_WORDS for c in filled)


def _label_header(headers: tuple[str, ...], at: int) -> str | None:
    """The header of the column the row labels sit in ("Work stream"), or None where it has none."""
    return (headers[at].strip() or None) if at < len(headers) else None


def _label_column(row: tuple[str, ...]) -> int:
    """The column that names the row: the first, unless it holds only a row reference ("1", "12a")
    and the next holds words."""
    if len(row) > 1 and _ROW_REF.match(row[0].strip()) and row[1] and not is_numeric_cell(row[1]):
        return 1
    return 0


def _is_record_row(row: tuple[str, ...]) -> bool:
    """A row of figures or short values (a data row), as opposed to a row of prose cells."""
    filled = [c for c in row[1:] if c]
    if not filled:
        return True
    if any(is_numeric_cell(c) for c in filled):
        return True
    return sum(len(c.split()) for c in filled) / len(filled) <= 6


def _find(key: str, needle: str, start: int) -> int:
    return key.find(needle, start) if needle else -1


# ---------------------------------------------------------------------------------------------
# Blocks


@dataclass
class _Block:
    lines: list[_Line] = field(default_factory=list)
    table: _TableHit | None = None
    kind: str = "paragraph"  # paragraph | heading | list_item | table_row | table_header | table_cell
    mark: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


def _stream(lines: list[_Line], hits: list[_TableHit]) -> Iterator[_Line | _TableHit]:
    """Lines in order, with table hits replacing the lines (or parts of lines) they cover."""
    by_page: dict[int, list[_TableHit]] = {}
    for h in hits:
        by_page.setdefault(h.page, []).append(h)
    emitted: set[int] = set()
    for ln in lines:
        page_hits = by_page.get(ln.page, [])
        covering = [h for h in page_hits if h.start < ln.end and h.end > ln.start]
        if not covering:
            yield ln
            continue
        pos = ln.start
        for h in covering:
            if h.start > pos:
                yield _piece(ln, pos, h.start)
            if id(h) not in emitted:
                emitted.add(id(h))
                yield h
            pos = max(pos, h.end)
        if pos < ln.end:
            yield _piece(ln, pos, ln.end)


def _piece(ln: _Line, start: int, end: int) -> _Line:
    a, b = start - ln.start, end - ln.start
    raw = ln.text[a:b]
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    if not text:
        return _Line(ln.page, start, start, "", ln.width, ln.col_end)
    col_end = ln.col_end - (ln.end - (start + lead + len(text)))
    return _Line(ln.page, start + lead, start + lead + len(text), text, ln.width, col_end)


def _blocks(lines: list[_Line], hits: list[_TableHit]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    prev: _Line | None = None
    in_list = False  # inside a list introduced by a line ending in a colon
    for item in _stream(lines, hits):
        if isinstance(item, _TableHit):
            blocks.append(_Block(table=item, kind=item.kind))
            current, prev, in_list = None, None, False
            continue
        if not item.text:
            continue
        mark = marker(item.text)
        opener = prev is not None and _opens_list(prev.text)
        broken_sentence = (
            prev is not None
            and not in_list
            and not opener
            and not _TERMINAL.search(prev.text)
            and _continues_sentence(item.text)
        )
        starts_new = (
            current is None
            or mark is not None
            or prev is None
            or (_is_short(prev) and not _unfinished(prev.text) and not broken_sentence)
            or (opener and (_starts_item(item.text) or prev.text.count("(") <= prev.text.count(")")))
        )
        if starts_new:
            if opener:
                in_list = True
            elif in_list and (mark is not None or item.text[:1].isupper()):
                in_list = False
            current = _Block(lines=[item], mark=mark)
            blocks.append(current)
        else:
            assert current is not None
            current.lines.append(item)
        prev = item
    _classify(blocks)
    return blocks


def _continues_sentence(text: str) -> bool:
    """A line that cannot start a paragraph or an item of its own: "£11.3m of ...", "business ..."."""
    first = text[:1]
    return first.islower() or first in "£(" or (first.isdigit() and marker(text) is None)


_CONTINUES = re.compile(
    r"\b(?:and|or|but|nor|the|of|to|in|for|with|a|an|by|on|at|from|that|which|as|its|their|our|is|are|was|were)$"
)


def _unfinished(text: str) -> bool:
    """A line that stops on a function word is wrapped mid-sentence, however short it is."""
    return bool(_CONTINUES.search(text))


def _opens_list(text: str) -> bool:
    return text.endswith((":", ":-"))


def _starts_item(text: str) -> bool:
    first = text.lstrip("(\"“'")[:1]
    return first.isupper() or marker(text) is not None


def _heading_like(block: _Block) -> bool:
    if block.table is not None or len(block.lines) != 1:
        return False
    text = block.lines[0].text
    if _TERMINAL.search(text) or len(text.split()) > 12 or not _is_short(block.lines[0]):
        return False
    first = text.lstrip("(\"“'")[:1]
    return first.isupper() or first.isdigit()


def _classify(blocks: list[_Block]) -> None:
    for i, b in enumerate(blocks):
        if b.table is not None:
            continue
        mark_kind = b.mark[0] if b.mark else None
        if _heading_like(b):
            if mark_kind in ("para", "top"):
                b.kind = "heading"
                continue
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            prv = blocks[i - 1] if i > 0 else None
            if nxt is None or (
                nxt.mark is not None and nxt.mark[0] in ("para", "top") and _heading_like(nxt)
            ):
                b.kind = "list_item"  # nothing follows it to be headed: it is content ("None arising ...")
                continue
            next_short = (
                nxt is not None
                and nxt.table is None
                and len(nxt.lines) == 1
                and _is_short(nxt.lines[0])
                and not _TERMINAL.search(nxt.lines[0].text)
                and (nxt.mark is None or nxt.mark[0] == mark_kind)
            )
            # The last line of a list run, followed by the next numbered paragraph, is still a list item.
            ends_run = (
                prv is not None
                and prv.kind == "list_item"
                and prv.mark is None
                and mark_kind is None
                and nxt is not None
                and nxt.mark is not None
                and nxt.mark[0] in ("para", "top")
            )
            in_run = next_short or ends_run
            b.kind = "list_item" if in_run else "heading"
        elif mark_kind in ("item", "bullet") or (
            len(b.lines) == 1 and _is_short(b.lines[0]) and i > 0 and blocks[i - 1].text.endswith(":")
        ):
            b.kind = "list_item"


# ---------------------------------------------------------------------------------------------
# Sections


class SectionTracker:
    """Assigns section ids as blocks go by, the way a council officer cites them.

    "2.4" for a numbered paragraph, "4.4 Financial planning and viability" for unnumbered text under a
    numbered heading, "3.3(a)" for a lettered item, "2. Recommendations (1)" for a numbered list that
    restarts inside a section, and the heading text in documents that number nothing.
    """

    def __init__(self) -> None:
        self.top: int | None = None
        self.base: str | None = None
        self.item: str | None = None
        self.list_n: int | None = None
        self.heading: str | None = None

    @property
    def section(self) -> str | None:
        if self.base is None:
            return self.heading
        return f"{self.base}{self.item}" if self.item else self.base

    def _set_base(self, number: str, block: _Block, text: str) -> None:
        self.base = squash(text) if block.kind == "heading" else number
        self.item = None
        self.list_n = None

    def feed(self, block: _Block) -> None:
        text = block.text
        kind, value = block.mark if block.mark else (None, "")
        if kind == "para":
            self.top = int(value.split(".")[0])
            self._set_base(value, block, text)
        elif kind == "top":
            n = int(value)
            numbered_heading = block.kind == "heading" and self.top is not None and n == self.top + 1
            if self.list_n is not None and n == self.list_n + 1 and not numbered_heading:
                self.item, self.list_n = f" ({n})", n
            elif self.top is None or self.top < n <= self.top + 5:
                self.top = n
                self._set_base(value, block, text)
            else:
                self.item, self.list_n = f" ({n})", n
        elif kind == "item":
            self.item = f"({value})"
        elif kind == "label" and self.base is None:
            self.heading = value
        if block.kind == "heading":
            self.heading = squash(text)
            if kind not in ("para", "top"):
                self.item, self.list_n = None, None


# ---------------------------------------------------------------------------------------------
# Units


def _span_map(lines: list[_Line]) -> tuple[str, list[tuple[int, _Line]]]:
    parts, offsets, pos = [], [], 0
    for ln in lines:
        offsets.append((pos, ln))
        parts.append(ln.text)
        pos += len(ln.text) + 1
    return "\n".join(parts), offsets


def _spans_for(offsets: list[tuple[int, _Line]], start: int, end: int) -> list[PageSpan]:
    spans: list[PageSpan] = []
    for base, ln in offsets:
        a, b = max(start, base), min(end, base + len(ln.text))
        if a >= b:
            continue
        s = PageSpan(ln.page, ln.start + (a - base), ln.start + (b - base))
        if spans and spans[-1].page == s.page:
            spans[-1] = PageSpan(s.page, spans[-1].start, s.end)
        else:
            spans.append(s)
    return spans


LONG_CELL_WORDS = 60


def parse_units(pages: list[CleanPage], grids: list[Grid] | None = None) -> list[ParsedUnit]:
    lines = _lines(pages)
    hits = _locate_tables(pages, grids or [])
    blocks = _blocks(lines, hits)
    pages_text = {p.number: p.text for p in pages}
    tracker = SectionTracker()
    units: list[ParsedUnit] = []
    for block_no, block in enumerate(blocks):
        if block.table is not None:
            hit = block.table
            text = pages_text[hit.page][hit.start : hit.end]
            if hit.kind == "table_cell" and len(text.split()) > LONG_CELL_WORDS:
                for s, e in sentence_spans(text):
                    units.append(
                        ParsedUnit(
                            "table_cell",
                            [PageSpan(hit.page, hit.start + s, hit.start + e)],
                            text[s:e],
                            tracker.section,
                            tracker.heading,
                            block_no,
                            hit.info,
                        )
                    )
                continue
            units.append(
                ParsedUnit(
                    hit.kind,
                    [PageSpan(hit.page, hit.start, hit.end)],
                    text,
                    tracker.section,
                    tracker.heading,
                    block_no,
                    hit.info,
                )
            )
            continue
        tracker.feed(block)
        text, offsets = _span_map(block.lines)
        if block.kind == "heading":
            units.append(
                ParsedUnit(
                    "heading",
                    _spans_for(offsets, 0, len(text)),
                    text,
                    tracker.section,
                    tracker.heading,
                    block_no,
                )
            )
            continue
        skip = 0
        if block.mark and block.mark[0] in ("para", "top", "item"):
            skip = len(text.split(maxsplit=1)[0]) + 1
        kind: UnitKind = "list_item" if block.kind == "list_item" else "sentence"
        for s, e in sentence_spans(text, skip_prefix=skip):
            if sum(ch.isalnum() for ch in text[s:e]) < 2:
                continue  # a lone dash or bullet standing in an empty table cell
            units.append(
                ParsedUnit(
                    kind, _spans_for(offsets, s, e), text[s:e], tracker.section, tracker.heading, block_no
                )
            )
    return units


def unit_is_numeric_row(unit: ParsedUnit) -> bool:
    return unit.table is not None and any(is_numeric_cell(c.value) for c in unit.table.cells)
