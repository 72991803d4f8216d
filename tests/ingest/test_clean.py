from __future__ import annotations

import pytest

from ingest.clean import clean_pages, find_furniture, join_hyphenated
from ingest.pdf import PdfPage

pytestmark = pytest.mark.unit


def _pages(bodies: list[list[str]], header: str = "Borough Council Report") -> list[PdfPage]:
    return [PdfPage(i + 1, "\n".join([header, *body, f"Page {i + 1}"])) for i, body in enumerate(bodies)]


def test_running_header_and_page_numbers_are_removed_everywhere_they_stand_alone() -> None:
    bodies = [
        ["1.1 The Borough Council Report sets out the budget.", "Borough Council Report", "1.2 Next."],
        ["2.1 Second page text.", "19"],
        ["3.1 Third page text."],
    ]
    pages = clean_pages(_pages(bodies))
    text = "\n".join(p.text for p in pages)
    assert "Page 1" not in text and "Page 3" not in text
    assert "1.1 The Borough Council Report sets out the budget." in text  # in a sentence: content
    assert "\nBorough Council Report\n" not in f"\n{text}\n"
    assert pages[1].lines == ("2.1 Second page text.",)  # a bare number at the page edge is a folio


def test_a_number_inside_a_table_is_not_a_page_number() -> None:
    bodies = [["Row one", "19", "20", "21", "Row two text"], ["More text here"], ["End text"]]
    pages = clean_pages(_pages(bodies))
    assert "20" in pages[0].lines


def test_single_page_documents_keep_every_line() -> None:
    assert find_furniture([["Title", "Body"]]) == set()


def test_hyphenated_line_breaks_are_joined() -> None:
    vocab = {"multi-tiered"}
    assert join_hyphenated(["a reorgani-", "sation of services"], vocab) == ["a reorganisation of services"]
    assert join_hyphenated(["the multi-", "tiered system"], vocab) == ["the multi-tiered system"]
    assert join_hyphenated(["was :-", "To deliver"], vocab) == ["was :-", "To deliver"]
