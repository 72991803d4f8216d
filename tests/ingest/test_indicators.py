"""[meetings] performance tables as data: Kent's Quarter 3 2024/25 performance report (read from
../shared) gives each key performance indicator as a name, a RAG badge and labelled figures; each
becomes an indicator with its latest figure, target, floor and rating, and a quote that is on its page."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.records import Document
from evals.verify import PageVerifier
from ingest.clean import clean_pages
from ingest.confirm import second_reading
from ingest.indicators import extract_indicators
from ingest.pdf import read_pdf
from tests.conftest import shared

QPR = "cabinet/2025-03-04/QPR Q3 Cabinet appendix 1.pdf"

# Ten indicators, checked by hand against the printed report: page, name, latest, target, floor, rating.
BY_HAND = [
    (9, "Percentage of complaints responded to within timescale", "71%", "85%", "80%", "RED"),
    (
        15,
        "Freedom of Information (FOI) / Environmental Information Regulation (EIR) requests completed "
        "within 20 working days",
        "84%",
        "92%",
        "90%",
        "RED",
    ),
    (
        21,
        "Number of homes brought back to market through No Use Empty (NUE) – Rolling 12-month total",
        "422",
        "400",
        "360",
        "GREEN",
    ),
    (33, "Emergency highway incidents attended within 2 hours of notification", "96%", "98%", "95%", "AMBER"),
    (
        34,
        "Greenhouse Gas emissions from KCC’s overall estate and operations (excluding schools) in tonnes – "
        "rolling 12 months",
        "10,323",
        "10,797",
        "11,877",
        "GREEN",
    ),
    (
        39,
        "Percentage of Education, Health, and Care Plans (EHCPs) issued within 20 weeks – rolling 12 months",
        "34%",
        "60%",
        "55%",
        "RED",
    ),
    (
        40,
        "Rate of first-time entrants to youth justice system per 100,000 (aged 10-17) – rolling 12 months",
        "175",
        "180",
        "240",
        "GREEN",
    ),
    (48, "Number of foster households", "613", "700", "650", "RED"),
    (56, "Proportion of new Care Needs Assessments delivered within 28 days", "74%", "85%", "75%", "RED"),
    (
        64,
        "Number of eligible people receiving an NHS Health Check (Rolling 12 months)",
        "33,550",
        "31,000",
        "24,800",
        "GREEN",
    ),
]


@pytest.fixture(scope="module")
def found() -> list:
    path = shared("realdocs/kent") / QPR
    meta = Document(doc_id="qpr", file=Path(QPR).name, path=QPR, title="Quarterly Performance Report")
    return extract_indicators(meta, clean_pages(read_pdf(path).pages), second_reading(path))


def test_every_indicator_of_the_report_is_found_with_its_figures(found) -> None:
    # The report prints 38 indicator blocks, each with "Latest:" and a target.
    assert len(found) == 38
    by_name = {i.name: i for i in found}
    for page, name, latest, target, floor, rating in BY_HAND:
        ind = by_name[name]
        assert (ind.page, ind.latest, ind.target, ind.floor, ind.rating) == (
            page,
            latest,
            target,
            floor,
            rating,
        )
    foster = by_name["Number of foster households"]
    assert (foster.previous, foster.previous_rating) == ("612", "RED")
    assert foster.rating_quote == "Number of foster households RED"


def test_quotes_are_on_their_pages_and_state_the_figures_given(found) -> None:
    verifier = PageVerifier(shared("realdocs/kent") / Path(QPR).parent)
    for ind in found:
        assert verifier.on_page(Path(QPR).name, ind.page, ind.quote), ind
        # A figure is recorded only where the quote shows it, so an answer never states more.
        for value in (ind.latest, ind.target, ind.floor, ind.previous):
            assert value is None or value in ind.quote, (value, ind.quote)
        assert ind.rating_quote is not None and ind.rating_quote.endswith(str(ind.rating))
        assert verifier.on_page(Path(QPR).name, ind.page, ind.rating_quote), ind


def test_a_paper_without_indicator_blocks_has_none() -> None:
    path = shared("corpus") / "2024-07-somerset-council-productivity-plan.pdf"
    meta = Document(doc_id="pp", file=path.name, path=path.name, title="Productivity Plan")
    assert extract_indicators(meta, clean_pages(read_pdf(path).pages), second_reading(path)) == []


def test_figures_keep_their_scale_and_a_badge_beside_the_name_is_the_rating() -> None:
    from ingest.clean import CleanPage

    meta = Document(doc_id="r", file="r.pdf", path="r.pdf", title="Performance report")
    page = CleanPage(1, ("Spend on agency staff RED", "Latest: £1.2m Target: £0.9m Previous: £1.1m (Red)"))
    [ind] = extract_indicators(meta, [page])
    assert (ind.latest, ind.target, ind.previous) == ("£1.2m", "£0.9m", "£1.1m")
    assert (ind.rating, ind.previous_rating, ind.rating_quote) == ("RED", "RED", "Spend on agency staff RED")
