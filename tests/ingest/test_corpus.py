"""[ingest] acceptance 1-3 on the real corpus and a real Chroma in a temporary folder."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.conftest import CORPUS, key, pdftotext_pages

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def catalog(built_index):
    from index.catalog import Catalog

    return Catalog(built_index.catalog_path)


@pytest.fixture(scope="module")
def reread() -> dict[str, list[str]]:
    return {pdf.name: pdftotext_pages(pdf) for pdf in sorted(CORPUS.glob("*.pdf"))}


def test_every_chunk_is_verbatim_on_its_stated_pages(catalog, reread) -> None:
    docs = {d.doc_id: d for d in catalog.documents()}
    chunks = catalog.chunks()
    assert len(chunks) > 150
    misses = []
    for chunk in chunks:
        pages = reread[docs[chunk.doc_id].file]
        assert chunk.spans[0].page == chunk.page_start and chunk.spans[-1].page == chunk.page_end
        for span in chunk.spans:
            piece = chunk.text[span.offset : span.offset + span.end - span.start]
            if key(piece) not in key(pages[span.page - 1]):
                misses.append((chunk.id, span.page, piece[:60]))
    assert misses == []


def _running_header(pages: list[str]) -> str:
    firsts = Counter(
        next((ln.strip() for ln in p.splitlines() if ln.strip()), "") for p in pages if p.strip()
    )
    return firsts.most_common(1)[0][0]


def test_no_chunk_holds_page_furniture(catalog, reread) -> None:
    docs = {d.doc_id: d for d in catalog.documents()}
    for chunk in catalog.chunks():
        header = _running_header(reread[docs[chunk.doc_id].file])
        for line in chunk.text.splitlines():
            assert not re.fullmatch(r"\s*Page \d+\s*", line), (chunk.id, line)
            assert line.strip() != header, (chunk.id, line)


def test_outcome_quote_is_in_section_2_4_on_page_1(catalog) -> None:
    quote = "To achieve annual revenue savings arising from enhanced two-tier working of £20m"
    hits = [
        c for c in catalog.chunks("2008-11-14-pioneer-somerset-update-report") if key(quote) in key(c.text)
    ]
    assert len(hits) == 1
    chunk = hits[0]
    unit = next(u for u in chunk.units if key(quote) in key(chunk.unit_text(u)))
    assert unit.section == "2.4"
    assert unit.page == 1
    assert chunk.page_start == 1


def test_table_5_total_row_is_retrievable_with_its_sdc_cell(built_index, catalog, embedder) -> None:
    from index.lexical import LexicalIndex
    from index.vectors import VectorStore

    query = "Total Efficiency Target by 2010-11 for SDC"
    lexical = LexicalIndex.load(built_index.lexical_dir / catalog.meta("lexical"))
    vectors = VectorStore(built_index.chroma_path)
    dense = vectors.query(catalog.meta("collection") or "", embedder.embed_query(query), 5)
    by_id = {c.id: c for c in catalog.chunks()}

    def holds_row(chunk_id: str) -> bool:
        for table in by_id[chunk_id].tables:
            if table.row_label == "Total Efficiency Target by 2010-11":
                cells = {c.header: c for c in table.cells}
                cell = cells["SDC £000"]
                return cell.value == "2,224" and cell.unit == "£000" and cell.scale == 1000
        return False

    assert any(holds_row(cid) for cid, _ in lexical.search(query, 3))
    assert any(holds_row(cid) for cid, _ in dense)
    figures = [f for f in catalog.figures() if f.row == "Total Efficiency Target by 2010-11"]
    sdc = next(f for f in figures if f.column == "SDC £000")
    assert (sdc.value, sdc.unit, sdc.scale, sdc.page) == ("2,224", "£000", 1000, 14)
