"""Tables printed without rules: columns of figures found from their printed positions."""

from __future__ import annotations

import pytest

from ingest.aligned import aligned_grids, layout_pages, page_grids
from ingest.clean import clean_pages
from ingest.pdf import read_pdf
from ingest.structure import parse_units
from ingest.tables import extract_grids
from tests.conftest import shared

LAYOUT = """\
1.39  The Council is required to set limits on external debt.

Table 7: Prudential Indicator: Authorised limit and operational boundary
                                   2024-25      2025-26       2026-27
                                    limit        limit         limit
Authorised limit – borrowing        1,260.6     1,200.6      1,232.8
Authorised limit – other long-term     168.0       239.9       228.6
liabilities
Operational boundary – total
external debt                       1,328.6     1,315.5      1,336.4
The operational boundaries include capacity for managing the transferred debt of 2019 and 2020.
"""


@pytest.mark.unit
def test_columns_of_figures_under_short_names_are_a_table() -> None:
    (grid,) = page_grids(LAYOUT, page=13, start_index=0, ruled_keys="")
    header, *rows = grid.rows
    assert header == ("", "2024-25 limit", "2025-26 limit", "2026-27 limit")
    assert rows[0] == ("Authorised limit – borrowing", "1,260.6", "1,200.6", "1,232.8")
    # A label that runs on in lower case on the next line takes the line of words above it.
    assert rows[-1][0] == "Operational boundary – total external debt"
    assert rows[-1][1:] == ("1,328.6", "1,315.5", "1,336.4")


@pytest.mark.unit
def test_prose_ending_in_figures_and_columns_without_names_are_not_tables() -> None:
    prose = (
        "In 2023 the council spent a total that was well above the figure planned for the year, at   12.0   14.0\n"
        "and the year before that it spent far more on the same services than it had planned, at   10.0   11.0\n"
    )
    assert page_grids(prose, 1, 0, "") == []
    nameless = "Alpha   1.0   2.0\nBeta    3.0   4.0\n"
    assert page_grids(nameless, 1, 0, "") == []  # no column names: a cell could not be asked for


@pytest.mark.unit
def test_a_table_a_ruled_grid_already_holds_is_left_to_it() -> None:
    from core.text import match_key

    keys = match_key("Authorised limit – borrowing 1,260.6 1,200.6 1,232.8")
    assert page_grids(LAYOUT, 13, 0, keys) == []


@pytest.mark.integration
def test_a_real_paper_s_unruled_table_is_read_as_rows_with_headers() -> None:
    """Kent's November finance monitoring prints its directorates' budgets without rules; each
    directorate becomes a table row of the page's text, with its columns named. Its capital
    strategy prints its prudential indicators column by column, so no row of that table is a run of
    page text that could be quoted: that table is left as text."""
    kent = "realdocs/kent/cabinet/2025-01-30"
    path = shared(f"{kent}/24-00108 - Finance Monitoring Report - Q3 - November 2024-25.pdf")
    pages = clean_pages(read_pdf(path).pages)
    ruled = extract_grids(path)
    aligned = aligned_grids(layout_pages(path), ruled, {p.number: p.text for p in pages})
    units = parse_units(pages, ruled + aligned)
    row = next(u for u in units if u.table and u.table.row_label == "Growth, Environment & Transport")
    assert row.page == 6 and row.table is not None
    assert [(c.header, c.value) for c in row.table.cells] == [
        ("Budget", "202.9"),
        ("Forecast", "209.2"),
        ("Variance", "+6.3"),
        ("Variance", "+3.1%"),
    ]
    strategy = shared(f"{kent}/Appendix N - Capital Strategy.pdf")
    stored = {p.number: p.text for p in clean_pages(read_pdf(strategy).pages)}
    assert not any(g.page == 13 for g in aligned_grids(layout_pages(strategy), [], stored))


@pytest.mark.integration
def test_a_row_of_prose_cells_knows_its_labels_column() -> None:
    """The Pioneer update's workstream table: each workstream row is named by its "Work stream"
    column, so "the Customer workstream" can name the row Customer."""
    from tests.conftest import CORPUS

    path = CORPUS / "2008-11-14-pioneer-somerset-update-report.pdf"
    units = parse_units(clean_pages(read_pdf(path).pages), extract_grids(path))
    row = next(u for u in units if u.kind == "table_row" and u.table and u.table.row_label == "Customer")
    assert row.table is not None and row.table.label_header == "Work stream"


@pytest.mark.unit
def test_one_blank_line_between_the_header_and_rows_or_between_rows_keeps_the_table() -> None:
    spaced = "\n".join(
        [
            "                         Budget     Forecast",
            "",
            "Adult Social Care         586.1       621.6",
            "",
            "Children's Services       430.6       420.8",
            "",
            "",
            "Unrelated text after two blank lines   1.0   2.0",
        ]
    )
    (grid,) = page_grids(spaced, 6, 0, "")
    assert grid.rows == (
        ("", "Budget", "Forecast"),
        ("Adult Social Care", "586.1", "621.6"),
        ("Children's Services", "430.6", "420.8"),
    )
