"""Pack units into chunks for retrieval.

A chunk is a run of whole units (never half a sentence), cut preferably where a paragraph or section
ends, with tables kept in chunks of their own. Its text is the verbatim page text from its first unit
to its last, page by page, so a reader finds it on its stated pages. Each chunk keeps the offsets of
its units, so the answerer can quote one sentence or one table row out of it with its own page and
section. An embedding model sees only so many tokens (MiniLM: 256), so the word budget stays under
that; the evals measure which budget retrieves best.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from core.records import Chunk, ChunkKind, PageSpan, TableInfo, Unit
from ingest.structure import ParsedUnit


@dataclass
class ChunkDraft:
    """A chunk as the packer builds it, before it has an id and the text it is embedded with."""

    seq: int
    text: str
    spans: list[PageSpan]
    units: list[Unit]
    tables: list[TableInfo] = field(default_factory=list)
    kind: ChunkKind = "text"

    @property
    def page_start(self) -> int:
        return self.spans[0].page

    @property
    def page_end(self) -> int:
        return self.spans[-1].page

    @property
    def char_start(self) -> int:
        return self.spans[0].start

    @property
    def char_end(self) -> int:
        return self.spans[-1].end

    @property
    def section(self) -> str | None:
        return next((u.section for u in self.units if u.section), None)

    @property
    def heading(self) -> str | None:
        return next((u.heading for u in self.units if u.heading), None)

    @property
    def content_hash(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()

    def record(self, chunk_id: str, doc_id: str, embed_text: str) -> Chunk:
        """The stored chunk, each page span with its offset in the chunk text."""
        spans, pos = [], 0
        for s in self.spans:
            spans.append(PageSpan(s.page, s.start, s.end, offset=pos))
            pos += s.end - s.start + 1
        return Chunk(
            id=chunk_id,
            doc_id=doc_id,
            seq=self.seq,
            text=self.text,
            embed_text=embed_text,
            page_start=self.page_start,
            page_end=self.page_end,
            section=self.section,
            heading=self.heading,
            char_start=self.char_start,
            char_end=self.char_end,
            spans=tuple(spans),
            kind=self.kind,
            hash=self.content_hash,
            units=tuple(self.units),
            tables=tuple(self.tables),
        )


def _words(unit: ParsedUnit) -> int:
    return len(unit.text.split())


Contiguous = Callable[[int, int, int], bool]


def _always(page: int, start: int, end: int) -> bool:
    return True


def _extends(cur: list[ParsedUnit], unit: ParsedUnit, contiguous: Contiguous) -> bool:
    """Whether the chunk's text, grown by `unit`, is still read as one run on each of its pages."""
    for span in unit.spans:
        on_page = [s for u in cur for s in u.spans if s.page == span.page]
        if not on_page:
            continue
        lo = min(s.start for s in [*on_page, span])
        hi = max(s.end for s in [*on_page, span])
        if not contiguous(span.page, lo, hi):
            return False
    return True


def _group(
    units: list[ParsedUnit], quotable: list[bool], target: int, max_words: int, contiguous: Contiguous
) -> list[list[ParsedUnit]]:
    groups: list[list[ParsedUnit]] = []
    cur: list[ParsedUnit] = []
    words = 0

    def flush() -> None:
        nonlocal cur, words
        carry: list[ParsedUnit] = []
        while cur and cur[-1].kind == "heading" and len(cur) > 1:
            carry.insert(0, cur.pop())  # a heading opens the next chunk rather than closing this one
        if cur:
            groups.append(cur)
        cur = carry
        words = sum(_words(u) for u in cur)

    for unit, ok in zip(units, quotable, strict=True):
        if not ok:
            # A chunk never spans a unit we will not quote, so its text stays verbatim page text.
            flush()
            if cur:
                groups.append(cur)
                cur, words = [], 0
            continue
        w = _words(unit)
        if cur:
            last = cur[-1]
            is_table = unit.table is not None
            was_table = last.table is not None
            new_block = unit.block != last.block
            # A list stays with the line that introduces it ("... the partners are:").
            soft = not last.text.rstrip().endswith((":", ":-"))
            boundary = (
                words + w > max_words
                or is_table != was_table
                or (
                    unit.table is not None
                    and last.table is not None
                    and unit.table.table_id != last.table.table_id
                )
                or (soft and new_block and words >= target)
                or (soft and new_block and unit.section != last.section and words >= target // 2)
                or (soft and unit.kind == "heading" and words >= target // 3)
                or not _extends(cur, unit, contiguous)
            )
            if boundary:
                flush()
                if cur and not _extends(cur, unit, contiguous):
                    groups.append(cur)
                    cur, words = [], 0
        cur.append(unit)
        words += w
    flush()
    return groups


def _assemble(seq: int, units: list[ParsedUnit], page_text: dict[int, str]) -> ChunkDraft:
    bounds: dict[int, list[int]] = {}
    for u in units:
        for s in u.spans:
            lo_hi = bounds.setdefault(s.page, [s.start, s.end])
            lo_hi[0], lo_hi[1] = min(lo_hi[0], s.start), max(lo_hi[1], s.end)
    spans = [PageSpan(p, lo, hi) for p, (lo, hi) in sorted(bounds.items())]
    parts, offset_of = [], {}
    pos = 0
    for s in spans:
        offset_of[s.page] = pos - s.start
        piece = page_text[s.page][s.start : s.end]
        parts.append(piece)
        pos += len(piece) + 1
    text = "\n".join(parts)
    tables: list[TableInfo] = []
    refs: list[Unit] = []
    for u in units:
        table_index = None
        if u.table is not None:
            tables.append(u.table)
            table_index = len(tables) - 1
        first, last = u.spans[0], u.spans[-1]
        refs.append(
            Unit(
                start=offset_of[first.page] + first.start,
                end=offset_of[last.page] + last.end,
                kind=u.kind,
                section=u.section,
                heading=u.heading,
                page=u.page,
                block=u.block,
                table=table_index,
            )
        )
    kind: ChunkKind = "table" if any(u.table is not None for u in units) else "text"
    return ChunkDraft(seq=seq, text=text, spans=spans, units=refs, tables=tables, kind=kind)


def build_chunks(
    units: list[ParsedUnit],
    page_text: dict[int, str],
    quotable: list[bool] | None = None,
    target_words: int = 120,
    max_words: int = 180,
    contiguous: Contiguous = _always,
) -> list[ChunkDraft]:
    """`contiguous(page, start, end)` says whether a second reader sees that page text as one run."""
    flags = quotable if quotable is not None else [True] * len(units)
    groups = _group(units, flags, target_words, max_words, contiguous)
    return [_assemble(i, g, page_text) for i, g in enumerate(groups)]
