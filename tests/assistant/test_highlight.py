"""The highlight finds every cited quote on its page, table rows included, where an independent
reader (poppler) puts the quote's words."""

from __future__ import annotations

import json

import pytest

from assistant.highlight import Box, find, layout, render_png
from assistant.links import link_quote
from tests.conftest import CORPUS, REPO
from tests.pdfwords import Rect, quote_words

pytestmark = pytest.mark.unit

PIONEER = CORPUS / "2008-11-14-pioneer-somerset-update-report.pdf"
# Table 5, page 14: a row whose label wraps over four lines beside its seven cells.
ROW = "Efficiency Target by 2010-11 (NI 179) 36,609 1,916 1,906 2,536 1,889 941 45,797"


def _golden_citations() -> list[tuple[str, int, str]]:
    golden = json.loads((REPO / "tests" / "golden" / "answers.json").read_text())
    return sorted({(c["file"], c["page"], c["quote"]) for a in golden.values() for c in a["citations"]})


def _rect(b: Box) -> Rect:
    return Rect(b.left, b.top, b.right, b.bottom)


def _covers(boxes: tuple[Box, ...], word: Rect) -> bool:
    return sum(_rect(b).overlap(word) for b in boxes) >= 0.6 * word.area


def test_every_golden_quote_is_found_on_its_page_whole_and_as_a_link_shortens_it() -> None:
    missing = []
    for file, page, quote in _golden_citations():
        on_page = layout(CORPUS / file, page)
        whole, short = find(on_page, quote), find(on_page, link_quote(quote))
        if not whole.found or not short.found or short.boxes != whole.boxes:
            missing.append((file, page, quote[:60]))
    assert missing == []


def test_a_table_row_is_highlighted_over_its_label_and_every_cell() -> None:
    found = find(layout(PIONEER, 14), ROW)
    expected = quote_words(PIONEER, 14, ROW)
    assert len(expected) == 13  # poppler sees the label's six words and the seven cells
    assert all(_covers(found.boxes, w) for w in expected)
    # and nothing else: each box lies on the row's words
    assert all(any(_rect(b).overlap(w) > 0 for w in expected) for b in found.boxes)
    next_row = quote_words(
        PIONEER, 14, "Efficiency Target by 2010-11 (NI 179a) 6,101 319 318 423 315 157 7,633"
    )
    assert not any(_covers(found.boxes, w) for w in next_row)


def test_prose_over_several_lines_gets_a_box_per_line() -> None:
    quote = next(q for f, p, q in _golden_citations() if len(q) > 300)
    file, page = next((f, p) for f, p, q in _golden_citations() if q == quote)
    found = find(layout(CORPUS / file, page), quote)
    expected = quote_words(CORPUS / file, page, quote)
    assert expected and len(found.boxes) >= 3
    assert all(_covers(found.boxes, w) for w in expected)


def test_a_quote_that_is_not_on_the_page_gets_no_box() -> None:
    assert not find(layout(PIONEER, 14), "Nothing like this sentence is printed on page fourteen").found
    assert not find(layout(PIONEER, 14), "").found


def test_a_page_renders_as_png_at_the_page_s_proportions() -> None:
    from io import BytesIO

    from PIL import Image

    png = render_png(PIONEER, 14)
    image = Image.open(BytesIO(png))
    on_page = layout(PIONEER, 14)
    assert png.startswith(b"\x89PNG")
    assert abs(image.width / image.height - on_page.width / on_page.height) < 0.01
