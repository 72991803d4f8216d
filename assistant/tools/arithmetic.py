"""Sums, differences, ratios, shortfalls and totals checks, exact to the penny.

Operands are `Amount`s, so a tool never adds pounds to thousands of pounds by mistake. A totals check
recomputes a stated total from its parts and reports any discrepancy with its size; the tolerance is
half a unit of the last digit the stated total prints ("£15.6m" is good to £0.05m), so rounding is
not called a discrepancy but a missing £0.1m is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistant.tools.base import ToolResult, as_number, require
from core.errors import ToolInputError
from core.money import Amount, exact, format_amount, format_money, money_style, plain_number


def _fmt(value: Decimal, like: list[Amount]) -> str:
    unit = like[0].unit if like else "£"
    if unit == "£":
        return format_money(value, style=money_style(like))
    if unit == "%":
        return f"{as_number(value)} percentage points" if len(like) > 1 else f"{as_number(value)}%"
    return f"{as_number(value):,}"


def _percent(x: Decimal | float) -> str:
    """A percentage to one decimal place, without a trailing ".0" ("550%", "22.9%")."""
    text = f"{float(x):,.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def _values(amounts: list[Amount]) -> list[Decimal]:
    require(bool(amounts), "at least one figure is needed")
    units = {a.unit for a in amounts}
    require(len(units) == 1, f"cannot combine figures in different units ({', '.join(sorted(units))})")
    return [exact(a.value) for a in amounts]


def _range_notes(amounts: list[Amount]) -> list[str]:
    notes = []
    for a in amounts:
        if a.is_range:
            notes.append(
                f"{a.text} is a range; its low end, {format_amount(Amount(a.value, a.unit))}, is used"
            )
        if a.approx:
            notes.append(f"{a.text} is approximate, so the result is too")
    return notes


def total(amounts: list[Amount]) -> ToolResult:
    values = _values(amounts)
    result = sum(values, Decimal(0))
    return ToolResult(
        name="arithmetic.sum",
        inputs={"values": [as_number(v) for v in values]},
        output=as_number(result),
        formula=" + ".join(_fmt(v, amounts) for v in values) + f" = {_fmt(result, amounts)}",
        unit=amounts[0].unit,
        notes=_range_notes(amounts),
    )


def difference(a: Amount, b: Amount) -> ToolResult:
    x, y = _values([a, b])
    result = x - y
    return ToolResult(
        name="arithmetic.difference",
        inputs={"a": as_number(x), "b": as_number(y)},
        output=as_number(result),
        formula=f"{_fmt(x, [a, b])} − {_fmt(y, [a, b])} = {_fmt(result, [a, b])}",
        unit=a.unit,
        notes=_range_notes([a, b]),
    )


RATIO_DECIMALS = 2  # "1.26 times": a ratio is read to two decimal places ...
RATIO_FIGURES = 3  # ... and one under 1 to three significant figures (0.229)


def _ratio_rounded(x: float) -> float:
    return round(x, RATIO_DECIMALS) if abs(x) >= 1 else float(f"{x:.{RATIO_FIGURES}g}")


def ratio(a: Amount, b: Amount) -> ToolResult:
    x, y = _values([a, b])
    if y == 0:
        raise ToolInputError("cannot divide by zero")
    result = x / y
    return ToolResult(
        name="arithmetic.ratio",
        inputs={"a": as_number(x), "b": as_number(y)},
        output=_ratio_rounded(float(result)),
        formula=f"{_fmt(x, [a, b])} ÷ {_fmt(y, [a, b])} = {plain_number(_ratio_rounded(float(result)))}",
        unit="",
        notes=_range_notes([a, b]),
    )


AVERAGE_DECIMALS = 2  # an average is printed to this many decimals of the unit its inputs print in


def _for_print(result: Decimal, amounts: list[Amount]) -> tuple[Decimal, list[Amount]]:
    """A worked-out figure rounded as a paper would print it: £16.67m (two decimals of a million),
    £251,923 (whole pounds under a million), 2,144.33; and the figures to format it like."""
    money = amounts[0].unit == "£"
    millions = money and money_style(amounts) == "m" and abs(result) >= Decimal(10**6)
    step = (
        Decimal(10) ** -AVERAGE_DECIMALS * Decimal(10**6)
        if millions
        else Decimal(1)
        if money
        else Decimal(10) ** -AVERAGE_DECIMALS
    )
    shown = (result / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step  # as papers round
    return shown, amounts if millions or not money else [Amount(float(shown), "£")]


def average(amounts: list[Amount], count: int, per: str) -> ToolResult:
    """The sum of `amounts` spread evenly over `count` of `per` ("£4.2m over 4 years": £1.05m a
    year; five councils' targets: their mean). Rounded for print, since £100m over six years is not
    a figure any paper would write to the penny."""
    require(count > 0, "an average needs at least one year, council or item to spread over")
    values = _values(amounts)
    whole = sum(values, Decimal(0))
    result = whole / Decimal(count)
    shown, like = _for_print(result, amounts)
    summed = " + ".join(_fmt(v, amounts) for v in values) if len(values) > 1 else _fmt(whole, amounts)
    notes = _range_notes(amounts)
    if shown != result:
        notes.append(f"rounded from {float(result):,.4f}")
    return ToolResult(
        name="arithmetic.average",
        inputs={"values": [as_number(v) for v in values], "count": count, "per": per},
        output=as_number(shown),
        formula=f"{'(' + summed + ')' if len(values) > 1 else summed} ÷ {count} = {_fmt(shown, like)} {per}",
        unit=amounts[0].unit,
        notes=notes,
    )


def share(part: Amount, whole: Amount) -> ToolResult:
    """`part` as a percentage of `whole`."""
    x, y = _values([part, whole])
    if y == 0:
        raise ToolInputError("cannot take a share of zero")
    result = x / y * 100
    return ToolResult(
        name="arithmetic.share",
        inputs={"part": as_number(x), "whole": as_number(y)},
        output=round(float(result), 2),
        formula=f"{_fmt(x, [part, whole])} ÷ {_fmt(y, [part, whole])} × 100 = {_percent(result)}",
        unit="%",
        notes=_range_notes([part, whole]),
    )


def percentage_change(old: Amount, new: Amount) -> ToolResult:
    x, y = _values([old, new])
    if x == 0:
        raise ToolInputError("the percentage change from zero is undefined")
    result = (y - x) / x * 100
    return ToolResult(
        name="arithmetic.percentage_change",
        inputs={"old": as_number(x), "new": as_number(y)},
        output=round(float(result), 2),
        formula=f"({_fmt(y, [old, new])} − {_fmt(x, [old, new])}) ÷ {_fmt(x, [old, new])} × 100 = {_percent(result)}",
        unit="%",
        notes=_range_notes([old, new]),
    )


def percentage_of(pct: Amount, base: Amount) -> ToolResult:
    """`pct` per cent of `base` ("3.5% of £12m")."""
    require(pct.unit == "%", "the rate must be a percentage")
    p, b = exact(pct.value), exact(base.value)
    result = p / Decimal(100) * b
    # 65% of £11.9m is £7.74m as a paper prints it, not £7.735m.
    shown, like = _for_print(result, [base])
    notes = _range_notes([pct, base])
    if shown != result:
        notes.append(f"rounded from {_fmt(result, [base])}")
    return ToolResult(
        name="arithmetic.percentage_of",
        inputs={"percent": as_number(p), "of": as_number(b)},
        output=as_number(shown),
        formula=f"{as_number(p)}% × {_fmt(b, [base])} = {_fmt(shown, like)}",
        unit=base.unit,
        notes=notes,
    )


def product(amounts: list[Amount]) -> ToolResult:
    """A rate times the quantities it applies to ("£500 a person a week × 12 people × 52 weeks")."""
    require(len(amounts) >= 2, "a product needs at least two figures")
    values = [exact(a.value) for a in amounts]
    result = Decimal(1)
    for v in values:
        result *= v
    money = [a for a in amounts if a.unit == "£"]
    like = money or amounts[:1]
    return ToolResult(
        name="arithmetic.product",
        inputs={"values": [as_number(v) for v in values]},
        output=as_number(result),
        formula=" × ".join(_fmt(v, [a]) for v, a in zip(values, amounts, strict=True))
        + f" = {_fmt(result, like)}",
        unit=like[0].unit,
        notes=_range_notes(amounts),
    )


def shortfall(target: Amount, actual: Amount) -> ToolResult:
    """How far `actual` falls short of `target` (negative when it exceeds it), and the share met."""
    t, a = _values([target, actual])
    gap = t - a
    notes = _range_notes([target, actual])
    notes.append(
        f"short by {_fmt(gap, [target, actual])}"
        if gap > 0
        else f"exceeds the target by {_fmt(-gap, [target, actual])}"
    )
    if t:
        notes.append(f"{_percent(a / t * 100)} of the target")
    return ToolResult(
        name="arithmetic.shortfall",
        inputs={"target": as_number(t), "actual": as_number(a)},
        output=as_number(gap),
        formula=f"{_fmt(t, [target, actual])} − {_fmt(a, [target, actual])} = {_fmt(gap, [target, actual])}",
        unit=target.unit,
        notes=notes,
    )


def excess(target: Amount, actual: Amount) -> ToolResult:
    """By how much `actual` beats `target` (negative when it falls short)."""
    t, a = _values([target, actual])
    over = a - t
    notes = _range_notes([target, actual])
    if t:
        notes.append(f"{_percent(a / t * 100)} of the target")
    return ToolResult(
        name="arithmetic.excess",
        inputs={"target": as_number(t), "actual": as_number(a)},
        output=as_number(over),
        formula=f"{_fmt(a, [target, actual])} − {_fmt(t, [target, actual])} = {_fmt(over, [target, actual])}",
        unit=target.unit,
        notes=notes,
    )


def _precision(a: Amount) -> Decimal:
    """Half a unit of the last digit the figure prints: "£15.6m" -> £50,000; "2,224" -> 0.5."""
    m = re.search(r"(\d[\d,]*)(?:\.(\d+))?\s*(bn|billion|m|million|k)?", a.text or "", re.I)
    if not m:
        return Decimal("0.5")
    decimals = len(m.group(2) or "")
    scale = {"bn": 10**9, "billion": 10**9, "m": 10**6, "million": 10**6, "k": 10**3}.get(
        (m.group(3) or "").lower(), 1
    )
    return Decimal(scale) / (Decimal(10) ** decimals) / 2


def totals_check(components: list[Amount], stated: Amount) -> ToolResult:
    """Recompute a stated total from its parts and report the discrepancy, if there is one."""
    values = _values([*components, stated])
    parts, claimed = values[:-1], values[-1]
    computed = sum(parts, Decimal(0))
    gap = claimed - computed
    tolerance = _precision(stated)
    ok = abs(gap) <= tolerance
    like = [*components, stated]
    stated_text = stated.text or _fmt(claimed, like)
    if gap == 0:
        verdict = "adds up exactly"
    elif ok:
        verdict = (
            f"adds up to the precision stated: {stated_text} is rounded, and the parts add up to "
            f"{_fmt(computed, like)}, {_fmt(abs(gap), like)} {'less' if gap > 0 else 'more'}"
        )
    else:
        verdict = (
            f"does not add up: the parts add up to {_fmt(computed, like)}, {_fmt(abs(gap), like)} "
            f"{'less' if gap > 0 else 'more'} than the stated {stated_text}"
        )
    return ToolResult(
        name="arithmetic.totals_check",
        inputs={"components": [as_number(v) for v in parts], "stated_total": as_number(claimed)},
        output=as_number(computed),
        formula=" + ".join(_fmt(v, like) for v in parts)
        + f" = {_fmt(computed, like)} (stated: {stated.text or _fmt(claimed, like)})",
        unit=stated.unit,
        notes=[verdict, *_range_notes(like)],
        details={"stated": as_number(claimed), "discrepancy": as_number(gap), "adds_up": ok},
    )


# -- tables ---------------------------------------------------------------------------------------

_NUM = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_PAREN = re.compile(r"\(([^)]*)\)")
_PHASED = re.compile(r"\b(?:thereafter|then|rising\s+to|falling\s+to|afterwards)\b", re.I)


@dataclass(frozen=True)
class Cell:
    value: Decimal | None
    note: str | None = None


def parse_cell(text: str) -> Cell:
    """A table cell as a number, saying what was assumed when the cell holds more than one.

    "19 (9.5 is a one off cost – not annual)" is 19 with a note; "Up to 1.5" is its upper bound 1.5;
    "2.0 8.0" and "GM 8 SO up to 4" are parts of one cell and are added; "20 (for 4 months) 5
    thereafter" is phased, and its maximum is used; "(max)" marks a maximum and changes nothing.
    """
    raw = " ".join((text or "").split())
    if not raw:
        return Cell(None)
    notes: list[str] = []
    body = raw
    for inner in _PAREN.findall(raw):
        if inner.strip().lower() != "max":
            notes.append(f"“({inner})” read as a note")
        body = body.replace(f"({inner})", " ")
    numbers = [Decimal(n.replace(",", "")) for n in _NUM.findall(body)]
    if not numbers:
        return Cell(None)
    if re.search(r"\bup\s+to\b", body, re.I):
        notes.append("“up to” read as the amount")
    if len(numbers) == 1:
        value = numbers[0]
    elif _PHASED.search(body):
        value = max(numbers)
        notes.append(f"phased figures {', '.join(str(n) for n in numbers)}: the maximum, {value}, is used")
    else:
        value = sum(numbers, Decimal(0))
        notes.append(f"parts {' + '.join(str(n) for n in numbers)} added")
    return Cell(value, f"“{raw}”: " + "; ".join(notes) if notes else None)


def _label_key(label: str) -> str:
    return " ".join(re.sub(r"\btotal\b", " ", label, flags=re.I).split()).lower()


@dataclass(frozen=True)
class LabelledRow:
    """A table row as the totals check reads it: its label and its cells by column header."""

    label: str | None
    cells: dict[str, str]


def table_totals_check(rows: list[LabelledRow], unit: str | None = None) -> ToolResult:
    """Check every total row (down each column) and total column (across each row) of a table.

    `rows` are in table order. A total row's parts are the
    rows above it whose label it repeats ("Total Efficiency Target by 2010-11" adds the two
    "Efficiency Target by 2010-11 (...)" rows, not "Total eligible spend"), or else every row above
    it back to the previous total. A total column adds the other columns, subtracting any headed
    "Less ...".
    """
    require(len(rows) >= 2, "a table needs at least two rows to check")
    checks: list[dict] = []
    notes: list[str] = []
    headers = list(rows[0].cells)
    is_total_row = [bool(re.match(r"\s*total\b", r.label or "", re.I)) for r in rows]
    total_cols = [h for h in headers if re.search(r"\btotal\b", h, re.I)]

    def cell(row: LabelledRow, header: str) -> Cell:
        c = parse_cell(row.cells.get(header, ""))
        if c.note and c.note not in notes:
            notes.append(c.note)
        return c

    for i, row in enumerate(rows):
        if not is_total_row[i]:
            continue
        key = _label_key(row.label or "")
        previous_total = max((j for j in range(i) if is_total_row[j]), default=-1)
        above = [j for j in range(previous_total + 1, i) if not is_total_row[j]]
        named = [j for j in above if key and key in (rows[j].label or "").lower()]
        parts = named or above
        for header in headers:
            stated = cell(row, header)
            if stated.value is None:
                continue
            values = [cell(rows[j], header).value for j in parts]
            present = [v for v in values if v is not None]
            if not present:
                continue
            computed = sum(present, Decimal(0))
            checks.append(
                {
                    "total": f"{row.label} · {header}",
                    "kind": "column",
                    "parts": [rows[j].label for j in parts],
                    "computed": as_number(computed),
                    "stated": as_number(stated.value),
                    "discrepancy": as_number(stated.value - computed),
                }
            )
    for col in total_cols:
        others = [h for h in headers if h != col and h not in total_cols]
        for row in rows:
            stated = cell(row, col)
            if stated.value is None:
                continue
            computed = Decimal(0)
            used = []
            for h in others:
                c = cell(row, h)
                if c.value is None:
                    continue
                sign = -1 if re.match(r"\s*less\b", h, re.I) else 1
                computed += sign * c.value
                used.append(("− " if sign < 0 else "") + h)
            if not used:
                continue
            checks.append(
                {
                    "total": f"{row.label} · {col}",
                    "kind": "row",
                    "parts": used,
                    "computed": as_number(computed),
                    "stated": as_number(stated.value),
                    "discrepancy": as_number(stated.value - computed),
                }
            )
    require(bool(checks), "the table has no total row or total column to check")
    wrong = [c for c in checks if c["discrepancy"] != 0]
    summary = f"{len(checks)} totals checked; {len(wrong)} differ from the sum of their parts" + (
        ""
        if not wrong
        else ": "
        + "; ".join(
            f"{c['total']} states {c['stated']:,}, parts sum to {c['computed']:,} (difference {c['discrepancy']:+,})"
            for c in wrong
        )
    )
    return ToolResult(
        name="arithmetic.table_totals_check",
        inputs={"rows": len(rows), "unit": unit},
        output=checks,
        formula=summary,
        unit=unit or "",
        notes=notes,
        details={"discrepancies": wrong, "adds_up": not wrong},
    )
