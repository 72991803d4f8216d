from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.text import sentence_spans
from ingest.clean import CleanPage
from ingest.structure import parse_units

pytestmark = pytest.mark.unit

LONG = "x" * 100  # pads lines to full width, as wrapped paragraph lines are


def _units(*pages: list[str]):
    return parse_units([CleanPage(i + 1, tuple(lines)) for i, lines in enumerate(pages)])


def _section_of(units, needle: str) -> str | None:
    return next(u.section for u in units if needle in u.text)


def test_numbered_paragraphs_headings_and_outcome_subheadings() -> None:
    units = _units(
        [
            "2.0 Background",
            "2.4 The following outcomes have been agreed by each authority and are reflected in the PID.",
            "Outcome 1 – Efficiency",
            "To achieve annual revenue savings arising from enhanced two-tier working of £20m, by 2012/13 (Base year:",
            "2007/08).",
            "4.4 Financial planning and viability",
            "The council has delivered savings in excess of £100m over the last six years and more besides.",
        ]
    )
    assert _section_of(units, "2.0 Background") == "2.0 Background"
    assert _section_of(units, "To achieve annual") == "2.4"
    target = next(u for u in units if "To achieve annual" in u.text)
    assert target.text.endswith("2007/08).") and target.heading == "Outcome 1 – Efficiency"
    assert _section_of(units, "delivered savings") == "4.4 Financial planning and viability"


def test_lettered_items_and_restarting_numbered_lists() -> None:
    units = _units(
        [
            "2. Recommendations",
            "That Full Council:",
            "1. Does not create a Joint Authority at this time.",
            "2. Requests that the Working Group investigates a Strategic Alliance.",
            "3. Executive Summary",
            "3.3 The following points should be noted as a summary:",
            "(a) The savings required by South Somerset District Council by 2020 are £4.1m.",
            "(b) The total savings for SSDC from a Joint Authority are in the region of £1.2m.",
        ]
    )
    assert _section_of(units, "Does not create") == "2. Recommendations (1)"
    assert _section_of(units, "Requests that") == "2. Recommendations (2)"
    assert _section_of(units, "Executive Summary") == "3. Executive Summary"
    assert _section_of(units, "£4.1m") == "3.3(a)"
    assert _section_of(units, "£1.2m") == "3.3(b)"


def test_paragraph_numbers_printed_mid_line_start_their_own_paragraph() -> None:
    units = _units(
        [
            "2. The requirement for this element of the work is: 2.1. To set out the resources required to "
            + LONG,
            "deliver that programme plus time commitments 2.2. To set out some proposals on governance "
            + LONG,
            "and team working.",
        ]
    )
    assert _section_of(units, "To set out the resources") == "2.1"
    assert _section_of(units, "To set out some proposals") == "2.2"


def test_unnumbered_documents_use_their_headings() -> None:
    units = _units(
        [
            "Specific Spend",
            "Our agency spend for 23/24 was £13.1m, we are targeting a reduction of circa £3m in 24/25.",
        ]
    )
    assert _section_of(units, "agency spend") == "Specific Spend"


def test_a_sentence_running_onto_the_next_page_keeps_both_spans() -> None:
    units = _units(
        ["9.1 The programme requires all authorities in the county to deliver 3% savings (NI " + LONG],
        ["179) and an additional 0.5% stretch target (NI 179a). It should be noted."],
    )
    unit = next(u for u in units if "stretch target" in u.text)
    assert [s.page for s in unit.spans] == [1, 2]
    assert unit.section == "9.1"
    assert unit.page == 1  # the page holding most of it


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 9), st.booleans()), min_size=1, max_size=8))
def test_property_every_paragraph_gets_its_own_number(plan: list[tuple[int, bool]]) -> None:
    """Numbered sections N.0 with paragraphs N.1..N.k: each sentence is tagged with its paragraph number."""
    lines, expected = [], {}
    for top, (paragraphs, lettered) in enumerate(plan, start=1):
        lines.append(f"{top}.0 Section heading number {top}")
        for p in range(1, paragraphs + 1):
            sentence = f"Sentence of paragraph {top}.{p} about the savings target of the council."
            lines.append(f"{top}.{p} {sentence}")
            expected[sentence] = f"{top}.{p}"
            if lettered:
                item = f"Lettered item under {top}.{p} naming its own point."
                lines.append(f"(a) {item}")
                expected[item] = f"{top}.{p}(a)"
    units = _units(lines)
    for sentence, section in expected.items():
        assert _section_of(units, sentence) == section


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("We are targeting a reduction of c. £3m in 24/25. Pay will be reviewed.", 2),
        ("Items e.g. parking and i.e. control were agreed. Next sentence.", 2),
        ("The PID was agreed in 2008. The Board met.", 2),
        ("It had overspent by £9.1m. In other areas it had not.", 2),
        ("1. This is the first paragraph. It has two sentences.", 2),
    ],
)
def test_sentence_boundaries(text: str, count: int) -> None:
    skip = 3 if text.startswith("1. ") else 0
    assert len(sentence_spans(text, skip_prefix=skip)) == count


@pytest.mark.integration
def test_a_landscape_budget_table_keeps_its_headers_units_and_row_names() -> None:
    """A real Kent appendix: a title row over the header, a header over two rows that name the
    columns further ("Year 5", "£000s"), and a row reference before each row's name."""
    from pathlib import Path

    from core.records import Document
    from ingest.parse import parse_document
    from tests.conftest import shared

    path = shared("realdocs/kent/full_council/2025-02-13/Appendix A - Capital Investment Summary.pdf")
    doc = parse_document(Path(path), Document("a", path.name, "Appendix A"), 120, 180)
    rows = [u.table for u in doc.units if u.kind == "table_row" and u.table is not None]
    get = [t for t in rows if t.row_label == "Growth, Environment & Transport"]
    assert len(get) == 2  # one per page: 2025-26 to 2028-29, then 2029-30 to 2034-35
    cells = {c.header: c.value for t in get for c in t.cells}
    assert cells["2029-30 Year 5 £000s"] == "71,965" and cells["Total Cost £000s"] == "1,283,493"
    assert not any(t.row_label == "APPENDIX A - CAPITAL INVESTMENT SUMMARY 2025-26 TO 2034-35" for t in rows)


@pytest.mark.unit
def test_thousands_of_pounds_are_read_from_a_header_however_written() -> None:
    from ingest.tables import header_unit

    for header in ("SDC £000", "2029-30 Year 5 £000s", "£'000", "Budget (£k)"):
        assert header_unit(header) == ("£000", 1000.0), header
    assert header_unit("Budget £m") == ("£m", 1_000_000.0)


def test_a_table_row_knows_the_header_of_its_labels_column() -> None:
    """The labels' column is named by the header above it, not by a blank or another column's."""
    from ingest.tables import Grid

    rows = (
        ("Work stream", "Budget £000", "Notes"),
        ("Customer", "12.0", ""),
        ("Shared Services", "8.5", ""),
    )
    text = ["Work stream Budget £000 Notes", "Customer 12.0", "Shared Services 8.5"]
    units = parse_units([CleanPage(1, tuple(text))], [Grid(page=1, index=0, rows=rows)])
    row = next(u for u in units if u.table and u.table.row_label == "Customer")
    assert row.table is not None and row.table.label_header == "Work stream"
    blank = (("", "2024-25 limit", "2025-26 limit"), ("Borrowing", "1,260.6", ""))
    units = parse_units(
        [CleanPage(1, ("2024-25 limit 2025-26 limit", "Borrowing 1,260.6"))],
        [Grid(page=1, index=0, rows=blank)],
    )
    row = next(u for u in units if u.table and u.table.row_label == "Borrowing")
    assert row.table is not None and row.table.label_header is None
