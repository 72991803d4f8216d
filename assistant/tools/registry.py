"""The named tools, with typed inputs, for `POST /v1/tools/{name}` and for LLM tool calling.

A tool's schema comes from a pydantic model of its inputs; the function stays a plain, tested
function that the extractive router calls directly too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from assistant.tools import arithmetic, costing
from assistant.tools.base import ToolResult
from core.money import Amount

# Amounts beyond any council's budget are typing mistakes or probes: refused with a 422 naming the
# field, never carried into arithmetic that cannot represent them.
MAX_AMOUNT = 1e13
Amount_ = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]


class _Input(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class DayRateInput(_Input):
    rate: float = Field(description="daily rate in pounds", gt=0, le=costing.MAX_DAY_RATE)
    days_per_week: float = Field(description="days worked each week", gt=0, le=7)
    weeks: float = Field(description="number of weeks", gt=0, le=53)


class ContractInput(_Input):
    days: float = Field(description="days in the contract", gt=0, le=366)
    daily_rate: float = Field(description="daily rate in pounds", gt=0, le=costing.MAX_DAY_RATE)


class StaffTimeInput(_Input):
    salary: float = Field(description="annual salary in pounds", gt=0, le=10_000_000)
    days: float = Field(description="days of work needed in the period", gt=0, le=366)
    working_days: float = Field(
        description="working days a year that the salary is divided by, as the costing's source document states",
        ge=1,
        le=366,
    )
    period: str = Field(default="month", pattern="^(month|year)$")


class ResourcingInput(_Input):
    notation: str = Field(
        description="resourcing notation such as '5xSO@10% Programme Director @100%'", min_length=3
    )
    on_cost_rate: float = Field(default=0.0, ge=0, le=1)


class FiguresInput(_Input):
    values: list[Amount_] = Field(
        description="amounts in pounds (or all in the same unit)", min_length=1, max_length=200
    )
    unit: str = Field(default="£", pattern="^(£|%|)$")


class PairInput(_Input):
    a: Amount_
    b: Amount_
    unit: str = Field(default="£", pattern="^(£|%|)$")


class TargetInput(_Input):
    target: Amount_
    actual: Amount_
    unit: str = Field(default="£", pattern="^(£|%|)$")


class TotalsInput(_Input):
    components: list[Amount_] = Field(min_length=1, max_length=200)
    stated_total: Amount_
    unit: str = Field(default="£", pattern="^(£|%|)$")


InputT = TypeVar("InputT", bound=BaseModel)


@dataclass(frozen=True)
class Tool(Generic[InputT]):
    """A named tool: its input model (the schema the API and the LLM see) and the function it runs."""

    name: str
    description: str
    schema: type[InputT]
    run: Callable[[InputT], ToolResult]


def _amounts(values: list[float], unit: str) -> list[Amount]:
    return [Amount(v, unit) for v in values]


def _tool(
    name: str, description: str, schema: type[InputT], run: Callable[[InputT], ToolResult]
) -> Tool[Any]:
    """A tool whose function mypy checks against its own input model."""
    return Tool(name, description, schema, run)


def make_tools(grade_salaries: dict[str, float] | None = None) -> dict[str, Tool[Any]]:
    salaries = grade_salaries or {}
    tools: list[Tool[Any]] = [
        _tool(
            "costing.day_rate",
            "Cost of a daily rate for some days a week over some weeks: rate × days a week × weeks.",
            DayRateInput,
            lambda i: costing.day_rate_cost(i.rate, i.days_per_week, i.weeks),
        ),
        _tool(
            "costing.contract",
            "Cost of a contract of some days at a daily rate: days × daily rate.",
            ContractInput,
            lambda i: costing.contract_cost(i.days, i.daily_rate),
        ),
        _tool(
            "costing.staff_time",
            "Cost of staff time: salary / working days per year × days needed.",
            StaffTimeInput,
            lambda i: costing.staff_time_cost(i.salary, i.days, i.working_days, i.period),
        ),
        _tool(
            "costing.resourcing",
            "FTE (and cost, from the grade salaries in settings) of resourcing notation like 5xSO@10%.",
            ResourcingInput,
            lambda i: costing.resourcing_cost(i.notation, salaries, i.on_cost_rate),
        ),
        _tool(
            "arithmetic.sum",
            "Add figures in one unit.",
            FiguresInput,
            lambda i: arithmetic.total(_amounts(i.values, i.unit)),
        ),
        _tool(
            "arithmetic.difference",
            "a − b.",
            PairInput,
            lambda i: arithmetic.difference(Amount(i.a, i.unit), Amount(i.b, i.unit)),
        ),
        _tool(
            "arithmetic.ratio",
            "a ÷ b.",
            PairInput,
            lambda i: arithmetic.ratio(Amount(i.a, i.unit), Amount(i.b, i.unit)),
        ),
        _tool(
            "arithmetic.percentage_change",
            "Percentage change from a (old) to b (new).",
            PairInput,
            lambda i: arithmetic.percentage_change(Amount(i.a, i.unit), Amount(i.b, i.unit)),
        ),
        _tool(
            "arithmetic.shortfall",
            "How far actual falls short of target.",
            TargetInput,
            lambda i: arithmetic.shortfall(Amount(i.target, i.unit), Amount(i.actual, i.unit)),
        ),
        _tool(
            "arithmetic.excess",
            "By how much actual beats target.",
            TargetInput,
            lambda i: arithmetic.excess(Amount(i.target, i.unit), Amount(i.actual, i.unit)),
        ),
        _tool(
            "arithmetic.totals_check",
            "Recompute a stated total from its parts and report any discrepancy.",
            TotalsInput,
            lambda i: arithmetic.totals_check(_amounts(i.components, i.unit), Amount(i.stated_total, i.unit)),
        ),
    ]
    return {t.name: t for t in tools}
