"""Resourcing lines: "5x Data lead @40%", a count of people at a share of their time. A question about
the time or cost they add up to ("how much time in total, as full-time equivalents", "assuming a
37-hour week, how many hours a week", "if a senior officer costs £60,000 a year") multiplies the
count, the share and the figure the question gives. Resourcing plans write their staffing this way,
one line per role, so the line that names the role the question asks about is read, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import router, stated
from assistant.answer.compose import Quote
from assistant.answer.select import Candidate
from assistant.tools import arithmetic
from core.money import Amount, find_money
from core.tokens import tokenize

# "5x Data lead @40%", "5xSO@10%", "1x critical friend @5%"
RESOURCE_LINE = re.compile(
    r"(?<![\w.])(?P<count>\d{1,3})\s*x\s*(?P<role>[A-Za-z][A-Za-z ]{0,40}?)\s*@\s*(?P<pct>\d{1,3}(?:\.\d+)?)%"
)
# What such a question asks for: time in full-time equivalents, hours a week, or a cost.
_TIME_Q = re.compile(
    r"\bfull[-\s]time\s+equivalents?\b|\bFTEs?\b|\bhours?\s+(?:a|per)\s+week\b|"
    r"\b\d+[-\s]hour\s+(?:working\s+)?week\b|\bworking\s+week\b",
    re.I,
)
_COSTS = re.compile(r"\bcosts?\s+£|\b(?:salary|paid|earns?)\b[^?]*£", re.I)
_HOURS = re.compile(r"\b(\d{1,2}(?:\.\d+)?)[-\s]hours?\b", re.I)
DEPTH = 8  # candidates searched for the resourcing line of the role asked about
ROW_REACH = 60  # characters before a line searched for the name of its row ("Programme Board")


def asks(text: str) -> bool:
    """Whether a question asks for time (FTE, hours a week) or for a cost at a given salary."""
    return bool(_TIME_Q.search(text) or _COSTS.search(text))


def asks_time(text: str) -> bool:
    """Whether it asks for time: full-time equivalents or hours a week."""
    return bool(_TIME_Q.search(text))


@dataclass
class Line:
    count: int
    role: str
    share: float  # of one person's time, 0.4 for 40%
    text: str  # "5x Data lead @40%"
    candidate: Candidate


def _lines(
    ranked: list[Candidate], terms: stated.Terms, glossary: dict[str, str], names: list[str]
) -> Line | None:
    """The resourcing line whose role the question names, among the best candidates: the one whose
    role shares most of the question's key words, an abbreviated role ("SO") read spelt out. A line
    under another name than the one the question gives ("Discovery Board 5xSO@5%" for the Programme
    Board) is not it."""
    best: tuple[tuple[int, int, int], Line] | None = None
    found = [
        (rank, c, m, c.text[max(0, m.start() - ROW_REACH) : m.start()].lower())
        for rank, c in enumerate(ranked[:DEPTH])
        for m in RESOURCE_LINE.finditer(c.text)
    ]
    # Only names some row carries choose among rows ("the Programme Board"); a document's or a
    # council's name ("the Plan for Collaboration") labels no row.
    labels = [n for n in (re.sub(r"['’]s$", "", n).lower() for n in names) if any(n in f[3] for f in found)]
    for rank, c, m, row in found:
        if any(n not in row for n in labels):
            continue  # the row's label comes before its line
        role = " ".join(m.group("role").split())
        spelt = " ".join(glossary.get(w, w) for w in role.split())
        named = len(terms.near & set(tokenize(spelt)))
        if not named:
            continue
        line = Line(int(m.group("count")), role, float(m.group("pct")) / 100, m.group(0), c)
        # Of lines for the same role, the one whose row the question names ("Programme Board").
        merit = (named, stated.nearness(c.text, m.start(), m.end(), terms), -rank)
        if best is None or merit > best[0]:
            best = (merit, line)
    return best[1] if best else None


def resourcing(
    text: str,
    ranked: list[Candidate],
    terms: stated.Terms,
    quote: Callable[[Candidate], Quote],
    glossary: dict[str, str],
    names: list[str],
) -> router.Computed | router.Missing | None:
    """The time or cost the resourcing line of the role asked about comes to. `glossary`: acronym ->
    its words, the corpus's and the sector's; `names`: the bodies the question names."""
    line = _lines(ranked, terms, glossary, names)
    if line is None:
        return None  # no resourcing line: "How many FTE staff does it employ?" asks for a stated figure
    cited = quote(line.candidate)
    people = Amount(line.count, "", text=str(line.count))
    share = Amount(line.share, "", text=f"{line.share:g}")
    ops = [router.Operand(line.text, people, cited), router.Operand(line.text, share, cited)]
    said = f"{line.count} × {line.role} at {line.share * 100:g}% of their time"
    money = find_money(text)
    hours = _HOURS.search(text)
    if money:
        cost = money[0][1]
        result = arithmetic.product([people, share, cost])
        ops.append(router.Operand("given in the question", cost, None))
        return router.Computed(result, ops, f"{said}, at {cost.text} each: {result.formula} a year.")
    if hours:
        week = Amount(float(hours.group(1)), "", text=hours.group(1))
        result = arithmetic.product([people, share, week])
        ops.append(router.Operand("given in the question", week, None))
        return router.Computed(
            result, ops, f"{said}, on a {week.text}-hour week: {result.formula} hours a week."
        )
    result = arithmetic.product([people, share])
    return router.Computed(result, ops, f"{said}: {result.formula} full-time equivalents.")
