"""Computations whose operands one sentence states together, read from the quote that is cited.

- a movement, "moving from 20 in 2016 to now having in excess of 130": its percentage change;
- a level and a change of it, "agency spend for 23/24 was £13.1m, we are targeting a reduction of
  circa £3m": the change as a percentage of the level, or the level once the change is made;
- a total over a stated period, "£4.2m over a period of 4 years", or a year's figure asked per week
  or month: its average;
- a percentage stated with its count, "57 residents ... with 37 (74%) remaining": checked against
  the counts.

Papers state both operands of such a computation in one sentence far more often than in two; reading
them from the sentence keeps the pair together, where a search for each operand alone finds two
figures that may belong to different things.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import router
from assistant.answer.compose import Quote
from assistant.answer.question import Question
from assistant.answer.select import Candidate, prefix_match
from assistant.tools import arithmetic
from core.money import Amount, find_money, find_percent
from core.tokens import NUMBER_WORD_PATTERN, count_of, tokenize

STATED_DEPTH = 3  # the best few candidates searched for a sentence stating both operands
# A movement's "from X to Y" with the question's words about it is rare enough to search deeper for.
MOVEMENT_DEPTH = 6
CONTEXT_WORDS = 12  # words either side of the operands that say what they are about (a sentence's subject may lead it by ten)
KEY_WEIGHT = 1.0  # a question term at least this heavy is one of its key words
DISTINCT_WEIGHT = 3.0  # one at least this heavy (a rarer word) names what the question is about

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
_DATE_AFTER = re.compile(
    r"(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I
)
# "over a period of 4 years", "over the last six years"
_OVER = re.compile(
    rf"\bover\s+(?:a\s+period\s+of\s+|the\s+(?:last|past|next|previous|following|coming|first)\s+)?"
    rf"(?P<count>{NUMBER_WORD_PATTERN})\s+(?P<unit>year|month|week)s?\b",
    re.I,
)
PERIOD_REACH = 80  # characters between a total and the period it is spread over


# A figure stated as a change ("a reduction of circa £3m", "cut by £2m", "an increase of 5%").
CHANGE_BEFORE = re.compile(
    r"\b(reduction|cut|decrease|fall|drop|saving|increase|rise|growth)s?\s+(?:of|by)\s+"
    r"(?:circa\s+|about\s+|around\s+|approximately\s+|some\s+|roughly\s+)?$|"
    r"\b(reduc(?:e|ed|es|ing)|cut(?:s|ting)?|decreas(?:e|ed|es|ing)|fall(?:s|ing)?|fell|drop(?:s|ped|ping)?|"
    r"increas(?:e|ed|es|ing)|rais(?:e|ed|es|ing)|ris(?:e|es|ing)|rose|grow(?:s|ing)?|grew)\s+(?:\w+\s+){0,3}?by\s+"
    r"(?:circa\s+|about\s+|around\s+|approximately\s+|some\s+|roughly\s+)?$",
    re.I,
)
CHANGE_LOOKBACK = 48  # characters before a figure searched for the words that make it a change
_CHANGE_NOUN = {  # the verb's stem -> the noun the answer names the change by
    "reduction": "reduction",
    "reduc": "reduction",
    "cut": "cut",
    "decreas": "decrease",
    "fall": "fall",
    "fell": "fall",
    "drop": "drop",
    "increas": "increase",
    "rais": "increase",
    "rise": "rise",
    "ris": "rise",
    "rose": "rise",
    "grow": "growth",
    "grew": "growth",
}


def change_word(text: str, at: int) -> str | None:
    """The kind of change ("reduction", "increase") when the figure at text[at] is stated as a change
    rather than a level."""
    m = CHANGE_BEFORE.search(text[max(0, at - CHANGE_LOOKBACK) : at])
    if m is None:
        return None
    word = (m.group(1) or m.group(2)).lower()
    return next((noun for stem, noun in _CHANGE_NOUN.items() if word.startswith(stem)), word)


_FALLS = ("reduction", "cut", "decrease", "fall", "drop", "saving")


def change_on_level(
    q: Question, ranked: list[Candidate], quote: Callable[..., Quote], after: bool
) -> router.Computed | None:
    """A level and a change of it one sentence states ("agency spend for 23/24 was £13.1m, we are
    targeting a reduction of circa £3m"): the change as a percentage of the level, or (`after`) the
    level once the change is made."""
    key = key_terms(q)
    for c in ranked[:STATED_DEPTH]:
        cited = quote(c)
        figures = find_money(cited.text)
        for n, (span, change) in enumerate(figures):
            word = change_word(cited.text, span[0])
            levels = [(s, a) for s, a in figures[:n] if change_word(cited.text, s[0]) is None]
            if word is None or not levels or not about(cited.text, levels[-1][0][0], span[1], key):
                continue
            level = levels[-1][1]
            ops = [router.Operand("the level", level, cited), router.Operand(f"the {word}", change, cited)]
            if not after:
                share = router.tolerant(arithmetic.share, change, level)
                if isinstance(share, router.Missing):
                    continue
                return router.Computed(
                    share, ops, f"A {word} of {change.text} on {level.text}: {share.formula}."
                )
            if word in _FALLS:
                result = arithmetic.difference(level, change)
            else:
                result = arithmetic.total([level, change])
            return router.Computed(
                result, ops, f"{level.text} after a {word} of {change.text}: {result.formula}."
            )
    return None


_PERIOD_TOKEN = re.compile(r"^\d{2,4}(?:/\d{2,4})?$")


@dataclass(frozen=True)
class Terms:
    """What a question is about: its key words, one of which must stand near the figures, and its
    distinctive (rarer) words, one of which the sentence must use. Years say when, not what
    ("council tax for 2024/25" is not about agency spend in 24/25), so they are neither."""

    near: frozenset[str]
    distinctive: frozenset[str]


# Words that ask how to work a figure out, or per what period, not what it is of.
_ASKING = frozenset(
    tokenize(
        "year years month months week weeks day days annual annually average per total much many rough roughly"
    )
)


def key_terms(q: Question) -> Terms:
    subject = {t: w for t, w in q.weights.items() if not _PERIOD_TOKEN.match(t) and t not in _ASKING}
    heavy = {t for t, w in subject.items() if w >= DISTINCT_WEIGHT}
    return Terms(
        frozenset(t for t, w in subject.items() if w >= KEY_WEIGHT),
        frozenset(heavy or sorted(subject, key=lambda t: -subject[t])[:1]),
    )


def near(text: str, start: int, end: int, terms: Terms) -> bool:
    """Whether the words at and around text[start:end] use a key word of the question."""
    return _uses(terms.near, _around(text, start, end))


def nearness(text: str, start: int, end: int, terms: Terms) -> int:
    """How many of the question's key words the words at and around text[start:end] use."""
    around = _around(text, start, end)
    return sum(1 for t in terms.near if t in around or prefix_match(t, around))


def _around(text: str, start: int, end: int) -> frozenset[str]:
    words = (
        text[:start].split()[-CONTEXT_WORDS:] + text[start:end].split() + text[end:].split()[:CONTEXT_WORDS]
    )
    return frozenset(tokenize(" ".join(words)))


def about(text: str, start: int, end: int, terms: Terms) -> bool:
    """Whether the figures at text[start:end] are `near` a key word of the question, and the sentence
    uses one of its distinctive words: a pair of figures about something else is not the pair asked
    for."""
    return near(text, start, end, terms) and _uses(terms.distinctive, frozenset(tokenize(text)))


def _uses(terms: frozenset[str], tokens: frozenset[str]) -> bool:
    """Whether the tokens hold one of the terms, or a word the stemmer left apart from it
    ("apprentices" and "apprenticeship")."""
    return bool(terms & tokens) or any(prefix_match(t, tokens) for t in terms)


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
    for c in ranked[:MOVEMENT_DEPTH]:
        cited = quote(c)
        for m in _FROM_TO.finditer(cited.text):
            if not about(cited.text, m.start(), m.end(), key):
                continue
            bound = re.search(rf"\b{_APPROX_WORDS}\s*$", m.group("words"), re.I)
            if _DATE_AFTER.match(cited.text, m.end("old")) or _DATE_AFTER.match(cited.text, m.end("new")):
                continue  # "from 1 April 2023 to 31 March 2025": dates, not figures
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


# How many of each shorter period a longer one holds, for an average asked per week of a yearly figure.
PERIODS_IN = {("year", "month"): 12, ("year", "week"): 52}
# "per year", "a week": an amount asked per period ("annual cost" names a figure, not a division).
_ASKED_PER = re.compile(r"\b(?:per|a|each|every)\s+(year|annum|month|week)\b", re.I)
_PER_WORD = {"annum": "year"}
# A figure for a year: "agency spend for 23/24 was £13.1m", "£2m a year", "annual cost of £50,000".
_A_YEARS = re.compile(
    r"(?<![\d/])(?P<from>\d{2}|(?:19|20)\d{2})\s?[/-]\s?(?P<to>\d{2})(?![\d/%])(?!\s*(?:%|per\s*cent))|"
    r"\b(?:a|per)\s+year\b|\bannual\b",
    re.I,
)


def _a_year(m: re.Match[str]) -> bool:
    """Whether a match of `_A_YEARS` is a year: a financial year's second part follows its first
    ("23/24", "2023-24"), unlike a range ("20-26%", "pages 10-12")."""
    if m.group("from") is None:
        return True
    return (int(m.group("from")) + 1) % 100 == int(m.group("to"))


_STATED_PER = {
    unit: re.compile(
        rf"\b(?:per|a|each|every)\s+{unit}\b"
        + (r"|\bannual(?:ly)?\b|\bper\s+annum\b" if unit == "year" else ""),
        re.I,
    )
    for unit in ("year", "month", "week")
}


_ASKS_CHANGE = re.compile(r"\b(?:reduc|cut|sav|increas|rais|grow|fall|drop|shrink)\w*", re.I)


def asked_per(text: str) -> str | None:
    """The period a question asks an amount per ("per week", "annually"), if any."""
    m = _ASKED_PER.search(text)
    if m is None:
        return None
    word = m.group(1).lower()
    return _PER_WORD.get(word, word)


def per_period(q: Question, ranked: list[Candidate], quote: Callable[..., Quote]) -> router.Computed | None:
    """The average a year (month, week) of a total one sentence states over a period ("£4.2m over a
    period of 4 years"), the money figure nearest the period, on either side of it; or, asked per
    week or month, of a figure the sentence gives for a year ("agency spend for 23/24 was £13.1m")."""
    key = key_terms(q)
    asked = asked_per(q.text)
    for c in ranked[:STATED_DEPTH]:
        cited = quote(c)
        if asked and find_money(cited.text) and _STATED_PER[asked].search(cited.text):
            return None  # "£18.5m of savings per year": the amount is stated per the period asked
        for m in _OVER.finditer(cited.text):
            count = count_of(m.group("count"))
            total = _total_about(cited.text, m.start(), m.end(), key)
            if not count or total is None:
                continue
            unit = m.group("unit").lower()
            per = asked if asked is not None and (unit, asked) in PERIODS_IN else unit
            spread = count * PERIODS_IN.get((unit, per), 1)
            result = router.tolerant(arithmetic.average, [total], spread, f"a {per}")
            if isinstance(result, router.Missing):
                continue
            ops = [router.Operand("the total", total, cited)]
            return router.Computed(
                result, ops, f"{total.text} over {count} {unit}s: {result.formula} on average."
            )
        if asked in ("month", "week") and not _ASKS_CHANGE.search(q.text):
            # A year's level, asked per week; not when the question asks about a change of it ("how
            # much a month did it plan to reduce costs by?" is no share of the year's spend).
            for y in filter(_a_year, _A_YEARS.finditer(cited.text)):
                total = _total_about(cited.text, y.start(), y.end(), key)
                if total is None:
                    continue
                spread = PERIODS_IN[("year", asked)]
                result = router.tolerant(arithmetic.average, [total], spread, f"a {asked}")
                if isinstance(result, router.Missing):
                    continue
                ops = [router.Operand("the year's figure", total, cited)]
                return router.Computed(
                    result, ops, f"{total.text} for a year is {spread} {asked}s: {result.formula} on average."
                )
    return None


def _total_about(text: str, start: int, end: int, key: Terms) -> Amount | None:
    """The money figure nearest the period at text[start:end], when the two are `about` what the
    question asks."""
    found = _nearest_money(text, start, end)
    if found is None:
        return None
    (s, e), total = found
    return total if about(text, min(s, start), max(e, end), key) else None


def _nearest_money(text: str, start: int, end: int) -> tuple[tuple[int, int], Amount] | None:
    """The money figure nearest text[start:end] on either side, within `PERIOD_REACH` characters,
    with its span."""
    near = [
        (min(abs(span[0] - end), abs(start - span[1])), (span, a))
        for span, a in find_money(text)
        if (span[1] <= start + 1 and start - span[1] <= PERIOD_REACH)
        or (span[0] >= end - 1 and span[0] - end <= PERIOD_REACH)
    ]
    return min(near, key=lambda t: t[0])[1] if near else None


# "with 37 (74%) remaining": a count with its percentage in brackets after it.
_COUNT_WITH_PERCENT = re.compile(r"(?<![\d£.,])(?P<part>\d[\d,]*)\s*\(\s*(?P<pct>\d+(?:\.\d+)?)\s*%\s*\)")
_COUNT = re.compile(r"(?<![\d£.,/])(\d[\d,]*)(?![\d%/.,]\d|\s*%)")


def counted_percent(text: str, percents: set[float]) -> tuple[re.Match[str], float] | None:
    """The count a stated percentage follows in brackets ("37 (74%)") and the whole it is of: the
    largest count stated before it ("57 Sheppey residents ... with 37 (74%)": 37 and 57)."""
    for m in _COUNT_WITH_PERCENT.finditer(text):
        if float(m.group("pct")) not in percents:
            continue
        part = float(m.group("part").replace(",", ""))
        wholes = [
            w
            for n in _COUNT.finditer(text, 0, m.start())
            if not _YEAR.fullmatch(n.group(1)) and (w := float(n.group(1).replace(",", ""))) > part
        ]
        if wholes:
            return m, max(wholes)
    return None


def percent_check(
    text: str, q: Question, ranked: list[Candidate], quote: Callable[..., Quote]
) -> router.Computed | None:
    """A percentage the question states, checked against the counts its sentence gives (37 of 57 is
    64.9%, not the 74% stated)."""
    stated_pcts = {a.value for _, a in find_percent(text)}
    key = key_terms(q)
    for c in ranked[:STATED_DEPTH]:
        cited = quote(c)
        found = counted_percent(cited.text, stated_pcts)
        if found is None or not about(cited.text, found[0].start(), found[0].end(), key):
            continue
        m, whole = found
        part = float(m.group("part").replace(",", ""))
        share = router.tolerant(
            arithmetic.share, Amount(part, "", text=m.group("part")), Amount(whole, "", text=f"{whole:,g}")
        )
        if isinstance(share, router.Missing):
            continue
        right = abs(float(share.output) - float(m.group("pct"))) < PERCENT_SLACK
        share.details["adds_up"] = right
        verdict = "matches" if right else f"does not match the stated {m.group('pct')}%"
        ops = [router.Operand("the count", Amount(part, "", text=m.group("part")), cited)]
        result_text = share.formula.split(" = ")[-1]
        return router.Computed(
            share, ops, f"{m.group('part')} of {whole:,g} is {result_text}, which {verdict}: {share.formula}."
        )
    return None


PERCENT_SLACK = 0.5  # percentage points within which a stated percentage is the same as the computed one
