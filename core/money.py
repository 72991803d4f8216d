"""Money, percentages and financial years, parsed once for every tool.

Council papers write the same figure many ways: "£20m", "£20 million", "£311,000", "£4.1m", "£50bn",
"£40-50m" (a range), "c. £3m" (approximate), "42,710" in a "£000" column. Every tool works on
`Amount`s in pounds, so a figure is never mixed up with another's scale, and keeps the text it came
from so a citation can show it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mn": 1e6, "bn": 1e9, "billion": 1e9}
_APPROX = r"(?:(?:c\.|circa|ca\.|approximately|approx\.?|about|around|roughly|some|nearly|almost|in\s+the\s+region\s+of|up\s+to|over|more\s+than|in\s+excess\s+of)\s+)"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT = r"(?:\s?(?:bn|billion|mn|m|million|k|thousand)\b)"
MONEY = re.compile(
    rf"(?P<approx>{_APPROX})?£\s?(?P<low>{_NUM})(?P<low_unit>{_UNIT})?"
    rf"(?:\s?(?:-|–|to)\s?£?\s?(?P<high>{_NUM}))?(?P<unit>{_UNIT})?",
    re.I,
)
PERCENT = re.compile(
    rf"(?P<approx>{_APPROX})?(?P<low>\d+(?:\.\d+)?)(?:\s?%?\s?(?:-|–|to)\s?(?P<high>\d+(?:\.\d+)?))?\s?(?:%|per\s?cent\b)",
    re.I,
)
_FY = re.compile(r"(?<![\d/])((?:19|20)\d{2}|\d{2})\s?[/-]\s?(\d{2}|(?:19|20)\d{2})(?![\d/%])")


@dataclass(frozen=True)
class Amount:
    """A figure in base units (pounds for money, percent points for percentages)."""

    value: float  # the point value; for a range, its low end
    unit: str = "£"  # "£" | "%" | "" (a bare number)
    high: float | None = None  # the high end of a range ("£40-50m")
    approx: bool = False
    text: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_range(self) -> bool:
        return self.high is not None and self.high != self.value

    @property
    def mid(self) -> float:
        return (self.value + self.high) / 2 if self.high is not None else self.value


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _scale(unit: str | None) -> Decimal:
    return Decimal(str(_SCALE.get((unit or "").strip().lower(), 1.0)))


def exact(x: float | int | str | Decimal) -> Decimal:
    """A figure as a Decimal, so £8.6m + £5.8m + £1.1m is exactly £15.5m."""
    return x if isinstance(x, Decimal) else Decimal(str(x))


def parse_money(text: str) -> Amount | None:
    """The first money figure in `text`, or None. "£40-50m" is a range of £40m to £50m."""
    found = find_money(text)
    return found[0][1] if found else None


def find_money(text: str) -> list[tuple[tuple[int, int], Amount]]:
    """Every money figure in `text`, with its (start, end) offsets."""
    out = []
    for m in MONEY.finditer(text):
        unit = m.group("unit") or m.group("low_unit")
        low_unit = m.group("low_unit") or unit  # "£40-50m": the m applies to both ends
        low = float(_number(m.group("low")) * _scale(low_unit))
        high = float(_number(m.group("high")) * _scale(unit)) if m.group("high") else None
        if high is not None and high < low:
            low, high = high, low
        out.append(
            ((m.start(), m.end()), Amount(low, "£", high, bool(m.group("approx")), m.group(0).strip()))
        )
    return out


def find_percent(text: str) -> list[tuple[tuple[int, int], Amount]]:
    out = []
    for m in PERCENT.finditer(text):
        low = float(m.group("low"))
        high = float(m.group("high")) if m.group("high") else None
        out.append(
            ((m.start(), m.end()), Amount(low, "%", high, bool(m.group("approx")), m.group(0).strip()))
        )
    return out


def parse_percent(text: str) -> Amount | None:
    found = find_percent(text)
    return found[0][1] if found else None


def parse_number(text: str) -> float | None:
    """A bare number as tables print it: "42,710", "0.0", "(12)" (negative), "Up to 8.0"."""
    m = re.search(r"(\()?-?(\d[\d,]*(?:\.\d+)?)\)?", text)
    if not m:
        return None
    value = float(_number(m.group(2)))
    return -value if (m.group(1) and text.strip().endswith(")")) or text.strip().startswith("-") else value


def scaled(value: float, unit: str | None, scale: float) -> Amount:
    """A table cell in pounds: 2,224 in a "£000" column is £2,224,000."""
    return Amount(
        value * scale,
        "£" if (unit or "").startswith("£") else "",
        text=f"{value:,g} ({unit})" if unit else f"{value:,g}",
    )


# -- financial years ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FinancialYear:
    start: int

    def __str__(self) -> str:
        return f"{self.start}/{(self.start + 1) % 100:02d}"


def parse_financial_year(text: str) -> FinancialYear | None:
    """ "2012/13", "2012-13", "23/24" and "2012/2013" are the year starting April 2012 (2023)."""
    for m in _FY.finditer(text):
        a, b = m.group(1), m.group(2)
        start = int(a) if len(a) == 4 else (2000 if int(a) < 70 else 1900) + int(a)
        end = int(b) if len(b) == 4 else int(str(start)[:2] + b)
        if end == start + 1 or (len(b) == 2 and int(b) == (start + 1) % 100):
            return FinancialYear(start)
    return None


# -- formatting ---------------------------------------------------------------------------------

NOT_FINITE = "(not a finite number)"


def format_money(value: float | Decimal, *, style: str = "auto") -> str:
    """£138,000 below a million and £1.8m above, to the precision the figure has. `style="m"` keeps
    millions for small results of sums of millions (a £0.1m discrepancy), `"exact"` spells it out.

    Never raises: a NaN or infinite value (which tools refuse, but a formula string may still be
    built from one) is written as such rather than compared, which a Decimal NaN would not allow."""
    v = float(value)
    if not math.isfinite(v):
        return NOT_FINITE
    sign = "-" if v < 0 else ""
    v = abs(v)
    if style == "m" and v < 1e9:
        return f"{sign}£{plain_number(v / 1e6)}m"
    if style == "exact" or v < 1e6:
        if float(v).is_integer():
            return f"{sign}£{v:,.0f}"
        return f"{sign}£{v:,.2f}"
    if v >= 1e9:
        return f"{sign}£{plain_number(v / 1e9)}bn"
    return f"{sign}£{plain_number(v / 1e6)}m"


def money_style(amounts: list[Amount]) -> str:
    """Results are written in the scale their inputs were: "m" when any input was in millions."""
    return "m" if any(re.search(r"\d\s?(?:m|million|mn)\b", a.text, re.I) for a in amounts) else "auto"


def plain_number(x: float) -> str:
    """As few decimals as represent `x` exactly (to a millionth)."""
    if not math.isfinite(x):
        return NOT_FINITE
    for digits in range(7):
        if math.isclose(round(x, digits), x, abs_tol=1e-9):
            return f"{x:,.{digits}f}"
    return f"{x:,.6f}"


def format_amount(a: Amount) -> str:
    high = a.high if a.high is not None else a.value
    if a.unit == "%":
        body = (
            f"{plain_number(a.value)}%"
            if not a.is_range
            else f"{plain_number(a.value)}-{plain_number(high)}%"
        )
    elif a.unit == "£":
        body = format_money(a.value) if not a.is_range else f"{format_money(a.value)} to {format_money(high)}"
    else:
        body = (
            f"{plain_number(a.value)}" if not a.is_range else f"{plain_number(a.value)}-{plain_number(high)}"
        )
    return ("about " if a.approx else "") + body
