from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.tools import arithmetic
from assistant.tools.arithmetic import (
    LabelledRow,
    difference,
    excess,
    parse_cell,
    percentage_change,
    ratio,
    shortfall,
    table_totals_check,
    total,
    totals_check,
)
from core.errors import ToolInputError
from core.money import Amount, parse_money

pytestmark = pytest.mark.unit


def m(text: str) -> Amount:
    a = parse_money(text)
    assert a is not None
    return a


def test_the_cumulative_shortfall_is_short_by_exactly_0_1m() -> None:
    r = totals_check([m("£8.6m"), m("£5.8m"), m("£1.1m")], m("£15.6m"))
    assert r.output == 15_500_000
    assert r.details["discrepancy"] == 100_000 and not r.details["adds_up"]
    assert r.formula == "£8.6m + £5.8m + £1.1m = £15.5m (stated: £15.6m)"
    assert "£0.1m less than the stated £15.6m" in r.notes[0]


def test_the_17m_turnaround_is_17_4m_within_the_rounding_of_the_stated_figure() -> None:
    r = totals_check([m("£14.5m"), m("£2.9m")], m("£17m"))
    assert r.output == 17_400_000 and r.details["discrepancy"] == -400_000
    assert r.details["adds_up"]  # £17m is stated to the nearest million
    assert "£0.4m more" in r.notes[0]


def test_gaps_against_targets() -> None:
    assert shortfall(m("£4.1m"), m("£1.2m")).output == 2_900_000
    r = excess(m("£18.5m"), m("£20.3m"))
    assert r.output == 1_800_000 and r.formula == "£20.3m − £18.5m = £1.8m"
    assert "109.7% of the target" in r.notes


def test_ratio_and_percentage_change_refuse_zero() -> None:
    assert ratio(m("£3m"), m("£13.1m")).output == pytest.approx(0.229, abs=1e-3)
    assert percentage_change(m("£9.1m"), m("£10m")).output == pytest.approx(9.89, abs=0.01)
    with pytest.raises(ToolInputError, match="divide by zero"):
        ratio(m("£3m"), Amount(0.0))
    with pytest.raises(ToolInputError, match="undefined"):
        percentage_change(Amount(0.0), m("£3m"))


def test_units_are_never_mixed() -> None:
    with pytest.raises(ToolInputError, match="different units"):
        difference(m("£3m"), Amount(20.0, "%"))


def test_ranges_and_approximations_are_said() -> None:
    r = total([m("£40-50m"), m("c. £3m")])
    assert r.output == 43_000_000
    assert any("range" in n for n in r.notes) and any("approximate" in n for n in r.notes)


@pytest.mark.parametrize(
    ("cell", "value", "note"),
    [
        ("19 (9.5 is a one off cost – not annual)", 19, "read as a note"),
        ("Up to 1.5", 1.5, "up to"),
        ("2.0 8.0", 10.0, "added"),
        ("GM 8 SO up to 4", 12, "added"),
        ("20 (for 4 months) 5 thereafter", 20, "maximum"),
        ("57 (max)", 57, None),
        ("", None, None),
    ],
)
def test_cells_say_what_was_assumed(cell: str, value: float | None, note: str | None) -> None:
    c = parse_cell(cell)
    assert (float(c.value) if c.value is not None else None) == value
    assert (note is None and c.note is None) or (note is not None and note in (c.note or ""))


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=12), st.randoms())
def test_property_sums_ignore_order(values: list[int], rng) -> None:
    shuffled = values[:]
    rng.shuffle(shuffled)
    assert (
        total([Amount(float(v)) for v in values]).output == total([Amount(float(v)) for v in shuffled]).output
    )


@given(st.lists(st.integers(1, 10**6), min_size=2, max_size=10))
def test_property_a_true_total_adds_up(values: list[int]) -> None:
    parts = [Amount(float(v), "£", text=f"£{v:,}") for v in values]
    stated = Amount(float(sum(values)), "£", text=f"£{sum(values):,}")
    r = totals_check(parts, stated)
    assert r.details["adds_up"] and r.details["discrepancy"] == 0


@given(st.lists(st.integers(1, 10**6), min_size=2, max_size=10), st.integers(1, 1000))
def test_property_an_off_total_reports_its_exact_discrepancy(values: list[int], off: int) -> None:
    parts = [Amount(float(v), "£", text=f"£{v:,}") for v in values]
    stated = Amount(float(sum(values) + off), "£", text=f"£{sum(values) + off:,}")
    r = totals_check(parts, stated)
    assert r.details["discrepancy"] == off and not r.details["adds_up"]


def test_a_table_needs_totals_to_check() -> None:
    with pytest.raises(ToolInputError):
        table_totals_check([LabelledRow("A", {"x": "1"}), LabelledRow("B", {"x": "2"})])


def test_an_average_is_rounded_for_print_and_says_so() -> None:
    result = arithmetic.average([Amount(100e6, approx=True, text="in excess of £100m")], 6, "a year")
    assert result.formula == "£100m ÷ 6 = £16.67m a year"
    assert result.output == 16_670_000
    assert any("approximate" in n for n in result.notes) and any("rounded" in n for n in result.notes)


def test_an_average_of_several_figures_is_their_mean() -> None:
    figures = [Amount(v, "", text=f"{v:,}") for v in (2236, 2224, 2959, 2204, 1097)]
    result = arithmetic.average(figures, len(figures), "each")
    assert result.output == 2144 and result.formula.endswith("÷ 5 = 2,144 each")


def test_an_average_over_nothing_is_refused() -> None:
    with pytest.raises(ToolInputError):
        arithmetic.average([Amount(4.2e6, text="£4.2m")], 0, "a year")


def test_a_whole_percentage_prints_without_a_decimal() -> None:
    assert arithmetic.percentage_change(Amount(20, ""), Amount(130, "")).formula.endswith("= 550%")
    assert arithmetic.share(Amount(3e6, text="£3m"), Amount(13.1e6, text="£13.1m")).formula.endswith(
        "= 22.9%"
    )
