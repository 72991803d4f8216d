from __future__ import annotations

import pytest

from assistant.tools.costing import (
    contract_cost,
    day_rate_cost,
    parse_resourcing,
    resourcing_cost,
    staff_time_cost,
)
from core.errors import ToolInputError

pytestmark = pytest.mark.unit


def test_day_rate_reproduces_the_pioneer_option_2_estimate() -> None:
    r = day_rate_cost(750, 4, 46)
    assert r.output == 138_000
    assert r.formula == "£750 × 4 days a week × 46 weeks = £138,000"


def test_contract_reproduces_the_pioneer_option_3_estimate() -> None:
    r = contract_cost(60, 2000)
    assert r.output == 120_000
    assert r.formula == "60 days × £2,000 a day = £120,000"


def test_staff_time_uses_220_working_days() -> None:
    r = staff_time_cost(33_000, 2, 220, "month")
    assert r.output == 300  # 33,000 / 220 = 150 a day
    assert r.details["annual"] == 3600
    assert "220 working days" in r.formula


def test_resourcing_notation_becomes_fte_and_cost() -> None:
    lines = parse_resourcing("Discovery Board 5xSO@5% Programme Director @100% Relevant professionals @2.5%")
    assert [(ln.count, ln.role, float(ln.fte), ln.count_assumed) for ln in lines] == [
        (5, "SO", 0.25, False),
        (1, "Programme Director", 1.0, True),
        (1, "Relevant professionals", 0.025, True),
    ]
    r = resourcing_cost(
        "5xSO@10% Programme Director @100%", {"SO": 30_000, "Programme Director": 80_000}, 0.25
    )
    assert r.details["fte"] == 1.5
    assert r.output == (0.5 * 30_000 + 80_000) * 1.25
    assert any("no head count" in n for n in r.notes)


def test_unpriced_grades_are_reported_not_guessed() -> None:
    r = resourcing_cost("2x SO @20%", {})
    assert r.unit == "FTE" and r.output == 0.4
    assert any("ASSISTANT_GRADE_SALARIES" in n for n in r.notes)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: day_rate_cost(750, -4, 46), "days per week must be more than zero"),
        (lambda: contract_cost(-60, 2000), "days must be more than zero"),
        (lambda: day_rate_cost(750_000, 4, 46), "not plausible"),
        (lambda: day_rate_cost(750, 9, 46), "not plausible"),
        (lambda: staff_time_cost(30_000, 2, 0), "working days per year must be more than zero"),
        (lambda: parse_resourcing("no notation here"), "no resourcing items"),
    ],
)
def test_bad_inputs_get_clear_errors(call, message: str) -> None:
    with pytest.raises(ToolInputError, match=message):
        call()
