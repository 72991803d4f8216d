"""Facts extracted at ingest for the deterministic tools: table figures now, targets with the tools.

Every fact carries its source (page, section and verbatim quote) so a tool can cite each operand.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingest.manifest import DocMeta
from ingest.parse import ParsedDocument
from ingest.text import squash


def table_figures(meta: DocMeta, doc: ParsedDocument) -> Iterator[dict]:
    """One fact per table cell with its row label, column header, unit and the row as its quote."""
    page_text = {p.number: p.text for p in doc.pages}
    for unit, ok in zip(doc.units, doc.quotable, strict=True):
        table = unit.table
        if not ok or table is None or table.is_header or unit.kind != "table_row":
            continue
        quote = squash("\n".join(page_text[s.page][s.start : s.end] for s in unit.spans))
        for cell in table.cells:
            yield {
                "table_id": table.table_id,
                "table_title": table.title,
                "row": table.row_label,
                "column": cell.header,
                "value": cell.value,
                "unit": cell.unit,
                "scale": cell.scale,
                "page": unit.page,
                "section": unit.section,
                "quote": quote,
            }


def extract_facts(meta: DocMeta, doc: ParsedDocument) -> Iterator[tuple[str, dict]]:
    for fact in table_figures(meta, doc):
        yield "figure", fact
