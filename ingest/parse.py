"""One PDF in, one parsed document out: clean pages, confirmed units and chunks.

This is the CPU-bound half of ingest, kept free of any store so it can run in a worker process while
the main process embeds the previous document's chunks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from core.records import Document
from core.text import squash
from ingest.aligned import aligned_grids, all_grids, layout_reading
from ingest.chunk import ChunkDraft, build_chunks
from ingest.clean import CleanPage, clean_pages
from ingest.confirm import SecondReading, confirm, contiguity
from ingest.manifest import completed
from ingest.pdf import read_pdf
from ingest.structure import ParsedUnit, parse_units
from ingest.tables import extract_grids

# Bump when parsing, chunking or fact extraction changes, so that `assistant ingest` re-reads every document.
PARSER_VERSION = "32"


@dataclass
class ParsedDocument:
    meta: Document
    path: Path
    sha256: str
    pages: list[CleanPage]
    chunks: list[ChunkDraft]
    units: list[ParsedUnit]
    quotable: list[bool]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # Each page as the second reader (pdftotext) reads it, as match keys; None without pdftotext.
    second: dict[int, str] | None = None

    @property
    def units_dropped(self) -> int:
        return sum(not q for q in self.quotable)


def parse_document(path: Path, meta: Document, target_words: int, max_words: int) -> ParsedDocument:
    started = time.perf_counter()
    second = SecondReading(path)  # reads on the other core while pypdf reads here
    layout = layout_reading(path)  # likewise, for the tables printed without rules
    try:
        doc = read_pdf(path)
        pages = clean_pages(doc.pages)
        meta = completed(meta, pages)
        page_text = {p.number: p.text for p in pages}
        ruled = extract_grids(path)
        units = parse_units(pages, all_grids(ruled, aligned_grids(layout.pages(), ruled, page_text)))
        keys = second.keys()
    finally:
        second.close()
        layout.close()
    quotable = confirm(units, page_text, keys)
    chunks = build_chunks(
        units,
        page_text,
        quotable,
        target_words=target_words,
        max_words=max_words,
        contiguous=contiguity(page_text, keys),
    )
    warnings = list(meta.warnings)
    empty = [p.number for p in pages if not p.text.strip()]
    if empty:
        warnings.append(f"{path.name}: pages {empty} have no text layer; OCR would be needed to read them")
    return ParsedDocument(
        meta=meta,
        path=path,
        sha256=doc.sha256,
        pages=pages,
        chunks=chunks,
        units=units,
        quotable=quotable,
        warnings=warnings,
        seconds=time.perf_counter() - started,
        second=keys,
    )


def embed_text(meta: Document, chunk: ChunkDraft) -> str:
    """What the embedding model and BM25 see: the verbatim chunk under a short provenance header.

    A table row alone ("Total 55.5 59.0 165") means little; with its table title and column headers
    it can be found by a question that names them.
    """
    head = [meta.title]
    if chunk.section:
        head.append(chunk.section)
    if chunk.heading and chunk.heading != chunk.section:
        head.append(chunk.heading)
    seen: set[str] = set()
    for table in chunk.tables:
        if table.table_id in seen:
            continue
        seen.add(table.table_id)
        if table.title:
            head.append(table.title)
        headers = [h for h in table.headers if h]
        if headers:
            head.append("columns: " + " | ".join(headers))
        if table.group:
            head.append(table.group)
    return " · ".join(head) + "\n" + squash(chunk.text)
