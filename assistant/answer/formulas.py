"""Costs and rates worked out from figures the question gives, with any constant a document's formula
needs taken from that document and cited.

- a day rate over weeks: "4 days a week at £750 a day for 46 weeks";
- a contract: "a 90-day contract at £1,100 a day", "60 days at £2,000 per day";
- staff time by a document's formula: "an officer on £44,000 needed 2 days a month", costed as
  salary / working days a year × days, the working days a year read from the passage that states
  the formula (never assumed);
- a rate or percentage a document states, applied to figures in the question: "applying the LAA's
  savings percentage to £12m", "if the council employed 6,000 staff, how many posts would the
  planned reduction remove?", "at the saving per person per week, what would 12 people save over
  52 weeks?".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import stated
from assistant.answer.compose import Quote
from assistant.answer.router import LABELLED_NUMBER, Computed, Missing, Operand
from assistant.answer.select import Candidate
from assistant.tools import arithmetic, costing
from assistant.tools.base import ToolResult, as_number
from core.money import Amount, find_money, find_percent, format_money
from core.tokens import tokenize

RATE_DEPTH = 6  # the best candidates searched for a document's rate or costing to apply
# A percentage is chosen by the question's key words around it, so a few more candidates are read.
PERCENT_DEPTH = 10
_N = r"(\d[\d,]*(?:\.\d+)?)"
_MONEY = r"£\s?(\d[\d,]*(?:\.\d+)?)\s*(k|m)?"
_RATE = re.compile(
    rf"{_MONEY}\s*(?:a|per|each|/)\s*day\b|\b(?:daily|day)\s+rate\s+(?:of\s+)?{_MONEY}|{_MONEY}\s+daily\b",
    re.I,
)
_DAYS_A_WEEK = re.compile(
    rf"{_N}\s*(?:-|\s)?days?[\s-]*(?:a|per|each|/|every)[\s-]*week|{_N}-day\s+weeks?", re.I
)
_WEEKS = re.compile(rf"{_N}\s*(?:-|\s)?weeks?\b", re.I)
_DAYS = re.compile(
    rf"{_N}\s*(?:-|\s)?(?:working\s+)?days?\b(?!\s*(?:a|per|each|/|every)\s*(?:week|month|year))", re.I
)
_SALARY = re.compile(
    rf"(?:salary\s+(?:of\s+)?{_MONEY}|{_MONEY}\s+(?:a\s+year\s+)?salary|on\s+{_MONEY})", re.I
)
_DAYS_A_PERIOD = re.compile(rf"{_N}\s*days?\s*(?:a|per|each|every)\s*(month|year)", re.I)
_WORKING_DAYS = re.compile(
    r"(\d{3})\s*\(?\s*(?:average\s+)?(?:number\s+of\s+)?working\s+days|working\s+days\s+(?:a|per)\s+year\s+(?:of\s+)?(\d{3})",
    re.I,
)
_APPLY = re.compile(
    r"\b(?:apply(?:ing)?|using|use|at\s+the|on\s+the\s+basis\s+of|based\s+on|suppose|if|assum(?:e|ing)|imagine|going\s+by)\b|"
    r"(?:^|[.,;]\s*)(?:let'?s\s+)?say\b",  # "Say the council had 6,000 staff."
    re.I,
)
_WOULD = re.compile(r"\b(?:would|will|could|should)\b|\bwhat\s+(?:is|are)\b", re.I)
_PERCENT_WORDS = re.compile(
    r"\b(?:percentage|per\s*cent|%|rate|reduction|cut|share|proportion|stretch)\b", re.I
)
_PER_UNIT = re.compile(
    r"£\s?(\d[\d,]*(?:\.\d+)?)\s*(k|m)?\s+(?:a|per|each)\s+(person|head|child|client|property|household|week|month|year|day)"
    r"(?:\s*,?\s*(?:a|per|each)\s+(week|month|year|day))?",
    re.I,
)
# A figure the question gives; not the second year of a span ("2025-26"), a date's day or an ordinal.
_COUNTS = re.compile(
    r"(?<![\d£.,/])(?<!\d[-–])(\d[\d,]*(?:\.\d+)?)(?![\d%])(?!\s*(?:/\d|st\b|nd\b|rd\b|th\b))"
)


def _n(text: str) -> float:
    return float(text.replace(",", ""))


def _money(value: str, scale: str | None) -> float:
    return _n(value) * {"k": 1e3, "m": 1e6}.get((scale or "").lower(), 1.0)


def _first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.search(text)


def _rate(text: str) -> float | None:
    m = _RATE.search(text)
    if not m:
        return None
    g = m.groups()
    for value, scale in ((g[0], g[1]), (g[2], g[3]), (g[4], g[5])):
        if value:
            return _money(value, scale)
    return None


@dataclass
class Costing:
    """A costing asked with its figures in the question, before any constant from the documents."""

    kind: str  # day_rate | contract | staff_time
    figures: dict[str, float]
    period: str = "month"


def costing_in(text: str) -> Costing | None:
    rate = _rate(text)
    dpw = _first(_DAYS_A_WEEK, text)
    weeks = _first(_WEEKS, text)
    if rate is not None and dpw and weeks:
        days_per_week = _n(next(g for g in dpw.groups() if g))
        return Costing(
            "day_rate", {"rate": rate, "days_per_week": days_per_week, "weeks": _n(weeks.group(1))}
        )
    salary = _first(_SALARY, text)
    per_period = _first(_DAYS_A_PERIOD, text)
    if salary and per_period:
        g = salary.groups()
        value, scale = next((v, s) for v, s in ((g[0], g[1]), (g[2], g[3]), (g[4], g[5])) if v)
        return Costing(
            "staff_time",
            {"salary": _money(value, scale), "days": _n(per_period.group(1))},
            per_period.group(2).lower(),
        )
    days = _first(_DAYS, text)
    if rate is not None and days and not dpw:
        return Costing("contract", {"days": _n(days.group(1)), "rate": rate})
    return None


def working_days(ranked: list[Candidate]) -> tuple[float, Candidate] | None:
    """The working days a year that a document's costing formula divides a salary by."""
    for c in ranked[:10]:
        m = _WORKING_DAYS.search(c.text)
        if m:
            return _n(m.group(1) or m.group(2)), c
    return None


def cost(found: Costing, ranked: list[Candidate], quote: Callable[[Candidate], Quote]) -> Computed | Missing:
    f = found.figures
    if found.kind == "day_rate":
        r = costing.day_rate_cost(f["rate"], f["days_per_week"], f["weeks"])
        lead = (
            f"At {format_money(f['rate'])} a day for {as_number(f['days_per_week'])} days a week over "
            f"{as_number(f['weeks'])} weeks, the cost is {format_money(r.output, style='exact')}: {r.formula}."
        )
        return Computed(r, [], lead)
    if found.kind == "contract":
        r = costing.contract_cost(f["days"], f["rate"])
        lead = (
            f"{as_number(f['days'])} days at {format_money(f['rate'])} a day cost "
            f"{format_money(r.output, style='exact')}: {r.formula}."
        )
        return Computed(r, [], lead)
    stated = working_days(ranked)
    if stated is None:
        return Missing(["the number of working days a year that the costing formula divides a salary by"])
    days_a_year, source = stated
    r = costing.staff_time_cost(f["salary"], f["days"], days_a_year, found.period)
    where = source.doc.title
    op = Operand(
        "working days a year",
        Amount(days_a_year, "", text=f"{as_number(days_a_year)} working days"),
        quote(source),
    )
    return Computed(
        r,
        [op],
        f"Using the formula of the {where} (salary / {as_number(days_a_year)} working days a year × days): {r.formula}.",
    )


# -- a document's costing, recosted with the figures the question changes --------------------------

# "£138,000 based on daily rate of £750 for 4 days per week for 46 weeks"
_STATED_DAY_RATE = re.compile(rf"{_MONEY}\s+for\s+{_N}\s+days?\s+(?:per|a)\s+week\s+for\s+{_N}\s+weeks", re.I)
_COSTS = re.compile(r"\bcost\b|\bhow\s+much\b|\bwhat\s+would\b.*\b(?:come\s+to|be)\b", re.I)


def recosting_in(text: str) -> dict[str, float]:
    """The inputs of a day-rate costing a question gives when it gives only some of them ("at the
    option 2 daily rate, what would 2 days a week cost?"): the others are the document's."""
    if not _COSTS.search(text) or costing_in(text) is not None:
        return {}
    given: dict[str, float] = {}
    if (rate := _rate(text)) is not None:
        given["rate"] = rate
    if dpw := _first(_DAYS_A_WEEK, text):
        given["days_per_week"] = _n(next(g for g in dpw.groups() if g))
    if weeks := _first(_WEEKS, text):
        given["weeks"] = _n(weeks.group(1))
    return given


def recost(
    given: dict[str, float], ranked: list[Candidate], quote: Callable[[Candidate], Quote]
) -> Computed | None:
    """The first costing stated in the evidence, worked out again with the inputs the question gives
    in place of the document's; the document's other inputs are cited."""
    for c in ranked[:RATE_DEPTH]:
        m = _STATED_DAY_RATE.search(c.text)
        if m is None:
            continue
        stated = {
            "rate": _money(m.group(1), m.group(2)),
            "days_per_week": _n(m.group(3)),
            "weeks": _n(m.group(4)),
        }
        if all(stated[k] == v for k, v in given.items()):
            continue  # the question restates the document's costing: nothing changes
        used = stated | given
        r = costing.day_rate_cost(used["rate"], used["days_per_week"], used["weeks"])
        kept = [k for k in stated if k not in given]
        words = {"rate": "daily rate", "days_per_week": "days a week", "weeks": "weeks"}
        ops = [
            Operand(
                words[k],
                Amount(stated[k], "£" if k == "rate" else "", text=str(as_number(stated[k]))),
                quote(c),
            )
            for k in kept
        ]
        changed = ", ".join(
            f"{as_number(v) if k != 'rate' else format_money(v)} {words[k]}" for k, v in given.items()
        )
        return Computed(
            r,
            ops,
            f"With {changed} in place of the document's, the cost is {format_money(r.output, style='exact')}: {r.formula}.",
        )
    return None


# -- a document's rate or percentage, applied ---------------------------------------------------


def asks_to_apply(text: str) -> bool:
    """A question that gives figures of its own and asks what a document's rate makes of them."""
    return bool(_APPLY.search(text) and _WOULD.search(text) and _question_figures(text))


_SUPPOSING = re.compile(
    r"(?:^|[.,;]\s*)(?:let'?s\s+)?say\b|"
    r"\b(?:suppos(?:e|ing)|imagin(?:e|ing)|assum(?:e|ing)|if|hypothetically|at\s+the\s+(?:bottom|top)\s+and\s+"
    r"(?:bottom|top)\s+of\s+the\s+range|at\s+(?:both\s+ends|either\s+end)\s+of\s+the\s+range)\b",
    re.I,
)


# "Applying the workforce reduction range in the productivity plan, how many ...": the rate named.
_RATE_PHRASE = re.compile(
    r"\b(?:applying|apply|using|use|based\s+on|going\s+by)\s+(?P<rate>[^,?]{8,}?)(?=\s*,|\s+to\s+(?:an?|the)\b|\s*\?|$)",
    re.I,
)


def rate_question(text: str) -> str:
    """The question as a search for the document's rate: the phrase that names the rate when there
    is one ("applying the workforce reduction range ..."), else the question without the figures it
    gives (they are the operands, and no passage states them) or the words that frame them as a
    supposition."""
    named = _RATE_PHRASE.search(text)
    if named and not find_money(named.group("rate")) and not _COUNTS.search(named.group("rate")):
        return named.group("rate").strip()
    spans = [span for span, _ in find_money(text)] + [span for span, _ in find_percent(text)]
    spans += [m.span() for m in _COUNTS.finditer(text)]
    merged: list[list[int]] = []
    for start, end in sorted(spans):  # "3.5 per cent" is a percentage and a count: cut it once
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + " " + text[end:]
    return re.sub(r"\s+", " ", _SUPPOSING.sub(" ", text)).strip()


def given_nouns(text: str) -> frozenset[str]:
    """The stems of what the question's own figures count ("6,000 staff" -> staff): a rate is applied
    to them, so they do not say which of a passage's rates is meant."""
    return frozenset(
        t for m in _GIVEN_NOUN.finditer(text) for t in tokenize(m.group(1)) if not t[0].isdigit()
    )


_GIVEN_NOUN = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:k|m|bn)?\s+([a-z]+)", re.I)


def wants_percent(text: str) -> bool:
    return bool(_PERCENT_WORDS.search(text))


_AN_AGE_OR_TIME = re.compile(r"\b(?:before|after|aged?|until|since|under\s+the\s+age\s+of)\s+$", re.I)


def _question_figures(text: str) -> list[Amount]:
    out = [a for _, a in find_money(text)]
    taken = [span for span, _ in find_money(text)] + [span for span, _ in find_percent(text)]
    for m in _COUNTS.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value = _n(m.group(1))
        if 1900 <= value <= 2100 and "," not in m.group(1):
            continue  # a year
        if LABELLED_NUMBER.search(text[: m.start()]):
            continue  # a label's number: "option 3", "Table 5"
        if _AN_AGE_OR_TIME.search(text[: m.start()]):
            continue  # "assessed before 18": an age or a time, not a quantity to multiply by
        out.append(Amount(value, "", text=m.group(1)))
    return out


def apply_rate(
    text: str,
    ranked: list[Candidate],
    quote: Callable[[Candidate], Quote],
    terms: stated.Terms | None = None,
) -> Computed | Missing | None:
    """A rate or percentage of the best passages applied to the question's own figures. `terms`: the
    key words of what the rate is of; a percentage is taken only from among them ("reduce the overall
    workforce by 20-26%", not "Trade Union time as a % of the pay bill" on the same page)."""
    figures = _question_figures(text)
    if not figures:
        return None
    percent = wants_percent(text)
    # "at the rate the plan quotes" may be a rate per person or a percentage: a rate per unit stated
    # in the passage is taken first unless the question speaks of a percentage.
    units_first = not _PERCENT_NAMED.search(text)
    # Of the passages' percentages, those among the most of the question's key words.
    closeness = {
        (c.key, start): stated.nearness(c.text, start, end, terms) if terms is not None else 1
        for c in ranked[:PERCENT_DEPTH]
        for (start, end), _ in find_percent(c.text)
    }
    closest = max(closeness.values(), default=0)
    for i, c in enumerate(ranked[:PERCENT_DEPTH]):
        per_unit = _PER_UNIT.search(c.text) if i < RATE_DEPTH else None
        if units_first and per_unit:
            return _applied_rate(figures, per_unit, c, quote)
        # Percentages to be added ("the basic percentage plus the stretch percentage") are each of
        # the passage's that the question's words stand around; otherwise the closest one.
        least = 1 if _ADDS_PERCENTS.search(text) else closest
        percents = [
            a for (start, _), a in find_percent(c.text) if closest and closeness[c.key, start] >= least
        ]
        if percent and percents:
            return _applied_percent(text, figures, percents, c, quote)
        if per_unit:
            return _applied_rate(figures, per_unit, c, quote)
    return None


_ADDS_PERCENTS = re.compile(
    r"\b(?:plus|added\s+to|together\s+with|combined|and\s+the\s+\w+\s+(?:percentage|rate))\b", re.I
)
_PERCENT_NAMED = re.compile(r"\b(?:percentage|per\s*cent|percent)\b|%", re.I)


def _applied_percent(
    text: str,
    figures: list[Amount],
    percents: list[Amount],
    c: Candidate,
    quote: Callable[[Candidate], Quote],
) -> Computed:
    base = max(figures, key=lambda a: a.value)
    # "the basic percentage plus the stretch percentage": the document's percentages added.
    adds = bool(_ADDS_PERCENTS.search(text)) and len(percents) > 1
    used = percents if adds else percents[:1]
    low = sum(p.value for p in used)
    high = sum(p.high if p.high is not None else p.value for p in used)
    ops = [Operand(p.text, p, quote(c)) for p in used] + [Operand("given in the question", base, None)]
    results: list[ToolResult] = []
    for pct in [low, high] if high != low else [low]:
        results.append(arithmetic.percentage_of(Amount(pct, "%"), base))
    result = results[0]
    if len(results) == 2:
        result.notes.append(f"at the top of the range, {results[1].formula}")
        result.details["high"] = results[1].output
    rate_text = " + ".join(p.text for p in used)
    return Computed(
        result, ops, f"Applying {rate_text} to {base.text or as_number(base.value)}: {result.formula}."
    )


def _applied_rate(
    figures: list[Amount], m: re.Match[str], c: Candidate, quote: Callable[[Candidate], Quote]
) -> Computed:
    rate = Amount(_money(m.group(1), m.group(2)), "£", text=m.group(0))
    factors = [f for f in figures if f.unit == ""]
    result = arithmetic.product([rate, *factors])
    ops = [Operand("rate", rate, quote(c)), *[Operand("given in the question", f, None) for f in factors]]
    return Computed(result, ops, f"At {m.group(0)}: {result.formula}.")
