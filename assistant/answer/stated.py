"""Computations whose operands one sentence states together, read from the quote that is cited.

- a movement, "moving from 20 in 2016 to now having in excess of 130": its percentage change;
- a total over a stated period, "£4.2m over a period of 4 years": its average a year.

Papers state both operands of such a computation in one sentence far more often than in two; reading
them from the sentence keeps the pair together, where a search for each operand alone finds two
figures that may belong to different things.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answer import router
from assistant.answer.compose import Quote
from assistant.answer.question import Question
from assistant.answer.select import Candidate
from assistant.tools import arithmetic
from core.money import Amount, find_money, find_percent
from core.tokens import count_of, tokenize

STATED_DEPTH = 3  # the best few candidates searched for a sentence stating both operands
CONTEXT_WORDS = 8  # words either side of the operands that say what they are about
KEY_WEIGHT = 1.0  # a question term at least this heavy is one of its key terms

_FIGURE = (
    r"£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:bn|billion|m|million|k)\b)?|\d[\d,]*(?:\.\d+)?(?:\s?(?:%|per\s?cent))?"
)
_APPROX_WORDS = (
    r"(?:in\s+excess\s+of|more\s+than|over|around|about|circa|c\.|nearly|almost|approximately|some|roughly)"
)
# "from 20 in 2016 to now having in excess of 130", "rose from £3.2m to £4.1m"
_FROM_TO = re.compile(
    rf"\bfrom\s+(?:a\s+|an\s+)?(?P<old>{_FIGURE})(?P<between>(?:\s+[^\s.;]+){{0,4}}?)\s+to\s+"
    rf"(?P<words>(?:[a-z]+\s+){{0,5}}?)(?P<new>{_FIGURE})",
    re.I,
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_NUMBER_WORD = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty"
# "over a period of 4 years", "over the last six years"
_OVER = re.compile(
    rf"\bover\s+(?:a\s+period\s+of\s+|the\s+(?:last|past|next|previous|following|coming|first)\s+)?"
    rf"(?P<count>{_NUMBER_WORD})\s+(?P<unit>year|month|week)s?\b",
    re.I,
)
PERIOD_REACH = 80  # characters between a total and the period it is spread over


def key_terms(q: Question) -> set[str]:
    return {t for t, w in q.weights.items() if w >= KEY_WEIGHT}


def about(text: str, start: int, end: int, key: set[str]) -> bool:
    """Whether the words at and around text[start:end] use a key term of the question: a pair of
    figures about something else is not the pair asked for."""
    around = (
        text[:start].split()[-CONTEXT_WORDS:] + text[start:end].split() + text[end:].split()[:CONTEXT_WORDS]
    )
    return bool(key & set(tokenize(" ".join(around))))


def _figure(text: str, approx: str | None) -> Amount | None:
    """A figure as the movement states it, with the words that make it approximate ("in excess of"):
    money, a percentage or a bare count (never a year)."""
    if money := find_money(text):
        a = money[0][1]
    elif pct := find_percent(text):
        a = pct[0][1]
    elif _YEAR.fullmatch(text.strip()):
        return None
    else:
        a = Amount(float(text.replace(",", "")), "", text=text.strip())
    if approx:
        a = Amount(a.value, a.unit, a.high, True, f"{' '.join(approx.split())} {a.text}")
    return a


def movement(q: Question, ranked: list[Candidate], quote: Callable[..., Quote]) -> router.Computed | None:
    """The percentage change of a movement one sentence states ("from 20 in 2016 to ... 130")."""
    key = key_terms(q)
    for c in ranked[:STATED_DEPTH]:
        cited = quote(c)
        for m in _FROM_TO.finditer(cited.text):
            if not about(cited.text, m.start(), m.end(), key):
                continue
            bound = re.search(rf"\b{_APPROX_WORDS}\s*$", m.group("words"), re.I)
            old, new = (
                _figure(m.group("old"), None),
                _figure(m.group("new"), bound.group(0) if bound else None),
            )
            if old is None or new is None or old.unit != new.unit or not old.value:
                continue
            result = router.tolerant(arithmetic.percentage_change, old, new)
            if isinstance(result, router.Missing):
                continue
            ops = [router.Operand("before", old, cited), router.Operand("after", new, cited)]
            return router.Computed(result, ops, f"From {old.text} to {new.text}: {result.formula}.")
    return None


def per_period(q: Question, ranked: list[Candidate], quote: Callable[..., Quote]) -> router.Computed | None:
    """The average a year (month, week) of a total one sentence states over a period ("£4.2m over a
    period of 4 years"): the money figure nearest the period, on either side of it."""
    key = key_terms(q)
    for c in ranked[:STATED_DEPTH]:
        cited = quote(c)
        for m in _OVER.finditer(cited.text):
            count = count_of(m.group("count"))
            if not count or not about(cited.text, m.start(), m.end(), key):
                continue
            near = [
                (min(abs(span[0] - m.end()), abs(m.start() - span[1])), a)
                for span, a in find_money(cited.text)
                if (span[1] <= m.start() + 1 and m.start() - span[1] <= PERIOD_REACH)
                or (span[0] >= m.end() - 1 and span[0] - m.end() <= PERIOD_REACH)
            ]
            if not near:
                continue
            total = min(near, key=lambda t: t[0])[1]
            unit = m.group("unit").lower()
            result = router.tolerant(arithmetic.average, [total], count, f"a {unit}")
            if isinstance(result, router.Missing):
                continue
            ops = [router.Operand("the total", total, cited)]
            return router.Computed(
                result, ops, f"{total.text} over {count} {unit}s: {result.formula} on average."
            )
    return None
