"""Costing formulae used in council programme papers.

- staff-time cost = salary / working days per year × days (the Pioneer report, para 7.2: "(salary
  of employee / 220 (average working days per year)) X no. days required per month");
- day-rate cost = daily rate × days per week × weeks ("daily rate of £750 for 4 days per week for 46
  weeks");
- contract cost = days × daily rate ("annual contract of 60 days at £2000 per day");
- resourcing notation of the collaboration plan ("5xSO@10%", "Programme Director @100%") as FTE,
  costed from a grade-to-salary table in settings with an optional on-cost rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistant.tools.base import ToolResult, as_number, positive, require
from core.money import format_money

MAX_DAY_RATE = 20_000  # £ a day; above this a rate is a typo, not a consultant
MAX_SALARY = 1_000_000


def _pounds(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def day_rate_cost(rate: float, days_per_week: float, weeks: float) -> ToolResult:
    """Cost of someone engaged at a daily rate for some days a week over some weeks."""
    r = positive("daily rate", rate, MAX_DAY_RATE, " £/day")
    d = positive("days per week", days_per_week, 7)
    w = positive("weeks", weeks, 53)
    total = _pounds(r * d * w)
    return ToolResult(
        name="costing.day_rate",
        inputs={"rate": as_number(r), "days_per_week": as_number(d), "weeks": as_number(w)},
        output=as_number(total),
        formula=f"{format_money(r)} × {as_number(d)} days a week × {as_number(w)} weeks = {format_money(total, style='exact')}",
    )


def contract_cost(days: float, daily_rate: float) -> ToolResult:
    """Cost of a contract for a number of days at a daily rate."""
    n = positive("days", days, 366)
    r = positive("daily rate", daily_rate, MAX_DAY_RATE, " £/day")
    total = _pounds(n * r)
    return ToolResult(
        name="costing.contract",
        inputs={"days": as_number(n), "daily_rate": as_number(r)},
        output=as_number(total),
        formula=f"{as_number(n)} days × {format_money(r)} a day = {format_money(total, style='exact')}",
    )


def staff_time_cost(
    salary: float, days: float, working_days: float = 220, period: str = "month"
) -> ToolResult:
    """Cost of staff time: salary / working days a year × days needed (per month or per year)."""
    s = positive("salary", salary, MAX_SALARY, " £")
    n = positive("days", days, 31 if period == "month" else 366)
    wd = positive("working days per year", working_days, 366)
    require(period in ("month", "year"), "period must be 'month' or 'year'")
    per_day = s / wd
    cost = _pounds(per_day * n)
    formula = f"{format_money(s)} / {as_number(wd)} working days × {as_number(n)} days = {format_money(cost, style='exact')} a {period}"
    annual = cost * 12 if period == "month" else cost
    notes = [f"that is {format_money(_pounds(annual), style='exact')} a year"] if period == "month" else []
    return ToolResult(
        name="costing.staff_time",
        inputs={
            "salary": as_number(s),
            "days": as_number(n),
            "working_days": as_number(wd),
            "period": period,
        },
        output=as_number(cost),
        formula=formula,
        notes=notes,
        details={"annual": as_number(_pounds(annual)), "per_day": as_number(_pounds(per_day))},
    )


# -- resourcing notation ------------------------------------------------------------------------

_ITEM = re.compile(
    r"(?:(?P<count>\d+)\s*x\s*)?(?P<role>[A-Za-z][A-Za-z .&/-]*?)\s*@\s*(?P<pct>\d+(?:\.\d+)?)\s*%", re.I
)


@dataclass(frozen=True)
class ResourceLine:
    text: str
    count: int
    role: str
    percent: Decimal
    count_assumed: bool

    @property
    def fte(self) -> Decimal:
        return self.count * self.percent / 100


def parse_resourcing(notation: str) -> list[ResourceLine]:
    """ "5xSO@10%" is five SOs at 10% each, 0.5 FTE. "Relevant professionals @2.5%" names no count: one
    is assumed, and the line says so."""
    lines = []
    for m in _ITEM.finditer(notation):
        count = m.group("count")
        lines.append(
            ResourceLine(
                text=m.group(0).strip(),
                count=int(count) if count else 1,
                role=" ".join(m.group("role").split()),
                percent=Decimal(m.group("pct")),
                count_assumed=count is None,
            )
        )
    require(bool(lines), f"no resourcing items like '5xSO@10%' in {notation!r}")
    for line in lines:
        require(line.percent <= 100, f"{line.text}: a share of time above 100% is not possible")
    return lines


def resourcing_cost(notation: str, grade_salaries: dict[str, float], on_cost_rate: float = 0.0) -> ToolResult:
    """FTE of each resourcing item and, where its grade has a salary in settings, its annual cost."""
    require(0 <= on_cost_rate <= 1, "on-cost rate must be between 0 and 1 (e.g. 0.3 for 30%)")
    lines = parse_resourcing(notation)
    salaries = {k.lower(): Decimal(str(v)) for k, v in grade_salaries.items()}
    notes, parts, rows = [], [], []
    total_fte = Decimal(0)
    total_cost: Decimal | None = Decimal(0)
    on_cost = Decimal(str(on_cost_rate))
    for line in lines:
        total_fte += line.fte
        salary = salaries.get(line.role.lower())
        cost = None
        if salary is None:
            notes.append(f"no salary for '{line.role}' in ASSISTANT_GRADE_SALARIES; its cost is not included")
            total_cost = None if total_cost is None else total_cost
        else:
            cost = _pounds(line.fte * salary * (1 + on_cost))
            if total_cost is not None:
                total_cost += cost
            parts.append(f"{as_number(line.fte)} × {format_money(salary)}")
        if line.count_assumed:
            notes.append(f"'{line.text}' gives no head count; one person is assumed")
        rows.append(
            {
                "item": line.text,
                "count": line.count,
                "role": line.role,
                "percent": as_number(line.percent),
                "fte": as_number(line.fte),
                "cost": as_number(cost) if cost is not None else None,
            }
        )
    priced = all(r["cost"] is not None for r in rows)
    cost_text = ""
    if parts:
        on = f" × (1 + {as_number(on_cost)} on-costs)" if on_cost else ""
        cost_text = (
            f"; cost = ({' + '.join(parts)}){on} = {format_money(total_cost or 0, style='exact')} a year"
        )
        if not priced:
            cost_text += " for the priced lines only"
    fte_formula = " + ".join(f"{ln.count} × {as_number(ln.percent)}%" for ln in lines)
    return ToolResult(
        name="costing.resourcing",
        inputs={"notation": notation, "on_cost_rate": on_cost_rate},
        output=as_number(total_cost) if (total_cost is not None and parts) else as_number(total_fte),
        unit="£" if parts else "FTE",
        formula=f"FTE = {fte_formula} = {as_number(total_fte)}{cost_text}",
        notes=notes,
        details={"fte": as_number(total_fte), "lines": rows},
    )
