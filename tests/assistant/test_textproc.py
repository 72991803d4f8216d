from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.tokens import financial_year, tokenize

pytestmark = pytest.mark.unit


def test_figures_keep_their_form() -> None:
    tokens = tokenize("savings of £4.1m by 2012/13 against NI 179a and 2,224 (£000)")
    assert {"4.1m", "4.1", "2012/13", "12/13", "179a", "2224"} <= set(tokens)
    assert "179" not in tokens


def test_ranges_and_hyphenated_years() -> None:
    assert {"2010/11", "10/11"} <= set(tokenize("by 2010-11"))
    assert {"20%", "26%", "40m", "50m"} <= set(tokenize("cut by 20-26% for £40-50m"))


@given(st.integers(1970, 2068))  # two-digit years are read with a 1970-2069 pivot
def test_property_financial_years_in_every_spelling_meet(start: int) -> None:
    end = (start + 1) % 100
    spellings = [
        f"{start}/{end:02d}",
        f"{start}-{end:02d}",
        f"{start % 100:02d}/{end:02d}",
        f"{start}/{start + 1}",
    ]
    forms = [set(tokenize(s)) for s in spellings]
    canonical = f"{start}/{end:02d}"
    assert all(canonical in f for f in forms)
    assert financial_year(str(start), f"{end:02d}") == canonical
    assert financial_year(str(start), str((start + 2) % 100)) is None


def test_party_shorthand_reads_as_the_party_names_papers_print() -> None:
    assert tokenize("the Lib Dem amendment") == tokenize("the Liberal Democrat amendment")
    assert tokenize("Tories") == tokenize("Conservatives")


def test_a_reduction_is_what_is_reduced() -> None:
    assert tokenize("a reduction in agency spend") == tokenize("reduce agency spend")
