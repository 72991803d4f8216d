from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import (
    find_money,
    format_money,
    parse_financial_year,
    parse_money,
    parse_percent,
    scaled,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "value", "high", "approx"),
    [
        ("£20m", 20e6, None, False),
        ("£20 million", 20e6, None, False),
        ("£311,000", 311_000, None, False),
        ("£4.1m", 4.1e6, None, False),
        ("£50bn", 50e9, None, False),
        ("£40-50m", 40e6, 50e6, False),
        ("£40–50m", 40e6, 50e6, False),
        ("c. £3m", 3e6, None, True),
        ("circa £3m", 3e6, None, True),
        ("£90,000 to £125,000", 90_000, 125_000, False),
        ("£2000 per day", 2000, None, False),
    ],
)
def test_money_forms(text: str, value: float, high: float | None, approx: bool) -> None:
    a = parse_money(text)
    assert a is not None
    assert (a.value, a.high, a.approx, a.unit) == (value, high, approx, "£")


def test_every_figure_in_a_sentence_is_found_in_order() -> None:
    text = "£8.6m for 2019/20, and then £5.8m and £1.1m in the subsequent two years, giving £15.6m"
    assert [a.value for _, a in find_money(text)] == [8.6e6, 5.8e6, 1.1e6, 15.6e6]


def test_percentages_and_financial_years() -> None:
    workforce, bare, three = (
        parse_percent(t) for t in ("reduce the workforce by 20-26%", "20-26%", "3% savings")
    )
    assert workforce is not None and bare is not None and three is not None
    assert (workforce.value, bare.high, three.value) == (20, 26, 3)
    assert str(parse_financial_year("2012/13")) == str(parse_financial_year("2012-13")) == "2012/13"
    assert str(parse_financial_year("23/24")) == "2023/24"
    assert parse_financial_year("20-26%") is None


def test_table_units_scale_values() -> None:
    a = scaled(2224, "£000", 1000)
    assert (a.value, a.unit) == (2_224_000, "£")


@given(st.integers(min_value=1, max_value=999_999))
def test_property_pounds_round_trip(pounds: int) -> None:
    parsed = parse_money(format_money(pounds))
    assert parsed is not None and parsed.value == pounds


@given(st.integers(min_value=10, max_value=99_999))
def test_property_millions_round_trip(tenths_of_millions: int) -> None:
    value = tenths_of_millions * 100_000  # £1.0m .. £9,999.9m
    text = format_money(value, style="m")
    parsed = parse_money(text)
    assert parsed is not None and parsed.value == value


@given(st.integers(1, 500), st.integers(1, 500))
def test_property_ranges_are_ordered_and_share_their_unit(a: int, b: int) -> None:
    low, high = min(a, b), max(a, b)
    parsed = parse_money(f"£{low}-{high}m")
    assert parsed is not None
    assert parsed.value == low * 1e6
    assert parsed.high == (high * 1e6 if high != low else low * 1e6)
    assert parsed.mid == (low + high) / 2 * 1e6
