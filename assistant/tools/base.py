"""What every tool returns: its result and the formula it used, with the numbers filled in."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.errors import ToolInputError


@dataclass
class ToolResult:
    name: str  # "costing.day_rate"
    inputs: dict[str, Any]
    output: Any  # a number, or a list of checks for the table totals check
    formula: str  # "£750 × 4 days a week × 46 weeks = £138,000"
    unit: str = "£"
    notes: list[str] = field(default_factory=list)  # what the tool assumed or found
    details: dict[str, Any] = field(default_factory=dict)


def as_number(x: Decimal | float | int) -> float | int:
    """JSON-friendly: whole numbers as int, others as float."""
    d = x if isinstance(x, Decimal) else Decimal(str(x))
    return int(d) if d == d.to_integral_value() else float(d)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ToolInputError(message)


def positive(name: str, value: float | Decimal, upper: float | None = None, unit: str = "") -> Decimal:
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    require(d.is_finite(), f"{name} must be a number")
    require(d > 0, f"{name} must be more than zero (got {value})")
    if upper is not None:
        require(
            d <= Decimal(str(upper)),
            f"{name} of {value}{unit} is not plausible (the limit is {upper:,}{unit})",
        )
    return d
