"""Operands for a computation, found in the evidence the way an officer would look them up.

A question such as "What do the children's overspend and the planned savings add up to?" names its
operands as phrases. Each phrase is searched like a question of its own that asks for a figure, and
its operand is the figure in the best evidence that sits nearest the phrase's own words (in a table
row, the cell under the column the phrase or the question names). Every operand comes with the quote
that states it; a phrase with no figure found is reported as missing, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.compose import Quote
from assistant.answer.question import Question, same_period, year_forms
from assistant.answer.select import MONTH_NAME, Candidate, _tokens
from core.councils import gazetteer
from core.money import Amount, find_money, find_percent, parse_number

# What is left of a question once the words that ask for the computation are taken out.
_ASK = re.compile(
    r"^\s*(?:and\s+)?(?:what\s+(?:do|does|did|would|is|was|are|were)\s+|how\s+much\s+(?:do|does|did|would|is|was)\s+|"
    r"please\s+|can\s+you\s+)?(?:add\s+(?:up\s+)?|sum\s+|the\s+sum\s+of\s+|the\s+total\s+of\s+|the\s+difference\s+between\s+|"
    r"work\s+out\s+|calculate\s+|counting\s+(?:up\s+)?|including\s+|tott?ing\s+up\s+)?(?:both\s+)?",
    re.I,
)
_TAIL = re.compile(
    r"\s*(?:,?\s*(?:add\s+up\s+to|come\s+to|combined|altogether|together|in\s+total|added\s+together|"
    r"what(?:'s|\s+is)\s+the\s+(?:total|sum|difference)|what\s+do\s+they\s+(?:come|add)\s+(?:up\s+)?to))\s*\??\s*$",
    re.I,
)
_JOIN = re.compile(
    r"\s+(?:and|plus|minus|less|versus|vs\.?|compared\s+(?:with|to)|against)\s+|\s*[+&]\s*|,\s+", re.I
)
# A bare count; not one glued to letters ("1x critical friend", "2nd"), which is a label or an order.
_COUNT = re.compile(r"(?<![\d£.,/])(\d[\d,]*(?:\.\d+)?)(?![\d%/]|[a-z])", re.I)
MAX_OPERANDS = 6
NEAR_WORDS = 8  # a figure counts as the phrase's when one of the phrase's words is this close


@dataclass
class Found:
    label: str
    amount: Amount
    quote: Quote


# "Adding A to B, ...", "If you add A to B, what do you get?", "Add A to B."
_ADDING = re.compile(
    r"(?:^\s*(?:please\s+)?|\bif\s+(?:you|we|i)\s+)add(?:ing)?\s+(?!up\b)(.+?)\s+to\s+(.+?)(?:,|\s+what\b|\s+how\b|[.?]?$)",
    re.I,
)
_CLAUSE = re.compile(r"^(.*?),\s*(?:what|how|which)\b.*$", re.I)


_DANGLING = re.compile(r"(?:\s*,)+\s*(?=,|$)|\s+(?:for|of|in|on|at|to|and|the)\s*$", re.I)


def subject_of(text: str) -> str:
    """What a computation question is about, without the words that ask for it: "What is the total
    of the savings SCC had allocated for , combined" is "the savings SCC had allocated"."""
    body = _TAIL.sub("", _ASK.sub("", text.strip().rstrip("?"), count=1))
    body = re.sub(r"[.;]\s+(?:what|how|which)\b.*$", "", body, flags=re.I)  # "... . What's the total"
    body = re.sub(r"\s+(?:(?:for|in|of|and)\s*)?,(?=\s)", "", body)  # where a year was taken out
    while (cut := _DANGLING.sub("", body).strip(" ,")) != body:
        body = cut
    return body or text.strip(" ?")


def phrases(text: str) -> list[str]:
    """The operand phrases of a computation question: "A and B", "A plus B", "A + B", "A, B and C",
    "adding A to B"."""
    if m := _ADDING.search(text.strip()):
        return [m.group(1).strip(" ,."), m.group(2).strip(" ,.")]
    body = text.strip().rstrip("?")
    if m := _CLAUSE.match(body):
        body = m.group(1)  # "Counting both A and B, how much ...": the operands come before the question
    body = _TAIL.sub("", _ASK.sub("", body, count=1))
    parts = [p.strip(" ,.-") for p in _JOIN.split(body)]
    parts = [p for p in parts if len(p.split()) >= 1 and re.search(r"[A-Za-z]{3}", p)]
    return parts[:MAX_OPERANDS] if len(parts) >= 2 else []


def _closeness(words: list[str], position: int, terms: dict[str, float]) -> float:
    """How much of a phrase's weighted words stand near a figure, the words before it counting more
    ("a shared pot of £2.5m" names the figure it leads up to)."""
    score = 0.0
    for i, w in enumerate(words):
        got = _tokens(w) & set(terms)
        if not got:
            continue
        gap = position - i if i < position else 2 * (i - position)
        if gap <= NEAR_WORDS:
            score += max(terms[t] for t in got) / (1 + gap)
    return score


_YEAR_MENTION = re.compile(r"(?<![\d£.,/])(?:(?:19|20)\d{2}(?:\s*[/-]\s*\d{2,4})?|\d{2}/\d{2})(?![\d%/])")
# A year after a figure ("£4.5m in 2015/16") is its period more often than one before it.
BEFORE_GAP_FACTOR = 2


_MONTH_BEFORE = re.compile(rf"\b{MONTH_NAME}\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?$", re.I)
MONTH_REACH = 16  # characters before a year searched for the month that makes it a date


def years_near(text: str, start: int) -> set[str]:
    """The period of a figure: of the years stated in its clause, the one nearest it ("an overspend
    of £4.5m in 2015/16 and £3.7m in 2016/17": 2015/16 for the first, 2016/17 for the second)."""
    lo = max(text.rfind(p, 0, start) for p in (". ", "; ", " – ", ", and ", ", whereas"))
    his = [i for p in (". ", "; ", " – ", ", whereas", " but ") if (i := text.find(p, start)) >= 0]
    lo, hi = (lo + 1 if lo >= 0 else 0), (min(his) if his else len(text))
    # Only what reads as a period ("12/20 schemes done" is not one).
    # A year after a month ("allocated in February 2018") dates an event; it is not the figure's period.
    mentions = [
        m
        for m in _YEAR_MENTION.finditer(text, lo, hi)
        if year_forms(m.group(0))
        and not _MONTH_BEFORE.search(text[max(0, m.start() - MONTH_REACH) : m.start()])
    ]
    if not mentions:
        return set()

    def gap(m: re.Match[str]) -> int:
        return m.start() - start if m.start() >= start else BEFORE_GAP_FACTOR * (start - m.end())

    return year_forms(min(mentions, key=gap).group(0))


def figure_in(c: Candidate, q: Question, want: str = "money", dated: bool = False) -> Amount | None:
    """The figure of a candidate that belongs to what `q` asks about: the one its words stand
    nearest, of the period it names when it names one. `want` is money, percent or count; `dated`
    asks for a figure whose own clause names the period (not one the period is only implied for)."""
    # The period chooses among figures by `same_period`; nearness is to the subject's own words.
    terms = {t: w for t, w in {**q.weights, **q.carried}.items() if w >= 0.5 and not year_forms(t)}
    table = c.table
    if table is not None and table.cells:
        g = gazetteer()
        named = set(q.councils)
        for cell in table.cells:
            councils = {g.canonical(tok) for tok in re.findall(r"[A-Z]{2,}", cell.header)} - {None}
            if named and councils & named:
                value = parse_number(cell.value)
                if value is not None:
                    unit = "£" if (cell.unit or "").startswith("£") else (cell.unit or "")
                    return Amount(value * cell.scale, unit, text=f"{cell.value} ({cell.header})")
    found = _figures(c.text, want, rates=bool(_RATE_ASKED.search(q.text)))
    if not found:
        return None
    words = c.text.split()
    offsets = [m.start() for m in re.finditer(r"\S+", c.text)]

    def position(start: int) -> int:
        return max((i for i, o in enumerate(offsets) if o <= start), default=0)

    def merit(f: tuple[tuple[int, int], Amount]) -> tuple[bool, float]:
        (start, _), _amount = f
        period = not q.years or same_period(q.years, years_near(c.text, start))
        return period, _closeness(words, position(start), terms)

    best = max(found, key=merit)
    period_ok, close = merit(best)
    if dated and q.years and not period_ok:
        return None
    if len(found) > 1 and (close == 0 or not period_ok):
        return None  # several figures and none of them near what was asked, or of its period: do not guess
    return best[1]


# A figure after these words is a bound, not an amount ("banks with assets greater than £25bn",
# "savings of at least £2m"): computing with it would state an exact result the papers do not give.
_BOUND = re.compile(
    r"\b(?:greater|more|less|fewer|higher|lower)\s+than\s*$|\b(?:in\s+excess\s+of|at\s+least|at\s+most|"
    r"no\s+more\s+than|not\s+exceeding|exceeding|upwards\s+of)\s*$",
    re.I,
)
BOUND_LOOKBACK = 24  # characters before a figure searched for a bound's words


# A figure followed by these words is a rate ("£2000 per day", "£750 a day"), not an amount: adding
# it to a cost would mix a day's price with a year's.
_RATE_AFTER = re.compile(r"^\s*(?:per|a|an|each)\s+(?:day|hour|week)\b", re.I)
RATE_LOOKAHEAD = 16  # characters after a figure searched for a rate's words
_RATE_ASKED = re.compile(r"\b(?:rate|daily|hourly|weekly|per\s+(?:day|hour|week))\b", re.I)


def _figures(text: str, want: str, rates: bool = True) -> list[tuple[tuple[int, int], Amount]]:
    return [
        f
        for f in _all_figures(text, want)
        if not _BOUND.search(text[max(0, f[0][0] - BOUND_LOOKBACK) : f[0][0]])
        and (rates or not _RATE_AFTER.search(text[f[0][1] : f[0][1] + RATE_LOOKAHEAD]))
    ]


def _all_figures(text: str, want: str) -> list[tuple[tuple[int, int], Amount]]:
    if want == "percent":
        return find_percent(text)
    if want == "money":
        return find_money(text)
    taken = [span for span, _ in find_money(text) + find_percent(text)]
    out = []
    for m in _COUNT.finditer(text):
        if any(s <= m.start() < e for s, e in taken) or re.fullmatch(r"(?:19|20)\d{2}", m.group(1)):
            continue
        out.append(((m.start(), m.end()), Amount(float(m.group(1).replace(",", "")), "", text=m.group(1))))
    return out


# "How many times bigger is A than B?"
_TIMES = re.compile(
    r"\bhow\s+many\s+times\s+(?:(?:bigger|larger|greater|more|higher|smaller|less|lower)\b[^?]*?\s+than|"
    r"(?:as\s+\w+\s+as))\s*(?P<b>.+?)\s*\??\s*$",
    re.I,
)
_TIMES_A = re.compile(
    r"\bhow\s+many\s+times\s+(?:bigger|larger|greater|more|higher|smaller|less|lower|as\s+\w+)\s+"
    r"(?:is|was|are|were|would\s+be)?\s*(?P<a>.+?)\s+(?:than|as)\s",
    re.I,
)
# "How many days of the project lead, at the daily rate, would the whole grant pay for?", "How many
# years' worth of the overspend would the reserves cover?"
_UNITS_OF = re.compile(
    r"\bhow\s+many\s+[\w'’-]+(?:\s+worth)?\s+(?:of\s+)?(?P<b>.+?),?\s+(?:would|could|will|does|did|can)\s+"
    r"(?P<a>.+?)\s+(?:pay\s+for|buy|cover|fund|last|meet)\b(?=\s*(?:[?,.]|$|at\b|in\b|for\b|by\b|over\b|until\b))",
    re.I,
)
# What such a question buys is priced (a rate, a cost, an overspend); otherwise it counts something
# else ("How many staff did the peer team meet?", "How many new posts would the savings fund?").
_PRICED = re.compile(
    r"\b(?:rate|cost|price|salary|fee|overspend(?:ing)?|spend|budget|deficit|gap|shortfall)\b", re.I
)


def asks_ratio(text: str) -> bool:
    """Whether a question asks for a ratio: "How many times bigger is A than B?", "How many days of B
    would A pay for at the day rate?"."""
    return bool(_TIMES.search(text) or (_UNITS_OF.search(text) and _PRICED.search(text)))


# "With general reserves and the contingency fund together, how many years ... could SCC cover?"
_LEAD_CLAUSE = re.compile(
    r"^\s*(?:with|using|taking|given)\s+(?P<lead>[^,?]+?)(?:\s+together)?,\s*how\s+many\b", re.I
)
_HOW_MANY = re.compile(r"\bhow\s+many\s+([a-z]+)", re.I)


def ratio_phrases(text: str) -> list[str]:
    """A ratio's two phrases, what is divided first: "how many times bigger is A than B" (A, B); "how
    many days of B would A pay for" (A, B); "with A, how many years of B could it cover" (A, B)."""
    times, units = _TIMES.search(text), _UNITS_OF.search(text)
    if times and (first := _TIMES_A.search(text)):
        a, b = first.group("a").strip(" ,."), times.group("b").strip(" ,.")
    elif units and _PRICED.search(text):
        a, b = units.group("a").strip(" ,."), units.group("b").strip(" ,.")
    else:
        return []
    lead = _LEAD_CLAUSE.match(text)
    if lead and len(re.findall(r"[A-Za-z]{3,}", a)) <= 1:
        a = lead.group("lead").strip(" ,.")  # the subject is a name or pronoun; the figures come first
    return [a, b]


def ratio_unit(text: str) -> str:
    """What a ratio counts, from "how many days ...": "days", or "times"."""
    m = _HOW_MANY.search(text)
    return m.group(1).lower() if m else "times"


def operands(
    labels: list[str],
    rank: Callable[[str], list[Candidate]],
    analyse: Callable[[str], Question],
    quote: Callable[[Candidate], Quote],
    want: str = "money",
    depth: int = 5,
) -> tuple[list[Found], list[str]]:
    """The figure for each phrase, and the phrases none was found for. Two phrases never take the
    same figure from the same place."""
    found: list[Found] = []
    missing: list[str] = []
    taken: set[tuple[str, int, int, str]] = set()
    for label in labels:
        q = analyse(label)
        hit = None
        ranked = rank(label)[:depth]
        # A phrase that names a period ("the overspend in 2016/17") takes the figure stated for that
        # period where one of the evidence states it, before one the period is only implied for.
        for dated in (True, False) if q.years else (False,):
            for c in ranked:
                amount = figure_in(c, q, want, dated)
                if amount is None or (*c.key, amount.text) in taken:
                    continue
                taken.add((*c.key, amount.text))
                hit = Found(label, amount, quote(c))
                break
            if hit is not None:
                break
        if hit is None:
            missing.append(f"a figure for “{label}”")
        else:
            found.append(hit)
    return found, missing
