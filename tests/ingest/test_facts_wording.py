"""[people] item 5: a figure that its own words call a shortfall, a deficit or an achieved rate is not
a target, though its sentence has a target's cue word; targets beside such figures still count."""

from __future__ import annotations

import pytest

from ingest.facts import _amount_after

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "sentence",
    [
        "SCC will be commencing work imminently to seek to address the £15.6m deficit over the medium term.",
        "Giving a cumulative shortfall of £15.6m for the remaining term of the MTFP.",
        "In the last two years the council has only achieved circa 65% of its planned savings.",
        "There is a £17m turnaround position and the council is forecast to overspend £14.5m this year.",
    ],
)
def test_gaps_and_results_are_not_target_figures(sentence: str) -> None:
    assert _amount_after(sentence, 0) is None


@pytest.mark.parametrize(
    ("sentence", "figure"),
    [
        ("Added to which there is a target of £2.9m savings to be made in 2019-20.", "£2.9m"),
        ("We are targeting a reduction of circa £3m in 24/25.", "circa £3m"),
        ("Savings to be delivered of £5m by 2020.", "£5m"),
        ("A shortfall of £4m remains, so the council aims to save £6m by 2021.", "£6m"),
    ],
)
def test_targets_keep_their_figure(sentence: str, figure: str) -> None:
    found = _amount_after(sentence, 0)
    assert found is not None and found[0].text == figure
